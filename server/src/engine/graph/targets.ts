import { dirOf } from '../resolve/paths';
import type { Document, Resource, Value } from '../model';
import { parseResourceId } from '../resource-id';
import { identityKey, indexBy } from './identity';
import { ModuleOutputs } from './outputs';
import { resourceName, typeIs } from './resources';

/** The resources of a workspace by key, type and name: what references, ids and names point at. */
export class Targets {
  readonly byKey = new Map<string, Resource>();
  private readonly byType = new Map<string, Resource[]>();
  private readonly byTypeAndName = new Map<string, Map<string, Resource[]>>();
  readonly outputs: ModuleOutputs;

  constructor(documents: Document[]) {
    this.outputs = new ModuleOutputs(documents);
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

  ofType(t: string): Resource[] {
    return this.byType.get(t) ?? [];
  }

  /** Resources of a type whose name is the same as `name` (by identity key; indexed once per type). */
  named(type: string, name: Value | undefined): Resource[] {
    const k = identityKey(this.outputs.resolve(name));
    if (k === undefined) return [];
    let index = this.byTypeAndName.get(type);
    if (!index) this.byTypeAndName.set(type, (index = indexBy(this.ofType(type), resourceName)));
    return index.get(k) ?? [];
  }

  /** The resource a value points at: a reference by key, or an id / name that matches a resource of `type`. */
  target(v: Value | undefined, type?: string, from?: Resource): Resource | undefined {
    v = this.outputs.resolve(v);
    if (!v) return undefined;
    if (v.kind === 'choice') {
      // A module shared by several deployments: the one resource its known cases point at (the others cannot be followed).
      const found = new Set(v.options.map((o) => this.target(o.value, type, from)).filter((r) => r));
      return found.size === 1 ? [...found][0] : undefined;
    }
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
}

/**
 * The one candidate a name points at, seen from `from`: the only one in the same document, else the only one in the
 * same folder (one deployment), else the only one at all. Two templates that deploy the same name elsewhere are
 * separate deployments, not one.
 */
export function nearest(candidates: Resource[], from: Resource): Resource | undefined {
  if (candidates.length <= 1) return candidates[0];
  const sameDoc = candidates.filter((c) => c.source.uri === from.source.uri);
  if (sameDoc.length) return sameDoc.length === 1 ? sameDoc[0] : undefined;
  const folder = dirOf(from.source.uri);
  const sameFolder = candidates.filter((c) => dirOf(c.source.uri) === folder);
  return sameFolder.length === 1 ? sameFolder[0] : undefined;
}
