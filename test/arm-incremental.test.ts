import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adaptArm, linkNeutralEdit } from '../server/src/engine/adapters/arm/adapter';
import { type JsonNode, type ParsedJson, parseJson, patchJson } from '../server/src/engine/adapters/arm/json';
import { emptyConfig } from '../server/src/engine/config';
import type { Finding } from '../server/src/engine/model';
import { Workspace } from '../server/src/engine/workspace';
import { FIXTURES, grammars } from './harness/engine';

const ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');

/** Every ARM template among the rule fixtures. */
function templates(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json') && !e.name.startsWith('.')) {
        const text = fs.readFileSync(p, 'utf8');
        if (text.includes('deploymentTemplate.json')) out.push([path.relative(FIXTURES, p), text]);
      }
    }
  };
  walk(path.join(FIXTURES, 'rules'));
  return out;
}

/** The tree without parent links, for comparison. */
function plain(n: JsonNode | undefined): unknown {
  if (!n) return undefined;
  return { type: n.type, offset: n.offset, length: n.length, value: n.value, colonOffset: n.colonOffset, children: n.children?.map(plain) };
}

function strings(n: JsonNode | undefined, out: JsonNode[] = []): JsonNode[] {
  if (!n) return out;
  if (n.type === 'string') out.push(n);
  for (const c of n.children ?? []) strings(c, out);
  return out;
}

const summary = (fs: Finding[]) => fs.map((f) => `${f.ruleId} ${f.level} ${f.range.start}-${f.range.end} ${f.message}`);

function apply(text: string, start: number, oldEnd: number, newText: string) {
  return { text: text.slice(0, start) + newText + text.slice(oldEnd), edit: { start, oldEnd, newText }, removed: text.slice(start, oldEnd) };
}

