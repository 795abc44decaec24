// The language server in another editor: Neovim 0.7's built-in LSP client, set up by the Neovim 0.7 block of
// docs/editors.md used as init.lua (file types, root markers, vim.lsp.start_client), with avdsec-language-server
// installed from the packed tarball as that page says. Headless Neovim opens the example files of each language (and
// the parameter files .bicepparam and .tfvars), and ./neovim-lsp.lua writes what Neovim received (file types, clients,
// diagnostics, a hover, code actions, the diagnostics after a rule is turned off in the settings) as JSON for this test
// to check. The page's other Neovim setups need a newer Neovim than Debian 12's: they are checked as text only.
// Prerequisites: scripts/setup-editors.sh (Debian's neovim). The files, rules and positions are data in ./cases.ts.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CASES, EXAMPLES, type Finding, HOVER_TEXT, hoverPosition, resolveCaseFile, scan, SOURCE_FILE, SSO_FIX_TITLE, SSO_RULE } from './cases';
import { docBlock, envWithServer } from './support/editor-docs';
import { missingPrerequisite, neovim } from './support/prereqs';
import { ROOT } from './support/vsix';

const LUA = path.join(__dirname, 'neovim-lsp.lua');
const TIMEOUT_MS = 60_000;
/** Turned off in the client's settings (settings.avdsec.rules) after the first diagnostics; the examples report it. */
const RULE_OFF = 'rdp-media-redirection';
/** The Neovim setups of docs/editors.md; the first runs here, the others need a newer Neovim or nvim-lspconfig. */
const SETUP_RUN = 'neovim-0.7';
const SETUPS_NOT_RUN = ['neovim-0.11', 'neovim-lspconfig', 'neovim-0.8'];

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface LspDiagnostic {
  range: LspRange;
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
}
interface NeovimResult {
  nvim: { major: number; minor: number; patch: number };
  files: Record<string, LspDiagnostic[] | null>;
  filetypes: Record<string, string>;
  clients: { cmd: string[]; root: string }[];
  hover: { contents: { kind: string; value: string } | string; range?: LspRange } | null;
  codeActions: { file: string; code: string; range: LspRange; titles: string[] }[];
  afterSettings: Record<string, LspDiagnostic[] | null> | null;
  capabilities?: { hover: boolean; codeAction: boolean };
  log: string[];
  errors: string[];
}

const SEVERITY: Record<Finding['level'], number> = { error: 1, warning: 2, info: 3, hint: 4 };

/** A CLI finding as the LSP diagnostic the server must publish for it (0-based lines and UTF-16 characters). */
function asDiagnostic(f: Finding) {
  return {
    code: f.ruleId,
    source: 'avdsec',
    severity: SEVERITY[f.level],
    message: f.message,
    range: {
      start: { line: f.range.start.line - 1, character: f.range.start.column - 1 },
      end: { line: f.range.end.line - 1, character: f.range.end.column - 1 },
    },
  };
}

const key = (d: { code?: unknown; range: LspRange; message: string }) =>
  `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(d.code)} ${d.message}`;
const comparable = (ds: LspDiagnostic[] | null | undefined) =>
  (ds ?? [])
    .map((d) => ({ code: d.code, source: d.source, severity: d.severity, message: d.message, range: d.range }))
    .sort((a, b) => key(a).localeCompare(key(b)));
const sortedWant = (fs: Finding[]) => fs.map(asDiagnostic).sort((a, b) => key(a).localeCompare(key(b)));

/** The strings of the Lua table literal after `name =` (or of the call `name(...)`) in a setup block. */
function luaStrings(block: string, name: RegExp): string[] | undefined {
  const m = new RegExp(`${name.source}\\s*[=(]\\s*\\{?([^})]*)[})]`).exec(block);
  return m ? [...m[1].matchAll(/'([^']*)'/g)].map((s) => s[1]) : undefined;
}

