import { pushAll } from '../arrays';
import type { ArrayValue, ObjectEntry, Range, StringPart, StringValue, Value } from '../model';
import { SEQUENCE_FUNCTIONS } from './sequence-functions';
import {
  caseCount,
  choice,
  concatParts,
  concatStrings,
  entry,
  isKnown,
  knownBoolean,
  knownEquals,
  knownString,
  MAX_ARRAY_ITEMS,
  MAX_ITERATIONS,
  tooManyItems,
  unknown,
} from '../values';

/**
 * The function library Bicep and ARM template expressions share (Bicep compiles to these ARM functions).
 * Known arguments give a known result; anything else gives an unknown whose key names the expression, so that
 * two places computing the same thing (the same `resourceGroup().id`, the same `guid(...)`) can be seen as equal.
 */

/**
 * The longest key valueKey writes out. Values share parts (a variable read twice, the cases of nested conditions), and
 * a key spells each part out again wherever it is read: keys of nested values grow exponentially with their depth.
 */
const MAX_KEY_LENGTH = 1 << 18;

/** What valueKey gives for a value whose key would be longer than MAX_KEY_LENGTH: with a `?`, it equals nothing. */
export const TOO_LONG_KEY = '?(too long)';

/**
 * How long the key of an unknown made by a call or an operator (`json(…)`, `a == b`) may be. Such keys pair up values
 * written alike (two `uniqueString(resourceGroup().id)`, two names built the same way); a call in a loop over a long
 * literal made one of its length per turn, and kept them all.
 */
const MAX_CALL_KEY_LENGTH = 4096;

/**
 * A stable text for a value, used to key unknowns built from it; TOO_LONG_KEY when it would be longer than `limit`
 * (MAX_KEY_LENGTH by default), found without building it.
 */
export function valueKey(v: Value, limit = MAX_KEY_LENGTH): string {
  const w: KeyWriter = { parts: [], length: 0, limit };
  return writeKey(v, w) ? w.parts.join('') : TOO_LONG_KEY;
}

/** Whether two values have the same key, which a key too long to build is not. */
export function sameKey(a: Value, b: Value): boolean {
  const k = valueKey(a);
  return k !== TOO_LONG_KEY && k === valueKey(b);
}

interface KeyWriter {
  parts: string[];
  length: number;
  limit: number;
}

/** Appends `text`; false once the key is over its limit. */
function put(w: KeyWriter, text: string): boolean {
  w.parts.push(text);
  w.length += text.length;
  return w.length <= w.limit;
}

/** Writes `v`'s key; false as soon as it is over the writer's limit (then the rest is not read). */
function writeKey(v: Value, w: KeyWriter): boolean {
  switch (v.kind) {
    case 'string':
      for (let i = 0; i < v.parts.length; i++) {
        const p = v.parts[i];
        if (i > 0 && !put(w, '+')) return false;
        if (p.kind === 'text') {
          if (p.text.length > w.limit || !put(w, JSON.stringify(p.text))) return false;
        } else if (!put(w, '{') || !writeKey(p.value, w) || !put(w, '}')) return false;
      }
      return true;
    case 'number':
    case 'boolean':
      return put(w, String(v.value));
    case 'null':
      return put(w, 'null');
    case 'unknown':
      return put(w, v.key ?? '?');
    case 'ref':
      if (!put(w, 'ref(')) return false;
      if (v.target !== undefined) {
        if (!put(w, v.target)) return false;
      } else if (v.targetId) {
        if (!writeKey(v.targetId, w)) return false;
      } else if (!put(w, '?')) return false;
      return put(w, `).${v.path.join('.')}`);
    case 'choice':
      if (!put(w, 'choice(')) return false;
      for (let i = 0; i < v.options.length; i++) if ((i > 0 && !put(w, '|')) || !writeKey(v.options[i].value, w)) return false;
      return put(w, ')');
    case 'object':
      if (!put(w, '{')) return false;
      for (let i = 0; i < v.entries.length; i++) {
        const e = v.entries[i];
        if ((i > 0 && !put(w, ',')) || !put(w, `${e.key}:`) || !writeKey(e.value, w)) return false;
      }
      return put(w, v.open ? ',…}' : '}');
    case 'array':
      if (!put(w, '[')) return false;
      for (let i = 0; i < v.items.length; i++) if ((i > 0 && !put(w, ',')) || !writeKey(v.items[i], w)) return false;
      return put(w, v.open ? ',…]' : ']');
  }
}

