import type { SyntaxNode as Node } from './syntax';
import type { ObjectEntry, Value } from '../../model';
import { cases, choice } from '../../values';
import { namedChildren, nodeRange } from './hcl';

/**
 * A variable's `type` constraint applied to its value as Terraform applies it: an attribute declared
 * `optional(type, default)` in an `object({...})` that the value leaves out (or sets to null) takes the default, through
 * `map(...)`, `list(...)`, `set(...)` and nested objects. Values that may hold more than they show (open objects and
 * lists) are left as they are: whether the attribute is there is not known.
 */
export function applyTypeDefaults(type: Node, value: Value, evaluate: (n: Node) => Value, depth = 0): Value {
  const call = callOf(type);
  if (!call || depth > 20) return value;
  if (value.kind === 'choice') {
    const options = cases(value).map((c) => ({ ...c, value: applyTypeDefaults(type, c.value, evaluate, depth + 1) }));
    return choice(options, value.range);
  }
  switch (call.name) {
    case 'object':
      return call.args[0] ? withDefaults(call.args[0], value, evaluate, depth) : value;
    case 'map':
      if (value.kind !== 'object' || value.open || !call.args[0]) return value;
      return { ...value, entries: value.entries.map((e) => ({ ...e, value: applyTypeDefaults(call.args[0], e.value, evaluate, depth + 1) })) };
    case 'list':
    case 'set':
      if (value.kind !== 'array' || value.open || !call.args[0]) return value;
      return { ...value, items: value.items.map((i) => applyTypeDefaults(call.args[0], i, evaluate, depth + 1)) };
    default:
      return value;
  }
}

function withDefaults(attributes: Node, value: Value, evaluate: (n: Node) => Value, depth: number): Value {
  if (value.kind !== 'object' || value.open) return value;
  const object = namedChildren(attributes).find((c) => c.type === 'collection_value')?.namedChildren[0];
  if (object?.type !== 'object') return value;
  const entries: ObjectEntry[] = [...value.entries];
  let changed = false;
  for (const el of namedChildren(object)) {
    if (el.type !== 'object_elem') continue;
    const [k, t] = namedChildren(el).filter((c) => c.type === 'expression');
    const key = k?.text.replace(/^"|"$/g, '');
    if (!key || !t) continue;
    const at = entries.findIndex((e) => e.key === key);
    const given = at >= 0 ? entries[at].value : undefined;
    const optional = callOf(t);
    const inner = optional?.name === 'optional' ? optional.args[0] : t;
    const fallback = optional?.name === 'optional' ? optional.args[1] : undefined;
    let v = given && given.kind !== 'null' ? given : fallback ? evaluate(fallback) : given;
    if (!v) continue;
    if (inner) v = applyTypeDefaults(inner, v, evaluate, depth + 1);
    const e: ObjectEntry = { key, keyRange: at >= 0 ? entries[at].keyRange : nodeRange(k), value: v };
    if (v === given) continue;
    changed = true;
    if (at >= 0) entries[at] = e;
    else entries.push(e);
  }
  return changed ? { ...value, entries } : value;
}

/** `name(arg, ...)` of a type expression. */
function callOf(n: Node): { name: string; args: Node[] } | undefined {
  const call = n.type === 'function_call' ? n : namedChildren(n).find((c) => c.type === 'function_call');
  if (!call) return undefined;
  const name = namedChildren(call).find((c) => c.type === 'identifier')?.text;
  const args = namedChildren(call).find((c) => c.type === 'function_arguments');
  return name ? { name, args: args ? namedChildren(args).filter((c) => c.type === 'expression') : [] } : undefined;
}
