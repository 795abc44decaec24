import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linkNeutralEdit } from '../../server/src/engine/adapters/arm/adapter';
import { type JsonNode, parseJson, patchJson } from '../../server/src/engine/adapters/arm/json';
import { bicepLinkNeutralEdit } from '../../server/src/engine/adapters/bicep/link-neutral';
import { parseBicep } from '../../server/src/engine/adapters/bicep/parser';
import { buildGraph, linkFacts, linkSignature, linkSignatures, swapDocument } from '../../server/src/engine/graph';
import { LINKS, linkPaths, linksProperty, type Path } from '../../server/src/engine/graph/links';
import type { Document, ObjectValue, Resource, Value } from '../../server/src/engine/model';
import { Workspace } from '../../server/src/engine/workspace';
import { FIXTURES, grammars, listFiles, ROOT, uriOf } from '../harness/engine';

/** A copy of a value whose entries record the path of each value read from them. */
function recording(v: Value, at: string[], read: (path: string[]) => void): Value {
  switch (v.kind) {
    case 'object':
      return {
        ...v,
        entries: v.entries.map((e) => {
          const here = [...at, e.key];
          const value = recording(e.value, here, read);
          return {
            key: e.key,
            keyRange: e.keyRange,
            get value() {
              read(here);
              return value;
            },
          };
        }),
      };
    case 'array':
      return { ...v, items: v.items.map((i) => recording(i, at, read)) };
    case 'choice':
      return { ...v, options: v.options.map((o) => ({ ...o, value: recording(o.value, at, read) })) };
    default:
      return v;
  }
}

const lower = (p: Path) => p.map((k) => k.toLowerCase());
/** Whether reading `read` on a resource of `type` is reading towards, or inside, a path of the table. */
function inTable(type: string, read: string[]): boolean {
  const r = lower(read);
  // Bicep extension resources (Microsoft Graph) keep their version in the type.
  return linkPaths(type.split('@')[0].toLowerCase()).some((p) => {
    const t = lower(p);
    const n = Math.min(t.length, r.length);
    return t.slice(0, n).join('\u0000') === r.slice(0, n).join('\u0000');
  });
}

function documentOf(type: string, body: ObjectValue): Document {
  const uri = '/t/main.json';
  const range = { start: 0, end: 0 };
  const resource: Resource = { key: `${uri}#r`, type, body, source: { uri, language: 'arm', range, headRange: range } };
  return { uri, language: 'arm', text: '', version: 0, resources: [resource], syntaxErrors: [], suppressions: [], facts: {}, symbols: [] };
}

/** A body with a string at each path (the empty path: a body with one property). */
function bodyWith(values: [Path, string][]): ObjectValue {
  const range = { start: 0, end: 0 };
  const root: ObjectValue = { kind: 'object', entries: [], range };
  for (const [p, text] of values) {
    let cur = root;
    const keys = p.length ? p : ['state'];
    for (const key of keys.slice(0, -1)) {
      let e = cur.entries.find((x) => x.key === key);
      if (!e) cur.entries.push((e = { key, keyRange: range, value: { kind: 'object', entries: [], range } }));
      cur = e.value as ObjectValue;
    }
    cur.entries.push({ key: keys[keys.length - 1], keyRange: range, value: { kind: 'string', parts: [{ kind: 'text', text }], range } });
  }
  return root;
}

const TABLE = Object.entries(LINKS as Record<string, Record<string, readonly Path[]>>).flatMap(([type, links]) =>
  Object.entries(links).flatMap(([link, paths]) => paths.map((p) => ({ type: type === 'any' ? 'microsoft.web/sites' : type, link, path: p }))),
);
const DESCRIPTION: Path = ['properties', 'description'];

