import type { Value } from '../model';
import { valueKey } from '../resolve/functions';
import { knownString } from '../values';

/** A string made of a single interpolation is that interpolation's value. */
export function unwrap(v: Value | undefined): Value | undefined {
  if (v && v.kind === 'string' && v.parts.length === 1 && v.parts[0].kind === 'hole') return unwrap(v.parts[0].value);
  return v;
}

/**
 * A key that two values share exactly when they can be seen to be the same: equal known text (case-insensitive, as
 * Azure names are), the same unknown expression, the same reference. Undefined when the value cannot be compared.
 */
const identityKeys = new WeakMap<Value, string | undefined>();

export function identityKey(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (identityKeys.has(v)) return identityKeys.get(v);
  const k = computeIdentityKey(v);
  identityKeys.set(v, k);
  return k;
}

function computeIdentityKey(v: Value | undefined): string | undefined {
  v = unwrap(v);
  if (!v) return undefined;
  const s = knownString(v);
  if (s !== undefined) return 's:' + s.toLowerCase();
  switch (v.kind) {
    case 'unknown':
      return v.key ? 'u:' + v.key : undefined;
    case 'ref': {
      if (v.target) return `r:${v.target}|${v.path.join('.')}`;
      // A reference by id (`reference(resourceId(...)).outputs.x.value`): the same id and path read the same value.
      const id = v.targetId ? valueKey(v.targetId).toLowerCase() : '?';
      return id.includes('?') ? undefined : `r:id(${id})|${v.path.join('.').toLowerCase()}`;
    }
    case 'choice':
      return undefined;
    default: {
      const k = valueKey(v).toLowerCase();
      return k.includes('?') ? undefined : 'k:' + k;
    }
  }
}

/** Groups items by the identity key of a value each has; items whose value has no key are left out. */
export function indexBy<T>(items: readonly T[], value: (t: T) => Value | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = identityKey(value(item));
    if (k === undefined) continue;
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(item);
  }
  return map;
}
