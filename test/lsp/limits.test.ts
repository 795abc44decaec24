import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClientCapabilities, Diagnostic } from 'vscode-languageserver-protocol';
import { type ServerStatus, STATUS_REQUEST } from '../../server/src/protocol/status';
import { tempTree } from '../cli/run';
import { FIXTURES } from '../harness/engine';
import { ServerProcess } from './client';

const POOLED_ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');
const SSO = 'host-pool-sso-disabled';
const CAPABILITIES: ClientCapabilities = { workspace: { didChangeWatchedFiles: { dynamicRegistration: false } } };
const tooLarge = (d: Diagnostic[]) => d.find((x) => x.code === 'file-too-large');
const status = (server: ServerProcess) => server.connection.sendRequest(STATUS_REQUEST) as Promise<ServerStatus>;

describe('language server: size limit and cancellation', function () {
  this.timeout(60_000);
  let server: ServerProcess;

  afterEach(async () => {
    await server.stop();
  });

  it('does not check files over maxFileSizeMB, says so in the file, and checks them once the limit allows', async () => {
    // 0.001 MB is 1,048 bytes: the 2.3 KB template is over it, the small one is not.
    const small = '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}';
    const data = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) });
    const dir = tempTree({
      '.avdsec.json': '{ "maxFileSizeMB": 0.001 }',
      'pooled.json': POOLED_ARM,
      'other.json': POOLED_ARM,
      'small.json': small,
      'data.json': data,
    });
    const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
    server = new ServerProcess();
    await server.initialize(pathToFileURL(dir).href, CAPABILITIES);

    const [note] = await server.waitForDiagnostics(uri('pooled.json'), (d) => !!tooLarge(d));
    assert.equal(note.severity, 3);
    assert.deepEqual(note.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    assert.match(String(note.message), /^avdsec: file is 2\.2 KB, over the 1 KB limit; not checked \(raise "maxFileSizeMB" in \.avdsec\.json to check it\)$/);
    assert.deepEqual((await status(server)).tooLarge.sort(), [uri('other.json'), uri('pooled.json')]);
    // A large JSON file that is no template is none of avdsec's business: no message.
    assert.equal(server.current(uri('data.json')), undefined);
    assert.ok(
      server.log.some((l) => l.includes('pooled.json') && l.includes('not checked')),
      server.log.join('\n'),
    );

    // Opened in the editor: still not checked; typing it below the limit checks it.
    await server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uri('pooled.json'), languageId: 'json', version: 1, text: POOLED_ARM },
    });
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri('pooled.json'), version: 2 },
      contentChanges: [{ text: small }],
    });
    await server.waitForDiagnostics(uri('pooled.json'), (d) => !tooLarge(d));
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri('pooled.json'), version: 3 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: small.length } }, text: POOLED_ARM }],
    });
    await server.waitForDiagnostics(uri('pooled.json'), (d) => !!tooLarge(d));

    // A higher limit in .avdsec.json: the open document is measured again and checked.
    fs.writeFileSync(path.join(dir, '.avdsec.json'), '{ "maxFileSizeMB": 1 }');
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('.avdsec.json'), type: 2 }] });
    const checked = await server.waitForDiagnostics(uri('pooled.json'), (d) => d.some((x) => x.code === SSO));
    assert.equal(tooLarge(checked), undefined);
    // A file that is not open is read again from disk once it fits.
    assert.equal(tooLarge(await server.waitForDiagnostics(uri('other.json'), (d) => d.some((x) => x.code === SSO))), undefined);
    assert.deepEqual((await status(server)).tooLarge, []);

    // A lower limit again: files read from disk that no longer fit are dropped and say so, open ones too.
    fs.writeFileSync(path.join(dir, '.avdsec.json'), '{ "maxFileSizeMB": 0.002 }');
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('.avdsec.json'), type: 2 }] });
    const [again] = await server.waitForDiagnostics(uri('other.json'), (d) => !!tooLarge(d));
    assert.match(String(again.message), /file is 2\.2 KB, over the 2 KB limit/);
    await server.waitForDiagnostics(uri('pooled.json'), (d) => !!tooLarge(d));
    assert.equal(
      server.current(uri('small.json'))?.some((d) => tooLarge([d])),
      false,
    );
    assert.equal(server.stderr, '');
  });

  it('stops a check when a newer edit arrives and finishes the rest with the next one', async () => {
    const files: Record<string, string> = {};
    // Enough work that the check is still running when the first file is published (the edit is sent then), on a fast
    // machine too: 150 files of 4 pools, each with its host, grants and application group.
    const n = 150;
    const template = JSON.parse(POOLED_ARM) as { resources: unknown[] };
    for (let i = 0; i < n; i++) {
      const resources = Array.from({ length: 4 }, (_, j) =>
        JSON.parse(
          JSON.stringify(template.resources)
            .replace(/hp-pooled/g, `hp-pooled-${i}-${j}`)
            .replace(/sh-0/g, `sh-${j}`)
            .replace(/'(admins|users)'/g, `'$1-${j}'`)
            .replace(/\bag\b/g, `ag-${j}`),
        ),
      ).flat();
      files[`pool${String(i).padStart(3, '0')}/main.json`] = JSON.stringify({ ...template, resources }, null, 2);
    }
    const dir = tempTree(files);
    const uris = Object.keys(files).map((f) => pathToFileURL(path.join(dir, f)).href);
    server = new ServerProcess();
    await server.initialize(pathToFileURL(dir).href, CAPABILITIES);
    await Promise.all(uris.map((u) => server.waitForDiagnostics(u, (d) => d.some((x) => x.code === SSO && x.severity === 2))));
    const before = await status(server);

    // Raising the SSO rule to error changes the diagnostics of all 150 files. While that check runs, an edit arrives.
    const edited = uris[n - 1];
    const text = files[Object.keys(files)[n - 1]];
    let sent = false;
    let publishedBeforeEdit = 0;
    server.onPublish.push(() => {
      if (sent) return;
      sent = true;
      publishedBeforeEdit++;
      void server.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: edited, languageId: 'json', version: 1, text: text.replaceAll('"audiomode:i:0', '"enablerdsaadauth:i:1;audiomode:i:0') },
      });
    });
    fs.writeFileSync(path.join(dir, '.avdsec.json'), `{ "rules": { "${SSO}": "error" } }`);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(path.join(dir, '.avdsec.json')).href, type: 1 }],
    });

    await Promise.all(uris.slice(0, -1).map((u) => server.waitForDiagnostics(u, (d) => d.some((x) => x.code === SSO && x.severity === 1))));
    await server.waitForDiagnostics(edited, (d) => !d.some((x) => x.code === SSO));
    const after = await status(server);
    assert.equal(publishedBeforeEdit, 1);
    assert.ok(after.cancelled > before.cancelled, `a check was stopped: ${JSON.stringify({ before, after })}`);
    assert.equal(server.stderr, '');
  });

  it('says in a Terraform file it could not read why (nested too deeply), and still checks the files beside it', async () => {
    const pool = fs.readFileSync(path.join(FIXTURES, 'rules', 'rdp-clipboard-redirection', 'tf-pooled', 'main.tf'), 'utf8');
    const dir = tempTree({ 'main.tf': pool, 'deep.tf': `locals {\n  x = ${'['.repeat(300)}\n` });
    const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
    server = new ServerProcess();
    await server.initialize(pathToFileURL(dir).href, CAPABILITIES);
    const [note] = await server.waitForDiagnostics(uri('deep.tf'), (d) => d.some((x) => x.code === 'file-not-checked'));
    assert.equal(note.severity, 3);
    assert.equal(note.message, 'avdsec did not check this file: nested too deeply (more than 256 levels)');
    assert.equal(note.range.start.line, 1);
    await server.waitForDiagnostics(uri('main.tf'), (d) => d.some((x) => x.code === 'rdp-clipboard-redirection'));
    // Typing the brackets away: the file is read again.
    await server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uri('deep.tf'), languageId: 'terraform', version: 1, text: `locals {\n  x = ${'['.repeat(300)}\n` },
    });
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri('deep.tf'), version: 2 },
      contentChanges: [{ text: 'locals {\n  x = []\n}\n' }],
    });
    await server.waitForDiagnostics(uri('deep.tf'), (d) => !d.some((x) => x.code === 'file-not-checked'));
  });
});
