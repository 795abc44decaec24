import type { TemplateInput, Value } from '../model';
import { valueKey } from './functions';

/** A value that came from another document keeps where it was written as its origin. */
function fromInput(input: TemplateInput, v: Value): Value {
  return v.origin ? v : ({ ...v, origin: { uri: input.uri, range: v.range } } as Value);
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
    for (const [k, v] of input.values) if (k.toLowerCase() === lower) return fromInput(input, v);
    return fallback();
  };
  if (inputs.length === 1) return valueOf(inputs[0]);
  const options = inputs.map((input) => ({ value: valueOf(input), when: `with ${input.label}` }));
  const first = valueKey(options[0].value);
  if (!first.includes('?') && options.every((o) => valueKey(o.value) === first)) return options[0].value;
  return { kind: 'choice', options, range: options[0].value.range };
}
