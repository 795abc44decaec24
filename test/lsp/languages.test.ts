import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ClientCapabilities, CodeAction, Hover, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { tempTree } from '../cli/run';
import { headline, ServerProcess } from './client';

const CAPABILITIES: ClientCapabilities = {
  workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } },
  textDocument: { publishDiagnostics: { relatedInformation: true } },
};

const BICEP = `param usersGroupId string

resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-bicep'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
    customRdpProperty: 'audiomode:i:0;'
  }
}

resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {
  name: 'vm-1'
  location: 'westeurope'
}

resource dsc 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = {
  parent: vm
  name: 'dsc'
  location: 'westeurope'
  properties: {
    publisher: 'Microsoft.Powershell'
    type: 'DSC'
    typeHandlerVersion: '2.73'
    settings: {
      properties: {
        hostPoolName: hp.name
        aadJoin: true
      }
    }
  }
}

resource admin 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, usersGroupId, 'admin')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '1c0163c0-47e6-4577-8991-ea5c82e286e4')
    principalId: usersGroupId
  }
}
`;

const TERRAFORM = `resource "azurerm_virtual_desktop_host_pool" "hp" {
  name                  = "hp-tf"
  location              = "westeurope"
  resource_group_name   = "rg-avd"
  type                  = "Pooled"
  load_balancer_type    = "BreadthFirst"
  custom_rdp_properties = "audiomode:i:0;"
}
`;

function positionOf(text: string, needle: string, delta = 0) {
  return TextDocument.create('x', 'x', 0, text).positionAt(text.indexOf(needle) + delta);
}

describe('language server: Bicep and Terraform', () => {
  let server: ServerProcess;
  let dir: string;
  const uriOf = (f: string) => pathToFileURL(path.join(dir, f)).href;

  beforeEach(async () => {
    dir = tempTree({ 'bicep/main.bicep': BICEP, 'tf/main.tf': TERRAFORM });
    server = new ServerProcess();
    await server.initialize(pathToFileURL(dir).href, CAPABILITIES);
  });

  afterEach(async () => {
    await server.stop();
  });

  it('publishes the headline findings for a Bicep file, at the ranges of the offending values', async () => {
    const uri = uriOf('bicep/main.bicep');
    const diags = headline(await server.waitForDiagnostics(uri, (d) => headline(d).length === 3));
    assert.deepEqual(diags.map((d) => d.code).sort(), ['host-pool-sso-disabled', 'mfa-conditional-access-missing', 'pooled-host-local-admin']);
    const sso = diags.find((d) => d.code === 'host-pool-sso-disabled')!;
    assert.deepEqual(sso.range.start, positionOf(BICEP, "'audiomode:i:0;'"));
    const admin = diags.find((d) => d.code === 'pooled-host-local-admin')!;
    assert.deepEqual(admin.range.start, positionOf(BICEP, 'subscriptionResourceId('));
  });

  it('fixes SSO in Terraform by editing the string, and hovers the host pool type', async () => {
    const uri = uriOf('tf/main.tf');
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'terraform', version: 1, text: TERRAFORM } });
    const diags = await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'host-pool-sso-disabled'));
    const sso = diags.find((d) => d.code === 'host-pool-sso-disabled')!;
    assert.deepEqual(sso.range.start, positionOf(TERRAFORM, '"audiomode:i:0;"'));
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: sso.range,
      context: { diagnostics: [sso] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred)!;
    const edit = fix.edit!.documentChanges![0] as TextDocumentEdit;
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'terraform', 1, TERRAFORM), edit.edits as TextEdit[]);
    assert.match(fixed, /custom_rdp_properties = "audiomode:i:0;enablerdsaadauth:i:1;"/);
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'host-pool-sso-disabled'));
    const hover = (await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(fixed, '"Pooled"', 2) })) as Hover;
    const text = typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : JSON.stringify(hover.contents);
    assert.match(text, /[Pp]ooled/);
    assert.match(text, /session/);
  });

  it('disables a rule for the whole file with a comment in each language', async () => {
    for (const [file, languageId, text, comment] of [
      ['bicep/main.bicep', 'bicep', BICEP, '// avdsec-disable-file host-pool-sso-disabled'],
      ['tf/main.tf', 'terraform', TERRAFORM, '# avdsec-disable-file host-pool-sso-disabled'],
    ] as const) {
      const uri = uriOf(file);
      await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
      const diags = await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'host-pool-sso-disabled'));
      const sso = diags.find((d) => d.code === 'host-pool-sso-disabled')!;
      const actions = (await server.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: sso.range,
        context: { diagnostics: [sso] },
      })) as CodeAction[];
      const disable = actions.find((a) => a.title === 'Disable host-pool-sso-disabled for this file');
      assert.ok(disable, `${file}: ${actions.map((a) => a.title).join(' | ')}`);
      const edit = disable.edit!.documentChanges![0] as TextDocumentEdit;
      const disabled = TextDocument.applyEdits(TextDocument.create(uri, languageId, 1, text), edit.edits as TextEdit[]);
      assert.equal(disabled.split('\n')[0], comment);
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: disabled }] });
      const after = await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'host-pool-sso-disabled'));
      assert.ok(!after.some((x) => x.code === 'invalid-suppression'), `${file}: ${JSON.stringify(after)}`);
      assert.ok(
        after.some((x) => x.code === 'mfa-conditional-access-missing'),
        `${file}: other rules still report`,
      );
    }
  });

  it('completes RDP property names and values inside the string', async () => {
    const uri = uriOf('bicep/main.bicep');
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'bicep', version: 1, text: BICEP } });
    const position = positionOf(BICEP, "audiomode:i:0;'", 'audiomode:i:0;'.length);
    const items = (await server.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position })) as {
      label: string;
      textEdit?: { newText: string };
    }[];
    const item = items.find((i) => i.label === 'enablerdsaadauth');
    assert.equal(item?.textEdit?.newText, 'enablerdsaadauth:i:');
  });
});

