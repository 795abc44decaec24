import { dirOf } from '../resolve/paths';
import type { Location, Resource, Value } from '../model';
import { ownString } from '../strings';
import { choice, splitString } from '../values';
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
export function parentNameOf(r: Resource): Value | undefined {
  return parentOfName(resourceName(r));
}

/** The parent's segment of a `parent/child` name; of each case of a name several callers pass, one case each. */
function parentOfName(name: Value | undefined): Value | undefined {
  if (name?.kind === 'choice') {
    const options = name.options.flatMap((o) => {
      const p = parentOfName(o.value);
      return p ? [{ ...o, value: p }] : [];
    });
    return options.length ? choice(options, name.range) : undefined;
  }
  if (name?.kind !== 'string') return undefined;
  const segs = splitString(name, '/');
  return segs.length >= 2 ? segs[segs.length - 2] : undefined;
}

export function location(r: Resource): Location {
  return { uri: r.source.uri, range: r.source.headRange };
}

/** Declared by the same template: the same Bicep or ARM file and nested template, the same Terraform module directory. */
export function sameTemplate(a: Resource, b: Resource): boolean {
  if (a.source.language === 'terraform') return b.source.language === 'terraform' && dirOf(a.source.uri) === dirOf(b.source.uri);
  return a.source.uri === b.source.uri && a.source.scopePath === b.source.scopePath;
}

/** The resource type in lower case, without the API version Bicep and extension types keep (`Microsoft.Graph/groups@v1.0`). */
export function typeOf(r: Resource): string {
  let t = typeOfResource.get(r);
  if (t === undefined) {
    t = lowerTypes.get(r.type);
    if (t === undefined) {
      t = ownString(r.type.toLowerCase().split('@')[0]);
      // Types are few (the resource types a workspace declares); a file of made-up ones must not grow the cache forever.
      if (lowerTypes.size > 10_000) lowerTypes.clear();
      lowerTypes.set(ownString(r.type), t);
    }
    typeOfResource.set(r, t);
  }
  return t;
}

/**
 * typeOf's answers: it is asked for every resource by every rule and graph reader. By resource first: a template's
 * type strings are each their own copy of the text, and finding one among the types compares it character by
 * character, where a resource is found by identity.
 */
const typeOfResource = new WeakMap<Resource, string>();
const lowerTypes = new Map<string, string>();
