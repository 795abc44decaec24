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
