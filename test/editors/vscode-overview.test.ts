// The security overview in real VS Code (code-server 4.100.3 in Debian's Chromium through playwright-core), with the
// VSIX that `vsce package` builds: the "AVD Security" view in the explorer (host pools, sections, findings, a click
// that reveals the code) and the overview page of the host pool under the cursor in a webview (sections, diagram, links
// back to the code, no script, nothing loaded). What the editor shows is held to what the CLI reports for the same
// folder (`avdsec report --format markdown`, `avdsec scan --format json`).
// Prerequisites: scripts/setup-editors.sh. Run with `npm run test:editors`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Browser, chromium, type ConsoleMessage, type FrameLocator, type Locator, type Request } from 'playwright-core';
import { type Finding, scan } from './cases';
import { CodeServer } from './support/code-server';
import { checkScreenshot } from './support/png';
import { chromiumPath, codeServerEntry, missingPrerequisite } from './support/prereqs';
import { type ReportedPool, reportedPools, SECTION_TITLES } from './support/report';
import { packagedVsix, ROOT } from './support/vsix';
import { SCREENSHOTS } from './support/screenshots';
import { poll, Workbench } from './support/workbench';

const FAILURE_SCREENSHOTS = path.join(ROOT, 'test-results', 'editors');
const VIEWPORT = { width: 1280, height: 800 };
const SHOW_OVERVIEW = 'avdsec: Show AVD Security Overview of This Host Pool';
const RULE = 'pooled-host-local-admin';

/** A file with two host pools, added at the end: the page must follow the cursor from one to the other. */
const TWO_POOLS = `resource first 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-first'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
  }
}

resource second 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-second'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Personal'
    personalDesktopAssignmentType: 'Automatic'
    loadBalancerType: 'Persistent'
    preferredAppGroupType: 'Desktop'
  }
}
`;

const slug = (s: string) =>
  s
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

/** "1 error, 3 warning, 5 info" (the report) and "1 error, 3 warnings, 5 info" (the view) as counts by level. */
const counts = (text: string) => Object.fromEntries([...text.matchAll(/(\d+) (error|warning|info|hint)/g)].map((m) => [m[2], Number(m[1])]));
/**
 * The cursor's column on a Bicep host pool's declaration: in its type, which is where the server places the pool (a
 * cursor elsewhere in the declaration gets the file's first pool).
 */
const onType = (line: string) => {
  const at = line.indexOf("'Microsoft.DesktopVirtualization/hostPools");
  assert.ok(at >= 0, `no host pool type on: ${line}`);
  return at + 3;
};
/** The engine quotes names as its messages do; the view shows them bare. */
const bare = (name: string) => name.replace(/^'(.*)'$/, '$1');

