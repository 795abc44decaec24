import type { Document, Resource } from '../model';
import type { TextChange } from '../text-changes';
import { ownString } from '../strings';
import type { AvdGraph } from './build';
import { typeOf } from './resources';

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
   * The new versions of the resources the edits changed, with the names (lower case) of the entries of `properties`
   * they changed; undefined when they changed something else in it. For edits inside strings, the resources around
   * them (each one an edit wrote in and those that hold it); for others, those whose values differ (changed-values.ts,
   * compared when first asked for). Undefined when the edits may have changed more than resources: nothing carries.
   */
  readonly changed: ReadonlyMap<Resource, ReadonlySet<string> | undefined> | undefined;
  /** The document typed in. */
  uri: string;
  /** The edits of its text since the documents before them, in order (what moves the places of earlier results). */
  changes: readonly TextChange[];
  /**
   * The swaps before this one since the workspace was last checked in full (Workspace.forgetCarried), merged, as long as
   * they took in edits of the same document: what was judged of the documents before the first of them, the resources
   * around all their edits, and their edits in order. A burst of keystrokes is checked once: a result of the version
   * before the burst is carried over all of it.
   */
  earlier?: CarriedStep;
}

/**
 * Swaps merged (Carried.earlier). Not the documents before them: holding them would keep that version's models alive
 * through the burst; only what analyze.ts judged of them (an opaque record, see deploymentJudgements).
 */
export interface CarriedStep {
  judged: object | undefined;
  /**
   * The resources around the edits, by type (lower case) and the entries of `properties` written in, as strings of
   * their own: the resources themselves would keep each version's text alive (strings.ts).
   */
  touched: readonly Touched[];
  changes: readonly TextChange[];
}

/** A resource an edit wrote in: its type (lower case), and the entries of its `properties` written in (undefined: elsewhere). */
export interface Touched {
  type: string;
  properties: ReadonlySet<string> | undefined;
}

/** What the edits of a swap changed (Carried.changed), as Touched. */
export function touchedBy(changed: NonNullable<Carried['changed']>): Touched[] {
  return [...changed].map(([r, properties]) => ({
    type: ownString(typeOf(r)),
    properties: properties && new Set([...properties].map(ownString)),
  }));
}

/** Edits a merged burst keeps (Carried.earlier); a longer one carries nothing over from before it. */
const MAX_BURST_CHANGES = 256;

/**
 * The burst before a swap of `uri` that follows `before` (undefined: none, or it was too long to keep); `judged` gives
 * what was judged of a version of the documents.
 */
export function burstBefore(before: Carried | undefined, uri: string, judged: (documents: readonly Document[]) => object | undefined): CarriedStep | undefined {
  if (!before || before.uri !== uri) return undefined;
  const first = before.earlier;
  if (first && first.changes.length + before.changes.length > MAX_BURST_CHANGES) return undefined;
  const changed = before.changed;
  if (!changed) return undefined;
  if (!first) return { judged: judged(before.from), touched: touchedBy(changed), changes: before.changes };
  return { judged: first.judged, touched: [...first.touched, ...touchedBy(changed)], changes: [...first.changes, ...before.changes] };
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
  const changed = carried.changed;
  if (!changed) return undefined;
  for (const [r, properties] of changed) if (reads(r, properties)) return undefined;
  const answer = move(
    before,
    (r) => carried.swap.get(r) ?? r,
    (r) => carried.swap.has(r),
  );
  if (answer !== undefined) cache.set(graph.documents, answer);
  return answer;
}
