import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import { diagnosticLinks } from '../server/src/engine/facts/diagnostic-settings';
import { sessionHostConfiguration } from '../server/src/engine/facts/host-pools';
import { endpointLinks } from '../server/src/engine/facts/private-endpoints';
import { enforcingAssignment } from '../server/src/engine/facts/policy-assignments';
import type { Finding } from '../server/src/engine/model';
import type { Grammars } from '../server/src/engine/parse';
import { Workspace } from '../server/src/engine/workspace';
import { bicepHostPool, FIXTURES, grammars } from './harness/engine';

/**
 * Facts about the whole deployment are computed once per version of the documents. After an edit that kept the links
 * and wrote in none of the resources a fact reads (typing in a host pool's RDP string), the fact carries its last answer
 * over to the new resources (graph/carried.ts); an edit in a resource it reads makes it read again.
 */

const START = 'audiomode:i:0;';
const WORKSPACE_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law';

/** A pooled host pool in Bicep, with more lines in its properties (an RDP string typed into at START by default). */
const bicepPool = (symbol: string, name: string, lines: string[] = []) => bicepHostPool(`'${name}'`, `'${START}'`, { symbol, lines });

/** A host pool whose diagnostic setting leaves out Connection, Management and HostRegistration; `Error` is one it sends. */
const BICEP = `${bicepPool('hostPool', 'hp-carried')}
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
const POLICY = `${bicepPool('hostPool', 'hp-policy', ["publicNetworkAccess: 'Enabled'"])}
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

  /** The findings of `uris` in a workspace of `files`. */
  function findingsOf(ws: Workspace, uris: readonly string[]): string[] {
    return seen(uris.flatMap((u) => ws.findings(u, config)));
  }

  /** The findings of `uris` in a fresh workspace of the same texts: the judge. */
  function fresh(files: Record<string, string>, uris: readonly string[]): string[] {
    const ws = new Workspace(g);
    try {
      for (const [uri, text] of Object.entries(files)) ws.set(uri, text);
      return findingsOf(ws, uris);
    } finally {
      ws.dispose();
    }
  }

  const TYPED = 'redirectclipboard:i:0;';

  /**
   * Types TYPED one character at a time at START in `uri`, in a workspace of `files` checked in full first, as the server
   * does: after each keystroke the first answer (unless `firstAnswer` is false), and at every `fullEvery`-th the full
   * check, equal those of a fresh workspace. `found` says what the first check must find; `after` looks at the workspace
   * after each keystroke. The full check at the end is judged too.
   */
  function typing(t: {
    files: Record<string, string>;
    uri: string;
    found: (findings: string[]) => boolean;
    fullEvery: number;
    firstAnswer?: boolean;
    after?: (ws: Workspace) => void;
  }): void {
    const uris = Object.keys(t.files);
    const ws = new Workspace(g);
    try {
      for (const [uri, text] of Object.entries(t.files)) ws.set(uri, text, 1);
      ws.linksChanged();
      const first = findingsOf(ws, uris);
      assert.ok(t.found(first), first.join('\n'));
      const at = ws.text(t.uri)!.indexOf(START);
      const texts = { ...t.files };
      for (let k = 0; k < TYPED.length; k++) {
        const before = ws.text(t.uri)!;
        ws.set(t.uri, before.slice(0, at + k) + TYPED[k] + before.slice(at + k), k + 2, [{ start: at + k, oldEnd: at + k, newText: TYPED[k] }]);
        texts[t.uri] = ws.text(t.uri)!;
        if (t.firstAnswer !== false) {
          assert.equal(ws.linksChanged(), false);
          const quick = ws.quickFindings(t.uri, config);
          assert.ok(quick, 'a first answer');
          assert.deepEqual(seen(quick), fresh(texts, [t.uri]), `first answer after ${k + 1} characters`);
        } else ws.linksChanged();
        t.after?.(ws);
        // Some keystrokes are also checked in full, so the next first answer starts from either.
        if (k % t.fullEvery === t.fullEvery - 1) assert.deepEqual(findingsOf(ws, uris), fresh(texts, uris), `full check after ${k + 1} characters`);
      }
      const last = findingsOf(ws, uris);
      assert.deepEqual(last, fresh(texts, uris));
      // The typed pool's clipboard is off: the answers are the new text's.
      assert.ok(first.some((f) => f.includes('rdp-clipboard-redirection')) && last.length < first.length, last.join('\n'));
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
      let categories: unknown;
      typing({
        files: { [uri]: text },
        uri,
        found: (f) => f.some((x) => x.includes('host-pool-diagnostics-missing') && x.includes('Connection, Management, HostRegistration')),
        fullEvery: 3,
        after: (ws) => {
          // The settings were not read again: the first version's answer, moved to the new resources.
          const links = diagnosticLinks(ws.graph());
          categories ??= links[0].categories;
          assert.equal(links[0].categories, categories, 'carried over');
          assert.equal(links[0].setting, ws.graph().byKey.get(links[0].setting.key), 'the new version of the setting');
          assert.equal(links[0].target, ws.graph().byKey.get(links[0].target!.key), 'the new version of the host pool');
        },
      });
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
        assert.deepEqual(after, fresh({ [uri]: now }, [uri]));
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

  it('lets go of the version before an edit once every document was checked, and the next edit carries from this one', () => {
    const uri = '/ws/main.bicep';
    const ws = new Workspace(g);
    try {
      ws.set(uri, BICEP, 1);
      ws.linksChanged();
      ws.findings(uri, config);
      const categories = diagnosticLinks(ws.graph())[0].categories;
      const type = (version: number) => {
        const text = ws.text(uri)!;
        const at = text.indexOf(START);
        ws.set(uri, text.slice(0, at) + 'x' + text.slice(at), version, [{ start: at, oldEnd: at, newText: 'x' }]);
        ws.linksChanged();
      };
      type(2);
      assert.ok(ws.graph().carried, 'the version before is kept for the facts');
      ws.findings(uri, config);
      // What the server does after a full check.
      ws.forgetCarried();
      assert.equal(ws.graph().carried, undefined);
      type(3);
      assert.ok(ws.graph().carried);
      assert.equal(diagnosticLinks(ws.graph())[0].categories, categories, 'carried from the version checked in full');
    } finally {
      ws.dispose();
    }
  });

  it('typing in the RDP string carries the policy assignments over to the new resources', () => {
    typing({
      files: { '/ws/policy.bicep': POLICY },
      uri: '/ws/policy.bicep',
      found: (f) => f.some((x) => x.includes('host-pool-public-network') && x.includes('deny-public-host-pools')),
      fullEvery: 4,
      after: (ws) => {
        const a = enforcingAssignment(ws.graph(), 'host-pool-public-network');
        assert.ok(a);
        assert.equal(a.assignment, ws.graph().byKey.get(a.assignment.key), 'the new version of the assignment');
      },
    });
  });

  it('typing before a role assignment moves its role to the new text, read when a rule asks (graph/incremental.ts lazyRoles)', () => {
    // The pool's RDP string comes before the session host and the role assignment its finding points at. Full checks
    // after some keystrokes only: the next swaps take role assignments whose roles were never read.
    typing({
      files: { '/ws/pooled.json': fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8') },
      uri: '/ws/pooled.json',
      found: (f) => f.some((x) => x.includes('pooled-host-local-admin')),
      fullEvery: 4,
    });
  });

  it('typing in the RDP string of the pool the global private endpoint is reported on keeps that choice, moved to the new text', () => {
    const pool = (i: number) => bicepPool(`hp${i}`, `hp-${i}`, ["publicNetworkAccess: 'Disabled'"]);
    typing({ files: { '/ws/private.bicep': pool(0) + pool(1) }, uri: '/ws/private.bicep', found: (f) => f.some((x) => x.includes('global')), fullEvery: 3 });
  });

  it("typing in the RDP string carries the pool's session host configuration over; an edit in the configuration reads it again", () => {
    const file = fs
      .readFileSync(path.join(FIXTURES, 'rules', 'session-host-not-trusted-launch', 'bicep-configuration-standard', 'main.bicep'), 'utf8')
      .replace("managementType: 'Automated'", `managementType: 'Automated'\n    customRdpProperty: '${START}'`);
    const uri = '/ws/main.bicep';
    const configuration = (ws: Workspace) => sessionHostConfiguration(ws.graph(), ws.graph().hostPools[0]);
    typing({
      files: { [uri]: file },
      uri,
      found: (f) => f.some((x) => x.includes('session-host-not-trusted-launch')),
      fullEvery: 3,
      after: (ws) => assert.equal(configuration(ws), ws.graph().byKey.get(`${uri}#configuration`), 'the new version of the configuration'),
    });
    const ws = new Workspace(g);
    try {
      ws.set(uri, file, 1);
      ws.linksChanged();
      ws.findings(uri, config);
      const now = replace(ws, uri, "type: 'Standard'", "type: 'TrustedLaunch'", 2);
      assert.equal(ws.linksChanged(), false);
      const after = seen(ws.findings(uri, config));
      assert.deepEqual(after, fresh({ [uri]: now }, [uri]));
      assert.ok(!after.some((x) => x.includes('session-host-not-trusted-launch')), after.join('\n'));
      assert.equal(configuration(ws), ws.graph().byKey.get(`${uri}#configuration`));
    } finally {
      ws.dispose();
    }
  });

  // A link holds values of its endpoint's document (the id it is written with): carried only when no endpoint is in the
  // edited document, whose places the edit moves.
  for (const [where, split] of [
    ['in another file, carried', true],
    ['after the pool in the same file, read again', false],
  ] as const) {
    it(`typing in the RDP string with private endpoints ${where}: each link's endpoint and id are the new text's`, () => {
      const fixture = fs
        .readFileSync(path.join(FIXTURES, 'rules', 'private-access-without-endpoint', 'bicep-wrong-sub-resource', 'main.bicep'), 'utf8')
        .replace("publicNetworkAccess: 'EnabledForSessionHostsOnly'", `publicNetworkAccess: 'EnabledForSessionHostsOnly'\n    customRdpProperty: '${START}'`);
      const at = fixture.indexOf('resource hpClientsPrivateEndpoint');
      // Split: the endpoints go to a template of their own, which names the pool and the workspace by their ids.
      const files: Record<string, string> = split
        ? {
            '/ws/main.bicep': fixture.slice(0, at),
            '/ws/endpoints.bicep': `param location string = resourceGroup().location\nparam subnetId string\n\n${fixture
              .slice(at)
              .replace('clientsPrivatePool.id', "resourceId('Microsoft.DesktopVirtualization/hostPools', 'hp-clients-private')")
              .replace('globalWorkspace.id', "resourceId('Microsoft.DesktopVirtualization/workspaces', 'ws-global')")}`,
          }
        : { '/ws/main.bicep': fixture };
      let groups: unknown;
      const ids = (ws: Workspace) =>
        endpointLinks(ws.graph())
          .map((l) => `${l.endpoint.key} ${l.id?.range.start}-${l.id?.range.end} ${l.target?.key}`)
          .sort();
      typing({
        files,
        uri: '/ws/main.bicep',
        found: (f) => f.some((x) => x.includes('private-access-without-endpoint')),
        fullEvery: 2,
        after: (ws) => {
          const fresh = new Workspace(g);
          try {
            for (const u of ws.uris()) fresh.set(u, ws.text(u)!);
            assert.deepEqual(ids(ws), ids(fresh));
            const links = endpointLinks(ws.graph());
            assert.ok(links.length >= 2 && links.every((l) => l.target && ws.graph().byKey.get(l.endpoint.key) === l.endpoint));
            // Carried links keep what they held (the list of sub-resources); links read again are made anew.
            if (groups !== undefined) {
              if (split) assert.equal(links[0].groups, groups, 'carried over');
              else assert.notEqual(links[0].groups, groups, 'read again');
            }
            groups = links[0].groups;
          } finally {
            fresh.dispose();
          }
        },
      });
    });
  }

  it('typing in a module caller carries the facts over with the module read again for its inputs, whose resources count as changed', () => {
    const main = `${bicepPool('hostPool', 'hp-mod')}
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
    typing({
      files: { '/ws/main.bicep': main, '/ws/modules/logs.bicep': logs },
      uri: '/ws/main.bicep',
      found: (f) => f.some((x) => x.includes('host-pool-diagnostics-missing') && x.includes('Connection')),
      fullEvery: 1,
      // The module's findings are the full check's to give.
      firstAnswer: false,
      after: (ws) => {
        // The module is read again (the values it is passed moved), and the facts carry over all the same.
        assert.ok(ws.graph().carried, 'carried over');
        assert.ok([...(ws.graph().carried!.changed?.keys() ?? [])].some((r) => r.source.uri === '/ws/modules/logs.bicep'));
      },
    });
  });
});
