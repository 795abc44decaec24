import * as assert from 'node:assert/strict';
import type { GraphJson } from '../../server/src/cli/graph';
import { avdsec, examplesTree, tempTree } from './run';

const json = async (args: string[], cwd: string): Promise<GraphJson> => {
  const r = await avdsec(['graph', ...args, '--format', 'json'], cwd);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as GraphJson;
};

describe('CLI graph', () => {
  it('shows each example host pool with its session hosts, application group and the grant that covers the hosts, and how each is linked', async () => {
    const g = await json(['examples'], examplesTree());
    assert.deepEqual(
      g.hostPools.map((hp) => [hp.file, hp.name, hp.type]),
      [
        ['examples/arm/azuredeploy.json', "'hp-finance-pooled'", 'Pooled'],
        ['examples/bicep/main.bicep', "'hp-finance-pooled'", 'Pooled'],
        ['examples/terraform/main.tf', "'hp-finance-pooled'", 'Pooled'],
      ],
    );
    for (const hp of g.hostPools) {
      assert.equal(hp.sessionHosts.length, 1, hp.file);
      assert.match(hp.sessionHosts[0].link, /AVD agent \(DSC\) settings|registration token given to an extension/);
      assert.equal(hp.sessionHosts[0].file.split('/')[1], hp.file.split('/')[1], 'the host is in the same language folder');
      assert.deepEqual(
        hp.appGroups.map((a) => a.name),
        ["'hp-finance-pooled-dag'"],
      );
      const admin = hp.roleAssignments.filter((r) => r.role === 'Virtual Machine Administrator Login');
      assert.equal(admin.length, 1, JSON.stringify(hp.roleAssignments));
      assert.match(admin[0].link, /^scope covers session host /);
    }
    assert.equal(g.hostPools[2].roleAssignments.find((r) => r.role === 'Virtual Machine Administrator Login')!.scope, "resource group 'rg-avd-finance'");
    assert.ok(g.hostPools[0].range.start.line > 1 && g.hostPools[0].range.start.column > 1);
    assert.deepEqual(g.summary, {
      hostPools: 3,
      hostPoolsWithSessionHosts: 3,
      sessionHosts: 3,
      roleAssignments: g.summary.roleAssignments,
      roleAssignmentsWithKnownScope: g.summary.roleAssignments,
    });
    assert.deepEqual(g.errors, []);
  });

  it('prints the same as text, with the links, and says what links nowhere', async () => {
    const dir = tempTree({
      'main.bicep': `param poolName string
module pool 'pool.bicep' = {
  name: 'pool'
  params: { name: poolName }
}
resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {
  name: 'vm-orphan'
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
    settings: { configurationFunction: 'Configuration.ps1\\\\AddSessionHost', properties: { hostPoolName: 'somewhere-else' } }
  }
}
`,
      'main.bicepparam': "using 'main.bicep'\nparam poolName = 'hp-one'\n",
      'pool.bicep': `param name string
resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: name
  location: 'westeurope'
  properties: { hostPoolType: 'Personal', loadBalancerType: 'Persistent', preferredAppGroupType: 'Desktop' }
}
`,
    });
    const r = await avdsec(['graph'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^host pool 'hp-one' \(Personal\) {2}pool\.bicep:2:13\n {2}session hosts: none\n/);
    assert.match(r.stdout, /\n {2}parameter files and callers:\n {4}main\.bicep {2}\(module 'pool' in main\.bicep\)\n {4}main\.bicepparam {2}\(.+\)\n/);
    assert.match(
      r.stdout,
      /\nsession hosts linked to no host pool:\n {2}'vm-orphan' {2}main\.bicep:6:13 {2}\(no host pool name or registration token that avdsec can follow\)\n/,
    );
    assert.match(r.stdout, /\n1 host pool, 0 with linked session hosts; 1 session host; 0 of 0 role assignments with a known scope\n$/);
    const g = await json([], dir);
    assert.deepEqual(
      g.hostPools[0].parameterFiles.map((p) => p.file),
      ['main.bicep', 'main.bicepparam'],
    );
    assert.equal(g.unlinkedSessionHosts[0].name, "'vm-orphan'");
  });

  it('is a usage error for a path that does not exist', async () => {
    const r = await avdsec(['graph', 'nowhere'], tempTree({}));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no such file or folder: nowhere/);
  });
});

describe('a parameter passed as null', () => {
  it('names no host pool "null": the pool is named by its parameter, in findings and in the graph', async () => {
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { hostPoolName: { type: 'string' } },
      resources: [
        {
          type: 'Microsoft.DesktopVirtualization/hostPools',
          apiVersion: '2024-04-03',
          name: "[parameters('hostPoolName')]",
          location: 'westeurope',
          properties: {
            hostPoolType: 'Pooled',
            loadBalancerType: 'BreadthFirst',
            preferredAppGroupType: 'Desktop',
            customRdpProperty: 'enablerdsaadauth:i:0;',
          },
        },
      ],
    };
    const parameters = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
      contentVersion: '1.0.0.0',
      parameters: { hostPoolName: { value: null } },
    };
    const dir = tempTree({ 'azuredeploy.json': JSON.stringify(template, null, 2), 'azuredeploy.parameters.json': JSON.stringify(parameters, null, 2) });
    const scan = await avdsec(['scan', '--format', 'json', '--fail-on', 'never'], dir);
    const messages = (JSON.parse(scan.stdout) as { findings: { ruleId: string; message: string }[] }).findings.map((f) => f.message);
    assert.ok(
      messages.some((m) => m.startsWith('Host pool (named by parameter hostPoolName) ')),
      messages.join('\n'),
    );
    assert.ok(!messages.some((m) => /\bnull\b/.test(m)), messages.join('\n'));
    assert.equal((await json([], dir)).hostPools[0].name, '(named by parameter hostPoolName)');
  });
});
