import type { TemplateInput, Value } from '../model';
import { valueKey } from '../resolve/functions';

/** A value that came from another document keeps where it was written as its origin. */
export function fromInput(input: TemplateInput, v: Value): Value {
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

/** A path relative to a document, resolved like a file system path; undefined for registry references (`br:`, `ts:`). */
export function resolveRelative(fromUri: string, relative: string): string | undefined {
  if (/^(br|ts)[:/]/i.test(relative) || /^[a-z][a-z0-9+.-]*:/i.test(relative)) return undefined;
  const base = fromUri.slice(0, fromUri.lastIndexOf('/'));
  const prefixMatch = /^([a-z]+:\/\/[^/]*)?(.*)$/i.exec(base)!;
  const prefix = prefixMatch[1] ?? '';
  const segments = (relative.startsWith('/') ? relative : `${prefixMatch[2]}/${relative}`).split('/');
  const out: string[] = [];
  for (const seg of segments) {
    if (seg === '..') {
      if (out.length > 1) out.pop();
    } else if (seg !== '.' && (seg !== '' || out.length === 0)) out.push(seg);
  }
  return prefix + out.join('/');
}

export function baseName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}

/** The folder of a URI or forward-slash path, without the trailing slash. */
export function dirOf(uri: string): string {
  const slash = uri.lastIndexOf('/');
  return slash < 0 ? '' : uri.slice(0, slash);
}

/** terraform.tfvars and *.auto.tfvars: the variables files Terraform always loads (others are chosen with -var-file). */
export function isAutoTfvars(uri: string): boolean {
  const b = baseName(uri).toLowerCase();
  return b === 'terraform.tfvars' || b.endsWith('.auto.tfvars');
}
