import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI } from './cli/run';
import { FIXTURES, ROOT } from './harness/engine';
import { ServerProcess } from './lsp/client';

/**
 * SECURITY.md, held: the CLI and the language server run over a workspace written as an attacker would write it
 * (configuration that extends files outside, modules and symbolic links that point outside, registry and git module
 * sources, package scripts), with every file, network and process call recorded (test/security/watch.cjs). They read
 * only the workspace and their own files, write only inside the scanned folders, never use the network and never
 * start a process.
 */
const WATCH = path.join(__dirname, 'security', 'watch.cjs');

interface Call {
  kind: 'read' | 'stat' | 'write' | 'network' | 'process';
  op: string;
  target: string;
}

/** A workspace with a secret next to it, outside, that nothing may read. */
function hostileWorkspace(): { base: string; root: string; secret: string } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-security-')));
  const root = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  const secret = path.join(outside, 'secret.json');
  const pool = fs.readFileSync(path.join(FIXTURES, 'rules', 'rdp-drive-redirection', 'tf-pooled', 'main.tf'), 'utf8');
  const files: Record<string, string> = {
    'outside/secret.json': '{ "rules": {}, "password": "hunter2" }',
    // Above the repository, in a folder anybody may write to: not the workspace's configuration.
    '.avdsec.json': '{ "rules": { "mfa-conditional-access-missing": "off" } }',
    'outside/module/main.tf': 'variable "x" {}\n',
    'outside/mod.bicep': 'param x string\n',
    'repo/.git/HEAD': 'ref: refs/heads/main\n',
    'repo/.avdsec.json': JSON.stringify({ extends: ['../outside/secret.json', '/etc/passwd', 'sub/../../outside/secret.json'] }),
    'repo/infra/main.tf': `${pool}\nmodule "local" {\n  source = "../../outside/module"\n}\nmodule "git" {\n  source = "git::https://example.com/modules.git"\n}\n`,
    'repo/infra/main.bicep':
      "module m 'br/public:avm/res/desktop-virtualization/host-pool:0.3.0' = {\n  name: 'm'\n}\nmodule o '../../outside/mod.bicep' = {\n  name: 'o'\n  params: { x: 'y' }\n}\n",
    'repo/package.json': JSON.stringify({ scripts: { preinstall: 'touch /tmp/avdsec-pwned', test: 'touch /tmp/avdsec-pwned' } }),
    'repo/tool.js': "require('child_process').execSync('touch /tmp/avdsec-pwned');\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
    fs.writeFileSync(path.join(base, rel), text);
  }
  fs.symlinkSync(secret, path.join(root, 'infra', 'linked.json'));
  fs.symlinkSync(path.join(outside, 'module'), path.join(root, 'infra', 'linked-folder'));
  return { base, root, secret };
}

const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + path.sep);

/** Calls that break a promise: reading outside the workspace and avdsec's own files, writing outside the roots, network, processes. */
function broken(calls: Call[], root: string, writable: string[]): Call[] {
  const readable = [root, path.join(ROOT, 'dist'), path.join(ROOT, 'grammars')];
  return calls.filter((c) => {
    if (c.kind === 'network' || c.kind === 'process') return true;
    const target = path.resolve(c.target.split(' -> ').pop()!);
    if (c.kind === 'write') return !writable.some((w) => inside(target, w));
    if (c.kind === 'read') return !readable.some((r) => inside(target, r));
    return false;
  });
}

function watched(log: string): Call[] {
  return JSON.parse(fs.readFileSync(log, 'utf8')) as Call[];
}

describe('SECURITY.md: what avdsec reads, writes and never does', function () {
  this.timeout(60_000);
  let ws: ReturnType<typeof hostileWorkspace>;

  beforeEach(() => {
    ws = hostileWorkspace();
  });

  afterEach(() => {
    fs.rmSync(ws.base, { recursive: true, force: true });
  });

  it('CLI scan --fix: reads only the scanned folder and its own files, writes only inside it, no network, no process', () => {
    const log = path.join(ws.base, 'watch.json');
    const r = spawnSync(process.execPath, ['--require', WATCH, CLI, 'scan', 'repo', '--fix', '--format', 'json', '--fail-on', 'never'], {
      cwd: ws.base,
      encoding: 'utf8',
      env: { ...process.env, AVDSEC_WATCH_LOG: log },
    });
    assert.equal(r.status, 0, r.stderr);
    const calls = watched(log);
    assert.deepEqual(broken(calls, ws.root, [ws.root]), []);
    assert.ok(
      calls.some((c) => c.kind === 'write' && c.op.startsWith('rename')),
      'the preferred fixes were written',
    );
    assert.ok(!r.stdout.includes('hunter2') && !r.stdout.includes('root:'), 'nothing of the files outside is echoed');
    const report = JSON.parse(r.stdout) as { errors: { file: string; message: string }[]; findings: { ruleId: string }[] };
    assert.ok(
      report.errors.some((e) => /outside the workspace/.test(e.message)),
      JSON.stringify(report.errors),
    );
    assert.ok(
      report.findings.some((f) => f.ruleId === 'mfa-conditional-access-missing'),
      'the .avdsec.json above the repository does not apply',
    );
    assert.ok(!calls.some((c) => c.target === path.join(ws.base, '.avdsec.json')), 'nor is it looked at');
  });

  it('CLI report to --output: the report is the one file written outside the scanned folder', () => {
    const log = path.join(ws.base, 'watch.json');
    const out = path.join(ws.base, 'reports', 'avdsec.sarif');
    const r = spawnSync(process.execPath, ['--require', WATCH, CLI, 'scan', 'repo/infra', '--format', 'sarif', '--output', out, '--fail-on', 'never'], {
      cwd: ws.base,
      encoding: 'utf8',
      env: { ...process.env, AVDSEC_WATCH_LOG: log },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(broken(watched(log), ws.root, [path.dirname(out)]), []);
    assert.ok(fs.existsSync(out));
  });

  it('language server: reads only the workspace folder and its own files, writes nothing, no network, no process', async () => {
    const log = path.join(ws.base, 'watch.json');
    const server = new ServerProcess({ nodeArgs: ['--require', WATCH], env: { ...process.env, AVDSEC_WATCH_LOG: log } });
    await server.initialize(pathToFileURL(ws.root).href);
    const uri = pathToFileURL(path.join(ws.root, 'infra', 'main.tf')).href;
    await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'rdp-drive-redirection'));
    // A file opened from outside the workspace is checked from the editor's text, and not read from disk when closed.
    const stray = pathToFileURL(path.join(ws.base, 'outside', 'module', 'main.tf')).href;
    await server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: stray, languageId: 'terraform', version: 1, text: 'variable "x" {}\n' },
    });
    await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: stray } });
    await server.connection.sendRequest('avdsec/status');
    // Shut down as an editor does, so that the preload writes its record on exit.
    await server.connection.sendRequest('shutdown');
    await server.connection.sendNotification('exit');
    assert.equal(await server.exited, 0);
    assert.deepEqual(broken(watched(log), ws.root, []), []);
  });
});
