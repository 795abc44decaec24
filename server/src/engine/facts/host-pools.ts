import type { AvdGraph, HostPoolNode } from '../graph';
import { identityKey, indexBy, location, poolTypeOf, resourceGroupOf } from '../graph';
import type { RelatedInfo, Resource, Value } from '../model';
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
  const v = poolTypeOf(hp);
  if (!v) return [{ type: undefined, when: '' }];
  return cases(v).map((c) => ({ type: knownString(c.value)?.trim().toLowerCase(), when: c.when, value: c.value }));
}

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

const unlinked = new WeakMap<AvdGraph, { pools: HostPoolNode[]; byResourceGroup: Map<string, HostPoolNode[]> }>();

/**
 * Pooled host pools with no visible session host (deployed apart from their hosts), and the same by resource group:
 * a grant over the scope that holds one is still a risk, only inferred. Once per graph (a graph swapped in place keeps
 * its links, so this answer).
 */
export function unlinkedPooledPools(graph: AvdGraph): { pools: HostPoolNode[]; byResourceGroup: Map<string, HostPoolNode[]> } {
  let u = unlinked.get(graph);
  if (!u) {
    const pools = graph.hostPools.filter((hp) => !hp.resource.source.existing && !hp.sessionHosts.length && pooledCases(hp.resource).length);
    unlinked.set(graph, (u = { pools, byResourceGroup: indexBy(pools, (hp) => resourceGroupOf(hp.resource)) }));
  }
  return u;
}
