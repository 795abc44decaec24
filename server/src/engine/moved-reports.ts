import type { Fix, FixIntent, Range, RelatedInfo } from './model';
import type { Report } from './rule';
import type { TextChange } from './text-changes';

// Reports of a rule about the deployment kept over edits of one document (analyze.ts, carriedJudgement): their places,
// related places, value origins and fix intents in that document moved through the edits.

/** A report of the text before `changes` (edits of `uri`), moved through them; undefined when an edit lies in one of its places. */
export function movedReport(r: Report, uri: string, changes: readonly TextChange[]): Report | undefined {
  let fixes = r.fixes;
  if (fixes?.some((f) => placesIn(f.intent, uri))) {
    const out: Fix[] = [];
    for (const f of fixes) {
      const intent = movedIntent(f.intent, uri, changes);
      if (!intent) return undefined;
      out.push(intent === f.intent ? f : { ...f, intent });
    }
    fixes = out;
  }
  const mentions = r.uri === uri || r.related?.some((x) => x.uri === uri) || r.value?.origin?.uri === uri;
  if (!mentions) return fixes === r.fixes ? r : { ...r, fixes };
  const at = r.uri === uri ? movedRange(r.at, changes) : r.at;
  if (!at) return undefined;
  let related = r.related;
  if (related?.some((x) => x.uri === uri)) {
    const out: RelatedInfo[] = [];
    for (const x of related) {
      const range = x.uri === uri ? movedRange(x.range, changes) : x.range;
      if (!range) return undefined;
      out.push(range === x.range ? x : { ...x, range });
    }
    related = out;
  }
  let value = r.value;
  const origin = value?.origin;
  if (value && origin?.uri === uri) {
    const range = movedRange(origin.range, changes);
    if (!range) return undefined;
    value = { ...value, origin: { ...origin, range } };
  }
  return { ...r, at, related, value, fixes };
}

/** Whether a part of a model is a place: a `start` and an `end` (a range, a text's source). */
export const isRange = (v: unknown): v is Range =>
  typeof v === 'object' && v !== null && typeof (v as Range).start === 'number' && typeof (v as Range).end === 'number';

/** Whether a fix intent holds places of `uri`'s text (a literal to replace, an entry to remove). */
function placesIn(intent: FixIntent, uri: string): boolean {
  if (intent.kind === 'several') return intent.intents.some((i) => placesIn(i, uri));
  return 'uri' in intent && intent.uri === uri && Object.values(intent).some(isRange);
}

/** A fix intent with its places in `uri` moved through the edits; undefined when an edit lies in one of them. */
function movedIntent(intent: FixIntent, uri: string, changes: readonly TextChange[]): FixIntent | undefined {
  if (intent.kind === 'several') {
    const intents: FixIntent[] = [];
    for (const i of intent.intents) {
      const moved = movedIntent(i, uri, changes);
      if (!moved) return undefined;
      intents.push(moved);
    }
    return { ...intent, intents };
  }
  if (!placesIn(intent, uri)) return intent;
  const out: Record<string, unknown> = { ...intent };
  for (const [k, v] of Object.entries(intent)) {
    if (!isRange(v)) continue;
    const moved = movedRange(v, changes);
    if (!moved) return undefined;
    out[k] = moved;
  }
  return out as FixIntent;
}

/**
 * A range of the text before `changes`, in the text after them; undefined when a change lies inside it or touches it.
 * Not text-changes.ts's mapRange, which stretches a range over what replaced its text: a kept finding must not point
 * at text its rule never read.
 */
export function movedRange(range: Range, changes: readonly TextChange[]): Range | undefined {
  let { start, end } = range;
  for (const c of changes) {
    if (c.start <= end && c.oldEnd >= start) return undefined;
    if (c.oldEnd <= start) {
      const delta = c.newText.length - (c.oldEnd - c.start);
      start += delta;
      end += delta;
    }
  }
  return start === range.start && end === range.end ? range : { start, end };
}
