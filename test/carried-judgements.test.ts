import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import type { Finding } from '../server/src/engine/model';
import type { Grammars } from '../server/src/engine/parse';
import { RULES } from '../server/src/engine/registry';
import type { Rule } from '../server/src/engine/rule';
import { MAX_COMPARED_LENGTH } from '../server/src/engine/graph/changed-values';
import { Workspace } from '../server/src/engine/workspace';
import { FIXTURES, grammars } from './harness/engine';
import { parseMarkers } from './harness/markers';

/**
 * Rules about the deployment that say what they read (RuleDefinition.reads) keep their findings over an edit that kept
 * the links and wrote in nothing they read (typing in a host pool's load balancer type does not change the network path
 * to the session hosts): the findings of the version before, moved through the edits, fixes included. Every answer
 * equals a fresh workspace's; an edit in what they read judges them again.
 */

const CASE = path.join(FIXTURES, 'rules', 'inbound-rdp-from-internet');
const FILES: [string, string, string][] = [
  ['Bicep', '/carried/main.bicep', path.join(CASE, 'bicep-subnet-nsg', 'main.bicep')],
  ['ARM', '/carried/azuredeploy.json', path.join(CASE, 'arm-subnet-nsg', 'azuredeploy.json')],
];

/** What a user sees of a finding, and what its fixes would do. */
const seen = (findings: Finding[]) =>
  findings
    .map((f) =>
      JSON.stringify([f.ruleId, f.level, f.range, f.message, f.related.map((r) => [r.uri, r.range, r.message]), f.fixes.map((x) => [x.title, x.intent])]),
    )
    .sort();

const TYPED = 'Firsts';

const LIFETIME = path.join(FIXTURES, 'rules', 'registration-token-long-lived');
const TOKEN_FILES: [string, string, string][] = [
  ['Bicep', '/carried/token.bicep', path.join(LIFETIME, 'bicep-expired', 'main.bicep')],
  ['ARM', '/carried/token.json', path.join(LIFETIME, 'arm-expired', 'azuredeploy.json')],
];

let g: Grammars;