describe('language server: Terraform module directories', () => {
  let server: ServerProcess | undefined;

  afterEach(async () => {
    await server?.stop();
  });

  it('reports a value where it is written when it changes in another file of the module directory', async () => {
    const dir = tempTree({
      'tf/main.tf':
        'resource "azurerm_virtual_desktop_host_pool" "hp" {\n  name                  = var.name\n  type                  = "Pooled"\n  custom_rdp_properties = var.rdp\n}\n',
      'tf/variables.tf': 'variable "rdp" {\n  default = "enablerdsaadauth:i:1;"\n}\nvariable "name" {\n  default = "hp-one"\n}\n',
    });
    server = new ServerProcess();
    await server.initialize(pathToFileURL(dir).href, CAPABILITIES);
    const uriOf = (f: string) => pathToFileURL(path.join(dir, f)).href;
    const main = uriOf('tf/main.tf');
    const vars = uriOf('tf/variables.tf');
    await server.waitForDiagnostics(main, (d) => d.length > 0 && !d.some((x) => x.code === 'host-pool-sso-disabled'));
    const text = 'variable "rdp" {\n  default = "enablerdsaadauth:i:1;"\n}\nvariable "name" {\n  default = "hp-one"\n}\n';
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: vars, languageId: 'terraform', version: 1, text } });
    const start = positionOf(text, 'i:1');
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: vars, version: 2 },
      contentChanges: [{ range: { start, end: { line: start.line, character: start.character + 3 } }, text: 'i:0' }],
    });
    // The value is written in variables.tf: the finding lands there, with a link to its use in main.tf.
    const after = await server.waitForDiagnostics(vars, (d) => d.some((x) => x.code === 'host-pool-sso-disabled'));
    const sso = after.find((x) => x.code === 'host-pool-sso-disabled')!;
    assert.match(String(sso.message), /enablerdsaadauth:i:0/);
    assert.deepEqual(sso.range.start, { line: 1, character: 13 });
    assert.ok(sso.relatedInformation!.some((r) => r.location.uri === main && r.message === 'The value is used here'));
    // A finding that stays in main.tf (on the host pool itself) follows an edit of variables.tf too.
    const at = positionOf(text, 'hp-one');
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: vars, version: 3 },
      contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 6 } }, text: 'hp-two' }],
    });
    await server.waitForDiagnostics(main, (d) => d.some((x) => x.code === 'mfa-conditional-access-missing' && String(x.message).includes("'hp-two'")));
  });
});
