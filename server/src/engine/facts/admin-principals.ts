import type { AvdGraph } from '../graph';
import type { Resource, Value } from '../model';
import { get, knownString } from '../values';

/** Who a principal is, for rules that tolerate admin rights held by admin groups but not by end users. */

/**
 * Whether a principal is allow-listed: its object id (or name) is listed, or it is given by a parameter or variable
 * whose name is listed (`adminGroupObjectId`, `helpdesk_group_id`).
 */
export function allowListed(principal: Value | undefined, allow: readonly string[]): boolean {
  if (!principal || !allow.length) return false;
  const names = new Set(allow.map((a) => a.toLowerCase()));
  const text = knownString(principal);
  if (text !== undefined) return names.has(text.trim().toLowerCase());
  const key = principal.kind === 'unknown' ? (principal.key ?? '') : '';
  const tail = key.slice(Math.max(key.lastIndexOf(':'), key.lastIndexOf('.')) + 1);
  return /^[A-Za-z_][\w-]*$/.test(tail) && names.has(tail.toLowerCase());
}

/** A name that says it is an administrators' or support group (`CONTOSO\AVD-Admins`, `Helpdesk`, `avdadmin`). */
export function namesAdminGroup(name: string): boolean {
  return /admin|help[\s_-]?desk|service[\s_-]?desk/i.test(name);
}

/** Well-known principals that hold every user (`Everyone`, `Domain Users`, `Remote Desktop Users`), by name or SID. */
const EVERY_USER = new Set([
  'everyone',
  'authenticated users',
  'domain users',
  'users',
  'interactive',
  'remote desktop users',
  's-1-1-0',
  's-1-5-4',
  's-1-5-11',
  's-1-5-32-545',
  's-1-5-32-555',
]);

export function namesEveryUser(name: string): boolean {
  const last = name.trim().split(/[\\/]/).pop() ?? '';
  return EVERY_USER.has(last.trim().toLowerCase());
}

/** Entra groups as Terraform (azuread, not mapped) and Graph Bicep declare them. */
const GROUP_TYPES = new Set(['terraform:azuread_group', 'microsoft.graph/groups']);

/** The Entra group a principal id refers to, when the workspace declares it (Graph Bicep `group.id`, `azuread_group`). */
export function principalGroup(graph: AvdGraph, principal: Value | undefined): Resource | undefined {
  let v = principal;
  while (v?.kind === 'string' && v.parts.length === 1 && v.parts[0].kind === 'hole') v = v.parts[0].value;
  if (v?.kind !== 'ref' || !v.target) return undefined;
  const r = graph.byKey.get(v.target);
  return r && GROUP_TYPES.has(r.type.toLowerCase().split('@')[0]) ? r : undefined;
}

/** Whether the principal is a group the workspace declares under an admin group's name. */
export function isNamedAdminGroup(graph: AvdGraph, principal: Value | undefined): boolean {
  const g = principalGroup(graph, principal);
  if (!g) return false;
  const name = knownString(get(g.body, 'displayName') ?? get(g.body, 'display_name') ?? get(g.body, 'properties', 'displayName'));
  return name !== undefined && namesAdminGroup(name);
}
