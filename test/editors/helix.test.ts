// Helix with the languages.toml of docs/editors.md. Helix itself is NOT run here: it is neither a Debian 12 package nor
// on npm, and nothing else can be downloaded where these tests run. What can be checked without it is checked:
//   1. the documented blocks parse as TOML and, merged into Helix's default language definitions the way Helix merges a
//      user's languages.toml (helix-loader's merge_toml_values, depth 3), give every file type the server reads its
//      default language server and avdsec;
//   2. exactly the configured command and arguments, resolved on PATH after `npm install --global` of the packed tarball
//      (as the page tells users), are started and spoken to as Helix speaks to a server: its initialize parameters,
//      `config` as initialization options and as the answer to workspace/configuration (looked up section by section),
//      didChangeConfiguration after initialized, and each document opened with its language's language id. Every file
//      type gets the diagnostics `avdsec scan` finds, without the rule the settings block turns off.
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { EXAMPLES, type Finding, scan } from './cases';
import { docBlock, envWithServer } from './support/editor-docs';
import { ROOT } from './support/vsix';

/**
 * Helix's default definitions of the languages and servers that matter here, copied from helix-editor/helix
 * languages.toml at commit 079a789cb08ead67f19e1971a1b7438b37354b (2026-07-23): the values as they are there, the json
 * and jsonc file-types lists joined on fewer lines and their comments left out. Update from there when Helix changes.
 */
const HELIX_DEFAULTS = `
[language-server]
bicep-langserver = { command = "bicep-langserver" }
terraform-ls = { command = "terraform-ls", args = ["serve"] }
vscode-json-language-server = { command = "vscode-json-language-server", args = ["--stdio"], config = { provideFormatter = true, json = { validate = { enable = true } } } }

[[language]]
name = "json"
scope = "source.json"
injection-regex = "json"
file-types = [
  "json", "arb", "ipynb", "geojson", "gltf", "webmanifest", { glob = "flake.lock" }, { glob = ".babelrc" },
  { glob = ".bowerrc" }, { glob = ".jscrc" }, "js.map", "ts.map", "css.map", { glob = ".jslintrc" }, "jsonl",
  { glob = ".vuerc" }, { glob = "composer.lock" }, { glob = ".watchmanconfig" }, "avsc", "ldtk", "ldtkl",
  { glob = ".swift-format" }, "sublime-build", "sublime-color-scheme", "sublime-commands", "sublime-completions",
  "sublime-keymap", "sublime-macro", "sublime-menu", "sublime-mousemap", "sublime-project", "sublime-settings",
  "sublime-theme", "sublime-workspace", "code-workspace", { glob = ".pytest_cache/v/cache/*" }, { glob = "devenv.lock" },
  { glob = "devbox.lock" }, { glob = "manifest.lock" }, { glob = "deno.lock" }, "tfstate", { glob = "*.tfstate.backup" },
]
language-servers = [ "vscode-json-language-server" ]
auto-format = true
indent = { tab-width = 2, unit = "  " }

[[language]]
name = "jsonc"
scope = "source.json"
injection-regex = "jsonc"
file-types = [
  "jsonc", { glob = "{t,j}sconfig.json" }, { glob = "bun.lock" }, { glob = ".devcontainer.json" },
  { glob = "devcontainer.json" }, { glob = ".vscode/*.json" },
]
comment-token = "//"
block-comment-tokens = { start = "/*", end = "*/" }
grammar = "json"
language-servers = [ "vscode-json-language-server" ]
auto-format = true
indent = { tab-width = 2, unit = "  " }

[[language]]
name = "hcl"
scope = "source.hcl"
injection-regex = "(hcl|tf|nomad)"
language-id = "terraform"
file-types = ["hcl", "tf", "nomad"]
comment-token = "#"
block-comment-tokens = { start = "/*", end = "*/" }
indent = { tab-width = 2, unit = "  " }
language-servers = [ "terraform-ls" ]
auto-format = true

[[language]]
name = "tfvars"
scope = "source.tfvars"
language-id = "terraform-vars"
file-types = ["tfvars"]
comment-token = "#"
block-comment-tokens = { start = "/*", end = "*/" }
indent = { tab-width = 2, unit = "  " }
language-servers = [ "terraform-ls" ]
auto-format = true
grammar = "hcl"

[[language]]
name = "bicep"
scope = "source.bicep"
file-types = ["bicep","bicepparam"]
auto-format = true
comment-token = "//"
block-comment-tokens = { start = "/*", end = "*/" }
indent = { tab-width = 2, unit = " "}
language-servers = [ "bicep-langserver" ]
`;

