import type { AvdGraph } from '../graph';
import { typeIs } from '../graph';
import type { Resource, Value } from '../model';
import { get, knownString } from '../values';

/**
 * The Entra directory role whose members are added to the local Administrators group of every Microsoft Entra joined
 * device of the tenant (formerly "Azure AD Joined Device Local Administrator").
 */
export const DEVICE_LOCAL_ADMIN = {
  templateId: '9f06204d-73c1-4d4c-880a-6edb90606fd8',
  name: 'Microsoft Entra Joined Device Local Administrator',
  names: ['microsoft entra joined device local administrator', 'azure ad joined device local administrator'],
} as const;

const ASSIGNMENT = 'microsoft.graph/rolemanagement/directory/roleassignments';
const MEMBER = 'microsoft.graph/directoryroles/members';
const ROLE = 'microsoft.graph/directoryroles';

export interface DirectoryRoleGrant {
  resource: Resource;
  /** The value that names the role (where a finding points). */
  role: Value;
  principal?: Value;
}

function isDeviceAdminRole(graph: AvdGraph, v: Value | undefined): boolean {
  while (v?.kind === 'string' && v.parts.length === 1 && v.parts[0].kind === 'hole') v = v.parts[0].value;
  if (!v) return false;
  const text = knownString(v)?.trim().toLowerCase();
  if (text !== undefined) return text.endsWith(DEVICE_LOCAL_ADMIN.templateId) || (DEVICE_LOCAL_ADMIN.names as readonly string[]).includes(text);
  if (v.kind !== 'ref' || !v.target) return false;
  // `azuread_directory_role.x.template_id` / `.object_id` of a role activated by its display name.
  const role = graph.byKey.get(v.target);
  if (!role || !typeIs(role, ROLE)) return false;
  const template = knownString(get(role.body, 'roleTemplateId'))?.trim().toLowerCase();
  const name = knownString(get(role.body, 'displayName'))?.trim().toLowerCase();
  return template === DEVICE_LOCAL_ADMIN.templateId || (name !== undefined && (DEVICE_LOCAL_ADMIN.names as readonly string[]).includes(name));
}

/** Assignments of the device local administrator role declared in the workspace (azuread role assignments and members). */
export function deviceLocalAdminGrants(graph: AvdGraph): DirectoryRoleGrant[] {
  const out: DirectoryRoleGrant[] = [];
  for (const r of graph.byKey.values()) {
    if (r.source.existing) continue;
    const path = typeIs(r, ASSIGNMENT) ? 'roleDefinitionId' : typeIs(r, MEMBER) ? 'roleObjectId' : undefined;
    const role = path && get(r.body, path);
    if (role && isDeviceAdminRole(graph, role)) out.push({ resource: r, role, principal: get(r.body, 'principalId') });
  }
  return out;
}
