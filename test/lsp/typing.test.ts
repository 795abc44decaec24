import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { emptyConfig } from '../../server/src/engine/config';
import { Workspace } from '../../server/src/engine/workspace';
import { type ServerStatus, STATUS_REQUEST } from '../../server/src/protocol/status';
import { tempTree } from '../cli/run';
import { FIXTURES, grammars } from '../harness/engine';
import { ServerProcess } from './client';

const TEMPLATE = JSON.stringify(
  {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      {
        type: 'Microsoft.DesktopVirtualization/hostPools',
        apiVersion: '2024-04-03',
        name: 'hp-typing',
        location: 'westeurope',
        properties: {
          hostPoolType: 'Pooled',
          loadBalancerType: 'BreadthFirst',
          preferredAppGroupType: 'Desktop',
          customRdpProperty: 'audiomode:i:0;',
          registrationInfo: { registrationTokenOperation: 'Update', expirationTime: '2030-01-01T00:00:00Z', token: 'x' },
        },
      },
    ],
  },
  null,
  2,
);
const JWT = 'eyJhbGciOiJub25lIn0.eyJmYWtlIjoidG9rZW4ifQ.fake-signature';

/** What a user sees of a diagnostic. */
const seen = (d: Diagnostic[]) => d.map((x) => JSON.stringify([x.code, x.severity, x.range, x.message])).sort();

describe('language server: typing', function () {
  this.timeout(60_000);
  let server: ServerProcess;

  afterEach(async () => {
    await server.stop();
  });

  const status = () => server.connection.sendRequest(STATUS_REQUEST) as Promise<ServerStatus>;
  async function settled(): Promise<ServerStatus> {
    for (;;) {
      const s = await status();
      if (s.settled) return s;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The judge: the diagnostics published equal the findings of a fresh workspace of the document's text. */
  async function assertFresh(published: Diagnostic[], doc: TextDocument): Promise<void> {
    const ws = new Workspace(await grammars());
    try {
      ws.set(doc.uri, doc.getText());
      const fresh = ws.findings(doc.uri, emptyConfig()).map((f) => ({
        code: f.ruleId,
        severity: { error: 1, warning: 2, info: 3, hint: 4 }[f.level],
        range: { start: doc.positionAt(f.range.start), end: doc.positionAt(f.range.end) },
        message: f.message,
      }));
      assert.deepEqual(seen(published), seen(fresh as Diagnostic[]));
    } finally {
      ws.dispose();
    }
  }

  /** Opens TEMPLATE in a server of its own folder, once its first diagnostics are published. */
  async function openTemplate(): Promise<string> {
    const dir = tempTree({ 'azuredeploy.json': TEMPLATE });
    const uri = pathToFileURL(path.join(dir, 'azuredeploy.json')).href;
    server = new ServerProcess();
    await server.initialize(pathToFileURL(dir).href, { workspace: { didChangeWatchedFiles: { dynamicRegistration: false } } });
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text: TEMPLATE } });
    await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'rdp-clipboard-redirection'));
    return uri;
  }

  /** A document that sends each insertion to the server as an edit (the promise: once it is written). */
  function typist(uri: string) {
    let doc = TextDocument.create(uri, 'json', 1, TEMPLATE);
    return {
      get doc() {
        return doc;
      },
      insert(after: string, text: string): Promise<void> {
        const at = doc.positionAt(doc.getText().indexOf(after) + after.length);
        const change = { range: { start: at, end: at }, text };
        doc = TextDocument.update(doc, [change], doc.version + 1);
        return server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [change] });
      },
    };
  }

  it('answers a keystroke in a host pool at once, and the full check when typing pauses equals a fresh check', async () => {
    const uri = await openTemplate();
    const before = await settled();
    const editor = typist(uri);

    // The host pool's RDP string turns the clipboard off: the pool is checked again before the rest.
    await editor.insert('"customRdpProperty": "', 'redirectclipboard:i:0;');
    await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'rdp-clipboard-redirection'));
    assert.ok((await status()).firstAnswers > before.firstAnswers, 'a first answer was published');

    // A token written into the pool: a rule about the whole deployment judges it, in the full check after the pause.
    await editor.insert('"token": "', JWT);
    const after = await settled();
    assert.ok(after.checks > before.checks, 'a full check ran');
    const published = await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'registration-token-hardcoded'));

    await assertFresh(published, editor.doc);
    assert.equal(server.stderr, '');
  });

  it('checks a keystroke after a pause without a timer, and a burst of edits ends with the findings of its last text', async () => {
    const uri = await openTemplate();
    await settled();
    const editor = typist(uri);

    // After a pause: checked as soon as the messages read with the keystroke are handled.
    await editor.insert('"customRdpProperty": "', 'redirectclipboard:i:0;');
    await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'rdp-clipboard-redirection'));
    assert.equal((await status()).debounceMs, 0);
    await settled();

    // A burst, sent without waiting: each edit may stop the check of the one before; the last text is what is shown.
    await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'rdp-drive-redirection'));
    const sent: Promise<void>[] = [];
    let typed = 'redirectclipboard:i:0;';
    for (const ch of 'drivestoredirect:s:;') {
      sent.push(editor.insert(typed, ch));
      typed += ch;
    }
    await Promise.all(sent);
    await settled();
    const published = await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'rdp-drive-redirection'));
    assert.ok(editor.doc.getText().includes('"redirectclipboard:i:0;drivestoredirect:s:;'));
    await assertFresh(published, editor.doc);
    assert.equal(server.stderr, '');
  });

  it('turning single sign-on on in a pool reaches the Conditional Access policy of another file once typing pauses', async () => {
    const policy = fs
      .readFileSync(path.join(FIXTURES, 'rules', 'conditional-access-misses-sso-apps', 'tf-azuread-avd-only', 'conditional_access.tf'), 'utf8')
      .split('\n')
      .filter((l) => !/^#\s*\^/.test(l))
      .join('\n');
    const providers = fs.readFileSync(path.join(FIXTURES, 'rules', 'conditional-access-misses-sso-apps', 'tf-azuread-avd-only', 'providers.tf'), 'utf8');
    const pool = TEMPLATE.replace('audiomode:i:0;', 'audiomode:i:0;enablerdsaadauth:i:0;');
    const dir = tempTree({ 'identity/conditional_access.tf': policy, 'identity/providers.tf': providers, 'pool/azuredeploy.json': pool });
    const uri = pathToFileURL(path.join(dir, 'pool', 'azuredeploy.json')).href;
    const ca = pathToFileURL(path.join(dir, 'identity', 'conditional_access.tf')).href;
    server = new ServerProcess();
    await server.initialize(pathToFileURL(dir).href, { workspace: { didChangeWatchedFiles: { dynamicRegistration: false } } });
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text: pool } });
    await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'host-pool-sso-disabled'));
    const before = await settled();
    await server.waitForDiagnostics(ca, (d) => !d.some((x) => x.code === 'conditional-access-misses-sso-apps'));

    const doc = TextDocument.create(uri, 'json', 1, pool);
    const at = doc.positionAt(pool.indexOf('enablerdsaadauth:i:0') + 'enablerdsaadauth:i:'.length);
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '1' }],
    });
    await server.waitForDiagnostics(ca, (d) => d.some((x) => x.code === 'conditional-access-misses-sso-apps'));
    await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'host-pool-sso-disabled'));
    assert.ok((await settled()).firstAnswers > before.firstAnswers, 'the pool got a first answer');
    assert.equal(server.stderr, '');
  });
});
