import type { Location, Resource, StringValue, Value } from '../model';
import { splitString } from '../values';
import { linkValue } from './links';

export function typeIs(r: Resource, type: string): boolean {
  return r.type.toLowerCase() === type;
}

export function resourceName(r: Resource): Value | undefined {
  return linkValue(r, 'any', 'name');
}

/** The resource group a resource is deployed to. */
export function resourceGroupOf(r: Resource): Value | undefined {
  return linkValue(r, 'any', 'resourceGroup') ?? r.source.resourceGroup;
}

/** The second to last segment of a child resource's name (`vm/ext`): the parent's name, when written that way. */
export function parentNameOf(r: Resource): StringValue | undefined {
  const name = resourceName(r);
  if (!name || name.kind !== 'string') return undefined;
  const segs = splitString(name, '/');
  return segs.length >= 2 ? segs[segs.length - 2] : undefined;
}

export function location(r: Resource): Location {
  return { uri: r.source.uri, range: r.source.headRange };
}
