import { carryOver } from '../graph/carried';
import { typeOf } from '../graph/resources';
import { type AvdGraph, identityKey, resourceName } from '../graph';
import { unwrap } from '../graph/identity';
import { type Targets, targetsOf } from '../graph/targets';
import type { Document, Resource, Value } from '../model';
import { parseResourceId } from '../resource-id';
import { arrayItems, cases, get, isAbsent, knownString } from '../values';
import { deploymentRoots } from './deployment-roots';

/**
 * Private endpoints and what they point at: Bicep and ARM `Microsoft.Network/privateEndpoints` (also through azapi),
 * Terraform `azurerm_private_endpoint` (kept unmapped, under its HCL names), and the private endpoint connections a host
 * pool or workspace declares as children. Azure Virtual Desktop has three sub-resources: `connection` on a host pool,
 * `feed` on a workspace, `global` on one workspace of the deployment.
 */

export type AvdSubResource = 'connection' | 'feed' | 'global';

const PRIVATE_ENDPOINT = 'microsoft.network/privateendpoints';
const TF_PRIVATE_ENDPOINT = 'terraform:azurerm_private_endpoint';
const HOST_POOL = 'microsoft.desktopvirtualization/hostpools';
const WORKSPACE = 'microsoft.desktopvirtualization/workspaces';
/** Private endpoint connections declared as children: the endpoint is made elsewhere, and its sub-resource is not said. */
const CONNECTION_CHILDREN = new Map([
  ['microsoft.desktopvirtualization/hostpools/privateendpointconnections', HOST_POOL],
  ['microsoft.desktopvirtualization/workspaces/privateendpointconnections', WORKSPACE],
]);

/** One connection of a private endpoint to the resource it serves. */
export interface EndpointLink {
  /** The private endpoint (or the endpoint connection child) that declares it. */
  endpoint: Resource;
  /** The value that names the target (an id, a reference), where the finding's related information points. */
  id?: Value;
  /** The resource of the workspace it points at, when that can be followed. */
  target?: Resource;
  /** The target's ARM type in lower case, when known (from the resource followed or the id). */
  targetType?: string;
  /** The target's name, when the id says it and the target was not found. */
  targetName?: Value;
  /** The sub-resources it connects (lower case); undefined when that cannot be read. */
  groups?: string[];
}

interface EndpointFacts {
  links: EndpointLink[];
}

const factsByDocuments = new WeakMap<readonly Document[], EndpointFacts>();

/** The private endpoint connections of the workspace, once per version of its documents. */
export function endpointLinks(graph: AvdGraph): EndpointLink[] {
  let f =
    factsByDocuments.get(graph.documents) ??
    // The last version's links after a keystroke that kept the links, unless an endpoint is in the edited document: a
    // link holds values of its endpoint's document (the id, the target's name), whose places the edit moved.
    carryOver(
      graph,
      factsByDocuments,
      (r) => isEndpoint(typeOf(r)),
      (facts, now, swapped) =>
        facts.links.some((l) => swapped(l.endpoint))
          ? undefined
          : { links: facts.links.map((l) => ({ ...l, endpoint: now(l.endpoint), ...(l.target ? { target: now(l.target) } : {}) })) },
    );
  if (!f) factsByDocuments.set(graph.documents, (f = { links: readLinks(graph.documents) }));
  return f.links;
}

