import { DESKTOP_VIRTUALIZATION_USER } from '../knowledge/roles';
import type { AvdGraph, HostPoolNode } from '../graph';
import { location, sameValue } from '../graph';
import type { RelatedInfo, Resource, Value } from '../model';
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
  const v = get(hp.body, 'properties', 'hostPoolType');
  if (!v) return [{ type: undefined, when: '' }];
  return cases(v).map((c) => ({ type: knownString(c.value)?.trim().toLowerCase(), when: c.when, value: c.value }));
}

/** The cases in which the pool is pooled (multi-session); empty when it never is or the type is unknown. */
export function pooledCases(hp: Resource): PoolTypeCase[] {
  return poolTypeCases(hp).filter((c) => c.type === 'pooled');
}

/** "when hostPoolType is 'Pooled'"-style suffix for messages, only when the pool could also be something else. */
export function caseSuffix(all: PoolTypeCase[], chosen: PoolTypeCase[]): string {
  if (all.length <= 1 || chosen.length === all.length) return '';
  const whens = chosen.map((c) => c.when).filter(Boolean);
  return whens.length ? ` (${whens.join('; ')})` : '';
}

/**
 * Whether `principal` holds Desktop Virtualization User on an application group of the pool: then it is an end user
 * of that pool, not a helpdesk or admin group.
 */
export function isEndUserOf(graph: AvdGraph, pool: HostPoolNode, principal: Value | undefined): Resource | undefined {
  if (!principal) return undefined;
  for (const ra of graph.roleAssignments) {
    if (!ra.roles.some((r) => r.role === DESKTOP_VIRTUALIZATION_USER)) continue;
    if (!sameValue(ra.principal, principal)) continue;
    const target = ra.scope.kind === 'other' ? ra.scope.target : undefined;
    if (target && pool.appGroups.some((g) => g.resource === target)) return ra.resource;
  }
  return undefined;
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
    if (text.replace(/…/g, '').length >= 2 && text.length <= 60) return `'${text}'`;
  }
  if (r.source.symbol && /^[A-Za-z_]/.test(r.source.symbol)) return `'${r.source.symbol.split('/').pop()}'`;
  return name ? `(named by ${describe(name)})` : 'without a name';
}
