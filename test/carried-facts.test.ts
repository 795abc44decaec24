import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import { diagnosticLinks } from '../server/src/engine/facts/diagnostic-settings';
import { enforcingAssignment } from '../server/src/engine/facts/policy-assignments';
import type { Finding } from '../server/src/engine/model';
import type { Grammars } from '../server/src/engine/parse';
import { Workspace } from '../server/src/engine/workspace';
import { FIXTURES, grammars } from './harness/engine';

/**
 * Facts about the whole deployment are computed once per version of the documents. After an edit that kept the links
 * and wrote in none of the resources a fact reads (typing in a host pool's RDP string), the fact carries its last answer
 * over to the new resources (graph/carried.ts); an edit in a resource it reads makes it read again.
 */

const START = 'audiomode:i:0;';
const WORKSPACE_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law';

/** A host pool whose diagnostic setting leaves out Connection, Management and HostRegistration; `Error` is one it sends. */
const BICEP = `resource hostPool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-carried'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
    customRdpProperty: '${START}'
  }
}

resource poolDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-carried'
  scope: hostPool
  properties: {
    workspaceId: '${WORKSPACE_ID}'
    logs: [
      {
        category: 'Checkpoint'
        enabled: true
      }
      {
        category: 'Error'
        enabled: true
      }
    ]
  }
}
`;

const ARM = JSON.stringify(
  {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      {
        type: 'Microsoft.DesktopVirtualization/hostPools',
        apiVersion: '2024-04-03',
        name: 'hp-carried',
        location: 'westeurope',
        properties: { hostPoolType: 'Pooled', loadBalancerType: 'BreadthFirst', preferredAppGroupType: 'Desktop', customRdpProperty: START },
      },
      {
        type: 'Microsoft.Insights/diagnosticSettings',
        apiVersion: '2021-05-01-preview',
        scope: "[format('Microsoft.DesktopVirtualization/hostPools/{0}', 'hp-carried')]",
        name: 'diag-carried',
        properties: {
          workspaceId: WORKSPACE_ID,
          logs: [
            { category: 'Checkpoint', enabled: true },
            { category: 'Error', enabled: true },
          ],
        },
      },
    ],
  },
  null,
  2,
);

/** A host pool open to public networks, and a Deny assignment of the built-in policy that closes host pools. */
const POLICY = `resource hostPool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-policy'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
    publicNetworkAccess: 'Enabled'
    customRdpProperty: '${START}'
  }
}

resource closePools 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: 'deny-public-host-pools'
  properties: {
    policyDefinitionId: tenantResourceId('Microsoft.Authorization/policyDefinitions', 'c25dcf31-878f-4eba-98eb-0818fdc6a334')
    parameters: { effect: { value: 'Deny' } }
  }
}
`;

/** What a user sees of a finding: rule, level, place, message, related places. */
const seen = (findings: Finding[]) =>
  findings.map((f) => JSON.stringify([f.ruleId, f.level, f.range, f.message, f.related.map((r) => [r.uri, r.range, r.message])])).sort();

let g: Grammars;