describe('ARM JSON: an edit inside a string patches the tree instead of parsing again', () => {
  const files = templates();

  it('gives the tree a fresh parse gives, for insertions, deletions and replacements in strings and keys', () => {
    assert.ok(files.length >= 20, `${files.length} templates`);
    let checked = 0;
    for (const [name, text] of files) {
      const nodes = strings(parseJson(text).root).filter((n) => n.length >= 4 && !text.slice(n.offset, n.offset + n.length).includes('\\'));
      for (const n of nodes.filter((_, i) => i % 11 === 0)) {
        const mid = n.offset + Math.floor(n.length / 2);
        for (const e of [
          apply(text, mid, mid, 'x'),
          apply(text, mid, mid + 1, ''),
          apply(text, n.offset + 1, n.offset + n.length - 1, 'ab [c] é'),
          apply(text, mid, mid, ''),
        ]) {
          // The patch moves the tree in place: a tree of its own for each edit.
          const before: ParsedJson = parseJson(text);
          const patched = patchJson(before, e.text, e.edit, e.removed);
          assert.equal(before.stale, true);
          assert.ok(patched, `${name}: edit at ${e.edit.start} was not patched`);
          assert.deepEqual(plain(patched.root), plain(parseJson(e.text).root), `${name}: edit at ${e.edit.start}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 100, `${checked} edits`);
  });

  it('parses again when the edit could change more than one string', () => {
    const before = parseJson(ARM);
    const rdp = ARM.indexOf('audiomode');
    const comment = '// note\n';
    const withComment = parseJson(comment + ARM);
    const broken = parseJson(ARM.replace('"Pooled"', '"Pooled'));
    const cases: [string, ParsedJson, ReturnType<typeof apply>][] = [
      ['a quote', before, apply(ARM, rdp, rdp, '"')],
      ['a backslash', before, apply(ARM, rdp, rdp, '\\n')],
      ['a line break', before, apply(ARM, rdp, rdp, '\n')],
      ['removing a quote', before, apply(ARM, rdp - 1, rdp, '')],
      ['an edit across two tokens', before, apply(ARM, rdp - 3, rdp + 2, 'x')],
      ['an edit between tokens', before, apply(ARM, ARM.indexOf('{') + 1, ARM.indexOf('{') + 1, ' ')],
      ['an edit in a comment', withComment, apply(comment + ARM, 4, 4, 'x')],
      ['a file with syntax errors', broken, apply(ARM, rdp, rdp, 'x')],
    ];
    for (const [name, parsed, e] of cases) assert.equal(patchJson(parsed, e.text, e.edit, e.removed), undefined, name);
    // A tree an earlier edit moved is not patched again.
    const first = apply(ARM, rdp, rdp, 'x');
    const stale = parseJson(ARM);
    assert.ok(patchJson(stale, first.text, first.edit, first.removed));
    assert.equal(patchJson(stale, first.text, first.edit, first.removed), undefined);
  });

  it('keeps a patched document right over a run of edits, checked after each or only after several', async () => {
    const g = await grammars();
    const ws = new Workspace(g);
    const uri = '/ws/a.json';
    ws.set(uri, ARM, 1);
    ws.findings(uri, emptyConfig());
    ws.linksChanged();
    let text = ARM;
    let version = 1;
    const typed = 'enablerdsaadauth:i:1;redirectclipboard:i:0;';
    for (let i = 0; i < typed.length; i++) {
      const at = text.indexOf('audiomode');
      const next = apply(text, at, at, typed[i]);
      ws.set(uri, next.text, ++version, [next.edit]);
      text = next.text;
      if (i % 7 === 0) {
        ws.linksChanged();
        ws.takeTouched();
        const fresh = new Workspace(g);
        fresh.set(uri, text, version);
        assert.deepEqual(summary(ws.findings(uri, emptyConfig())), summary(fresh.findings(uri, emptyConfig())), `after ${i + 1} characters`);
      }
    }
    const fresh = new Workspace(g);
    fresh.set(uri, text, version);
    assert.deepEqual(summary(ws.findings(uri, emptyConfig())), summary(fresh.findings(uri, emptyConfig())));
    assert.ok(!summary(ws.findings(uri, emptyConfig())).some((f) => f.startsWith('host-pool-sso-disabled')), 'SSO typed in');
  });

  it('an old version whose bodies were not read yet reads them as empty once its tree moved, never misread', () => {
    const before = parseJson(ARM);
    const oldDoc = adaptArm('/ws/a.json', ARM, 1, 'arm', { parsed: before });
    const at = ARM.indexOf('audiomode');
    const next = apply(ARM, at, at, 'x');
    const after = patchJson(before, next.text, next.edit, next.removed)!;
    const newDoc = adaptArm('/ws/a.json', next.text, 2, 'arm', { parsed: after });
    const pool = (d: typeof oldDoc) => d.resources.find((r) => r.type === 'Microsoft.DesktopVirtualization/hostPools')!;
    assert.deepEqual(pool(oldDoc).body.entries, []);
    assert.ok(pool(newDoc).body.entries.length > 0);
  });

  const edits: [string, string, string][] = [
    ['typing in the RDP string', 'audiomode:i:0;', 'audiomode:i:0;redirectclipboard:i:0;'],
    ['turning SSO on', 'audiomode:i:0;', 'enablerdsaadauth:i:1;audiomode:i:0;'],
    ['changing the role', '1c0163c0-47e6-4577-8991-ea5c82e286e4', 'fb879df8-f326-4884-b1cf-06f3ad86be52'],
    ['making the pool personal', 'Pooled', 'Personal'],
    ['turning a name into an expression', 'hp-pooled', "[concat('hp-', 'pooled')]"],
  ];
  for (const [name, from, to] of edits) {
    it(`finds in the patched document what a fresh workspace finds: ${name}`, async () => {
      const g = await grammars();
      const ws = new Workspace(g);
      ws.set('/ws/a.json', ARM, 1);
      ws.findings('/ws/a.json', emptyConfig());
      ws.linksChanged();
      const at = ARM.indexOf(from);
      const next = apply(ARM, at, at + from.length, to);
      assert.ok(patchJson(parseJson(ARM), next.text, next.edit, next.removed), 'the edit is one the tree can take');
      ws.set('/ws/a.json', next.text, 2, [next.edit]);
      const fresh = new Workspace(g);
      fresh.set('/ws/a.json', next.text, 2);
      assert.deepEqual(summary(ws.findings('/ws/a.json', emptyConfig())), summary(fresh.findings('/ws/a.json', emptyConfig())));
    });
  }

  describe('which edits leave the links alone (the graph swaps the new version in without comparing link facts)', () => {
    const NESTED = JSON.stringify(
      {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        parameters: { p: { type: 'string', defaultValue: 'pval' } },
        variables: { v: 'vval' },
        resources: [
          {
            type: 'Microsoft.Resources/deployments',
            name: 'inner',
            properties: {
              mode: 'Incremental',
              parameters: { q: { value: 'qval' } },
              template: {
                resources: {
                  pool: {
                    type: 'Microsoft.DesktopVirtualization/hostPools',
                    name: 'hp',
                    properties: { hostPoolType: 'Pooled', customRdpProperty: 'nested:i:0;' },
                  },
                },
              },
            },
          },
        ],
        outputs: { o: { type: 'string', value: 'oval' } },
      },
      null,
      2,
    );
    /** The root-to-string path patchJson hands over for an edit just inside `needle` (the n-th occurrence). */
    const pathAt = (text: string, needle: string): JsonNode[] => {
      const at = text.indexOf(needle) + 1;
      let path: JsonNode[] = [];
      const e = apply(text, at, at, 'x');
      patchJson(parseJson(text), e.text, e.edit, e.removed, (p) => (path = [...p]));
      assert.ok(path.length, `no string at ${needle}`);
      return path;
    };
    const neutral: [string, string, string][] = [
      ['the RDP string', ARM, 'audiomode'],
      ['a property the graph does not read', ARM, 'BreadthFirst'],
      ['the RDP string of a host pool in a nested template (languageVersion 2.0 symbols)', NESTED, 'nested:i:0'],
    ];
    const linking: [string, string, string][] = [
      ['a resource name', ARM, 'hp-pooled'],
      ['a resource type', ARM, 'DesktopVirtualization/hostPools'],
      ['the host pool type', ARM, 'Pooled"'],
      ['a role definition', ARM, "Microsoft.Authorization/roleDefinitions', '1c0163c0"],
      ['a principal', ARM, "parameters('usersGroupId')"],
      ['the DSC host pool name', ARM, 'hp-pooled", "aadJoin'],
      ['an extension publisher', ARM, 'Microsoft.Powershell'],
      ['the application group host pool path', ARM, "resourceId('Microsoft.DesktopVirtualization/hostPools'"],
      ['a scope', ARM, 'Microsoft.DesktopVirtualization/applicationGroups/ag'],
      ['a property name', ARM, 'customRdpProperty'],
      ['a location outside properties', ARM, 'westeurope'],
      ['a parameter default', NESTED, 'pval'],
      ['a variable', NESTED, 'vval'],
      ['an output', NESTED, 'oval'],
      ["a nested deployment's parameters", NESTED, 'qval'],
      ["a nested deployment's mode", NESTED, 'Incremental'],
      ['a host pool type in a nested template', NESTED, 'Pooled'],
    ];
    for (const [name, text, needle] of neutral) it(`neutral: ${name}`, () => assert.equal(linkNeutralEdit(pathAt(text, needle)), true));
    for (const [name, text, needle] of linking) it(`may link: ${name}`, () => assert.equal(linkNeutralEdit(pathAt(text, needle)), false));
  });
});

describe('ARM JSON: what rules cache for a graph follows the version an edit swapped in', () => {
  // Found by the fuzzer (seed 3537): the graph swaps a new version's resources in place (swapDocument), so a cache keyed
  // by the graph object kept the old version's VM, and a key handed to session hosts was said to go to "a virtual machine".
  it('a comment edit leaves every finding as a fresh read of the new text gives it', async () => {
    const g = await grammars();
    const text = fs.readFileSync(path.join(FIXTURES, 'rules', 'profile-storage-shared-key', 'arm-key-to-host', 'azuredeploy.json'), 'utf8');
    const at = text.indexOf(' ', text.indexOf('//') + 2);
    const next = text.slice(0, at) + '\\' + text.slice(at + 1);
    const ws = new Workspace(g);
    const fresh = new Workspace(g);
    try {
      ws.set('/ws/azuredeploy.json', text, 1);
      ws.findings('/ws/azuredeploy.json', emptyConfig());
      ws.linksChanged();
      ws.set('/ws/azuredeploy.json', next, 2, [{ start: at, oldEnd: at + 1, newText: '\\' }]);
      ws.linksChanged();
      fresh.set('/ws/azuredeploy.json', next, 2);
      const after = summary(ws.findings('/ws/azuredeploy.json', emptyConfig()));
      assert.deepEqual(after, summary(fresh.findings('/ws/azuredeploy.json', emptyConfig())));
      assert.ok(
        after.some((f) => /handed to session hosts/.test(f)),
        after.join('\n'),
      );
    } finally {
      ws.dispose();
      fresh.dispose();
    }
  });
});
