// Emacs with Eglot, set up as docs/editors.md says: its init block loaded into `emacs --batch`, its .dir-locals.el block
// in the project, and avdsec-language-server installed from the packed tarball as that page says. ./emacs-eglot.el
// visits a Bicep, a Terraform and an ARM JSON file, lets Eglot connect, and writes what Flymake holds as JSON for this
// test to compare with `avdsec scan`. No major mode for Bicep, Terraform or JSON is installed here: emacs-eglot.el
// defines stand-ins named bicep-mode, terraform-mode and json-mode (derived from prog-mode) where packages would be.
// Prerequisites: scripts/setup-editors.sh (Debian 12's emacs-nox 28.2 and elpa-eglot 1.9).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLES, type Finding, scan } from './cases';
import { docBlock, envWithServer } from './support/editor-docs';
import { missingPrerequisite, which } from './support/prereqs';

const DRIVER = path.join(__dirname, 'emacs-eglot.el');
const TIMEOUT_MS = 40_000;

/** The project: the example deployment's Bicep, Terraform and ARM JSON side by side, one Eglot project, one server. */
const FILES: { file: string; from: string; mode: string }[] = [
  { file: 'main.bicep', from: 'bicep/main.bicep', mode: 'bicep-mode' },
  { file: 'main.tf', from: 'terraform/main.tf', mode: 'terraform-mode' },
  { file: 'azuredeploy.json', from: 'arm/azuredeploy.json', mode: 'json-mode' },
];

interface FlymakeDiagnostic {
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  type: string;
  text: string;
  backend: string;
}
interface EmacsResult {
  emacs: string;
  eglot: string;
  servers: number;
  files: Record<string, { mode: string; managed: boolean; languageId: string | null; command: string[]; diagnostics: FlymakeDiagnostic[] }>;
  log: string[];
  errors: string[];
}

/** Eglot's Flymake types by LSP severity (eglot.el: 1 error, 2 warning, anything else a note). */
const TYPE: Record<Finding['level'], string> = { error: 'eglot-error', warning: 'eglot-warning', info: 'eglot-note', hint: 'eglot-note' };

/** A CLI finding as Eglot shows it in Flymake: "source [code]: message", 0-based lines and characters. */
const asFlymake = (f: Finding) => ({
  line: f.range.start.line - 1,
  character: f.range.start.column - 1,
  endLine: f.range.end.line - 1,
  endCharacter: f.range.end.column - 1,
  type: TYPE[f.level],
  text: `avdsec [${f.ruleId}]: ${f.message}`,
});
const key = (d: ReturnType<typeof asFlymake>) => `${d.line}:${d.character}-${d.endLine}:${d.endCharacter} ${d.text}`;
const sorted = <T extends ReturnType<typeof asFlymake>>(ds: T[]) => [...ds].sort((a, b) => key(a).localeCompare(key(b)));

/** Emacs 28 or newer, with Eglot loadable in batch mode; or why not. */
function emacsWithEglot(): { path: string; version: string } | { missing: string } {
  const p = process.env.AVDSEC_EMACS || which('emacs');
  if (!p) return { missing: 'emacs is not on PATH' };
  const first = (spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout ?? '').split('\n')[0];
  const m = /GNU Emacs (\d+)\.(\d+)/.exec(first);
  if (!m || Number(m[1]) < 28) return { missing: `${first.trim() || p} is not Emacs 28 or newer` };
  const eglot = spawnSync(p, ['--batch', '--eval', "(require 'eglot)"], { encoding: 'utf8', timeout: 30_000 });
  if (eglot.status !== 0) return { missing: `Eglot does not load in ${first.trim()} (Emacs 28 needs the elpa-eglot package): ${eglot.stderr.trim()}` };
  return { path: p, version: first.trim() };
}

