import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AvdGraph, buildGraph, swapDocument, swapDocuments } from '../../server/src/engine/graph';
import type { Document, Resource } from '../../server/src/engine/model';
import { Workspace } from '../../server/src/engine/workspace';
import { FIXTURES, grammars, listFiles, ROOT, uriOf } from '../harness/engine';

/** A new version of a document: the same resources (same keys), as new objects. */
const again = (d: Document): Document => ({ ...d, resources: d.resources.map((r) => ({ ...r })) });

/** Every resource the graph's nodes and index point at, by where. */
function pointedAt(graph: AvdGraph): Map<string, Resource[]> {
  return new Map<string, Resource[]>([
    ['documents', graph.documents.flatMap((d) => d.resources)],
    ['byKey', [...graph.byKey.values()]],
    ['hostPools', graph.hostPools.map((hp) => hp.resource)],
    ['appGroups', graph.appGroups.map((g) => g.resource)],
    ['sessionHosts', graph.sessionHosts.flatMap((h) => [h.vm, ...h.extensions])],
    ['roleAssignments', graph.roleAssignments.map((ra) => ra.resource)],
    ['caPolicies', graph.caPolicies],
  ]);
}

/** The keys the graph points at, by where: what a swap must keep, node for node. */
const keysOf = (graph: AvdGraph) => [...pointedAt(graph)].map(([where, list]) => [where, list.map((r) => r.key)]);

describe('graph: several documents swapped in one walk (swapDocuments)', () => {
  let documents: Document[];
  before(async () => {
    const ws = new Workspace(await grammars());
    for (const dir of [path.join(ROOT, 'examples'), path.join(FIXTURES, 'compiled')])
      for (const f of listFiles(dir)) ws.set(uriOf(f), fs.readFileSync(f, 'utf8'));
    documents = ws.documents();
    ws.dispose();
  });

  it('swaps every document at once as one at a time does, and nothing of the old versions is left', () => {
    const one = buildGraph(documents.map(again));
    const all = buildGraph(documents.map(again));
    assert.ok(all.hostPools.length > 3 && all.sessionHosts.length > 1 && all.roleAssignments.length > 3, 'a graph worth swapping');
    const before = new Set(all.documents.flatMap((d) => d.resources));
    for (const d of [...one.documents]) assert.ok(swapDocument(one, d, again(d)));
    const swap = swapDocuments(
      all,
      all.documents.map((prev) => ({ prev, next: again(prev) })),
    );
    assert.ok(swap);
    assert.equal(swap.size, before.size);
    assert.deepEqual(keysOf(all), keysOf(one));
    for (const [where, list] of pointedAt(all)) assert.ok(!list.some((r) => before.has(r)), `${where} still points at an old resource`);
  });

  it('changes nothing when one of the documents does not pair up', () => {
    const graph = buildGraph(documents.map(again));
    const docs = graph.documents;
    const pointed = pointedAt(graph);
    const last = [...docs].reverse().find((d) => d.resources.length > 1)!;
    const swaps = docs.map((prev) => ({ prev, next: prev === last ? { ...again(prev), resources: prev.resources.slice(1) } : again(prev) }));
    assert.equal(swapDocuments(graph, swaps), undefined);
    assert.equal(graph.documents, docs);
    for (const [where, list] of pointedAt(graph)) {
      const was = pointed.get(where)!;
      assert.ok(list.length === was.length && list.every((r, i) => r === was[i]), `${where} changed`);
    }
  });
});
