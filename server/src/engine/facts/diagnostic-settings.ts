import { typeOf } from '../graph/resources';
import type { AvdGraph } from '../graph';
import { carryOver } from '../graph/carried';
import { unwrap } from '../graph/identity';
import { type Targets, targetsOf } from '../graph/targets';
import type { Document, Resource, Value } from '../model';
import { parseResourceId } from '../resource-id';
import { arrayItems, cases, get, knownBoolean, knownString } from '../values';

/**
 * Diagnostic settings and the resources they send logs of: Bicep and ARM `Microsoft.Insights/diagnosticSettings`
 * (`scope`, or azapi's `parentId`), ARM children `<type>/providers/diagnosticSettings` named `<parent>/Microsoft.Insights/<name>`,
 * and Terraform `azurerm_monitor_diagnostic_setting` (kept unmapped, under its HCL names).
 */

const SETTING = 'microsoft.insights/diagnosticsettings';
const TF_SETTING = 'terraform:azurerm_monitor_diagnostic_setting';
const PROVIDER_CHILD = /^(microsoft\.desktopvirtualization\/[a-z]+)\/providers\/(microsoft\.insights\/)?diagnosticsettings$/;
/** The target type of a subscription's or management group's own setting, which is no resource's. */
const SUBSCRIPTION = 'microsoft.resources/subscriptions';
/** The category groups that hold every category of Azure Virtual Desktop's resources. */
const FULL_GROUPS = ['alllogs', 'audit'];

/** The log categories a setting sends (lower case), `all` for a category group that holds them all, or `unknown`. */
export type Categories = ReadonlySet<string> | 'all' | 'unknown';

export interface DiagnosticLink {
  setting: Resource;
  /** The resource it sends logs of, when that can be followed. */
  target?: Resource;
  /** The target's ARM type in lower case when the target is not followed but its id says the type. */
  targetType?: string;
  categories: Categories;
}

const factsByDocuments = new WeakMap<readonly Document[], DiagnosticLink[]>();

/**
 * The diagnostic settings of the workspace, once per version of its documents; after an edit that wrote in no setting
 * and kept the links (typing in a host pool's RDP string), the last version's, moved to the new resources.
 */
export function diagnosticLinks(graph: AvdGraph): DiagnosticLink[] {
  let f =
    factsByDocuments.get(graph.documents) ??
    carryOver(
      graph,
      factsByDocuments,
      (r) => isSetting(typeOf(r)),
      (before, now) => before.map((l) => ({ ...l, setting: now(l.setting), target: l.target && now(l.target) })),
    );
  if (!f) factsByDocuments.set(graph.documents, (f = readLinks(graph.documents)));
  return f;
}

function readLinks(documents: readonly Document[]): DiagnosticLink[] {
  const settings = documents.flatMap((d) => d.resources).filter((r) => isSetting(typeOf(r)));
  if (!settings.length) return [];
  const targets = targetsOf(documents);
  return settings.map((r) => {
    const t = typeOf(r);
    if (t === TF_SETTING) return link(targets, r, get(r.body, 'target_resource_id'), terraformCategories(r));
    const categories = armCategories(r);
    const child = PROVIDER_CHILD.exec(t);
    if (child) {
      const parentType = child[1];
      const parent = get(r.body, 'parent') ?? get(r.body, 'parentId');
      if (parent) return { ...link(targets, r, parent, categories, parentType), targetType: parentType };
      const name = knownString(get(r.body, 'name'));
      const poolName = name?.includes('/') ? name.split('/')[0] : undefined;
      const named = poolName ? targets.named(parentType, { kind: 'string', parts: [{ kind: 'text', text: poolName }], range: r.source.range }) : [];
      const target = named.length === 1 ? targets.deployed(named[0]) : undefined;
      return { setting: r, target, targetType: parentType, categories };
    }
    const scope = get(r.body, 'scope') ?? get(r.body, 'parentId');
    // Without a scope, a setting deployed at subscription or management group scope is that scope's own (its Activity
    // Log, as AVM's subscription module deploys it): it sends no resource's logs. A body that may hold more than it
    // shows may hold the scope; at resource group scope, an unread legacy name may be any resource's.
    const ownScope = r.source.deploymentScope === 'subscription' || r.source.deploymentScope === 'managementGroup';
    if (!scope && ownScope && r.body.kind === 'object' && !r.body.open) return { setting: r, targetType: SUBSCRIPTION, categories };
    return link(targets, r, scope, categories);
  });
}

function isSetting(t: string): boolean {
  return t === SETTING || t === TF_SETTING || PROVIDER_CHILD.test(t);
}

function link(targets: Targets, setting: Resource, id: Value | undefined, categories: Categories, type?: string): DiagnosticLink {
  const target = id ? targets.target(id, type, setting) : undefined;
  if (target) return { setting, target, categories };
  const v = unwrap(id);
  const parsed = v ? parseResourceId(v) : undefined;
  // A subscription's or management group's own setting (its Activity Log) sends no resource's logs.
  if (parsed?.kind === 'subscription' || parsed?.kind === 'managementGroup') return { setting, targetType: SUBSCRIPTION, categories };
  return { setting, targetType: parsed?.kind === 'resource' ? parsed.type?.toLowerCase() : undefined, categories };
}

/** The categories of a `logs` list whose items have `category` or `categoryGroup` and `enabled`. */
function armCategories(r: Resource): Categories {
  const logs = get(r.body, 'properties', 'logs');
  if (logs) return collect(logs, 'category', 'categoryGroup', 'enabled');
  // ARM's property loop (`copy` named `logs`, as compiled Bicep writes a `for`) is not expanded: its items are not known.
  const props = get(r.body, 'properties');
  return r.body.kind === 'object' && !r.body.open && props?.kind === 'object' && !props.open && !get(props, 'copy') ? new Set() : 'unknown';
}

