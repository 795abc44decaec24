import * as assert from 'node:assert/strict';
import { hoverAt } from '../server/src/engine/hover';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

async function hoverOn(uri: string, text: string, at: string): Promise<string> {
  const ws = new Workspace(await grammars());
  try {
    ws.set(uri, text);
    const h = hoverAt(ws.document(uri)!, ws.graph(), text.indexOf(at) + 2);
    assert.ok(h, `no hover at ${at}`);
    return h.markdown;
  } finally {
    ws.dispose();
  }
}

const VM = `resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {
  name: 'avd-sh-0'
  location: 'westeurope'
  properties: {
    securityProfile: {
      securityType: 'Standard'
      encryptionAtHost: false
    }
    osProfile: {
      windowsConfiguration: {
        enableAutomaticUpdates: false
      }
    }
  }
}
`;

describe('hover: session host hardening and the audit trail', () => {
  it('on securityType: Trusted Launch, and the VM, VSM and kernel boundaries', async () => {
    const md = await hoverOn('/h/main.bicep', VM, "'Standard'");
    assert.match(md, /\*\*Trusted Launch\*\*/);
    assert.match(md, /Virtual Secure Mode/);
    assert.match(md, /session-host-not-trusted-launch/);
  });

  it('on encryptionAtHost and on automatic updates', async () => {
    assert.match(await hoverOn('/h/main.bicep', VM, 'encryptionAtHost'), /\*\*Encryption at host\*\*/);
    assert.match(await hoverOn('/h/main.bicep', VM, 'enableAutomaticUpdates'), /\*\*Patching\*\*/);
  });

  it('on a diagnostic setting: the audit trail', async () => {
    const text = `resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' existing = {\n  name: 'hp'\n}\n\nresource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {\n  name: 'to-law'\n  scope: hp\n  properties: {\n    workspaceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law'\n    logs: [\n      {\n        categoryGroup: 'allLogs'\n        enabled: true\n      }\n    ]\n  }\n}\n`;
    const md = await hoverOn('/h/diag.bicep', text, "'Microsoft.Insights/diagnosticSettings");
    assert.match(md, /the audit trail/);
    assert.match(md, /host-pool-diagnostics-missing/);
  });
});