describe('facts about the whole deployment carried over an edit that kept the links (graph/carried.ts)', () => {
  const config = emptyConfig();
  before(async () => {
    g = await grammars();
  });

  /** The findings of a fresh workspace that holds only `text`: the judge. */
  function fresh(uri: string, text: string): string[] {
    const ws = new Workspace(g);
    try {
      ws.set(uri, text);
      return seen(ws.findings(uri, config));
    } finally {
      ws.dispose();
    }
  }

  /** Replaces the first `from` by `to` in one edit, as an editor sends it; the new text. */
  function replace(ws: Workspace, uri: string, from: string, to: string, version: number): string {
    const text = ws.text(uri)!;
    const at = text.indexOf(from);
    assert.ok(at >= 0, from);
    ws.set(uri, text.slice(0, at) + to + text.slice(at + from.length), version, [{ start: at, oldEnd: at + from.length, newText: to }]);
    return ws.text(uri)!;
  }

  for (const [language, uri, text] of [
    ['Bicep', '/ws/main.bicep', BICEP],
    ['ARM', '/ws/azuredeploy.json', ARM],
  ]) {
    it(`${language}: typing in the RDP string carries the diagnostic settings over, and every answer equals a fresh read`, () => {
      const ws = new Workspace(g);
      try {
        ws.set(uri, text, 1);
        ws.linksChanged();
        const first = seen(ws.findings(uri, config));
        assert.ok(
          first.some((f) => f.includes('host-pool-diagnostics-missing') && f.includes('Connection, Management, HostRegistration')),
          first.join('\n'),
        );
        const categories = diagnosticLinks(ws.graph())[0].categories;
        const typed = 'redirectclipboard:i:0;';
        const at = ws.text(uri)!.indexOf(START);
        for (let k = 0; k < typed.length; k++) {
          const before = ws.text(uri)!;
          ws.set(uri, before.slice(0, at + k) + typed[k] + before.slice(at + k), k + 2, [{ start: at + k, oldEnd: at + k, newText: typed[k] }]);
          const now = ws.text(uri)!;
          assert.equal(ws.linksChanged(), false);
          const quick = ws.quickFindings(uri, config);
          assert.ok(quick, 'a first answer');
          assert.deepEqual(seen(quick), fresh(uri, now), `first answer after ${k + 1} characters`);
          // The settings were not read again: the first version's answer, moved to the new resources.
          const links = diagnosticLinks(ws.graph());
          assert.equal(links[0].categories, categories, 'carried over');
          assert.equal(links[0].setting, ws.graph().byKey.get(links[0].setting.key), 'the new version of the setting');
          assert.equal(links[0].target, ws.graph().byKey.get(links[0].target!.key), 'the new version of the host pool');
          // Some keystrokes are also checked in full, so the next first answer starts from either.
          if (k % 3 === 0) assert.deepEqual(seen(ws.findings(uri, config)), fresh(uri, now), `full check after ${k + 1} characters`);
        }
        // The clipboard turned off shows in the answers: they are the new text's.
        assert.ok(!seen(ws.findings(uri, config)).some((f) => f.includes('rdp-clipboard-redirection')));
      } finally {
        ws.dispose();
      }
    });

    // A setting is read whole (graph/links.ts FACT_TYPES): an edit in one never keeps the links, and nothing carries over.
    it(`${language}: an edit in the setting itself reads the settings again`, () => {
      const ws = new Workspace(g);
      try {
        ws.set(uri, text, 1);
        ws.linksChanged();
        const before = seen(ws.findings(uri, config));
        const categories = diagnosticLinks(ws.graph())[0].categories;
        // Error becomes Management: the pool's logs now miss Error instead.
        const now = replace(ws, uri, 'Error', 'Management', 2);
        ws.linksChanged();
        const after = seen(ws.findings(uri, config));
        assert.deepEqual(after, fresh(uri, now));
        assert.notDeepEqual(after, before);
        assert.ok(
          after.some((f) => f.includes('sends no Connection, Error, HostRegistration')),
          after.join('\n'),
        );
        assert.notEqual(diagnosticLinks(ws.graph())[0].categories, categories, 'read again');
      } finally {
        ws.dispose();
      }
    });
  }

  it('typing in the RDP string carries the policy assignments over to the new resources', () => {
    const uri = '/ws/policy.bicep';
    const ws = new Workspace(g);
    try {
      ws.set(uri, POLICY, 1);
      ws.linksChanged();
      const first = seen(ws.findings(uri, config));
      assert.ok(
        first.some((f) => f.includes('host-pool-public-network') && f.includes('deny-public-host-pools')),
        first.join('\n'),
      );
      const at = ws.text(uri)!.indexOf(START);
      const typed = 'use multimon:i:1;';
      for (let k = 0; k < typed.length; k++) {
        const before = ws.text(uri)!;
        ws.set(uri, before.slice(0, at + k) + typed[k] + before.slice(at + k), k + 2, [{ start: at + k, oldEnd: at + k, newText: typed[k] }]);
        const now = ws.text(uri)!;
        assert.equal(ws.linksChanged(), false);
        const quick = ws.quickFindings(uri, config);
        assert.ok(quick, 'a first answer');
        assert.deepEqual(seen(quick), fresh(uri, now), `first answer after ${k + 1} characters`);
        const a = enforcingAssignment(ws.graph(), 'host-pool-public-network');
        assert.ok(a);
        assert.equal(a.assignment, ws.graph().byKey.get(a.assignment.key), 'the new version of the assignment');
        if (k % 4 === 0) assert.deepEqual(seen(ws.findings(uri, config)), fresh(uri, now), `full check after ${k + 1} characters`);
      }
    } finally {
      ws.dispose();
    }
  });
  it('typing before a role assignment moves its role to the new text, read when a rule asks (graph/incremental.ts lazyRoles)', () => {
    // The pool's RDP string comes before the session host and the role assignment its finding points at.
    const uri = '/ws/pooled.json';
    const text = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');
    const ws = new Workspace(g);
    try {
      ws.set(uri, text, 1);
      ws.linksChanged();
      const first = seen(ws.findings(uri, config));
      assert.ok(
        first.some((f) => f.includes('pooled-host-local-admin')),
        first.join('\n'),
      );
      const at = text.indexOf(START);
      const typed = 'redirectclipboard:i:0;';
      for (let k = 0; k < typed.length; k++) {
        const before = ws.text(uri)!;
        ws.set(uri, before.slice(0, at + k) + typed[k] + before.slice(at + k), k + 2, [{ start: at + k, oldEnd: at + k, newText: typed[k] }]);
        const now = ws.text(uri)!;
        assert.equal(ws.linksChanged(), false);
        const quick = ws.quickFindings(uri, config);
        assert.ok(quick, 'a first answer');
        assert.deepEqual(seen(quick), fresh(uri, now), `first answer after ${k + 1} characters`);
        // Full checks after some keystrokes only: the next swaps take role assignments whose roles were never read.
        if (k % 4 === 3) assert.deepEqual(seen(ws.findings(uri, config)), fresh(uri, now), `full check after ${k + 1} characters`);
      }
      assert.deepEqual(seen(ws.findings(uri, config)), fresh(uri, ws.text(uri)!));
    } finally {
      ws.dispose();
    }
  });
  it('typing in the RDP string of the pool the global private endpoint is reported on keeps that choice, moved to the new text', () => {
    const pool = (i: number) => `resource hp${i} 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-${i}'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
    publicNetworkAccess: 'Disabled'
    customRdpProperty: '${START}'
  }
}
`;
    const uri = '/ws/private.bicep';
    const ws = new Workspace(g);
    try {
      ws.set(uri, pool(0) + pool(1), 1);
      ws.linksChanged();
      const first = seen(ws.findings(uri, config));
      assert.ok(
        first.some((f) => f.includes('global')),
        first.join('\n'),
      );
      const at = ws.text(uri)!.indexOf(START);
      const typed = 'redirectclipboard:i:0;';
      for (let k = 0; k < typed.length; k++) {
        const before = ws.text(uri)!;
        ws.set(uri, before.slice(0, at + k) + typed[k] + before.slice(at + k), k + 2, [{ start: at + k, oldEnd: at + k, newText: typed[k] }]);
        const now = ws.text(uri)!;
        assert.equal(ws.linksChanged(), false);
        const quick = ws.quickFindings(uri, config);
        assert.ok(quick, 'a first answer');
        assert.deepEqual(seen(quick), fresh(uri, now), `first answer after ${k + 1} characters`);
        if (k % 3 === 2) assert.deepEqual(seen(ws.findings(uri, config)), fresh(uri, now), `full check after ${k + 1} characters`);
      }
    } finally {
      ws.dispose();
    }
  });
  it('typing in a module caller carries the facts over with the module read again for its inputs, whose resources count as changed', () => {
    const main = `resource hostPool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-mod'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
    customRdpProperty: '${START}'
  }
}

module logs 'modules/logs.bicep' = {
  name: 'logs'
  params: {
    poolName: hostPool.name
    category: 'Checkpoint'
  }
}
`;
    const logs = `param poolName string
param category string

resource pool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' existing = {
  name: poolName
}

resource poolDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag'
  scope: pool
  properties: {
    workspaceId: '${WORKSPACE_ID}'
    logs: [
      {
        category: category
        enabled: true
      }
    ]
  }
}
`;
    const files = { '/ws/main.bicep': main, '/ws/modules/logs.bicep': logs };
    const judge = (text: string) => {
      const ws = new Workspace(g);
      try {
        ws.set('/ws/main.bicep', text);
        ws.set('/ws/modules/logs.bicep', logs);
        return seen([...ws.findings('/ws/main.bicep', config), ...ws.findings('/ws/modules/logs.bicep', config)]);
      } finally {
        ws.dispose();
      }
    };
    const ws = new Workspace(g);
    try {
      for (const [uri, text] of Object.entries(files)) ws.set(uri, text, 1);
      ws.linksChanged();
      const first = seen([...ws.findings('/ws/main.bicep', config), ...ws.findings('/ws/modules/logs.bicep', config)]);
      assert.ok(
        first.some((f) => f.includes('host-pool-diagnostics-missing') && f.includes('Connection')),
        first.join('\n'),
      );
      const uri = '/ws/main.bicep';
      const at = main.indexOf(START);
      const typed = 'redirectclipboard:i:0;';
      for (let k = 0; k < typed.length; k++) {
        const before = ws.text(uri)!;
        ws.set(uri, before.slice(0, at + k) + typed[k] + before.slice(at + k), k + 2, [{ start: at + k, oldEnd: at + k, newText: typed[k] }]);
        ws.linksChanged();
        // The module is read again (the values it is passed moved), and the facts carry over all the same.
        assert.ok(ws.graph().carried, 'carried over');
        assert.ok([...ws.graph().carried!.changed.keys()].some((r) => r.source.uri === '/ws/modules/logs.bicep'));
        const now = ws.text(uri)!;
        assert.deepEqual(seen([...ws.findings(uri, config), ...ws.findings('/ws/modules/logs.bicep', config)]), judge(now), `after ${k + 1} characters`);
      }
    } finally {
      ws.dispose();
    }
  });
});
