import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hoverAt } from '../server/src/engine/hover';
import { Workspace } from '../server/src/engine/workspace';
import { FIXTURES, grammars } from './harness/engine';

const clean = (f: string) =>
  fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*(\/\/|#)\s*\^/.test(l))
    .join('\n');

describe('hover: the network boundary', () => {
  it('on a security group in another module: reverse connect, and the path from the internet to the session host', async () => {
    const dir = path.join(FIXTURES, 'rules', 'inbound-rdp-from-internet', 'bicep-three-modules');
    const ws = new Workspace(await grammars());
    try {
      for (const f of ['main.bicep', 'modules/hosts.bicep', 'modules/network.bicep', 'modules/nsg.bicep']) ws.set(`/n/${f}`, clean(path.join(dir, f)));
      const nsg = ws.text('/n/modules/nsg.bicep')!;
      const h = hoverAt(ws.document('/n/modules/nsg.bicep')!, ws.graph(), nsg.indexOf("'Microsoft.Network/networkSecurityGroups") + 2);
      assert.ok(h);
      assert.match(h.markdown, /reverse connect/);
      assert.match(h.markdown, /`internet` → .*NSG '[^']+' \(on the subnet\) → NIC .* → session host/);
      assert.match(h.markdown, /inbound-rdp-from-internet/);
    } finally {
      ws.dispose();
    }
  });

  it("on a host pool's publicNetworkAccess: what each mode lets through, and the private endpoints it needs", async () => {
    const text = `resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp'\n  location: 'westeurope'\n  properties: {\n    hostPoolType: 'Pooled'\n    publicNetworkAccess: 'EnabledForClientsOnly'\n  }\n}\n`;
    const ws = new Workspace(await grammars());
    try {
      ws.set('/p/main.bicep', text);
      const h = hoverAt(ws.document('/p/main.bicep')!, ws.graph(), text.indexOf("'EnabledForClientsOnly'") + 2);
      assert.ok(h);
      assert.match(h.markdown, /\| `EnabledForClientsOnly` \| public or private \| private endpoint only \|/);
      assert.match(h.markdown, /`connection` private endpoint/);
      assert.match(h.markdown, /Azure Virtual Desktop hostpools should disable public network access/);
    } finally {
      ws.dispose();
    }
  });
});

describe('hover: a session host', () => {
  it('shows the path from the internet to it through its NIC, subnet and security group', async () => {
    const dir = path.join(FIXTURES, 'rules', 'inbound-rdp-from-internet', 'bicep-three-modules');
    const ws = new Workspace(await grammars());
    try {
      for (const f of ['main.bicep', 'modules/hosts.bicep', 'modules/network.bicep', 'modules/nsg.bicep']) ws.set(`/n/${f}`, clean(path.join(dir, f)));
      const hosts = ws.text('/n/modules/hosts.bicep')!;
      const h = hoverAt(ws.document('/n/modules/hosts.bicep')!, ws.graph(), hosts.indexOf("'Microsoft.Compute/virtualMachines@") + 2);
      assert.ok(h);
      assert.match(h.markdown, /\*\*Path from the internet\*\*/);
      assert.match(h.markdown, /`internet` → NSG '[^']+' \(on the subnet\) → subnet '[^']+' → NIC/);
    } finally {
      ws.dispose();
    }
  });
});

describe('hover: a storage account', () => {
  it('says what profile storage needs, and names the Azure Policy built-ins for it', async () => {
    const text = `resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'stprofiles'\n  location: 'westeurope'\n  kind: 'FileStorage'\n  sku: { name: 'Premium_LRS' }\n}\n`;
    const ws = new Workspace(await grammars());
    try {
      ws.set('/s/main.bicep', text);
      const h = hoverAt(ws.document('/s/main.bicep')!, ws.graph(), text.indexOf("'Microsoft.Storage") + 2);
      assert.ok(h);
      assert.match(h.markdown, /FSLogix profiles/);
      assert.match(h.markdown, /Azure Policy built-ins for the same controls: .*Storage accounts should/);
      assert.match(h.markdown, /profile-storage-public/);
    } finally {
      ws.dispose();
    }
  });
});