/** Whether a key identifies something that can be compared (every argument had a key). */
function keyed(key: string): string | undefined {
  return key.includes('?') ? undefined : key;
}

/** The key of an operator applied to values (`==(a,b)`), undefined when an operand has no key. */
export function operatorKey(op: string, args: Value[]): string | undefined {
  return keyed(`${op}(${args.map((a) => valueKey(a, MAX_CALL_KEY_LENGTH)).join(',')})`);
}

/**
 * A binary operator as Bicep and Terraform evaluate it: `&&` and `||` short-circuit (the right side is read only when
 * the left does not decide), equality on known values (`=~`/`!~` ignore case), arithmetic and comparison on numbers.
 * `/` truncates when `integerDivision` (Bicep's integers); anything else unknown, keyed so equal expressions compare.
 */
export function binaryOperation(op: string, a: Value, right: () => Value, range: Range, integerDivision: boolean): Value {
  if (op === '&&' && knownBoolean(a) === false) return { kind: 'boolean', value: false, range };
  if (op === '||' && knownBoolean(a) === true) return { kind: 'boolean', value: true, range };
  const b = right();
  // One side is one of several cases: the operation in each case, so that a condition on it decides case by case.
  if ((a.kind === 'choice') !== (b.kind === 'choice')) {
    const each =
      a.kind === 'choice'
        ? overCases(a, (x) => binaryOperation(op, x, () => b, range, integerDivision), range)
        : overCases(b, (y) => binaryOperation(op, a, () => y, range, integerDivision), range);
    if (each) return each;
  }
  switch (op) {
    case '&&':
    case '||': {
      const x = knownBoolean(a);
      const y = knownBoolean(b);
      if (op === '&&' && y === false) return { kind: 'boolean', value: false, range };
      if (op === '||' && y === true) return { kind: 'boolean', value: true, range };
      if (x !== undefined && y !== undefined) return { kind: 'boolean', value: op === '&&' ? x && y : x || y, range };
      return unknown(range, undefined, operatorKey(op, [a, b]));
    }
    case '==':
    case '!=':
    case '=~':
    case '!~': {
      const eq = knownEquals(a, b, op === '=~' || op === '!~');
      if (eq === undefined) return unknown(range, undefined, operatorKey(op, [a, b]));
      return { kind: 'boolean', value: op === '==' || op === '=~' ? eq : !eq, range };
    }
    default: {
      if (a.kind === 'number' && b.kind === 'number') {
        const x = a.value;
        const y = b.value;
        const results: Record<string, number | boolean> = {
          '+': x + y,
          '-': x - y,
          '*': x * y,
          '/': integerDivision ? Math.trunc(x / y) : x / y,
          '%': x % y,
          '<': x < y,
          '<=': x <= y,
          '>': x > y,
          '>=': x >= y,
        };
        const res = results[op];
        if (typeof res === 'number') return { kind: 'number', value: res, range };
        if (typeof res === 'boolean') return { kind: 'boolean', value: res, range };
      }
      // `i + countIndex` in two loops over the same range names the same instance: keyed, so names built from it compare.
      return unknown(range, undefined, operatorKey(op, [a, b]));
    }
  }
}

/** A choice of more cases than this is not followed case by case: the operation on it stays unknown. */
const MAX_CASES_FOLLOWED = 16;

/**
 * `f` applied to each case of a choice, each keeping the condition that names it; one value when every case gives the
 * same known scalar. Undefined for a value that is no choice, or one of too many cases.
 */
