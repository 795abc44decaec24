import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import { applyTextEdits, renderFix } from '../server/src/engine/fix';
import type { FixIntent } from '../server/src/engine/model';
import { get, knownString } from '../server/src/engine/values';
import { Workspace } from '../server/src/engine/workspace';
import { FIXTURES, grammars } from './harness/engine';

/** The text of `uri` after the intent's edits, or undefined when the fix cannot be written. */
async function after(uri: string, text: string, intent: (key: string) => FixIntent): Promise<string | undefined> {
  const ws = new Workspace(await grammars());
  try {
    ws.set(uri, text);
    const r = ws.document(uri)!.resources[0];
    const set = renderFix(intent(r.key), ws.fixContext());
    return set ? applyTextEdits(text, set.edits) : undefined;
  } finally {
    ws.dispose();
  }
}

const POLICY = (apps: string, extra = '') => `resource "azuread_conditional_access_policy" "p" {
  display_name = "AVD"
  state        = "enabled"
  conditions {
    client_app_types = ["browser"]
    applications {
      included_applications = ${apps}
${extra}    }
    users {
      included_users = ["All"]
    }
  }
  grant_controls {
    operator          = "OR"
    built_in_controls = ["mfa"]
  }
}
`;
const APPS = ['conditions', 'applications', 'includeApplications'];

describe('fixes that edit lists and remove resources', () => {
  it('adds an item on the line of a one-line list, and on a line of its own in a list of one item per line', async () => {
    assert.equal(await after('/w/p.tf', POLICY('["a"]'), (resource) => ({ kind: 'add-list-item', resource, path: APPS, value: 'b' })), POLICY('["a", "b"]'));
    assert.equal(
      await after('/w/p.tf', POLICY('[\n        "a", # first\n      ]'), (resource) => ({ kind: 'add-list-item', resource, path: APPS, value: 'b' })),
      POLICY('[\n        "a", # first\n        "b",\n      ]'),
    );
  });

  it('replaces and removes an item with its separator, and writes a whole list in the quotes it has', async () => {
    assert.equal(
      await after('/w/p.tf', POLICY('["a", "b"]'), (resource) => ({ kind: 'replace-list-item', resource, path: APPS, from: 'A', to: 'c' })),
      POLICY('["c", "b"]'),
    );
    assert.equal(await after('/w/p.tf', POLICY('["a", "b"]'), (resource) => ({ kind: 'remove-list-item', resource, path: APPS, value: 'a' })), POLICY('["b"]'));
    assert.equal(await after('/w/p.tf', POLICY('["a", "b"]'), (resource) => ({ kind: 'remove-list-item', resource, path: APPS, value: 'b' })), POLICY('["a"]'));
    assert.equal(
      await after('/w/p.tf', POLICY('[\n        "a",\n        "b",\n      ]'), (resource) => ({ kind: 'remove-list-item', resource, path: APPS, value: 'a' })),
      POLICY('[\n        "b",\n      ]'),
    );
    assert.equal(
      await after('/w/p.tf', POLICY('["a"]'), (resource) => ({
        kind: 'set-list',
        resource,
        path: ['conditions', 'clientAppTypes'],
        values: ['browser', 'all'],
      })),
      POLICY('["a"]').replace('["browser"]', '["browser", "all"]'),
    );
    // A list built from a variable is not a literal to edit.
    assert.equal(await after('/w/p.tf', POLICY('var.apps'), (resource) => ({ kind: 'add-list-item', resource, path: APPS, value: 'b' })), undefined);
  });

  it('removes a whole Terraform block or Bicep resource with its comment and one blank line; never an ARM item', async () => {
    const tf = `resource "azuread_group" "keep" {\n  display_name = "x"\n}\n\n# The device administrators.\nresource "azuread_directory_role_assignment" "admins" {\n  role_id             = "r"\n  principal_object_id = "p"\n}\n\nresource "azuread_group" "other" {\n  display_name = "y"\n}\n`;
    const ws = new Workspace(await grammars());
    try {
      ws.set('/w/main.tf', tf);
      const r = ws.document('/w/main.tf')!.resources.find((x) => x.key.endsWith('admins'))!;
      const set = renderFix({ kind: 'remove-resource', resource: r.key }, ws.fixContext());
      assert.equal(
        applyTextEdits(tf, set!.edits),
        `resource "azuread_group" "keep" {\n  display_name = "x"\n}\n\nresource "azuread_group" "other" {\n  display_name = "y"\n}\n`,
      );
    } finally {
      ws.dispose();
    }
    const bicep = `resource a 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'a'\n}\n`;
    assert.equal(await after('/w/main.bicep', bicep, (resource) => ({ kind: 'remove-resource', resource })), '');
    const arm = JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      resources: [{ type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'a' }],
    });
    assert.equal(await after('/w/azuredeploy.json', arm, (resource) => ({ kind: 'remove-resource', resource })), undefined);
  });
});

