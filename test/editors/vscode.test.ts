// The extension as a user sees it: the VSIX built by `vsce package` is installed into real VS Code (code-server 4.100.3,
// which is VS Code 1.100.3 in the browser), the examples/ folder is opened in Debian's Chromium through playwright-core,
// and the test looks at squiggles, the Problems panel, a hover, the Quick Fix menu and the Output panel.
// Prerequisites: scripts/setup-editors.sh. Run with `npm run test:editors`.
// The files, rules and positions checked for each language are data in ./cases.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { CASES, type Finding, HOVER_TEXT, hoverPosition, resolveCaseFile, scan, SSO_FIX_TITLE, SSO_FIXED_TEXT, SSO_RULE } from './cases';
import { CodeServer } from './support/code-server';
import { chromiumPath, codeServerEntry, missingPrerequisite } from './support/prereqs';
import { packagedVsix, ROOT } from './support/vsix';
import { SCREENSHOTS } from './support/screenshots';
import { poll, type ProblemRow, Workbench } from './support/workbench';

/** The README's screenshots come from this language's checks, refreshed by each run. */
const SCREENSHOTS_FROM = 'Bicep';
const FAILURE_SCREENSHOTS = path.join(ROOT, 'test-results', 'editors');

const slug = (s: string) =>
  s
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

