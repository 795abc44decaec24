import * as assert from 'node:assert/strict';
import { hoverAt } from '../server/src/engine/hover';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

/** A pooled host pool with one session host joined as `join` says, and its desktop application group. */
function bicep(rdp: string, join: 'entra' | 'ad'): string {
  const extension =
    join === 'entra'
      ? `resource aad 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = {\n  parent: vm\n  name: 'AADLoginForWindows'\n  location: 'westeurope'\n  properties: { publisher: 'Microsoft.Azure.ActiveDirectory', type: 'AADLoginForWindows', typeHandlerVersion: '2.0' }\n}\n`
      : `resource ad 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = {\n  parent: vm\n  name: 'JoinDomain'\n  location: 'westeurope'\n  properties: { publisher: 'Microsoft.Compute', type: 'JsonADDomainExtension', typeHandlerVersion: '1.3' }\n}\n`;
  return `resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-auth'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
    customRdpProperty: '${rdp}'
  }
}

resource ag 'Microsoft.DesktopVirtualization/applicationGroups@2024-04-03' = {
  name: 'ag-auth'
  location: 'westeurope'
  properties: {
    applicationGroupType: 'Desktop'
    hostPoolArmPath: hp.id
  }
}

resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {
  name: 'avd-sh-0'
  location: 'westeurope'
  properties: {}
}

${extension}
resource dsc 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = {
  parent: vm
  name: 'Microsoft.PowerShell.DSC'
  location: 'westeurope'
  properties: {
    publisher: 'Microsoft.Powershell'
    type: 'DSC'
    typeHandlerVersion: '2.83'
    settings: { properties: { hostPoolName: hp.name } }
  }
}
`;
}

async function hoverOn(text: string, at: string): Promise<string> {
  const ws = new Workspace(await grammars());
  try {
    ws.set('/w/main.bicep', text);
    const h = hoverAt(ws.document('/w/main.bicep')!, ws.graph(), text.indexOf(at) + 2);
    assert.ok(h, `no hover at ${at}`);
    return h.markdown;
  } finally {
    ws.dispose();
  }
}

describe('hover: the three authentication phases', () => {
  it('on a host pool with single sign-on and Entra joined hosts: SSO, passwordless in session, cloud-only identities', async () => {
    const md = await hoverOn(bicep('enablerdsaadauth:i:1;', 'entra'), "'Microsoft.DesktopVirtualization/hostPools");
    assert.match(md, /\| Service: feed and gateway[^|]*\| No Conditional Access policy here/);
    assert.match(md, /\| Session host: signing in to Windows \| Single sign-on with Microsoft Entra authentication/);
    assert.match(md, /\| In the session: apps and web sites \| Smart cards, passkeys and Windows Hello reach the session/);
    assert.match(md, /\*\*Who can sign in\*\*: Cloud-only and hybrid identities/);
    assert.match(md, /learn\.microsoft\.com\/azure\/virtual-desktop\/authentication/);
  });

  it('on a host pool without SSO, passkeys kept out, AD-joined hosts: passwords, and hybrid identities only', async () => {
    const md = await hoverOn(bicep('redirectwebauthn:i:0;', 'ad'), "'Microsoft.DesktopVirtualization/hostPools");
    assert.match(md, /No single sign-on: users type their Windows credentials/);
    assert.match(md, /Kept out of the session: passkeys and Windows Hello \(`redirectwebauthn:i:0`\)/);
    assert.match(md, /Hybrid identities only/);
  });

  it('on an application group: the phases of the host pool it delivers', async () => {
    const md = await hoverOn(bicep('targetisaadjoined:i:1;', 'entra'), "'Microsoft.DesktopVirtualization/applicationGroups");
    assert.match(md, /\*\*Application group\*\* 'ag-auth'.*host pool 'hp-auth'/);
    assert.match(md, /Legacy Entra password sign-in \(`targetisaadjoined:i:1`\)/);
  });

  it('on a Conditional Access policy: which phases it guards', async () => {
    const ws = new Workspace(await grammars());
    try {
      const tf = `resource "azuread_conditional_access_policy" "avd" {
  display_name = "AVD MFA"
  state        = "enabled"
  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["9cdead84-a844-4324-93f2-b2e6bb768d07"]
    }
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
      ws.set('/w/ca.tf', tf);
      const h = hoverAt(ws.document('/w/ca.tf')!, ws.graph(), tf.indexOf('azuread_conditional_access_policy') + 2);
      assert.ok(h);
      assert.match(h.markdown, /it guards the service phase \(feed and gateway\);/);
      assert.doesNotMatch(h.markdown, /session host phase/);
    } finally {
      ws.dispose();
    }
  });
});

describe('hover: the boundaries of the identity rules', () => {
  it('on a RemoteApp: what it runs and what its command line setting lets the client do', async () => {
    const text = `resource ag 'Microsoft.DesktopVirtualization/applicationGroups@2024-04-03' = {
  name: 'ag-apps'
  location: 'westeurope'
  properties: { applicationGroupType: 'RemoteApp', hostPoolArmPath: '/x' }
}

resource app 'Microsoft.DesktopVirtualization/applicationGroups/applications@2024-04-03' = {
  parent: ag
  name: 'shell'
  properties: {
    filePath: 'C:\\\\Windows\\\\System32\\\\cmd.exe'
    commandLineSetting: 'Allow'
  }
}
`;
    const md = await hoverOn(text, 'commandLineSetting');
    assert.match(md, /\*\*RemoteApp\*\* `C:\\Windows\\System32\\cmd\.exe`.*command line: \*\*Allow\*\*/);
    assert.match(md, /remoteapp-shell-or-command-line/);
  });

  it('on a Custom Script Extension: it runs as SYSTEM, and Administrators members are admins of every session', async () => {
    const text = `resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' existing = {
  name: 'avd-sh-0'
}

resource script 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = {
  parent: vm
  name: 'setup'
  location: 'westeurope'
  properties: {
    publisher: 'Microsoft.Compute'
    type: 'CustomScriptExtension'
    typeHandlerVersion: '1.10'
    settings: { commandToExecute: 'powershell -c "Get-Date"' }
  }
}
`;
    const md = await hoverOn(text, "'Microsoft.Compute/virtualMachines/extensions");
    assert.match(md, /\*\*Custom Script Extension\*\*: runs its script as SYSTEM/);
    assert.match(md, /local-admin-by-script/);
  });
});
