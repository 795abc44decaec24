import { pushAll } from '../arrays';
import type { ObjectEntry, Range, Value } from '../model';
import { isKnown, knownEquals, knownString, MAX_ARRAY_ITEMS, str, tooManyItems } from '../values';

/** The widest `padLeft` read. */
const MAX_PAD = 1024;
/** The longest JSON text `json()` reads for each value it may make. */
const JSON_CHARS_PER_VALUE = 16;

/**
 * A library function that gives undefined where its result is not known (the caller makes that an unknown call).
 * `budget` is what is left of the expression's loop turns: a result much larger than the arguments (`range`, `json`)
 * must fit in it, or a loop of such calls would fill the memory.
 */
type Known = (args: Value[], range: Range, budget: number) => Value | undefined;

const num = (value: number, range: Range): Value => ({ kind: 'number', value, range });
const bool = (value: boolean, range: Range): Value => ({ kind: 'boolean', value, range });
const intOf = (v: Value | undefined): number | undefined => (v?.kind === 'number' && Number.isInteger(v.value) ? v.value : undefined);
const closedItems = (v: Value | undefined): Value[] | undefined => (v?.kind === 'array' && !v.open ? v.items : undefined);

/** A string or a list, cut by `cut` (the same positions in both), as `take` and `skip` do. */
function cutSequence(v: Value | undefined, n: number | undefined, range: Range, cut: (length: number, n: number) => [number, number]): Value | undefined {
  if (n === undefined) return undefined;
  const items = closedItems(v);
  if (items) return { kind: 'array', items: items.slice(...cut(items.length, n)), range };
  const s = knownString(v);
  return s === undefined ? undefined : str(s.slice(...cut(s.length, n)), range);
}

/** ARM compares these case-insensitively. */
function affix(a: Value[], range: Range, test: (s: string, x: string) => boolean): Value | undefined {
  const [s, x] = a.map(knownString);
  return s === undefined || x === undefined ? undefined : bool(test(s.toLowerCase(), x.toLowerCase()), range);
}

function position(a: Value[], range: Range, last: boolean): Value | undefined {
  const items = closedItems(a[0]);
  if (items && a[1] && isKnown(a[1])) {
    // Items compare as ARM compares them in a list: strings case-sensitively.
    const eq = items.map((i) => knownEquals(i, a[1]!));
    if (eq.some((e) => e === undefined)) return undefined;
    return num(last ? eq.lastIndexOf(true) : eq.indexOf(true), range);
  }
  const [s, x] = a.map(knownString);
  if (s === undefined || !x) return undefined;
  return num(last ? s.toLowerCase().lastIndexOf(x.toLowerCase()) : s.toLowerCase().indexOf(x.toLowerCase()), range);
}

function extreme(a: Value[], range: Range, pick: (...n: number[]) => number): Value | undefined {
  const values = a.length === 1 ? closedItems(a[0]) : a;
  if (!values?.length || values.some((v) => v.kind !== 'number')) return undefined;
  return num(pick(...values.map((v) => (v as { value: number }).value)), range);
}

/** JSON text as a value, placed at `range`; undefined when it does not parse, nests deeper than 256 or holds more than `budget` values. */
function fromJson(text: string, range: Range, budget: number): Value | undefined {
  let left = budget;
  // Parsing costs as the text is long: a text that cannot fit in the budget is not parsed at all.
  if (text.length > budget * JSON_CHARS_PER_VALUE) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const convert = (x: unknown, depth: number): Value | undefined => {
    if (depth > 256 || --left < 0) return undefined;
    if (x === null) return { kind: 'null', range };
    if (typeof x === 'string') return str(x, range);
    if (typeof x === 'number') return num(x, range);
    if (typeof x === 'boolean') return bool(x, range);
    if (Array.isArray(x)) {
      const items: Value[] = [];
      for (const i of x) {
        const v = convert(i, depth + 1);
        if (!v) return undefined;
        items.push(v);
      }
      return { kind: 'array', items, range };
    }
    const entries: ObjectEntry[] = [];
    for (const [key, i] of Object.entries(x as object)) {
      const v = convert(i, depth + 1);
      if (!v) return undefined;
      entries.push({ key, keyRange: range, value: v });
    }
    return { kind: 'object', entries, range };
  };
  return convert(parsed, 0);
}

/**
 * Functions that read strings and lists by length or position, or build lists and numbers, as ARM evaluates them
 * (Bicep compiles to these). Where Azure would fail the deployment (an index out of range), the result is not known.
 */
export const SEQUENCE_FUNCTIONS: Record<string, Known> = {
  length: (a, r) => {
    const v = a[0];
    if (v?.kind === 'object' && !v.open) return num(v.entries.length, r);
    const n = closedItems(v)?.length ?? knownString(v)?.length;
    return n === undefined ? undefined : num(n, r);
  },
  take: (a, r) => cutSequence(a[0], intOf(a[1]), r, (len, n) => [0, Math.max(0, Math.min(n, len))]),
  skip: (a, r) => cutSequence(a[0], intOf(a[1]), r, (len, n) => [Math.max(0, Math.min(n, len)), len]),
  substring: (a, r) => {
    const s = knownString(a[0]);
    const start = intOf(a[1]);
    if (s === undefined || start === undefined) return undefined;
    const length = a.length > 2 ? intOf(a[2]) : s.length - start;
    if (length === undefined || start < 0 || length < 0 || start + length > s.length) return undefined;
    return str(s.substring(start, start + length), r);
  },
  startswith: (a, r) => affix(a, r, (s, x) => s.startsWith(x)),
  endswith: (a, r) => affix(a, r, (s, x) => s.endsWith(x)),
  indexof: (a, r) => position(a, r, false),
  lastindexof: (a, r) => position(a, r, true),
  // Names pad a number to a few digits; a width beyond MAX_PAD would let a loop of such calls fill the memory.
  padleft: (a, r) => {
    const v = a[0];
    const s = v?.kind === 'number' ? String(v.value) : knownString(v);
    const width = intOf(a[1]);
    const pad = a.length > 2 ? knownString(a[2]) : ' ';
    if (s === undefined || width === undefined || pad?.length !== 1 || width > MAX_PAD) return undefined;
    return str(s.padStart(width, pad), r);
  },
  range: (a, r, budget) => {
    const [start, count] = [intOf(a[0]), intOf(a[1])];
    // Azure refuses more than 10,000.
    if (start === undefined || count === undefined || count < 0 || count > Math.min(10_000, budget)) return undefined;
    return { kind: 'array', items: Array.from({ length: count }, (_, i) => num(start + i, r)), range: r };
  },
  max: (a, r) => extreme(a, r, Math.max),
  min: (a, r) => extreme(a, r, Math.min),
  flatten: (a, r) => {
    const outer = closedItems(a[0]);
    if (!outer) return undefined;
    const items: Value[] = [];
    for (const inner of outer) {
      const list = closedItems(inner);
      if (!list) return undefined;
      pushAll(items, list);
      if (items.length > MAX_ARRAY_ITEMS) return tooManyItems(r);
    }
    return { kind: 'array', items, range: r };
  },
  objectkeys: (a, r) => {
    const v = a[0];
    return v?.kind === 'object' && !v.open ? { kind: 'array', items: v.entries.map((e) => str(e.key, e.keyRange)), range: r } : undefined;
  },
  any: (a) => a[0],
  json: (a, r, budget) => {
    const s = knownString(a[0]);
    return s === undefined ? undefined : fromJson(s, r, budget);
  },
};
