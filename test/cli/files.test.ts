// What the scan reads and what it does not: nothing is left out without a word, and nothing blocks it.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Report } from '../../server/src/cli/report';
import { encodeText, type FileEncoding } from '../../server/src/host/encoding';
import { FIXTURES } from '../harness/engine';
import { avdsec, avdsecProcess, CLI, tempTree } from './run';

const POOLED_ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');
/** Bad cases of one rule in each language, with several findings each. */
const BAD = {
  'main.bicep': fs.readFileSync(path.join(FIXTURES, 'rules', 'pooled-host-local-admin', 'bicep-pooled', 'main.bicep'), 'utf8'),
  'main.tf': fs.readFileSync(path.join(FIXTURES, 'rules', 'pooled-host-local-admin', 'tf-pooled', 'main.tf'), 'utf8'),
  'azuredeploy.json': fs.readFileSync(path.join(FIXTURES, 'rules', 'pooled-host-local-admin', 'arm-pooled', 'azuredeploy.json'), 'utf8'),
};

const json = async (dir: string, ...args: string[]) => {
  const r = await avdsec(['scan', '.', '--format', 'json', ...args], dir);
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
};
const findingsOf = (r: Report) =>
  r.findings.map(
    (f) => `${f.file}(${f.range.start.line},${f.range.start.column}-${f.range.end.line},${f.range.end.column}): ${f.level} ${f.ruleId}: ${f.message}`,
  );

