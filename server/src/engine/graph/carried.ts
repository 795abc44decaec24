import type { Document, Resource } from '../model';
import type { AvdGraph } from './build';

/**
 * What the graph's last swap (swapDocument) leaves facts to carry over: a new version of one document, taken in after
 * edits of its own text that kept its links (Workspace.graph). Facts are cached per version of the documents, and
 * every resource of an edited document is a new object; a fact that reads none of the resources around the edits
 * has the answer it had, with each resource in its new version (carryOver).
 */
export interface Carried {
  /** The documents before the edits. */
  from: readonly Document[];
  /** The resources of the edited document, each old version to its new one. */
  swap: ReadonlyMap<Resource, Resource>;
  /**
   * The new versions of the resources around the edits (each one an edit wrote in and those that hold it), with the
   * names (lower case) of the entries of `properties` the edits wrote in; undefined when an edit lies elsewhere in it.
   */
  changed: ReadonlyMap<Resource, ReadonlySet<string> | undefined>;
}

/**
 * A fact's answer for the graph's documents carried over from its answer for the documents before the last swap (in
 * `cache`), when no resource around the edits is one the fact reads (`reads`); `move` gives the answer with each
 * resource in its new version (`now`; `swapped` says whether a resource is of the edited document, whose values' places
 * the edits moved), or undefined when it cannot. Undefined when that answer is not there or may have changed: the fact
 * is computed again. An edit that keeps the links changes only the values written in the edited resources, as the
 * graph assumes.
 */
export function carryOver<T>(
  graph: AvdGraph,
  cache: WeakMap<readonly Document[], T>,
  reads: (r: Resource, properties: ReadonlySet<string> | undefined) => boolean,
  move: (before: T, now: (r: Resource) => Resource, swapped: (r: Resource) => boolean) => T | undefined,
): T | undefined {
  const carried = graph.carried;
  const before = carried && cache.get(carried.from);
  if (!carried || before === undefined) return undefined;
  for (const [r, properties] of carried.changed) if (reads(r, properties)) return undefined;
  const answer = move(
    before,
    (r) => carried.swap.get(r) ?? r,
    (r) => carried.swap.has(r),
  );
  if (answer !== undefined) cache.set(graph.documents, answer);
  return answer;
}