describe('VS Code (code-server in Chromium) with the avdsec VSIX', function () {
  let tmp: string | undefined;
  let workspace: string;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let baseline: Finding[];
  let vsix: string;

  before(async function () {
    this.timeout(300_000);
    const entry = codeServerEntry();
    if (!entry) missingPrerequisite(this, 'code-server is not installed');
    const chrome = chromiumPath();
    if (!chrome) missingPrerequisite(this, 'chromium is not on PATH');

    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-vscode-'));
    workspace = path.join(tmp, 'examples');
    fs.cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
    baseline = scan(workspace);

    vsix = await packagedVsix();
    server = new CodeServer(entry, path.join(tmp, 'code-server'));
    await server.installExtension(vsix);
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    assert.ok(server.installedExtensions().includes(`avdsec.avdsec-${version}`), `installed: ${server.installedExtensions().join(', ')}`);

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

  for (const c of CASES) {
    describe(c.language, function () {
      let file: string;
      let folder: string;
      let findings: Finding[];

      before(function () {
        const resolved = resolveCaseFile(workspace, c);
        if (!resolved) missingPrerequisite(this, `examples/${c.file} does not exist`, 'see CASES in test/editors/cases.ts');
        file = resolved;
        folder = path.posix.dirname(file) + '/';
        findings = baseline.filter((f) => f.file.startsWith(folder));
      });

      it(`opens ${c.file} and shows avdsec squiggles where the findings are`, async function () {
        await wb.openFile(file);
        const here = findings.filter((f) => f.file === file);
        assert.ok(here.length, `avdsec scan finds nothing in examples/${file}`);
        for (const f of here) {
          await wb.goTo(f.range.start.line, f.range.start.column);
          await poll(
            `a ${f.level} squiggle on line ${f.range.start.line} (${f.ruleId})`,
            90_000,
            async () => ((await wb.squiggles()).some((s) => s.line === f.range.start.line && s.severity === f.level) ? true : undefined),
            async () => JSON.stringify(await wb.squiggles()),
          );
        }
      });

      it('lists each headline rule with its message in the Problems panel', async function () {
        try {
          for (const rule of c.rules) {
            const expected = findings.filter((f) => f.ruleId === rule);
            assert.ok(expected.length, `avdsec scan reports no ${rule} under examples/${folder}`);
            await wb.showProblems(rule);
            let rows: ProblemRow[] = [];
            await poll(
              `${rule} in the Problems panel`,
              30_000,
              async () => {
                rows = (await wb.problems()).filter((r) => r.code === rule);
                const missing = expected.filter(
                  (f) =>
                    !rows.some(
                      (r) =>
                        r.file === path.join(workspace, f.file) &&
                        r.message === f.message &&
                        r.source === 'avdsec' &&
                        r.severity === f.level &&
                        r.line === f.range.start.line &&
                        r.column === f.range.start.column,
                    ),
                );
                return missing.length ? undefined : true;
              },
              async () => JSON.stringify(rows),
            );
          }
        } finally {
          await wb.showProblems('');
        }
        if (c.language === SCREENSHOTS_FROM) {
          const worst = findings.find((f) => f.file === file && f.level === 'error') ?? findings.find((f) => f.file === file)!;
          await wb.openFile(file);
          await wb.goTo(worst.range.start.line, worst.range.start.column);
          // Only this file's problems (a file name in the filter box matches the file), as a tree: what a user reads.
          await wb.showProblems(path.posix.basename(file));
          await wb.problemsView('tree');
          await wb.screenshot(path.join(SCREENSHOTS, 'problems.png'));
        }
      });

      it('explains the security boundary when hovering the host pool type', async function () {
        await wb.openFile(file);
        const pos = hoverPosition(workspace, file, c);
        await wb.goTo(pos.line, pos.column);
        const hover = await poll('the avdsec hover', 60_000, async () => {
          const h = await wb.hoverAtCursor();
          if (HOVER_TEXT.test(h)) return h;
          await wb.page.keyboard.press('Escape');
          return undefined;
        });
        assert.match(hover, /multi-session/);
        if (c.language === SCREENSHOTS_FROM) await wb.screenshot(path.join(SCREENSHOTS, 'hover.png'));
        await wb.page.keyboard.press('Escape');
      });

      it('applies the SSO quick fix from the Quick Fix menu, and the warning goes away', async function () {
        const sso = findings.find((f) => f.ruleId === SSO_RULE);
        assert.ok(sso, `avdsec scan reports no ${SSO_RULE} under examples/${folder}`);
        const folderText = () =>
          fs
            .readdirSync(path.join(workspace, folder))
            .map((f) => path.join(workspace, folder, f))
            .filter((f) => fs.statSync(f).isFile())
            .map((f) => fs.readFileSync(f, 'utf8'))
            .join('\n');
        const before = folderText().split(SSO_FIXED_TEXT).length;

        await wb.openFile(sso.file);
        await wb.goTo(sso.range.start.line, sso.range.start.column);
        const offered = await poll('the SSO quick fix in the Quick Fix menu', 60_000, async () => {
          const titles = await wb.openQuickFix();
          if (titles.some((t) => t.startsWith(SSO_FIX_TITLE))) return titles;
          await wb.page.keyboard.press('Escape');
          return undefined;
        });
        assert.ok(
          offered.some((t) => t.startsWith(SSO_FIX_TITLE)),
          offered.join(' | '),
        );
        if (c.language === SCREENSHOTS_FROM) await wb.screenshot(path.join(SCREENSHOTS, 'quick-fix.png'));
        await wb.applyQuickFix(SSO_FIX_TITLE);
        await wb.command('File: Save All');

        await poll(`${SSO_FIXED_TEXT} written to examples/${folder}`, 15_000, async () =>
          folderText().split(SSO_FIXED_TEXT).length > before ? true : undefined,
        );
        await wb.showProblems(SSO_RULE);
        let rows: ProblemRow[] = [];
        await poll(
          `${SSO_RULE} gone from the Problems panel for examples/${folder}`,
          30_000,
          async () => {
            rows = (await wb.problems()).filter((r) => r.code === SSO_RULE && r.file.startsWith(path.join(workspace, folder)));
            return rows.length ? undefined : true;
          },
          async () => JSON.stringify(rows),
        );
        await wb.showProblems('');
        const after = scan(workspace).filter((f) => f.ruleId === SSO_RULE && f.file.startsWith(folder));
        assert.deepEqual(after, [], 'the CLI still finds the SSO warning after the quick fix');
      });
    });
  }

  describe('status bar, commands and fix on save', function () {
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    /** The status bar's accessible label once the server runs and has published what the CLI finds now. */
    const runningLabel = () => {
      const findings = scan(workspace);
      const errors = findings.filter((f) => f.level === 'error').length;
      const warnings = findings.filter((f) => f.level === 'warning').length;
      return `avdsec: running, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    };
    const statusShows = (label: string) =>
      poll(
        `the avdsec status bar item to read "${label}"`,
        60_000,
        async () => {
          const item = await wb.statusBarItem(/avdsec/);
          return item?.label === label ? item : undefined;
        },
        async () => JSON.stringify(await wb.statusBarItem(/avdsec/)),
      );

    it("shows the server state and the workspace's avdsec errors and warnings in the status bar; a click opens Problems", async function () {
      const item = await statusShows(runningLabel());
      assert.match(item.text, /avdsec/);
      await wb.closePanel();
      await wb.clickStatusBarItem(/avdsec/);
      await wb.page.locator('.markers-panel').waitFor({ state: 'visible' });
    });

    it('runs "avdsec: Show Output" and "avdsec: Restart Server" from the command palette', async function () {
      await wb.closePanel();
      await wb.command('avdsec: Show Output');
      const view = wb.page.locator('.part.panel .output-view, .part.panel [id="workbench.panel.output"]').first();
      await view.waitFor({ state: 'visible' });
      // The Output view's filter box has been seen holding the last Problems filter (a rule id), which hides every line.
      const filter = wb.page.locator('.part.panel .viewpane-filter input:visible').first();
      if ((await filter.count()) && (await filter.inputValue())) await filter.fill('');
      const lines = view.locator('.view-lines').first();
      await poll(
        'the avdsec channel in the Output panel',
        30_000,
        async () => {
          if (/\[avdsec\]\sindexed\s\d+\sfiles/.test(await lines.innerText())) return true;
          // The view renders only the lines in sight and follows the end of the channel: the line may be above them.
          await lines.click();
          await wb.page.keyboard.press('Control+Home');
          return undefined;
        },
        async () => (await lines.innerText()).slice(0, 400),
      );

      const starts = () => (server!.extensionLogs().outputChannel.match(/\[avdsec\] indexed \d+ files/g) ?? []).length;
      const before = starts();
      await wb.command('avdsec: Restart Server');
      await poll('a second start of the language server in the avdsec log', 60_000, async () => (starts() > before ? true : undefined));
      await statusShows(runningLabel());
    });

    it('applies the preferred fixes when a file is saved, with avdsec.fixOnSave on', async function () {
      const file = 'fix-on-save/hostpool.bicep';
      const abs = path.join(workspace, file);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      // From the repository: the workspace's copy had its SSO fixed by the quick fix test.
      fs.copyFileSync(path.join(ROOT, 'examples', 'bicep', 'main.bicep'), abs);
      assert.ok(
        scan(workspace).some((f) => f.file === file && f.ruleId === SSO_RULE),
        `avdsec scan finds no ${SSO_RULE} in ${file}`,
      );
      // In the Settings editor, as a user does (VS Code does not see a settings.json written behind its back here).
      await wb.setBooleanSetting('avdsec.fixOnSave', 'Fix On Save', true);
      try {
        await poll('"avdsec.fixOnSave": true in the user settings.json', 15_000, async () =>
          server!.userSettings()['avdsec.fixOnSave'] === true ? true : undefined,
        );
        // The client logs the setting when it changes: the extension host has it from then on.
        await poll('"avdsec.fixOnSave is on" in the avdsec log', 30_000, async () =>
          server!.extensionLogs().outputChannel.includes('avdsec.fixOnSave is on') ? true : undefined,
        );
        await wb.openFile(file);
        await wb.goTo(1, 1);
        const comment = '// saved with avdsec.fixOnSave';
        await wb.page.keyboard.type(comment);
        await wb.page.keyboard.press('Enter');
        await wb.page.keyboard.press('Control+S');
        await poll(`${SSO_FIXED_TEXT} written to ${file} on save`, 30_000, async () =>
          fs.readFileSync(abs, 'utf8').includes(SSO_FIXED_TEXT) ? true : undefined,
        );
        assert.ok(fs.readFileSync(abs, 'utf8').startsWith(comment), 'the edit itself was saved');
        const left = scan(workspace).filter((f) => f.file === file && (f.ruleId === SSO_RULE || f.ruleId === 'pooled-host-local-admin'));
        assert.deepEqual(left, [], 'the CLI still finds what fix on save should have fixed');
      } finally {
        await wb.setBooleanSetting('avdsec.fixOnSave', 'Fix On Save', false);
      }
    });
  });

  // Mocha runs a suite's own tests before its nested suites: this one is in a suite of its own so that it runs last,
  // after the checks above have activated the extension and exercised the server.
  describe('after the checks', function () {
    it('shows no error in the "avdsec" output channel', async function () {
      const shown = await wb.outputChannel('avdsec');
      assert.match(shown, /\[avdsec\]/, `the avdsec output channel shows: ${shown}`);
      assert.doesNotMatch(shown, /\[error\]|\berror\b/i, `the avdsec output channel shows an error:\n${shown}`);
      const logs = server!.extensionLogs();
      assert.doesNotMatch(logs.outputChannel, /\[error\]/i, `avdsec.log:\n${logs.outputChannel}`);
      const hostErrors = logs.extensionHost.split('\n').filter((l) => /avdsec/i.test(l) && /\[error\]|failed/i.test(l));
      assert.deepEqual(hostErrors, [], 'the extension host logged errors for avdsec');
    });
  });

  // Last, with a code-server of its own: Workspace Trust on and the folder not trusted. avdsec runs no code from the
  // workspace and says so in package.json (capabilities.untrustedWorkspaces), so VS Code keeps it enabled.
  describe('in Restricted Mode (Workspace Trust on, folder not trusted)', function () {
    let restricted: CodeServer | undefined;
    let folder: string;

    before(async function () {
      this.timeout(300_000);
      // The first workbench is done with: free the machine for the second.
      await wb.close().catch(() => undefined);
      await server?.stop();
      folder = path.join(tmp!, 'restricted', 'examples');
      fs.cpSync(path.join(ROOT, 'examples'), folder, { recursive: true });
      restricted = new CodeServer(codeServerEntry()!, path.join(tmp!, 'code-server-restricted'), { workspaceTrust: true });
      await restricted.installExtension(vsix);
      wb = await Workbench.open(browser!, await restricted.start(folder));
    });

    after(async function () {
      this.timeout(60_000);
      await restricted?.stop();
    });

    it('still shows avdsec squiggles', async function () {
      await poll('the Restricted Mode indicator in the status bar', 60_000, async () => ((await wb.statusBarItem(/Restricted Mode/)) ? true : undefined));
      const file = 'bicep/main.bicep';
      const f = scan(folder).find((x) => x.file === file && x.level === 'error');
      assert.ok(f, `avdsec scan finds no error in examples/${file}`);
      await wb.openFile(file);
      await wb.goTo(f.range.start.line, f.range.start.column);
      await poll(
        `a ${f.level} squiggle on line ${f.range.start.line} (${f.ruleId}) in Restricted Mode`,
        90_000,
        async () => ((await wb.squiggles()).some((s) => s.line === f.range.start.line && s.severity === f.level) ? true : undefined),
        async () => JSON.stringify(await wb.squiggles()),
      );
      await poll('the avdsec status bar item, running', 30_000, async () =>
        (await wb.statusBarItem(/avdsec/))?.label.startsWith('avdsec: running') ? true : undefined,
      );
    });
  });
});
