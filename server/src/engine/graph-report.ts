import { displayName } from './facts/host-pools';
import { type AvdGraph, type HostPoolNode, identityKey, poolTypeOf, resourceGroupOf, type RoleAssignmentNode, type SessionHostNode } from './graph';
import { location } from './graph/resources';
import type { Location, Resource } from './model';
import { cases, describe, knownString } from './values';

/** One resource linked to a host pool, and how the link was made. */
export interface LinkedResource {
  name: string;
  at: Location;
  link: string;
}

export interface LinkedRoleAssignment extends LinkedResource {
  /** The role it grants ("Virtual Machine Administrator Login"; "unknown role" when the id is not known). */
  role: string;
  /** Its scope in words ("resource group 'rg-avd'", "the subscription", "session host 'vm1'"). */
  scope: string;
}

export interface HostPoolReport {
  name: string;
  at: Location;
  /** Pooled or Personal ("Pooled or Personal" when it depends on an input; "unknown" when nothing says). */
  type: string;
  sessionHosts: LinkedResource[];
  appGroups: LinkedResource[];
  roleAssignments: LinkedRoleAssignment[];
  /** Parameter files, module calls and tfvars that pass values to the pool's template, directly or through its callers. */
  parameterFiles: { uri: string; label: string }[];
}

/** What the graph links, per host pool, with what it could not link: the answer to "why was this not flagged?". */
export interface GraphReport {
  hostPools: HostPoolReport[];
  /** Session hosts (VMs with the AVD agent) linked to no host pool. */
  unlinkedSessionHosts: LinkedResource[];
  /** Role assignments whose scope avdsec cannot tell (so they cover no session host). */
  unknownScopeRoleAssignments: LinkedRoleAssignment[];
  summary: { hostPools: number; hostPoolsWithSessionHosts: number; sessionHosts: number; roleAssignments: number; roleAssignmentsWithKnownScope: number };
}

/** The documents that pass values to a template (callers and parameter files), transitively, with their labels. */
export type InputsOf = (uri: string) => readonly { uri: string; label: string }[];

const HOST_LINKS: Record<NonNullable<SessionHostNode['link']>, string> = {
  'host-pool-name': 'the host pool name in the AVD agent (DSC) settings',
  'registration-token': "the host pool's registration token given to an extension or run command of the VM",
  tag: 'the cm-resource-parent tag',
};

export function graphReport(graph: AvdGraph, inputsOf: InputsOf): GraphReport {
  // An `existing` host pool is a reference to one deployed elsewhere, not a pool of its own.
  const pools = graph.hostPools.filter((p) => !p.resource.source.existing);
  const byPool = new Map<HostPoolNode, LinkedRoleAssignment[]>();
  const unknownScope: LinkedRoleAssignment[] = [];
  for (const ra of graph.roleAssignments) {
    if (ra.scope.kind === 'unknown') unknownScope.push(linkedRole(ra, 'scope not known'));
    for (const pool of new Set(ra.covers.flatMap((h) => (h.hostPool ? [h.hostPool] : [])))) {
      const hosts = ra.covers.filter((h) => h.hostPool === pool);
      const names = hosts.slice(0, 3).map((h) => displayName(h.vm));
      const more = hosts.length > 3 ? ` and ${hosts.length - 3} more` : '';
      list(byPool, pool).push(linkedRole(ra, `scope covers session host${hosts.length === 1 ? '' : 's'} ${names.join(', ')}${more}`));
    }
    // A pool with no visible session host: a grant over the resource group that holds it is inferred to cover its hosts.
    if (ra.scope.kind === 'resourceGroup') {
      const k = identityKey(ra.scope.name);
      for (const pool of pools) {
        if (pool.sessionHosts.length || k === undefined || identityKey(resourceGroupOf(pool.resource)) !== k) continue;
        list(byPool, pool).push(linkedRole(ra, 'inferred: scope is the resource group of the host pool, and no session host of the pool is visible'));
      }
    }
  }
  return {
    hostPools: pools.map((pool) => ({
      name: displayName(pool.resource),
      at: location(pool.resource),
      type: poolType(pool.resource),
      sessionHosts: pool.sessionHosts.map((h) => ({ name: displayName(h.vm), at: location(h.vm), link: h.link ? HOST_LINKS[h.link] : 'a link' })),
      appGroups: pool.appGroups.map((g) => ({ name: displayName(g.resource), at: location(g.resource), link: 'its host pool id (hostPoolArmPath)' })),
      roleAssignments: byPool.get(pool) ?? [],
      parameterFiles: transitiveInputs(pool.resource.source.uri, inputsOf),
    })),
    unlinkedSessionHosts: graph.sessionHosts
      .filter((h) => !h.hostPool)
      .map((h) => ({ name: displayName(h.vm), at: location(h.vm), link: 'no host pool name or registration token that avdsec can follow' })),
    unknownScopeRoleAssignments: unknownScope,
    summary: {
      hostPools: pools.length,
      hostPoolsWithSessionHosts: pools.filter((p) => p.sessionHosts.length).length,
      sessionHosts: graph.sessionHosts.length,
      roleAssignments: graph.roleAssignments.length,
      roleAssignmentsWithKnownScope: graph.roleAssignments.length - unknownScope.length,
    },
  };
}

