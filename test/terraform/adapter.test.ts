import * as assert from 'node:assert/strict';
import type { Document, Resource, Value } from '../../server/src/engine/model';
import { applyTextEdits, renderFix } from '../../server/src/engine/fix';
import { get, knownString } from '../../server/src/engine/values';
import { type TextChange, Workspace } from '../../server/src/engine/workspace';
import { grammars } from '../harness/engine';

async function workspace(files: Record<string, string>): Promise<Workspace> {
  const ws = new Workspace(await grammars());
  for (const [uri, text] of Object.entries(files)) ws.set(uri, text);
  return ws;
}

function resource(doc: Document, address: string): Resource {
  const r = doc.resources.find((x) => x.source.symbol === address);
  assert.ok(r, `no resource ${address} in ${doc.resources.map((x) => x.source.symbol).join(', ')}`);
  return r;
}

function text(doc: Document, v: Value | undefined): string {
  assert.ok(v);
  return doc.text.slice(v.range.start, v.range.end);
}

/** A value without ranges, for comparing models of two parses. */
function strip(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (k, x) =>
      k === 'range' || k === 'keyRange' || k === 'origin' || k === 'offsets' || k === 'source' || k === 'headRange' ? undefined : x,
    ),
  );
}

const HOST_POOL = `variable "pool_type" {
  type    = string
  default = "Pooled"
}

locals {
  rdp = join(";", ["audiomode:i:0", "redirectclipboard:i:0"])
}

resource "azurerm_virtual_desktop_host_pool" "hp" {
  name                  = "hp-tf"
  location              = "westeurope"
  resource_group_name   = "rg-avd"
  type                  = var.pool_type
  load_balancer_type    = "BreadthFirst"
  custom_rdp_properties = "\${local.rdp};camerastoredirect:s:*"
}
`;

