// The language server in another editor: Neovim 0.7's built-in LSP client (vim.lsp.start_client) attaches
// `avdsec-language-server --stdio` (node dist/server.js --stdio) to the example files of each language, headless,
// and ./neovim-lsp.lua writes what Neovim received (diagnostics, a hover, code actions) as JSON for this test to check.
// Prerequisites: scripts/setup-editors.sh (Debian's neovim). The files, rules and positions are data in ./cases.ts.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CASES, EXAMPLES, type Finding, HOVER_TEXT, hoverPosition, resolveCaseFile, scan, SOURCE_FILE, SSO_FIX_TITLE, SSO_RULE } from './cases';
import { missingPrerequisite, neovim } from './support/prereqs';
import { ROOT } from './support/vsix';

const LUA = path.join(__dirname, 'neovim-lsp.lua');
const SERVER = [process.execPath, path.join(ROOT, 'dist', 'server.js'), '--stdio'];
const TIMEOUT_MS = 60_000;

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
  hover: { contents: { kind: string; value: string } | string; range?: LspRange } | null;
  codeActions: { file: string; code: string; range: LspRange; titles: string[] }[];
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

describe('Neovim 0.7 (built-in LSP client) with avdsec-language-server --stdio', function () {
  let nvim: string;
  let tmp: string;

  before(function () {
    const found = neovim();
    if ('missing' in found) missingPrerequisite(this, found.missing);
    nvim = found.path;
    if (!fs.existsSync(SERVER[1])) throw new Error(`${SERVER[1]} is missing: run npm run build`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-neovim-'));
    fs.cpSync(EXAMPLES, path.join(tmp, 'examples'), { recursive: true });
  });

  after(function () {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const c of CASES) {
    describe(c.language, function () {
      let workspace: string;
      let file: string;
      let folderFiles: string[];
      let expected: Finding[];
      let result: NeovimResult;

      before(function () {
        this.timeout(TIMEOUT_MS * 3);
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
        const out = path.join(tmp, `${c.language.replace(/\W+/g, '-')}.json`);
        const counts: Record<string, number> = {};
        for (const f of folderFiles) counts[path.join(workspace, f)] = expected.filter((e) => e.file === f).length;
        const r = spawnSync(nvim, ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', ...folderFiles, '-c', `luafile ${LUA}`], {
          cwd: workspace,
          encoding: 'utf8',
          timeout: TIMEOUT_MS * 2,
          env: {
            ...process.env,
            AVDSEC_RESULT: out,
            AVDSEC_SERVER_CMD: JSON.stringify(SERVER),
            AVDSEC_ROOT: workspace,
            AVDSEC_HOVER: JSON.stringify({ file: path.join(workspace, file), line: hover.line - 1, character: hover.column - 1 }),
            AVDSEC_EXPECT: JSON.stringify(counts),
            AVDSEC_TIMEOUT_MS: String(TIMEOUT_MS),
          },
        });
        if (!fs.existsSync(out)) {
          throw new Error(`nvim wrote no result (status ${r.status}, signal ${r.signal}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}\n${r.stderr}`);
        }
        result = JSON.parse(fs.readFileSync(out, 'utf8')) as NeovimResult;
        assert.deepEqual(result.errors, [], `the Neovim script failed (exit ${r.status}); server log:\n${result.log.join('\n')}`);
        assert.equal(r.status, 0, r.stderr);
      });

      it('publishes the diagnostics the CLI finds, with the same rule ids, ranges, levels and messages', function () {
        assert.ok(result.nvim.major > 0 || result.nvim.minor >= 7, `Neovim ${JSON.stringify(result.nvim)}`);
        for (const f of folderFiles) {
          const got = (result.files[path.join(workspace, f)] ?? []).map((d) => ({
            code: d.code,
            source: d.source,
            severity: d.severity,
            message: d.message,
            range: d.range,
          }));
          const want = expected.filter((e) => e.file === f).map(asDiagnostic);
          assert.deepEqual(
            got.sort((a, b) => key(a).localeCompare(key(b))),
            want.sort((a, b) => key(a).localeCompare(key(b))),
            `diagnostics of examples/${f}`,
          );
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
    });
  }
});