describe('judgements of the whole deployment carried over an edit that kept the links', () => {
  const config = emptyConfig();
  before(async () => {
    g = await grammars();
  });

  function fresh(uri: string, text: string): string[] {
    const ws = new Workspace(g);
    try {
      ws.set(uri, text);
      return seen(ws.findings(uri, config));
    } finally {
      ws.dispose();
    }
  }

  /** Counts the checks of `ws`'s graph by the rules that say what they read, while `run` runs (fresh workspaces do not count). */
  function counting(ws: Workspace, run: (calls: () => Map<string, number>) => void): void {
    const checked: [string, unknown][] = [];
    const patched = RULES.filter((r) => r.reads);
    const checks = new Map<Rule, Rule['check']>(patched.map((r) => [r, r.check]));
    for (const r of patched)
      r.check = (subject, ctx) => {
        checked.push([r.id, ctx.graph]);
        checks.get(r)!(subject, ctx);
      };
    try {
      run(() => {
        const calls = new Map<string, number>();
        for (const [id, graph] of checked) if (graph === ws.graph()) calls.set(id, (calls.get(id) ?? 0) + 1);
        return calls;
      });
    } finally {
      for (const [r, check] of checks) r.check = check;
    }
  }

  /** Types `typed` a character at a time after the first `after` in `uri`; each full check is compared with a fresh one. */
  function type(ws: Workspace, uri: string, after: string, typed: string, version: number): void {
    for (let k = 0; k < typed.length; k++) {
      const text = ws.text(uri)!;
      const at = text.indexOf(after) + after.length + k;
      ws.set(uri, text.slice(0, at) + typed[k] + text.slice(at), version + k, [{ start: at, oldEnd: at, newText: typed[k] }]);
      ws.linksChanged();
      assert.deepEqual(seen(ws.findings(uri, config)), fresh(uri, ws.text(uri)!), `after ${k + 1} characters of ${typed}`);
    }
  }

  /** A workspace of the case's file, checked in full once, given to `run` and disposed of after. */
  function checked(uri: string, file: string, run: (ws: Workspace, first: string[]) => void): void {
    const ws = new Workspace(g);
    try {
      ws.set(uri, parseMarkers(fs.readFileSync(file, 'utf8')).text, 1);
      ws.linksChanged();
      run(ws, seen(ws.findings(uri, config)));
    } finally {
      ws.dispose();
    }
  }

  it('has rules that say what they read', () => {
    assert.deepEqual(
      RULES.filter((r) => r.reads)
        .map((r) => r.id)
        .sort(),
      [
        'defender-for-servers-missing',
        'inbound-rdp-from-internet',
        'local-admin-by-script',
        'mfa-conditional-access-missing',
        'registration-token-exposed',
        'registration-token-long-lived',
        'session-host-public-ip',
        'session-host-unrestricted-egress',
      ],
    );
    for (const r of RULES) if (r.reads) assert.equal(r.appliesTo, 'deployment', r.id);
  });

  for (const [language, uri, file] of FILES) {
    it(`${language}: typing in a host pool keeps the network's findings, moved, with their fixes`, () => {
      checked(uri, file, (ws, first) => {
        // The finding lies after the host pool, so the typing moves it, and its fix holds a place of the text.
        assert.ok(
          first.find((f) => f.includes('inbound-rdp-from-internet')),
          first.join('\n'),
        );
        counting(ws, (calls) => {
          type(ws, uri, 'Breadth', TYPED, 2);
          assert.equal(calls().get('inbound-rdp-from-internet') ?? 0, 0, 'not judged again');
          assert.equal(calls().get('mfa-conditional-access-missing') ?? 0, 0, 'not judged again');
        });
        const last = seen(ws.findings(uri, config));
        assert.notDeepEqual(last, first, 'the places moved');
        assert.deepEqual(last, fresh(uri, ws.text(uri)!));
      });
    });

    it(`${language}: a burst of keystrokes checked once at its end carries the findings over all of it`, () => {
      checked(uri, file, (ws) =>
        counting(ws, (calls) => {
          for (let k = 0; k < TYPED.length; k++) {
            const now = ws.text(uri)!;
            const at = now.indexOf('Breadth') + 'Breadth'.length + k;
            ws.set(uri, now.slice(0, at) + TYPED[k] + now.slice(at), k + 2, [{ start: at, oldEnd: at, newText: TYPED[k] }]);
            // The editor's first answer after each keystroke; the full check only at the end.
            assert.equal(ws.linksChanged(), false);
            ws.quickFindings(uri, config);
          }
          assert.deepEqual(seen(ws.findings(uri, config)), fresh(uri, ws.text(uri)!));
          assert.equal(calls().get('inbound-rdp-from-internet') ?? 0, 0, 'not judged again');
        }),
      );
    });

    it(`${language}: typing in what a rule reads (the NSG's rule) judges it again`, () => {
      checked(uri, file, (ws) =>
        counting(ws, (calls) => {
          // The rule's name, in its NSG: a neutral edit of a resource the network rules read.
          type(ws, uri, 'allow-rdp-', 'x', 2);
          assert.equal(calls().get('inbound-rdp-from-internet'), 1, 'judged again');
          // The message names the rule: the new name.
          assert.ok(
            ws.findings(uri, config).some((f) => f.ruleId === 'inbound-rdp-from-internet' && f.message.includes("'allow-rdp-xinternet'")),
            'the new name',
          );
        }),
      );
    });
  }

  for (const [language, uri, file] of TOKEN_FILES) {
    it(`${language}: the token rules read a host pool's registration info, not its other properties`, () => {
      checked(uri, file, (ws, first) => {
        assert.ok(
          first.some((f) => f.includes('registration-token-long-lived') && f.includes('2022-01-01')),
          first.join('\n'),
        );
        counting(ws, (calls) => {
          // The load balancer type: neither token rule is judged again, and the finding after it moves.
          type(ws, uri, 'Breadth', TYPED, 2);
          assert.equal(calls().get('registration-token-exposed') ?? 0, 0, 'not judged again');
          assert.equal(calls().get('registration-token-long-lived') ?? 0, 0, 'not judged again');
          // The expiration's year, in the registration info: judged again, and the message says the new date.
          const text = ws.text(uri)!;
          const at = text.indexOf('2022-01-01') + 3;
          ws.set(uri, text.slice(0, at) + '3' + text.slice(at + 1), 20, [{ start: at, oldEnd: at + 1, newText: '3' }]);
          assert.equal(ws.linksChanged(), false);
          const found = ws.findings(uri, config);
          assert.deepEqual(seen(found), fresh(uri, ws.text(uri)!));
          assert.equal(calls().get('registration-token-long-lived'), 1, 'judged again');
          assert.ok(
            found.some((f) => f.ruleId === 'registration-token-long-lived' && f.message.includes('2023-01-01')),
            'the new date',
          );
          // The token operation, after the finding's place: an operation other than Update issues no token.
          const now = ws.text(uri)!;
          const op = now.indexOf('Update') + 'Update'.length;
          ws.set(uri, now.slice(0, op) + 'x' + now.slice(op), 21, [{ start: op, oldEnd: op, newText: 'x' }]);
          assert.equal(ws.linksChanged(), false);
          const after = ws.findings(uri, config);
          assert.deepEqual(seen(after), fresh(uri, ws.text(uri)!));
          assert.equal(calls().get('registration-token-long-lived'), 2, 'judged again');
          assert.ok(!after.some((f) => f.ruleId === 'registration-token-long-lived'), 'no token, no finding');
        });
      });
    });
  }

  /**
   * The network case with the host pool's load balancer type and the NSG rule's source given by a variable (Bicep
   * `var`, ARM `variables`, a Terraform local): an edit there is not in a string of a resource, and the resources it
   * changed are found by comparing values (graph/changed-values.ts).
   */
  const BY_VALUE: [string, string, string, (text: string) => string][] = [
    [
      'Bicep',
      '/carried/vars.bicep',
      path.join(CASE, 'bicep-subnet-nsg', 'main.bicep'),
      (t) =>
        `var lbType = 'BreadthFirst'\nvar size = 'Standard_D4s_v5'\n${t.replace("loadBalancerType: 'BreadthFirst'", 'loadBalancerType: lbType').replace("vmSize: 'Standard_D4s_v5'", 'vmSize: size')}`,
    ],
    [
      'ARM',
      '/carried/vars.json',
      path.join(CASE, 'arm-subnet-nsg', 'azuredeploy.json'),
      (t) =>
        t
          .replace('"contentVersion": "1.0.0.0",', '"contentVersion": "1.0.0.0",\n  "variables": { "lbType": "BreadthFirst", "size": "Standard_D4s_v5" },')
          .replace('"loadBalancerType": "BreadthFirst"', `"loadBalancerType": "[variables('lbType')]"`)
          .replace('"vmSize": "Standard_D4s_v5"', `"vmSize": "[variables('size')]"`),
    ],
    [
      'Terraform',
      '/carried/main.tf',
      path.join(CASE, 'tf-subnet-nsg', 'main.tf'),
      (t) =>
        `locals {\n  lb_type = "BreadthFirst"\n  size    = "Standard_D4s_v5"\n}\n${t.replace('load_balancer_type       = "BreadthFirst"', 'load_balancer_type       = local.lb_type').replace('size                  = "Standard_D4s_v5"', 'size                  = local.size')}`,
    ],
  ];

  for (const [language, uri, file, withVariables] of BY_VALUE) {
    /** A workspace of the case with variables, checked in full once. */
    const variables = (run: (ws: Workspace, first: string[]) => void) => {
      const ws = new Workspace(g);
      try {
        const text = withVariables(parseMarkers(fs.readFileSync(file, 'utf8')).text);
        assert.ok(text.includes('lbType') || text.includes('lb_type'), 'the case has the variables');
        ws.set(uri, text, 1);
        ws.linksChanged();
        run(ws, seen(ws.findings(uri, config)));
      } finally {
        ws.dispose();
      }
    };

    it(`${language}: typing in a variable the host pool reads keeps the network's findings, found by comparing values`, () => {
      variables((ws, first) => {
        assert.ok(
          first.some((f) => f.includes('inbound-rdp-from-internet')),
          first.join('\n'),
        );
        counting(ws, (calls) => {
          type(ws, uri, 'Breadth', TYPED, 2);
          const changed = ws.graph().carried?.changed;
          assert.ok(changed, 'the values were compared');
          assert.deepEqual(
            [...changed].map(([r, properties]) => [r.type, properties && [...properties]]),
            [['Microsoft.DesktopVirtualization/hostPools', ['loadbalancertype']]],
          );
          assert.equal(calls().get('inbound-rdp-from-internet') ?? 0, 0, 'not judged again');
          assert.equal(calls().get('session-host-public-ip') ?? 0, 0, 'not judged again');
          assert.equal(calls().get('mfa-conditional-access-missing') ?? 0, 0, 'not judged again');
        });
        assert.notDeepEqual(seen(ws.findings(uri, config)), first, 'the places moved');
      });
    });

    it(`${language}: typing in a variable a session host reads judges the network rules again`, () => {
      variables((ws) =>
        counting(ws, (calls) => {
          type(ws, uri, 'Standard_D4s', '_x', 2);
          assert.deepEqual(
            [...(ws.graph().carried?.changed ?? [])].map(([r, properties]) => [r.type, properties && [...properties]]),
            [['Microsoft.Compute/virtualMachines', ['hardwareprofile']]],
          );
          assert.equal(calls().get('inbound-rdp-from-internet'), 2, 'judged again at each keystroke');
          assert.equal(calls().get('registration-token-long-lived') ?? 0, 0, 'not judged again');
        }),
      );
    });
  }

  it('Bicep: an edit that changes what a document passes to a module carries nothing over, and the module is read again', () => {
    const uri = '/carried/caller.bicep';
    const files = new Map([
      [
        '/carried/pool.bicep',
        "param lb string\nresource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp-module'\n  location: 'westeurope'\n  properties: {\n    hostPoolType: 'Pooled'\n    loadBalancerType: lb\n    preferredAppGroupType: 'Desktop'\n  }\n}\n",
      ],
      [
        uri,
        `${BY_VALUE[0][3](parseMarkers(fs.readFileSync(BY_VALUE[0][2], 'utf8')).text)}\nmodule pool 'pool.bicep' = {\n  name: 'pool'\n  params: {\n    lb: lbType\n  }\n}\n`,
      ],
    ]);
    const all = (ws: Workspace) => [...files.keys()].flatMap((u) => seen(ws.findings(u, config)));
    const ws = new Workspace(g);
    try {
      for (const [u, text] of files) ws.set(u, text, 1);
      ws.linksChanged();
      all(ws);
      counting(ws, (calls) => {
        const text = files.get(uri)!;
        const at = text.indexOf('Breadth') + 'Breadth'.length;
        files.set(uri, `${text.slice(0, at)}F${text.slice(at)}`);
        ws.set(uri, files.get(uri)!, 2, [{ start: at, oldEnd: at, newText: 'F' }]);
        assert.equal(ws.linksChanged(), false);
        const now = all(ws);
        assert.ok(ws.graph().carried, 'the graph was kept');
        assert.equal(ws.graph().carried?.changed, undefined, 'nothing is known to be unchanged');
        assert.equal(calls().get('inbound-rdp-from-internet'), 1, 'judged again');
        const fresh = new Workspace(g);
        try {
          for (const [u, t] of files) fresh.set(u, t, 1);
          assert.deepEqual(now, all(fresh));
        } finally {
          fresh.dispose();
        }
        assert.ok(
          now.some((f) => f.includes("'hp-module'")),
          'the module is read',
        );
      });
    } finally {
      ws.dispose();
    }
  });

  it('ARM: a template larger than the comparison reads is judged again after an edit of a variable, as before', () => {
    const uri = '/carried/large.json';
    const [, , file, withVariables] = BY_VALUE[1];
    const text = withVariables(parseMarkers(fs.readFileSync(file, 'utf8')).text).replace(
      '"contentVersion": "1.0.0.0",',
      `"contentVersion": "1.0.0.0",\n  "metadata": { "notes": "${'x'.repeat(MAX_COMPARED_LENGTH)}" },`,
    );
    const ws = new Workspace(g);
    try {
      ws.set(uri, text, 1);
      ws.linksChanged();
      ws.findings(uri, config);
      counting(ws, (calls) => {
        type(ws, uri, 'Breadth', 'F', 2);
        assert.equal(ws.graph().carried, undefined, 'not compared');
        assert.equal(calls().get('inbound-rdp-from-internet'), 1, 'judged again');
      });
    } finally {
      ws.dispose();
    }
  });

  it('Bicep: a burst of keystrokes in a string, after a keystroke checked alone, keeps the graph and the findings', () => {
    const [, uri, file] = FILES[0];
    checked(uri, file, (ws) =>
      counting(ws, (calls) => {
        type(ws, uri, 'Breadth', 'F', 2);
        const graph = ws.graph();
        // Two keystrokes, the first not read before the second (the editor typed faster than the server read).
        for (let k = 0; k < 2; k++) {
          const now = ws.text(uri)!;
          const at = now.indexOf('Breadth') + 'Breadth'.length;
          ws.set(uri, now.slice(0, at) + 'x' + now.slice(at), 10 + k, [{ start: at, oldEnd: at, newText: 'x' }]);
        }
        assert.equal(ws.linksChanged(), false);
        assert.equal(ws.graph(), graph, 'the graph is kept, not built again');
        assert.deepEqual(seen(ws.findings(uri, config)), fresh(uri, ws.text(uri)!));
        assert.equal(calls().get('inbound-rdp-from-internet') ?? 0, 0, 'not judged again');
      }),
    );
  });
});
