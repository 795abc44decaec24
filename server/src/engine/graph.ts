import { DESKTOP_VIRTUALIZATION_USER, roleByGuid, roleByName, roleGuidOf, type RoleInfo } from './knowledge/roles';
import type { Document, Location, Resource, StringValue, Value } from './model';
import { dirOf } from './adapters/inputs';
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
  /** Desktop Virtualization User assignments on application groups, by the identity key of their principal. */
  endUsers: Map<string, { assignment: Resource; appGroup: Resource }[]>;
  /** Every resource by key. */
  byKey: Map<string, Resource>;
  /** Host pools and role assignments of each document, so a check of one document does not walk the workspace. */
  byUri: Map<string, { hostPools: HostPoolNode[]; roleAssignments: RoleAssignmentNode[] }>;
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

/**
 * A key that two values share exactly when they can be seen to be the same: equal known text (case-insensitive, as
 * Azure names are), the same unknown expression, the same reference. Undefined when the value cannot be compared.
 */
const identityKeys = new WeakMap<Value, string | undefined>();

export function identityKey(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (identityKeys.has(v)) return identityKeys.get(v);
  const k = computeIdentityKey(v);
  identityKeys.set(v, k);
  return k;
}

function computeIdentityKey(v: Value | undefined): string | undefined {
  v = unwrap(v);
  if (!v) return undefined;
  const s = knownString(v);
  if (s !== undefined) return 's:' + s.toLowerCase();
  switch (v.kind) {
    case 'unknown':
      return v.key ? 'u:' + v.key : undefined;
    case 'ref':
      return v.target ? `r:${v.target}|${v.path.join('.')}` : undefined;
    case 'choice':
      return undefined;
    default: {
      const k = valueKey(v).toLowerCase();
      return k.includes('?') ? undefined : 'k:' + k;
    }
  }
}

