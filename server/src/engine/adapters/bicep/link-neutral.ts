import { linksProperty } from '../../graph/links';
import type { Node, Program } from './syntax';
import { pathAt } from './visit';

/** Characters that can end a Bicep string, start an interpolation or escape: an edit holding one may change the tokens. */
const SPECIAL = /['\\${}\r\n]/;

/** Whether typed and removed text can only change the content of the string they are in. */
export function plainBicepEdit(typed: string, removed: string): boolean {
  return !SPECIAL.test(typed) && !SPECIAL.test(removed);
}

/**
 * Whether an edit that made `start..end` of the new text (a plain edit, see plainBicepEdit) leaves the file's links as
 * they were: it lies inside a plain string that is the value (not a key) of a property under a resource's
 * `properties`, one the AVD graph does not read (an RDP string, a description). Anything else (names, types, parents,
 * scopes, params, variables, modules, outputs, loop and condition expressions) may change links. Conservative.
 */
export function bicepLinkNeutralEdit(program: Program, start: number, end: number): boolean {
  const path = pathAt(program, start);
  const str = path[path.length - 1];
  if (str.kind !== 'string' || str.expressions.length || str.multiline || str.unterminated || !(str.start < start && end < str.end)) return false;
  let r = -1;
  for (let i = path.length - 1; i >= 0; i--) if (path[i].kind === 'resource') r = i;
  if (r < 0) return false;
  // The outermost resource: a nested child resource links through its parent, so edits inside one are not neutral.
  const resource = path[r];
  if (resource.kind !== 'resource' || path.slice(r + 1).some((n) => n.kind === 'resource')) return false;
  const type = resource.type.kind === 'string' ? resource.type.value : undefined;
  if (!type) return false;
  let i = r + 1;
  // A loop or condition around the body: the string must be in the body, not in the iterable or the condition.
  while (path[i]?.kind === 'for' || path[i]?.kind === 'if') {
    const wrapper = path[i] as Extract<Node, { kind: 'for' | 'if' }>;
    if (path[i + 1] !== wrapper.body) return false;
    i++;
  }
  if (path[i]?.kind !== 'object' || (i === r + 1 && path[i] !== resource.value)) return false;
  const properties = path[i + 1];
  if (properties?.kind !== 'property' || properties.keyText?.toLowerCase() !== 'properties' || path[i + 2] !== properties.value) return false;
  if (path[i + 2]?.kind !== 'object') return false;
  const property = path[i + 3];
  if (property?.kind !== 'property' || !property.keyText || linksProperty(type, property.keyText)) return false;
  // The string is a value all the way down, never a property name.
  for (let k = i + 3; k < path.length - 1; k++) {
    const n = path[k];
    if (n.kind === 'property' && n.key === path[k + 1]) return false;
  }
  return true;
}
