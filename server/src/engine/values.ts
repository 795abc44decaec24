import { pushAll } from './arrays';
import type {
  ArrayValue,
  BooleanValue,
  ChoiceValue,
  Location,
  ObjectEntry,
  ObjectValue,
  Range,
  StringPart,
  StringValue,
  TextSource,
  UnknownValue,
  Value,
} from './model';

export function unknown(range: Range, text?: string, key?: string): UnknownValue {
  const v: UnknownValue = { kind: 'unknown', range };
  if (text !== undefined) v.text = text;
  if (key !== undefined) v.key = key;
  return v;
}

/**
 * An object property whose value is evaluated on first read. Linking and the rules read a few properties of each
 * resource (its name, the host pool type, the RDP string); resources hold many more. The evaluation must not depend on
 * state that changes after the entry is made (each adapter captures what it reads).
 */
export class LazyEntry implements ObjectEntry {
  private evaluated: Value | undefined;
  private reading = false;

  constructor(
    readonly key: string,
    readonly keyRange: Range,
    /** Dropped once read, so that what it holds (a syntax tree) can be freed when every property was read. */
    private read: (() => Value) | undefined,
  ) {}

  get value(): Value {
    if (this.evaluated) return this.evaluated;
    // A value that reads itself (`var a = { x: b.y }`, `var b = { y: a.x }`) is unknown, as a cycle of variables is.
    if (this.reading || !this.read) return unknown(this.keyRange, this.key);
    this.reading = true;
    try {
      this.evaluated = this.read();
      this.read = undefined;
      return this.evaluated;
    } finally {
      this.reading = false;
    }
  }

  set value(v: Value) {
    this.evaluated = v;
    this.read = undefined;
  }
}

export function str(text: string, range: Range, source?: TextSource): StringValue {
  return { kind: 'string', parts: [{ kind: 'text', text, source }], range };
}

export function obj(entries: ObjectEntry[], range: Range): ObjectValue {
  return { kind: 'object', entries, range };
}

/** The text of a string whose every part is known, else undefined. */
export function knownString(v: Value | undefined): string | undefined {
  if (!v || v.kind !== 'string') return undefined;
  let out = '';
  for (const p of v.parts) {
    if (p.kind !== 'text') return undefined;
    out += p.text;
  }
  return out;
}

export function knownBoolean(v: Value | undefined): boolean | undefined {
  if (!v) return undefined;
  if (v.kind === 'boolean') return v.value;
  // ARM and Terraform often carry booleans as strings ("true") in extension settings.
  const s = knownString(v)?.toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  return undefined;
}

export function isKnown(v: Value | undefined): boolean {
  if (!v) return false;
  switch (v.kind) {
    case 'unknown':
    case 'ref':
    case 'choice':
      return false;
    case 'string':
      return v.parts.every((p) => p.kind === 'text');
    default:
      return true;
  }
}

/** Entry of an object by key, compared case-insensitively as ARM does. */
export function entry(o: Value | undefined, key: string): ObjectEntry | undefined {
  if (!o || o.kind !== 'object') return undefined;
  const entries = o.entries;
  let lower: string | undefined;
  // The last entry wins, as in JSON and Bicep spreads. Azure compares names ignoring case char by char (ordinal), so
  // names of different lengths never match: only those of the same length are lowered.
  for (let i = entries.length - 1; i >= 0; i--) {
    const k = entries[i].key;
    if (k === key) return entries[i];
    if (k.length !== key.length) continue;
    lower ??= key.toLowerCase();
    if (k.toLowerCase() === lower) return entries[i];
  }
  return undefined;
}

/** Value at a property path, e.g. get(body, 'properties', 'customRdpProperty'). */
export function get(o: Value | undefined, ...path: string[]): Value | undefined {
  return getPath(o, path);
}

/** Value at a property path given as a list. */
export function getPath(o: Value | undefined, path: readonly string[]): Value | undefined {
  let cur: Value | undefined = o;
  for (const key of path) {
    cur = entry(cur, key)?.value;
    if (!cur) return undefined;
  }
  return cur;
}

/**
 * Whether the value at a path is certainly absent: every object on the way is known and closed and lacks the key.
 * An open object (spread of an unknown, dynamic block) or an unknown on the way means "can't tell".
 */
export function isAbsent(o: Value | undefined, ...path: string[]): boolean {
  let cur: Value | undefined = o;
  for (const key of path) {
    if (!cur || cur.kind !== 'object') return false;
    const e = entry(cur, key);
    if (!e) return !cur.open;
    cur = e.value;
  }
  return false;
}

/**
 * The possible values of `v`, each with the case that leads to it. A plain value has one case with `when` empty;
 * a choice expands to its options (nested choices are flattened).
 */
export function cases(v: Value): { value: Value; when: string }[] {
  if (v.kind !== 'choice') return [{ value: v, when: '' }];
  if (caseCount(v) > MAX_CASES) return [{ value: unknown(v.range, 'a value of too many cases'), when: '' }];
  const out: { value: Value; when: string }[] = [];
  expandCases(v, [], 0, out);
  return out;
}

