import { roleByGuid, roleByName, roleGuidOf, type RoleInfo } from './knowledge/roles';
import type { Document, Location, Resource, StringValue, Value } from './model';
import { parseResourceId } from './resource-id';
import { valueKey } from './resolve/functions';
import { cases, get, knownBoolean, knownString, splitString } from './values';

/**
 * The AVD graph across the files of a workspace: host pools, the session hosts registered to them, the role
 * assignments whose scope covers those hosts, application groups and Conditional Access policies. Linking is best
 * effort; every link says how it was made, so rules can lower their level when a link is only inferred.
 */
export interface AvdGraph {
  hostPools: HostPoolNode[];
  sessionHosts: SessionHostNode[];
  roleAssignments: RoleAssignmentNode[];
  appGroups: AppGroupNode[];
  caPolicies: Resource[];
  /** Every resource by key. */
  byKey: Map<string, Resource>;
  documents: Document[];
}

export interface HostPoolNode {
  resource: Resource;
  sessionHosts: SessionHostNode[];
  appGroups: AppGroupNode[];
}

export type JoinType = 'entra' | 'ad' | 'mixed' | 'unknown';

export interface SessionHostNode {
  vm: Resource;
  extensions: Resource[];
  hostPool?: HostPoolNode;
  /** How the host was linked to its pool: the DSC registration settings, the registration token, a tag. */
  link?: 'host-pool-name' | 'registration-token' | 'tag';
  joinType: JoinType;
  /** The extension that shows the join type (for related information). */
  joinEvidence?: Resource;
}

export type ScopeInfo =
  | { kind: 'vm'; vm: Resource }
  | { kind: 'resourceGroup'; name: Value }
  | { kind: 'subscription' }
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

export interface AppGroupNode {
  resource: Resource;
  hostPool?: HostPoolNode;
}

const T = {
  hostPool: 'microsoft.desktopvirtualization/hostpools',
  appGroup: 'microsoft.desktopvirtualization/applicationgroups',
  vm: 'microsoft.compute/virtualmachines',
  extension: 'microsoft.compute/virtualmachines/extensions',
  roleAssignment: 'microsoft.authorization/roleassignments',
  roleDefinition: 'microsoft.authorization/roledefinitions',
  resourceGroup: 'microsoft.resources/resourcegroups',
  subscription: 'microsoft.resources/subscriptions',
  caPolicy: 'microsoft.graph/conditionalaccesspolicies',
  tfRegistrationInfo: 'terraform:azurerm_virtual_desktop_host_pool_registration_info',
};

export function typeIs(r: Resource, type: string): boolean {
  return r.type.toLowerCase() === type;
}

/** A string made of a single interpolation is that interpolation's value. */
function unwrap(v: Value | undefined): Value | undefined {
  if (v && v.kind === 'string' && v.parts.length === 1 && v.parts[0].kind === 'hole') return unwrap(v.parts[0].value);
  return v;
}

/** Whether two values can be seen to be the same: equal known text (case-insensitive, as Azure names are), or the same expression. */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  a = unwrap(a);
  b = unwrap(b);
  if (!a || !b) return false;
  const sa = knownString(a);
  const sb = knownString(b);
  if (sa !== undefined || sb !== undefined) return sa !== undefined && sb !== undefined && sa.toLowerCase() === sb.toLowerCase();
  if (a.kind === 'unknown' || b.kind === 'unknown') return a.kind === 'unknown' && b.kind === 'unknown' && !!a.key && a.key === b.key;
  if (a.kind === 'ref' && b.kind === 'ref') return !!a.target && a.target === b.target && a.path.join('.') === b.path.join('.');
  if (a.kind === 'choice' || b.kind === 'choice') return false;
  const ka = valueKey(a).toLowerCase();
  return !ka.includes('?') && ka === valueKey(b).toLowerCase();
}

export function resourceName(r: Resource): Value | undefined {
  return get(r.body, 'name');
}

/** The last segment of a child resource's name (`vm/ext` → `ext`'s parent is `vm`): the parent's name, when written that way. */
function parentNameOf(r: Resource): StringValue | undefined {
  const name = resourceName(r);
  if (!name || name.kind !== 'string') return undefined;
  const segs = splitString(name, '/');
  return segs.length >= 2 ? segs[segs.length - 2] : undefined;
}