/** Groups items by the identity key of a value each has; items whose value has no key are left out. */
export function indexBy<T>(items: readonly T[], value: (t: T) => Value | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = identityKey(value(item));
    if (k === undefined) continue;
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(item);
  }
  return map;
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
  private readonly byTypeAndName = new Map<string, Map<string, Resource[]>>();

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

  /** Resources of a type whose name is the same as `name` (by identity key; indexed once per type). */
  private named(type: string, name: Value | undefined): Resource[] {
    const k = identityKey(name);
    if (k === undefined) return [];
    let index = this.byTypeAndName.get(type);
    if (!index) this.byTypeAndName.set(type, (index = indexBy(this.ofType(type), resourceName)));
    return index.get(k) ?? [];
  }

  /** The resource a value points at: a reference by key, or an id / name that matches a resource of `type`. */
  target(v: Value | undefined, type?: string, from?: Resource): Resource | undefined {
    v = unwrap(v);
    if (!v) return undefined;
    if (v.kind === 'ref') {
      if (v.target) {
        const r = this.byKey.get(v.target);
        if (r && (!type || typeIs(r, type))) return r;
        return undefined;
      }
      if (v.targetId) return this.target(v.targetId, type, from);
      return undefined;
    }
    const id = parseResourceId(v);
    if (id?.kind === 'resource' && id.type && (!type || id.type.toLowerCase() === type)) {
      const name = id.names[id.names.length - 1];
      const matches = this.named(id.type.toLowerCase(), name);
      return from ? nearest(matches, from) : matches.length === 1 ? matches[0] : undefined;
    }
    return undefined;
  }

  build(): AvdGraph {
    const hostPools: HostPoolNode[] = this.ofType(T.hostPool).map((resource) => ({ resource, sessionHosts: [], appGroups: [] }));
    const poolOf = new Map(hostPools.map((h) => [h.resource, h]));

    const appGroups: AppGroupNode[] = this.ofType(T.appGroup).map((resource) => {
      const pool = this.target(get(resource.body, 'properties', 'hostPoolArmPath'), T.hostPool, resource);
      const node: AppGroupNode = { resource, hostPool: pool ? poolOf.get(pool) : undefined };
      node.hostPool?.appGroups.push(node);
      return node;
    });

    const sessionHosts = this.sessionHosts(poolOf);
    const hostsByGroup = indexBy(sessionHosts, (h) => resourceGroupOf(h.vm));
    const roleAssignments = this.ofType(T.roleAssignment).map((r) => this.roleAssignment(r, sessionHosts, hostsByGroup));
    const endUsers = new Map<string, { assignment: Resource; appGroup: Resource }[]>();
    for (const ra of roleAssignments) {
      const target = ra.scope.kind === 'other' ? ra.scope.target : undefined;
      const k = identityKey(ra.principal);
      if (!target || !typeIs(target, T.appGroup) || k === undefined || !ra.roles.some((r) => r.role === DESKTOP_VIRTUALIZATION_USER)) continue;
      let list = endUsers.get(k);
      if (!list) endUsers.set(k, (list = []));
      list.push({ assignment: ra.resource, appGroup: target });
    }
    const byUri = new Map<string, { hostPools: HostPoolNode[]; roleAssignments: RoleAssignmentNode[] }>();
    const slot = (uri: string) => {
      let e = byUri.get(uri);
      if (!e) byUri.set(uri, (e = { hostPools: [], roleAssignments: [] }));
      return e;
    };
    for (const hp of hostPools) slot(hp.resource.source.uri).hostPools.push(hp);
    for (const ra of roleAssignments) slot(ra.resource.source.uri).roleAssignments.push(ra);
    return {
      hostPools,
      sessionHosts,
      roleAssignments,
      appGroups,
      caPolicies: this.ofType(T.caPolicy),
      endUsers,
      byUri,
      byKey: this.byKey,
      documents: this.documents,
    };
  }

  private sessionHosts(poolOf: Map<Resource, HostPoolNode>): SessionHostNode[] {
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
      const linked = this.linkHostPool(n);
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
    const byRef = this.target(parent, T.vm, ext);
    if (byRef) return byRef;
    const vmId = get(ext.body, 'properties', 'virtualMachineId');
    if (vmId) return this.target(vmId, T.vm, ext);
    const parentName = parentNameOf(ext);
    if (!parentName) return undefined;
    const candidates = this.named(T.vm, parentName);
    // Prefer the VM declared in the same document (the same module or template).
    return nearest(candidates, ext);
  }

  private joinType(n: SessionHostNode): void {
    let entra: Resource | undefined;
    let ad: Resource | undefined;
    for (const ext of n.extensions) {
      const type = factsOf(ext).type;
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

  private linkHostPool(n: SessionHostNode): { pool: Resource; link: SessionHostNode['link'] } | undefined {
    for (const ext of n.extensions) {
      if (!isAvdAgentExtension(ext)) continue;
      const settings = get(ext.body, 'properties', 'settings');
      const token =
        get(ext.body, 'properties', 'protectedSettings', 'Items', 'RegistrationInfoToken') ??
        // Terraform configurations pass the token in protected_settings.
        get(ext.body, 'properties', 'protectedSettings', 'properties', 'registrationInfoToken') ??
        get(settings, 'properties', 'registrationInfoToken') ??
        get(settings, 'properties', 'RegistrationInfoToken');
      const byToken = this.tokenPool(token);
      if (byToken) return { pool: byToken, link: 'registration-token' };
      const name = get(settings, 'properties', 'hostPoolName') ?? get(settings, 'properties', 'HostPoolName');
      if (name) {
        const byRef = this.target(name, T.hostPool, ext);
        if (byRef) return { pool: byRef, link: 'host-pool-name' };
        const match = nearest(this.named(T.hostPool, name), ext);
        if (match) return { pool: match, link: 'host-pool-name' };
      }
    }
    const tag = get(n.vm.body, 'tags', 'cm-resource-parent');
    const byTag = tag && this.target(tag, T.hostPool, n.vm);
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
      return this.target(get(target.body, 'properties', 'hostPoolId') ?? get(target.body, 'hostpool_id'), T.hostPool, target);
    }
    return undefined;
  }

  private roleAssignment(resource: Resource, hosts: SessionHostNode[], hostsByGroup: Map<string, SessionHostNode[]>): RoleAssignmentNode {
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
    return { resource, roles, scope, principal, covers: this.covered(scope, hosts, hostsByGroup) };
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
      const target = this.target(scope, undefined, resource);
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
        const target = this.target(scope, undefined, resource);
        if (id.type?.toLowerCase() === T.vm) return target ? { kind: 'vm', vm: target } : { kind: 'other', type: id.type };
        return { kind: 'other', type: id.type, target };
      }
    }
  }

  private covered(scope: ScopeInfo, hosts: SessionHostNode[], hostsByGroup: Map<string, SessionHostNode[]>): SessionHostNode[] {
    switch (scope.kind) {
      case 'vm':
        return hosts.filter((h) => h.vm === scope.vm);
      case 'resourceGroup': {
        const k = identityKey(scope.name);
        return k === undefined ? [] : (hostsByGroup.get(k) ?? []);
      }
      case 'subscription':
      case 'managementGroup':
        // One workspace deploys to one subscription far more often than not; the message says the scope.
        return hosts;
      default:
        return [];
    }
  }
}