describe('graph: what links what is declared once (graph/links.ts)', () => {
  it('the builder, the link signature and the swap read resource bodies only at paths of the table', async () => {
    const ws = new Workspace(await grammars());
    for (const dir of [path.join(FIXTURES, 'rules'), path.join(FIXTURES, 'compiled'), path.join(FIXTURES, 'cli'), path.join(ROOT, 'examples')])
      for (const f of listFiles(dir)) ws.set(uriOf(f), fs.readFileSync(f, 'utf8'));
    const outside = new Set<string>();
    const paths = new Set<string>();
    const wrap = (d: Document): Document => ({
      ...d,
      resources: d.resources.map((r) => ({
        ...r,
        body: recording(r.body, [], (p) => {
          paths.add(`${r.type.toLowerCase()} ${p.join('.')}`);
          if (!inTable(r.type, p)) outside.add(`${r.type} ${p.join('.')}`);
        }) as ObjectValue,
      })),
    });
    const originals = ws.documents();
    const docs = originals.map(wrap);
    const graph = buildGraph(docs);
    assert.ok(graph.sessionHosts.length > 20 && graph.roleAssignments.length > 20 && graph.caPolicies.length > 5);
    // All documents' signatures in one pass are each document's own.
    const together = linkSignatures(graph, new Set(docs.map((d) => d.uri)));
    docs.forEach((d, i) => {
      assert.equal(together.get(d.uri), linkSignature(graph, d.uri), d.uri);
      assert.ok(swapDocument(graph, d, wrap(originals[i])));
    });
    assert.deepEqual([...outside].sort(), []);
    // The fixtures exercise most of the table (a read in an untested branch would go unseen otherwise).
    assert.ok(paths.size > 25, `${paths.size} paths read`);
    ws.dispose();
  });

  it('link facts change with any value of the table, and stay when another property changes', () => {
    for (const { type, link, path: p } of TABLE) {
      const facts = (text: string, description: string) =>
        linkFacts(documentOf(type, bodyWith([...(p.length ? ([[DESCRIPTION, description]] as [Path, string][]) : []), [p, text]])));
      assert.notEqual(facts('a', 'x'), facts('b', 'x'), `${type} ${link} ${p.join('.')}`);
      if (p.length) assert.equal(facts('a', 'x'), facts('a', 'y'), `${type} description`);
    }
  });

  it('the ARM and Bicep edit checks take no edit inside a property the table lists, and take one inside another', () => {
    const cases: { type: string; key: string; linked: boolean }[] = [
      ...TABLE.filter((t) => t.path.length > 1 && t.path[0] === 'properties').map((t) => ({ type: t.type, key: t.path[1], linked: true })),
      // Types read whole (policies, principals) link by any property.
      ...[...new Set(TABLE.map((t) => t.type))].map((type) => ({
        type,
        key: 'description',
        linked: TABLE.some((t) => t.type === type && t.path.length === 0),
      })),
    ];
    for (const { type, key, linked } of cases) {
      assert.equal(linksProperty(type, key), linked, `${type} ${key}`);
      const arm = JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        resources: [{ type, apiVersion: '2024-04-03', name: 'r', properties: { [key]: 'needle' } }],
      });
      const at = arm.indexOf('needle') + 1;
      let located: readonly JsonNode[] = [];
      patchJson(parseJson(arm), arm.slice(0, at) + 'x' + arm.slice(at), { start: at, oldEnd: at, newText: 'x' }, '', (p) => (located = [...p]));
      assert.equal(linkNeutralEdit(located), !linked, `ARM ${type} ${key}`);
      const bicep = `resource r '${type}@2024-04-03' = {\n  name: 'r'\n  properties: {\n    ${key}: 'needle'\n  }\n}\n`;
      const b = bicep.indexOf('needle') + 1;
      assert.equal(bicepLinkNeutralEdit(parseBicep(bicep.slice(0, b) + 'x' + bicep.slice(b)), b, b + 1), !linked, `Bicep ${type} ${key}`);
    }
  });

  it('the link signature changes when a link does, and stays when another property changes', async () => {
    const g = await grammars();
    const uri = '/ws/main.bicep';
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'bicep', 'main.bicep'), 'utf8');
    const signature = (t: string) => {
      const ws = new Workspace(g);
      ws.set(uri, t);
      const s = linkSignature(ws.graph(), uri);
      ws.dispose();
      return s;
    };
    const before = signature(text);
    const edits: [string, string, string, boolean][] = [
      ['the host pool type', "hostPoolType: 'Pooled'", "hostPoolType: 'Personal'", true],
      ['the host pool name', "param hostPoolName string = 'hp-finance-pooled'", "param hostPoolName string = 'hp-other'", true],
      ["the application group's host pool", 'hostPoolArmPath: hostPool.id', "hostPoolArmPath: 'elsewhere'", true],
      ['the join extension', "type: 'AADLoginForWindows'", "type: 'JsonADDomainExtension'", true],
      ['the registration', 'hostPoolName: hostPool.name', "hostPoolName: 'elsewhere'", false],
      ['the registration token and name', 'RegistrationInfoToken: hostPool.listRegistrationTokens().value[0].token', "RegistrationInfoToken: 'x'", false],
      ['a principal', 'principalId: avdUsersGroupObjectId\n    principalType', "principalId: 'someone'\n    principalType", true],
      [
        'a role',
        "virtualMachineAdministratorLoginRoleId = '1c0163c0-47e6-4577-8991-ea5c82e286e4'",
        "virtualMachineAdministratorLoginRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'",
        true,
      ],
      ['a scope', 'scope: appGroup', 'scope: hostPool', true],
      ['the RDP properties', 'audiomode:i:0', 'audiomode:i:2', false],
      ['the session limit', 'maxSessionLimit: 12', 'maxSessionLimit: 20', false],
      ['the VM size', "vmSize: 'Standard_D4s_v5'", "vmSize: 'Standard_D8s_v5'", false],
    ];
    for (const [name, from, to, changes] of edits) {
      assert.ok(text.includes(from), from);
      assert.equal(signature(text.replace(from, to)) !== before, changes, name);
    }
    // The token links the hosts first; without it, the DSC host pool name does.
    const tokenless = text.replace('RegistrationInfoToken: hostPool.listRegistrationTokens().value[0].token', "RegistrationInfoToken: 'x'");
    assert.notEqual(signature(tokenless.replace('hostPoolName: hostPool.name', "hostPoolName: 'elsewhere'")), before, 'the registration');
  });
});
