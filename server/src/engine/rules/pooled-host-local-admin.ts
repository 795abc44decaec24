import { displayName, isEndUserOf, poolTypeCases, pooledCases, relatedResource, sessionHostConfiguration, unlinkedPooledPools } from '../facts/host-pools';
import { allowListed } from '../facts/admin-principals';
import { caseNote, fitting } from '../message';
import type { HostPoolNode, RoleAssignmentNode } from '../graph';
import { identityKey } from '../graph';
import { type RoleInfo, VM_ADMIN_LOGIN, VM_USER_LOGIN } from '../knowledge/roles';
import type { Fix, RelatedInfo } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './pooled-host-local-admin.md';

const ID = 'pooled-host-local-admin';

const OPTIONS = {
  adminPrincipals: {
    type: 'string[]',
    default: [],
    description: 'Principal object ids, or names of the parameters/variables that hold them, of admin groups allowed to hold admin roles on pooled hosts.',
  },
} as const;

function fixesFor(ra: RoleAssignmentNode, roleGuid: string, pool: HostPoolNode, managed: boolean): Fix[] {
  const fixes: Fix[] = [];
  // A pool whose session host configuration manages sign-in needs no user-login grant to replace this one with.
  if (roleGuid === VM_ADMIN_LOGIN.guid && !managed) {
    fixes.push(
      fix(
        'Use Virtual Machine User Login instead',
        { kind: 'replace-role', resource: ra.resource.key, fromGuid: VM_ADMIN_LOGIN.guid, toGuid: VM_USER_LOGIN.guid, toName: VM_USER_LOGIN.name },
        true,
      ),
    );
  }
  // Offered where the pool is declared with the grant (the same template, or the same nested deployment of one).
  if (pool.resource.source.uri === ra.resource.source.uri && pool.resource.source.scopePath === ra.resource.source.scopePath) {
    fixes.push(
      fix('Make the host pool personal', { kind: 'set-property', resource: pool.resource.key, path: ['properties', 'hostPoolType'], value: 'Personal' }),
    );
  }
  return fixes;
}

/**
 * A login role granted at a management group: VM sign-in with Microsoft Entra does not honour it there (a management-plane
 * role still acts through the VMs it covers).
 */
function viaManagementGroup(ra: RoleAssignmentNode, role: RoleInfo): boolean {
  return ra.scope.kind === 'managementGroup' && role.localAdmin === 'direct';
}