describe('a fix that moves the API version', () => {
  const close = (resource: string): FixIntent => ({
    kind: 'several',
    intents: [
      { kind: 'set-api-version', resource, apiVersion: '2024-04-03' },
      { kind: 'set-property', resource, path: ['properties', 'publicNetworkAccess'], value: 'Disabled' },
    ],
  });

  it('rewrites the version of a Bicep type and adds the property it now accepts, in one fix', async () => {
    const bicep = `resource hp 'Microsoft.DesktopVirtualization/hostPools@2022-09-09' = {\n  name: 'hp'\n  location: 'westeurope'\n  properties: {\n    hostPoolType: 'Pooled'\n  }\n}\n`;
    const fixed = await after('/w/main.bicep', bicep, close);
    assert.ok(fixed);
    assert.match(fixed, /'Microsoft\.DesktopVirtualization\/hostPools@2024-04-03'/);
    assert.match(fixed, /publicNetworkAccess: 'Disabled'/);
    assert.doesNotMatch(fixed, /2022-09-09/);
  });

  it('rewrites an ARM apiVersion literal, and leaves a resource with nested versions alone', async () => {
    const arm = (nested: boolean) =>
      JSON.stringify(
        {
          $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
          resources: [
            {
              type: 'Microsoft.DesktopVirtualization/workspaces',
              apiVersion: '2022-09-09',
              name: 'ws',
              location: 'westeurope',
              properties: {},
              ...(nested ? { resources: [{ type: 'privateEndpointConnections', apiVersion: '2022-09-09', name: 'x' }] } : {}),
            },
          ],
        },
        null,
        2,
      );
    const fixed = await after('/w/azuredeploy.json', arm(false), (resource) => ({ kind: 'set-api-version', resource, apiVersion: '2024-04-03' }));
    assert.ok(fixed?.includes('"apiVersion": "2024-04-03"'));
    assert.equal(await after('/w/azuredeploy.json', arm(true), (resource) => ({ kind: 'set-api-version', resource, apiVersion: '2024-04-03' })), undefined);
  });

  it('writes the version in the case the ARM key is written in, and gives up on a version no API has (found by the fuzzer)', async () => {
    const arm = (version: string) =>
      `{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n  "resources": [\n    { "type": "Microsoft.DesktopVirtualization/workspaces", "APIVERSION": "${version}", "name": "ws" }\n  ]\n}\n`;
    const move = (resource: string): FixIntent => ({ kind: 'set-api-version', resource, apiVersion: '2024-04-03' });
    assert.ok((await after('/w/azuredeploy.json', arm('2022-09-09'), move))?.includes('"APIVERSION": "2024-04-03"'));
    // A mutated template once made the version a 100,000-character pattern, which threw instead of offering no fix.
    assert.equal(await after('/w/azuredeploy.json', arm(`2024${'-04'.repeat(40_000)}`), move), undefined);
    const bicep = `resource ws 'Microsoft.DesktopVirtualization/workspaces@2024${'-04'.repeat(40_000)}' = {\n  name: 'ws'\n}\n`;
    assert.equal(await after('/w/main.bicep', bicep, move), undefined);
  });
});

