import type { AvdGraph } from '../graph';
import { unwrap } from '../graph/identity';
import { AVD_APP_ID } from '../knowledge/apps';
import type { Resource, Value } from '../model';
import { cases, get, knownString } from '../values';

/** How a role assignment's principal was seen to be the Azure Virtual Desktop service principal. */
export type AvdPrincipal =
  /** A reference to a service principal looked up by the AVD application id or display name (Terraform data, Graph Bicep). */
  | { how: 'declared'; declaration: Resource }
  /** The AVD application id itself, where an object id belongs (a Terraform `application_id` read as principal). */
  | { how: 'app-id' }
  /** Only the name of the parameter or variable that holds the object id says so (`avdObjectId`): a guess. */
  | { how: 'named'; name: string; text: string };

/** The display names Microsoft gives the AVD service principal (older tenants keep the first product name). */
const DISPLAY_NAMES = new Set(['azure virtual desktop', 'windows virtual desktop']);

/** The types a service principal is looked up or declared with: azuread (data or resource) and Microsoft Graph Bicep. */
const SERVICE_PRINCIPAL_TYPES = new Set(['terraform:azuread_service_principal', 'microsoft.graph/serviceprincipals']);

/**
 * A name that holds the AVD service principal's object id: the product (`avd`, `wvd`, `azureVirtualDesktop`), then
 * words of identity only (`servicePrincipal`, `sp`, `enterpriseApp`, `objectId`). Names with other words (the ARM
 * provider's `avdArmServicePrincipalObjectId`, `avdUsersGroupObjectId`) are other principals.
 */
const AVD_SP_NAME =
  /^(?:par|param|var|p)?(?:avd|wvd|azurevirtualdesktop|windowsvirtualdesktop)(?:(?:serviceprincipal|sp|spn|enterpriseapp(?:lication)?|app(?:lication)?)(?:objectid|oid|id|principalid)?|objectid)$/;

/**
 * The cases of a role assignment's principal that are the Azure Virtual Desktop service principal, with how that is
 * known (a module used several times passes a different principal from each call).
 */
export function avdServicePrincipalCases(graph: AvdGraph, principal: Value | undefined): { who: AvdPrincipal; value: Value; when: string }[] {
  if (!principal) return [];
  return cases(unwrap(principal) ?? principal).flatMap((c) => {
    const who = avdServicePrincipal(graph, c.value);
    return who ? [{ who, value: c.value, when: c.when }] : [];
  });
}

/** Whether a principal value is the Azure Virtual Desktop service principal, and how that is known. */
export function avdServicePrincipal(graph: AvdGraph, principal: Value | undefined): AvdPrincipal | undefined {
  const v = unwrap(principal);
  if (!v) return undefined;
  if (v.kind === 'ref') {
    const target = v.target ? graph.byKey.get(v.target) : undefined;
    return target && isAvdServicePrincipal(target) ? { how: 'declared', declaration: target } : undefined;
  }
  const text = knownString(v);
  if (text !== undefined) return text.trim().toLowerCase() === AVD_APP_ID ? { how: 'app-id' } : undefined;
  if (v.kind !== 'unknown') return undefined;
  const name = inputName(v.text) ?? inputName(v.key);
  return name && AVD_SP_NAME.test(name.toLowerCase().replace(/[^a-z0-9]/g, '')) ? { how: 'named', name, text: v.text ?? name } : undefined;
}

/** A service principal resource that is AVD's: looked up by its application id or its display name. */
function isAvdServicePrincipal(r: Resource): boolean {
  if (!SERVICE_PRINCIPAL_TYPES.has(r.type.toLowerCase())) return false;
  for (const key of ['appId', 'client_id', 'application_id']) {
    if (knownString(get(r.body, key))?.trim().toLowerCase() === AVD_APP_ID) return true;
  }
  const displayName = knownString(get(r.body, 'display_name')) ?? knownString(get(r.body, 'displayName'));
  return displayName !== undefined && DISPLAY_NAMES.has(displayName.trim().toLowerCase());
}

/** The parameter or variable name an unknown value stands for (`parameter avdObjectId`, `var.avd_sp_id`), if a plain one. */
function inputName(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = /^(?:(?:parameter|variable)\s+|(?:param|var):.*:|(?:var|local)\.)([A-Za-z_][\w-]*)$/.exec(text.trim());
  return m?.[1];
}
