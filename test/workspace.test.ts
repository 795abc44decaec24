import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import type { Finding } from '../server/src/engine/model';
import { FIXTURES, grammars, ROOT } from './harness/engine';
import { Workspace } from '../server/src/engine/workspace';

const ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');
const EXAMPLE = fs.readFileSync(path.join(ROOT, 'examples', 'arm', 'azuredeploy.json'), 'utf8');

function summary(fs: Finding[]): string[] {
  return fs.map((f) => `${f.ruleId} ${f.level} ${f.range.start}-${f.range.end} ${f.message} | ${f.related.map((r) => `${r.uri}:${r.range.start}`).join(',')}`);
}

describe('workspace: incremental updates give the same findings as a fresh workspace', () => {
  const edits: [string, (t: string) => string][] = [
    ['typing inside the RDP string', (t) => t.replace('audiomode:i:0;', 'audiomode:i:0;redirectclipboard:i:0;')],
    ['adding a line above everything', (t) => '\n\n' + t],
    ['turning SSO on', (t) => t.replace('audiomode:i:0;', 'audiomode:i:0;enablerdsaadauth:i:1;')],
    ['changing the role', (t) => t.replace('1c0163c0-47e6-4577-8991-ea5c82e286e4', 'fb879df8-f326-4884-b1cf-06f3ad86be52')],
    ['making the pool personal', (t) => t.replace('"Pooled"', '"Personal"')],
    ['renaming the host pool', (t) => t.replace(/hp-pooled/g, 'hp-renamed')],
    ['breaking the JSON', (t) => t.slice(0, t.length / 2)],
  ];
  for (const [name, edit] of edits) {
    it(name, async () => {
      const g = await grammars();
      const incremental = new Workspace(g);
      incremental.set('/ws/a.json', ARM);
      incremental.set('/ws/b.json', EXAMPLE);
      incremental.findings('/ws/a.json', emptyConfig());
      incremental.findings('/ws/b.json', emptyConfig());
      incremental.linksChanged();
      const edited = edit(ARM);
      incremental.set('/ws/a.json', edited);
      const fresh = new Workspace(g);
      fresh.set('/ws/a.json', edited);
      fresh.set('/ws/b.json', EXAMPLE);
      for (const uri of ['/ws/a.json', '/ws/b.json']) {
        assert.deepEqual(summary(incremental.findings(uri, emptyConfig())), summary(fresh.findings(uri, emptyConfig())), uri);
      }
    });
  }

  it('says when an edit can change other documents', async () => {
    const ws = new Workspace(await grammars());
    ws.set('/ws/a.json', ARM);
    ws.set('/ws/b.json', EXAMPLE);
    assert.equal(ws.linksChanged(), true);
    ws.set('/ws/a.json', ARM.replace('audiomode:i:0;', 'audiomode:i:1;'));
    assert.equal(ws.linksChanged(), false);
    ws.set('/ws/a.json', ARM.replace('"Pooled"', '"Personal"'));
    assert.equal(ws.linksChanged(), true);
  });

  it('keeps both of two resources declared under one address when one is edited (found by the fuzzer)', async () => {
    const pool = (rdp: string) => `resource "azurerm_virtual_desktop_host_pool" "pooled" {
  name                     = "hp-pooled"
  location                 = "westeurope"
  resource_group_name      = "rg-avd"
  type                     = "Pooled"
  load_balancer_type       = "BreadthFirst"
  custom_rdp_properties    = "${rdp}"
}
`;
    const text = pool('redirectprinters:i:1;') + '\n' + pool('audiomode:i:0;');
    const g = await grammars();
    const ws = new Workspace(g);
    ws.set('/ws/main.tf', text, 1);
    ws.findings('/ws/main.tf', emptyConfig());
    ws.linksChanged();
    const at = text.lastIndexOf('audiomode');
    const next = text.slice(0, at) + 'x' + text.slice(at);
    ws.set('/ws/main.tf', next, 2, [{ start: at, oldEnd: at, newText: 'x' }]);
    ws.linksChanged();
    const fresh = new Workspace(g);
    fresh.set('/ws/main.tf', next, 2);
    const found = summary(ws.findings('/ws/main.tf', emptyConfig()));
    assert.deepEqual(found, summary(fresh.findings('/ws/main.tf', emptyConfig())));
    const first = text.indexOf('redirectprinters:i:1');
    assert.ok(
      ws.findings('/ws/main.tf', emptyConfig()).some((f) => f.ruleId === 'rdp-device-redirection' && f.range.start === first),
      'the first declaration is still checked',
    );
  });

  it('a value that reads itself through objects (lazy properties) stays unknown, in Bicep and ARM', async () => {
    const ws = new Workspace(await grammars());
    ws.set(
      '/ws/bicep/main.bicep',
      `var a = { x: b.y }\nvar b = { y: a.x }\nresource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp'\n  properties: { hostPoolType: 'Pooled', customRdpProperty: a.x }\n}\n`,
    );
    const arm = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      variables: { a: { x: "[variables('b').y]" }, b: { y: "[variables('a').x]" } },
      resources: [
        {
          type: 'Microsoft.DesktopVirtualization/hostPools',
          apiVersion: '2024-04-03',
          name: 'hp',
          properties: { hostPoolType: 'Pooled', customRdpProperty: "[variables('a').x]" },
        },
      ],
    };
    ws.set('/ws/arm/a.json', JSON.stringify(arm, null, 2));
    for (const uri of ['/ws/bicep/main.bicep', '/ws/arm/a.json']) {
      const doc = ws.document(uri)!;
      const pool = doc.resources.find((r) => r.type === 'Microsoft.DesktopVirtualization/hostPools')!;
      const rdp = (pool.body.entries.find((e) => e.key === 'properties')!.value as { entries: { key: string; value: { kind: string } }[] }).entries.find(
        (e) => e.key === 'customRdpProperty',
      )!;
      assert.equal(rdp.value.kind, 'unknown', uri);
      assert.deepEqual(doc.syntaxErrors, [], uri);
      // Unknown stays silent: no RDP rule reports on it.
      assert.deepEqual(
        ws
          .findings(uri, emptyConfig())
          .map((f) => f.ruleId)
          .sort(),
        ['host-pool-diagnostics-missing', 'host-pool-public-network', 'mfa-conditional-access-missing'],
        uri,
      );
    }
  });
});