export class GraphBuilder {
  private readonly byKey = new Map<string, Resource>();
  private readonly byType = new Map<string, Resource[]>();

  constructor(private readonly documents: Document[]) {
    for (const d of documents) {
      for (const r of d.resources) {
        this.byKey.set(r.key, r);
        const t = r.type.toLowerCase();
        let list = this.byType.get(t);
        if (!list) this.byType.set(t, (list = []));
        list.push(r);
      }
    }
  }

  private ofType(t: string): Resource[] {
    return this.byType.get(t) ?? [];
  }

  /** The resource a value points at: a reference by key, or an id / name that matches a resource of `type`. */
  target(v: Value | undefined, type?: string): Resource | undefined {
    v = unwrap(v);
    if (!v) return undefined;
    if (v.kind === 'ref') {
      if (v.target) {
        const r = this.byKey.get(v.target);
        if (r && (!type || typeIs(r, type))) return r;
        return undefined;
      }
      if (v.targetId) return this.target(v.targetId, type);
      return undefined;
    }
    const id = parseResourceId(v);
    if (id?.kind === 'resource' && id.type && (!type || id.type.toLowerCase() === type)) {
      const name = id.names[id.names.length - 1];
      const matches = this.ofType(id.type.toLowerCase()).filter((r) => sameValue(resourceName(r), name));
      return matches.length === 1 ? matches[0] : undefined;
    }
    return undefined;
  }

  build(): AvdGraph {
    const hostPools: HostPoolNode[] = this.ofType(T.hostPool).map((resource) => ({ resource, sessionHosts: [], appGroups: [] }));
    const poolOf = new Map(hostPools.map((h) => [h.resource, h]));

    const appGroups: AppGroupNode[] = this.ofType(T.appGroup).map((resource) => {
      const pool = this.target(get(resource.body, 'properties', 'hostPoolArmPath'), T.hostPool);
      const node: AppGroupNode = { resource, hostPool: pool ? poolOf.get(pool) : undefined };
      node.hostPool?.appGroups.push(node);
      return node;
    });

    const sessionHosts = this.sessionHosts(hostPools, poolOf);
    const roleAssignments = this.ofType(T.roleAssignment).map((r) => this.roleAssignment(r, sessionHosts));
    return {
      hostPools,
      sessionHosts,
      roleAssignments,
      appGroups,
      caPolicies: this.ofType(T.caPolicy),
      byKey: this.byKey,
      documents: this.documents,
    };
  }

  private sessionHosts(hostPools: HostPoolNode[], poolOf: Map<Resource, HostPoolNode>): SessionHostNode[] {
    const nodes = new Map<Resource, SessionHostNode>();
    const node = (vm: Resource) => {
      let n = nodes.get(vm);
      if (!n) nodes.set(vm, (n = { vm, extensions: [], joinType: 'unknown' }));
      return n;
    };
    for (const vm of this.ofType(T.vm)) node(vm);
    for (const ext of this.ofType(T.extension)) {
      const vm = this.extensionParent(ext);
      if (vm) node(vm).extensions.push(ext);
    }
    for (const n of nodes.values()) {
      this.joinType(n);
      const linked = this.linkHostPool(n, hostPools);
      if (linked) {
        n.hostPool = poolOf.get(linked.pool);
        n.link = linked.link;
        n.hostPool?.sessionHosts.push(n);
      }
    }
    // A VM counts as a session host when it is linked to a pool or registers with one (DSC / agent extension).
    return [...nodes.values()].filter((n) => n.hostPool || n.extensions.some(isAvdAgentExtension));
  }

  private extensionParent(ext: Resource): Resource | undefined {
    const parent = get(ext.body, 'parent');
    const byRef = this.target(parent, T.vm);
    if (byRef) return byRef;
    const vmId = get(ext.body, 'properties', 'virtualMachineId');
    if (vmId) return this.target(vmId, T.vm);
    const parentName = parentNameOf(ext);
    if (!parentName) return undefined;
    const candidates = this.ofType(T.vm).filter((vm) => sameValue(resourceName(vm), parentName));
    // Prefer the VM declared in the same document (the same module or template).
    return candidates.find((vm) => vm.source.uri === ext.source.uri) ?? (candidates.length === 1 ? candidates[0] : undefined);
  }