type Toml = Record<string, unknown>;
type LanguageServerRef = string | { name: string };
interface HelixLanguage {
  name: string;
  'language-id'?: string;
  'file-types': (string | { glob: string })[];
  'language-servers'?: LanguageServerRef[];
}
interface HelixServer {
  command: string;
  args?: string[];
  config?: unknown;
}

const isTable = (v: unknown): v is Toml => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * helix-loader's merge_toml_values: arrays of tables are merged by `name`, tables key by key, until `depth` runs out;
 * below that (and for anything else) the user's value replaces the default. Helix merges a languages.toml at depth 3,
 * so a language's `language-servers` list is replaced, never extended.
 */
function mergeToml(left: unknown, right: unknown, depth: number): unknown {
  if (Array.isArray(left) && Array.isArray(right)) {
    if (depth === 0) return right;
    const items = [...(left as unknown[])];
    for (const r of right as unknown[]) {
      const name = isTable(r) ? r.name : undefined;
      const at = typeof name === 'string' ? items.findIndex((l) => isTable(l) && l.name === name) : -1;
      if (at >= 0) items.push(mergeToml(items.splice(at, 1)[0], r, depth - 1));
      else items.push(r);
    }
    return items;
  }
  if (isTable(left) && isTable(right)) {
    if (depth === 0) return right;
    const out: Toml = { ...left };
    for (const [k, v] of Object.entries(right)) out[k] = k in out ? mergeToml(out[k], v, depth - 1) : v;
    return out;
  }
  return right;
}

const serverNames = (l: HelixLanguage) => (l['language-servers'] ?? []).map((s) => (typeof s === 'string' ? s : s.name));

/** The language Helix picks for a file by its extension (no glob of these languages matches the files used here). */
function languageOf(languages: HelixLanguage[], file: string): HelixLanguage | undefined {
  const ext = path.extname(file).slice(1);
  return languages.find((l) => l['file-types'].some((t) => t === ext));
}

/** Helix's answer to workspace/configuration: the server's `config`, walked down the section's dotted parts. */
function helixConfiguration(config: unknown, section: string | undefined): unknown {
  if (config === undefined) return null;
  let v: unknown = config;
  if (section) {
    for (const part of section.split('.')) {
      if (!isTable(v) || !(part in v)) return null;
      v = v[part];
    }
  }
  return v;
}

const SEVERITY: Record<Finding['level'], number> = { error: 1, warning: 2, info: 3, hint: 4 };
const asDiagnostic = (f: Finding) => ({
  code: f.ruleId,
  severity: SEVERITY[f.level],
  message: f.message,
  range: {
    start: { line: f.range.start.line - 1, character: f.range.start.column - 1 },
    end: { line: f.range.end.line - 1, character: f.range.end.column - 1 },
  },
});
interface Comparable {
  code?: unknown;
  severity?: number;
  message: unknown;
  range: Diagnostic['range'];
}
const simple = (d: Diagnostic): Comparable => ({ code: d.code, severity: d.severity, message: d.message, range: d.range });
const sortKey = (d: Comparable) =>
  `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(d.code)} ${String(d.message)}`;
const sorted = (ds: Comparable[]) => [...ds].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

/** The workspace: the examples, and fixtures for the file types they lack (.bicepparam, .tfvars, .jsonc). */
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'rules', 'host-pool-sso-disabled');
function makeWorkspace(dir: string): void {
  fs.cpSync(EXAMPLES, dir, { recursive: true });
  const copy = (from: string, to: string) => fs.cpSync(from, path.join(dir, to), { recursive: true, filter: (f) => !/\.fixed\.[^/\\]+$/.test(f) });
  copy(path.join(FIXTURES, 'bicep-param-files'), 'params');
  copy(path.join(FIXTURES, 'tf-tfvars'), 'tfvars');
  fs.mkdirSync(path.join(dir, 'jsonc'));
  fs.copyFileSync(path.join(EXAMPLES, 'arm', 'azuredeploy.json'), path.join(dir, 'jsonc', 'azuredeploy.jsonc'));
  // Helix's workspace root is the nearest folder above the working directory with .git (or .svn, .jj, .helix).
  fs.mkdirSync(path.join(dir, '.git'));
}