/** Conditions a case's `when` names; the others are counted ("and 2 more conditions"). */
const SHOWN_CONDITIONS = 3;

// Top-down, so that a chain of n ternaries costs n, not n² (each case's phrase built once, of bounded length).
function expandCases(v: Value, shown: string[], hidden: number, out: { value: Value; when: string }[]): void {
  if (v.kind !== 'choice') {
    const more = hidden ? ` and ${hidden} more condition${hidden === 1 ? '' : 's'}` : '';
    out.push({ value: v, when: shown.join(' and ') + more });
    return;
  }
  for (const o of v.options) {
    if (!o.when) expandCases(o.value, shown, hidden, out);
    else if (shown.length < SHOWN_CONDITIONS) expandCases(o.value, [...shown, o.when], hidden, out);
    else expandCases(o.value, shown, hidden + 1, out);
  }
}

export function choice(options: { value: Value; when: string }[], range: Range): ChoiceValue | Value {
  if (options.length === 1) return options[0].value;
  return bounded({ kind: 'choice', options, range });
}

/**
 * A parameter restricted to a list of allowed values (Bicep `@allowed`, ARM `allowedValues`, a Terraform validation
 * `contains([...], var.x)`): one case for each, named by it. One allowed value is still a case, named as such.
 */
export function allowedValues(name: string, items: readonly Value[], range: Range): Value {
  const options = items.map((value) => {
    const s = knownString(value);
    return { value, when: `when ${name} is ${s !== undefined ? `'${s}'` : 'one of its allowed values'}` };
  });
  return bounded({ kind: 'choice', options, range });
}

function bounded(v: ChoiceValue): Value {
  return caseCount(v) > MAX_CASES ? unknown(v.range, 'a value of too many cases') : v;
}

/**
 * The most cases one value may hold. A variable that is a choice between readings of another (`c1 ? v : c2 ? v : v`)
 * multiplies its cases at each level, so a few lines can ask for billions; such a value is not known.
 */
export const MAX_CASES = 1024;

/** Cases a value holds, its nested choices flattened (1 for a value that is no choice); counted once per choice. */
export function caseCount(v: Value): number {
  if (v.kind !== 'choice') return 1;
  let n = caseCounts.get(v.options);
  if (n === undefined) {
    n = 0;
    for (const o of v.options) n += caseCount(o.value);
    caseCounts.set(v.options, n);
  }
  return n;
}

const caseCounts = new WeakMap<object, number>();

/**
 * The loop iterations one expression may run, with the loops nested in it and the functions they call over lists: a
 * loop shares what is left among its items, and a function reads a list only when the list fits in it. Loops over long
 * lists inside each other would otherwise multiply.
 */
export const MAX_ITERATIONS = 1 << 14;

/** What reading `v` whole costs of that budget: its items, entries or parts. */
export function sizeOf(v: Value): number {
  switch (v.kind) {
    case 'array':
      return v.items.length;
    case 'object':
      return v.entries.length;
    case 'string':
      return v.parts.length;
    default:
      return 1;
  }
}

/**
 * User-defined function calls (Bicep `func`, ARM `functions`) one read of a file evaluates: a function that calls the
 * next twice, level after level, doubles the work at each level. Past them a call is unknown.
 */
export const MAX_FUNCTION_CALLS = 10_000;
/** Functions inside functions: neither language lets a function call itself, but a file being typed may. */
export const MAX_FUNCTION_DEPTH = 32;

/** The most items an array built from others may hold: an array concatenated with itself doubles. */
export const MAX_ARRAY_ITEMS = 1 << 16;

/** What an array built from others is when it would hold more than MAX_ARRAY_ITEMS: one whose items are not known. */
export function tooManyItems(range: Range): ArrayValue {
  return { kind: 'array', items: [], open: true, range };
}

/**
 * The most parts and characters a string built from others may hold. A variable that joins another with itself
 * doubles them, so a few lines can ask for gigabytes; Azure takes no deployment of more than 4 MB anyway.
 */
const MAX_STRING_PARTS = 1 << 14;
const MAX_STRING_CHARS = 1 << 20;

/**
 * The parts of a string built from `parts` (empty texts left out), placed at `range`. A string over
 * MAX_STRING_PARTS or MAX_STRING_CHARS is one unknown part.
 */
export function concatParts(parts: StringPart[], range: Range): StringPart[] {
  const out: StringPart[] = [];
  let chars = 0;
  for (const p of parts) {
    if (p.kind === 'text') {
      if (p.text === '' && !p.source) continue;
      chars += p.text.length;
    }
    out.push(p);
  }
  if (out.length > MAX_STRING_PARTS || chars > MAX_STRING_CHARS) return [{ kind: 'hole', value: unknown(range, 'a string too long to read'), range }];
  return out;
}

export function concatStrings(values: Value[], range: Range): Value {
  const parts: StringPart[] = [];
  for (const v of values) {
    if (v.kind === 'string') pushAll(parts, v.parts);
    else if (v.kind === 'number' || v.kind === 'boolean') parts.push({ kind: 'text', text: String(v.value) });
    else parts.push({ kind: 'hole', value: v, range: v.range });
  }
  return { kind: 'string', parts: concatParts(parts, range), range };
}