describe('a fix that adds a private endpoint skeleton', () => {
  it('declares the endpoint after the host pool, in Bicep and Terraform, and the result parses', async () => {
    const bicep = `resource hostPool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp'\n  location: 'westeurope'\n  properties: {\n    hostPoolType: 'Pooled'\n    publicNetworkAccess: 'Disabled'\n  }\n}\n`;
    const tf = `resource "azurerm_virtual_desktop_host_pool" "pool" {\n  name                = "hp"\n  location            = "westeurope"\n  resource_group_name = "rg"\n  type                = "Pooled"\n  load_balancer_type  = "BreadthFirst"\n}\n`;
    for (const [uri, text] of [
      ['/w/main.bicep', bicep],
      ['/w/main.tf', tf],
    ] as const) {
      const fixed = await after(uri, text, (resource) => ({ kind: 'add-private-endpoint', resource, groupId: 'connection' }));
      assert.ok(fixed, uri);
      assert.ok(fixed.startsWith(text.trimEnd()), uri);
      assert.match(fixed, /connection/);
      const ws = new Workspace(await grammars());
      try {
        ws.set(uri, fixed);
        const doc = ws.document(uri)!;
        assert.deepEqual(doc.syntaxErrors, [], uri);
        assert.ok(
          doc.resources.some((r) => /privateendpoint/i.test(r.type) || /private_endpoint/.test(r.type)),
          uri,
        );
      } finally {
        ws.dispose();
      }
    }
  });
});

describe('a fix that adds a diagnostic setting skeleton', () => {
  it('declares the setting after the host pool, in Bicep and Terraform, and the result parses; not in ARM', async () => {
    const bicep = `resource hostPool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp'\n  location: 'westeurope'\n  properties: {\n    hostPoolType: 'Pooled'\n  }\n}\n`;
    const tf = `resource "azurerm_virtual_desktop_host_pool" "pool" {\n  name                = "hp"\n  location            = "westeurope"\n  resource_group_name = "rg"\n  type                = "Pooled"\n  load_balancer_type  = "BreadthFirst"\n}\n`;
    for (const [uri, text] of [
      ['/w/main.bicep', bicep],
      ['/w/main.tf', tf],
    ] as const) {
      const fixed = await after(uri, text, (resource) => ({ kind: 'add-diagnostic-setting', resource }));
      assert.ok(fixed, uri);
      assert.ok(fixed.startsWith(text.trimEnd()), uri);
      assert.match(fixed, /allLogs/);
      const ws = new Workspace(await grammars());
      try {
        ws.set(uri, fixed);
        const doc = ws.document(uri)!;
        assert.deepEqual(doc.syntaxErrors, [], uri);
        assert.ok(
          doc.resources.some((r) => /diagnosticsettings/i.test(r.type) || /monitor_diagnostic_setting/.test(r.type)),
          uri,
        );
      } finally {
        ws.dispose();
      }
    }
    const arm = `{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n  "contentVersion": "1.0.0.0",\n  "resources": [\n    {\n      "type": "Microsoft.DesktopVirtualization/hostPools",\n      "apiVersion": "2024-04-03",\n      "name": "hp",\n      "location": "westeurope",\n      "properties": { "hostPoolType": "Pooled" }\n    }\n  ]\n}\n`;
    assert.equal(await after('/w/azuredeploy.json', arm, (resource) => ({ kind: 'add-diagnostic-setting', resource })), undefined);
  });
});

