import * as assert from 'node:assert/strict';
import { applyTextEdits, renderFix } from '../server/src/engine/fix';
import type { FixIntent } from '../server/src/engine/model';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

/** The text of `uri` after the intent's edits (given the first resource's key), or undefined when the fix cannot be written. */
async function after(uri: string, text: string, intent: (key: string) => FixIntent): Promise<string | undefined> {
  const ws = new Workspace(await grammars());
  try {
    ws.set(uri, text);
    const doc = ws.document(uri)!;
    assert.deepEqual(doc.syntaxErrors, [], 'the input parses');
    const set = renderFix(intent(doc.resources[0]?.key ?? ''), ws.fixContext());
    if (!set) return undefined;
    const fixed = applyTextEdits(text, set.edits);
    // What a fix writes parses again.
    ws.set(uri, fixed);
    assert.deepEqual(ws.document(uri)!.syntaxErrors, [], `the fixed text parses:\n${fixed}`);
    return fixed;
  } finally {
    ws.dispose();
  }
}

const secure = (uri: string, name: string) => (): FixIntent => ({ kind: 'secure-parameter', uri, name });
const move =
  (key: string) =>
  (resource: string): FixIntent => ({ kind: 'move-to-protected-settings', resource, key });

const ARM = (parameters: string) =>
  `{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n${parameters}\n  },\n  "resources": []\n}\n`;

describe('a fix that makes a parameter or variable secret', () => {
  it('adds @secure() above a Bicep parameter, under its other decorators, and removes its default', async () => {
    assert.equal(await after('/w/main.bicep', "param pw string = 'x'\n", secure('/w/main.bicep', 'pw')), '@secure()\nparam pw string\n');
    assert.equal(
      await after('/w/main.bicep', "@description('The password.')\nparam pw object = {\n  a: 'x'\n}\n", secure('/w/main.bicep', 'pw')),
      "@description('The password.')\n@secure()\nparam pw object\n",
    );
    // Already secure: only the default goes; a CRLF file keeps its line ends.
    assert.equal(await after('/w/main.bicep', "@secure()\r\nparam pw string = 'x'\r\n", secure('/w/main.bicep', 'pw')), '@secure()\r\nparam pw string\r\n');
    // @secure() takes strings and objects only.
    assert.equal(await after('/w/main.bicep', 'param n int = 3\n', secure('/w/main.bicep', 'n')), undefined);
    assert.equal(await after('/w/main.bicep', '@secure()\nparam pw string\n', secure('/w/main.bicep', 'pw')), undefined);
  });

  it('makes an ARM parameter securestring or secureObject and removes its default with its comma', async () => {
    assert.equal(
      await after('/w/t.json', ARM('    "pw": {\n      "type": "string",\n      "defaultValue": "x"\n    }'), secure('/w/t.json', 'pw')),
      ARM('    "pw": {\n      "type": "securestring"\n    }'),
    );
    assert.equal(
      await after('/w/t.json', ARM('    "Pw": { "defaultValue": {}, "type": "Object", "metadata": {} }'), secure('/w/t.json', 'pw')),
      ARM('    "Pw": { "type": "secureObject", "metadata": {} }'),
    );
    assert.equal(await after('/w/t.json', ARM('    "n": { "type": "int", "defaultValue": 3 }'), secure('/w/t.json', 'n')), undefined);
  });

  it('adds sensitive = true to a Terraform variable, removes its default and aligns the block as terraform fmt does', async () => {
    assert.equal(
      await after('/w/main.tf', 'variable "pw" {\n  type    = string\n  default = "x"\n}\n', secure('/w/main.tf', 'pw')),
      'variable "pw" {\n  type      = string\n  sensitive = true\n}\n',
    );
    assert.equal(
      await after('/w/main.tf', 'variable "pw" {\n  type      = string\n  sensitive = false\n}\n', secure('/w/main.tf', 'pw')),
      'variable "pw" {\n  type      = string\n  sensitive = true\n}\n',
    );
    assert.equal(await after('/w/main.tf', 'variable "pw" {\n  default = "x"\n}\n', secure('/w/main.tf', 'pw')), 'variable "pw" {\n  sensitive = true\n}\n');
    assert.equal(await after('/w/main.tf', 'variable "pw" {\n  sensitive = true\n}\n', secure('/w/main.tf', 'pw')), undefined);
  });

  it('keeps an empty default when asked (a variable with default = null stays optional)', async () => {
    const keep = (uri: string) => (): FixIntent => ({ kind: 'secure-parameter', uri, name: 'pw', keepDefault: true });
    assert.equal(
      await after('/w/main.tf', 'variable "pw" {\n  type    = string\n  default = null\n}\n', keep('/w/main.tf')),
      'variable "pw" {\n  type      = string\n  default   = null\n  sensitive = true\n}\n',
    );
    assert.equal(await after('/w/main.bicep', "param pw string = ''\n", keep('/w/main.bicep')), "@secure()\nparam pw string = ''\n");
    assert.equal(
      await after('/w/t.json', ARM('    "pw": { "type": "string", "defaultValue": "" }'), keep('/w/t.json')),
      ARM('    "pw": { "type": "securestring", "defaultValue": "" }'),
    );
  });
});

