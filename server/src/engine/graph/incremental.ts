import type { Document, Resource, Value } from '../model';
import { findRdp, parseRdpString } from '../rdp';
import { TOO_LONG_KEY, valueKey } from '../resolve/functions';
import { cases, get } from '../values';
import type { AvdGraph } from './build';
import { poolTypeOf } from './host-pools';
import { identityKey } from './identity';
import { FACT_TYPES, linkPaths } from './links';
import { resourceGroupOf, resourceName, typeOf } from './resources';
import { principalOf, type RoleAssignmentNode, type RoleCase, roleSource } from './role-assignments';

/**
 * What the graph knows about one document's resources, as text: their links and the facts other documents' findings
 * depend on. When an edit leaves it unchanged, no other document's findings can change.
 */
export function linkSignature(graph: AvdGraph, uri: string): string {
  return linkSignatures(graph, new Set([uri])).get(uri)!;
}

/**
 * The link signatures of several documents in one pass over the graph: a workspace's first check asks for all of
 * them, and a pass per document made it quadratic (10,000 files took minutes).
 */
export function linkSignatures(graph: AvdGraph, uris: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const u of uris) out.set(u, []);
  const add = (uri: string, line: string) => out.get(uri)?.push(line);
  for (const hp of graph.hostPools) {
    if (!out.has(hp.resource.source.uri)) continue;
    const poolType = poolTypeOf(hp.resource) ?? { kind: 'null', range: { start: 0, end: 0 } };
    const types = cases(poolType).map((c) => identityKey(c.value));
    add(
      hp.resource.source.uri,
      `hp ${hp.resource.key} ${identityKey(resourceName(hp.resource))} ${identityKey(resourceGroupOf(hp.resource))} ${types.join('|')} ${!!hp.resource.source.existing}`,
    );
  }
  // Resources other files' findings are judged by (principals, the network path, endpoints, storage, policy assignments).
  for (const d of graph.documents) {
    const lines = out.get(d.uri);
    if (lines) for (const r of d.resources) if (FACTS.has(typeOf(r))) lines.push(`fact ${r.key} ${signatureKey(r.body)}`);
  }
  for (const h of graph.sessionHosts) {
    const owners = new Set([h.vm.source.uri, ...h.extensions.map((e) => e.source.uri)].filter((u) => out.has(u)));
    if (!owners.size) continue;
    const line = `sh ${h.vm.key} ${identityKey(resourceGroupOf(h.vm))} ${h.joinType} ${h.hostPool?.resource.key} ${h.extensions.map((e) => e.key).join(',')}`;
    for (const u of owners) add(u, line);
  }
  for (const ra of graph.roleAssignments) {
    if (!out.has(ra.resource.source.uri)) continue;
    const scope =
      ra.scope.kind === 'vm'
        ? ra.scope.vm.key
        : ra.scope.kind === 'resourceGroup'
          ? identityKey(ra.scope.name)
          : ra.scope.kind === 'other'
            ? ra.scope.target?.key
            : '';
    add(
      ra.resource.source.uri,
      `ra ${ra.resource.key} ${ra.roles.map((r) => r.role?.guid).join(',')} ${ra.scope.kind}:${scope} ${identityKey(ra.principal)} ${ra.covers.length}`,
    );
  }
  for (const g of graph.appGroups) add(g.resource.source.uri, `ag ${g.resource.key} ${g.hostPool?.resource.key}`);
  for (const a of graph.applications) add(a.resource.source.uri, `app ${a.resource.key} ${a.appGroup?.resource.key}`);
  for (const w of graph.workspaces) add(w.resource.source.uri, `ws ${w.resource.key} ${w.appGroups.map((g) => g.resource.key).join(',')}`);
  for (const p of graph.caPolicies) if (out.has(p.source.uri)) add(p.source.uri, `ca ${p.key} ${signatureKey(p.body)}`);
  for (const d of graph.documents)
    if (out.has(d.uri))
      add(
        d.uri,
        `doc ${d.resources.length} ${(d.facts.providers ?? []).join(',')} ${d.resources
          .filter((r) => /desktopvirtualization/i.test(r.type))
          .map((r) => r.key)
          .join(',')}`,
      );
  return new Map([...out].map(([u, lines]) => [u, lines.join('\n')]));
}

const FACTS: ReadonlySet<string> = new Set(FACT_TYPES);

/**
 * The single sign-on state of a document's own host pools, computed from the document alone: an edit of an RDP string
 * leaves the graph as it was, but a policy in another file is judged by it (conditional-access-misses-sso-apps).
 */