/**
 * What a value shares with its relocated copies (its entries, items, parts or options): a variable read in many places
 * is one value under many ranges, and a walk that remembers what it saw must know it by this.
 */
export function contentOf(v: Value): object {
  switch (v.kind) {
    case 'object':
      return v.entries;
    case 'array':
      return v.items;
    case 'string':
      return v.parts;
    case 'choice':
      return v.options;
    default:
      return v;
  }
}

/** Re-anchors a resolved value at the place that uses it, keeping where it was declared as `origin`. */
export function relocate(v: Value, range: Range, origin?: Location): Value {
  if (v.range === range) return v;
  const copy = { ...v, range } as Value;
  if (origin && !v.origin) copy.origin = origin;
  return copy;
}

/** Items of an array value, or undefined when the value is not a known array. */
export function arrayItems(v: Value | undefined): Value[] | undefined {
  return v && v.kind === 'array' ? v.items : undefined;
}

export function isArray(v: Value | undefined): v is ArrayValue {
  return !!v && v.kind === 'array';
}

export function bool(value: boolean, range: Range): BooleanValue {
  return { kind: 'boolean', value, range };
}

/** Human text of a value for messages and hovers: the literal, or the unknown's description. */
export function describe(v: Value): string {
  switch (v.kind) {
    case 'string': {
      const s = knownString(v);
      return s !== undefined ? `'${s}'` : 'an interpolated string';
    }
    case 'number':
    case 'boolean':
      return String(v.value);
    case 'null':
      return 'null';
    case 'unknown':
      return v.text ?? 'an unknown value';
    case 'ref':
      return `a reference to ${v.target ?? 'a resource'}${v.path.length ? '.' + v.path.join('.') : ''}`;
    case 'choice':
      return v.options.map((o) => describe(o.value)).join(' or ');
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
  }
}

/**
 * Splits a string value at every `sep` in its known text. Each piece is a string value of its own whose text parts
 * keep their source maps; holes stay inside the piece they fall in.
 */
export function splitString(v: StringValue, sep: string): StringValue[] {
  const pieces: StringValue[] = [];
  let cur: StringPart[] = [];
  const push = () => {
    pieces.push({ kind: 'string', parts: cur, range: v.range });
    cur = [];
  };
  for (const p of v.parts) {
    if (p.kind !== 'text') {
      cur.push(p);
      continue;
    }
    let from = 0;
    for (let i = p.text.indexOf(sep); i >= 0; i = p.text.indexOf(sep, from)) {
      if (i > from) cur.push(slicePart(p, from, i));
      push();
      from = i + sep.length;
    }
    if (from < p.text.length) cur.push(slicePart(p, from, p.text.length));
  }
  push();
  return pieces;
}

/** A slice of a text part, with its source map narrowed to the slice. */
export function slicePart(p: Extract<StringPart, { kind: 'text' }>, from: number, to: number): Extract<StringPart, { kind: 'text' }> {
  const text = p.text.slice(from, to);
  if (!p.source) return { kind: 'text', text };
  const s = p.source;
  const offsets = s.offsets ? s.offsets.slice(from, to + 1) : undefined;
  const start = offsets ? offsets[0] : s.start + from;
  const end = offsets ? offsets[offsets.length - 1] : s.start + to;
  return { kind: 'text', text, source: offsets ? { uri: s.uri, start, end, offsets } : { uri: s.uri, start, end } };
}

/**
 * Whether two values are equal, when both are known: strings (optionally ignoring case), numbers, booleans, null
 * against null; a known non-null value against null is unequal. Undefined when that cannot be known.
 */
export function knownEquals(a: Value, b: Value, ignoreCase = false): boolean | undefined {
  const sa = knownString(a);
  const sb = knownString(b);
  if (sa !== undefined && sb !== undefined) return ignoreCase ? sa.toLowerCase() === sb.toLowerCase() : sa === sb;
  if ((a.kind === 'number' || a.kind === 'boolean') && a.kind === b.kind) return a.value === b.value;
  if (a.kind === 'null' || b.kind === 'null') {
    if (a.kind === 'null' && b.kind === 'null') return true;
    const other = a.kind === 'null' ? b : a;
    if (other.kind === 'string' || other.kind === 'number' || other.kind === 'boolean' || other.kind === 'object' || other.kind === 'array') return false;
  }
  return undefined;
}

const CONDITION_TEXT_MAX = 60;
const SPACE = /\s/;

/**
 * A condition's source text, its whitespace runs read as one space, for "when … is true" wording; long ones read "the
 * condition". It stops at the first character past the limit: a condition that holds others (`(a ? b : c) ? d : e`)
 * would otherwise be read whole once per level.
 */
export function conditionText(text: string): string {
  let out = '';
  let space = false;
  for (const ch of text) {
    if (SPACE.test(ch)) {
      space = out.length > 0;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
    if (out.length > CONDITION_TEXT_MAX) return 'the condition';
  }
  return out;
}