describe('VS Code (code-server in Chromium): the "AVD Security" view and the overview page', function () {
  let tmp: string | undefined;
  let workspace: string;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let pools: ReportedPool[];
  let findings: Finding[];

  before(async function () {
    this.timeout(300_000);
    const entry = codeServerEntry();
    if (!entry) missingPrerequisite(this, 'code-server is not installed');
    const chrome = chromiumPath();
    if (!chrome) missingPrerequisite(this, 'chromium is not on PATH');

    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-overview-'));
    workspace = path.join(tmp, 'examples');
    fs.cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
    pools = reportedPools(workspace);
    findings = scan(workspace);
    assert.ok(pools.length >= 3, `avdsec report lists ${pools.length} host pools in examples/`);

    const vsix = await packagedVsix();
    server = new CodeServer(entry, path.join(tmp, 'code-server'));
    await server.installExtension(vsix);
    const url = await server.start(workspace);
    browser = await chromium.launch({
      executablePath: chrome,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    wb = await Workbench.open(browser, url);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      fs.mkdirSync(FAILURE_SCREENSHOTS, { recursive: true });
      const file = path.join(FAILURE_SCREENSHOTS, `${slug(this.currentTest.fullTitle())}.png`);
      await wb.screenshot(file).catch(() => undefined);
      console.log(`      screenshot of the failure: ${path.relative(ROOT, file)}`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (tmp && !process.env.AVDSEC_KEEP_EDITOR_TMP) fs.rmSync(tmp, { recursive: true, force: true });
    else if (tmp) console.log(`      kept ${tmp}`);
  });

  // ---- The view -------------------------------------------------------------------------------------------------

  const tree = () => wb.page.locator('.part.sidebar .monaco-list[aria-label="AVD Security"]');
  /** The rows of the view at one depth (1: host pools, 2: sections, 3: lines, 4: findings) with their accessible labels. */
  const rows = async (level: number): Promise<{ label: string; row: Locator }[]> => {
    const all = tree().locator(`.monaco-list-row[aria-level="${level}"]`);
    const labels = await all.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    return labels.map((label, i) => ({ label, row: all.nth(i) }));
  };
  const row = (level: number, match: (label: string) => boolean, what: string) =>
    poll(
      `${what} in the AVD Security view`,
      60_000,
      async () => (await rows(level)).find((r) => match(r.label))?.row,
      async () => JSON.stringify((await rows(level)).map((r) => r.label)),
    );
  /** Expands a row with a click, as a user does, and waits for VS Code to show it expanded. */
  const expand = async (r: Locator) => {
    if ((await r.getAttribute('aria-expanded')) !== 'true') await r.locator('.monaco-tl-contents').click();
    await poll('the row to expand', 30_000, async () => ((await r.getAttribute('aria-expanded')) === 'true' ? true : undefined));
  };
  const poolLabel = (p: ReportedPool) => `Host pool ${bare(p.name)}, ${p.type}, ${p.file}:${p.line}, `;
  const bicepPool = () => pools.find((p) => p.file === 'bicep/main.bicep')!;

  /** Shows the view, with the folder's own pane collapsed so that the view has the height of the side bar. */
  async function showView(): Promise<void> {
    await wb.page.locator('.part.sidebar .pane-header[aria-label="AVD Security Section"]').waitFor({ timeout: 90_000 });
    await wb.command('Explorer: Focus on AVD Security View');
    const folders = wb.page.locator('.part.sidebar .pane-header[aria-label^="Explorer Section"]');
    if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
    await tree().waitFor({ state: 'visible' });
  }

  /** The cursor of the active editor, as the status bar shows it, and the active editor's file. */
  async function cursorAt(file: string, line: number, column: number, what: string): Promise<void> {
    const base = path.posix.basename(file);
    await poll(
      `${what}: ${base} at Ln ${line}, Col ${column}`,
      30_000,
      async () => {
        const tab = await wb.page.locator('.part.editor .editor-group-container.active .tabs-container .tab.active').innerText();
        const at = await wb.page.locator('[id="status.editor.selection"]').innerText();
        return tab.includes(base) && at.includes(`Ln ${line}, Col ${column}`) ? true : undefined;
      },
      async () =>
        `${await wb.page.locator('.part.editor .editor-group-container.active .tabs-container .tab.active').innerText()} ${await wb.page.locator('[id="status.editor.selection"]').innerText()}`,
    );
  }

  it('lists the host pools of the workspace in the "AVD Security" view of the explorer, with their counts', async function () {
    await showView();
    await poll(
      `the ${pools.length} host pools that avdsec report lists`,
      90_000,
      async () => {
        const shown = await rows(1);
        return shown.length === pools.length && pools.every((p) => shown.some((r) => r.label.startsWith(poolLabel(p)))) ? true : undefined;
      },
      async () => JSON.stringify((await rows(1)).map((r) => r.label)),
    );
    for (const p of pools) {
      const shown = (await rows(1)).find((r) => r.label.startsWith(poolLabel(p)))!;
      assert.deepEqual(counts(shown.label.slice(poolLabel(p).length)), counts(p.findings), `counts of ${p.file}`);
      // The worst level shows as the item's icon.
      const worst = ['error', 'warning', 'info', 'hint'].find((l) => counts(p.findings)[l]);
      if (worst) assert.match((await shown.row.locator('.custom-view-tree-node-item-icon').getAttribute('class')) ?? '', new RegExp(`codicon-${worst}\\b`));
    }
  });

  it('expands a host pool into the eight sections, each with the state the report gives it', async function () {
    const p = bicepPool();
    await expand(await row(1, (l) => l.startsWith(poolLabel(p)), `the host pool of ${p.file}`));
    const sections = await poll(
      'the eight sections',
      30_000,
      async () => {
        const shown = await rows(2);
        return shown.length === SECTION_TITLES.length ? shown.map((r) => r.label) : undefined;
      },
      async () => JSON.stringify((await rows(2)).map((r) => r.label)),
    );
    assert.deepEqual(
      sections,
      SECTION_TITLES.map((t, i) => `${t}: ${p.sections[i]}`),
    );
  });

  it('shows the finding behind a section and reveals it in the code when clicked', async function () {
    const p = bicepPool();
    const f = findings.find((x) => x.file === p.file && x.ruleId === RULE);
    assert.ok(f, `avdsec scan reports no ${RULE} in ${p.file}`);
    await expand(await row(2, (l) => l.startsWith('Trust level:'), 'the "Trust level" section'));
    await expand(await row(3, (l) => l.startsWith('Local administrators:'), 'the "Local administrators" line'));
    const finding = await row(4, (l) => l === `${f.level} ${RULE}: ${f.message}`, `the ${RULE} finding`);
    await finding.locator('.monaco-tl-contents').click();
    await cursorAt(f.file, f.range.start.line, f.range.start.column, 'a click on the finding reveals it');

    // The README's screenshot: the view, wider, next to the code it revealed.
    const sidebar = (await wb.page.locator('.part.sidebar').boundingBox())!;
    await dragSash(sidebar.x + sidebar.width, sidebar.x + 470);
    await wb.page.mouse.move(VIEWPORT.width - 20, VIEWPORT.height / 2);
    assert.ok(await finding.isVisible(), 'the finding is on screen');
    assert.ok(await wb.page.locator('.part.sidebar .pane-header[aria-label="AVD Security Section"]').isVisible());
    const shot = path.join(SCREENSHOTS, 'overview-view.png');
    await wb.screenshot(shot);
    checkScreenshot(shot, VIEWPORT);
  });

  // ---- The page -------------------------------------------------------------------------------------------------

  /** The page inside the webview: VS Code's webview host frame, then the frame that holds the extension's HTML. */
  const pageFrame = (): FrameLocator => wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  /** Watches what the workbench loads and logs while `action` opens or updates the page. */
  async function watching(action: () => Promise<void>): Promise<{ requests: Request[]; errors: string[] }> {
    const requests: Request[] = [];
    const errors: string[] = [];
    const onRequest = (r: Request) => requests.push(r);
    const onConsole = (m: ConsoleMessage) => {
      // The webview's own frames (its host page and the extension's HTML): a blocked resource shows here.
      if (m.type() === 'error' && m.location().url.includes('/webview/browser/pre/')) errors.push(m.text());
    };
    wb.page.on('request', onRequest);
    wb.page.on('console', onConsole);
    try {
      await action();
    } finally {
      wb.page.off('request', onRequest);
      wb.page.off('console', onConsole);
    }
    return { requests, errors };
  }

  /** Nothing leaves code-server, and the extension's HTML requests nothing but its own document. */
  function assertLoadsNothing(watched: { requests: Request[]; errors: string[] }): void {
    const origin = new URL(wb.page.url()).origin;
    const elsewhere = watched.requests.map((r) => r.url()).filter((u) => !u.startsWith(origin + '/'));
    assert.deepEqual(elsewhere, [], 'requests that leave code-server');
    const fromPage = watched.requests
      .filter((r) => {
        try {
          return r.frame().url().includes('/fake.html') && r.url() !== r.frame().url();
        } catch {
          return false; // a service worker's request has no frame
        }
      })
      .map((r) => r.url());
    assert.deepEqual(fromPage, [], 'requests made by the overview page');
    assert.deepEqual(watched.errors, [], 'console errors in the webview');
  }

  /** The page shows `pool`: its title, where it is declared, the eight sections and the diagram. */
  async function assertPageOf(name: string, declaredAt: string): Promise<void> {
    const frame = pageFrame();
    const declared = frame.locator('section p', { hasText: 'Declared at' }).locator('a').first();
    // The three example pools share one name: the page of the pool shown before has the same title, so the wait is
    // for where the pool is declared too (the page is replaced after the click, not at once).
    await poll(
      `the overview page of ${name} declared at ${declaredAt}`,
      60_000,
      async () =>
        (await frame.locator('h1').innerText({ timeout: 5_000 })) === `AVD security: ${name}` && (await declared.innerText({ timeout: 5_000 })) === declaredAt
          ? true
          : undefined,
      async () => `${await frame.locator('h1').innerText({ timeout: 1_000 })}, declared at ${await declared.innerText({ timeout: 1_000 })}`,
    );
    assert.equal(await declared.innerText(), declaredAt);
    assert.match((await declared.getAttribute('href')) ?? '', /^command:avdsec\.reveal\?/);
    const titles = (await frame.locator('table.lines tbody th').allInnerTexts()).map((t) => t.split('\n')[0].trim());
    assert.deepEqual(titles, SECTION_TITLES);
    const svg = frame.locator('.diagram svg[role="img"]');
    await svg.waitFor({ state: 'visible' });
    assert.equal(await svg.locator('g > title').count(), 8, 'the diagram has its eight parts');
    assert.equal(await frame.locator('script').count(), 0);
    assert.equal(
      await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    );
    // enableScripts: false: VS Code sandboxes the page's frame without allow-scripts.
    const sandbox = await wb.page.frameLocator('iframe.webview.ready').locator('iframe#active-frame').getAttribute('sandbox');
    assert.doesNotMatch(sandbox ?? '', /allow-scripts/);
    assert.equal(await wb.page.locator('.part.editor .tab.active', { hasText: `AVD Security: ${bare(name)}` }).count(), 1, 'the tab of the page');
  }

  /** Drags the vertical sash nearest `fromX` (a side bar's or an editor split's edge) to `toX`. */
  async function dragSash(fromX: number, toX: number): Promise<void> {
    const sashes = await wb.page
      .locator('.monaco-workbench > .monaco-grid-view .monaco-sash.vertical:not(.disabled), .part.editor .monaco-sash.vertical:not(.disabled)')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2, h: r.height })));
    const sash = sashes.filter((s) => s.h > 100).sort((a, b) => Math.abs(a.x - fromX) - Math.abs(b.x - fromX))[0];
    assert.ok(sash && Math.abs(sash.x - fromX) < 8, `no sash at x=${fromX}: ${JSON.stringify(sashes)}`);
    await wb.page.mouse.move(sash.x, sash.y);
    await wb.page.mouse.down();
    await wb.page.mouse.move(toX, sash.y, { steps: 8 });
    await wb.page.mouse.up();
  }

  it('opens the overview page of the host pool under the cursor: the eight sections and the diagram, loading nothing', async function () {
    const p = bicepPool();
    await wb.openFile(p.file);
    await wb.goTo(p.line, onType(fs.readFileSync(path.join(workspace, p.file), 'utf8').split('\n')[p.line - 1]));
    const watched = await watching(async () => {
      await wb.command(SHOW_OVERVIEW);
      await assertPageOf(p.name, `${path.posix.basename(p.file)}:${p.line}`);
    });
    assertLoadsNothing(watched);
    // The finding of the view, with its level, in the page.
    const admin = pageFrame().locator('table.lines tbody tr', { hasText: 'Local administrators' });
    assert.match(await admin.innerText(), new RegExp(`error[\\s\\S]*${RULE}`));

    // The README's screenshot: the side bar closed and the page given most of the width, the code beside it.
    await wb.command('View: Close Primary Side Bar');
    await wb.page.locator('.part.sidebar').waitFor({ state: 'hidden' });
    const page = (await wb.page
      .locator('.part.editor .editor-group-container', { has: wb.page.locator('.tab.active', { hasText: 'AVD Security' }) })
      .boundingBox())!;
    await dragSash(page.x, VIEWPORT.width - 820);
    await wb.page.mouse.move(VIEWPORT.width - 20, VIEWPORT.height - 40);
    await pageFrame().locator('.diagram svg').waitFor({ state: 'visible' });
    assert.ok(await pageFrame().locator('h1').isVisible());
    const shot = path.join(SCREENSHOTS, 'overview-page.png');
    await wb.screenshot(shot);
    checkScreenshot(shot, VIEWPORT);
    await wb.command('View: Toggle Primary Side Bar Visibility');
    await wb.page.locator('.part.sidebar').waitFor({ state: 'visible' });
  });

  it("follows a link of the page back to the code (the webview's command links)", async function () {
    const p = bicepPool();
    const f = findings.find((x) => x.file === p.file && x.ruleId === RULE)!;
    const link = pageFrame().locator('table.lines tbody tr', { hasText: 'Local administrators' }).locator('a[href^="command:avdsec.reveal?"]').first();
    assert.equal(await link.innerText(), `${path.posix.basename(f.file)}:${f.range.start.line}`);
    // Somewhere else first, so that the link has to move the cursor.
    await wb.openFile('arm/azuredeploy.json');
    await wb.page.locator('.part.editor .tab', { hasText: 'AVD Security' }).click();
    await link.click();
    await cursorAt(f.file, f.range.start.line, f.range.start.column, 'the link reveals the finding');
  });

  it('opens the page of a host pool from its item in the view', async function () {
    const p = pools.find((x) => x.file.startsWith('terraform/'))!;
    await showView();
    const item = await row(1, (l) => l.startsWith(poolLabel(p)), `the host pool of ${p.file}`);
    await item.hover();
    await item.locator('.actions .action-label[aria-label="Show AVD Security Overview of This Host Pool"]').click();
    await assertPageOf(p.name, `${path.posix.basename(p.file)}:${p.line}`);
  });

  it('shows the pool under the cursor when a file declares several', async function () {
    fs.mkdirSync(path.join(workspace, 'two-pools'));
    fs.writeFileSync(path.join(workspace, 'two-pools', 'pools.bicep'), TWO_POOLS);
    const lines = TWO_POOLS.split('\n');
    for (const [name, decl] of [
      ['hp-second', 'resource second'],
      ['hp-first', 'resource first'],
    ]) {
      const line = lines.findIndex((l) => l.startsWith(decl)) + 1;
      // The page has the focus after the command: back to the file, on the pool's declaration.
      await wb.openFile('two-pools/pools.bicep');
      await wb.goTo(line, onType(lines[line - 1]));
      await wb.command(SHOW_OVERVIEW);
      await assertPageOf(name, `pools.bicep:${line}`);
    }
    // The view lists the new file's pools too, once the server has read it.
    await showView();
    await row(1, (l) => l.startsWith('Host pool hp-second, personal, two-pools/pools.bicep:'), 'the second host pool of two-pools/pools.bicep');
  });

  describe('after the checks', function () {
    it('shows no error in the avdsec logs', async function () {
      const logs = server!.extensionLogs();
      assert.doesNotMatch(logs.outputChannel, /\[(error|warning)\]/i, `avdsec.log:\n${logs.outputChannel}`);
      const hostErrors = logs.extensionHost.split('\n').filter((l) => /avdsec/i.test(l) && /\[error\]|failed/i.test(l));
      assert.deepEqual(hostErrors, [], 'the extension host logged errors for avdsec');
    });
  });
});
