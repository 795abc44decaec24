import type { AvdGraph, HostPoolNode } from '../graph';
import { identityKey, indexBy, location, parentNameOf, poolTypeOf, resourceGroupOf, typeOf } from '../graph';
import { carryOver } from '../graph/carried';
import type { Document, RelatedInfo, Resource, Value } from '../model';
import { clip } from '../message';
import { cases, describe, get, knownString } from '../values';

/** Facts about host pools that several rules share. */

export interface PoolTypeCase {
  /** 'pooled' | 'personal' | other lower-case type, or undefined when unknown. */
  type?: string;
  when: string;
  value?: Value;
}

/** The host pool's type in each case it can take (a ternary, an @allowed parameter). Azure enums compare case-insensitively. */
export function poolTypeCases(hp: Resource): PoolTypeCase[] {
  let found = poolTypes.get(hp);
  if (!found) {
    const v = poolTypeOf(hp);
    found = v ? cases(v).map((c) => ({ type: knownString(c.value)?.trim().toLowerCase(), when: c.when, value: c.value })) : [{ type: undefined, when: '' }];
    poolTypes.set(hp, found);
  }
  return found;
}

/** Each pool's type cases: most rules ask, for every grant and session host they judge. */
const poolTypes = new WeakMap<Resource, PoolTypeCase[]>();

/** The cases in which the pool is pooled (multi-session); empty when it never is or the type is unknown. */
export function pooledCases(hp: Resource): PoolTypeCase[] {
  return poolTypeCases(hp).filter((c) => c.type === 'pooled');
}

/**
 * Whether `principal` holds Desktop Virtualization User on an application group of the pool: then it is an end user
 * of that pool, not a helpdesk or admin group.
 */
export function isEndUserOf(graph: AvdGraph, pool: HostPoolNode, principal: Value | undefined): Resource | undefined {
  const k = identityKey(principal);
  if (k === undefined) return undefined;
  return graph.endUsers.get(k)?.find((u) => pool.appGroups.some((g) => g.resource === u.appGroup))?.assignment;
}

export function relatedResource(r: Resource, message: string): RelatedInfo {
  const l = location(r);
  return { uri: l.uri, range: l.range, message };
}

/**
 * A short human name of a resource for messages: its name with unknown parts shown as `…` (`'fin-avd-…'`), else its
 * symbolic name, else what the name is computed from.
 */
export function displayName(r: Resource): string {
  let d = displayNames.get(r);
  if (d === undefined) displayNames.set(r, (d = computeDisplayName(r)));
  return d;
}

/** Each resource's display name: messages, related lines and keys ask for it many times per check. */
const displayNames = new WeakMap<Resource, string>();

function computeDisplayName(r: Resource): string {
  const name = get(r.body, 'name');
  if (name?.kind === 'string') {
    const text = name.parts.map((p) => (p.kind === 'text' ? p.text : '…')).join('');
    const holes = name.parts.length - name.parts.filter((p) => p.kind === 'text').length;
    const known = text.length - holes;
    // A name that is mostly interpolation ('…-…-…-001') says less than the symbol the user wrote.
    if (known >= 2 && known >= 3 * holes && text.length <= 44) return `'${text}'`;
  }
  if (r.source.symbol && /^[A-Za-z_]/.test(r.source.symbol)) return `'${clip(r.source.symbol.split('/').pop()!, 44)}'`;
  return name && name.kind !== 'null' ? `(named by ${clip(describe(name), 28)})` : 'without a name';
}

const unlinked = new WeakMap<readonly Document[], { pools: HostPoolNode[]; byResourceGroup: Map<string, HostPoolNode[]> }>();

/**
 * Pooled host pools with no visible session host (deployed apart from their hosts), and the same by resource group:
 * a grant over the scope that holds one is still a risk, only inferred. Once per graph (a graph swapped in place keeps
 * its links, so this answer).
 */
export function unlinkedPooledPools(graph: AvdGraph): { pools: HostPoolNode[]; byResourceGroup: Map<string, HostPoolNode[]> } {
  let u = unlinked.get(graph.documents);
  if (!u) {
    const pools = graph.hostPools.filter((hp) => !hp.resource.source.existing && !hp.sessionHosts.length && pooledCases(hp.resource).length);
    unlinked.set(graph.documents, (u = { pools, byResourceGroup: indexBy(pools, (hp) => resourceGroupOf(hp.resource)) }));
  }
  return u;
}

