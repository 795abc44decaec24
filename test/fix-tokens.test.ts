import * as assert from 'node:assert/strict';
import { applyTextEdits, renderFix } from '../server/src/engine/fix';
import type { FixIntent } from '../server/src/engine/model';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

/** An obviously fake JWT-shaped token. */
const TOKEN = 'eyJhbGciOiJub25lIn0.eyJmYWtlIjoidG9rZW4ifQ.fake-signature';

/**
 * The text of `uri` after the intent's edits (undefined when the fix cannot be written); `intent` gets the workspace's
 * resources by type and the offset range of the token in the text.
 */
async function after(
  uri: string,
  text: string,
  intent: (ctx: { key(type: string): string; token: { start: number; end: number } }) => FixIntent,
): Promise<string | undefined> {
  const ws = new Workspace(await grammars());
  try {
    ws.set(uri, text);
    const doc = ws.document(uri)!;
    const key = (type: string) => doc.resources.find((r) => r.type.toLowerCase() === type.toLowerCase())!.key;
    const start = text.indexOf(TOKEN);
    const set = renderFix(intent({ key, token: { start, end: start + TOKEN.length } }), ws.fixContext());
    return set ? applyTextEdits(text, set.edits) : undefined;
  } finally {
    ws.dispose();
  }
}

const POOL = 'Microsoft.DesktopVirtualization/hostPools';
const TF_INFO = 'terraform:azurerm_virtual_desktop_host_pool_registration_info';

const bicep = (value: string, version = '2024-04-03') => `param location string = resourceGroup().location

resource hostPool '${POOL}@${version}' = {
  name: 'hp'
  location: location
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
  }
}

resource ext 'Microsoft.Compute/virtualMachines/extensions@2024-07-01' = {
  name: 'vm/dsc'
  location: location
  properties: {
    publisher: 'Microsoft.Powershell'
    type: 'DSC'
    typeHandlerVersion: '2.77'
    protectedSettings: {
      Items: {
        RegistrationInfoToken: ${value}
      }
    }
  }
}
`;

const arm = (name: string, value: string) => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "hostPoolName": { "type": "string" } },
  "resources": [
    {
      "type": "${POOL}",
      "apiVersion": "2024-04-03",
      "name": ${name},
      "location": "westeurope",
      "properties": { "hostPoolType": "Pooled", "loadBalancerType": "BreadthFirst", "preferredAppGroupType": "Desktop" }
    },
    {
      "type": "Microsoft.Compute/virtualMachines/extensions",
      "apiVersion": "2024-07-01",
      "name": "vm/dsc",
      "location": "westeurope",
      "properties": { "publisher": "Microsoft.Powershell", "type": "DSC", "typeHandlerVersion": "2.77", "protectedSettings": { "Items": { "RegistrationInfoToken": ${value} } } }
    }
  ],
  "outputs": {
    "token": { "type": "string", "value": "[parameters('hostPoolName')]" },
    "settings": { "type": "object", "value": {} },
    "count": { "type": "int", "value": 1 }
  }
}
`;

const terraform = (protectedSettings: string) => `resource "azurerm_virtual_desktop_host_pool" "hp" {
  name                = "hp"
  location            = "westeurope"
  resource_group_name = "rg"
  type                = "Pooled"
  load_balancer_type  = "BreadthFirst"
}

resource "azurerm_virtual_desktop_host_pool_registration_info" "reg" {
  hostpool_id     = azurerm_virtual_desktop_host_pool.hp.id
  expiration_date = "2030-01-01T00:00:00Z"
}

