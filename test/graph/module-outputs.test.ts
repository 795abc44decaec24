import * as assert from 'node:assert/strict';
import { emptyConfig } from '../../server/src/engine/config';
import { Workspace } from '../../server/src/engine/workspace';
import { grammars } from '../harness/engine';

const POOL = `resource hostPool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-out'
  location: 'westeurope'
  properties: { hostPoolType: 'Pooled', loadBalancerType: 'BreadthFirst', preferredAppGroupType: 'Desktop', customRdpProperty: 'enablerdsaadauth:i:1;' }
}
output id string = hostPool.id
`;

const hostsWith = (tagValue: string) => `param hostPoolResourceId string
resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {
  name: 'vm-out'
  location: 'westeurope'
  tags: { 'cm-resource-parent': ${tagValue} }
  properties: {}
}
output passThrough string = hostPoolResourceId
`;

async function workspace(files: Record<string, string>): Promise<Workspace> {
  const ws = new Workspace(await grammars());
  for (const [uri, text] of Object.entries(files)) ws.set(uri, text);
  return ws;
}

describe('graph: module outputs', () => {
  it('follow an id through outputs and parameters of several modules to the session hosts that carry it', async () => {
    const ws = await workspace({
      '/w/main.bicep': `module pool 'pool.bicep' = { name: 'pool' }
module relay 'relay.bicep' = { name: 'relay', params: { id: pool.outputs.id } }
module hosts 'hosts.bicep' = { name: 'hosts', params: { hostPoolResourceId: relay.outputs.id } }
`,
      '/w/pool.bicep': POOL,
      '/w/relay.bicep': 'param id string\noutput id string = id\n',
      '/w/hosts.bicep': hostsWith('hostPoolResourceId'),
    });
    const report = ws.graphReport();
    assert.deepEqual(
      report.hostPools.map((p) => [p.name, p.sessionHosts.map((h) => [h.name, h.link])]),
      [["'hp-out'", [["'vm-out'", 'the cm-resource-parent tag']]]],
    );
    ws.dispose();
  });

  it('that pass each other values in a circle end without linking, and the workspace is still checked', async () => {
    const ws = await workspace({
      '/w/main.bicep': `module a 'hosts.bicep' = { name: 'a', params: { hostPoolResourceId: b.outputs.passThrough } }
module b 'hosts.bicep' = { name: 'b', params: { hostPoolResourceId: a.outputs.passThrough } }
module pool 'pool.bicep' = { name: 'pool' }
`,
      '/w/pool.bicep': POOL,
      '/w/hosts.bicep': hostsWith('hostPoolResourceId'),
    });
    const report = ws.graphReport();
    assert.deepEqual(report.hostPools[0].sessionHosts, []);
    assert.ok(ws.findings('/w/pool.bicep', emptyConfig()).length > 0);
    ws.dispose();
  });
});

describe('graph: ARM linked templates', () => {
  const root = (file: string) =>
    JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.DesktopVirtualization/hostPools',
          apiVersion: '2024-04-03',
          name: 'hp-linked',
          location: 'westeurope',
          properties: { hostPoolType: 'Pooled', loadBalancerType: 'BreadthFirst', preferredAppGroupType: 'Desktop' },
        },
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'hosts',
          properties: {
            mode: 'Incremental',
            templateLink: { uri: `https://example.blob.core.windows.net/templates/nested/${file}` },
            parameters: { hostPoolName: { value: 'hp-linked' } },
          },
        },
      ],
    });
  const hosts = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { hostPoolName: { type: 'string' } },
    resources: [
      { type: 'Microsoft.Compute/virtualMachines', apiVersion: '2024-03-01', name: 'vm-linked', location: 'westeurope', properties: {} },
      {
        type: 'Microsoft.Compute/virtualMachines/extensions',
        apiVersion: '2024-03-01',
        name: 'vm-linked/dsc',
        location: 'westeurope',
        properties: {
          publisher: 'Microsoft.Powershell',
          type: 'DSC',
          typeHandlerVersion: '2.73',
          settings: { configurationFunction: 'Configuration.ps1\\AddSessionHost', properties: { hostPoolName: "[parameters('hostPoolName')]" } },
        },
      },
    ],
  });
  const linkedHosts = (ws: Workspace) => ws.graphReport().hostPools[0].sessionHosts.map((h) => h.name);

  it('passes the parameters to the template its URL names, whichever file is read first, and follows an edit of the link', async () => {
    for (const order of [
      ['/w/zz-main.json', '/w/nested/hosts.json'],
      ['/w/nested/hosts.json', '/w/zz-main.json'],
    ]) {
      const ws = new Workspace(await grammars());
      const texts: Record<string, string> = { '/w/zz-main.json': root('hosts.json'), '/w/nested/hosts.json': hosts };
      for (const uri of order) ws.set(uri, texts[uri]);
      assert.deepEqual(linkedHosts(ws), ["'vm-linked'"], order.join(', '));
      // The link now names another template: the hosts are no longer this pool's; named again, they are.
      ws.set('/w/zz-main.json', root('other.json'), 2);
      assert.deepEqual(linkedHosts(ws), []);
      ws.set('/w/zz-main.json', root('hosts.json'), 3);
      assert.deepEqual(linkedHosts(ws), ["'vm-linked'"]);
      ws.dispose();
    }
  });
});