describe('a fix that moves an entry to the protected settings', () => {
  const bicepExt = (settings: string, protectedSettings = '') =>
    `resource ext 'Microsoft.Compute/virtualMachines/extensions@2024-07-01' = {\n  name: 'vm/join'\n  properties: {\n    type: 'JsonADDomainExtension'\n    settings: {\n${settings}\n    }\n${protectedSettings}  }\n}\n`;

  it('creates the Bicep protectedSettings after the settings, or joins an existing one', async () => {
    assert.equal(
      await after('/w/main.bicep', `param pw string\n${bicepExt("      User: 'u'\n      Password: pw")}`, move('Password')),
      `param pw string\n${bicepExt("      User: 'u'", '    protectedSettings: {\n      Password: pw\n    }\n')}`,
    );
    assert.equal(
      await after(
        '/w/main.bicep',
        `param pw string\n${bicepExt('      Password: pw', '    protectedSettings: {\n      Other: 1 // kept\n    }\n')}`,
        move('Password'),
      ),
      `param pw string\n${bicepExt('', '    protectedSettings: {\n      Other: 1 // kept\n      Password: pw\n    }\n').replace('settings: {\n\n', 'settings: {\n')}`,
    );
  });

  it('never moves a literal, but removes a public copy of what the protected settings hold', async () => {
    assert.equal(await after('/w/main.bicep', bicepExt("      User: 'u'\n      Password: 'secret'"), move('Password')), undefined);
    assert.equal(
      await after(
        '/w/main.bicep',
        bicepExt("      User: 'u'\n      Password: 'secret'", "    protectedSettings: {\n      Password: 'secret'\n    }\n"),
        move('Password'),
      ),
      bicepExt("      User: 'u'", "    protectedSettings: {\n      Password: 'secret'\n    }\n"),
    );
  });

  it('moves an ARM entry with the commas of both objects', async () => {
    const arm = (settings: string, extra: string) =>
      `{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": { "pw": { "type": "securestring" } },\n  "resources": [\n    {\n      "type": "Microsoft.Compute/virtualMachines/extensions",\n      "apiVersion": "2024-07-01",\n      "name": "vm/join",\n      "properties": {\n        "type": "JsonADDomainExtension",\n        "settings": {\n${settings}\n        }${extra}\n      }\n    }\n  ]\n}\n`;
    assert.equal(
      await after('/w/t.json', arm('          "User": "u",\n          "Password": "[parameters(\'pw\')]"', ''), move('Password')),
      arm('          "User": "u"', ',\n        "protectedSettings": {\n          "Password": "[parameters(\'pw\')]"\n        }'),
    );
    assert.equal(
      await after(
        '/w/t.json',
        arm('          "Password": "[parameters(\'pw\')]",\n          "User": "u"', ',\n        "protectedSettings": {\n          "Other": 1\n        }'),
        move('Password'),
      ),
      arm('          "User": "u"', ',\n        "protectedSettings": {\n          "Other": 1,\n          "Password": "[parameters(\'pw\')]"\n        }'),
    );
  });

  it('moves a Terraform entry between jsonencode objects and aligns both; a JSON heredoc is left alone', async () => {
    const tf = (settings: string, protectedSettings: string) =>
      `variable "pw" {\n  type      = string\n  sensitive = true\n}\n\nresource "azurerm_virtual_machine_extension" "join" {\n  name                 = "join"\n  virtual_machine_id   = "x"\n  publisher            = "Microsoft.Compute"\n  type                 = "JsonADDomainExtension"\n  type_handler_version = "1.3"\n  settings = jsonencode({\n${settings}\n  })\n${protectedSettings}}\n`;
    const key = (r: string) => r.replace(/#.*$/, '#azurerm_virtual_machine_extension.join');
    assert.equal(
      await after('/w/main.tf', tf('    User     = "u"\n    Password = var.pw', ''), (r) => move('Password')(key(r))),
      tf('    User = "u"', '  protected_settings = jsonencode({\n    Password = var.pw\n  })\n'),
    );
    assert.equal(
      await after('/w/main.tf', tf('    User     = "u"\n    Password = var.pw', '  protected_settings = jsonencode({\n    Items = {}\n  })\n'), (r) =>
        move('Password')(key(r)),
      ),
      tf('    User = "u"', '  protected_settings = jsonencode({\n    Items    = {}\n    Password = var.pw\n  })\n'),
    );
    const heredoc = tf('    User = "u"', '').replace(
      /settings = jsonencode\(\{\n {4}User = "u"\n {2}\}\)/,
      'settings = <<JSON\n    { "User": "u", "Password": "${var.pw}" }\nJSON',
    );
    assert.equal(await after('/w/main.tf', heredoc, (r) => move('Password')(key(r))), undefined);
  });
});