export function overCases(v: Value, f: (c: Value) => Value, range: Range): Value | undefined {
  if (v.kind !== 'choice' || caseCount(v) > MAX_CASES_FOLLOWED) return undefined;
  const map = (c: Value): Value => (c.kind === 'choice' ? { ...c, options: c.options.map((o) => ({ ...o, value: map(o.value) })), range } : f(c));
  const out = map(v);
  const all: Value[] = [];
  const collect = (c: Value): void => (c.kind === 'choice' ? c.options.forEach((o) => collect(o.value)) : void all.push(c));
  collect(out);
  const first = all[0];
  const scalar = (c: Value) => c.kind === 'boolean' || c.kind === 'number' || c.kind === 'null' || knownString(c) !== undefined;
  if (first && all.every(scalar) && all.every((c) => sameKey(c, first))) return { ...first, range } as Value;
  return out;
}

/** `!v`, case by case when v is one of several cases; keyed when it is not known. */
export function not(v: Value, range: Range): Value {
  const b = knownBoolean(v);
  if (b !== undefined) return { kind: 'boolean', value: !b, range };
  return overCases(v, (c) => not(c, range), range) ?? unknown(range, undefined, operatorKey('!', [v]));
}

/**
 * `cond ? a : b`: the branch a known condition takes; when the condition is one of several cases that each decide it
 * (a comparison on a parameter with allowed values, on a value several callers pass), the branch of each case, named by
 * that case's condition, so that no message names a branch no known value takes; else both branches, named by `text`.
 */
export function conditional(cond: Value, whenTrue: () => Value, whenFalse: () => Value, text: string, range: Range): Value {
  const b = knownBoolean(cond);
  if (b === true) return whenTrue();
  if (b === false) return whenFalse();
  let t: Value | undefined;
  let f: Value | undefined;
  const branch = (c: Value): Value => (knownBoolean(c) ? (t ??= whenTrue()) : (f ??= whenFalse()));
  if (cond.kind === 'choice' && everyCase(cond, (c) => knownBoolean(c) !== undefined)) {
    const each = overCases(cond, branch, range);
    if (each) return each;
  }
  return choice(
    [
      { value: (t ??= whenTrue()), when: `when ${text} is true` },
      { value: (f ??= whenFalse()), when: `when ${text} is false` },
    ],
    range,
  );
}

function everyCase(v: Value, test: (c: Value) => boolean): boolean {
  return v.kind === 'choice' ? v.options.every((o) => everyCase(o.value, test)) : test(v);
}

/** `last(split(id, '/'))` of an id that is not known: unknown, but it remembers the id (UnknownValue.lastSegmentOf). */
function lastOfUnknown(a: Value[], r: Range): Value {
  // The last item of something a reference reads (`last(pool.listRegistrationTokens().value).token`) is still read from it.
  if (a[0]?.kind === 'ref') return { ...a[0], path: [...a[0].path, 'last()'], range: r };
  const v = unknownCall('last', a, r);
  const split = a[0]?.kind === 'unknown' ? a[0].splitOf : undefined;
  return split?.separator === '/' && v.kind === 'unknown' ? { ...v, lastSegmentOf: split.value } : v;
}

export function unknownCall(name: string, args: Value[], range: Range): Value {
  const key = keyed(`${name}(${args.map((a) => valueKey(a, MAX_CALL_KEY_LENGTH)).join(',')})`);
  return unknown(range, `${name}(…)`, key);
}

/** Functions whose value is drawn when a deployment runs: another template's call is another value. */
const PER_DEPLOYMENT: ReadonlySet<string> = new Set(['utcnow', 'newguid']);

/**
 * `utcNow()` and `newGuid()` written in `uri`: keyed by the file, so that two templates naming their deployments
 * `HostPool-${utcNow()}` are not taken for one. Undefined for any other function.
 */