function readLinks(documents: readonly Document[]): EndpointLink[] {
  const endpoints = documents.flatMap((d) => d.resources).filter((r) => isEndpoint(typeOf(r)));
  if (!endpoints.length) return [];
  const targets = targetsOf(documents);
  const out: EndpointLink[] = [];
  for (const r of endpoints) {
    const t = typeOf(r);
    if (t === TF_PRIVATE_ENDPOINT) {
      const psc = get(r.body, 'private_service_connection');
      if (!psc) {
        // A `dynamic` block may hold it.
        if (r.body.open) out.push({ endpoint: r });
        continue;
      }
      for (const c of cases(psc)) {
        const id = get(c.value, 'private_connection_resource_id') ?? get(c.value, 'private_connection_resource_alias');
        out.push(...links(targets, r, id, get(c.value, 'subresource_names')));
      }
    } else if (t === PRIVATE_ENDPOINT) {
      for (const list of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
        const v = get(r.body, 'properties', list);
        if (!v) continue;
        for (const c of cases(v)) {
          const items = c.value.kind === 'array' ? c.value.items : undefined;
          // A list built by a loop or passed in: it may connect anything.
          if (!items || c.value.kind !== 'array' || c.value.open) out.push({ endpoint: r });
          for (const item of (items ?? []).flatMap((i) => cases(i).map((x) => x.value))) {
            out.push(...links(targets, r, get(item, 'properties', 'privateLinkServiceId'), get(item, 'properties', 'groupIds')));
          }
        }
      }
      // A body passed in whole (a module parameter) says nothing about what it connects.
      if (!get(r.body, 'properties', 'privateLinkServiceConnections') && !get(r.body, 'properties', 'manualPrivateLinkServiceConnections')) {
        const props = get(r.body, 'properties');
        if (!props || props.kind !== 'object' || props.open) out.push({ endpoint: r });
      }
    } else {
      const parentType = CONNECTION_CHILDREN.get(t);
      const parent = get(r.body, 'parent') ?? get(r.body, 'parentId');
      const target = parent ? targets.target(parent, parentType, r) : undefined;
      out.push(
        target
          ? { endpoint: r, id: parent, target, targetType: parentType }
          : { endpoint: r, targetType: parentType, targetName: parentSegment(resourceName(r)) },
      );
    }
  }
  return out;
}

function isEndpoint(t: string): boolean {
  return t === PRIVATE_ENDPOINT || t === TF_PRIVATE_ENDPOINT || CONNECTION_CHILDREN.has(t);
}

/** The `pool` of a child's `pool/connection` name. */
function parentSegment(name: Value | undefined): Value | undefined {
  const s = knownString(name);
  return s?.includes('/') ? { kind: 'string', parts: [{ kind: 'text', text: s.split('/')[0] }], range: name!.range } : undefined;
}

/**
 * The links of one connection. A module several callers pass the target and the sub-resource to (one private endpoint
 * module for a host pool, a workspace, a storage account) gives each caller's pair: the cases of both with the same caller.
 */
function links(targets: Targets, endpoint: Resource, id: Value | undefined, groupIds: Value | undefined): EndpointLink[] {
  const u = unwrap(id);
  if (u?.kind !== 'choice') return [link(targets, endpoint, id, groupIds)];
  return u.options.map((o) => link(targets, endpoint, o.value, inCase(groupIds, o.when)));
}

/**
 * A value as it is in the case `when` of the choices it holds (itself, or the items of a list): a module that several
 * callers pass values to reads, for one caller, that caller's value of each parameter.
 */
export function inCase(v: Value | undefined, when: string): Value | undefined {
  const u = unwrap(v);
  if (!when) return v;
  if (u?.kind === 'choice') {
    const same = u.options.filter((x) => x.when === when);
    // Two callers of the same name (tests in several folders, each `module testDeployment`) cannot be told apart.
    return same.length === 1 ? inCase(same[0].value, when) : v;
  }
  if (u?.kind === 'array') return { ...u, items: u.items.map((i) => inCase(i, when) ?? i) };
  return v;
}

function link(targets: Targets, endpoint: Resource, id: Value | undefined, groupIds: Value | undefined): EndpointLink {
  const out: EndpointLink = { endpoint, id, groups: groupsOf(groupIds) };
  const target = id ? targets.target(id, undefined, endpoint) : undefined;
  if (target && !target.source.existing) {
    out.target = target;
    out.targetType = typeOf(target);
    return out;
  }
  if (target) {
    // An `existing` declaration whose name cannot be followed to a deployed resource: its type and name say what it is.
    out.targetType = typeOf(target);
    out.targetName = resourceName(target);
    return out;
  }
  const v = unwrap(id);
  const parsed = v ? parseResourceId(v) : undefined;
  if (parsed?.kind === 'resource' && parsed.type) {
    out.targetType = parsed.type.toLowerCase();
    out.targetName = parsed.names[parsed.names.length - 1];
  }
  return out;
}

/** The sub-resources a `groupIds` / `subresource_names` list names, in lower case; undefined when one is not known. */
function groupsOf(v: Value | undefined): string[] | undefined {
  const u = unwrap(v);
  const items = arrayItems(u);
  if (!items || (u?.kind === 'array' && u.open)) return undefined;
  const out: string[] = [];
  for (const item of items) {
    const s = knownString(item);
    if (s === undefined) return undefined;
    out.push(s.trim().toLowerCase());
  }
  return out;
}

