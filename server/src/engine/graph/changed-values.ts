import type { Document, ObjectEntry, Range, Resource, Value } from '../model';
import { isRange, movedRange } from '../moved-reports';
import type { TextChange } from '../text-changes';
import { visit, visits } from '../visits';

// Which resources an edit changed, found by comparing their values before and after it (Workspace.carriedByValue): for
// an edit the workspace cannot place in one resource's strings (a variable, a parameter's default, a Terraform local,
// a number or a boolean). Two versions are the same when they hold the same values at the same places, each place of
// the version before moved through the edits and untouched by them: a finding kept over the edit then says and points
// where a fresh one would (moved-reports.ts moves it the same way).

/**
 * The largest document whose edits are compared (and whose ARM values are read ahead, see readValues): reading a
 * 2.4 MB template's values took 65-200 ms, too long for a keystroke, and a template that large mostly holds more
 * values than a comparison reads.
 */
export const MAX_COMPARED_LENGTH = 256 * 1024;

/** The resources of `pairs` (each document before and after) whose values changed, as Carried.changed gives them. */
export type ChangedResources = Map<Resource, ReadonlySet<string> | undefined>;

/**
 * Compares each document before the edits of `uri` (`changes`) with the one after them (the others were read again
 * with their text unchanged, for their inputs or their Terraform directory): the new version of each resource whose
 * values changed, with the names (lower case) of the entries of `properties` that changed, undefined when anything
 * else did. Undefined when something other than resources changed (a parameter declared secure, an output, what a
 * document passes to others), when the comparison reads too many values, or when a value cannot be read.
 */
export function changedByValue(
  pairs: readonly { prev: Document; next: Document }[],
  swap: ReadonlyMap<Resource, Resource>,
  uri: string,
  changes: readonly TextChange[],
): ChangedResources | undefined {
  const compare = new Comparison(uri, changes);
  const changed: ChangedResources = new Map();
  try {
    for (const { prev, next } of pairs) {
      if (prev.uri !== uri && prev.text !== next.text) return undefined;
      if (!compare.documentFacts(prev, next)) return undefined;
      for (const r of prev.resources) {
        const n = swap.get(r);
        if (!n) return undefined;
        const names = compare.resource(r, n);
        if (!names || names.size) changed.set(n, names);
      }
    }
  } catch {
    // Too many values, or an adapter that failed on one: nothing is known to be unchanged.
    return undefined;
  }
  return changed;
}

/**
 * Reads every value of a document (its resources, outputs and what it passes on) while its syntax tree still holds
 * them: an ARM template's values are read when first asked for, and an edit patched into the tree leaves the version
 * before it with no way to read those it did not (they read as empty). The version the graph holds is read this way
 * before an edit changes the tree, so that changedByValue can compare it; at most MAX_VISITS values (visits.ts).
 */
export function readValues(doc: Document): void {
  const read = new Reading();
  try {
    for (const r of doc.resources) {
      read.any(r.source);
      read.any(r.body);
    }
    const { nestedParameterValues, ...facts } = doc.facts;
    read.any(facts);
    for (const values of nestedParameterValues?.values() ?? []) for (const value of values.values()) read.any(value());
  } catch {
    // Too many: the rest reads as changed.
  }
}

class Reading {
  private readonly budget = visits();

  any(v: unknown): void {
    if (typeof v !== 'object' || v === null) return;
    if (!visit(this.budget)) throw new Error('too many values to read');
    if (Array.isArray(v)) for (const x of v) this.any(x);
    else if (v instanceof Map) for (const x of v.values()) this.any(x);
    else if (isEntry(v)) this.any(v.value);
    else for (const [k, x] of Object.entries(v)) if (k !== 'offsets') this.any(x);
  }
}

const NOTHING: ReadonlySet<string> = new Set();

/**
 * A comparison of two versions of documents. It reads at most MAX_VISITS values (visits.ts), then gives up: a large
 * template edited that way is judged again, as before.
 */
class Comparison {
  private readonly budget = visits();

  constructor(
    private readonly uri: string,
    private readonly changes: readonly TextChange[],
  ) {}

  /**
   * The names (lower case) of the entries of `properties` that differ between a resource's two versions; empty when
   * none does, undefined when anything else does. The declaration's whole range, its body's and its properties' hold
   * the edits typed inside them and are not compared: a finding placed on them is moved or judged again.
   */
  resource(a: Resource, b: Resource): ReadonlySet<string> | undefined {
    const uri = a.source.uri;
    if (a.key !== b.key || a.type !== b.type || a.apiVersion !== b.apiVersion) return undefined;
    const { range: _a, ...sourceA } = a.source;
    const { range: _b, ...sourceB } = b.source;
    if (!this.same(uri, sourceA, sourceB)) return undefined;
    const x = a.body;
    const y = b.body;
    if (x.entries.length !== y.entries.length || !!x.open !== !!y.open || !this.same(uri, x.overridable, y.overridable)) return undefined;
    let names = NOTHING;
    for (let i = 0; i < x.entries.length; i++) {
      const e = x.entries[i];
      const f = y.entries[i];
      if (e.key !== f.key) return undefined;
      if (e.key === 'properties' && this.range(uri, e.keyRange, f.keyRange)) {
        const changed = this.properties(uri, e.value, f.value);
        if (!changed) return undefined;
        names = changed;
      } else if (!this.same(uri, e, f)) return undefined;
    }
    return names;
  }