const SESSION_HOST_CONFIGURATION = 'microsoft.desktopvirtualization/hostpools/sessionhostconfigurations';

/**
 * The session host configuration of a pool (preview session host management): the service creates the pool's hosts
 * and manages sign-in to them, so users need no VM login grant of their own. Found by its `pool/config` name.
 */
export function sessionHostConfiguration(graph: AvdGraph, pool: HostPoolNode): Resource | undefined {
  const c = configurations(graph);
  const poolName = identityKey(get(pool.resource.body, 'name'));
  return c.byParent.get(pool.resource.key) ?? (poolName !== undefined ? c.byPoolName.get(poolName) : undefined);
}

/**
 * The workspace's session host configurations by the pool they name, indexed once per version of the documents (an
 * edit gives the graph a new documents array): rules ask for every pool, and a scan of all resources per pool would
 * make thousands of pools quadratic.
 */
const configurationIndex = new WeakMap<readonly Document[], { byParent: Map<string, Resource>; byPoolName: Map<string, Resource> }>();

function configurations(graph: AvdGraph): { byParent: Map<string, Resource>; byPoolName: Map<string, Resource> } {
  let c =
    configurationIndex.get(graph.documents) ??
    // A keystroke in no session host configuration keeps them (and the pool keys and names they give).
    carryOver(
      graph,
      configurationIndex,
      (r) => typeOf(r) === SESSION_HOST_CONFIGURATION,
      (before, now) => ({
        byParent: new Map([...before.byParent].map(([k, r]) => [k, now(r)])),
        byPoolName: new Map([...before.byPoolName].map(([k, r]) => [k, now(r)])),
      }),
    );
  if (c) return c;
  c = { byParent: new Map(), byPoolName: new Map() };
  for (const r of graph.byKey.values()) {
    if (typeOf(r) !== SESSION_HOST_CONFIGURATION || r.source.existing) continue;
    // Bicep's `parent: hostPool`, Terraform azapi's `parent_id`; else ARM's `pool/config` name.
    const parent = get(r.body, 'parent') ?? get(r.body, 'parentId') ?? get(r.body, 'parent_id');
    if (parent?.kind === 'ref' && parent.target !== undefined && !c.byParent.has(parent.target)) c.byParent.set(parent.target, r);
    const name = identityKey(parentNameOf(r));
    if (name !== undefined && !c.byPoolName.has(name)) c.byPoolName.set(name, r);
  }
  configurationIndex.set(graph.documents, c);
  return c;
}

export interface JoinLadder {
  /** 0 when Microsoft Entra joined hosts are seen, -1 when the join type is not visible, -2 when every host is joined only to Active Directory. */
  shift: number;
  adOnly: boolean;
  /** The hosts that show the join type (at most three), for related information. */
  evidence: RelatedInfo[];
}

/**
 * The level ladder of the rules about Microsoft Entra sign-in to a pool's hosts (single sign-on, the legacy password
 * sign-in): what the session hosts linked to the pool show of their join type.
 */
export function joinLadder(pool: HostPoolNode): JoinLadder {
  const hosts = pool.sessionHosts;
  const entra = hosts.filter((h) => h.joinType === 'entra' || h.joinType === 'mixed');
  if (entra.length) {
    const evidence = entra.slice(0, 3).map((h) => relatedResource(h.joinEvidence ?? h.vm, `Session host ${displayName(h.vm)} is Microsoft Entra joined`));
    return { shift: 0, adOnly: false, evidence };
  }
  if (hosts.length && hosts.every((h) => h.joinType === 'ad')) {
    const evidence = hosts
      .slice(0, 3)
      .map((h) => relatedResource(h.joinEvidence ?? h.vm, `Session host ${displayName(h.vm)} is joined only to Active Directory`));
    return { shift: -2, adOnly: true, evidence };
  }
  return { shift: -1, adOnly: false, evidence: [] };
}