export function perDeploymentCall(name: string, args: Value[], range: Range, uri: string): Value | undefined {
  const bare = name.replace(/^sys\./i, '').toLowerCase();
  if (!PER_DEPLOYMENT.has(bare)) return undefined;
  const v = bare === 'utcnow' ? timeCall(name, args, range, {}) : unknownCall(name, args, range);
  return v.kind === 'unknown' && v.key ? { ...v, key: `${v.key}@${uri}` } : v;
}

/**
 * `dateTimeAdd(base, duration)` (Terraform `timeadd`), or with no base the time the deployment runs (`utcNow()`,
 * `timestamp()`): unknown, but it keeps what it adds to what (UnknownValue.time).
 */
export function timeCall(name: string, args: Value[], range: Range, time: { base?: Value; add?: Value }): Value {
  const v = unknownCall(name, args, range);
  return v.kind === 'unknown' ? { ...v, time } : v;
}

function asStringValue(v: Value, range: Range): StringValue {
  if (v.kind === 'string') return v;
  if (v.kind === 'number' || v.kind === 'boolean') return { kind: 'string', parts: [{ kind: 'text', text: String(v.value) }], range };
  return { kind: 'string', parts: [{ kind: 'hole', value: v, range: v.range }], range };
}

/** Maps the known text of a string; the length is kept, so the parts keep their source maps. */
function mapTextParts(v: StringValue, f: (t: string) => string): StringValue {
  const parts: StringPart[] = v.parts.map((p) => (p.kind === 'text' ? { ...p, text: f(p.text) } : p));
  return { ...v, parts };
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * .NET composite formatting as ARM's `format` does it: `{index}` and `{index:format}` placeholders, `{{` and `}}` for
 * braces. A scan, not a regular expression: the search for the `}` that closes a `{0:` remembers where it found one,
 * so a string of many unclosed placeholders costs its length, not its length squared.
 */
function format(args: Value[], range: Range): Value {
  const fmt = knownString(args[0]);
  if (fmt === undefined) return unknownCall('format', args, range);
  const parts: StringPart[] = [];
  // The format string's own text loses its source map here; placeholders are rare inside RDP strings and role ids.
  let last = 0;
  let close = -2;
  const closeFrom = (k: number) => (close === -1 || close >= k ? close : (close = fmt.indexOf('}', k)));
  const literal = (to: number, text?: string) => {
    if (to > last) parts.push({ kind: 'text', text: fmt.slice(last, to) });
    if (text) parts.push({ kind: 'text', text });
  };
  let i = 0;
  while (i < fmt.length) {
    if ((fmt[i] === '{' && fmt[i + 1] === '{') || (fmt[i] === '}' && fmt[i + 1] === '}')) {
      literal(i, fmt[i]);
      last = i += 2;
      continue;
    }
    if (fmt[i] === '{' && isDigit(fmt[i + 1])) {
      let j = i + 1;
      while (isDigit(fmt[j])) j++;
      const end = fmt[j] === ':' ? closeFrom(j) : fmt[j] === '}' ? j : -1;
      if (end >= 0) {
        const arg = args[Number(fmt.slice(i + 1, j)) + 1];
        if (!arg) return unknownCall('format', args, range);
        literal(i);
        pushAll(parts, asStringValue(arg, range).parts);
        last = i = end + 1;
        continue;
      }
    }
    i++;
  }
  literal(fmt.length);
  return { kind: 'string', parts: concatParts(parts, range), range };
}

/** `concat` works on strings or on arrays. */
function concat(args: Value[], range: Range): Value {
  if (args.length && args.every((a) => a.kind === 'array')) {
    const items: Value[] = [];
    let open = false;
    for (const a of args as ArrayValue[]) {
      pushAll(items, a.items);
      open ||= !!a.open;
      if (items.length > MAX_ARRAY_ITEMS) return tooManyItems(range);
    }
    return { kind: 'array', items, range, open };
  }
  if (args.some((a) => a.kind === 'array' || a.kind === 'object')) return unknownCall('concat', args, range);
  return concatStrings(args, range);
}

function union(args: Value[], range: Range): Value {
  if (args.every((a) => a.kind === 'array')) return concat(args, range);
  const entries: ObjectEntry[] = [];
  const overridable: ObjectEntry[] = [];
  let open = false;
  for (const a of args) {
    if (a.kind === 'object') {
      for (const e of a.entries) {
        const i = entries.findIndex((x) => x.key.toLowerCase() === e.key.toLowerCase());
        if (i >= 0) entries.splice(i, 1);
        entries.push(e);
      }
      open ||= !!a.open;
    } else if (a.kind === 'null') {
      continue;
    } else {
      // An unknown operand may add or replace any key: later known keys still win, earlier ones may be overridden.
      overridable.push(...entries);
      entries.length = 0;
      open = true;
    }
  }
  return { kind: 'object', entries, range, open, ...(overridable.length ? { overridable } : {}) };
}

/** `resourceId`-family functions build an id string whose unknown segments stay holes. */
function resourceIdString(kind: 'resourceGroup' | 'subscription' | 'tenant' | 'managementGroup', args: Value[], range: Range): Value {
  // The type is the first argument with a '/'; the arguments before it name the scope.
  const typeIndex = args.findIndex((a) => (knownString(a) ?? '').includes('/'));
  if (typeIndex < 0) return unknownCall('resourceId', args, range);
  const type = knownString(args[typeIndex])!;
  const scopeArgs = args.slice(0, typeIndex);
  const text = (t: string): Value => ({ kind: 'string', parts: [{ kind: 'text', text: t }], range });
  const deployment = (what: string): Value => unknown(range, `${what}`, what.toLowerCase());
  const segs: Value[] = [];
  if (kind === 'resourceGroup') {
    const rg = scopeArgs[scopeArgs.length - 1] ?? deployment('resourceGroup().name');
    const sub = scopeArgs.length > 1 ? scopeArgs[0] : deployment('subscription().subscriptionId');
    segs.push(text('/subscriptions/'), sub, text('/resourceGroups/'), rg);
  } else if (kind === 'subscription') {
    segs.push(text('/subscriptions/'), scopeArgs[0] ?? deployment('subscription().subscriptionId'));
  } else if (kind === 'managementGroup') {
    segs.push(text('/providers/Microsoft.Management/managementGroups/'), scopeArgs[0] ?? deployment('managementGroup().name'));
  }
  const [namespace, ...types] = type.split('/');
  const names = args.slice(typeIndex + 1);
  segs.push(text(`/providers/${namespace}`));
  types.forEach((t, i) => {
    segs.push(text(`/${t}/`));
    segs.push(names[i] ?? unknown(range));
  });
  return concatStrings(segs, range);
}

function equalsKnown(a: Value, b: Value): boolean | undefined {
  if (!isKnown(a) || !isKnown(b)) return undefined;
  const sa = knownString(a);
  const sb = knownString(b);
  if (sa !== undefined && sb !== undefined) return sa.toLowerCase() === sb.toLowerCase();
  if ((a.kind === 'number' || a.kind === 'boolean') && a.kind === b.kind) return a.value === b.value;
  const k = valueKey(a);
  return k === TOO_LONG_KEY ? undefined : k === valueKey(b);
}

/** `budget`: the loop turns left to the expression (MAX_ITERATIONS), which bounds a result larger than the arguments. */
export type FunctionImpl = (args: Value[], range: Range, budget: number) => Value;

const FUNCTIONS: Record<string, FunctionImpl> = {
  ...Object.fromEntries(
    Object.entries(SEQUENCE_FUNCTIONS).map(([name, f]): [string, FunctionImpl] => [name, (a, r, budget) => f(a, r, budget) ?? unknownCall(name, a, r)]),
  ),
  concat,
  format,
  union,
  tolower: (a, r) => (a[0]?.kind === 'string' ? mapTextParts(a[0], (t) => t.toLowerCase()) : unknownCall('toLower', a, r)),
  toupper: (a, r) => (a[0]?.kind === 'string' ? mapTextParts(a[0], (t) => t.toUpperCase()) : unknownCall('toUpper', a, r)),
  string: (a, r) => {
    const v = a[0];
    if (v && (v.kind === 'string' || v.kind === 'number' || v.kind === 'boolean')) return asStringValue(v, r);
    return unknownCall('string', a, r);
  },
  trim: (a, r) => {
    const s = knownString(a[0]);
    return s === undefined ? unknownCall('trim', a, r) : { kind: 'string', parts: [{ kind: 'text', text: s.trim() }], range: r };
  },
  split: (a, r) => {
    const [s, sep] = a.map(knownString);
    if (s !== undefined && sep !== undefined && sep !== '') {
      return { kind: 'array', items: s.split(sep).map((t): Value => ({ kind: 'string', parts: [{ kind: 'text', text: t }], range: r })), range: r };
    }
    const v = unknownCall('split', a, r);
    return a[0] && sep !== undefined && v.kind === 'unknown' ? { ...v, splitOf: { value: a[0], separator: sep } } : v;
  },
  replace: (a, r) => {
    const [s, x, y] = a.map(knownString);
    if (s === undefined || x === undefined || y === undefined) return unknownCall('replace', a, r);
    return { kind: 'string', parts: [{ kind: 'text', text: s.split(x).join(y) }], range: r };
  },
  join: (a, r) => {
    const arr = a[0];
    const sep = knownString(a[1]);
    if (!arr || arr.kind !== 'array' || arr.open || sep === undefined) return unknownCall('join', a, r);
    const segs: Value[] = [];
    arr.items.forEach((item, i) => {
      if (i > 0) segs.push({ kind: 'string', parts: [{ kind: 'text', text: sep }], range: r });
      segs.push(item);
    });
    return concatStrings(segs, r);
  },
  if: (a, r) => {
    const cond = knownBoolean(a[0]);
    if (cond === true) return a[1] ?? unknown(r);
    if (cond === false) return a[2] ?? unknown(r);
    if (a.length < 3) return unknownCall('if', a, r);
    return conditional(
      a[0],
      () => a[1],
      () => a[2],
      a[0].kind === 'unknown' && a[0].text ? a[0].text : 'the condition',
      r,
    );
  },
  equals: (a, r) => {
    const eq = a.length === 2 ? equalsKnown(a[0], a[1]) : undefined;
    return eq === undefined ? unknownCall('equals', a, r) : { kind: 'boolean', value: eq, range: r };
  },
  not: (a, r) => {
    const b = knownBoolean(a[0]);
    return b === undefined ? unknownCall('not', a, r) : { kind: 'boolean', value: !b, range: r };
  },
  and: (a, r) => {
    const bs = a.map(knownBoolean);
    if (bs.some((b) => b === false)) return { kind: 'boolean', value: false, range: r };
    if (bs.every((b) => b === true)) return { kind: 'boolean', value: true, range: r };
    return unknownCall('and', a, r);
  },
  or: (a, r) => {
    const bs = a.map(knownBoolean);
    if (bs.some((b) => b === true)) return { kind: 'boolean', value: true, range: r };
    if (bs.every((b) => b === false)) return { kind: 'boolean', value: false, range: r };
    return unknownCall('or', a, r);
  },
  coalesce: (a, r) => {
    for (const v of a) {
      if (v.kind === 'null') continue;
      if (!isKnown(v)) return unknownCall('coalesce', a, r);
      return v;
    }
    return { kind: 'null', range: r };
  },
  empty: (a, r) => {
    const v = a[0];
    if (v?.kind === 'array' && !v.open) return { kind: 'boolean', value: v.items.length === 0, range: r };
    if (v?.kind === 'object' && !v.open) return { kind: 'boolean', value: v.entries.length === 0, range: r };
    if (v?.kind === 'null') return { kind: 'boolean', value: true, range: r };
    const s = knownString(v);
    return s === undefined ? unknownCall('empty', a, r) : { kind: 'boolean', value: s.length === 0, range: r };
  },
  contains: (a, r) => {
    const [c, x] = a;
    if (!c || !x) return unknownCall('contains', a, r);
    if (c.kind === 'object' && !c.open) {
      const k = knownString(x);
      if (k !== undefined) return { kind: 'boolean', value: !!entry(c, k), range: r };
    }
    if (c.kind === 'array' && !c.open && isKnown(x)) {
      return { kind: 'boolean', value: c.items.some((i) => equalsKnown(i, x) === true), range: r };
    }
    const s = knownString(c);
    const sub = knownString(x);
    if (s !== undefined && sub !== undefined) return { kind: 'boolean', value: s.includes(sub), range: r };
    return unknownCall('contains', a, r);
  },
  true: (_a, r) => ({ kind: 'boolean', value: true, range: r }),
  false: (_a, r) => ({ kind: 'boolean', value: false, range: r }),
  null: (_a, r) => ({ kind: 'null', range: r }),
  bool: (a, r) => {
    const b = knownBoolean(a[0]);
    return b === undefined ? unknownCall('bool', a, r) : { kind: 'boolean', value: b, range: r };
  },
  int: (a, r) => {
    const v = a[0];
    if (v?.kind === 'number') return v;
    const s = knownString(v);
    return s !== undefined && /^-?\d+$/.test(s.trim()) ? { kind: 'number', value: Number(s), range: r } : unknownCall('int', a, r);
  },
  createarray: (a, r) => ({ kind: 'array', items: a, range: r }),
  createobject: (a, r) => {
    const entries: ObjectEntry[] = [];
    for (let i = 0; i + 1 < a.length; i += 2) {
      const k = knownString(a[i]);
      if (k === undefined) return unknownCall('createObject', a, r);
      entries.push({ key: k, keyRange: a[i].range, value: a[i + 1] });
    }
    return { kind: 'object', entries, range: r };
  },
  array: (a, r) => (a[0]?.kind === 'array' ? a[0] : a[0] && isKnown(a[0]) ? { kind: 'array', items: [a[0]], range: r } : unknownCall('array', a, r)),
  datetimeadd: (a, r) => timeCall('dateTimeAdd', a, r, { base: a[0], add: a[1] }),
  first: (a, r) => {
    if (a[0]?.kind === 'ref') return { ...a[0], path: [...a[0].path, '0'], range: r };
    return a[0]?.kind === 'array' && a[0].items.length ? a[0].items[0] : unknownCall('first', a, r);
  },
  last: (a, r) => (a[0]?.kind === 'array' && !a[0].open && a[0].items.length ? a[0].items[a[0].items.length - 1] : lastOfUnknown(a, r)),
  resourceid: (a, r) => resourceIdString('resourceGroup', a, r),
  subscriptionresourceid: (a, r) => resourceIdString('subscription', a, r),
  tenantresourceid: (a, r) => resourceIdString('tenant', a, r),
  managementgroupresourceid: (a, r) => resourceIdString('managementGroup', a, r),
  extensionresourceid: (a, r) => {
    const base = a[0];
    const rest = resourceIdString('tenant', a.slice(1), r);
    return base ? concatStrings([base, rest], r) : rest;
  },
};

/** Calls a library function by name (case-insensitive, `sys.`/`az.` namespaces dropped). Unknown functions give an unknown. */
export function callFunction(name: string, args: Value[], range: Range, budget = MAX_ITERATIONS): Value {
  const bare = name.replace(/^(sys|az)\./i, '').toLowerCase();
  const impl = FUNCTIONS[bare];
  if (!impl) return unknownCall(name, args, range);
  // A comparison or string function of one argument that is one of several cases: its result in each case.
  const choices = args.filter((a) => a.kind === 'choice');
  if (choices.length === 1 && CASE_BY_CASE.has(bare)) {
    const at = args.indexOf(choices[0]);
    const each = overCases(
      choices[0],
      (c) =>
        impl(
          args.map((a, i) => (i === at ? c : a)),
          range,
          budget,
        ),
      range,
    );
    if (each) return each;
  }
  return impl(args, range, budget);
}

/** Functions of scalars whose result is worth following case by case (a condition or a name built from a case). */
const CASE_BY_CASE: ReadonlySet<string> = new Set([
  'equals',
  'not',
  'and',
  'or',
  'empty',
  'contains',
  'tolower',
  'toupper',
  'startswith',
  'endswith',
  'trim',
  'replace',
  'format',
  'concat',
  'string',
  'bool',
]);

/** Member access `.name` on a value. */
export function accessMember(v: Value, name: string, range: Range): Value {
  switch (v.kind) {
    case 'object': {
      const e = entry(v, name);
      if (e) return e.value;
      return unknown(range, name, undefined);
    }
    case 'ref':
      return { ...v, path: [...v.path, name], range };
    case 'unknown':
      return unknown(range, v.text ? `${v.text}.${name}` : undefined, v.key ? `${v.key}.${name}` : undefined);
    case 'choice':
      return { ...v, options: v.options.map((o) => ({ ...o, value: accessMember(o.value, name, range) })), range };
    default:
      return unknown(range);
  }
}

/** Index access `[i]` on a value. */
export function accessIndex(v: Value, index: Value, range: Range): Value {
  if (v.kind === 'array' && index.kind === 'number') {
    return v.items[index.value] ?? unknown(range);
  }
  const k = knownString(index);
  if (k !== undefined && (v.kind === 'object' || v.kind === 'ref' || v.kind === 'unknown' || v.kind === 'choice')) {
    return accessMember(v, k, range);
  }
  if (v.kind === 'ref' && index.kind === 'number') return { ...v, path: [...v.path, String(index.value)], range };
  if (v.kind === 'unknown' && v.key && index.kind === 'number') return unknown(range, undefined, `${v.key}[${index.value}]`);
  // `x[copyIndex()]` (and `x[x[copyIndex()]]`, which Bicep emits for `parent: vm[i]`) is the current instance of a
  // copy loop over x: the same key on both sides lets an extension find the VM of its own iteration.
  // The list may be known too (`range(0, n)[copyIndex()]`): keyed by its content.
  const ik = index.kind === 'unknown' ? index.key?.toLowerCase() : undefined;
  if (ik && (ik.includes('copyindex(') || ik.endsWith('[*]') || CURRENT_INSTANCE.test(ik))) {
    const list = v.kind === 'unknown' ? v.key : v.kind === 'array' ? tableKey(v) : undefined;
    if (list) return unknown(range, undefined, `${list}[*]`);
  }
  // A known table read at an unknown key (`locations[toLower(location)].acronym`): the same table at the same key is the
  // same value, so names built from it still compare.
  if (index.kind === 'unknown' && index.key) {
    const table = v.kind === 'object' || v.kind === 'array' ? tableKey(v) : v.kind === 'unknown' ? v.key : undefined;
    if (table) return unknown(range, undefined, `index(${table},${index.key})`);
  }
  return unknown(range);
}

/** Terraform's current instance of a `count` or `for_each` block. */
const CURRENT_INSTANCE = /^(count\.index|each\.(key|value))@/;

const tableKeys = new WeakMap<Value, string | undefined>();

/**
 * A short key of a known object or array: where it is declared (a variable, a parameter's default: each read is a new
 * value, and the text of a large table is costly to build), else a hash of its valueKey; undefined when part of it is
 * not known.
 */
function tableKey(v: Value): string | undefined {
  if (v.origin) return `@${v.origin.uri}:${v.origin.range.start}`;
  if (tableKeys.has(v)) return tableKeys.get(v);
  const k = keyed(valueKey(v));
  const out = k === undefined ? undefined : `#${hash(k)}`;
  tableKeys.set(v, out);
  return out;
}

/** Two 32-bit FNV-1a hashes of a text: a short stand-in for a long key. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36);
}