/** The categories of `enabled_log` blocks (no `enabled`) and legacy `log` blocks (with `enabled`). */
function terraformCategories(r: Resource): Categories {
  if (r.body.kind !== 'object' || r.body.open) return 'unknown';
  const out = new Set<string>();
  let all = false;
  // Repeated blocks are entries of the same key.
  for (const e of r.body.entries.filter((x) => x.key === 'enabled_log' || x.key === 'log')) {
    const got = collect(e.value, 'category', 'category_group', 'enabled');
    if (got === 'unknown') return got;
    if (got === 'all') all = true;
    else got.forEach((c) => out.add(c));
  }
  return all ? 'all' : out;
}

function collect(list: Value, categoryKey: string, groupKey: string, enabledKey: string): Categories {
  const out = new Set<string>();
  let all = false;
  for (const c of cases(list)) {
    const u = unwrap(c.value);
    // One block in Terraform is the object itself; several are a list.
    const items = u?.kind === 'object' ? [u] : arrayItems(u);
    if (!items || (u?.kind === 'array' && u.open)) return 'unknown';
    for (const item of items.flatMap((i) => cases(i).map((x) => unwrap(x.value)))) {
      if (item?.kind !== 'object' || item.open) return 'unknown';
      const enabled = get(item, enabledKey);
      if (enabled && knownBoolean(enabled) === undefined) return 'unknown';
      if (enabled && knownBoolean(enabled) === false) continue;
      const group = get(item, groupKey);
      const category = get(item, categoryKey);
      if (group) {
        const g = knownString(group);
        if (g === undefined) return 'unknown';
        if (FULL_GROUPS.includes(g.toLowerCase())) all = true;
      } else if (category) {
        const name = knownString(category);
        if (name === undefined) return 'unknown';
        out.add(name.toLowerCase());
      } else return 'unknown';
    }
  }
  return all ? 'all' : out;
}

/** How a resource's logs are seen: settings that send them (with the categories together), none, or not known. */
export type LogCoverage = { kind: 'none' } | { kind: 'unknown' } | { kind: 'some'; settings: Resource[]; categories: ReadonlySet<string> | 'all' };

/**
 * The diagnostic settings that send `subject`'s logs. A setting whose target or categories cannot be read, and may be
 * this resource, makes the answer unknown.
 */
export function logCoverage(graph: AvdGraph, subject: Resource): LogCoverage {
  const index = coverageIndex(graph, diagnosticLinks(graph));
  const mine = index.byTarget.get(subject.key) ?? [];
  const unread = index.unread.get(graph.project(subject.source.uri));
  const unknown = !!unread && (unread.any || unread.types.has(typeOf(subject)));
  if (mine.some((l) => l.categories === 'all')) return { kind: 'some', settings: mine.map((l) => l.setting), categories: 'all' };
  if (unknown || mine.some((l) => l.categories === 'unknown')) return { kind: 'unknown' };
  if (!mine.length) return { kind: 'none' };
  const categories = new Set<string>();
  for (const l of mine) (l.categories as ReadonlySet<string>).forEach((c) => categories.add(c));
  return { kind: 'some', settings: mine.map((l) => l.setting), categories };
}

interface CoverageIndex {
  /** The settings whose target is followed, by the target's key, in the order of the settings. */
  byTarget: Map<string, DiagnosticLink[]>;
  /**
   * By project (AvdGraph.project), the settings whose target is not followed: the types their ids still say, and
   * whether one says nothing, not even its type. Such a setting may send the logs of any resource of its project.
   */
  unread: Map<string, { types: Set<string>; any: boolean }>;
}

const coverageIndexes = new WeakMap<readonly DiagnosticLink[], CoverageIndex>();

/** The diagnostic links by target, once per version of the documents: each resource asks (pools, groups, workspaces). */
function coverageIndex(graph: AvdGraph, links: readonly DiagnosticLink[]): CoverageIndex {
  let index = coverageIndexes.get(links);
  if (index) return index;
  index = { byTarget: new Map(), unread: new Map() };
  for (const l of links) {
    if (l.target) {
      const list = index.byTarget.get(l.target.key);
      if (list) list.push(l);
      else index.byTarget.set(l.target.key, [l]);
      continue;
    }
    const project = graph.project(l.setting.source.uri);
    let unread = index.unread.get(project);
    if (!unread) index.unread.set(project, (unread = { types: new Set(), any: false }));
    if (!l.targetType) unread.any = true;
    else unread.types.add(l.targetType);
  }
  coverageIndexes.set(links, index);
  return index;
}

/** What is missing of a resource's logs: every setting, or the `required` categories (as written) its settings leave out. */
export type LogGap = { kind: 'no-setting' } | { kind: 'categories'; missing: string[]; settings: Resource[] };

/** The gap in `subject`'s logs against `required`, undefined when there is none or it cannot be told. */
export function logGap(graph: AvdGraph, subject: Resource, required: readonly string[]): LogGap | undefined {
  // A resource declared `existing` is deployed, and monitored, elsewhere.
  if (subject.source.existing) return undefined;
  const c = logCoverage(graph, subject);
  if (c.kind === 'none') return { kind: 'no-setting' };
  if (c.kind !== 'some' || c.categories === 'all') return undefined;
  const sent = c.categories;
  const missing = required.filter((x) => !sent.has(x.toLowerCase()));
  return missing.length ? { kind: 'categories', missing, settings: c.settings } : undefined;
}