/**
 * The one candidate a name points at, seen from `from`: the only one in the same document, else the only one in the
 * same folder (one deployment), else the only one at all. Two templates that deploy the same name elsewhere are
 * separate deployments, not one.
 */
function nearest(candidates: Resource[], from: Resource): Resource | undefined {
  if (candidates.length <= 1) return candidates[0];
  const sameDoc = candidates.filter((c) => c.source.uri === from.source.uri);
  if (sameDoc.length) return sameDoc.length === 1 ? sameDoc[0] : undefined;
  const folder = dirOf(from.source.uri);
  const sameFolder = candidates.filter((c) => dirOf(c.source.uri) === folder);
  return sameFolder.length === 1 ? sameFolder[0] : undefined;
}

/** The resource group a resource is deployed to. */
export function resourceGroupOf(r: Resource): Value | undefined {
  return get(r.body, 'resourceGroupName') ?? r.source.resourceGroup;
}

/** Facts of one extension that do not depend on other resources; cached with the resource, which lives as long as its document. */
interface ExtensionFacts {
  type?: string;
  agent: boolean;
}

const extensionFacts = new WeakMap<Resource, ExtensionFacts>();

function factsOf(ext: Resource): ExtensionFacts {
  let f = extensionFacts.get(ext);
  if (!f) {
    f = { type: knownString(get(ext.body, 'properties', 'type'))?.toLowerCase(), agent: computeIsAgent(ext) };
    extensionFacts.set(ext, f);
  }
  return f;
}

export function isAvdAgentExtension(ext: Resource): boolean {
  return factsOf(ext).agent;
}