  private joinType(n: SessionHostNode): void {
    let entra: Resource | undefined;
    let ad: Resource | undefined;
    for (const ext of n.extensions) {
      const type = knownString(get(ext.body, 'properties', 'type'))?.toLowerCase();
      if (type === 'aadloginforwindows') entra ??= ext;
      else if (type === 'jsonaddomainextension') ad ??= ext;
      else if (isAvdAgentExtension(ext)) {
        const aad = knownBoolean(get(ext.body, 'properties', 'settings', 'properties', 'aadJoin'));
        if (aad === true) entra ??= ext;
      }
    }
    n.joinType = entra && ad ? 'mixed' : entra ? 'entra' : ad ? 'ad' : 'unknown';
    n.joinEvidence = entra ?? ad;
  }

  private linkHostPool(n: SessionHostNode, hostPools: HostPoolNode[]): { pool: Resource; link: SessionHostNode['link'] } | undefined {
    for (const ext of n.extensions) {
      if (!isAvdAgentExtension(ext)) continue;
      const settings = get(ext.body, 'properties', 'settings');
      const token =
        get(ext.body, 'properties', 'protectedSettings', 'Items', 'RegistrationInfoToken') ??
        get(settings, 'properties', 'registrationInfoToken') ??
        get(settings, 'properties', 'RegistrationInfoToken');
      const byToken = this.tokenPool(token);
      if (byToken) return { pool: byToken, link: 'registration-token' };
      const name = get(settings, 'properties', 'hostPoolName') ?? get(settings, 'properties', 'HostPoolName');
      if (name) {
        const byRef = this.target(name, T.hostPool);
        if (byRef) return { pool: byRef, link: 'host-pool-name' };
        const matches = hostPools.filter((h) => sameValue(resourceName(h.resource), name));
        if (matches.length === 1) return { pool: matches[0].resource, link: 'host-pool-name' };
      }
    }
    const tag = get(n.vm.body, 'tags', 'cm-resource-parent');
    const byTag = tag && this.target(tag, T.hostPool);
    if (byTag) return { pool: byTag, link: 'tag' };
    return undefined;
  }

  /** The host pool a registration token value comes from. */
  private tokenPool(token: Value | undefined): Resource | undefined {
    token = unwrap(token);
    if (!token) return undefined;
    if (token.kind === 'choice') {
      for (const c of token.options) {
        const p = this.tokenPool(c.value);
        if (p) return p;
      }
      return undefined;
    }
    if (token.kind !== 'ref') return undefined;
    const target = this.target(token);
    if (target && typeIs(target, T.hostPool)) return target;
    if (target && typeIs(target, T.tfRegistrationInfo)) {
      return this.target(get(target.body, 'properties', 'hostPoolId') ?? get(target.body, 'hostpool_id'), T.hostPool);
    }
    return undefined;
  }

  private roleAssignment(resource: Resource, hosts: SessionHostNode[]): RoleAssignmentNode {
    const roles: RoleCase[] = [];
    const id = get(resource.body, 'properties', 'roleDefinitionId');
    const name = get(resource.body, 'properties', 'roleDefinitionName');
    if (id) {
      for (const c of cases(id)) roles.push({ role: this.roleOf(c.value), value: c.value, when: c.when });
    } else if (name) {
      for (const c of cases(name)) {
        const text = knownString(c.value);
        roles.push({ role: text !== undefined ? roleByName(text) : undefined, value: c.value, when: c.when });
      }
    }
    const scope = this.scopeOf(resource);
    const principal = get(resource.body, 'properties', 'principalId');
    return { resource, roles, scope, principal, covers: this.covered(scope, hosts) };
  }

