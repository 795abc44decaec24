import * as assert from 'node:assert/strict';
import { Workspace } from '../../server/src/engine/workspace';
import { grammars } from '../harness/engine';

/** A VM with a DSC extension from a repository whose URL says "avd", running `configurationFunction`. */
function vmWithDsc(configurationFunction: string): string {
  return `resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {
  name: 'vm-0'
  location: 'westeurope'
  properties: {}
}

resource dsc 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = {
  parent: vm
  name: 'dsc'
  location: 'westeurope'
  properties: {
    publisher: 'Microsoft.Powershell'
    type: 'DSC'
    typeHandlerVersion: '2.83'
    settings: {
      modulesUrl: 'https://raw.githubusercontent.com/Azure/avdaccelerator/main/workshop/DSC/${configurationFunction.split('\\\\')[0]}.zip'
      configurationFunction: '${configurationFunction}'
    }
  }
}
`;
}

describe('graph: session hosts', () => {
  it("a DSC extension is the AVD agent when its configuration is the agent's, whatever its URL says", async () => {
    const hosts = async (fn: string) => {
      const ws = new Workspace(await grammars());
      try {
        ws.set('/s/main.bicep', vmWithDsc(fn));
        return ws.graph().sessionHosts.filter((h) => h.extensions.length).length;
      } finally {
        ws.dispose();
      }
    };
    // A lab's domain controller: its own configuration, from a repository named for AVD.
    assert.equal(await hosts('CreateADPDC.ps1\\\\CreateADPDC'), 0);
    assert.equal(await hosts('Configuration.ps1\\\\AddSessionHost'), 1);
  });
});
