import type { StringValue, Value } from './model';
import { knownString, splitString } from './values';

/** What a resource id string says, segment by segment; unknown segments stay values. */
export interface ParsedId {
  subscription?: StringValue;
  resourceGroup?: StringValue;
  managementGroup?: StringValue;
  /** Provider type of the last resource in the id, e.g. `Microsoft.Compute/virtualMachines` (undefined for a bare scope). */
  type?: string;
  /** Names of the resource and its parents, outermost first. */
  names: StringValue[];
  kind: 'subscription' | 'resourceGroup' | 'managementGroup' | 'tenant' | 'resource';
}

function lower(v: StringValue): string | undefined {
  return knownString(v)?.toLowerCase();
}

/**
 * Reads an id such as `/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/z`, or the
 * relative form `Microsoft.Compute/virtualMachines/z` that compiled Bicep writes in `scope`. Undefined when the
 * known text does not look like an id.
 */
export function parseResourceId(v: Value): ParsedId | undefined {
  if (v.kind !== 'string') return undefined;
  const segs = splitString(v, '/');
  if (segs.length && segs[0].parts.length === 0) segs.shift();
  const out: ParsedId = { names: [], kind: 'tenant' };
  let i = 0;
  if (lower(segs[0] ?? ({} as StringValue)) === 'subscriptions' && segs[1]) {
    out.subscription = segs[1];
    out.kind = 'subscription';
    i = 2;
    if (lower(segs[2] ?? ({} as StringValue)) === 'resourcegroups' && segs[3]) {
      out.resourceGroup = segs[3];
      out.kind = 'resourceGroup';
      i = 4;
    }
  }
  if (lower(segs[i] ?? ({} as StringValue)) === 'providers') {
    i++;
  } else if (i > 0) {
    return i === segs.length ? out : undefined;
  }
  const rest = segs.slice(i);
  if (!rest.length) return out.kind === 'tenant' ? undefined : out;
  const namespace = knownString(rest[0]);
  if (!namespace || !namespace.includes('.')) return undefined;
  const types: string[] = [namespace];
  for (let j = 1; j < rest.length; j += 2) {
    const t = knownString(rest[j]);
    if (t === undefined) return undefined;
    types.push(t);
    if (rest[j + 1]) out.names.push(rest[j + 1]);
  }
  if (namespace.toLowerCase() === 'microsoft.management' && types[1]?.toLowerCase() === 'managementgroups' && types.length === 2) {
    out.managementGroup = out.names[0];
    out.kind = 'managementGroup';
    out.names = [];
    return out;
  }
  out.type = types.join('/');
  out.kind = 'resource';
  return out;
}
