// The CLI's HTML report (`avdsec report --format html`) as a reader opens it: from disk in Debian's Chromium through
// playwright-core. The page must show every host pool with the eight sections and its diagram, log no console error and
// load nothing (no script, no style sheet, no font, no image from anywhere: the page's content security policy).
// Prerequisites: Chromium (scripts/setup-editors.sh). Run with `npm run test:editors`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { screenshotPath } from './support/screenshots';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { checkScreenshot } from './support/png';
import { chromiumPath, missingPrerequisite } from './support/prereqs';
import { report, reportedPools, SECTION_TITLES, SUMMARY_HEADS } from './support/report';
import { ROOT } from './support/vsix';

describe('the HTML report (avdsec report --format html) in Chromium', function () {
  let browser: Browser | undefined;
  let tmp: string;

  before(async function () {
    const chrome = chromiumPath();
    if (!chrome) missingPrerequisite(this, 'chromium is not on PATH');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-report-'));
    browser = await chromium.launch({
      executablePath: chrome,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });

  after(async function () {
    await browser?.close().catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows every host pool with the summary table, the eight sections and the diagram, with no console error and no request', async function () {
    const pools = reportedPools(ROOT, 'examples');
    assert.ok(pools.length >= 3, `the Markdown report lists ${pools.length} host pools in examples/`);

    const file = path.join(tmp, 'report.html');
    report(ROOT, ['examples', '--format', 'html', '--output', file]);
    const url = pathToFileURL(file).href;

    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });

    // The summary table: one row per pool, a column per section.
    const heads = await page.locator('table.summary thead th').allInnerTexts();
    assert.deepEqual(heads, SUMMARY_HEADS);
    const rows = page.locator('table.summary tbody tr');
    assert.equal(await rows.count(), pools.length);
    for (const [i, p] of pools.entries()) {
      const cells = await rows.nth(i).locator('td').allInnerTexts();
      assert.deepEqual(cells, [p.name, `${p.file}:${p.line}`, p.type, p.findings, ...p.sections], `summary row ${i + 1} (${p.file})`);
    }

    // Each pool: its heading, where it is declared, the eight sections in order and the diagram.
    const sections = page.locator('section');
    assert.equal(await sections.count(), pools.length);
    for (const [i, p] of pools.entries()) {
      const s = sections.nth(i);
      assert.equal((await s.locator('h2').innerText()).replace(/\s+/g, ' '), `Host pool ${p.name} (${p.type})`);
      const declared = s.locator('p', { hasText: 'Declared at' }).locator('a').first();
      assert.equal(await declared.innerText(), `${p.file}:${p.line}`);
      // Relative to the report's folder, so the link works where the report is read.
      assert.equal(await declared.getAttribute('href'), `${path.relative(tmp, path.join(ROOT, p.file)).split(path.sep).join('/')}#L${p.line}`);
      const titles = (await s.locator('table.lines tbody th').allInnerTexts()).map((t) => t.split('\n')[0].trim());
      assert.deepEqual(titles, SECTION_TITLES, `sections of ${p.name} in ${p.file}`);
      const svg = s.locator('.diagram svg[role="img"]');
      await svg.waitFor({ state: 'visible' });
      const box = await svg.boundingBox();
      assert.ok(box && box.width > 300 && box.height > 100, `the diagram of ${p.file} is drawn (${JSON.stringify(box)})`);
      const parts = await svg.locator('g > title').allTextContents();
      for (const part of ['Users', 'Conditional Access', 'Workspace', 'Application groups', 'Host pool', 'Session hosts', 'Role assignments', 'Network path'])
        assert.ok(
          parts.some((t) => t.startsWith(`${part}:`)),
          `the diagram of ${p.file} has no "${part}" box: ${parts.join(' | ')}`,
        );
    }
    // The finding the examples are about, with its level, in every pool.
    const admin = page.locator('table.lines tbody tr', { hasText: 'Local administrators' });
    assert.equal(await admin.count(), pools.length);
    for (const text of await admin.allInnerTexts()) assert.match(text, /error[\s\S]*pooled-host-local-admin/);

    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.equal(csp, "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    assert.equal(await page.locator('script').count(), 0, 'the report has a script');

    const shot = screenshotPath('report-html.png');
    await page.screenshot({ path: shot, animations: 'disabled' });
    checkScreenshot(shot, { width: 1280, height: 900 });

    assert.deepEqual(errors, [], 'console errors');
    assert.deepEqual(requests, [url], 'requests other than the page itself');
    await page.close();
  });
});