export function ssoSignature(doc: Document): string {
  let sig = ssoSignatures.get(doc);
  if (sig === undefined) {
    sig = doc.resources
      .filter((r) => typeOf(r) === 'microsoft.desktopvirtualization/hostpools')
      .map((r) => `${r.key}:${ssoState(r)}`)
      .join(',');
    ssoSignatures.set(doc, sig);
  }
  return sig;
}

/** A document's model does not change: Workspace.prepare reads its signature ahead, linksChanged then finds it. */
const ssoSignatures = new WeakMap<Document, string>();

/**
 * Whether a pool turns single sign-on on, in each case of its RDP string: the Conditional Access rules judge the
 * policies of other files by it. Only this property: the rest of the string is the pool's own document's business.
 */
function ssoState(hp: Resource): string {
  const v = get(hp.body, 'properties', 'customRdpProperty');
  if (!v) return '';
  return cases(v)
    .map((c) =>
      c.value.kind === 'string'
        ? findRdp(parseRdpString(c.value), 'enablerdsaadauth')
            .map((t) => t.value.trim())
            .join('/')
        : c.value.kind,
    )
    .join('|');
}

/**
 * The values of one document that the graph links by (the paths of links.ts), as text, computed without the graph.
 * Two versions of a document with the same link facts give the same graph, so an edit that keeps them only swaps
 * resources in place.
 */
const linkFactsCache = new WeakMap<Document, string>();

export function linkFacts(doc: Document): string {
  let f = linkFactsCache.get(doc);
  if (f === undefined) linkFactsCache.set(doc, (f = computeLinkFacts(doc)));
  return f;
}

function computeLinkFacts(doc: Document): string {
  const out: string[] = [doc.uri, (doc.facts.providers ?? []).join(',')];
  const k = (v: Value | undefined) => (v ? signatureKey(v) : '-');
  for (const r of doc.resources) {
    const t = r.type.toLowerCase();
    out.push(`${r.key} ${t} ${!!r.source.existing} ${r.source.deploymentScope} ${k(r.source.resourceGroup)}`);
    for (const path of linkPaths(t)) out.push(k(get(r.body, ...path)));
  }
  // Outputs and module calls link across documents (graph/outputs.ts).
  for (const [name, e] of doc.facts.outputs ?? []) out.push(`output ${name} ${k(e.value)}`);
  for (const [key, v] of doc.facts.deploymentOutputs ?? []) out.push(`outputs ${key} ${k(v)}`);
  for (const input of doc.facts.inputs ?? []) if (input.module) out.push(`module ${input.module} ${input.targets.join(' ')}`);
  return out.join('\n');
}

/**
 * The graph with `next`'s resources in place of `prev`'s, when both have the same link facts (see `linkFacts`):
 * no linking is redone. Answers each old resource's new version; undefined when the resources do not pair up by key.
 */
export function swapDocument(
  graph: AvdGraph,
  prev: Document,
  next: Document,
  unchanged?: (r: Resource) => boolean,
): ReadonlyMap<Resource, Resource> | undefined {
  return swapDocuments(graph, [{ prev, next, unchanged }]);
}

/** A document's new version to swap into the graph (swapDocuments). */
export interface DocumentSwap {
  prev: Document;
  next: Document;
  /** The new resources an edit did not write in: their role assignments are read again only when asked (lazyRoles). */
  unchanged?: (r: Resource) => boolean;
}

/**
 * swapDocument for several documents at once, in one walk over the graph: a pull that changes many files of a large
 * workspace swaps each of them, and a walk per document made that quadratic (50 files of 10,000: seconds). Nothing
 * changes unless every document pairs up.
 */
