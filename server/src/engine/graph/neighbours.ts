import type { Resource } from '../model';
import type { AppGroupNode } from './app-groups';
import type { ApplicationNode } from './applications';
import type { AvdGraph } from './build';
import type { HostPoolNode } from './host-pools';
import { identityKey, indexBy } from './identity';
import { resourceGroupOf } from './resources';
import type { RoleAssignmentNode } from './role-assignments';
import type { SessionHostNode } from './session-hosts';
import type { WorkspaceNode } from './workspaces';

/** Links beyond which a subject's neighbours are not checked again with it. */
const HUB = 16;

type SubjectNode = HostPoolNode | SessionHostNode | AppGroupNode | ApplicationNode | WorkspaceNode | RoleAssignmentNode;

const declaring = (n: SubjectNode): Resource => ('vm' in n ? n.vm : n.resource);

/**
 * Per graph: a swap (incremental.ts) keeps the graph and its nodes, and is made only for edits that kept the links, so
 * the nodes link as they did. Every keystroke's first answer asks.
 */
const linksOf = new WeakMap<AvdGraph, Map<SubjectNode, SubjectNode[]>>();

/** The graph's subjects with the subjects each links to, both ways: a pool and its hosts and groups, a grant and what it covers. */
function links(graph: AvdGraph): Map<SubjectNode, SubjectNode[]> {
  const known = linksOf.get(graph);
  if (known) return known;
  const out = new Map<SubjectNode, SubjectNode[]>();
  linksOf.set(graph, out);
  const add = (a: SubjectNode, b: SubjectNode) => {
    const list = out.get(a);
    if (list) list.push(b);
    else out.set(a, [b]);
  };
  const link = (a: SubjectNode | undefined, b: SubjectNode | undefined) => {
    if (!a || !b) return;
    add(a, b);
    add(b, a);
  };
  for (const hp of graph.hostPools) {
    for (const h of hp.sessionHosts) link(hp, h);
    for (const g of hp.appGroups) link(hp, g);
  }
  for (const h of graph.sessionHosts) link(h, h.hostPool);
  const groupOf = new Map<Resource, AppGroupNode>();
  for (const g of graph.appGroups) {
    groupOf.set(g.resource, g);
    link(g, g.hostPool);
    for (const a of g.applications) link(g, a);
    for (const w of g.workspaces) link(g, w);
  }
  for (const a of graph.applications) link(a, a.appGroup);
  for (const w of graph.workspaces) for (const g of w.appGroups) link(w, g);
  const grantOf = new Map<Resource, RoleAssignmentNode>();
  for (const ra of graph.roleAssignments) {
    grantOf.set(ra.resource, ra);
    for (const h of ra.covers) link(ra, h);
    if (ra.scope.kind === 'other' && ra.scope.target) link(ra, groupOf.get(ra.scope.target));
  }
  for (const users of graph.endUsers.values()) for (const u of users) link(grantOf.get(u.assignment), groupOf.get(u.appGroup));
  // A grant over the resource group, subscription or management group that holds a pool with no visible session host
  // is judged by that pool (its finding says "inferred"): a change to the pool can change it.
  const hostless = graph.hostPools.filter((hp) => !hp.sessionHosts.length);
  if (hostless.length) {
    const byGroup = indexBy(hostless, (hp) => resourceGroupOf(hp.resource));
    for (const ra of graph.roleAssignments) {
      const s = ra.scope;
      const pools =
        s.kind === 'resourceGroup' ? byGroup.get(identityKey(s.name) ?? '') : s.kind === 'subscription' || s.kind === 'managementGroup' ? hostless : undefined;
      for (const hp of pools ?? []) link(ra, hp);
    }
  }
  return out;
}

/**
 * The resources that declare the subjects a change to `touched` can change the findings of: the subjects declared by
 * those resources (a session host also by its extensions), and those within two links of them, whose findings name
 * them or read them (a pool's finding names its hosts; a grant is judged by the pool's assignment type), except
 * through a subject with more than HUB links (a host that every grant of a shared resource group covers). Undefined
 * when a touched resource belongs to no subject (a network, a storage account): then what reads it is not known here.
 */
export function subjectsNear(graph: AvdGraph, touched: ReadonlySet<Resource>): Set<Resource> | undefined {
  const seeds = new Set<SubjectNode>();
  const found = new Set<Resource>();
  const all: SubjectNode[] = [
    ...graph.hostPools,
    ...graph.sessionHosts,
    ...graph.appGroups,
    ...graph.applications,
    ...graph.workspaces,
    ...graph.roleAssignments,
  ];
  for (const n of all) {
    const own = [declaring(n), ...('vm' in n ? [...n.extensions, ...(n.joinEvidence ? [n.joinEvidence] : [])] : [])];
    const hit = own.filter((r) => touched.has(r));
    if (!hit.length) continue;
    seeds.add(n);
    for (const r of hit) found.add(r);
  }
  for (const r of graph.caPolicies) if (touched.has(r)) found.add(r);
  if (found.size < touched.size) return undefined;
  const adjacent = links(graph);
  const near = new Set<SubjectNode>(seeds);
  let edge = [...seeds];
  for (let hop = 0; hop < 2; hop++) {
    const next: SubjectNode[] = [];
    for (const n of edge) {
      const around = adjacent.get(n) ?? [];
      // A node many others link to (a host every grant of its resource group covers) is checked, not gone through.
      if (hop > 0 && around.length > HUB) continue;
      for (const m of around) {
        if (near.has(m)) continue;
        near.add(m);
        next.push(m);
      }
    }
    edge = next;
  }
  const out = new Set<Resource>([...near].map(declaring));
  for (const r of graph.caPolicies) if (touched.has(r)) out.add(r);
  return out;
}