function computeIsAgent(ext: Resource): boolean {
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

/**
 * What the graph knows about one document's resources, as text: their links and the facts other documents' findings
 * depend on. When an edit leaves it unchanged, no other document's findings can change.
 */
export function linkSignature(graph: AvdGraph, uri: string): string {
  const out: string[] = [];
  const mine = (r: Resource) => r.source.uri === uri;
  for (const hp of graph.hostPools) {
    if (!mine(hp.resource)) continue;
    const types = cases(get(hp.resource.body, 'properties', 'hostPoolType') ?? { kind: 'null', range: { start: 0, end: 0 } }).map((c) => identityKey(c.value));
    out.push(
      `hp ${hp.resource.key} ${identityKey(resourceName(hp.resource))} ${identityKey(resourceGroupOf(hp.resource))} ${types.join('|')} ${!!hp.resource.source.existing}`,
    );
  }
  for (const h of graph.sessionHosts) {
    if (mine(h.vm) || h.extensions.some(mine))
      out.push(`sh ${h.vm.key} ${identityKey(resourceGroupOf(h.vm))} ${h.joinType} ${h.hostPool?.resource.key} ${h.extensions.map((e) => e.key).join(',')}`);
  }
  for (const ra of graph.roleAssignments) {
    if (!mine(ra.resource)) continue;
    const scope =
      ra.scope.kind === 'vm'
        ? ra.scope.vm.key
        : ra.scope.kind === 'resourceGroup'
          ? identityKey(ra.scope.name)
          : ra.scope.kind === 'other'
            ? ra.scope.target?.key
            : '';
    out.push(`ra ${ra.resource.key} ${ra.roles.map((r) => r.role?.guid).join(',')} ${ra.scope.kind}:${scope} ${identityKey(ra.principal)} ${ra.covers.length}`);
  }
  for (const g of graph.appGroups) if (mine(g.resource)) out.push(`ag ${g.resource.key} ${g.hostPool?.resource.key}`);
  for (const p of graph.caPolicies) if (mine(p)) out.push(`ca ${p.key} ${valueKey(p.body)}`);
  for (const d of graph.documents)
    if (d.uri === uri)
      out.push(
        `doc ${d.resources.length} ${(d.facts.providers ?? []).join(',')} ${d.resources
          .filter((r) => /desktopvirtualization/i.test(r.type))
          .map((r) => r.key)
          .join(',')}`,
      );
  return out.join('\n');
}

/** Resource types whose values the graph reads to link resources. */
const LINKED_TYPES = new Set(Object.values(T));

/**
 * The values of one document that the graph links by, as text, computed without the graph. Two versions of a
 * document with the same link facts give the same graph, so an edit that keeps them only swaps resources in place.
 */
const linkFactsCache = new WeakMap<Document, string>();

export function linkFacts(doc: Document): string {
  let f = linkFactsCache.get(doc);
  if (f === undefined) linkFactsCache.set(doc, (f = computeLinkFacts(doc)));
  return f;
}

function computeLinkFacts(doc: Document): string {
  const out: string[] = [doc.uri, (doc.facts.providers ?? []).join(',')];
  const k = (v: Value | undefined) => (v ? valueKey(v) : '-');
  for (const r of doc.resources) {
    const t = r.type.toLowerCase();
    out.push(`${r.key} ${t} ${!!r.source.existing} ${r.source.deploymentScope} ${k(r.source.resourceGroup)}`);
    if (!LINKED_TYPES.has(t) && !t.startsWith('microsoft.desktopvirtualization/')) continue;
    const b = r.body;
    out.push(
      k(get(b, 'name')),
      k(get(b, 'hostpool_id')),
      k(get(b, 'resourceGroupName')),
      k(get(b, 'parent')),
      k(get(b, 'scope')),
      k(get(b, 'tags', 'cm-resource-parent')),
    );
    const p = get(b, 'properties');
    for (const path of [
      ['hostPoolType'],
      ['hostPoolArmPath'],
      ['roleDefinitionId'],
      ['roleDefinitionName'],
      ['principalId'],
      ['virtualMachineId'],
      ['publisher'],
      ['type'],
      ['hostPoolId'],
      ['roleName'],
      ['settings', 'properties', 'hostPoolName'],
      ['settings', 'properties', 'HostPoolName'],
      ['settings', 'properties', 'aadJoin'],
      ['settings', 'properties', 'registrationInfoToken'],
      ['settings', 'configurationFunction'],
      ['settings', 'modulesUrl'],
      ['protectedSettings', 'Items', 'RegistrationInfoToken'],
      ['protectedSettings', 'properties', 'registrationInfoToken'],
    ]) {
      out.push(k(get(p, ...path)));
    }
    if (t === T.caPolicy) out.push(valueKey(b));
  }
  return out.join('\n');
}

/**
 * The graph with `next`'s resources in place of `prev`'s, when both have the same link facts (see `linkFacts`):
 * no linking is redone. Undefined when the resources do not pair up by key.
 */
export function swapDocument(graph: AvdGraph, prev: Document, next: Document): AvdGraph | undefined {
  if (prev.resources.length !== next.resources.length) return undefined;
  const swap = new Map<Resource, Resource>();
  const byKey = new Map(next.resources.map((r) => [r.key, r]));
  // Two resources of one key (a duplicate declaration) cannot be paired: link again.
  if (byKey.size !== next.resources.length) return undefined;
  for (const r of prev.resources) {
    const n = byKey.get(r.key);
    if (!n) return undefined;
    swap.set(r, n);
  }
  const s = (r: Resource) => swap.get(r) ?? r;
  // Role cases and principals are values of the new resources (their ranges moved); the roles they name did not.
  const roleUpdates = new Map<RoleAssignmentNode, { roles: RoleCase[]; principal: Value | undefined }>();
  for (const ra of graph.roleAssignments) {
    const next = swap.get(ra.resource);
    if (!next) continue;
    const source = get(next.body, 'properties', 'roleDefinitionId') ?? get(next.body, 'properties', 'roleDefinitionName');
    const now = source ? cases(source) : [];
    if (now.length !== ra.roles.length) return undefined;
    roleUpdates.set(ra, {
      roles: ra.roles.map((rc, i) => ({ ...rc, value: now[i].value, when: now[i].when })),
      principal: get(next.body, 'properties', 'principalId'),
    });
  }
  for (const hp of graph.hostPools) hp.resource = s(hp.resource);
  for (const g of graph.appGroups) g.resource = s(g.resource);
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
  graph.caPolicies = graph.caPolicies.map(s);
  for (const list of graph.endUsers.values()) for (const u of list) Object.assign(u, { assignment: s(u.assignment), appGroup: s(u.appGroup) });
  for (const [from, to] of swap) {
    graph.byKey.delete(from.key);
    graph.byKey.set(to.key, to);
  }
  graph.documents = graph.documents.map((d) => (d === prev ? next : d));
  return graph;
}