function check(ra: RoleAssignmentNode, ctx: RuleContext<typeof OPTIONS>): void {
  const { graph } = ctx;
  if (allowListed(ra.principal, ctx.options.adminPrincipals)) return;
  for (const rc of ra.roles) {
    const role = rc.role;
    if (!role || !role.localAdmin) continue;
    const scopeText =
      ra.scope.kind === 'vm'
        ? 'on a session host'
        : ra.scope.kind === 'resourceGroup'
          ? 'on a resource group'
          : ra.scope.kind === 'subscription'
            ? 'on the subscription'
            : 'on a management group';

    // Pooled host pools whose session hosts the grant covers.
    const pools = new Set<HostPoolNode>();
    for (const h of ra.covers) {
      if (h.hostPool && pooledCases(h.hostPool.resource).length) pools.add(h.hostPool);
    }
    let inferred = false;
    if (!pools.size && (ra.scope.kind === 'resourceGroup' || ra.scope.kind === 'subscription' || ra.scope.kind === 'managementGroup')) {
      // No session host visible: a grant over the scope that holds a pooled host pool with no visible hosts is still a risk.
      const { byResourceGroup: unlinked, pools: unlinkedPools } = unlinkedPooledPools(graph);
      const k = ra.scope.kind === 'resourceGroup' ? identityKey(ra.scope.name) : undefined;
      const candidates = ra.scope.kind === 'resourceGroup' ? (k === undefined ? [] : (unlinked.get(k) ?? [])) : unlinkedPools;
      for (const hp of candidates) pools.add(hp);
      inferred = pools.size > 0;
    }

    // One finding per assignment and role: the pool whose case is worst speaks for the others.
    const verdicts = [...pools]
      .map((pool) => {
        const endUser = isEndUserOf(graph, pool, ra.principal);
        const hosts = pool.sessionHosts.filter((h) => ra.covers.includes(h));
        const adOnly = role === VM_ADMIN_LOGIN && hosts.length > 0 && hosts.every((h) => h.joinType === 'ad');
        let shift = endUser && role.localAdmin === 'direct' ? 0 : -1;
        if (inferred) shift -= 1;
        // Microsoft Entra sign-in to a VM reads the login roles at the VM, its resource group or its subscription.
        if (viaManagementGroup(ra, role)) shift -= 1;
        if (adOnly) shift = -2;
        return { pool, endUser, hosts, adOnly, shift };
      })
      // Owner, Contributor and VM Contributor are local admin only through the management plane: flag them for end users.
      .filter((v) => role.localAdmin === 'direct' || v.endUser)
      .sort((a, b) => b.shift - a.shift);
    if (!verdicts.length) continue;
    const { pool, endUser, hosts, adOnly, shift } = verdicts[0];
    const others = verdicts.length > 1 ? ` and ${verdicts.length - 1} other pooled host pool${verdicts.length > 2 ? 's' : ''}` : '';
    const name = `${displayName(pool.resource)}${others}`;
    const who = endUser ? 'its users' : 'the principal';
    let message: string;
    if (adOnly) {
      message = fitting(
        `${role.name} ${scopeText} of pooled host pool ${name} does nothing on hosts joined only to Active Directory, until they join Microsoft Entra.`,
        `${role.name} ${scopeText} of pooled host pool ${name} does nothing on hosts joined only to Active Directory.`,
      );
    } else if (viaManagementGroup(ra, role)) {
      message = fitting(
        `${role.name} on a management group is not used by VM sign-in, but lower down it makes ${who} local admins of pooled host pool ${name}.`,
        `${role.name} on a management group is not used by VM sign-in; lower down it gives admin rights on pooled host pool ${name}.`,
        `${role.name} on a management group is not used by VM sign-in today, but lower down it gives admin rights on pooled hosts.`,
      );
    } else if (inferred) {
      message = fitting(
        `${role.name} ${scopeText} that holds pooled host pool ${name} likely makes ${who} local administrators of its shared hosts (none is visible).`,
        `${role.name} ${scopeText} that holds pooled host pool ${name} likely makes ${who} local administrators of its hosts.`,
      );
    } else {
      const how = role.localAdmin === 'direct' ? 'local administrators' : 'able to run code as SYSTEM';
      message = fitting(
        `${role.name} ${scopeText} makes ${who} ${how} on the hosts of pooled host pool ${name}, which reaches every user's session.`,
        `${role.name} ${scopeText} makes ${who} ${how} on the hosts of pooled host pool ${name}.`,
      );
    }
    // The cases: the grant's (a role chosen by a parameter), and the pool's when it is pooled only in some.
    const pooledWhen =
      poolTypeCases(pool.resource).length > 1
        ? pooledCases(pool.resource)
            .map((c) => c.when)
            .filter(Boolean)
        : [];
    const related: RelatedInfo[] = [
      ...(rc.when ? [{ uri: ra.resource.source.uri, range: rc.value.range, message: caseNote(rc.when) }] : []),
      ...verdicts
        .slice(0, 5)
        .map((v) =>
          relatedResource(
            v.pool.resource,
            `Pooled host pool ${displayName(v.pool.resource)}${v.pool === pool && pooledWhen.length ? ` (${pooledWhen.join('; ')})` : ''}`,
          ),
        ),
    ];
    for (const h of hosts.slice(0, 5)) related.push(relatedResource(h.vm, `Session host ${displayName(h.vm)} covered by this assignment`));
    if (endUser) related.push(relatedResource(endUser, 'The same principal is an end user of the pool (Desktop Virtualization User)'));
    const configuration = sessionHostConfiguration(graph, pool);
    if (configuration) related.push(relatedResource(configuration, 'Its session host configuration manages sign-in to the hosts: users need no login grant'));
    ctx.report({
      uri: ra.resource.source.uri,
      at: rc.value.range,
      value: rc.value,
      message,
      shift,
      related,
      fixes: fixesFor(ra, role.guid, pool, !!configuration),
      key: `${ra.resource.key}|properties.roleDefinitionId|${rc.when}`,
    });
  }
}

export default defineRule({
  id: ID,
  title: 'Users should not be local administrators of pooled session hosts',
  level: 'error',
  severity: 'high',
  boundary: ['kernel', 'session', 'user', 'process'],
  summary: 'Finds role assignments that make principals local administrators of multi-session hosts shared by many users.',
  docs,
  appliesTo: 'roleAssignment',
  options: OPTIONS,
  check,
});
