import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ClientCapabilities, CodeAction, Hover, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { tempTree } from '../cli/run';
import { FIXTURES } from '../harness/engine';
import { GRAPH_REQUEST, type GraphResult } from '../../server/src/protocol/graph';
import { headline, ServerProcess } from './client';

const POOLED_ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');
const CAPABILITIES: ClientCapabilities = {
  workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] }, didChangeWatchedFiles: { dynamicRegistration: false } },
  textDocument: { publishDiagnostics: { relatedInformation: true } },
};

function positionOf(text: string, needle: string, delta = 0) {
  const doc = TextDocument.create('x', 'json', 0, text);
  return doc.positionAt(text.indexOf(needle) + delta);
}

describe('language server over stdio', function () {
  this.timeout(60_000);
  let server: ServerProcess;
  let dir: string;
  let uri: string;

  beforeEach(async () => {
    dir = tempTree({ 'pooled.json': POOLED_ARM, 'other/notes.json': '{}' });
    uri = pathToFileURL(path.join(dir, 'pooled.json')).href;
    server = new ServerProcess();
    const init = (await server.initialize(pathToFileURL(dir).href, CAPABILITIES)) as { capabilities: { hoverProvider: boolean }; serverInfo: { name: string } };
    assert.equal(init.serverInfo.name, 'avdsec');
    assert.equal(init.capabilities.hoverProvider, true);
  });

  afterEach(async () => {
    await server.stop();
  });

  it('publishes diagnostics for workspace files before they are opened, with rule ids, links and related resources', async () => {
    const diags = headline(await server.waitForDiagnostics(uri, (d) => headline(d).length === 3));
    const admin = diags.find((d) => d.code === 'pooled-host-local-admin')!;
    assert.equal(admin.source, 'avdsec');
    assert.equal(admin.severity, 1);
    assert.match(admin.codeDescription!.href, /pooled-host-local-admin\.md$/);
    const line = POOLED_ARM.split('\n').findIndex((l) => l.includes('1c0163c0'));
    assert.equal(admin.range.start.line, line);
    assert.ok(admin.relatedInformation!.some((r) => r.location.uri === uri && r.message.startsWith('Pooled host pool')));
    assert.deepEqual(diags.map((d) => d.code).sort(), ['host-pool-sso-disabled', 'mfa-conditional-access-missing', 'pooled-host-local-admin']);

    // What avdsec linked, as `avdsec graph` shows it: the grant covers the pool's session host.
    const graph = (await server.connection.sendRequest(GRAPH_REQUEST)) as GraphResult;
    assert.equal(graph.hostPools.length, 1);
    const [pool] = graph.hostPools;
    assert.equal(pool.uri, uri);
    assert.equal(pool.type, 'Pooled');
    assert.equal(pool.sessionHosts.length, 1);
    const grant = pool.roleAssignments.find((r) => r.role === 'Virtual Machine Administrator Login')!;
    assert.equal(
      grant.range.start.line,
      POOLED_ARM.split('\n').findIndex((l) => l.includes('"Microsoft.Authorization/roleAssignments"')),
    );
    assert.match(grant.link, /^scope covers session host/);
  });

  it('updates diagnostics on incremental changes', async () => {
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text: POOLED_ARM } });
    await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'pooled-host-local-admin'));
    const start = positionOf(POOLED_ARM, '1c0163c0-47e6-4577-8991-ea5c82e286e4');
    const end = { line: start.line, character: start.character + 36 };
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start, end }, text: 'fb879df8-f326-4884-b1cf-06f3ad86be52' }],
    });
    const after = await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'pooled-host-local-admin'));
    assert.deepEqual(
      headline(after)
        .map((d) => d.code)
        .sort(),
      ['host-pool-sso-disabled', 'mfa-conditional-access-missing'],
    );
  });

  it('refuses a second initialize and keeps its state: diagnostics still follow edits', async () => {
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text: POOLED_ARM } });
    await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'pooled-host-local-admin'));
    const elsewhere = pathToFileURL(tempTree({ 'empty.json': '{}' })).href;
    await assert.rejects(
      server.connection.sendRequest('initialize', {
        processId: null,
        rootUri: elsewhere,
        workspaceFolders: [{ uri: elsewhere, name: 'other' }],
        capabilities: {},
      }),
      {
        code: -32600,
        message: 'the server is already initialized; initialize may be sent only once',
      },
    );
    const start = positionOf(POOLED_ARM, '1c0163c0-47e6-4577-8991-ea5c82e286e4');
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start, end: { line: start.line, character: start.character + 36 } }, text: 'fb879df8-f326-4884-b1cf-06f3ad86be52' }],
    });
    const after = await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'pooled-host-local-admin'));
    assert.deepEqual(
      headline(after)
        .map((d) => d.code)
        .sort(),
      ['host-pool-sso-disabled', 'mfa-conditional-access-missing'],
    );
  });

  it('offers the SSO quick fix; its edit applied to the text makes the diagnostic go away', async () => {
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text: POOLED_ARM } });
    const diags = await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'host-pool-sso-disabled'));
    const sso = diags.find((d) => d.code === 'host-pool-sso-disabled')!;
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: sso.range,
      context: { diagnostics: [sso] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => a.title),
      [
        'Enable Microsoft Entra single sign-on (enablerdsaadauth:i:1)',
        'Disable host-pool-sso-disabled for this line',
        'Disable host-pool-sso-disabled for this file',
      ],
    );
    const fix = actions[0];
    assert.equal(fix.isPreferred, true);
    assert.equal(fix.kind, 'quickfix');
    const edit = fix.edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(edit.textDocument.uri, uri);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'json', 1, POOLED_ARM), edit.edits as TextEdit[]);
    assert.match(fixed, /"customRdpProperty": "audiomode:i:0;enablerdsaadauth:i:1;"/);
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'host-pool-sso-disabled'));
  });

  it('offers to record that Conditional Access is managed elsewhere, in a new .avdsec.json', async () => {
    const diags = await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'mfa-conditional-access-missing'));
    const mfa = diags.find((d) => d.code === 'mfa-conditional-access-missing')!;
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: mfa.range,
      context: { diagnostics: [mfa] },
    })) as CodeAction[];
    const mark = actions.find((a) => a.title === 'Mark Conditional Access as managed outside this repository')!;
    const changes = mark.edit!.documentChanges!;
    assert.deepEqual(changes[0], { kind: 'create', uri: pathToFileURL(path.join(dir, '.avdsec.json')).href, options: { ignoreIfExists: true } });
    const text = ((changes[1] as TextDocumentEdit).edits[0] as TextEdit).newText;
    assert.deepEqual(JSON.parse(text), { rules: { 'mfa-conditional-access-missing': { managedOutsideRepository: true } } });
  });

  it('shows the security boundary on hover over the host pool type', async () => {
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text: POOLED_ARM } });
    const hover = (await server.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: positionOf(POOLED_ARM, '"Pooled"', 2),
    })) as Hover;
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /Pooled host pool: many users share each multi-session host/);
    assert.match(value, /Session boundary/);
    assert.match(value, /Users who need administrator rights \| A personal host pool/);
    const rdp = (await server.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: positionOf(POOLED_ARM, 'audiomode', 2),
    })) as Hover;
    assert.match((rdp.contents as { value: string }).value, /`enablerdsaadauth`/);
    const role = (await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(POOLED_ARM, '1c0163c0') })) as Hover;
    assert.match((role.contents as { value: string }).value, /\*\*Virtual Machine Administrator Login\*\*/);
    assert.match((role.contents as { value: string }).value, /Administrator-to-kernel is not a security boundary/);
  });

  it('survives bad input: garbage, truncated and large files keep the server answering', async () => {
    const bad = pathToFileURL(path.join(dir, 'bad.json')).href;
    const garbage =
      '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [ {"type": \u0000\u0001 ]]]] }}}';
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: bad, languageId: 'json', version: 1, text: garbage } });
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: bad, version: 2 },
      contentChanges: [{ text: POOLED_ARM.slice(0, 500) }],
    });
    const big = pathToFileURL(path.join(dir, 'big.json')).href;
    const many = POOLED_ARM.replace(
      '"resources": [',
      `"resources": [${Array.from({ length: 3000 }, (_, i) => `{"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2024-01-01", "name": "nic${i}", "properties": {}},`).join('\n')}`,
    );
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: big, languageId: 'json', version: 1, text: many } });
    const hover = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(hover, null);
    await server.waitForDiagnostics(big, (d) => d.some((x) => x.code === 'pooled-host-local-admin'));
    assert.equal(server.stderr, '');
  });
});