  /** The names (lower case) of the entries of two versions of `properties` that differ, or were added or removed. */
  private properties(uri: string, a: Value, b: Value): ReadonlySet<string> | undefined {
    if (a.kind !== 'object' || b.kind !== 'object') return this.same(uri, a, b) ? NOTHING : undefined;
    if (!!a.open !== !!b.open || !this.same(uri, a.overridable, b.overridable)) return undefined;
    const before = byName(a.entries);
    const after = byName(b.entries);
    if (!before || !after) return undefined;
    const names = new Set<string>();
    const kept: string[] = [];
    for (const [name, e] of before) {
      const f = after.get(name);
      if (!f) names.add(name);
      else {
        kept.push(name);
        if (!this.same(uri, e, f)) names.add(name);
      }
    }
    for (const name of after.keys()) if (!before.has(name)) names.add(name);
    // Entries kept in another order: a rule may read the first of several.
    const order = [...after.keys()].filter((n) => before.has(n));
    if (order.some((n, i) => n !== kept[i])) return undefined;
    return names;
  }

  /**
   * Whether a document's facts other than its resources are the same: its symbols' kinds, names and secure flags,
   * its outputs, what it passes to other templates, its nested deployments' declarations, parameters and outputs.
   * Not its symbols' values and places: rules read a parameter or variable through the values that use it (the
   * resources and outputs compared here), and where it is declared through those values' origins.
   */
  documentFacts(a: Document, b: Document): boolean {
    if (a.symbols.length !== b.symbols.length) return false;
    for (let i = 0; i < a.symbols.length; i++) {
      const x = a.symbols[i];
      const y = b.symbols[i];
      if (x.kind !== y.kind || x.name !== y.name || !!x.secure !== !!y.secure) return false;
    }
    const { nestedParameterValues: givenA, linkNeutral: _a, ...factsA } = a.facts;
    const { nestedParameterValues: givenB, linkNeutral: _b, ...factsB } = b.facts;
    if (!this.same(a.uri, factsA, factsB)) return false;
    if (!givenA || !givenB) return givenA === givenB;
    if (givenA.size !== givenB.size) return false;
    for (const [key, values] of givenA) {
      const other = givenB.get(key);
      if (!other || other.size !== values.size) return false;
      for (const [name, value] of values) {
        const o = other.get(name);
        if (!o || !this.same(a.uri, value(), o())) return false;
      }
    }
    return true;
  }

  /** Whether a range of the text before the edits is `b` after them: moved by the edits, and not touched by them. */
  private range(uri: string, a: Range, b: Range): boolean {
    if (uri !== this.uri) return a.start === b.start && a.end === b.end;
    const moved = movedRange(a, this.changes);
    return moved !== undefined && moved.start === b.start && moved.end === b.end;
  }

  /**
   * Whether two parts of a model hold the same: values, entries, maps, lists and plain objects, read structurally.
   * Their places are a `start` and an `end` (a range, a text's source) and a text's `offsets`, in `uri`'s text unless
   * the object names its own `uri` (an origin, a text's source, a module call's values).
   */
  same(uri: string, a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (!visit(this.budget)) throw new Error('too many values to compare');
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => this.same(uri, x, b[i]));
    if (a instanceof Map) {
      if (!(b instanceof Map) || a.size !== b.size) return false;
      for (const [k, v] of a) if (!b.has(k) || !this.same(uri, v, b.get(k))) return false;
      return true;
    }
    if (isEntry(a)) return isEntry(b) && a.key === b.key && this.range(uri, a.keyRange, b.keyRange) && this.same(uri, a.value, b.value);
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const here = typeof x.uri === 'string' ? x.uri : uri;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    const placed = isRange(x);
    if (placed && !(isRange(y) && this.range(here, x, y))) return false;
    for (const k of keys) {
      if (!Object.hasOwn(y, k)) return false;
      if (placed && (k === 'start' || k === 'end')) continue;
      if (k === 'offsets') {
        if (!this.offsets(here, x[k], y[k])) return false;
      } else if (!this.same(here, x[k], y[k])) return false;
    }
    return true;
  }

  private offsets(uri: string, a: unknown, b: unknown): boolean {
    if (a === undefined || b === undefined) return a === b;
    const x = a as ArrayLike<number>;
    const y = b as ArrayLike<number>;
    if (x.length !== y.length) return false;
    this.budget.left -= x.length >> 4;
    for (let i = 0; i < x.length; i++) if (!this.range(uri, { start: x[i], end: x[i] }, { start: y[i], end: y[i] })) return false;
    return true;
  }
}

function isEntry(v: object): v is ObjectEntry {
  return 'keyRange' in v && 'key' in v;
}

/** Entries by lower-case name, in order; undefined when a name is written twice. */
function byName(entries: readonly ObjectEntry[]): Map<string, ObjectEntry> | undefined {
  const out = new Map<string, ObjectEntry>();
  for (const e of entries) {
    const name = e.key.toLowerCase();
    if (out.has(name)) return undefined;
    out.set(name, e);
  }
  return out;
}