/** Whether a link may serve `sub`: it names it, or its sub-resources cannot be read. */
function mayServe(l: EndpointLink, sub: AvdSubResource): boolean {
  return !l.groups || l.groups.includes(sub);
}

function isAvdType(t: string | undefined): boolean {
  return t === undefined || t.startsWith('microsoft.desktopvirtualization/');
}

/** How a resource's private endpoint for a sub-resource is seen: one points at it, one may (what it points at is not known), or none. */
export type Coverage = { kind: 'exact'; link: EndpointLink } | { kind: 'maybe'; link: EndpointLink } | { kind: 'none' };

/** The private endpoint that serves sub-resource `sub` of `subject` (a host pool or a workspace). */
export function endpointFor(graph: AvdGraph, subject: Resource, sub: AvdSubResource): Coverage {
  let maybe: EndpointLink | undefined;
  for (const l of endpointLinks(graph)) {
    if (!mayServe(l, sub)) continue;
    if (l.target) {
      if (l.target.key !== subject.key) continue;
      if (l.groups) return { kind: 'exact', link: l };
      maybe ??= l;
      continue;
    }
    if (l.targetType !== undefined && l.targetType !== typeOf(subject)) continue;
    if (differentName(l.targetName, resourceName(subject))) continue;
    if (!sameProject(graph, l.endpoint, subject)) continue;
    maybe ??= l;
  }
  return maybe ? { kind: 'maybe', link: maybe } : { kind: 'none' };
}

/** Whether two resources are of one project (AvdGraph.project): an endpoint whose target is not known may be any of its own. */
function sameProject(graph: AvdGraph, a: Resource, b: Resource): boolean {
  return a.source.uri === b.source.uri || graph.project(a.source.uri) === graph.project(b.source.uri);
}

/** Two names that are both known and differ. */
function differentName(a: Value | undefined, b: Value | undefined): boolean {
  const ka = identityKey(a);
  const kb = identityKey(b);
  return !!ka && !!kb && ka.startsWith('s:') && kb.startsWith('s:') && ka !== kb;
}

/** Whether a link is a private endpoint of Azure Virtual Desktop: it points at a host pool or workspace, or names one of their sub-resources and points at nothing else known. */
function isAvdLink(l: EndpointLink): boolean {
  if (l.target) return isAvdType(typeOf(l.target));
  if (l.targetType !== undefined) return isAvdType(l.targetType);
  return !!l.groups?.some((g) => g === 'connection' || g === 'feed' || g === 'global');
}

const rootsByDocuments = new WeakMap<readonly Document[], Map<string, Set<string>>>();

/** The deployment roots of each private endpoint of Azure Virtual Desktop, host pool and workspace, by resource key. */
function rootsOf(graph: AvdGraph): Map<string, Set<string>> {
  let m = rootsByDocuments.get(graph.documents);
  if (m) return m;
  m = new Map();
  const resources = [
    ...new Set([
      ...endpointLinks(graph)
        .filter(isAvdLink)
        .map((l) => l.endpoint),
      ...graph.hostPools.map((p) => p.resource),
      ...graph.workspaces.map((w) => w.resource),
    ]),
  ];
  for (const root of deploymentRoots(graph, resources)) {
    for (const { resource } of root.members) {
      let units = m.get(resource.key);
      if (!units) m.set(resource.key, (units = new Set()));
      units.add(root.unit);
    }
  }
  rootsByDocuments.set(graph.documents, m);
  return m;
}

/**
 * A private endpoint of Azure Virtual Desktop that a deployment of `near` also deploys: it shows that Private Link is
 * meant there. Private endpoints of other deployments of the workspace (another sample, another environment) do not.
 */
export function avdEndpoint(graph: AvdGraph, near: Resource): EndpointLink | undefined {
  const links = endpointLinks(graph).filter(isAvdLink);
  if (!links.length) return undefined;
  const roots = rootsOf(graph);
  const mine = roots.get(near.key);
  if (!mine) return undefined;
  return links.find((l) => [...(roots.get(l.endpoint.key) ?? [])].some((u) => mine.has(u)));
}