  /** The built-in role a roleDefinitionId names, in any of its forms (or through an `existing` role definition). */
  private roleOf(v: Value): RoleInfo | undefined {
    v = unwrap(v) ?? v;
    if (v.kind === 'ref') {
      const def = this.target(v);
      if (def && typeIs(def, T.roleDefinition)) {
        const defName = knownString(resourceName(def));
        if (defName !== undefined) return roleByGuid(defName) ?? roleByName(defName);
        const roleName = knownString(get(def.body, 'properties', 'roleName'));
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

  scopeOf(resource: Resource): ScopeInfo {
    const scope = unwrap(get(resource.body, 'scope'));
    if (!scope) {
      switch (resource.source.deploymentScope) {
        case 'subscription':
          return { kind: 'subscription' };
        case 'managementGroup':
        case 'tenant':
          return { kind: 'managementGroup' };
        default:
          return resource.source.resourceGroup ? { kind: 'resourceGroup', name: resource.source.resourceGroup } : { kind: 'unknown' };
      }
    }
    return this.scopeOfValue(scope, resource);
  }

  private scopeOfValue(scope: Value, resource: Resource): ScopeInfo {
    if (scope.kind === 'unknown') {
      const key = scope.key?.toLowerCase();
      if ((key === 'resourcegroup()' || key === 'resourcegroup().id') && resource.source.resourceGroup) {
        return { kind: 'resourceGroup', name: resource.source.resourceGroup };
      }
      if (key === 'subscription()' || key === 'subscription().id') return { kind: 'subscription' };
      return { kind: 'unknown' };
    }
    if (scope.kind === 'ref') {
      const target = this.target(scope);
      if (!target) return { kind: 'unknown' };
      if (typeIs(target, T.vm)) return { kind: 'vm', vm: target };
      if (typeIs(target, T.resourceGroup)) return { kind: 'resourceGroup', name: resourceName(target) ?? { kind: 'unknown', range: scope.range } };
      if (typeIs(target, T.subscription)) return { kind: 'subscription' };
      return { kind: 'other', type: target.type, target };
    }
    const id = parseResourceId(scope);
    if (!id) return { kind: 'unknown' };
    switch (id.kind) {
      case 'subscription':
        return { kind: 'subscription' };
      case 'resourceGroup':
        return { kind: 'resourceGroup', name: id.resourceGroup! };
      case 'managementGroup':
      case 'tenant':
        return { kind: 'managementGroup' };
      case 'resource': {
        const target = this.target(scope);
        if (id.type?.toLowerCase() === T.vm) return target ? { kind: 'vm', vm: target } : { kind: 'other', type: id.type };
        return { kind: 'other', type: id.type, target };
      }
    }
  }

  private covered(scope: ScopeInfo, hosts: SessionHostNode[]): SessionHostNode[] {
    switch (scope.kind) {
      case 'vm':
        return hosts.filter((h) => h.vm === scope.vm);
      case 'resourceGroup':
        return hosts.filter((h) => sameValue(resourceGroupOf(h.vm), scope.name));
      case 'subscription':
      case 'managementGroup':
        // One workspace deploys to one subscription far more often than not; the message says the scope.
        return hosts;
      default:
        return [];
    }
  }
}

/** The resource group a resource is deployed to. */
export function resourceGroupOf(r: Resource): Value | undefined {
  return get(r.body, 'resourceGroupName') ?? r.source.resourceGroup;
}

export function isAvdAgentExtension(ext: Resource): boolean {
  const publisher = knownString(get(ext.body, 'properties', 'publisher'))?.toLowerCase();
  const type = knownString(get(ext.body, 'properties', 'type'))?.toLowerCase();
  if (publisher === 'microsoft.powershell' && type === 'dsc') {
    const fn = knownString(get(ext.body, 'properties', 'settings', 'configurationFunction'))?.toLowerCase() ?? '';
    const url = knownString(get(ext.body, 'properties', 'settings', 'modulesUrl'))?.toLowerCase() ?? '';
    const hasPool = !!get(ext.body, 'properties', 'settings', 'properties', 'hostPoolName');
    return hasPool || fn.includes('addsessionhost') || url.includes('wvd') || url.includes('avd');
  }
  return false;
}

export function buildGraph(documents: Document[]): AvdGraph {
  return new GraphBuilder(documents).build();
}

export function location(r: Resource): Location {
  return { uri: r.source.uri, range: r.source.headRange };
}
