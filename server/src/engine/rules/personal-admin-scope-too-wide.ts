import { allowListed, isNamedAdminGroup } from '../facts/admin-principals';
import { displayName, isEndUserOf, poolTypeCases, relatedResource } from '../facts/host-pools';
import type { AvdGraph, HostPoolNode, RoleAssignmentNode, SessionHostNode } from '../graph';
import { identityKey, resourceGroupOf, sameTemplate } from '../graph';
import { VM_ADMIN_LOGIN } from '../knowledge/roles';
import { caseNote, fitting } from '../message';
import type { Document, RelatedInfo, Resource } from '../model';
import { cases, get, knownString } from '../values';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './personal-admin-scope-too-wide.md';

const OPTIONS = {
  adminPrincipals: {
    type: 'string[]',
    default: [],
    description:
      'Principal object ids, or names of the parameters/variables that hold them, of admin groups allowed to hold admin roles over many personal desktops.',
  },
} as const;

function personalWhen(hp: Resource): string[] | undefined {
  const all = poolTypeCases(hp);
  const personal = all.filter((c) => c.type === 'personal');
  if (!personal.length) return undefined;
  return all.length > 1 ? personal.map((c) => c.when).filter(Boolean) : [];
}

/** Whether the pool assigns each user a desktop by name (Direct): only then can a grant be scoped to one user's VM. */
function directAssignment(hp: Resource): boolean {
  const v = get(hp.body, 'properties', 'personalDesktopAssignmentType');
  return !!v && cases(v).every((c) => knownString(c.value)?.trim().toLowerCase() === 'direct');
}

const unlinked = new WeakMap<readonly Document[], HostPoolNode[]>();

/** Personal host pools with no visible session host: a grant over the scope that holds one is still a likely risk. */
function hostlessPersonalPools(graph: AvdGraph): HostPoolNode[] {
  let pools = unlinked.get(graph.documents);
  if (!pools) {
    pools = graph.hostPools.filter((hp) => !hp.resource.source.existing && !hp.sessionHosts.length && personalWhen(hp.resource));
    unlinked.set(graph.documents, pools);
  }
  return pools;
}

interface Verdict {
  pool: HostPoolNode;
  hosts: SessionHostNode[];
  endUser?: Resource;
  direct: boolean;
  shift: number;
}

