import type { Range, StringPart, Value } from '../../model';
import { callFunction, timeCall, unknownCall } from '../../resolve/functions';
import { concatStrings, entry, isKnown, knownString, MAX_ARRAY_ITEMS, tooManyItems, unknown } from '../../values';

/**
 * Terraform's built-in functions that decide AVD settings in practice. Where Terraform's function has the same
 * meaning as the ARM one, the shared library computes it; `join`, `format` and `lookup` differ in their arguments.
 */
type Impl = (args: Value[], range: Range) => Value;

const text = (s: string, range: Range): Value => ({ kind: 'string', parts: [{ kind: 'text', text: s }], range });

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));

/** The verb of a `%[flags][width][.precision]verb` at `at` (a `%`), read by a scan: a regex here backtracks on `%000…`. */
function formatVerb(fmt: string, at: number): { flags: string; verb: string; end: number } | undefined {
  let j = at + 1;
  while (j < fmt.length && '-+# 0'.includes(fmt[j])) j++;
  while (isDigit(fmt[j])) j++;
  if (fmt[j] === '.' && isDigit(fmt[j + 1])) {
    j++;
    while (isDigit(fmt[j])) j++;
  }
  const verb = fmt[j];
  if (verb !== '%' && !isLetter(verb)) return undefined;
  return { flags: fmt.slice(at + 1, j), verb, end: j + 1 };
}

const TF: Record<string, Impl> = {
  join: (a, r) => callFunction('join', [a[1] ?? unknown(r), a[0] ?? unknown(r)], r),
  concat: (a, r) => {
    if (a.every((x) => x.kind === 'array')) {
      const items = a.flatMap((x) => (x.kind === 'array' ? x.items : []));
      if (items.length > MAX_ARRAY_ITEMS) return tooManyItems(r);
      return { kind: 'array', items, range: r, open: a.some((x) => x.kind === 'array' && x.open) || undefined };
    }
    return unknownCall('concat', a, r);
  },
  format: (a, r) => {
    const fmt = knownString(a[0]);
    if (fmt === undefined) return unknownCall('format', a, r);
    const pieces: Value[] = [];
    let argIndex = 1;
    let lit = '';
    for (let i = 0; i < fmt.length; i++) {
      if (fmt[i] !== '%') {
        lit += fmt[i];
        continue;
      }
      const verb = formatVerb(fmt, i);
      if (!verb) return unknownCall('format', a, r);
      i = verb.end - 1;
      if (verb.verb === '%') {
        lit += '%';
        continue;
      }
      if (lit) pieces.push(text(lit, r));
      lit = '';
      const arg = a[argIndex++];
      if (!arg || verb.flags || !'sdvt'.includes(verb.verb)) return unknownCall('format', a, r);
      pieces.push(arg.kind === 'number' || arg.kind === 'boolean' ? text(String(arg.value), r) : arg);
    }
    if (lit) pieces.push(text(lit, r));
    return pieces.length ? concatStrings(pieces, r) : text('', r);
  },
  lookup: (a, r) => {
    const [m, k, d] = a;
    const key = knownString(k);
    if (!m || key === undefined) return unknownCall('lookup', a, r);
    if (m.kind === 'object') {
      const e = entry(m, key);
      if (e) return e.value;
      if (!m.open && d) return d;
    }
    return unknownCall('lookup', a, r);
  },
  merge: (a, r) => {
    if (!a.every((x) => x.kind === 'object' || x.kind === 'null')) return unknownCall('merge', a, r);
    const entries = a.flatMap((x) => (x.kind === 'object' ? x.entries : []));
    return { kind: 'object', entries, range: r, open: a.some((x) => x.kind === 'object' && x.open) || undefined };
  },
  coalesce: (a, r) => {
    for (const v of a) {
      if (v.kind === 'null') continue;
      if (!isKnown(v)) return unknownCall('coalesce', a, r);
      if (knownString(v) === '') continue;
      return v;
    }
    return unknownCall('coalesce', a, r);
  },
  lower: (a, r) => callFunction('toLower', a, r),
  upper: (a, r) => callFunction('toUpper', a, r),
  replace: (a, r) => callFunction('replace', a, r),
  trimspace: (a, r) => callFunction('trim', a, r),
  contains: (a, r) => callFunction('contains', a, r),
  timestamp: (a, r) => timeCall('timestamp', a, r, {}),
  timeadd: (a, r) => timeCall('timeadd', a, r, { base: a[0], add: a[1] }),
  tostring: (a, r) => a[0] ?? unknown(r),
  tolist: (a, r) => a[0] ?? unknown(r),
  toset: (a, r) => a[0] ?? unknown(r),
  tomap: (a, r) => a[0] ?? unknown(r),
  tonumber: (a, r) => (a[0]?.kind === 'number' ? a[0] : unknownCall('tonumber', a, r)),
  tobool: (a, r) => (a[0]?.kind === 'boolean' ? a[0] : unknownCall('tobool', a, r)),
  // The model reads JSON-valued attributes (extension settings) as objects: jsonencode's argument is that object.
  jsonencode: (a, r) => a[0] ?? unknown(r),
  element: (a, r) => {
    const [list, i] = a;
    if (list?.kind === 'array' && !list.open && list.items.length && i?.kind === 'number') return list.items[i.value % list.items.length];
    return unknownCall('element', a, r);
  },
  try: (a, r) => (a[0] && isKnown(a[0]) ? a[0] : unknownCall('try', a, r)),
  compact: (a, r) => {
    const list = a[0];
    if (list?.kind !== 'array' || list.open || !list.items.every((x) => x.kind === 'null' || knownString(x) !== undefined)) return unknownCall('compact', a, r);
    return { kind: 'array', items: list.items.filter((x) => x.kind !== 'null' && knownString(x) !== ''), range: r };
  },
};

export function callTfFunction(name: string, args: Value[], range: Range): Value {
  const impl = TF[name.replace(/^provider::[^:]+::/, '').toLowerCase()];
  if (!impl) return unknownCall(name, args, range);
  return impl(args, range);
}

export type { StringPart };
