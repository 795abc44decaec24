import type { Document, ObjectEntry, TemplateInput, Value } from '../model';
import { choice, LazyEntry, unknown } from '../values';
import { valueKey } from './functions';

/** A value that came from another document keeps where it was written as its origin. */
function fromInput(input: TemplateInput, v: Value): Value {
  return v.origin ? v : ({ ...v, origin: { uri: input.uri, range: v.range } } as Value);
}

/**
 * An object parameter whose default is `{}` is a slot for what the deployment passes (a whole `properties` object, a
 * set of overrides): what it holds is not known, so it is an open object, not "no properties".
 */
export function passThroughDefault(v: Value): Value {
  return v.kind === 'object' && !v.entries.length && !v.open ? { ...v, open: true } : v;
}

/**
 * The value of a parameter given the inputs that target its template. One input: its value (or the template's own
 * default when it does not set the parameter). Several: each is a separate deployment, so the value is a choice that
 * says which input leads to it. None: undefined (the template's own default applies).
 */
export function combineInputs(name: string, inputs: readonly TemplateInput[], fallback: () => Value): Value | undefined {
  if (!inputs.length) return undefined;
  const lower = name.toLowerCase();
  const valueOf = (input: TemplateInput): Value => {
    // A parameter passed as null: whether the deployment keeps null or takes the default differs by tool and
    // version, so nothing is assumed about it (and no host pool is "named by null").
    for (const [k, v] of input.values) if (k.toLowerCase() === lower) return fromInput(input, v.kind === 'null' ? unknown(v.range, `parameter ${name}`) : v);
    return fallback();
  };
  if (inputs.length === 1) return valueOf(inputs[0]);
  const options = inputs.map((input) => ({ value: valueOf(input), when: `with ${input.label}` }));
  const first = valueKey(options[0].value);
  if (!first.includes('?') && options.every((o) => valueKey(o.value) === first)) return options[0].value;
  return choice(options, options[0].value.range);
}

/** Whether every input of a template deploys it only under a condition: then so are its resources. */
export function calledConditionally(inputs: readonly TemplateInput[]): boolean {
  return inputs.length > 0 && inputs.every((i) => i.conditional);
}

/**
 * The inputs that target `key` (a template, or a Terraform module directory `dir/`) among those its callers' documents
 * pass: each input goes to the first of its candidate targets that `exists`, and to the other file of the same name
 * beside it (a parameters file serves both `x.bicep` and the `x.json` compiled from it). In the order of the callers' URIs.
 */
export function inputsTargeting(key: string, callers: readonly Document[], exists: (target: string) => boolean): TemplateInput[] {
  const out: TemplateInput[] = [];
  for (const doc of callers) for (const input of doc.facts.inputs ?? []) if (serves(input, key, exists)) out.push(input);
  return out.sort((a, b) => a.uri.localeCompare(b.uri));
}

const stem = (target: string) => target.replace(/\.(json|jsonc|bicep)$/i, '');

function serves(input: TemplateInput, key: string, exists: (target: string) => boolean): boolean {
  const first = input.targets.find(exists);
  return first === key || (first !== undefined && input.targets.includes(key) && stem(key) === stem(first) && exists(key));
}

/**
 * Whether two lists of inputs pass the same values from the same places (ranges and origins included: findings about
 * a callee point into its callers). A template whose inputs are the same reads the same: it need not be read again.
 */
export function sameInputs(a: readonly TemplateInput[], b: readonly TemplateInput[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i] || sameData(x, b[i]));
}

/** Structural equality of model data: plain objects, arrays, maps and primitives, and entries read on demand. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  // An entry is its key and value, whether it was read yet or not (its reader is a closure: never equal to another).
  if (a instanceof LazyEntry || b instanceof LazyEntry) {
    const [x, y] = [a as ObjectEntry, b as ObjectEntry];
    return x.key === y.key && sameData(x.keyRange, y.keyRange) && sameData(x.value, y.value);
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    const bs = [...b];
    return [...a].every(([k, v], i) => k === bs[i][0] && sameData(v, bs[i][1]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
