// A workspace the user did not write, opened in the editor: its configuration cannot hang the server, read the rest of
// the machine or show what other files hold, and what the server does not read it says in its output.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClientCapabilities, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { encodeText } from '../../server/src/host/encoding';
import { tempTree } from '../cli/run';
import { FIXTURES } from '../harness/engine';
import { headline, ServerProcess } from './client';

const POOLED_ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');
const POOLED_BICEP = fs.readFileSync(path.join(FIXTURES, 'rules', 'pooled-host-local-admin', 'bicep-pooled', 'main.bicep'), 'utf8');
const CAPABILITIES: ClientCapabilities = { workspace: { didChangeWatchedFiles: { dynamicRegistration: false } } };
const message = (d: { message: string | { value: string } }) => (typeof d.message === 'string' ? d.message : d.message.value);

describe('language server: an untrusted workspace', function () {
  this.timeout(60_000);
  let server: ServerProcess | undefined;
  const published: PublishDiagnosticsParams[] = [];

  async function start(dir: string): Promise<ServerProcess> {
    server = new ServerProcess();
    published.length = 0;
    server.onPublish.push((p) => published.push(p));
    await server.initialize(pathToFileURL(dir).href, CAPABILITIES);
    return server;
  }

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('shows bad exclude patterns in .avdsec.json at their item, and checks the workspace all the same', async () => {
    const config = '{\n  "exclude": ["", "*a*a*a*a*a*a*a*a*b", "legacy/**"]\n}\n';
    const dir = tempTree({ '.avdsec.json': config, 'pooled.json': POOLED_ARM, 'legacy/pooled.json': POOLED_ARM });
    const s = await start(dir);
    const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
    await s.waitForDiagnostics(uri('pooled.json'), (d) => headline(d).length === 3);
    const problems = await s.waitForDiagnostics(uri('.avdsec.json'), (d) => d.length === 2);
    assert.deepEqual(
      problems.map((p) => [p.range.start, message(p)]),
      [
        [{ line: 1, character: config.split('\n')[1].indexOf('""') }, '"exclude" pattern is empty'],
        [{ line: 1, character: config.split('\n')[1].indexOf('"*a') }, '"exclude" pattern is too complex: more than 3 wildcards (* or **)'],
      ],
    );
    // legacy/** still applies.
    assert.equal(s.current(uri('legacy/pooled.json')), undefined);
    assert.equal(s.stderr, '');
  });

  it('refuses extends outside the folder, to FIFOs, devices and files that are no configuration, and shows nothing of them', async () => {
    const outside = tempTree({ 'base.json': '{ "rules": { "outsideSecretKey": "off" } }' });
    const dir = tempTree({ 'pooled.json': POOLED_ARM, 'package.json': '{ "name": "app", "secretToken": "hunter2" }' });
    execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
    fs.symlinkSync(path.join(outside, 'base.json'), path.join(dir, 'link.json'));
    const targets = ['/etc/passwd', 'fifo.json', '/dev/zero', path.join(outside, 'base.json'), 'link.json', 'package.json'];
    const config = `{\n  "extends": ${JSON.stringify(targets)},\n  "rules": { "host-pool-sso-disabled": "error" }\n}\n`;
    fs.writeFileSync(path.join(dir, '.avdsec.json'), config);
    const s = await start(dir);
    const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;

    // The rest of the configuration applies, and the server answers.
    await s.waitForDiagnostics(uri('pooled.json'), (d) => d.some((x) => x.code === 'host-pool-sso-disabled' && x.severity === 1));
    const problems = await s.waitForDiagnostics(uri('.avdsec.json'), (d) => d.length === targets.length);
    assert.deepEqual(problems.map(message), [
      '"extends": cannot read "/etc/passwd": outside the workspace',
      '"extends": cannot read "fifo.json": not a regular file (FIFO)',
      '"extends": cannot read "/dev/zero": outside the workspace',
      `"extends": cannot read "${path.join(outside, 'base.json')}": outside the workspace`,
      '"extends": cannot read "link.json": outside the workspace',
      '"extends": "package.json" is not an avdsec configuration file',
    ]);
    // Each at its entry.
    const line = config.split('\n')[1];
    assert.deepEqual(
      problems.map((p) => p.range.start.character),
      targets.map((t) => line.indexOf(JSON.stringify(t))),
    );
    const hover = await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri('pooled.json') }, position: { line: 0, character: 0 } });
    assert.ok(hover === null || typeof hover === 'object');

    // Nothing published for the files it names, nothing of their content anywhere.
    const everything = JSON.stringify(published) + s.log.join('\n');
    for (const leak of ['root:', 'outsideSecretKey', 'hunter2', 'secretToken']) assert.ok(!everything.includes(leak), leak);
    const named = [
      '/etc/passwd',
      '/dev/zero',
      path.join(outside, 'base.json'),
      path.join(dir, 'link.json'),
      path.join(dir, 'package.json'),
      path.join(dir, 'fifo.json'),
    ].map((f) => pathToFileURL(f).href);
    assert.deepEqual(
      published.filter((p) => named.includes(p.uri) && p.diagnostics.length),
      [],
    );
    assert.equal(s.stderr, '');
  });

  it('does not read a .avdsec.json of the folder that is a symlink out of it', async () => {
    const outside = tempTree({ 'config.json': '{ "auths": { "registry": "outsideSecretKey" }, "rules": { "host-pool-sso-disabled": "error" } }' });
    const dir = tempTree({ 'pooled.json': POOLED_ARM });
    fs.symlinkSync(path.join(outside, 'config.json'), path.join(dir, '.avdsec.json'));
    const s = await start(dir);
    const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
    // Its levels do not apply (SSO stays a warning) and nothing of it shows.
    await s.waitForDiagnostics(uri('pooled.json'), (d) => d.some((x) => x.code === 'host-pool-sso-disabled' && x.severity === 2));
    await s.waitForDiagnostics(uri('.avdsec.json'), (d) => d.length === 0);
    for (const leak of ['auths', 'outsideSecretKey']) assert.ok(!JSON.stringify(published).includes(leak), leak);
  });

  it('reads a file extends names again when it changes: once fixed, it applies', async () => {
    const dir = tempTree({
      'pooled.json': POOLED_ARM,
      '.avdsec.json': '{ "extends": "shared/base.json" }',
      'shared/base.json': '{ "rules": { "host-pool-sso-disabled": "error" ',
    });
    const s = await start(dir);
    const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
    const [problem] = await s.waitForDiagnostics(uri('.avdsec.json'), (d) => d.length === 1);
    assert.equal(message(problem), '"extends": "shared/base.json" is not an avdsec configuration file');
    assert.equal(s.current(uri('shared/base.json')), undefined);
    await s.waitForDiagnostics(uri('pooled.json'), (d) => d.some((x) => x.code === 'host-pool-sso-disabled' && x.severity === 2));
    fs.writeFileSync(path.join(dir, 'shared', 'base.json'), '{ "rules": { "host-pool-sso-disabled": "error" } }');
    await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('shared/base.json'), type: 2 }] });
    await s.waitForDiagnostics(uri('.avdsec.json'), (d) => d.length === 0);
    await s.waitForDiagnostics(uri('pooled.json'), (d) => d.some((x) => x.code === 'host-pool-sso-disabled' && x.severity === 1));
  });

  it('reads UTF-16 files from disk, and says in its output what it does not read', async () => {
    const outside = tempTree({ 'main.bicep': POOLED_BICEP });
    const dir = tempTree({ 'utf16/main.bicep': encodeText(POOLED_BICEP, 'utf16le'), 'pooled.json': POOLED_ARM });
    execFileSync('mkfifo', [path.join(dir, 'main.tf')]);
    fs.symlinkSync(path.join(outside, 'main.bicep'), path.join(dir, 'outside.bicep'));
    const s = await start(dir);
    const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
    await s.waitForDiagnostics(uri('utf16/main.bicep'), (d) => d.some((x) => x.code === 'pooled-host-local-admin'));
    await s.waitForDiagnostics(uri('pooled.json'), (d) => headline(d).length === 3);
    assert.ok(
      s.log.some((l) => l === `[avdsec] not read: ${path.join(dir, 'main.tf')}: not a regular file (FIFO); not read`),
      s.log.join('\n'),
    );
    assert.ok(
      s.log.some((l) => l === `[avdsec] skipped: ${path.join(dir, 'outside.bicep')}: symlink to a file outside the scanned folders; not read`),
      s.log.join('\n'),
    );
    assert.equal(s.current(uri('outside.bicep')), undefined);
    assert.equal(s.stderr, '');
  });
});