/** What a setup block declares: the command, the file types and the root markers. */
function declared(block: string) {
  return {
    cmd: luaStrings(block, /\bcmd/),
    filetypes: luaStrings(block, /\b(?:filetypes|pattern)/),
    markers: luaStrings(block, /\b(?:root_markers|markers|root_pattern|vim\.fs\.find)/),
  };
}

interface Run {
  result: NeovimResult;
  status: number | null;
  stderr: string;
}

/** Headless Neovim with the documented setup as init.lua, the given files (relative to `workspace`) on its argument list. */
function runNeovim(
  nvim: string,
  init: string,
  workspace: string,
  files: string[],
  out: string,
  options: { expect: Record<string, number>; hover?: { file: string; line: number; character: number }; ruleOff?: string },
): Run {
  const r = spawnSync(nvim, ['--headless', '--noplugin', '-u', init, '-i', 'NONE', '-n', '--cmd', `luafile ${LUA}`, ...files, '-c', 'lua AvdsecNeovimTest()'], {
    cwd: workspace,
    encoding: 'utf8',
    timeout: TIMEOUT_MS * 3,
    env: envWithServer({
      AVDSEC_RESULT: out,
      AVDSEC_HOVER: options.hover ? JSON.stringify(options.hover) : '',
      AVDSEC_EXPECT: JSON.stringify(options.expect),
      AVDSEC_RULE_OFF: options.ruleOff ?? '',
      AVDSEC_TIMEOUT_MS: String(TIMEOUT_MS),
    }),
  });
  if (!fs.existsSync(out)) {
    throw new Error(`nvim wrote no result (status ${r.status}, signal ${r.signal}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}\n${r.stderr}`);
  }
  return { result: JSON.parse(fs.readFileSync(out, 'utf8')) as NeovimResult, status: r.status, stderr: r.stderr };
}

