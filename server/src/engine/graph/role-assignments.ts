import { DESKTOP_VIRTUALIZATION_USER, roleByGuid, roleByName, roleGuidOf, type RoleInfo } from '../knowledge/roles';
import type { Resource, Value } from '../model';
import { parseResourceId } from '../resource-id';
import { cases, knownString } from '../values';
import { identityKey, unwrap } from './identity';
import { linkValue, TYPES } from './links';
import { resourceName, typeIs } from './resources';
import type { SessionHostNode } from './session-hosts';
import type { Targets } from './targets';

export type ScopeInfo =
  | { kind: 'vm'; vm: Resource }
  | { kind: 'resourceGroup'; name: Value }
  /** `id`: the subscription when the grant names one other than the deployment's own. */
  | { kind: 'subscription'; id?: Value }
  | { kind: 'managementGroup' }
  | { kind: 'other'; type?: string; target?: Resource }
  | { kind: 'unknown' };

export interface RoleCase {
  role?: RoleInfo;
  /** The value the role was read from (for ranges): roleDefinitionId or the Terraform role name. */
  value: Value;
  when: string;
}

export interface RoleAssignmentNode {
  resource: Resource;
  roles: RoleCase[];
  scope: ScopeInfo;
  principal?: Value;
  /** Session hosts the scope covers. */
  covers: SessionHostNode[];
}

/** Desktop Virtualization User assignments on application groups, by the identity key of their principal. */
export type EndUsers = Map<string, { assignment: Resource; appGroup: Resource }[]>;

/** Role assignments with the roles they grant, their scope and the session hosts it covers. */
export function roleAssignmentNodes(targets: Targets, hosts: SessionHostNode[], hostsByGroup: Map<string, SessionHostNode[]>): RoleAssignmentNode[] {
  return targets.ofType(TYPES.roleAssignment).map((resource) => {
    const scope = scopeOf(targets, resource);
    return { resource, roles: roleCases(targets, resource), scope, principal: principalOf(resource), covers: covered(scope, hosts, hostsByGroup) };
  });
}

/** The role definition a role assignment names: its id when written, else the role's name (Terraform). */
export function roleSource(ra: Resource): Value | undefined {
  return linkValue(ra, TYPES.roleAssignment, 'roleDefinitionId') ?? linkValue(ra, TYPES.roleAssignment, 'roleDefinitionName');
}

export function principalOf(ra: Resource): Value | undefined {
  return linkValue(ra, TYPES.roleAssignment, 'principal');
}

function roleCases(targets: Targets, resource: Resource): RoleCase[] {
  const roles: RoleCase[] = [];
  const id = linkValue(resource, TYPES.roleAssignment, 'roleDefinitionId');
  const name = linkValue(resource, TYPES.roleAssignment, 'roleDefinitionName');
  if (id) {
    for (const c of cases(id)) roles.push({ role: roleOf(targets, c.value), value: c.value, when: c.when });
  } else if (name) {
    for (const c of cases(name)) {
      const text = knownString(c.value);
      roles.push({ role: text !== undefined ? roleByName(text) : undefined, value: c.value, when: c.when });
    }
  }
  return roles;
}

/** The built-in role a roleDefinitionId names, in any of its forms (or through an `existing` role definition). */
function roleOf(targets: Targets, v: Value): RoleInfo | undefined {
  v = unwrap(v) ?? v;
  if (v.kind === 'ref') {
    const def = targets.target(v);
    if (def && typeIs(def, TYPES.roleDefinition)) {
      const defName = knownString(resourceName(def));
      if (defName !== undefined) return roleByGuid(defName) ?? roleByName(defName);
      const roleName = knownString(linkValue(def, TYPES.roleDefinition, 'roleName'));
      return roleName !== undefined ? roleByName(roleName) : undefined;
    }
    return undefined;
  }
  if (v.kind !== 'string') return undefined;
  // The GUID is usually the known tail of an id whose subscription part is unknown.
  const last = v.parts[v.parts.length - 1];
  if (!last || last.kind !== 'text') return undefined;
  const tail = last.text;
  const guid = roleGuidOf(tail);
  return guid ? roleByGuid(guid) : undefined;
}