/**
 * The report as a face shows it: each resource's location replaced by `at` (a relative file and 1-based range for the
 * CLI, a URI and LSP range for the language server) and each parameters file's by `file`.
 */
export function placeReport<L extends object, F extends object>(report: GraphReport, at: (l: Location) => L, file: (uri: string) => F) {
  const linked = (r: LinkedResource) => ({ name: r.name, ...at(r.at), link: r.link });
  const role = (r: LinkedRoleAssignment) => ({ ...linked(r), role: r.role, scope: r.scope });
  return {
    hostPools: report.hostPools.map((hp) => ({
      name: hp.name,
      ...at(hp.at),
      type: hp.type,
      sessionHosts: hp.sessionHosts.map(linked),
      appGroups: hp.appGroups.map(linked),
      roleAssignments: hp.roleAssignments.map(role),
      parameterFiles: hp.parameterFiles.map((p) => ({ ...file(p.uri), label: p.label })),
    })),
    unlinkedSessionHosts: report.unlinkedSessionHosts.map(linked),
    unknownScopeRoleAssignments: report.unknownScopeRoleAssignments.map(role),
    summary: report.summary,
  };
}

function list<K, V>(map: Map<K, V[]>, k: K): V[] {
  let l = map.get(k);
  if (!l) map.set(k, (l = []));
  return l;
}

function linkedRole(ra: RoleAssignmentNode, link: string): LinkedRoleAssignment {
  const roles = [...new Set(ra.roles.map((r) => r.role?.name ?? 'unknown role'))];
  return { name: displayName(ra.resource), at: location(ra.resource), link, role: roles.join(' or ') || 'unknown role', scope: scopeText(ra) };
}

function scopeText(ra: RoleAssignmentNode): string {
  const s = ra.scope;
  switch (s.kind) {
    case 'vm':
      return `session host ${displayName(s.vm)}`;
    case 'resourceGroup': {
      const name = describe(s.name);
      return name.startsWith('the ') ? name : `resource group ${name}`;
    }
    case 'subscription':
      return 'the subscription';
    case 'managementGroup':
      return 'a management group or the tenant';
    case 'other':
      return s.target ? `${s.target.type} ${displayName(s.target)}` : (s.type ?? 'another resource');
    case 'unknown':
      return 'unknown';
  }
}

function poolType(hp: Resource): string {
  const v = poolTypeOf(hp);
  if (!v) return 'unknown';
  const known = cases(v).map((c) => knownString(c.value));
  if (known.some((k) => k === undefined)) return 'unknown';
  return [...new Set(known)].join(' or ');
}

function transitiveInputs(uri: string, inputsOf: InputsOf): { uri: string; label: string }[] {
  const out: { uri: string; label: string }[] = [];
  const seen = new Set([uri]);
  const queue = [uri];
  while (queue.length) {
    for (const input of inputsOf(queue.shift()!)) {
      if (seen.has(input.uri)) continue;
      seen.add(input.uri);
      out.push(input);
      queue.push(input.uri);
    }
  }
  return out;
}