function check(ra: RoleAssignmentNode, ctx: RuleContext<typeof OPTIONS>): void {
  const { graph } = ctx;
  const scope = ra.scope;
  if (scope.kind !== 'resourceGroup' && scope.kind !== 'subscription' && scope.kind !== 'managementGroup') return;
  if (allowListed(ra.principal, ctx.options.adminPrincipals) || isNamedAdminGroup(graph, ra.principal)) return;
  const scopeText = scope.kind === 'resourceGroup' ? 'on a resource group' : scope.kind === 'subscription' ? 'on the subscription' : 'on a management group';

  // Personal host pools whose session hosts the grant covers.
  const covered = new Map<HostPoolNode, SessionHostNode[]>();
  for (const h of ra.covers) {
    if (!h.hostPool || !personalWhen(h.hostPool.resource)) continue;
    const list = covered.get(h.hostPool);
    if (list) list.push(h);
    else covered.set(h.hostPool, [h]);
  }
  let inferred = false;
  if (!covered.size) {
    const k = scope.kind === 'resourceGroup' ? identityKey(scope.name) : undefined;
    const candidates = hostlessPersonalPools(graph).filter(
      (hp) => scope.kind !== 'resourceGroup' || (k !== undefined && identityKey(resourceGroupOf(hp.resource)) === k),
    );
    for (const hp of candidates) covered.set(hp, []);
    inferred = covered.size > 0;
  }
  if (!covered.size) return;

  for (const rc of ra.roles) {
    const role = rc.role;
    if (!role || !role.localAdmin) continue;
    // Microsoft Entra sign-in to a VM reads the login roles at the VM, its resource group or its subscription only.
    const viaManagementGroup = scope.kind === 'managementGroup' && role.localAdmin === 'direct';
    const verdicts: Verdict[] = [];
    for (const [pool, hosts] of covered) {
      const endUser = isEndUserOf(graph, pool, ra.principal);
      // Owner, Contributor and VM Contributor are how admins manage VMs: they count when end users hold them.
      if (role.localAdmin !== 'direct' && !endUser) continue;
      // The login role does nothing on hosts joined only to Active Directory.
      if (role === VM_ADMIN_LOGIN && hosts.length && hosts.every((h) => h.joinType === 'ad')) continue;
      const direct = directAssignment(pool.resource);
      // One desktop visible (not in a loop): the scope holds more only once others are deployed there.
      const single = !inferred && hosts.length === 1 && hosts[0].kind === 'vm' && !hosts[0].vm.source.loop;
      const shift = -(direct ? 0 : 1) - (inferred ? 1 : 0) - (single ? 1 : 0) - (viaManagementGroup ? 1 : 0);
      verdicts.push({ pool, hosts, endUser, direct, shift });
    }
    if (!verdicts.length) continue;
    verdicts.sort((a, b) => b.shift - a.shift);
    const { pool, hosts, endUser, direct, shift } = verdicts[0];
    const others = verdicts.length > 1 ? ` and ${verdicts.length - 1} other personal host pool${verdicts.length > 2 ? 's' : ''}` : '';
    const name = `${displayName(pool.resource)}${others}`;
    const who = endUser ? "the pool's users" : 'the principal';
    const how = role.localAdmin === 'direct' ? 'local administrators' : 'able to run code as SYSTEM';
    const brief = role.localAdmin === 'direct' ? 'local admins' : how;
    const message = viaManagementGroup
      ? fitting(
          `${role.name} on a management group is not honoured by VM sign-in today, but covers every desktop of personal host pool ${name}.`,
          `${role.name} on a management group is not honoured by VM sign-in today, but covers other users' personal desktops.`,
        )
      : inferred
        ? fitting(
            `${role.name} ${scopeText} holding personal host pool ${name} likely makes ${who} ${brief} on other users' desktops.`,
            `${role.name} ${scopeText} holding personal host pool ${name} likely makes ${who} admins of other users' desktops.`,
            `${role.name} ${scopeText} holding personal host pool ${name} likely reaches other users' desktops.`,
            `${role.name} ${scopeText} holding a personal host pool likely reaches other users' desktops.`,
          )
        : fitting(
            `${role.name} ${scopeText} makes ${who} ${brief} on other users' desktops of personal host pool ${name} too.`,
            `${role.name} ${scopeText} makes ${who} ${how} on every desktop of personal host pool ${name}.`,
            `${role.name} ${scopeText} makes ${who} ${how} on other users' personal desktops.`,
          );
    const when = personalWhen(pool.resource) ?? [];
    const related: RelatedInfo[] = [
      ...(rc.when ? [{ uri: ra.resource.source.uri, range: rc.value.range, message: caseNote(rc.when) }] : []),
      ...verdicts
        .slice(0, 5)
        .map((v) =>
          relatedResource(
            v.pool.resource,
            `Personal host pool ${displayName(v.pool.resource)}${v.pool === pool && when.length ? ` (${when.join('; ')})` : ''}`,
          ),
        ),
      ...(direct
        ? []
        : [relatedResource(pool.resource, 'The pool assigns desktops automatically: a grant per desktop needs personalDesktopAssignmentType Direct')]),
      ...hosts.slice(0, 5).map((h) => relatedResource(h.vm, `Session host ${displayName(h.vm)} covered by this assignment`)),
      ...(endUser ? [relatedResource(endUser, 'The same principal is an end user of the pool (Desktop Virtualization User)')] : []),
    ];
    // Reported where the assignment uses its scope: a shared local or parameter may scope other grants too.
    const written = get(ra.resource.body, 'scope');
    // The catalog's fix: when the template declares exactly one VM, and it is a desktop of the pool, scope the grant to it.
    const vms = ctx.graph.sessionHosts.filter((h) => sameTemplate(h.vm, ra.resource));
    // ARM writes a VM scope as an expression avdsec does not write.
    const only =
      vms.length === 1 && vms[0].kind === 'vm' && !vms[0].vm.source.loop && hosts.includes(vms[0]) && ra.resource.source.language !== 'arm'
        ? vms[0]
        : undefined;
    ctx.report({
      uri: ra.resource.source.uri,
      at: written ? written.range : ra.resource.source.headRange,
      message,
      shift,
      related,
      fixes: only ? [fix(SCOPE_TO_HOST, { kind: 'set-reference', resource: ra.resource.key, path: ['scope'], target: only.vm.key }, true)] : [],
      key: `${ra.resource.key}|scope|${rc.when}`,
    });
  }
}

export default defineRule({
  id: 'personal-admin-scope-too-wide',
  title: 'Admin roles on personal host pools should be scoped to one session host',
  level: 'warning',
  severity: 'medium',
  boundary: ['vm', 'user'],
  summary: "Finds admin roles granted on a resource group, subscription or management group that hold a personal host pool's desktops, not on one desktop.",
  docs,
  appliesTo: 'roleAssignment',
  options: OPTIONS,
  check,
});

const SCOPE_TO_HOST = "Scope it to the template's one session host";