function scopeOf(targets: Targets, resource: Resource): ScopeInfo {
  const scope = targets.outputs.resolve(linkValue(resource, TYPES.roleAssignment, 'scope'));
  if (!scope) {
    switch (resource.source.deploymentScope) {
      case 'subscription':
        return { kind: 'subscription', id: resource.source.subscription };
      case 'managementGroup':
      case 'tenant':
        return { kind: 'managementGroup' };
      default:
        return resource.source.resourceGroup ? { kind: 'resourceGroup', name: resource.source.resourceGroup } : { kind: 'unknown' };
    }
  }
  return scopeOfValue(targets, scope, resource);
}

function scopeOfValue(targets: Targets, scope: Value, resource: Resource): ScopeInfo {
  if (scope.kind === 'unknown') {
    const key = scope.key?.toLowerCase();
    if ((key === 'resourcegroup()' || key === 'resourcegroup().id') && resource.source.resourceGroup) {
      return { kind: 'resourceGroup', name: resource.source.resourceGroup };
    }
    if (key === 'subscription()' || key === 'subscription().id') return { kind: 'subscription', id: resource.source.subscription };
    return { kind: 'unknown' };
  }
  if (scope.kind === 'ref') {
    const target = targets.target(scope, undefined, resource);
    if (!target) return { kind: 'unknown' };
    if (typeIs(target, TYPES.vm)) return { kind: 'vm', vm: target };
    if (typeIs(target, TYPES.resourceGroup)) return { kind: 'resourceGroup', name: resourceName(target) ?? { kind: 'unknown', range: scope.range } };
    if (typeIs(target, TYPES.subscription)) return { kind: 'subscription' };
    return { kind: 'other', type: target.type, target };
  }
  const id = parseResourceId(scope);
  if (!id) return { kind: 'unknown' };
  switch (id.kind) {
    case 'subscription':
      return { kind: 'subscription', id: id.subscription };
    case 'resourceGroup':
      return { kind: 'resourceGroup', name: id.resourceGroup! };
    case 'managementGroup':
    case 'tenant':
      return { kind: 'managementGroup' };
    case 'resource': {
      const target = targets.target(scope, undefined, resource);
      if (id.type?.toLowerCase() === TYPES.vm) return target ? { kind: 'vm', vm: target } : { kind: 'other', type: id.type };
      return { kind: 'other', type: id.type, target };
    }
  }
}

function covered(scope: ScopeInfo, hosts: SessionHostNode[], hostsByGroup: Map<string, SessionHostNode[]>): SessionHostNode[] {
  switch (scope.kind) {
    case 'vm':
      return hosts.filter((h) => h.vm === scope.vm);
    case 'resourceGroup': {
      const k = identityKey(scope.name);
      return k === undefined ? [] : (hostsByGroup.get(k) ?? []);
    }
    case 'subscription': {
      // Hosts deployed to the same subscription: the deployment's own unless a module or nested deployment names
      // another, which must then be seen to be the same.
      const k = subscriptionKey(scope.id);
      return k === undefined ? [] : hosts.filter((h) => subscriptionKey(h.vm.source.subscription) === k);
    }
    case 'managementGroup':
      // A management group holds subscriptions this workspace cannot see: the message says the scope.
      return hosts;
    default:
      return [];
  }
}

/** The deployment's own subscription, written any way (`subscription()`, `subscription().subscriptionId`). */
const OWN_SUBSCRIPTION = new Set(['subscription()', 'subscription().id', 'subscription().subscriptionid']);

/** What a subscription is compared by: 'own' for the deployment's, else its identity key (undefined: not comparable). */
function subscriptionKey(v: Value | undefined): string | undefined {
  const u = unwrap(v);
  if (!u) return 'own';
  if (u.kind === 'unknown' && u.key && OWN_SUBSCRIPTION.has(u.key.toLowerCase())) return 'own';
  return identityKey(u);
}

/** Who can use the application groups: the principals with Desktop Virtualization User on one. */
export function endUsersOf(roleAssignments: RoleAssignmentNode[]): EndUsers {
  const endUsers: EndUsers = new Map();
  for (const ra of roleAssignments) {
    const target = ra.scope.kind === 'other' ? ra.scope.target : undefined;
    const k = identityKey(ra.principal);
    if (!target || !typeIs(target, TYPES.appGroup) || k === undefined || !ra.roles.some((r) => r.role === DESKTOP_VIRTUALIZATION_USER)) continue;
    let list = endUsers.get(k);
    if (!list) endUsers.set(k, (list = []));
    list.push({ assignment: ra.resource, appGroup: target });
  }
  return endUsers;
}
