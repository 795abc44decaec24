import * as assert from 'node:assert/strict';
import { enforcingAssignment, policiesOf } from '../server/src/engine/facts/policy-assignments';
import { INITIATIVES, POLICIES } from '../server/src/engine/knowledge/policies';
import { RULES } from '../server/src/engine/registry';
import { emptyConfig } from '../server/src/engine/config';
import { LEVELS } from '../server/src/engine/model';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

const STORAGE_PUBLIC = 'b2982f36-99f2-4db5-8eff-283140c09693';
const HOST_POOL_PUBLIC = 'c25dcf31-878f-4eba-98eb-0818fdc6a334';

/** What enforcingAssignment answers for a rule on a workspace of the given files. */
async function answer(files: Record<string, string>, ruleId: string) {
  const ws = new Workspace(await grammars());
  try {
    for (const [uri, text] of Object.entries(files)) ws.set(uri, text);
    const a = enforcingAssignment(ws.graph(), ruleId);
    return (
      a && {
        assignment: a.assignment.source.symbol,
        policy: a.policy.id.split('/').pop(),
        name: a.policy.name,
        effect: a.effect,
        initiative: a.initiative?.name,
      }
    );
  } finally {
    ws.dispose();
  }
}

const arm = (resources: unknown[], parameters: unknown = {}) =>
  JSON.stringify(
    { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', parameters, resources },
    null,
    2,
  );

describe('policy assignments that enforce a rule', () => {
  it('knows each network rule and only built-ins with well-formed GUIDs', () => {
    const network = RULES.map((r) => r.id).filter((id) =>
      [
        'host-pool-public-network',
        'workspace-public-network',
        'private-access-without-endpoint',
        'shortpath-public-udp',
        'inbound-rdp-from-internet',
        'session-host-public-ip',
        'profile-storage-public',
        'session-host-unrestricted-egress',
      ].includes(id),
    );
    assert.equal(network.length, 8);
    assert.ok(policiesOf('profile-storage-public').some((p) => p.guid === STORAGE_PUBLIC));
    assert.ok(policiesOf('session-host-public-ip').some((p) => p.name === 'Network interfaces should not have public IPs'));
    assert.deepEqual(policiesOf('no-such-rule'), []);
    for (const p of POLICIES) assert.match(p.guid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    for (const i of INITIATIVES)
      for (const m of i.members)
        assert.ok(
          POLICIES.some((p) => p.guid === m.guid),
          m.guid,
        );
  });

  it('reads a Bicep assignment by tenantResourceId, with the effect from a parameter default', async () => {
    const bicep = `
param effect string = 'Deny'
resource pa 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: 'deny-public-storage'
  properties: {
    policyDefinitionId: tenantResourceId('Microsoft.Authorization/policyDefinitions', '${STORAGE_PUBLIC}')
    parameters: { effect: { value: effect } }
  }
}
`;
    assert.deepEqual(await answer({ '/t/main.bicep': bicep }, 'profile-storage-public'), {
      assignment: 'pa',
      policy: STORAGE_PUBLIC,
      name: 'Storage accounts should disable public network access',
      effect: 'Deny',
      initiative: undefined,
    });
    assert.equal(await answer({ '/t/main.bicep': bicep }, 'host-pool-public-network'), undefined);
  });

  it('reads an existing definition symbol and takes the policy default effect when none is given', async () => {
    const bicep = `
resource def 'Microsoft.Authorization/policyDefinitions@2023-04-01' existing = {
  name: '${HOST_POOL_PUBLIC}'
  scope: tenant()
}
resource pa 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: 'audit-avd'
  properties: {
    policyDefinitionId: def.id
  }
}
`;
    const a = await answer({ '/t/main.bicep': bicep }, 'host-pool-public-network');
    assert.equal(a?.policy, HOST_POOL_PUBLIC);
    assert.equal(a?.effect, 'Audit');
  });

  it('stays silent on a conditional assignment, an unknown effect, DoNotEnforce and Disabled', async () => {
    const conditional = `
param deployPolicies bool
resource pa 'Microsoft.Authorization/policyAssignments@2024-04-01' = if (deployPolicies) {
  name: 'x'
  properties: {
    policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/${STORAGE_PUBLIC}'
  }
}
`;
    assert.equal(await answer({ '/t/main.bicep': conditional }, 'profile-storage-public'), undefined);
    const assignment = (properties: object) => ({
      type: 'Microsoft.Authorization/policyAssignments',
      apiVersion: '2024-04-01',
      name: 'pa',
      properties: { policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${STORAGE_PUBLIC}`, ...properties },
    });
    const cases: [object, unknown, string | undefined][] = [
      [{ enforcementMode: 'DoNotEnforce' }, {}, undefined],
      [{ parameters: { effect: { value: 'Disabled' } } }, {}, undefined],
      [{ parameters: { effect: { value: "[parameters('effect')]" } } }, { effect: { type: 'string' } }, undefined],
      [
        { parameters: { effect: { value: "[parameters('effect')]" } }, enforcementMode: 'Default' },
        { effect: { type: 'string', defaultValue: 'Deny' } },
        'Deny',
      ],
    ];
    for (const [properties, parameters, effect] of cases) {
      const a = await answer({ '/t/main.json': arm([assignment(properties)], parameters) }, 'profile-storage-public');
      assert.equal(a?.effect, effect, JSON.stringify(properties));
    }
  });

  it('stays silent on an assignment in a module that every caller deploys under a condition, and not otherwise', async () => {
    const policy = STORAGE_PUBLIC;
    // Bicep: the module's `if`, and a module it calls in turn.
    const bicepModule = `
resource pa 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: 'deny-public-storage'
  properties: {
    policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/${policy}'
  }
}
`;
    const bicepMain = (condition: string) => `
param deployPolicies bool
module policies 'policies.bicep' = ${condition}{
  name: 'policies'
}
`;
    const bicep = async (condition: string, files: Record<string, string> = {}) =>
      (await answer({ '/b/main.bicep': bicepMain(condition), '/b/policies.bicep': bicepModule, ...files }, 'profile-storage-public'))?.assignment;
    assert.equal(await bicep(''), 'pa');
    assert.equal(await bicep('if (true) '), 'pa');
    assert.equal(await bicep('if (deployPolicies) '), undefined);
    // A second caller that deploys it unconditionally: it is deployed.
    assert.equal(await bicep('if (deployPolicies) ', { '/b/other.bicep': bicepMain('') }), 'pa');
    // A module the conditional module calls is conditional too.
    const nested = {
      '/c/main.bicep': bicepMain('if (deployPolicies) '),
      '/c/policies.bicep': "module inner 'inner.bicep' = {\n  name: 'inner'\n}\n",
      '/c/inner.bicep': bicepModule,
    };
    assert.equal(await answer(nested, 'profile-storage-public'), undefined);

    // ARM: a nested deployment's condition, as Bicep compiles a module's `if`.
    const assignment = {
      type: 'Microsoft.Authorization/policyAssignments',
      apiVersion: '2024-04-01',
      name: 'pa',
      properties: { policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${policy}` },
    };
    const deployment = (condition?: unknown) => ({
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: 'policies',
      ...(condition === undefined ? {} : { condition }),
      properties: {
        mode: 'Incremental',
        expressionEvaluationOptions: { scope: 'inner' },
        template: JSON.parse(arm([assignment])),
      },
    });
    const params = { deployPolicies: { type: 'bool' } };
    assert.equal((await answer({ '/a/main.json': arm([deployment()], params) }, 'profile-storage-public'))?.policy, policy);
    assert.equal((await answer({ '/a/main.json': arm([deployment(true)], params) }, 'profile-storage-public'))?.policy, policy);
    assert.equal(await answer({ '/a/main.json': arm([deployment("[parameters('deployPolicies')]")], params) }, 'profile-storage-public'), undefined);

    // Terraform: a module with `count`, unless it is known to deploy one.
    const tfModule = `
resource "azurerm_resource_group_policy_assignment" "storage" {
  name                 = "deny-public-storage"
  resource_group_id    = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-avd"
  policy_definition_id = "/providers/Microsoft.Authorization/policyDefinitions/${policy}"
}
`;
    const tfMain = (count: string) => `
variable "deploy_policies" {
  type = bool
}

module "policies" {
  source = "./policies"
${count}
}
`;
    const tf = async (count: string) => (await answer({ '/t/main.tf': tfMain(count), '/t/policies/main.tf': tfModule }, 'profile-storage-public'))?.assignment;
    assert.equal(await tf(''), 'azurerm_resource_group_policy_assignment.storage');
    assert.equal(await tf('  count  = 1'), 'azurerm_resource_group_policy_assignment.storage');
    assert.equal(await tf('  count  = var.deploy_policies ? 1 : 0'), undefined);
  });

  it('follows an ARM assignment to an initiative the template declares', async () => {
    const set = {
      type: 'Microsoft.Authorization/policySetDefinitions',
      apiVersion: '2023-04-01',
      name: 'avd-network',
      properties: {
        displayName: 'AVD network guardrails',
        parameters: { hostPoolEffect: { type: 'String', defaultValue: 'Deny' } },
        policyDefinitions: [
          {
            policyDefinitionId: `[tenantResourceId('Microsoft.Authorization/policyDefinitions', '${HOST_POOL_PUBLIC}')]`,
            parameters: { effect: { value: "[[parameters('hostPoolEffect')]" } },
          },
        ],
      },
    };
    const assignment = {
      type: 'Microsoft.Authorization/policyAssignments',
      apiVersion: '2024-04-01',
      name: 'avd-network',
      properties: { policyDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/policySetDefinitions', 'avd-network')]" },
    };
    const a = await answer({ '/t/main.json': arm([set, assignment]) }, 'host-pool-public-network');
    assert.equal(a?.policy, HOST_POOL_PUBLIC);
    assert.equal(a?.effect, 'Deny');
    assert.equal(a?.initiative, 'AVD network guardrails');
    // The assignment may give the initiative's parameter another value.
    const disabled = { ...assignment, properties: { ...assignment.properties, parameters: { hostPoolEffect: { value: 'Disabled' } } } };
    assert.equal(await answer({ '/t/main.json': arm([set, disabled]) }, 'host-pool-public-network'), undefined);
  });

  it('reads a built-in initiative with the effect its assignment gives a member', async () => {
    const bicep = (parameters: string) => `
targetScope = 'subscription'
resource mcsb 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: 'mcsb'
  properties: {
    policyDefinitionId: '/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8'
    parameters: ${parameters}
  }
}
`;
    const byDefault = await answer({ '/t/main.bicep': bicep('{}') }, 'profile-storage-public');
    assert.equal(byDefault?.initiative, 'Microsoft cloud security benchmark');
    assert.match(byDefault?.effect ?? '', /^Audit/);
    const deny = await answer(
      { '/t/main.bicep': bicep("{ disableUnrestrictedNetworkToStorageAccountMonitoringEffect: { value: 'Deny' } }") },
      'profile-storage-public',
    );
    assert.equal(deny?.policy, '34c877ad-507e-4c82-993e-3452a6e0ad3c');
    assert.equal(deny?.effect, 'Deny');
  });

  it('reads Terraform assignments of a data source found by display name, and of a declared initiative', async () => {
    const tf = (enforce: string) => `
data "azurerm_policy_definition" "storage" {
  display_name = "Storage accounts should disable public network access"
}

resource "azurerm_resource_group_policy_assignment" "storage" {
  name                 = "deny-public-storage"
  resource_group_id    = azurerm_resource_group.avd.id
  policy_definition_id = data.azurerm_policy_definition.storage.id
${enforce}
  parameters = jsonencode({
    effect = { value = "Deny" }
  })
}
`;
    const a = await answer({ '/t/tf/main.tf': tf('') }, 'profile-storage-public');
    assert.deepEqual(a && [a.assignment, a.policy, a.effect], ['azurerm_resource_group_policy_assignment.storage', STORAGE_PUBLIC, 'Deny']);
    assert.equal(await answer({ '/t/tf/main.tf': tf('  enforce              = false') }, 'profile-storage-public'), undefined);

    const set = `
resource "azurerm_policy_set_definition" "avd" {
  name         = "avd-network"
  policy_type  = "Custom"
  display_name = "AVD network guardrails"
  parameters   = <<PARAMS
{ "workspaceEffect": { "type": "String", "defaultValue": "Audit" } }
PARAMS

  policy_definition_reference {
    policy_definition_id = "/providers/Microsoft.Authorization/policyDefinitions/${STORAGE_PUBLIC}"
  }

  policy_definition_reference {
    policy_definition_id = "/providers/Microsoft.Authorization/policyDefinitions/87ac3038-c07a-4b92-860d-29e270a4f3cd"
    parameter_values     = jsonencode({ effect = { value = "[parameters('workspaceEffect')]" } })
  }
}

resource "azurerm_subscription_policy_assignment" "avd" {
  name                 = "avd-network"
  subscription_id      = "/subscriptions/00000000-0000-0000-0000-000000000000"
  policy_definition_id = azurerm_policy_set_definition.avd.id
}
`;
    const ws = await answer({ '/t/tf2/main.tf': set }, 'workspace-public-network');
    assert.deepEqual(ws && [ws.policy, ws.effect, ws.initiative], ['87ac3038-c07a-4b92-860d-29e270a4f3cd', 'Audit', 'AVD network guardrails']);
    const storage = await answer({ '/t/tf2/main.tf': set }, 'profile-storage-public');
    assert.deepEqual(storage && [storage.policy, storage.effect], [STORAGE_PUBLIC, 'Audit']);
  });
});

describe('findings of a control the workspace enforces by Azure Policy', () => {
  it('are one level lower and name the assignment, for every rule with built-ins', async () => {
    const pool = `resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-open'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
    publicNetworkAccess: 'Enabled'
  }
}
`;
    const assignment = `targetScope = 'subscription'

resource noPublicPools 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: 'avd-no-public-pools'
  properties: {
    policyDefinitionId: tenantResourceId('Microsoft.Authorization/policyDefinitions', 'c25dcf31-878f-4eba-98eb-0818fdc6a334')
  }
}
`;
    const level = async (withPolicy: boolean) => {
      const ws = new Workspace(await grammars());
      try {
        ws.set('/p/main.bicep', pool);
        if (withPolicy) ws.set('/p/policy/assign.bicep', assignment);
        const f = ws.findings('/p/main.bicep', emptyConfig()).find((x) => x.ruleId === 'host-pool-public-network');
        assert.ok(f);
        return { level: f.level, notes: f.related.map((r) => r.message).filter((m) => m.startsWith('Policy assignment')) };
      } finally {
        ws.dispose();
      }
    };
    const without = await level(false);
    const withPolicy = await level(true);
    assert.deepEqual(without.notes, []);
    assert.equal(LEVELS.indexOf(withPolicy.level), LEVELS.indexOf(without.level) + 1);
    assert.equal(withPolicy.notes.length, 1);
    assert.match(withPolicy.notes[0], /'avd-no-public-pools' assigns/);
  });
});
