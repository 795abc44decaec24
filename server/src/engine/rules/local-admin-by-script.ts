import { AVD_OBJECT_TYPES, TYPES } from '../graph/links';
import { allowListed, isNamedAdminGroup, namesAdminGroup, namesEveryUser } from '../facts/admin-principals';
import { deviceLocalAdminGrants, DEVICE_LOCAL_ADMIN, type DirectoryRoleGrant } from '../facts/directory-roles';
import { displayName, isEndUserOf, poolTypeCases, pooledCases, relatedResource } from '../facts/host-pools';
import { adminGrants, type AdminGrant, type Member, scriptSources, type ScriptSource } from '../facts/local-admin-scripts';
import type { AvdGraph, HostPoolNode, SessionHostNode } from '../graph';
import { identityKey, resourceGroupOf } from '../graph';
import { caseNote, clip, fitting } from '../message';
import type { RelatedInfo, Resource, StringValue } from '../model';
import { cases, knownBoolean } from '../values';
import { type Deployment, defineRule, fix, type RuleContext } from '../rule';
import docs from './local-admin-by-script.md';

const OPTIONS = {
  adminPrincipals: {
    type: 'string[]',
    default: [],
    description:
      'Principals allowed to be local administrators of pooled hosts: object ids, account or group names as scripts write them, or names of the parameters/variables that hold them.',
  },
} as const;

type Ctx = RuleContext<typeof OPTIONS>;

/** The pooled host pools a session host belongs to: its own, or (not linked) the pooled pools whose hosts are not visible. */
function poolsOf(graph: AvdGraph, h: SessionHostNode): { pools: HostPoolNode[]; inferred: boolean } | undefined {
  if (h.hostPool) return pooledCases(h.hostPool.resource).length ? { pools: [h.hostPool], inferred: false } : undefined;
  // Only when every candidate pool without visible hosts is pooled: a personal one may be this host's.
  const hostless = graph.hostPools.filter((hp) => !hp.resource.source.existing && !hp.sessionHosts.length);
  const allPooled = (pools: HostPoolNode[]) => pools.length > 0 && pools.every((hp) => pooledCases(hp.resource).length);
  const k = identityKey(resourceGroupOf(h.vm));
  const sameGroup = k === undefined ? [] : hostless.filter((hp) => identityKey(resourceGroupOf(hp.resource)) === k);
  if (sameGroup.length) return allPooled(sameGroup) ? { pools: sameGroup, inferred: true } : undefined;
  return allPooled(hostless) ? { pools: hostless, inferred: true } : undefined;
}

/** How a member of the Administrators group counts: not at all (an admin group, allow-listed), every user, or someone. */
function memberVerdict(graph: AvdGraph, pools: HostPoolNode[], m: Member, allow: readonly string[]): { skip?: true; everyUser?: Resource | true } {
  if (m.text !== undefined) {
    const text = m.text.trim();
    if (allow.some((a) => a.toLowerCase() === text.toLowerCase())) return { skip: true };
    if (namesEveryUser(text)) return { everyUser: true };
    if (namesAdminGroup(text)) return { skip: true };
    return {};
  }
  if (m.hole) {
    if (allowListed(m.hole, allow)) return { skip: true };
    for (const pool of pools) {
      const endUser = isEndUserOf(graph, pool, m.hole);
      if (endUser) return { everyUser: endUser };
    }
  }
  return {};
}

interface GrantVerdict {
  grant: AdminGrant;
  /** The member named in the message, quoted; undefined when no name is known. */
  name?: string;
  everyUser?: Resource | true;
}

function grantVerdict(graph: AvdGraph, pools: HostPoolNode[], grant: AdminGrant, allow: readonly string[]): GrantVerdict | undefined {
  if (!grant.members.length) return { grant };
  const counted = grant.members.map((m) => ({ m, v: memberVerdict(graph, pools, m, allow) })).filter((x) => !x.v.skip);
  if (!counted.length) return undefined;
  const worst = counted.find((x) => x.v.everyUser) ?? counted[0];
  return { grant, name: worst.m.text !== undefined ? `'${clip(worst.m.text.trim(), 32)}'` : undefined, everyUser: worst.v.everyUser };
}