describe('Emacs with Eglot (the init and .dir-locals.el of docs/editors.md) and avdsec-language-server --stdio', function () {
  this.timeout(120_000);
  let tmp: string;
  let ws: string;
  let findings: Finding[];
  let off: string[];
  let result: EmacsResult;

  before(function () {
    const emacs = emacsWithEglot();
    if ('missing' in emacs) missingPrerequisite(this, emacs.missing);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-emacs-'));
    ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws);
    for (const f of FILES) fs.copyFileSync(path.join(EXAMPLES, f.from), path.join(ws, f.file));
    // The rest of the Terraform configuration, for the findings that need it (the role assignments of rbac.tf).
    for (const f of fs.readdirSync(path.join(EXAMPLES, 'terraform'))) {
      if (!fs.existsSync(path.join(ws, f))) fs.copyFileSync(path.join(EXAMPLES, 'terraform', f), path.join(ws, f));
    }
    const settings = docBlock('emacs-settings', 'elisp');
    fs.writeFileSync(path.join(ws, '.dir-locals.el'), settings);
    off = [...settings.matchAll(/:([a-z0-9-]+)\s+"off"/g)].map((m) => m[1]);
    // Scanned before Emacs starts, so that nothing Emacs may leave (backups, lock files) changes what the CLI sees.
    findings = scan(ws);

    const init = path.join(tmp, 'init.el');
    fs.writeFileSync(init, docBlock('emacs', 'elisp'));
    const home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    const out = path.join(tmp, 'result.json');
    const expect: Record<string, number> = {};
    for (const f of FILES) expect[path.join(ws, f.file)] = findings.filter((x) => x.file === f.file && !off.includes(x.ruleId)).length;
    const r = spawnSync(emacs.path, ['--batch', '-l', init, '-l', DRIVER, ...FILES.map((f) => path.join(ws, f.file))], {
      cwd: ws,
      encoding: 'utf8',
      timeout: TIMEOUT_MS + 30_000,
      env: envWithServer({
        HOME: home,
        AVDSEC_RESULT: out,
        AVDSEC_EXPECT: JSON.stringify(expect),
        AVDSEC_TIMEOUT_MS: String(TIMEOUT_MS),
      }),
    });
    if (!fs.existsSync(out)) {
      throw new Error(`emacs wrote no result (status ${r.status}, signal ${r.signal}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}\n${r.stderr}`);
    }
    result = JSON.parse(fs.readFileSync(out, 'utf8')) as EmacsResult;
    assert.deepEqual(result.errors, [], `the Emacs driver failed (exit ${r.status}):\n${r.stderr}\nEglot events:\n${(result.log ?? []).join('\n')}`);
    assert.equal(r.status, 0, r.stderr);
  });

  after(function () {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('starts one avdsec-language-server --stdio for the Bicep, Terraform and JSON buffers of the project', () => {
    assert.equal(result.servers, 1, JSON.stringify(result.files));
    for (const f of FILES) {
      const got = result.files[path.join(ws, f.file)];
      assert.ok(got, `${f.file} was not visited`);
      assert.equal(got.mode, f.mode, f.file);
      assert.equal(got.managed, true, `Eglot does not manage ${f.file}`);
      assert.deepEqual(got.command, ['avdsec-language-server', '--stdio']);
    }
  });

  for (const f of FILES) {
    it(`shows in Flymake what avdsec scan finds in ${f.file}, without the rule .dir-locals.el turns off`, () => {
      const want = findings.filter((x) => x.file === f.file && !off.includes(x.ruleId)).map(asFlymake);
      assert.ok(want.length > 0, `avdsec scan finds nothing in ${f.file}: the file proves nothing`);
      const got = result.files[path.join(ws, f.file)].diagnostics;
      for (const d of got) assert.equal(d.backend, 'eglot-flymake-backend', d.text);
      assert.deepEqual(
        sorted(got.map(({ line, character, endLine, endCharacter, type, text }) => ({ line, character, endLine, endCharacter, type, text }))),
        sorted(want),
        `${f.file} (Emacs ${result.emacs}, ${result.eglot})`,
      );
    });
  }

  it('passes the settings of .dir-locals.el: the rule they turn off, which the CLI reports, is not shown', () => {
    assert.ok(off.length > 0, 'the emacs-settings block turns no rule off');
    const reported = findings.filter((x) => off.includes(x.ruleId) && FILES.some((f) => f.file === x.file));
    assert.ok(reported.length > 0, `avdsec scan reports none of ${off.join(', ')} in the visited files: the setting proves nothing`);
    for (const f of FILES) {
      for (const d of result.files[path.join(ws, f.file)].diagnostics) {
        for (const id of off) assert.ok(!d.text.startsWith(`avdsec [${id}]`), `${f.file}: ${d.text}`);
      }
    }
  });
});
