import type { AvdGraph } from '../graph';
import type { Document, Location, Resource } from '../model';
import { dirOf } from '../resolve/paths';

/**
 * Deployment roots: what a user deploys (a Terraform configuration, a Bicep or ARM template no other template of the
 * workspace calls), and where in it each resource is deployed from: its own declaration, or the module call (nested
 * or linked deployment, Terraform module block) in the root that leads to it. A module called from two roots belongs
 * to both. Parameters files pass values to a template but do not make it a module.
 */
export interface DeploymentRoot {
  /** The root's document, or for Terraform its directory (`dir/`). */
  unit: string;
  /** Each resource of the root, with the place in the root that deploys it, in source order. */
  members: { resource: Resource; at: Location }[];
}

const CALLERS: ReadonlySet<Document['language']> = new Set(['bicep', 'arm', 'terraform']);

/** The deployment roots that deploy `resources`, each with them in source order. */
export function deploymentRoots(graph: AvdGraph, resources: readonly Resource[]): DeploymentRoot[] {
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
  // The roots above a unit, each with the call in the root that leads down to it.
  const rootsOf = (unit: string, seen: Set<string> = new Set()): { unit: string; at?: Location }[] => {
    const up = parents.get(unit);
    if (!up?.length) return [{ unit }];
    if (seen.has(unit)) return [];
    seen.add(unit);
    return up.flatMap((p) => rootsOf(p.unit, new Set(seen)).map((r) => ({ unit: r.unit, at: r.at ?? p.at })));
  };
  const byRoot = new Map<string, DeploymentRoot>();
  for (const r of resources) {
    const home = unitOf(r.source);
    for (const root of rootsOf(home)) {
      const at = root.at ?? { uri: r.source.uri, range: r.source.headRange };
      let entry = byRoot.get(root.unit);
      if (!entry) byRoot.set(root.unit, (entry = { unit: root.unit, members: [] }));
      // A module called twice deploys its resources twice: once per call.
      if (!entry.members.some((m) => m.resource === r && m.at.uri === at.uri && m.at.range.start === at.range.start)) entry.members.push({ resource: r, at });
    }
  }
  for (const e of byRoot.values()) e.members.sort((a, b) => (a.at.uri === b.at.uri ? a.at.range.start - b.at.range.start : a.at.uri < b.at.uri ? -1 : 1));
  return [...byRoot.values()];
}