describe('CLI: what the scan reads and what it does not', function () {
  this.timeout(120_000);

  it('reads UTF-16 files with a BOM (what Windows PowerShell 5 writes) and finds what their UTF-8 twins give', async () => {
    const scan = (encoding: FileEncoding) => json(tempTree(Object.fromEntries(Object.entries(BAD).map(([f, text]) => [f, encodeText(text, encoding)]))));
    const utf8 = await scan('utf8');
    assert.deepEqual(utf8.errors, []);
    for (const f of Object.keys(BAD))
      assert.ok(
        utf8.findings.some((x) => x.file === f),
        `no finding in ${f}`,
      );
    for (const encoding of ['utf16le', 'utf16be', 'utf8bom'] as const) {
      const other = await scan(encoding);
      assert.deepEqual(other.errors, [], encoding);
      assert.deepEqual(findingsOf(other), findingsOf(utf8), encoding);
      assert.equal(other.summary.files, 3, encoding);
    }
  });

  it('lists FIFOs and sockets with a source name under errors without blocking on them; the rest is scanned', async () => {
    const dir = tempTree({ 'pooled.json': POOLED_ARM });
    execFileSync('mkfifo', [path.join(dir, 'main.tf')]);
    execFileSync('mkfifo', [path.join(dir, 'azuredeploy.json')]);
    fs.mkdirSync(path.join(dir, 'sub'));
    const socket = net.createServer();
    await new Promise<void>((resolve) => socket.listen(path.join(dir, 'sub', 'main.bicep'), resolve));
    try {
      const started = Date.now();
      // Files named on the command line are read just as carefully. In a process of its own: stuck on a FIFO in this
      // one, the scan would hang the test run instead of failing it.
      const r = avdsecProcess(['scan', '.', '--format', 'json', 'main.tf'], dir);
      assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
      const report = JSON.parse(r.stdout) as Report;
      assert.ok(Date.now() - started < 30_000);
      assert.deepEqual(report.errors, [
        { file: 'azuredeploy.json', message: 'not a regular file (FIFO); not read' },
        { file: 'main.tf', message: 'not a regular file (FIFO); not read' },
        { file: 'sub/main.bicep', message: 'not a regular file (socket); not read' },
      ]);
      assert.equal(report.summary.files, 1);
      assert.ok(report.findings.some((f) => f.file === 'pooled.json'));
      const text = (await avdsec(['scan', '.', '--no-color'], dir)).stdout;
      assert.match(text, /^main\.tf: error not a regular file \(FIFO\); not read$/m);
      assert.match(text, /, 3 file errors\.$/m);
    } finally {
      socket.close();
    }
  });

  it('reads the modules `terraform init` fetched (.terraform/modules with its modules.json), never the rest of .terraform', async () => {
    const pooled = BAD['main.tf'];
    const dir = tempTree({
      'main.tf': pooled,
      '.terraform/modules/modules.json': '{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"pool","Dir":".terraform/modules/pool"}]}',
      '.terraform/modules/pool/main.tf': pooled,
      '.terraform/providers/registry.terraform.io/hashicorp/azurerm/main.tf': pooled,
      'other/.terraform/modules/pool/main.tf': pooled,
    });
    const report = await json(dir);
    assert.deepEqual([...new Set(report.findings.map((f) => f.file))].sort(), ['.terraform/modules/pool/main.tf', 'main.tf']);
  });

  it('lists a folder it may not read under errors, and scans the others', async () => {
    const dir = tempTree({ 'ok/pooled.json': POOLED_ARM, 'secret/main.tf': BAD['main.tf'] });
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'secret'), 0o000);
    try {
      let r: { status: number | null; stdout: string; stderr: string };
      if (process.getuid?.() === 0) {
        // root reads any folder: scan as nobody (the tree is readable by all but the one folder).
        assert.ok(fs.existsSync('/usr/bin/setpriv') || fs.existsSync('/bin/setpriv'), 'setpriv (util-linux) is needed to run this test as root');
        r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'scan', '.', '--format', 'json'], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 60_000,
        });
      } else {
        r = await avdsec(['scan', '.', '--format', 'json'], dir);
      }
      assert.equal(r.status, 1, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.deepEqual(report.errors, [{ file: 'secret', message: 'folder not read: permission denied' }]);
      assert.ok(report.findings.some((f) => f.file === 'ok/pooled.json'));
    } finally {
      fs.chmodSync(path.join(dir, 'secret'), 0o755);
    }
  });

  it('reads a symlinked file once, under one name, and skips other symlinks with the reason', async () => {
    const outside = tempTree({ 'secret.bicep': BAD['main.bicep'], 'folder/main.tf': BAD['main.tf'] });
    const dir = tempTree({ 'infra/main.bicep': BAD['main.bicep'], 'infra/pooled.json': POOLED_ARM });
    const link = (target: string, name: string) => fs.symlinkSync(target, path.join(dir, name));
    link('main.bicep', 'infra/alias.bicep');
    link('infra/pooled.json', 'pooled-link.json');
    link(path.join(outside, 'secret.bicep'), 'outside.bicep');
    link('nowhere.tf', 'dangling.tf');
    link('loop.tf', 'loop.tf');
    link(path.join(outside, 'folder'), 'linked-folder');
    link('README.md', 'readme-link');
    const report = await json(dir);
    assert.deepEqual(report.skipped, [
      { file: 'dangling.tf', message: 'dangling symlink (its target does not exist); not read' },
      { file: 'infra/alias.bicep', message: 'symlink to a file that is scanned under another name; not read twice' },
      { file: 'linked-folder', message: 'symlinked folder; not followed' },
      { file: 'loop.tf', message: 'symlink loop; not read' },
      { file: 'outside.bicep', message: 'symlink to a file outside the scanned folders; not read' },
      { file: 'pooled-link.json', message: 'symlink to a file that is scanned under another name; not read twice' },
    ]);
    assert.deepEqual(report.errors, []);
    assert.equal(report.summary.files, 2);
    assert.deepEqual([...new Set(report.findings.map((f) => f.file))].sort(), ['infra/main.bicep', 'infra/pooled.json']);

    // Text: each skipped file, and a count; SARIF: tool execution notifications at level note. The exit code does not change.
    const text = await avdsec(['scan', '.', '--no-color', '--fail-on', 'never'], dir);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /^outside\.bicep: skipped symlink to a file outside the scanned folders; not read$/m);
    assert.match(text.stdout, /, 6 skipped\.$/m);
    const sarif = JSON.parse((await avdsec(['scan', '.', '--format', 'sarif'], dir)).stdout);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications as {
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
    }[];
    assert.deepEqual(
      notes.map((n) => `${n.level} ${n.locations[0].physicalLocation.artifactLocation.uri}: ${n.message.text}`),
      report.skipped.map((s) => `note ${s.file}: ${s.message}`),
    );

    // A symlinked file named on the command line is read through the link.
    const named = await json(dir, 'outside.bicep');
    assert.ok(named.findings.some((f) => f.file === 'outside.bicep'));
  });

  it('escapes control characters of file names in the text output; JSON and SARIF escape them by construction', async () => {
    const name = 'evil\nmain.bicep(1,1): error fake-rule: forged line\u001b[2J.bicep';
    const dir = tempTree({ [name]: BAD['main.bicep'] });
    const r = await avdsec(['scan', '.', '--no-color'], dir);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.split('\n');
    assert.ok(!lines.some((l) => l.startsWith('main.bicep(1,1)')), r.stdout);
    assert.ok(!r.stdout.includes('\u001b'), 'no escape sequence reaches the terminal');
    assert.ok(
      lines.some((l) => l.startsWith('evil\\nmain.bicep(1,1): error fake-rule: forged line\\u001b[2J.bicep(')),
      r.stdout,
    );
    const report = await json(dir);
    assert.ok(report.findings.length && report.findings.every((f) => f.file === name));
    const sarif = (await avdsec(['scan', '.', '--format', 'sarif'], dir)).stdout;
    assert.ok(!sarif.includes('\u001b') && !sarif.includes('evil\n'));
    assert.ok(
      JSON.parse(sarif).runs[0].results.every(
        (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          decodeURI(x.locations[0].physicalLocation.artifactLocation.uri) === name,
      ),
    );
  });

  for (const depth of [5_500, 100_000]) {
    it(`says where JSON nested ${depth.toLocaleString('en')} levels deep crosses the limit, and checks the rest of the template`, async () => {
      const text = POOLED_ARM.replace('"parameters": {', `"variables": { "deep": ${'['.repeat(depth)}${']'.repeat(depth)} },\n  "parameters": {`);
      const dir = tempTree({ 'pooled.json': text });
      const report = await json(dir);
      const line = text.slice(0, text.indexOf('[')).split('\n').length;
      // The root object and `variables` are two levels: the 999th bracket crosses the limit.
      const column = text.split('\n')[line - 1].indexOf('[') + 999;
      assert.deepEqual(report.errors, [
        {
          file: 'pooled.json',
          message: `1 syntax error, the first at line ${line}, column ${column}: Nested too deeply (more than 1000 levels); this value was not read (JSON); the rest of the file was still checked`,
        },
      ]);
      const clean = await json(tempTree({ 'pooled.json': POOLED_ARM }));
      assert.deepEqual(
        report.findings.map((f) => f.ruleId),
        clean.findings.map((f) => f.ruleId),
      );
    });
  }

  it('keeps the findings before a value that opens too deep and is never closed', async () => {
    const text = POOLED_ARM.replace(/\s*\}\s*$/, `,\n  "outputs": ${'{"a":'.repeat(100_000)}`);
    const report = await json(tempTree({ 'pooled.json': text }));
    assert.match(report.errors[0].message, /Nested too deeply \(more than 1000 levels\)/);
    assert.ok(report.findings.some((f) => f.ruleId === 'pooled-host-local-admin'));
  });
});