/** One file of each file type the server reads, relative to the workspace. */
const OPENED = [
  'bicep/main.bicep',
  'params/prod.bicepparam',
  'terraform/main.tf',
  'tfvars/terraform.tfvars',
  'arm/azuredeploy.json',
  'jsonc/azuredeploy.jsonc',
];
const TIMEOUT_MS = 30_000;

describe('Helix (languages.toml of docs/editors.md; Helix itself is not run: not packaged for Debian 12 nor on npm)', function () {
  this.timeout(120_000);
  let user: Toml;
  let merged: { 'language-server': Record<string, HelixServer>; language: HelixLanguage[] };
  let defaults: { 'language-server': Record<string, HelixServer>; language: HelixLanguage[] };

  before(async () => {
    // smol-toml is an ES module (this file is CommonJS).
    const { parse: parseToml } = await import('smol-toml');
    // The two blocks as a user has them: both in one languages.toml.
    user = parseToml(`${docBlock('helix', 'toml')}\n${docBlock('helix-settings', 'toml')}`) as Toml;
    defaults = parseToml(HELIX_DEFAULTS) as unknown as typeof defaults;
    merged = mergeToml(defaults, user, 3) as typeof merged;
  });

  it('defines the avdsec server as the command the npm package installs, with --stdio', () => {
    const bins = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
    const server = merged['language-server'].avdsec;
    assert.ok(server, 'no [language-server.avdsec]');
    assert.equal(bins[server.command], './dist/server.js', `${server.command} is not the package's bin for dist/server.js`);
    assert.deepEqual(server.args, ['--stdio']);
  });

  it('finds that command on PATH after the documented install, and it answers --version and --help', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const command = merged['language-server'].avdsec.command;
    for (const [flag, want] of [
      ['--version', new RegExp(`^${version.replace(/\./g, '\\.')}\n$`)],
      ['--help', /^Usage: avdsec-language-server --stdio/],
    ] as const) {
      const r = spawnSync(command, [flag], { encoding: 'utf8', timeout: 30_000, env: envWithServer() });
      assert.equal(r.status, 0, `${command} ${flag}: ${r.error?.message ?? r.stderr}`);
      assert.equal(r.stderr, '', `${command} ${flag}`);
      assert.match(r.stdout, want, `${command} ${flag}`);
    }
  });

  it("names only languages of Helix's defaults, and servers that are defined", () => {
    const names = new Set(defaults.language.map((l) => l.name));
    for (const l of user.language as HelixLanguage[]) {
      assert.ok(names.has(l.name), `Helix has no language "${l.name}"`);
      for (const s of serverNames(l)) assert.ok(merged['language-server'][s], `language ${l.name} uses undefined server ${s}`);
    }
  });

  it('gives every file type the server reads its default server and avdsec', () => {
    for (const ext of ['bicep', 'bicepparam', 'tf', 'tfvars', 'json', 'jsonc']) {
      const lang = languageOf(merged.language, `x.${ext}`);
      assert.ok(lang, `no Helix language for .${ext}`);
      const before = serverNames(languageOf(defaults.language, `x.${ext}`)!);
      const after = serverNames(lang);
      assert.ok(after.includes('avdsec'), `.${ext} (${lang.name}): ${after.join(', ')}`);
      for (const s of before) assert.ok(after.includes(s), `.${ext} (${lang.name}) lost its default server ${s}: ${after.join(', ')}`);
    }
  });

  describe('the configured command, spoken to as Helix does', function () {
    let tmp: string;
    let ws: string;
    let proc: ChildProcess | undefined;
    let connection: ProtocolConnection | undefined;
    let stderr = '';
    const published = new Map<string, Diagnostic[]>();
    const configurationSections: (string | undefined)[] = [];
    let expected: Map<string, ReturnType<typeof asDiagnostic>[]>;
    let off: string[];
    let findings: Finding[];

    before(async function () {
      this.timeout(150_000);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-helix-'));
      ws = path.join(tmp, 'ws');
      makeWorkspace(ws);
      const server = merged['language-server'].avdsec;
      const config = server.config;
      const rules = helixConfiguration(config, 'avdsec.rules');
      off = isTable(rules) ? Object.keys(rules).filter((k) => rules[k] === 'off') : [];
      findings = scan(ws);
      expected = new Map(OPENED.map((f) => [f, findings.filter((x) => x.file === f && !off.includes(x.ruleId)).map(asDiagnostic)]));

      // Exactly the command and arguments of [language-server.avdsec], found on PATH like any command Helix starts.
      proc = spawn(server.command, server.args ?? [], { cwd: ws, stdio: ['pipe', 'pipe', 'pipe'], env: envWithServer() });
      proc.stderr!.on('data', (d) => (stderr += d));
      const spawned = new Promise<void>((resolve, reject) => {
        proc!.once('spawn', resolve);
        proc!.once('error', reject);
      });
      await spawned;
      connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
      connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
        published.set(p.uri, p.diagnostics);
      });
      connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
        p.items.map((i) => {
          configurationSections.push(i.section);
          return helixConfiguration(config, i.section);
        }),
      );
      connection.onRequest('client/registerCapability', () => null);
      connection.onRequest('window/workDoneProgress/create', () => null);
      connection.listen();

      const rootUri = pathToFileURL(ws).href;
      await connection.sendRequest('initialize', {
        processId: process.pid,
        rootPath: ws,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: path.basename(ws) }],
        initializationOptions: config ?? null,
        capabilities: {
          workspace: {
            configuration: true,
            didChangeConfiguration: { dynamicRegistration: false },
            workspaceFolders: true,
            applyEdit: true,
            didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: false },
            workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
          },
          textDocument: {
            publishDiagnostics: { versionSupport: true, tagSupport: { valueSet: [1, 2] } },
            hover: { contentFormat: ['markdown'] },
            codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } }, isPreferredSupport: true },
          },
        },
        clientInfo: { name: 'helix', version: 'emulated by avdsec tests' },
      });
      await connection.sendNotification('initialized', {});
      if (config !== undefined) await connection.sendNotification('workspace/didChangeConfiguration', { settings: config });

      for (const f of OPENED) {
        const lang = languageOf(merged.language, f)!;
        assert.ok(serverNames(lang).includes('avdsec'), `${f}: ${lang.name} does not use avdsec`);
        await connection.sendNotification('textDocument/didOpen', {
          textDocument: {
            uri: pathToFileURL(path.join(ws, f)).href,
            languageId: lang['language-id'] ?? lang.name,
            version: 0,
            text: fs.readFileSync(path.join(ws, f), 'utf8'),
          },
        });
      }

      // Until every file has exactly what the CLI found (or the time is up: the test then shows what came).
      const done = () =>
        OPENED.every((f) => {
          const got = published.get(pathToFileURL(path.join(ws, f)).href);
          return got && JSON.stringify(sorted(got.map(simple))) === JSON.stringify(sorted(expected.get(f)!));
        });
      const until = Date.now() + TIMEOUT_MS;
      while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    });

    after(async function () {
      if (connection) {
        await Promise.race([
          (async () => {
            await connection!.sendRequest('shutdown');
            await connection!.sendNotification('exit');
          })().catch(() => undefined),
          new Promise((r) => setTimeout(r, 2000).unref()),
        ]);
        connection.dispose();
      }
      proc?.kill();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('asks for the avdsec section and gets the settings block', () => {
      assert.ok(configurationSections.includes('avdsec'), `sections asked: ${JSON.stringify(configurationSections)}; stderr: ${stderr}`);
      assert.ok(off.length > 0, 'the helix-settings block turns no rule off');
    });

    for (const f of OPENED) {
      it(`publishes what avdsec scan finds in ${f}`, () => {
        const want = expected.get(f)!;
        assert.ok(want.length > 0, `avdsec scan finds nothing in ${f}: the file proves nothing`);
        const got = published.get(pathToFileURL(path.join(ws, f)).href);
        assert.ok(got, `no diagnostics published for ${f}; stderr: ${stderr}`);
        for (const d of got) assert.equal(d.source, 'avdsec');
        assert.deepEqual(sorted(got.map(simple)), sorted(want), f);
      });
    }

    it('leaves out the rule the settings turn off, which the CLI reports', () => {
      const reported = findings.filter((x) => OPENED.includes(x.file) && off.includes(x.ruleId));
      assert.ok(reported.length > 0, `avdsec scan reports none of ${off.join(', ')} in the opened files: the setting proves nothing`);
      for (const f of OPENED) {
        const codes = (published.get(pathToFileURL(path.join(ws, f)).href) ?? []).map((d) => String(d.code));
        for (const id of off) assert.ok(!codes.includes(id), `${id} is reported in ${f} although the settings turn it off`);
      }
    });
  });
});
