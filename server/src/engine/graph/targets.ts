import { pushTo } from '../arrays';
import { dirOf } from '../resolve/paths';
import type { Document, Resource, Value } from '../model';
import { parseResourceId } from '../resource-id';
import { unwrap } from './identity';
import { ModuleOutputs } from './outputs';
import { overlay, planOverlays } from './plan-overlay';
import { resourceName, typeIs } from './resources';

/** The resources of a workspace by key, type and name: what references, ids and names point at. */
export class Targets {
  readonly byKey = new Map<string, Resource>();
  private readonly byType = new Map<string, Resource[]>();
  private readonly byTypeAndName = new Map<string, Map<string, Resource[]>>();
  readonly outputs: ModuleOutputs;
  /** Whether some resource carries values of a Terraform plan (then an edit cannot swap its document in place). */
  overlaid = false;

  constructor(documents: Document[]) {
    this.outputs = new ModuleOutputs(documents, (id) => this.target(id, 'microsoft.resources/deployments')?.key);
    const keys = new Set(documents.flatMap((d) => (d.language === 'terraform' ? d.resources.map((r) => r.key) : [])));
    const planned = planOverlays(documents);
    for (const d of documents) {
      for (const declared of d.resources) {
        // A plan's copy of a resource whose .tf declaration is here: the declaration, with the values the plan resolved,
        // is the one linked and judged.
        if (declared.source.declaredAt && keys.has(declared.source.declaredAt)) continue;
        const plan = d.language === 'terraform' ? planned.get(declared.key) : undefined;
        const r = plan ? overlay(declared, plan) : declared;
        if (r !== declared) this.overlaid = true;
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

  /**
   * Resources of a type whose name is the same as `name`: by identity key, at any hop of where the names lead
   * (ModuleOutputs.chainKeys), the most resolved first. Indexed once per type.
   */
  named(type: string, name: Value | undefined): Resource[] {
    name = unwrap(name);
    if (!name) return [];
    // A template several deployments call: the resources any of its cases names.
    if (name.kind === 'choice') return [...new Set(name.options.flatMap((o) => (o.value.kind === 'choice' ? [] : this.named(type, o.value))))];
    let index = this.byTypeAndName.get(type);
    if (!index) {
      index = new Map();
      for (const r of this.ofType(type)) {
        // A module several deployments call names its resource by each caller's value: any of them finds it.
        for (const k of new Set(nameOptions(resourceName(r)).flatMap((n) => this.outputs.chainKeys(n)))) {
          pushTo(index, k, r);
        }
      }
      this.byTypeAndName.set(type, index);
    }
    const keys = this.outputs.chainKeys(name);
    for (let i = keys.length - 1; i >= 0; i--) {
      const found = index.get(keys[i]);
      if (found?.length) return found;
    }
    return [];
  }

  /** The resource a value points at: a reference by key, or an id / name that matches a resource of `type`. */
  target(v: Value | undefined, type?: string, from?: Resource, depth = 0): Resource | undefined {
    v = this.outputs.resolve(v);
    if (!v || depth > 8) return undefined;
    if (v.kind === 'choice') {
      // A module shared by several deployments: the one resource its known cases point at (the others cannot be followed).
      const found = new Set(v.options.map((o) => this.target(o.value, type, from, depth + 1)).filter((r) => r));
      return found.size === 1 ? [...found][0] : undefined;
    }
    if (v.kind === 'ref') {
      if (v.target) {
        const r = this.byKey.get(v.target);
        if (r && (!type || typeIs(r, type))) return this.deployed(r);
        return undefined;
      }
      if (v.targetId) return this.target(v.targetId, type, from, depth + 1);
      return undefined;
    }
    const id = parseResourceId(v);
    if (id?.kind === 'resource' && id.type && (!type || id.type.toLowerCase() === type)) {
      const name = id.names[id.names.length - 1];
      return this.nearestNamed(id.type.toLowerCase(), name, from);
    }
    return undefined;
  }

  /**
   * The one resource of a type a name points at, seen from `from` (else the only one): one the workspace deploys before
   * an `existing` declaration of it, which stands for the deployed one.
   */
  nearestNamed(type: string, name: Value | undefined, from?: Resource): Resource | undefined {
    const named = this.named(type, name);
    const deployed = deployedOnly(named);
    const matches = deployed.length ? deployed : named;
    const match = from ? nearest(matches, from) : matches.length === 1 ? matches[0] : undefined;
    return match && this.deployed(match);
  }

  private readonly aliases = new Map<Resource, Resource>();

  /**
   * An `existing` resource stands for the one it names, when that one is deployed in the workspace: its name (often
   * `last(split(id, '/'))` of an id passed down as a module parameter) leads to the deployed resource. Else itself.
   */
  deployed(r: Resource): Resource {
    if (!r.source.existing) return r;
    let alias = this.aliases.get(r);
    if (alias) return alias;
    this.aliases.set(r, r);
    const type = r.type.toLowerCase();
    const name = this.outputs.resolve(resourceName(r));
    const one = (n: Value | undefined): Resource | undefined => (n?.kind === 'ref' ? this.target(n, type, r) : nearest(deployedOnly(this.named(type, n)), r));
    let found: Resource | undefined;
    if (name?.kind === 'choice') {
      // A module several deployments call: the one resource its cases that can be followed lead to.
      const all = new Set(
        nameOptions(name)
          .map(one)
          .filter((x) => x),
      );
      found = all.size === 1 ? [...all][0] : undefined;
    } else found = one(name);
    alias = found && !found.source.existing ? found : r;
    this.aliases.set(r, alias);
    return alias;
  }
}

/**
 * The one candidate a name points at, seen from `from`: the only one in the same document, else the only one in the
 * same folder (one deployment), else the only one at all. Two templates that deploy the same name elsewhere are
 * separate deployments, not one.
 */
export function nearest(candidates: Resource[], from: Resource): Resource | undefined {
  if (candidates.length <= 1) return candidates[0];
  const s = spreadOf(candidates);
  const sameDoc = s.byUri.get(from.source.uri);
  if (sameDoc) return sameDoc.length === 1 ? sameDoc[0] : undefined;
  // A Bicep deployment and the template compiled from it declare the same resources: each links within its own form.
  const sameForm = from.source.compiled ? s.compiled : s.written;
  if (sameForm.length && sameForm.length < candidates.length) return nearest(sameForm, from);
  const sameFolder = s.byFolder.get(dirOf(from.source.uri));
  return sameFolder?.length === 1 ? sameFolder[0] : undefined;
}

/** A list of candidates by document, by form (written or compiled) and by folder. */
interface Spread {
  byUri: Map<string, Resource[]>;
  written: Resource[];
  compiled: Resource[];
  byFolder: Map<string, Resource[]>;
}

/**
 * The index's lists are asked about again and again: in a monorepo whose teams name their resources alike, hundreds of
 * hosts look for their pool among hundreds of pools of one name. Kept per list, which the index keeps unchanged.
 */
const spreads = new WeakMap<readonly Resource[], Spread>();

function spreadOf(candidates: readonly Resource[]): Spread {
  let s = spreads.get(candidates);
  if (s) return s;
  s = { byUri: new Map(), written: [], compiled: [], byFolder: new Map() };
  for (const c of candidates) {
    pushTo(s.byUri, c.source.uri, c);
    (c.source.compiled ? s.compiled : s.written).push(c);
    pushTo(s.byFolder, dirOf(c.source.uri), c);
  }
  spreads.set(candidates, s);
  return s;
}

const deployedLists = new WeakMap<readonly Resource[], Resource[]>();

/** The candidates the workspace deploys (not `existing` declarations), once per list. */
function deployedOnly(candidates: Resource[]): Resource[] {
  let d = deployedLists.get(candidates);
  if (!d) deployedLists.set(candidates, (d = candidates.filter((c) => !c.source.existing)));
  return d;
}

/** The names a value may be: each case of a choice (at most 64), or the value itself. */
function nameOptions(v: Value | undefined): (Value | undefined)[] {
  if (v?.kind !== 'choice') return [v];
  const out: Value[] = [];
  const walk = (c: Value) => {
    if (out.length >= 64) return;
    if (c.kind === 'choice') c.options.forEach((o) => walk(o.value));
    else out.push(c);
  };
  walk(v);
  return out;
}

const shared = new WeakMap<readonly Document[], Targets>();

/**
 * One index of the documents' resources for the facts that follow references at check time (network paths, private
 * endpoints, diagnostic settings, profile storage): built once per version of the documents, not once per fact.
 */
export function targetsOf(documents: readonly Document[]): Targets {
  let t = shared.get(documents);
  if (!t) shared.set(documents, (t = new Targets([...documents])));
  return t;
}
