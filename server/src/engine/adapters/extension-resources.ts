import type { ObjectValue, Value } from '../model';
import { concatStrings, splitString } from '../values';

/** `<parentType>/providers/Microsoft.Authorization/roleAssignments`: the legacy way to write an extension resource. */
const LEGACY = /^(.+)\/providers\/(roleAssignments|diagnosticSettings)$/i;

export function legacyExtension(type: string): { parentType: string; type: string } | undefined {
  const m = LEGACY.exec(type);
  if (!m) return undefined;
  return {
    parentType: m[1],
    type: m[2].toLowerCase() === 'roleassignments' ? 'Microsoft.Authorization/roleAssignments' : 'Microsoft.Insights/diagnosticSettings',
  };
}

/**
 * The legacy form named `<parent>/Microsoft.Authorization/<guid>` is an extension resource on the parent: give it the
 * `scope` the modern form writes (ARM templates and Bicep files both still use it).
 */
export function addLegacyScope(body: ObjectValue, parentType: string): void {
  const name = body.entries.find((e) => e.key.toLowerCase() === 'name')?.value;
  if (!name || name.kind !== 'string') return;
  const segments = splitString(name, '/');
  if (segments.length < 3) return;
  const parentNames = segments.slice(0, segments.length - 2);
  const typeParts = parentType.split('/');
  const pieces: Value[] = [{ kind: 'string', parts: [{ kind: 'text', text: `${typeParts.slice(0, 2).join('/')}/` }], range: name.range }];
  parentNames.forEach((seg, i) => {
    if (i > 0) pieces.push({ kind: 'string', parts: [{ kind: 'text', text: `/${typeParts[i + 1] ?? ''}/` }], range: name.range });
    pieces.push(seg);
  });
  body.entries.push({ key: 'scope', keyRange: name.range, value: concatStrings(pieces, name.range) });
}