describe('terraform adapter', () => {
  it('maps azurerm attributes to ARM paths, resolving variables and locals with their source ranges', async () => {
    const ws = await workspace({ '/m/main.tf': HOST_POOL });
    const doc = ws.document('/m/main.tf')!;
    assert.deepEqual(doc.syntaxErrors, []);
    const hp = resource(doc, 'azurerm_virtual_desktop_host_pool.hp');
    assert.equal(hp.type, 'Microsoft.DesktopVirtualization/hostPools');
    assert.equal(text(doc, { range: hp.source.headRange } as Value), '"azurerm_virtual_desktop_host_pool"');
    assert.equal(knownString(get(hp.body, 'properties', 'hostPoolType')), 'Pooled');
    assert.equal(text(doc, get(hp.body, 'properties', 'hostPoolType')), 'var.pool_type');
    const rdp = get(hp.body, 'properties', 'customRdpProperty')!;
    assert.equal(knownString(rdp), 'audiomode:i:0;redirectclipboard:i:0;camerastoredirect:s:*');
    assert.equal(text(doc, rdp), '"${local.rdp};camerastoredirect:s:*"');
    assert.equal(knownString(get(hp.body, 'resourceGroupName')), 'rg-avd');
  });

  it('keeps a variable without default unknown, and a conditional on it a choice', async () => {
    const ws = await workspace({
      '/m/main.tf': `variable "kind" {}
resource "azurerm_virtual_desktop_host_pool" "a" {
  type = var.kind
}
resource "azurerm_virtual_desktop_host_pool" "b" {
  type = var.personal ? "Personal" : "Pooled"
}
`,
    });
    const doc = ws.document('/m/main.tf')!;
    const a = get(resource(doc, 'azurerm_virtual_desktop_host_pool.a').body, 'properties', 'hostPoolType')!;
    assert.equal(a.kind, 'unknown');
    const b = get(resource(doc, 'azurerm_virtual_desktop_host_pool.b').body, 'properties', 'hostPoolType')!;
    assert.equal(b.kind, 'choice');
    assert.deepEqual(b.kind === 'choice' && b.options.map((o) => [knownString(o.value), o.when]), [
      ['Personal', 'when var.personal is true'],
      ['Pooled', 'when var.personal is false'],
    ]);
  });

  it('reads a chain of conditionals as HCL does, each one in the false branch of the one before, unless parentheses say otherwise', async () => {
    const pool = (name: string, type: string) => `resource "azurerm_virtual_desktop_host_pool" "${name}" {\n  type = ${type}\n}\n`;
    const ws = await workspace({
      '/m/main.tf': [
        'locals {\n  yes = true\n  no  = false\n}\n',
        pool('known', 'local.yes ? "Personal" : local.no ? "Pooled" : "Other"'),
        pool('third', 'local.no ? "Personal" : local.no ? "Pooled" : "Other"'),
        pool('grouped', '(local.yes ? local.no : local.yes) ? "Personal" : "Pooled"'),
        pool('unknown', 'var.a ? "Personal" : var.b ? "Pooled" : "Other"'),
      ].join(''),
    });
    const doc = ws.document('/m/main.tf')!;
    const type = (name: string) => get(resource(doc, `azurerm_virtual_desktop_host_pool.${name}`).body, 'properties', 'hostPoolType')!;
    assert.equal(knownString(type('known')), 'Personal');
    assert.equal(knownString(type('third')), 'Other');
    assert.equal(knownString(type('grouped')), 'Pooled');
    const unknown = type('unknown');
    assert.equal(unknown.kind, 'choice');
    const cases = (v: Value): [string | undefined, string][] =>
      v.kind === 'choice'
        ? v.options.flatMap((o) =>
            o.value.kind === 'choice'
              ? cases(o.value).map(([s, w]) => [s, `${o.when}, ${w}`] as [string | undefined, string])
              : [[knownString(o.value), o.when]],
          )
        : [];
    assert.deepEqual(cases(unknown), [
      ['Personal', 'when var.a is true'],
      ['Pooled', 'when var.a is false, when var.b is true'],
      ['Other', 'when var.a is false, when var.b is false'],
    ]);
    assert.equal(text(doc, unknown), 'var.a ? "Personal" : var.b ? "Pooled" : "Other"');
    const rest = unknown.kind === 'choice' ? unknown.options[1].value : undefined;
    assert.equal(text(doc, rest), 'var.b ? "Pooled" : "Other"');
  });

  it('reads variables, locals and terraform.tfvars across the files of a module directory, not from other directories', async () => {
    const ws = await workspace({
      '/m/main.tf': `resource "azurerm_virtual_desktop_host_pool" "hp" {
  type                  = var.pool_type
  custom_rdp_properties = local.rdp
}
`,
      '/m/variables.tf': `variable "pool_type" {
  default = "Personal"
}
`,
      '/m/locals.tf': `locals {
  rdp = format("%s;%s", "audiomode:i:0", lower("ENABLERDSAADAUTH:i:1"))
}
`,
      '/m/terraform.tfvars': `pool_type = "Pooled"
`,
      '/other/main.tf': `locals {
  rdp = "drivestoredirect:s:*"
}
`,
    });
    const hp = resource(ws.document('/m/main.tf')!, 'azurerm_virtual_desktop_host_pool.hp');
    assert.equal(knownString(get(hp.body, 'properties', 'hostPoolType')), 'Pooled');
    const rdp = get(hp.body, 'properties', 'customRdpProperty')!;
    assert.equal(knownString(rdp), 'audiomode:i:0;enablerdsaadauth:i:1');
    assert.equal(rdp.origin?.uri, '/m/locals.tf');
  });

  it('re-reads the other files of a directory when a variable changes', async () => {
    const ws = await workspace({
      '/m/main.tf': `resource "azurerm_virtual_desktop_host_pool" "hp" {
  type = var.pool_type
}
`,
      '/m/variables.tf': `variable "pool_type" {
  default = "Personal"
}
`,
    });
    const type = () => knownString(get(resource(ws.document('/m/main.tf')!, 'azurerm_virtual_desktop_host_pool.hp').body, 'properties', 'hostPoolType'));
    assert.equal(type(), 'Personal');
    ws.set('/m/variables.tf', `variable "pool_type" {\n  default = "Pooled"\n}\n`);
    assert.equal(type(), 'Pooled');
    ws.delete('/m/variables.tf');
    assert.equal(type(), undefined);
  });

  it('links references to resources by address and reads extension settings written as jsonencode or JSON heredocs', async () => {
    const ws = await workspace({
      '/m/main.tf': `resource "azurerm_virtual_machine_extension" "aad" {
  virtual_machine_id = azurerm_windows_virtual_machine.vm[count.index].id
  settings           = jsonencode({ mdmId = "" })
}
resource "azurerm_virtual_machine_extension" "dsc" {
  virtual_machine_id = azurerm_windows_virtual_machine.vm[0].id
  settings = <<-SETTINGS
    {
      "properties": {
        "hostPoolName": "\${azurerm_virtual_desktop_host_pool.hp.name}",
        "aadJoin": \${var.aad}
      }
    }
  SETTINGS
}
`,
    });
    const doc = ws.document('/m/main.tf')!;
    const aad = resource(doc, 'azurerm_virtual_machine_extension.aad');
    const vmId = get(aad.body, 'properties', 'virtualMachineId')!;
    assert.deepEqual(vmId.kind === 'ref' && [vmId.target, vmId.path], ['/m/#azurerm_windows_virtual_machine.vm', ['id']]);
    assert.equal(get(aad.body, 'properties', 'settings', 'mdmId')?.kind, 'string');
    const dsc = resource(doc, 'azurerm_virtual_machine_extension.dsc');
    const pool = get(dsc.body, 'properties', 'settings', 'properties', 'hostPoolName')!;
    // The pool is not declared in this directory: its name stays a reference, never a guess.
    assert.deepEqual(pool.kind === 'ref' && [pool.target, pool.path], ['/m/#azurerm_virtual_desktop_host_pool.hp', ['name']]);
    assert.equal(get(dsc.body, 'properties', 'settings', 'properties', 'aadJoin')?.kind, 'unknown');
  });

  it("reads a registration info's token as its host pool's registrationInfo.token, and the graph links the host by it", async () => {
    const ws = await workspace({
      '/m/pool.tf': `resource "azurerm_virtual_desktop_host_pool" "hp" {
  name                = "hp"
  resource_group_name = "rg"
  type                = "Pooled"
}
resource "azurerm_virtual_desktop_host_pool_registration_info" "reg" {
  hostpool_id     = azurerm_virtual_desktop_host_pool.hp.id
  expiration_date = "2030-01-01T00:00:00Z"
}
resource "azurerm_virtual_desktop_host_pool_registration_info" "by_id" {
  hostpool_id     = var.host_pool_id
  expiration_date = "2030-01-01T00:00:00Z"
}
`,
      '/m/hosts.tf': `resource "azurerm_windows_virtual_machine" "vm" {
  name                = "vm"
  resource_group_name = "rg"
}
resource "azurerm_virtual_machine_extension" "dsc" {
  name               = "dsc"
  virtual_machine_id = azurerm_windows_virtual_machine.vm.id
  publisher          = "Microsoft.Powershell"
  type               = "DSC"
  settings           = jsonencode({ modulesUrl = "https://wvdportalstorageblob.blob.core.windows.net/galleryartifacts/Configuration.zip" })
  protected_settings = jsonencode({
    Items = { RegistrationInfoToken = azurerm_virtual_desktop_host_pool_registration_info.reg.token }
  })
}
resource "azurerm_virtual_machine_extension" "other" {
  name               = "other"
  virtual_machine_id = azurerm_windows_virtual_machine.vm.id
  protected_settings = jsonencode({ token = azurerm_virtual_desktop_host_pool_registration_info.by_id.token })
}
`,
    });
    const hosts = ws.document('/m/hosts.tf')!;
    const token = get(resource(hosts, 'azurerm_virtual_machine_extension.dsc').body, 'properties', 'protectedSettings', 'Items', 'RegistrationInfoToken')!;
    assert.deepEqual(token.kind === 'ref' && [token.target, token.path], [
      '/m/#azurerm_virtual_desktop_host_pool.hp',
      ['properties', 'registrationInfo', 'token'],
    ]);
    assert.equal(text(hosts, token), 'azurerm_virtual_desktop_host_pool_registration_info.reg.token');
    // A pool named by an id: the reference carries the id, as ARM's listRegistrationTokens(resourceId(...)) does.
    const byId = get(resource(hosts, 'azurerm_virtual_machine_extension.other').body, 'properties', 'protectedSettings', 'token')!;
    assert.deepEqual(byId.kind === 'ref' && [byId.target, byId.targetId?.kind, byId.path], [undefined, 'unknown', ['properties', 'registrationInfo', 'token']]);
    const [host] = ws.graph().sessionHosts;
    assert.deepEqual([host.hostPool?.resource.key, host.link], ['/m/#azurerm_virtual_desktop_host_pool.hp', 'registration-token']);
  });

  it('maps azuread_conditional_access_policy to the Microsoft Graph shape', async () => {
    const ws = await workspace({
      '/m/ca.tf': `resource "azuread_conditional_access_policy" "mfa" {
  display_name = "AVD MFA"
  state        = "enabled"
  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["9cdead84-a844-4324-93f2-b2e6bb768d07"]
    }
    users {
      included_groups = ["00000000-0000-0000-0000-000000000001"]
    }
  }
  grant_controls {
    operator                          = "OR"
    built_in_controls                 = ["mfa"]
    authentication_strength_policy_id = "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000002"
  }
}
`,
    });
    const p = resource(ws.document('/m/ca.tf')!, 'azuread_conditional_access_policy.mfa');
    assert.equal(p.type, 'microsoft.graph/conditionalAccessPolicies');
    assert.equal(get(p.body, 'conditions', 'applications', 'includeApplications')?.kind, 'array');
    assert.equal(get(p.body, 'conditions', 'users', 'includeGroups')?.kind, 'array');
    assert.equal(get(p.body, 'conditions', 'clientAppTypes')?.kind, 'array');
    assert.equal(get(p.body, 'grantControls', 'builtInControls')?.kind, 'array');
    assert.equal(get(p.body, 'grantControls', 'authenticationStrength', 'id')?.kind, 'string');
    assert.deepEqual(ws.document('/m/ca.tf')!.facts.providers, []);
  });

  it('keeps ranges exact with CRLF line ends and non-ASCII text', async () => {
    const src = `# Pool für Finanz 😀\r\nresource "azurerm_virtual_desktop_host_pool" "hp" {\r\n  description           = "Zürich 🚀 pool"\r\n  custom_rdp_properties = "audiomode:i:0;"\r\n}\r\n`;
    const ws = await workspace({ '/m/main.tf': src });
    const doc = ws.document('/m/main.tf')!;
    const hp = resource(doc, 'azurerm_virtual_desktop_host_pool.hp');
    assert.equal(text(doc, get(hp.body, 'properties', 'customRdpProperty')), '"audiomode:i:0;"');
    assert.equal(text(doc, get(hp.body, 'properties', 'description')), '"Zürich 🚀 pool"');
  });

  it('decodes escapes with a source map, so fixes edit the right characters', async () => {
    const src = `resource "azurerm_virtual_desktop_host_pool" "hp" {\n  custom_rdp_properties = "x:s:\\"q\\";audiomode:i:0"\n}\n`;
    const ws = await workspace({ '/m/main.tf': src });
    const doc = ws.document('/m/main.tf')!;
    const rdp = get(resource(doc, 'azurerm_virtual_desktop_host_pool.hp').body, 'properties', 'customRdpProperty')!;
    assert.equal(knownString(rdp), 'x:s:"q";audiomode:i:0');
    assert.ok(rdp.kind === 'string' && rdp.parts[0].kind === 'text');
    const part = rdp.kind === 'string' && rdp.parts[0].kind === 'text' ? rdp.parts[0] : undefined;
    const i = 'x:s:"q";'.length;
    assert.equal(src.slice(part!.source!.offsets![i], part!.source!.offsets![i + 'audiomode'.length]), 'audiomode');
  });

  it('keeps the blocks that parse when a file has a syntax error, and reports the error', async () => {
    const ws = await workspace({
      '/m/main.tf': `resource "azurerm_virtual_desktop_host_pool" "ok" {
  type = "Pooled"
}
resource "azurerm_role_assignment" "broken" {
  scope = = "x"
}
resource "azurerm_virtual_desktop_host_pool" "after" {
  type = "Personal"
}
`,
    });
    const doc = ws.document('/m/main.tf')!;
    assert.ok(doc.syntaxErrors.length > 0);
    assert.ok(doc.resources.some((r) => r.source.symbol === 'azurerm_virtual_desktop_host_pool.ok'));
    assert.ok(doc.resources.some((r) => r.source.symbol === 'azurerm_virtual_desktop_host_pool.after'));
  });

  it('never throws on binary or truncated input', async () => {
    const ws = await workspace({ '/m/a.tf': '\u0000\u0001resource "x" {{{ "\u0007', '/m/b.tf': HOST_POOL.slice(0, 200) });
    for (const uri of ['/m/a.tf', '/m/b.tf']) {
      const doc = ws.document(uri)!;
      assert.ok(doc.syntaxErrors.length > 0, uri);
    }
  });

  it('re-parses incrementally to the same model as a fresh parse', async () => {
    const g = await grammars();
    const ws = new Workspace(g);
    let current = HOST_POOL;
    ws.set('/m/main.tf', current, 1);
    ws.document('/m/main.tf');
    const edits: TextChange[] = [
      { start: current.indexOf('audiomode'), oldEnd: current.indexOf('audiomode'), newText: 'enablerdsaadauth:i:1;' },
      { start: 0, oldEnd: 0, newText: '# é 😀\n' },
      { start: 10, oldEnd: 14, newText: '' },
    ];
    let version = 1;
    for (const e of edits) {
      current = current.slice(0, e.start) + e.newText + current.slice(e.oldEnd);
      ws.set('/m/main.tf', current, ++version, [e]);
      const fresh = new Workspace(g);
      fresh.set('/m/main.tf', current, version);
      assert.deepEqual(strip(ws.document('/m/main.tf')!.resources), strip(fresh.document('/m/main.tf')!.resources));
      assert.deepEqual(ws.document('/m/main.tf')!.syntaxErrors, fresh.document('/m/main.tf')!.syntaxErrors);
    }
  });

  it('adds an absent attribute aligned with its neighbours, and suppresses with #', async () => {
    const src = `resource "azurerm_virtual_desktop_host_pool" "hp" {
  name     = "hp"
  type     = "Pooled"

  tags = {}
}
`;
    const ws = await workspace({ '/m/main.tf': src });
    const r = resource(ws.document('/m/main.tf')!, 'azurerm_virtual_desktop_host_pool.hp');
    const set = renderFix({ kind: 'set-rdp-property', resource: r.key, name: 'enablerdsaadauth', value: 'i:1' }, ws.fixContext())!;
    assert.equal(
      applyTextEdits(src, set.edits),
      src
        .replace('  tags = {}', '  tags                  = {}\n  custom_rdp_properties = "enablerdsaadauth:i:1;"')
        .replace('tags                  =', 'tags ='),
    );
    assert.equal(ws.printer('terraform')!.suppressionComment('host-pool-sso-disabled'), '# avdsec-disable-next-line host-pool-sso-disabled');
    assert.equal(ws.printer('terraform')!.escapeStringText('a"b\\c${d}%{e}'), 'a\\"b\\\\c$${d}%%{e}');
  });
});