export function swapDocuments(graph: AvdGraph, swaps: readonly DocumentSwap[]): ReadonlyMap<Resource, Resource> | undefined {
  if (graph.overlaid) return undefined;
  const swap = new Map<Resource, Resource>();
  const unchangedOf = new Map<Resource, (r: Resource) => boolean>();
  for (const { prev, next, unchanged } of swaps) {
    if (prev.resources.length !== next.resources.length) return undefined;
    const byKey = new Map(next.resources.map((r) => [r.key, r]));
    // Two resources of one key (a duplicate declaration) cannot be paired: link again.
    if (byKey.size !== next.resources.length) return undefined;
    for (const r of prev.resources) {
      const n = byKey.get(r.key);
      if (!n) return undefined;
      swap.set(r, n);
      if (unchanged) unchangedOf.set(n, unchanged);
    }
  }
  const s = (r: Resource) => swap.get(r) ?? r;
  // Role cases and principals are values of the new resources (their ranges moved); the roles they name did not.
  const roleUpdates = new Map<RoleAssignmentNode, { roles: RoleCase[]; principal: Value | undefined }>();
  const later: [RoleAssignmentNode, Resource][] = [];
  for (const ra of graph.roleAssignments) {
    const next = swap.get(ra.resource);
    if (!next) continue;
    // The text of a role assignment an edit did not write in still gives the same cases: read when asked (see lazyRoles).
    if (unchangedOf.get(next)?.(next)) {
      later.push([ra, next]);
      continue;
    }
    const source = roleSource(next);
    const now = source ? cases(source) : [];
    if (now.length !== ra.roles.length) return undefined;
    roleUpdates.set(ra, { roles: ra.roles.map((rc, i) => ({ ...rc, value: now[i].value, when: now[i].when })), principal: principalOf(next) });
  }
  for (const hp of graph.hostPools) hp.resource = s(hp.resource);
  for (const g of graph.appGroups) g.resource = s(g.resource);
  for (const a of graph.applications) a.resource = s(a.resource);
  for (const w of graph.workspaces) w.resource = s(w.resource);
  for (const h of graph.sessionHosts) {
    h.vm = s(h.vm);
    h.extensions = h.extensions.map(s);
    if (h.joinEvidence) h.joinEvidence = s(h.joinEvidence);
  }
  for (const ra of graph.roleAssignments) {
    ra.resource = s(ra.resource);
    if (ra.scope.kind === 'vm') ra.scope = { kind: 'vm', vm: s(ra.scope.vm) };
    else if (ra.scope.kind === 'other' && ra.scope.target) ra.scope = { ...ra.scope, target: s(ra.scope.target) };
    const u = roleUpdates.get(ra);
    if (u) Object.assign(ra, u);
  }
  for (const [ra, r] of later) lazyRoles(ra, r);
  graph.caPolicies = graph.caPolicies.map(s);
  for (const list of graph.endUsers.values()) for (const u of list) Object.assign(u, { assignment: s(u.assignment), appGroup: s(u.appGroup) });
  for (const [from, to] of swap) {
    graph.byKey.delete(from.key);
    graph.byKey.set(to.key, to);
  }
  const nextOf = new Map(swaps.map((w) => [w.prev, w.next]));
  graph.documents = graph.documents.map((d) => nextOf.get(d) ?? d);
  return swap;
}

const lastRead = new WeakMap<RoleAssignmentNode, RoleCase[]>();

/**
 * A role assignment's role cases and principal as values of `r`, its new version, read on first use: a keystroke's
 * first answer judges a few subjects, and a large template holds hundreds of role assignments whose values only moved.
 */
function lazyRoles(ra: RoleAssignmentNode, r: Resource): void {
  // Not read yet since the last swap: its roles as they were read last, which name the same roles.
  const before = Object.getOwnPropertyDescriptor(ra, 'roles')?.get ? lastRead.get(ra)! : ra.roles;
  lastRead.set(ra, before);
  let roles: RoleCase[] | undefined;
  let principal: { value: Value | undefined } | undefined;
  Object.defineProperty(ra, 'roles', {
    configurable: true,
    enumerable: true,
    get: () => {
      if (!roles) {
        const source = roleSource(r);
        const now = source ? cases(source) : [];
        roles = before.map((rc, i) => (now[i] ? { ...rc, value: now[i].value, when: now[i].when } : rc));
      }
      return roles;
    },
    set: (v: RoleCase[]) => void (roles = v),
  });
  Object.defineProperty(ra, 'principal', {
    configurable: true,
    enumerable: true,
    get: () => (principal ??= { value: principalOf(r) }).value,
    set: (v: Value | undefined) => void (principal = { value: v }),
  });
}

const ownKeys = new WeakMap<Value, string>();
let ownKeyCount = 0;

/**
 * A value's key in a signature. A value whose key is too long to build gets one of its own, so a new version of it
 * never looks unchanged: its links are made again.
 */
function signatureKey(v: Value): string {
  const k = valueKey(v);
  if (k !== TOO_LONG_KEY) return k;
  let own = ownKeys.get(v);
  if (own === undefined) ownKeys.set(v, (own = `#${++ownKeyCount}`));
  return own;
}
