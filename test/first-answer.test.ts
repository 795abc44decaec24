import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import type { Finding } from '../server/src/engine/model';
import { RULES } from '../server/src/engine/registry';
import type { Grammars } from '../server/src/engine/parse';
import { bicepHostPool, FIXTURES, grammars } from './harness/engine';
import { Workspace } from '../server/src/engine/workspace';

/** A pooled host pool `hp-<i>` in Bicep, with one more property (`line`, a line of its properties). */
const bicepPool = (i: number, line: string) => bicepHostPool(`'hp-${i}'`, undefined, { symbol: `hp${i}`, lines: [line] });

const BICEP = (rdp: (i: number) => string) => [0, 1].map((i) => bicepPool(i, `customRdpProperty: '${rdp(i)}'`)).join('\n');

const ARM = (rdp: (i: number) => string) =>
  JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [0, 1].map((i) => ({
        type: 'Microsoft.DesktopVirtualization/hostPools',
        apiVersion: '2024-04-03',
        name: `hp-${i}`,
        location: 'westeurope',
        properties: { hostPoolType: 'Pooled', loadBalancerType: 'BreadthFirst', preferredAppGroupType: 'Desktop', customRdpProperty: rdp(i) },
      })),
    },
    null,
    2,
  );

const TF = (i: number, rdp: string) => `resource "azurerm_virtual_desktop_host_pool" "hp${i}" {
  name                     = "hp-${i}"
  location                 = "westeurope"
  resource_group_name      = "rg-avd"
  type                     = "Pooled"
  load_balancer_type       = "BreadthFirst"
  preferred_app_group_type = "Desktop"
  custom_rdp_properties    = "${rdp}"
}
`;

const WHOLE_DEPLOYMENT = new Set<string>(RULES.filter((r) => r.appliesTo === 'deployment').map((r) => r.id));

const START = 'audiomode:i:0;';
const TYPED = 'redirectclipboard:i:0;drivestoredirect:s:;';

const cases: { name: string; files: Record<string, string>; edited: string }[] = [
  { name: 'Bicep', files: { '/ws/main.bicep': BICEP(() => START) }, edited: '/ws/main.bicep' },
  { name: 'ARM', files: { '/ws/azuredeploy.json': ARM(() => START) }, edited: '/ws/azuredeploy.json' },
  { name: 'Terraform', files: { '/ws/tf/a.tf': TF(0, START), '/ws/tf/b.tf': TF(1, START) }, edited: '/ws/tf/a.tf' },
];

/** What a user sees of a finding: rule, level, place, message, related places. */
const seen = (findings: Finding[]) =>
  findings.map((f) => JSON.stringify([f.ruleId, f.level, f.range, f.message, f.related.map((r) => [r.uri, r.range, r.message])])).sort();

let g: Grammars;

function workspace(files: Record<string, string>): Workspace {
  const ws = new Workspace(g);
  for (const [uri, text] of Object.entries(files)) ws.set(uri, text);
  return ws;
}

/** Types `typed` one character at a time at `at` of `uri`, calling `each` with the workspace after every keystroke. */
function type(ws: Workspace, uri: string, at: number, typed: string, each: (text: string) => void): void {
  let text = ws.text(uri)!;
  for (let k = 0; k < typed.length; k++) {
    const ch = typed[k];
    ws.set(uri, text.slice(0, at + k) + ch + text.slice(at + k), k + 2, [{ start: at + k, oldEnd: at + k, newText: ch }]);
    text = ws.text(uri)!;
    each(text);
  }
}

