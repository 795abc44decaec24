import * as assert from 'node:assert/strict';
import { bicepLinkNeutralEdit, plainBicepEdit } from '../../server/src/engine/adapters/bicep/link-neutral';
import { parseBicep } from '../../server/src/engine/adapters/bicep/parser';

const BICEP = `param poolType string = 'Pooled'
var rdp = 'audiomode:i:0;'
resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-pooled'
  location: 'westeurope'
  tags: { owner: 'team-a' }
  properties: {
    hostPoolType: poolType
    loadBalancerType: 'BreadthFirst'
    description: 'shared desktops'
    customRdpProperty: 'drivestoredirect:s:;usbdevicestoredirect:s:;'
    agentUpdate: { type: 'Scheduled', maintenanceWindowTimeZone: 'UTC' }
  }
}
resource pools 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = [for i in range(0, 2): if (i > 0) {
  name: 'hp-\${i}'
  properties: { hostPoolType: 'Pooled', customRdpProperty: 'looped:i:0;' }
}]
resource ext 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = {
  name: 'sh-0/dsc'
  properties: {
    publisher: 'Microsoft.Powershell'
    settings: { properties: { hostPoolName: 'hp-pooled' } }
    typeHandlerVersion: '2.83'
  }
}
module hosts 'hosts.bicep' = {
  name: 'hosts'
  params: { rdp: 'module:i:0;' }
}
output note string = 'an output'
`;

/** Whether typing one character just inside `needle` is neutral. */
const neutralAt = (needle: string, delta = 1) => {
  const at = BICEP.indexOf(needle) + delta;
  assert.ok(at > 0, needle);
  const text = BICEP.slice(0, at) + 'x' + BICEP.slice(at);
  return bicepLinkNeutralEdit(parseBicep(text), at, at + 1);
};

describe('Bicep: which edits leave the links alone (the graph takes the new version without comparing link facts)', () => {
  for (const [name, needle] of [
    ['the RDP string', "'drivestoredirect"],
    ['a description', "'shared desktops"],
    ['a property the graph does not read', "'BreadthFirst"],
    ['a nested object of such a property', "'Scheduled"],
    ['the RDP string of a looped, conditional host pool', "'looped"],
    ['a property of an extension the graph does not read', "'2.83"],
  ] as const) {
    it(`neutral: ${name}`, () => assert.equal(neutralAt(needle), true));
  }

  const linking: [string, string, number?][] = [
    ['a resource name', "'hp-pooled'\n  location"],
    ['a location outside properties', "'westeurope"],
    ['a tag', "'team-a"],
    ['a parameter default', "'Pooled'\nvar"],
    ['a variable', "'audiomode"],
    ['the resource type', "'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp-pooled'"],
    ['an extension publisher', "'Microsoft.Powershell"],
    ['the DSC host pool name', "'hp-pooled' } }"],
    ['a module parameter', "'module:i:0"],
    ['an output', "'an output"],
    ['a property name', 'customRdpProperty', 2],
  ];
  for (const [name, needle, delta] of linking) it(`may link: ${name}`, () => assert.equal(neutralAt(needle, delta), false));

  it('plain edits only: quotes, escapes, interpolation braces and line breaks may change the tokens', () => {
    assert.equal(plainBicepEdit('abc:i:1;', ''), true);
    for (const s of ["'", '\\', '$', '{', '}', '\n', '\r']) {
      assert.equal(plainBicepEdit(s, ''), false, JSON.stringify(s));
      assert.equal(plainBicepEdit('', s), false, JSON.stringify(s));
    }
  });
});
