import { pushAll, pushTo } from '../arrays';
import type { AvdGraph } from '../graph';
import type { Document, Location, Resource } from '../model';
import { dirOf } from '../resolve/paths';

/**
 * Deployment roots: what a user deploys, and where in it each resource is deployed from: its own declaration, or the
 * module call (nested or linked deployment, Terraform module block) in the root that leads to it. A root is a folder
 * that holds a Terraform configuration or a Bicep or ARM template no other template of the workspace calls; what such
 * templates lie in its subfolders (old versions, templates nothing wires in yet) is part of it. The tests of a module
 * (`tests/`, `test/`) deploy that module: they are one root, the module's folder. A module called from two roots
 * belongs to both. Parameters files pass values to a template but do not make it a module.
 */
export interface DeploymentRoot {
  /** The root's folder (`dir/`). */
  unit: string;
  /** Each resource of the root, with the place in the root that deploys it, in source order. */
  members: { resource: Resource; at: Location }[];
}

const CALLERS: ReadonlySet<Document['language']> = new Set(['bicep', 'arm', 'terraform']);

interface Calls {
  unitOf: (d: { uri: string; language: Document['language'] }) => string;
  /** The roots above each unit, with the call in the root that leads down to it. */
  rootsOf: (unit: string) => { unit: string; at?: Location }[];
  compiled: ReadonlySet<string>;
  templateDirs: ReadonlySet<string>;
}

/** Who calls each unit, once per version of the documents: rules and facts ask for the roots of one resource at a time. */
const callsByDocuments = new WeakMap<readonly Document[], Calls>();

function callsOf(graph: AvdGraph): Calls {
  let calls = callsByDocuments.get(graph.documents);
  if (calls) return calls;
  const unitOf = (d: { uri: string; language: Document['language'] }) => (d.language === 'terraform' ? `${dirOf(d.uri)}/` : d.uri);
  const units = new Set(graph.documents.map(unitOf));
  // Who calls each unit, and where.
  const parents = new Map<string, { unit: string; at: Location }[]>();
  for (const d of graph.documents) {
    if (!CALLERS.has(d.language)) continue;
    for (const input of d.facts.inputs ?? []) {
      const target = input.targets.find((t) => units.has(t));
      if (!target || !input.at || target === unitOf(d)) continue;
      let list = parents.get(target);
      if (!list) parents.set(target, (list = []));
      list.push({ unit: unitOf(d), at: { uri: input.uri, range: input.at } });
    }
  }
  // Each unit's roots once, each root by the call in it that leads down (not once per path: a chain of modules that
  // each call the next twice has 2^n paths to its last module, and the same few roots).
  const found = new Map<string, { unit: string; at?: Location }[]>();
  const up = (unit: string, seen: Set<string>): { unit: string; at?: Location }[] => {
    const callers = parents.get(unit);
    if (!callers?.length) return [{ unit }];
    if (seen.has(unit)) return [];
    const known = found.get(unit);
    if (known) return known;
    seen.add(unit);
    const out = new Map<string, { unit: string; at?: Location }>();
    for (const p of callers)
      for (const r of up(p.unit, seen)) {
        const at = r.at ?? p.at;
        const key = `${r.unit}@${at.uri}:${at.range.start}`;
        if (!out.has(key)) out.set(key, { unit: r.unit, at });
      }
    seen.delete(unit);
    const list = [...out.values()];
    found.set(unit, list);
    return list;
  };
  calls = {
    unitOf,
    rootsOf: (unit) => up(unit, new Set()),
    compiled: new Set(graph.documents.filter((d) => d.facts.compiledFromBicep).map((d) => d.uri)),
    templateDirs: new Set(graph.documents.filter((d) => CALLERS.has(d.language)).map((d) => `${dirOf(d.uri)}/`)),
  };
  callsByDocuments.set(graph.documents, calls);
  return calls;
}

/** The deployment roots that deploy `resources`, each with them in source order. */
export function deploymentRoots(graph: AvdGraph, resources: readonly Resource[]): DeploymentRoot[] {
  const { unitOf, rootsOf, compiled, templateDirs } = callsOf(graph);
  const byUnit = new Map<string, { resource: Resource; at: Location }[]>();
  for (const r of resources) {
    const home = unitOf(r.source);
    for (const root of rootsOf(home)) {
      const at = root.at ?? { uri: r.source.uri, range: r.source.headRange };
      let members = byUnit.get(root.unit);
      if (!members) byUnit.set(root.unit, (members = []));
      // A module called twice deploys its resources twice: once per call (the same call twice is dropped below).
      members.push({ resource: r, at });
    }
  }
  const byFolder = new Map<string, { unit: string; members: { resource: Resource; at: Location }[] }[]>();
  for (const [unit, members] of byUnit) {
    const folder = rootFolder(unit, templateDirs);
    pushTo(byFolder, folder, { unit, members });
  }
  // Deepest last: a folder joins the nearest folder above it that holds a root.
  const folders = [...byFolder.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const out = new Map<string, { unit: string; members: { resource: Resource; at: Location }[] }[]>();
  for (const folder of folders) {
    const into = nearestAbove(folder, out) ?? folder;
    const list = out.get(into);
    if (list) pushAll(list, byFolder.get(folder)!);
    else out.set(into, [...byFolder.get(folder)!]);
  }
  return [...out].map(([unit, units]) => {
    // Units in path order, the root folder's own templates before its subfolders'.
    units.sort((a, b) => depth(a.unit) - depth(b.unit) || (a.unit < b.unit ? -1 : 1));
    let members = units.flatMap((u) => u.members.sort((a, b) => (a.at.uri === b.at.uri ? a.at.range.start - b.at.range.start : a.at.uri < b.at.uri ? -1 : 1)));
    // A compiled copy beside its source deploys the same resources: the source speaks for both.
    if (members.some((m) => !compiled.has(m.at.uri))) members = members.filter((m) => !compiled.has(m.at.uri));
    const seen = new Set<string>();
    members = members.filter((m) => {
      const k = `${m.resource.key}@${m.at.uri}:${m.at.range.start}`;
      return !seen.has(k) && (seen.add(k), true);
    });
    return { unit, members };
  });
}

/** The longest folder of `roots` that `folder` (`a/b/`) is inside of, itself excepted: its prefixes up to a `/`. */
function nearestAbove(folder: string, roots: ReadonlyMap<string, unknown>): string | undefined {
  for (let i = folder.lastIndexOf('/', folder.length - 2); i >= 0; i = folder.lastIndexOf('/', i - 1)) {
    const above = folder.slice(0, i + 1);
    if (roots.has(above)) return above;
    if (i === 0) break;
  }
  return undefined;
}

/**
 * The folder a root stands for: its own, or for a module's tests (`x/tests/e2e/max/`) the module's (`x/`), when the
 * folder above `tests` holds a template of its own (a `test` folder higher up the path is not the module's).
 */
function rootFolder(unit: string, templateDirs: ReadonlySet<string>): string {
  const dir = unit.endsWith('/') ? unit : `${dirOf(unit)}/`;
  const at = dir.search(/\/tests?\/(?!.*\/tests?\/)/i);
  const module = at >= 0 ? dir.slice(0, at + 1) : undefined;
  return module && templateDirs.has(module) ? module : dir;
}

function depth(unit: string): number {
  return unit.split('/').length;
}