/**
 * Whether a workspace carries the deployment's `global` private endpoint: one points at it for `global` (or for what
 * cannot be read), or one for `global` points at a workspace that cannot be told apart from it.
 */
export function carriesGlobalEndpoint(graph: AvdGraph, ws: Resource): boolean {
  return endpointLinks(graph).some((l) =>
    l.target
      ? l.target.key === ws.key && mayServe(l, 'global')
      : !!l.groups?.includes('global') &&
        (l.targetType === undefined || l.targetType === WORKSPACE) &&
        !differentName(l.targetName, resourceName(ws)) &&
        sameProject(graph, l.endpoint, ws),
  );
}

/** Whether some private endpoint of the project (AvdGraph.project) may be the deployment's `global` one. */
export function globalEndpointMayExist(graph: AvdGraph, project: string): boolean {
  return endpointLinks(graph).some(
    (l) =>
      mayServe(l, 'global') && isAvdType(l.targetType) && (!l.targetType || l.targetType === WORKSPACE) && graph.project(l.endpoint.source.uri) === project,
  );
}

/** A host pool's or workspace's public network access: `enabled` also when absent (the service default). */
export type PublicAccess = 'enabled' | 'disabled' | 'clients-only' | 'hosts-only';

export interface PublicAccessCase {
  /** Undefined when the value is not known. */
  mode?: PublicAccess;
  /** The value written; undefined when the property is absent. */
  value?: Value;
  when: string;
}

const MODES = new Map<string, PublicAccess>([
  ['enabled', 'enabled'],
  ['disabled', 'disabled'],
  ['enabledforclientsonly', 'clients-only'],
  ['enabledforsessionhostsonly', 'hosts-only'],
]);

/**
 * The public network access of a host pool or workspace in each case it can take: `publicNetworkAccess` (Terraform's
 * host pool `public_network_access`), or the workspace's Terraform boolean `public_network_access_enabled`.
 */
export function publicAccessCases(r: Resource): PublicAccessCase[] {
  const v = get(r.body, 'properties', 'publicNetworkAccess');
  if (!v) return [{ mode: isAbsent(r.body, 'properties', 'publicNetworkAccess') ? 'enabled' : undefined, when: '' }];
  return cases(v).map((c) => {
    // Terraform's `null` leaves the provider's default.
    if (c.value.kind === 'null') return { mode: 'enabled', when: c.when };
    const b = c.value.kind === 'boolean' ? c.value.value : undefined;
    const s = knownString(c.value)?.trim().toLowerCase();
    const mode = b === true ? 'enabled' : b === false ? 'disabled' : s !== undefined ? MODES.get(s) : undefined;
    return { mode, value: c.value, when: c.when };
  });
}

const globalSubjects = new WeakMap<readonly Document[], Map<string, Resource | null>>();

/**
 * The one resource the missing `global` private endpoint is reported on, for the deployment of a project (a
 * repository: AvdGraph.project): its first workspace closed to public networks, else its first host pool that keeps
 * clients off them. Once per version of the documents; after an edit that kept the links and wrote in no pool's or
 * workspace's public network access, the last version's choice in its new version.
 */
export function globalSubject(graph: AvdGraph, project: string): Resource | undefined {
  let byProject =
    globalSubjects.get(graph.documents) ??
    carryOver(
      graph,
      globalSubjects,
      (r, properties) => (typeOf(r) === HOST_POOL || typeOf(r) === WORKSPACE) && (!properties || properties.has('publicnetworkaccess')),
      (before, now) => new Map([...before].map(([k, s]) => [k, s && now(s)])),
    );
  if (!byProject) globalSubjects.set(graph.documents, (byProject = new Map()));
  let s = byProject.get(project);
  if (s === undefined) {
    const closes = (r: Resource, modes: PublicAccess[]) =>
      !r.source.existing && graph.project(r.source.uri) === project && publicAccessCases(r).some((c) => c.mode && modes.includes(c.mode));
    s =
      graph.workspaces.find((w) => closes(w.resource, ['disabled']))?.resource ??
      graph.hostPools.find((p) => closes(p.resource, ['disabled', 'hosts-only']))?.resource ??
      null;
    byProject.set(project, s);
  }
  return s ?? undefined;
}