describe('fixes that merge an object and add a session host hardening skeleton', () => {
  const MERGE = (resource: string): FixIntent => ({
    kind: 'merge-properties',
    resource,
    path: ['properties', 'securityProfile'],
    value: { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
  });
  const armVm = (securityProfile: string) =>
    `{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n  "contentVersion": "1.0.0.0",\n  "resources": [\n    {\n      "type": "Microsoft.Compute/virtualMachines",\n      "apiVersion": "2024-07-01",\n      "name": "vm",\n      "properties": {\n        "hardwareProfile": { "vmSize": "Standard_D4s_v5" }${securityProfile}\n      }\n    }\n  ]\n}\n`;

  it('sets what is written, adds what is absent as one edit, and leaves values that hold already (ARM)', async () => {
    const fixed = await after(
      '/w/azuredeploy.json',
      armVm(',\n        "securityProfile": {\n          "securityType": "Standard",\n          "encryptionAtHost": true\n        }'),
      MERGE,
    );
    assert.equal(
      fixed,
      armVm(
        ',\n        "securityProfile": {\n          "securityType": "TrustedLaunch",\n          "encryptionAtHost": true,\n          "uefiSettings": {\n            "secureBootEnabled": true,\n            "vTpmEnabled": true\n          }\n        }',
      ),
    );
    // Nothing to change: no edit, so no fix.
    assert.equal(
      await after(
        '/w/azuredeploy.json',
        armVm(
          ',\n        "securityProfile": {\n          "securityType": "TrustedLaunch",\n          "uefiSettings": { "secureBootEnabled": true, "vTpmEnabled": true }\n        }',
        ),
        MERGE,
      ),
      undefined,
    );
  });

  it('adds several absent properties to one Bicep object, nested objects indented, and none to a value read from a parameter', async () => {
    const bicep = (profile: string) =>
      `param tl bool\n\nresource vm 'Microsoft.Compute/virtualMachines@2024-07-01' = {\n  name: 'vm'\n  properties: {\n    securityProfile: {\n${profile}    }\n  }\n}\n`;
    assert.equal(
      await after('/w/main.bicep', bicep('      encryptionAtHost: true\n'), MERGE),
      bicep(
        "      encryptionAtHost: true\n      securityType: 'TrustedLaunch'\n      uefiSettings: {\n        secureBootEnabled: true\n        vTpmEnabled: true\n      }\n",
      ),
    );
    assert.equal(
      await after('/w/main.bicep', bicep("      securityType: 'TrustedLaunch'\n      uefiSettings: {\n        secureBootEnabled: tl\n      }\n"), MERGE),
      undefined,
    );
  });

  it('declares the Guest Attestation extension after a Bicep or Terraform VM, and the result parses; not in ARM', async () => {
    const bicep = `resource vm 'Microsoft.Compute/virtualMachines@2024-07-01' = {\n  name: 'vm'\n  location: 'westeurope'\n}\n`;
    const tf = `resource "azurerm_windows_virtual_machine" "vm" {\n  name = "vm"\n}\n`;
    for (const [uri, text, type] of [
      ['/w/main.bicep', bicep, /virtualmachines\/extensions/i],
      ['/w/main.tf', tf, /virtualmachines\/extensions/i],
    ] as const) {
      const fixed = await after(uri, text, (resource) => ({ kind: 'add-guest-attestation', resource }));
      assert.ok(fixed !== undefined && fixed.startsWith(text.trimEnd()), uri);
      const ws = new Workspace(await grammars());
      try {
        ws.set(uri, fixed);
        const doc = ws.document(uri)!;
        assert.deepEqual(doc.syntaxErrors, [], uri);
        const ext = doc.resources.find((r) => type.test(r.type));
        assert.equal(knownString(get(ext?.body, 'properties', 'type')), 'GuestAttestation', uri);
        assert.equal(ws.graph().sessionHosts.length, 0, 'the VM has no agent: only the extension is linked');
      } finally {
        ws.dispose();
      }
    }
    assert.equal(await after('/w/azuredeploy.json', armVm(''), (resource) => ({ kind: 'add-guest-attestation', resource })), undefined);
  });

  it('appends the Defender plan to a Bicep file that targets the subscription and to Terraform; not at resource group scope', async () => {
    const sub = `targetScope = 'subscription'\n\nresource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {\n  name: 'rg'\n  location: 'westeurope'\n}\n`;
    const tf = `resource "azurerm_resource_group" "rg" {\n  name     = "rg"\n  location = "westeurope"\n}\n`;
    for (const [uri, text, pattern] of [
      [
        '/w/main.bicep',
        sub,
        /resource defenderForServers 'Microsoft\.Security\/pricings@[\d-]+' = \{\n {2}name: 'VirtualMachines'[^]*pricingTier: 'Standard'\n {4}subPlan: 'P2'/,
      ],
      [
        '/w/main.tf',
        tf,
        /resource "azurerm_security_center_subscription_pricing" "virtual_machines" \{\n {2}tier {10}= "Standard"\n {2}resource_type = "VirtualMachines"\n {2}subplan {7}= "P2"\n\}\n$/,
      ],
    ] as const) {
      const ws = new Workspace(await grammars());
      try {
        ws.set(uri, text);
        const set = renderFix({ kind: 'add-defender-plan', uri }, ws.fixContext());
        const fixed = set && applyTextEdits(text, set.edits);
        assert.ok(fixed !== undefined && fixed.startsWith(`${text}\n`), uri);
        assert.match(fixed, pattern);
        ws.set(uri, fixed);
        assert.deepEqual(ws.document(uri)!.syntaxErrors, [], uri);
      } finally {
        ws.dispose();
      }
    }
    const ws = new Workspace(await grammars());
    try {
      ws.set('/w/rg.bicep', sub.replace("targetScope = 'subscription'\n\n", ''));
      assert.equal(renderFix({ kind: 'add-defender-plan', uri: '/w/rg.bicep' }, ws.fixContext()), undefined);
      ws.set('/w/azuredeploy.json', armVm(''));
      assert.equal(renderFix({ kind: 'add-defender-plan', uri: '/w/azuredeploy.json' }, ws.fixContext()), undefined);
    } finally {
      ws.dispose();
    }
  });
});

describe('the Shortpath fix (one merge of the transport settings)', () => {
  for (const [dir, file] of [
    ['arm-public-pool', 'azuredeploy.json'],
    ['bicep-public-pool', 'main.bicep'],
  ]) {
    it(`adds publicUDP and relayUDP together to a pool that writes neither (${dir})`, async () => {
      const uri = path.join(FIXTURES, 'rules', 'shortpath-public-udp', dir, file);
      const text = fs.readFileSync(uri, 'utf8');
      const g = await grammars();
      const ws = new Workspace(g);
      const fixedWs = new Workspace(g);
      try {
        ws.set(uri, text);
        const absent = ws
          .findings(uri, emptyConfig())
          .filter((f) => f.ruleId === 'shortpath-public-udp')
          .find((f) => f.level === 'hint');
        assert.ok(absent, 'the fixture has a pool that writes neither setting');
        const fix = absent.fixes.find((f) => /Shortpath/.test(f.title));
        assert.ok(fix, 'the pool that writes neither setting gets the fix');
        const set = renderFix(fix.intent, ws.fixContext());
        assert.ok(set);
        const fixed = applyTextEdits(text, set.edits);
        fixedWs.set(uri, fixed);
        assert.deepEqual(fixedWs.document(uri)!.syntaxErrors, []);
        const left = fixedWs.findings(uri, emptyConfig()).filter((f) => f.ruleId === 'shortpath-public-udp');
        assert.ok(!left.some((f) => f.level === 'hint'), JSON.stringify(left.map((f) => f.message)));
        for (const p of ['publicUDP', 'relayUDP']) assert.equal(fixed.split(p).length - text.split(p).length, 1, `${p} added once`);
      } finally {
        ws.dispose();
        fixedWs.dispose();
      }
    });
  }
});