describe('workspace: facts another file is judged by', () => {
  it('turning single sign-on on in a pool republishes a Conditional Access policy of another file, which must then cover it', async () => {
    const dir = path.join(FIXTURES, 'rules', 'conditional-access-misses-sso-apps', 'tf-azuread-avd-only');
    const policy = fs
      .readFileSync(path.join(dir, 'conditional_access.tf'), 'utf8')
      .split('\n')
      .filter((l) => !/^#\s*\^/.test(l))
      .join('\n');
    const pool = `resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-pooled'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
    customRdpProperty: 'audiomode:i:0;enablerdsaadauth:i:0;'
  }
}
`;
    const ws = new Workspace(await grammars());
    try {
      ws.set('/ws/identity/conditional_access.tf', policy, 1);
      ws.set('/ws/identity/providers.tf', fs.readFileSync(path.join(dir, 'providers.tf'), 'utf8'), 1);
      ws.set('/ws/pool/main.bicep', pool, 1);
      const sso = () => ws.findings('/ws/identity/conditional_access.tf', emptyConfig()).filter((f) => f.ruleId === 'conditional-access-misses-sso-apps');
      assert.deepEqual(sso(), []);
      ws.linksChanged();
      // Typing inside the RDP string: an edit the graph takes in place.
      const at = pool.indexOf('enablerdsaadauth:i:0') + 'enablerdsaadauth:i:'.length;
      ws.set('/ws/pool/main.bicep', pool.slice(0, at) + '1' + pool.slice(at + 1), 2, [{ start: at, oldEnd: at + 1, newText: '1' }]);
      // The editor's first answer leaves single sign-on to the full check, which compares it.
      assert.equal(ws.linksChanged({ singleSignOn: false }), false);
      assert.equal(ws.linksChanged(), true, 'the policy file is published again');
      assert.equal(sso().length, 1);
      // Another edit of the string that leaves single sign-on as it is changes nothing elsewhere.
      const next = ws.text('/ws/pool/main.bicep')!;
      const audio = next.indexOf('audiomode:i:0') + 'audiomode:i:'.length;
      ws.set('/ws/pool/main.bicep', next.slice(0, audio) + '1' + next.slice(audio + 1), 3, [{ start: audio, oldEnd: audio + 1, newText: '1' }]);
      assert.equal(ws.linksChanged(), false);
    } finally {
      ws.dispose();
    }
  });
});

describe('workspace: the network path spans files', () => {
  it('an edit of an NSG rule in one module republishes the others, and the finding follows it', async () => {
    const dir = path.join(FIXTURES, 'rules', 'inbound-rdp-from-internet', 'bicep-three-modules');
    const ws = new Workspace(await grammars());
    try {
      const clean = (f: string) =>
        fs
          .readFileSync(f, 'utf8')
          .split('\n')
          .filter((l) => !/^\s*\/\/\s*\^/.test(l))
          .join('\n');
      for (const f of ['main.bicep', 'modules/hosts.bicep', 'modules/network.bicep', 'modules/nsg.bicep']) ws.set(`/n/${f}`, clean(path.join(dir, f)), 1);
      const rdp = () =>
        ws
          .uris()
          .flatMap((u) => ws.findings(u, emptyConfig()))
          .filter((f) => f.ruleId === 'inbound-rdp-from-internet');
      assert.equal(rdp().length, 1);
      ws.linksChanged();
      const nsg = ws.text('/n/modules/nsg.bicep')!;
      const at = nsg.indexOf("'Internet'") + 1;
      const next = nsg.slice(0, at) + 'Corp' + nsg.slice(at + 'Internet'.length);
      ws.set('/n/modules/nsg.bicep', next, 2, [{ start: at, oldEnd: at + 'Internet'.length, newText: 'Corp' }]);
      assert.equal(ws.linksChanged(), true);
      assert.equal(rdp().length, 0);
    } finally {
      ws.dispose();
    }
  });
});