describe('the first answer to a keystroke (Workspace.quickFindings)', () => {
  const config = emptyConfig();

  /** A first answer gives each subject the findings a fresh workspace of the same text gives it. */
  const assertLikeFresh = (quick: Finding[], uri: string, text: string) => {
    const fresh = workspace({ [uri]: text });
    try {
      const bySubject = (f: Finding[]) => seen(f.filter((x) => !WHOLE_DEPLOYMENT.has(x.ruleId)));
      assert.deepEqual(bySubject(quick), bySubject(fresh.findings(uri, config)));
    } finally {
      fresh.dispose();
    }
  };
  before(async () => {
    g = await grammars();
  });

  for (const c of cases) {
    it(`${c.name}: equals the full check at every keystroke typed into a host pool's RDP string`, () => {
      const ws = workspace(c.files);
      try {
        // As the server's first check: the links, then the findings.
        ws.linksChanged();
        for (const u of ws.uris()) ws.findings(u, config);
        const answers: string[][] = [];
        type(ws, c.edited, ws.text(c.edited)!.indexOf(START), TYPED, (text) => {
          assert.equal(ws.linksChanged(), false);
          const quick = ws.quickFindings(c.edited, config);
          assert.ok(quick, 'a first answer');
          // A fresh workspace of the same texts is the judge.
          const fresh = workspace({ ...c.files, [c.edited]: text });
          try {
            assert.deepEqual(seen(quick), seen(fresh.findings(c.edited, config)));
          } finally {
            fresh.dispose();
          }
          answers.push(seen(quick));
          // Every other keystroke is also checked in full, so the next first answer starts from either.
          if (answers.length % 2) assert.deepEqual(seen(ws.findings(c.edited, config)), seen(quick));
        });
        // The edits changed what the first answers say (the clipboard turned off, drives turned off).
        assert.ok(new Set(answers.map((a) => a.join('\n'))).size >= 3, `answers changed: ${answers.length}`);
      } finally {
        ws.dispose();
      }
    });
  }

  for (const c of cases) {
    it(`${c.name}: has a first answer when the editor sends the whole text, not the edit (the edit is found between the texts)`, () => {
      const ws = workspace(c.files);
      try {
        ws.linksChanged();
        for (const u of ws.uris()) ws.findings(u, config);
        const at = ws.text(c.edited)!.indexOf(START) + START.indexOf('0');
        for (const [k, digit] of ['2', '1', '0'].entries()) {
          const text = ws.text(c.edited)!;
          ws.set(c.edited, text.slice(0, at) + digit + text.slice(at + 1), k + 2);
          assert.equal(ws.linksChanged(), false);
          const quick = ws.quickFindings(c.edited, config);
          assert.ok(quick, 'a first answer');
          const fresh = workspace({ ...c.files, [c.edited]: ws.text(c.edited)! });
          try {
            assert.deepEqual(seen(quick), seen(fresh.findings(c.edited, config)));
          } finally {
            fresh.dispose();
          }
        }
      } finally {
        ws.dispose();
      }
    });
  }

  for (const [language, file] of [
    ['Bicep', 'bicep-ad-only/main.bicep'],
    ['ARM', 'arm-ad-only/azuredeploy.json'],
    ['Terraform', 'tf-ad-only/main.tf'],
  ]) {
    it(`${language}: checks again the subjects linked to the edited one, whose findings name it (a session host renamed)`, () => {
      const uri = `/ws/${path.basename(file)}`;
      const text = fs.readFileSync(path.join(FIXTURES, 'rules', 'legacy-entra-password-sign-in', file), 'utf8');
      const ws = workspace({ [uri]: text });
      try {
        ws.linksChanged();
        const before = seen(ws.findings(uri, config));
        // The host pool's finding names its session host: typing in the host's name changes the pool's finding.
        assert.ok(before.some((f) => f.includes("Session host 'avd-ad-0'")));
        // The VM's name, not the NIC's (avd-ad-0-nic), which the graph links by.
        type(ws, uri, ws.text(uri)!.search(/avd-ad-0['"]/) + 1, 'q', (now) => {
          assert.equal(ws.linksChanged(), false);
          const quick = ws.quickFindings(uri, config);
          assert.ok(quick, 'a first answer');
          assert.ok(seen(quick).some((f) => f.includes("Session host 'aqvd-ad-0'")));
          // Rules about the whole deployment (Defender names the host too) are judged again by the full check.
          assertLikeFresh(quick, uri, now);
        });
      } finally {
        ws.dispose();
      }
    });
  }

  it('checks again a grant judged by a pool without visible hosts, when the pool is edited (found by fuzz seed 4021)', () => {
    // The grant over the pool's resource group is reported "inferred", at a level the pool's assignment type decides; it is
    // related to the pool by the resource group only, not by a host it covers.
    const uri = '/ws/main.bicep';
    const text = fs.readFileSync(path.join(FIXTURES, 'rules', 'personal-admin-scope-too-wide', 'bicep-inferred', 'main.bicep'), 'utf8');
    const ws = workspace({ [uri]: text });
    try {
      ws.linksChanged();
      ws.findings(uri, config);
      let answered = 0;
      type(ws, uri, text.indexOf("'Direct'") + 1, ' :i:1', (now) => {
        if (ws.linksChanged()) return;
        const quick = ws.quickFindings(uri, config);
        if (!quick) return;
        answered++;
        assertLikeFresh(quick, uri, now);
      });
      assert.ok(answered > 0, 'a first answer');
    } finally {
      ws.dispose();
    }
  });

  it('leaves it to the full check when a finding placed on one chosen subject moves to another (the global private endpoint)', () => {
    const pool = (i: number, access: string) => bicepPool(i, `publicNetworkAccess: '${access}'`);
    const uri = '/ws/main.bicep';
    const global = (f: Finding[]) => f.filter((x) => x.ruleId === 'private-access-without-endpoint' && x.message.includes('global')).map((x) => x.range.start);
    const ws = workspace({ [uri]: `${pool(0, 'Disabled')}\n${pool(1, 'Disabled')}` });
    try {
      ws.linksChanged();
      const before = ws.findings(uri, config);
      // Reported once, on the first pool closed to public networks.
      const first = ws.text(uri)!.indexOf("'Microsoft.");
      const second = ws.text(uri)!.indexOf("'Microsoft.", first + 1);
      assert.deepEqual(global(before), [first]);
      // The first pool opens to public networks: the finding belongs on the second, which the first answer does not check.
      const at = ws.text(uri)!.indexOf("'Disabled'") + 1;
      ws.set(uri, ws.text(uri)!.slice(0, at) + 'Enabled' + ws.text(uri)!.slice(at + 'Disabled'.length), 2, [
        { start: at, oldEnd: at + 'Disabled'.length, newText: 'Enabled' },
      ]);
      assert.equal(ws.linksChanged(), false);
      assert.equal(ws.quickFindings(uri, config), undefined);
      const after = ws.findings(uri, config);
      assert.deepEqual(global(after), [second - 'Disabled'.length + 'Enabled'.length]);
      // And back: the finding returns to the first pool.
      ws.set(uri, ws.text(uri)!.slice(0, at) + 'Disabled' + ws.text(uri)!.slice(at + 'Enabled'.length), 3, [
        { start: at, oldEnd: at + 'Enabled'.length, newText: 'Disabled' },
      ]);
      assert.equal(ws.linksChanged(), false);
      assert.equal(ws.quickFindings(uri, config), undefined);
      assert.deepEqual(global(ws.findings(uri, config)), [first]);
      // An edit that leaves the choice as it was keeps its first answer (the first pool's location).
      const loc = ws.text(uri)!.indexOf('westeurope') + 4;
      ws.set(uri, ws.text(uri)!.slice(0, loc) + 'x' + ws.text(uri)!.slice(loc), 4, [{ start: loc, oldEnd: loc, newText: 'x' }]);
      assert.equal(ws.linksChanged(), false);
      const quick = ws.quickFindings(uri, config);
      assert.ok(quick, 'a first answer');
      assert.deepEqual(global(quick), [first]);
    } finally {
      ws.dispose();
    }
  });

  it('has no first answer for an edit outside every subject, in another file, or one that changes links', () => {
    const files = { '/ws/main.bicep': `// a comment\n${BICEP(() => START)}`, '/ws/other.bicep': BICEP(() => START).replace(/hp-/g, 'other-') };
    const ws = workspace(files);
    try {
      const uri = '/ws/main.bicep';
      ws.linksChanged();
      for (const u of ws.uris()) ws.findings(u, config);
      // Not inside a resource that declares a subject.
      type(ws, uri, ws.text(uri)!.indexOf('comment'), 'x', () => undefined);
      ws.linksChanged();
      assert.equal(ws.quickFindings(uri, config), undefined);
      ws.findings(uri, config);
      // Inside a host pool, but another file changed too.
      type(ws, uri, ws.text(uri)!.indexOf(START), 'x', () => undefined);
      ws.set('/ws/other.bicep', ws.text('/ws/other.bicep')! + '\n');
      ws.linksChanged();
      assert.equal(ws.quickFindings(uri, config), undefined);
      ws.findings(uri, config);
      // The host pool's name: how it links.
      type(ws, uri, ws.text(uri)!.indexOf("'hp-0'") + 1, 'x', () => undefined);
      assert.equal(ws.linksChanged(), true);
      assert.equal(ws.quickFindings(uri, config), undefined);
      // Typing in the RDP string again, after a full check.
      ws.findings(uri, config);
      type(ws, uri, ws.text(uri)!.indexOf(START), 'y', () => undefined);
      assert.equal(ws.linksChanged(), false);
      assert.ok(ws.quickFindings(uri, config));
    } finally {
      ws.dispose();
    }
  });
});