resource "azurerm_virtual_machine_extension" "dsc" {
  name                 = "dsc"
  virtual_machine_id   = "x"
  publisher            = "Microsoft.Powershell"
  type                 = "DSC"
  type_handler_version = "2.77"
  protected_settings   = ${protectedSettings}
}
`;

const reference =
  (uri: string, type: string) =>
  (c: { key(type: string): string; token: { start: number; end: number } }): FixIntent => ({
    kind: 'reference-registration-token',
    uri,
    range: c.token,
    resource: c.key(type),
  });

describe('fixes that read a registration token instead of writing it, and make outputs secure', () => {
  it('replaces a Bicep literal with listRegistrationTokens() of the one host pool; never inside a longer string', async () => {
    assert.equal(
      await after('/w/main.bicep', bicep(`'${TOKEN}'`), reference('/w/main.bicep', POOL)),
      bicep('hostPool.listRegistrationTokens().value[0].token'),
    );
    assert.equal(await after('/w/main.bicep', bicep(`'-Token ${TOKEN}'`), reference('/w/main.bicep', POOL)), undefined);
    assert.equal(await after('/w/main.bicep', bicep(`'''${TOKEN}'''`), reference('/w/main.bicep', POOL)), undefined);
  });

  it('writes an ARM listRegistrationTokens() expression with the pool name as the template writes it', async () => {
    const id = (name: string) => `"[listRegistrationTokens(resourceId('Microsoft.DesktopVirtualization/hostPools', ${name}), '2024-04-03').value[0].token]"`;
    assert.equal(
      await after('/w/main.json', arm(`"[parameters('hostPoolName')]"`, `"${TOKEN}"`), reference('/w/main.json', POOL)),
      arm(`"[parameters('hostPoolName')]"`, id("parameters('hostPoolName')")),
    );
    assert.equal(await after('/w/main.json', arm('"hp"', `"${TOKEN}"`), reference('/w/main.json', POOL)), arm('"hp"', id("'hp'")));
  });

  it('writes the Terraform registration info token: the reference for a string of its own, an interpolation inside a heredoc', async () => {
    const info = 'azurerm_virtual_desktop_host_pool_registration_info.reg.token';
    assert.equal(
      await after('/w/main.tf', terraform(`jsonencode({ Items = { RegistrationInfoToken = "${TOKEN}" } })`), reference('/w/main.tf', TF_INFO)),
      terraform(`jsonencode({ Items = { RegistrationInfoToken = ${info} } })`),
    );
    const heredoc = (v: string) => `<<SETTINGS\n  { "Items": { "RegistrationInfoToken": "${v}" } }\nSETTINGS`;
    assert.equal(await after('/w/main.tf', terraform(heredoc(TOKEN)), reference('/w/main.tf', TF_INFO)), terraform(heredoc(`\${${info}}`)));
  });

  it('writes nothing when the text at the range is no longer a token', async () => {
    const text = bicep(`'${TOKEN}'`);
    assert.equal(
      await after(
        '/w/main.bicep',
        text,
        (c) => ({ ...(reference('/w/main.bicep', POOL)(c) as object), range: { start: c.token.start - 1, end: c.token.end } }) as FixIntent,
      ),
      undefined,
    );
  });

  it('makes a Bicep output secure with @secure() above it; not twice, and not an int', async () => {
    const out = (decorators: string, type = 'string') => `param x string\n\n${decorators}output token ${type} = x\n`;
    assert.equal(await after('/w/o.bicep', out(''), () => ({ kind: 'secure-output', uri: '/w/o.bicep', name: 'token' })), out('@secure()\n'));
    assert.equal(await after('/w/o.bicep', out('@secure()\n'), () => ({ kind: 'secure-output', uri: '/w/o.bicep', name: 'token' })), undefined);
    assert.equal(await after('/w/o.bicep', out('', 'int'), () => ({ kind: 'secure-output', uri: '/w/o.bicep', name: 'token' })), undefined);
  });

  it('makes an ARM output securestring or secureObject, never another type', async () => {
    const text = arm('"hp"', '"x"');
    const secure = (name: string) => after('/w/main.json', text, () => ({ kind: 'secure-output', uri: '/w/main.json', name }));
    assert.equal(await secure('token'), text.replace('"token": { "type": "string"', '"token": { "type": "securestring"'));
    assert.equal(await secure('settings'), text.replace('"settings": { "type": "object"', '"settings": { "type": "secureObject"'));
    assert.equal(await secure('count'), undefined);
  });

  it('adds sensitive = true to a Terraform output, or turns false into true; not in a one-line block', async () => {
    const secure = (text: string) => after('/w/out.tf', text, () => ({ kind: 'secure-output', uri: '/w/out.tf', name: 'token' }));
    assert.equal(
      await secure('output "token" {\n  description = "The token."\n  value       = var.x\n}\n'),
      'output "token" {\n  description = "The token."\n  value       = var.x\n  sensitive   = true\n}\n',
    );
    assert.equal(
      await secure('output "token" {\n  value     = var.x\n  sensitive = false\n}\n'),
      'output "token" {\n  value     = var.x\n  sensitive = true\n}\n',
    );
    assert.equal(await secure('output "token" { value = var.x }\n'), undefined);
  });
});