describe('Neovim 0.7 (built-in LSP client, the Neovim 0.7 setup of docs/editors.md) with avdsec-language-server --stdio', function () {
  let nvim: string;
  let tmp: string;
  let init: string;
  let filetypes: string[];

  before(function () {
    const found = neovim();
    if ('missing' in found) missingPrerequisite(this, found.missing);
    nvim = found.path;
    if (!fs.existsSync(path.join(ROOT, 'dist', 'server.js'))) throw new Error('dist/server.js is missing: run npm run build');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-neovim-'));
    const block = docBlock(SETUP_RUN, 'lua');
    init = path.join(tmp, 'init.lua');
    fs.writeFileSync(init, block);
    filetypes = declared(block).filetypes ?? [];
    assert.ok(filetypes.length > 0, `no file types found in the ${SETUP_RUN} block`);
    fs.cpSync(EXAMPLES, path.join(tmp, 'examples'), { recursive: true });
    // A repository's root marker, as a user's checkout has: the setup starts one server there for all the files.
    fs.mkdirSync(path.join(tmp, 'examples', '.git'));
  });

  after(function () {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** What every run must show: the file types of the setup, one avdsec client started as documented, in the root. */
  function checkAttachment(result: NeovimResult, workspace: string, files: string[]) {
    for (const f of files) {
      const ft = result.filetypes[path.join(workspace, f)];
      assert.ok(filetypes.includes(ft), `${f} has file type "${ft}", which the setup does not attach to (${filetypes.join(', ')})`);
    }
    assert.equal(result.clients.length, 1, `avdsec clients: ${JSON.stringify(result.clients)}`);
    assert.deepEqual(result.clients[0].cmd, ['avdsec-language-server', '--stdio']);
    assert.equal(fs.realpathSync(result.clients[0].root), fs.realpathSync(workspace), 'the root folder (the one with .git)');
  }

  for (const c of CASES) {
    describe(c.language, function () {
      let workspace: string;
      let file: string;
      let folderFiles: string[];
      let expected: Finding[];
      let result: NeovimResult;

      before(function () {
        this.timeout(TIMEOUT_MS * 4);
        workspace = path.join(tmp, 'examples');
        const resolved = resolveCaseFile(workspace, c);
        if (!resolved) missingPrerequisite(this, `examples/${c.file} does not exist`, 'see CASES in test/editors/cases.ts');
        file = resolved;
        const folder = path.posix.dirname(file);
        folderFiles = fs
          .readdirSync(path.join(workspace, folder))
          .filter((f) => SOURCE_FILE.test(f))
          .sort()
          .map((f) => `${folder}/${f}`);
        expected = scan(workspace).filter((f) => folderFiles.includes(f.file));

        const hover = hoverPosition(workspace, file, c);
        const counts: Record<string, number> = {};
        for (const f of folderFiles) counts[path.join(workspace, f)] = expected.filter((e) => e.file === f).length;
        const run = runNeovim(nvim, init, workspace, folderFiles, path.join(tmp, `${c.language.replace(/\W+/g, '-')}.json`), {
          expect: counts,
          hover: { file: path.join(workspace, file), line: hover.line - 1, character: hover.column - 1 },
          ruleOff: RULE_OFF,
        });
        result = run.result;
        assert.deepEqual(result.errors, [], `the Neovim script failed (exit ${run.status}); server log:\n${result.log.join('\n')}`);
        assert.equal(run.status, 0, run.stderr);
      });

      it('attaches one avdsec-language-server --stdio, started by the setup in the root folder, to every file', () => {
        assert.ok(result.nvim.major > 0 || result.nvim.minor >= 7, `Neovim ${JSON.stringify(result.nvim)}`);
        checkAttachment(result, workspace, folderFiles);
      });

      it('publishes the diagnostics the CLI finds, with the same rule ids, ranges, levels and messages', function () {
        for (const f of folderFiles) {
          const want = expected.filter((e) => e.file === f);
          assert.deepEqual(comparable(result.files[path.join(workspace, f)]), sortedWant(want), `diagnostics of examples/${f}`);
        }
      });

      it('reports each headline rule', function () {
        const codes = new Set(Object.values(result.files).flatMap((ds) => (ds ?? []).map((d) => String(d.code))));
        for (const rule of c.rules) assert.ok(codes.has(rule), `no ${rule} diagnostic in ${folderFiles.join(', ')}; got ${[...codes].join(', ')}`);
      });

      it('shows the security-boundary hover on the host pool type', function () {
        assert.ok(result.capabilities?.hover, 'the server does not announce hoverProvider');
        assert.ok(result.hover, 'no hover on the host pool type');
        const contents = result.hover.contents;
        const text = typeof contents === 'string' ? contents : contents.value;
        assert.match(text, HOVER_TEXT);
        assert.match(text, /multi-session/);
        const pos = hoverPosition(workspace, file, c);
        const r = result.hover.range;
        if (r) {
          assert.ok(r.start.line <= pos.line - 1 && r.end.line >= pos.line - 1, `hover range ${JSON.stringify(r)} does not cover line ${pos.line}`);
        }
      });

      it('offers the SSO quick fix as a code action', function () {
        const sso = result.codeActions.filter((a) => a.code === SSO_RULE);
        assert.ok(sso.length, `no ${SSO_RULE} diagnostic to ask code actions for`);
        for (const a of sso)
          assert.ok(
            a.titles.some((t) => t.startsWith(SSO_FIX_TITLE)),
            `code actions at ${a.file}:${a.range.start.line + 1}: ${a.titles.join(' | ')}`,
          );
      });

      it(`drops ${RULE_OFF} once settings.avdsec.rules turns it off, and keeps the rest`, function () {
        assert.ok(
          expected.some((e) => e.ruleId === RULE_OFF),
          `the CLI reports no ${RULE_OFF} in ${folderFiles.join(', ')}: the setting proves nothing`,
        );
        assert.ok(result.afterSettings, 'no diagnostics recorded after the settings changed');
        for (const f of folderFiles) {
          const want = expected.filter((e) => e.file === f && e.ruleId !== RULE_OFF);
          assert.deepEqual(comparable(result.afterSettings[path.join(workspace, f)]), sortedWant(want), `diagnostics of examples/${f} after the change`);
        }
      });
    });
  }

  describe('parameter files (.bicepparam, .tfvars)', function () {
    const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'rules', 'host-pool-sso-disabled');
    const FILES = ['params/main.bicep', 'params/prod.bicepparam', 'tfvars/main.tf', 'tfvars/terraform.tfvars'];
    let workspace: string;
    let expected: Finding[];
    let result: NeovimResult;

    before(function () {
      this.timeout(TIMEOUT_MS * 4);
      workspace = path.join(tmp, 'parameters');
      const copy = (from: string, to: string) =>
        fs.cpSync(path.join(FIXTURES, from), path.join(workspace, to), { recursive: true, filter: (f) => !/\.fixed\.[^/\\]+$/.test(f) });
      copy('bicep-param-files', 'params');
      copy('tf-tfvars', 'tfvars');
      fs.mkdirSync(path.join(workspace, '.git'));
      expected = scan(workspace);
      const counts: Record<string, number> = {};
      for (const f of FILES) counts[path.join(workspace, f)] = expected.filter((e) => e.file === f).length;
      const run = runNeovim(nvim, init, workspace, FILES, path.join(tmp, 'parameters.json'), { expect: counts });
      result = run.result;
      assert.deepEqual(result.errors, [], `the Neovim script failed (exit ${run.status}); server log:\n${result.log.join('\n')}`);
      assert.equal(run.status, 0, run.stderr);
    });

    it('gives .bicepparam and .tfvars a file type of the setup (vim.filetype.add for .bicepparam) and attaches the server', () => {
      checkAttachment(result, workspace, FILES);
    });

    it('publishes the diagnostics the CLI finds in the parameter files and their templates', () => {
      for (const f of FILES) {
        const want = expected.filter((e) => e.file === f);
        if (/\.(bicepparam|tfvars)$/.test(f)) assert.ok(want.length > 0, `the CLI finds nothing in ${f}: the file proves nothing`);
        assert.deepEqual(comparable(result.files[path.join(workspace, f)]), sortedWant(want), `diagnostics of ${f}`);
      }
    });
  });

  describe('the setups of docs/editors.md for newer Neovim (not run: Debian 12 has Neovim 0.7)', function () {
    it("are Lua that Neovim's LuaJIT compiles", function () {
      const files = SETUPS_NOT_RUN.map((name) => {
        const f = path.join(tmp, `${name}.lua`);
        fs.writeFileSync(f, docBlock(name, 'lua'));
        return f;
      });
      const r = spawnSync(
        nvim,
        [
          '--headless',
          '-u',
          'NONE',
          '-i',
          'NONE',
          '-n',
          '-c',
          "lua for _, f in ipairs(vim.json.decode(os.getenv('AVDSEC_FILES'))) do local _, err = loadfile(f); if err then io.stderr:write(err .. '\\n') end end",
          '-c',
          'qall!',
        ],
        { encoding: 'utf8', timeout: 30_000, env: { ...process.env, AVDSEC_FILES: JSON.stringify(files) } },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), '', 'syntax errors');
    });

    it('declare the command, file types, root markers, settings and .bicepparam file type of the setup run here', function () {
      const run = docBlock(SETUP_RUN, 'lua');
      const want = declared(run);
      assert.ok(want.cmd?.length && want.filetypes?.length && want.markers?.length, JSON.stringify(want));
      for (const name of SETUPS_NOT_RUN) {
        const block = docBlock(name, 'lua');
        assert.deepEqual(declared(block), want, name);
        assert.match(block, /settings = \{ avdsec = \{/, `${name}: settings.avdsec`);
        assert.match(block, /vim\.filetype\.add\(\{ extension = \{ bicepparam = 'bicep' \} \}\)/, `${name}: .bicepparam file type`);
      }
      assert.match(run, /vim\.filetype\.add\(\{ extension = \{ bicepparam = 'bicep' \} \}\)/);
    });
  });
});