function scriptName(ext: Resource, src: ScriptSource): string {
  // ARM names a child `vm/extension`; Bicep and Terraform name the extension alone.
  const name = displayName(ext).replace(/^'[^']*\/([^'/]+)'$/, "'$1'");
  return src.kind === 'run-command' ? `Run command ${name}` : `Custom Script extension ${name}`;
}

function poolNotes(pools: HostPoolNode[]): RelatedInfo[] {
  return pools.slice(0, 5).map((p) => {
    const when = poolTypeCases(p.resource).length > 1 ? pooledCases(p.resource).map((c) => c.when) : [];
    return relatedResource(p.resource, `Pooled host pool ${displayName(p.resource)}${when.length ? ` (${when.join('; ')})` : ''}`);
  });
}

function checkScripts(graph: AvdGraph, ctx: Ctx): void {
  const allow = ctx.options.adminPrincipals;
  for (const h of graph.sessionHosts) {
    const scripts = h.extensions.flatMap((ext) =>
      ext.source.existing || knownBoolean(ext.source.condition) === false ? [] : scriptSources(ext).map((src) => ({ ext, src })),
    );
    if (!scripts.length) continue;
    const of = poolsOf(graph, h);
    if (!of) continue;
    for (const { ext, src } of scripts) {
      for (const c of cases(src.value)) {
        if (c.value.kind !== 'string') continue;
        const verdicts = adminGrants(c.value)
          .map((g) => grantVerdict(graph, of.pools, g, allow))
          .filter((v): v is GrantVerdict => !!v);
        if (!verdicts.length) continue;
        const first = verdicts.find((v) => v.everyUser) ?? verdicts[0];
        reportScript(ctx, h, ext, src, c.value, c.when, of, first, verdicts);
      }
    }
  }
}

function reportScript(
  ctx: Ctx,
  h: SessionHostNode,
  ext: Resource,
  src: ScriptSource,
  value: StringValue,
  when: string,
  of: { pools: HostPoolNode[]; inferred: boolean },
  v: GrantVerdict,
  all: GrantVerdict[],
): void {
  const [pool] = of.pools;
  const what = scriptName(ext, src);
  const who = v.name ?? (v.everyUser ? "the pool's users" : 'a principal');
  const others = of.pools.length > 1 ? ` and ${of.pools.length - 1} other pooled host pool${of.pools.length > 2 ? 's' : ''}` : '';
  const poolName = `${displayName(pool.resource)}${others}`;
  const message = of.inferred
    ? fitting(
        `${what} adds ${who} to local Administrators on session host ${displayName(h.vm)}, likely of pooled host pool ${poolName}, shared by many users.`,
        `${what} adds ${who} to local Administrators on a session host likely of pooled host pool ${poolName}.`,
        `${what} adds ${who} to local Administrators on a session host likely of a pooled host pool.`,
      )
    : fitting(
        `${what} adds ${who} to local Administrators on pooled host pool ${poolName}: an admin reaches every user's session.`,
        `${what} adds ${who} to local Administrators on the hosts of pooled host pool ${poolName}.`,
        `${what} adds ${who} to local Administrators on the shared hosts of a pooled host pool.`,
      );
  const site = value.range;
  const at = v.grant.at;
  const elsewhere = at && at.uri !== ext.source.uri;
  const related: RelatedInfo[] = [
    ...(elsewhere ? [{ uri: ext.source.uri, range: site, message: 'The value is used here' }] : []),
    ...(when ? [{ uri: ext.source.uri, range: site, message: caseNote(when) }] : []),
    ...poolNotes(of.pools),
    relatedResource(h.vm, `Session host ${displayName(h.vm)} runs the script`),
    ...(v.everyUser && v.everyUser !== true
      ? [relatedResource(v.everyUser, 'The same principal is an end user of the pool (Desktop Virtualization User)')]
      : []),
    ...all
      .filter((o) => o !== v && o.grant.at)
      .slice(0, 3)
      .map((o) => ({ uri: o.grant.at!.uri, range: o.grant.at!.range, message: `Also adds ${o.name ?? 'a principal'} to the local Administrators group` })),
  ];
  ctx.report({
    uri: at ? at.uri : ext.source.uri,
    at: at ? at.range : site,
    value: at ? undefined : value,
    message,
    shift: (v.everyUser ? 1 : 0) - (of.inferred ? 1 : 0),
    related,
    key: `${ext.key}|${src.path.join('.')}|${when}`,
  });
}

function checkDirectoryRoles(graph: AvdGraph, ctx: Ctx): void {
  const grants = deviceLocalAdminGrants(graph).filter((g) => !allowListed(g.principal, ctx.options.adminPrincipals) && !isNamedAdminGroup(graph, g.principal));
  if (!grants.length) return;
  // The role is tenant-wide: it reaches the pooled hosts the workspace joins to Microsoft Entra.
  const linked = new Map<HostPoolNode, SessionHostNode[]>();
  const inferred = new Set<HostPoolNode>();
  const unlinkedHosts: SessionHostNode[] = [];
  for (const h of graph.sessionHosts) {
    if (h.joinType !== 'entra' && h.joinType !== 'mixed') continue;
    if (h.hostPool) {
      if (!pooledCases(h.hostPool.resource).length) continue;
      const list = linked.get(h.hostPool);
      if (list) list.push(h);
      else linked.set(h.hostPool, [h]);
    } else {
      const of = poolsOf(graph, h);
      if (!of) continue;
      unlinkedHosts.push(h);
      for (const p of of.pools) if (!linked.has(p)) inferred.add(p);
    }
  }
  if (!linked.size && !inferred.size) return;
  for (const g of grants) reportDirectoryRole(graph, ctx, g, linked, inferred, unlinkedHosts);
}

function reportDirectoryRole(
  graph: AvdGraph,
  ctx: Ctx,
  g: DirectoryRoleGrant,
  linked: Map<HostPoolNode, SessionHostNode[]>,
  inferred: Set<HostPoolNode>,
  unlinkedHosts: SessionHostNode[],
): void {
  const verdicts = [...[...linked.keys()].map((pool) => ({ pool, inferred: false })), ...[...inferred].map((pool) => ({ pool, inferred: true }))]
    .map((x) => {
      const endUser = isEndUserOf(graph, x.pool, g.principal);
      return { ...x, endUser, shift: (endUser ? 1 : 0) - (x.inferred ? 1 : 0) };
    })
    .sort((a, b) => b.shift - a.shift);
  const { pool, endUser, shift } = verdicts[0];
  const others = verdicts.length > 1 ? ` and ${verdicts.length - 1} other pooled host pool${verdicts.length > 2 ? 's' : ''}` : '';
  const name = `${displayName(pool.resource)}${others}`;
  const who = endUser ? "the pool's users" : 'its holders';
  const role = DEVICE_LOCAL_ADMIN.name;
  const message = verdicts[0].inferred
    ? fitting(
        `${role} makes ${who} local admins of every Entra joined device, likely pooled host pool ${name} too.`,
        `${role} makes ${who} local administrators of Entra joined hosts likely of pooled host pool ${name}.`,
        `${role} makes ${who} local administrators of Entra joined hosts likely of a pooled host pool.`,
      )
    : fitting(
        `${role} makes ${who} local admins of every Entra joined device, pooled host pool ${name} included.`,
        `${role} makes ${who} local administrators of the hosts of pooled host pool ${name}.`,
        `${role} makes ${who} local administrators of the shared hosts of a pooled host pool.`,
      );
  const hosts = verdicts[0].inferred ? unlinkedHosts : (linked.get(pool) ?? []);
  const related: RelatedInfo[] = [
    ...poolNotes(verdicts.map((v) => v.pool)),
    ...hosts.slice(0, 3).map((h) => relatedResource(h.joinEvidence ?? h.vm, `Session host ${displayName(h.vm)} is Microsoft Entra joined`)),
    ...(endUser ? [relatedResource(endUser, 'The same principal is an end user of the pool (Desktop Virtualization User)')] : []),
  ];
  // Removing a grant is the catalog's code action, never applied on its own: the admin group may need another way in.
  const fixes = [fix('Remove the directory role assignment', { kind: 'remove-resource', resource: g.resource.key })];
  ctx.report({ uri: g.resource.source.uri, at: g.role.range, message, shift, related, fixes, key: `${g.resource.key}|roleDefinitionId` });
}

function check(_deployment: Deployment, ctx: Ctx): void {
  checkScripts(ctx.graph, ctx);
  checkDirectoryRoles(ctx.graph, ctx);
}

export default defineRule({
  id: 'local-admin-by-script',
  title: 'Pooled session hosts should not add users to the local Administrators group by script',
  level: 'warning',
  severity: 'high',
  boundary: ['kernel', 'session', 'user'],
  summary:
    'Finds Custom Script extensions, run commands and the Entra device local administrator role that make principals local administrators of pooled session hosts.',
  docs,
  appliesTo: 'deployment',
  // Scripts, grants and directory roles, and whether a host pool is pooled: of other AVD objects, only names and links.
  reads: (type, properties) => !AVD_OBJECT_TYPES.has(type) || (type === TYPES.hostPool && (!properties || properties.has('hostpooltype'))),
  options: OPTIONS,
  check,
});
