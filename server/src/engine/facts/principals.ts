import { typeOf } from '../graph/resources';
import type { AppGroupNode, AvdGraph, RoleAssignmentNode, RoleCase } from '../graph';
import { DESKTOP_VIRTUALIZATION_USER } from '../knowledge/roles';
import type { Document, RelatedInfo, Resource, Value } from '../model';
import { arrayItems, get, isAbsent, knownString } from '../values';
import { clip } from '../message';
import { displayName, relatedResource } from './host-pools';

/**
 * What the code shows of a role assignment's principal: a guest (external identity), a cloud-only identity, a group of
 * everyone. Principals are read where the configuration declares them: Terraform azuread users, invitations and groups
 * (resources and data sources, attributes under their HCL names), and the Microsoft Graph Bicep extension's
 * `Microsoft.Graph/users` and `groups` (their body at the top in Bicep, under `properties` in the compiled ARM JSON).
 * A principal given as a parameter or variable is an object id that says nothing: every answer is then undefined.
 */

const USER = new Set(['terraform:azuread_user', 'microsoft.graph/users']);
const INVITATION = 'terraform:azuread_invitation';
const GROUP = new Set(['terraform:azuread_group', 'microsoft.graph/groups']);
const GROUP_MEMBER = 'terraform:azuread_group_member';
/** A managed domain of Microsoft Entra Domain Services: it holds cloud-only users too. */
const ENTRA_DOMAIN_SERVICES = new Set([
  'microsoft.aad/domainservices',
  'terraform:azurerm_active_directory_domain_service',
  'terraform:azurerm_active_directory_domain_service_replica_set',
]);

/** What a finding says of a principal, and where the code shows it. */
export interface PrincipalEvidence {
  /** A noun phrase for messages: "guest user 'ann'", "group 'partners' with guest 'ann'". */
  label: string;
  related: RelatedInfo[];
}

/** A property of a principal: under its Terraform or Graph name, at the top (Terraform, Bicep) or under `properties` (ARM). */
function prop(r: Resource, ...names: string[]): Value | undefined {
  for (const n of names) {
    const v = get(r.body, n) ?? get(r.body, 'properties', n);
    if (v) return v;
  }
  return undefined;
}

/** A string made of one interpolation is that interpolation's value (`"${azuread_group.g.object_id}"`). */
function unwrap(v: Value | undefined): Value | undefined {
  while (v?.kind === 'string' && v.parts.length === 1 && v.parts[0].kind === 'hole') v = v.parts[0].value;
  return v;
}

/** The principal resource a value references (`azuread_group.g.object_id`, `group.id`), when the workspace declares it. */
export function principalResource(graph: AvdGraph, v: Value | undefined): Resource | undefined {
  const u = unwrap(v);
  if (u?.kind !== 'ref' || !u.target) return undefined;
  const r = graph.byKey.get(u.target);
  if (!r) return undefined;
  const t = typeOf(r);
  return USER.has(t) || GROUP.has(t) || t === INVITATION ? r : undefined;
}

interface WorkspaceFacts {
  /** Members added by `azuread_group_member`, by the key of their group. */
  members: Map<string, Value[]>;
  /** Some `azuread_group_member` adds to a group that cannot be followed: any group may have members we do not see. */
  unknownMembers: boolean;
  entraDomainServices?: Resource;
}

const workspaceFacts = new WeakMap<readonly Document[], WorkspaceFacts>();

/** Once per version of the workspace's documents (an edit that keeps the graph's links still gives new documents). */
function factsOf(graph: AvdGraph): WorkspaceFacts {
  let f = workspaceFacts.get(graph.documents);
  if (f) return f;
  f = { members: new Map(), unknownMembers: false };
  for (const d of graph.documents) {
    for (const r of d.resources) {
      const t = typeOf(r);
      if (ENTRA_DOMAIN_SERVICES.has(t)) f.entraDomainServices ??= r;
      if (t !== GROUP_MEMBER) continue;
      const group = unwrap(get(r.body, 'group_object_id'));
      const member = get(r.body, 'member_object_id');
      if (group?.kind !== 'ref' || !group.target || !member) {
        f.unknownMembers = true;
        continue;
      }
      let list = f.members.get(group.target);
      if (!list) f.members.set(group.target, (list = []));
      list.push(member);
    }
  }
  workspaceFacts.set(graph.documents, f);
  return f;
}

/** A Microsoft Entra Domain Services managed domain the workspace declares or reads, if any. */
export function entraDomainServices(graph: AvdGraph): Resource | undefined {
  return factsOf(graph).entraDomainServices;
}

function isGroup(r: Resource): boolean {
  return GROUP.has(typeOf(r));
}

function isUser(r: Resource): boolean {
  return USER.has(typeOf(r));
}

/** The dynamic membership rule of a group, when it has one (Terraform `dynamic_membership.rule`, Graph `membershipRule`). */
export function membershipRule(g: Resource): Value | undefined {
  return get(g.body, 'dynamic_membership', 'rule') ?? prop(g, 'membershipRule');
}

function isDynamic(g: Resource): boolean {
  if (membershipRule(g) || get(g.body, 'dynamic_membership')) return true;
  const types = arrayItems(prop(g, 'types', 'groupTypes'));
  return !!types?.some((t) => knownString(t)?.toLowerCase() === 'dynamicmembership');
}

/**
 * The members a group's declaration lists (Terraform `members`, Graph `members` as ids or `{ relationships: [...] }`)
 * and those `azuread_group_member` adds. `complete` when no other member can be hidden: the lists are known and closed.
 */
function membersOf(graph: AvdGraph, g: Resource): { members: Value[]; complete: boolean } {
  const facts = factsOf(graph);
  const added = facts.members.get(g.key) ?? [];
  let declared = prop(g, 'members');
  if (declared?.kind === 'object') declared = get(declared, 'relationships');
  const items = arrayItems(declared);
  const complete = !facts.unknownMembers && (items ? declared?.kind === 'array' && !declared.open : !declared && isAbsent(g.body, 'members'));
  return { members: [...(items ?? []), ...added], complete };
}

// Membership rules: https://learn.microsoft.com/entra/identity/users/groups-dynamic-membership
const GUEST_CLAUSES = [
  /user\.usertype\s+-eq\s+"guest"/,
  /user\.usertype\s+-in\s+\[[^\]]*"guest"/,
  /user\.userprincipalname\s+-(?:contains|match)\s+"[^"]*#ext#/,
];

/** Whether a membership rule selects guests: a clause on the user type or the `#EXT#` of guests' names, never negated. */
export function ruleSelectsGuests(rule: string): boolean {
  const r = rule.toLowerCase();
  if (/-not\b|-ne\s+"guest"|-notin\b|-notcontains\b|-notmatch\b/.test(r)) return false;
  return GUEST_CLAUSES.some((c) => c.test(r));
}

/** Clauses that every user of a tenant meets (their account exists, or is enabled). */
const EVERY_USER = [
  /^user\.(objectid|userprincipalname|displayname|mailnickname)\s+-ne\s+(null|"")$/,
  /^user\.accountenabled\s+-eq\s+true$/,
  /^user\.objectid\s+-match\s+"\.\*"$/,
];
/** Clauses that keep only the tenant's own members (no guests). */
const MEMBERS_ONLY = [/^user\.usertype\s+-eq\s+"member"$/, /^user\.usertype\s+-ne\s+"guest"$/];

/**
 * Whether a membership rule selects everyone: 'all' when every clause is one every user meets, 'members' when the
 * only other clause keeps the tenant's members (guests out). Undefined for any other rule, or one with `-or` or `-not`
 * (not judged: a rule we do not fully read is not everyone).
 */
export function ruleSelectsEveryone(rule: string): 'all' | 'members' | undefined {
  const r = rule.toLowerCase().replace(/[()]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!r || /(^|\s)-?(or|not)(\s|$)/.test(r) || /-not\w*/.test(r)) return undefined;
  const clauses = r.split(/\s-?and\s/).map((c) => c.trim());
  let members = false;
  for (const c of clauses) {
    if (EVERY_USER.some((p) => p.test(c))) continue;
    if (MEMBERS_ONLY.some((p) => p.test(c))) {
      members = true;
      continue;
    }
    return undefined;
  }
  return members ? 'members' : 'all';
}

/** Names of groups that hold a whole tenant or domain (compared without case, spaces or punctuation). */
const EVERYONE_NAMES = new Set(['allusers', 'everyone', 'allcompany', 'allemployees', 'allstaff', 'allmembers', 'domainusers', 'authenticatedusers']);

function everyoneName(v: Value | undefined): string | undefined {
  const s = knownString(v);
  return s !== undefined && EVERYONE_NAMES.has(s.toLowerCase().replace(/[^a-z]/g, '')) ? s : undefined;
}

/**
 * A principal's name for messages, the same in every language: a group's display name, a user's account name (the
 * part of the user principal name before `@`), an invited guest's display name or address; else its symbolic name.
 */
export function principalName(r: Resource): string {
  const t = typeOf(r);
  const upn = knownString(prop(r, 'user_principal_name', 'userPrincipalName'));
  const name =
    (upn?.includes('@') ? upn.slice(0, upn.lastIndexOf('@')) : upn) ??
    knownString(prop(r, 'display_name', 'displayName', 'user_display_name')) ??
    (t === INVITATION ? knownString(prop(r, 'user_email_address')) : undefined) ??
    knownString(prop(r, 'uniqueName'));
  if (name) return `'${clip(name, 40)}'`;
  // A Terraform address (`azuread_group.partners`, `data.azuread_user.ann`) or a Bicep symbol: its last segment.
  const symbol = r.source.symbol?.split(/[./]/).pop();
  return symbol ? `'${clip(symbol, 40)}'` : displayName(r);
}

function hasEXT(upn: string | undefined): boolean {
  return !!upn && upn.toUpperCase().includes('#EXT#');
}

/** Why a user principal is a guest of the tenant (an invited external identity), or undefined when not seen to be. */
function userGuest(u: Resource): PrincipalEvidence | undefined {
  const t = typeOf(u);
  if (t === INVITATION) {
    return { label: `invited guest ${principalName(u)}`, related: [relatedResource(u, `Guest ${principalName(u)} is invited from another organisation`)] };
  }
  if (!USER.has(t)) return undefined;
  const upn = prop(u, 'user_principal_name', 'userPrincipalName');
  if (hasEXT(knownString(upn))) {
    return {
      label: `guest user ${principalName(u)}`,
      related: [{ uri: u.source.uri, range: upn!.range, message: 'A user principal name with #EXT# is that of a guest from another organisation' }],
    };
  }
  const type = prop(u, 'user_type', 'userType');
  const creation = prop(u, 'creation_type', 'creationType');
  if (knownString(type)?.toLowerCase() === 'guest' || knownString(creation)?.toLowerCase() === 'invitation') {
    const v = knownString(type)?.toLowerCase() === 'guest' ? type! : creation!;
    return {
      label: `guest user ${principalName(u)}`,
      related: [{ uri: u.source.uri, range: v.range, message: 'The user is a guest from another organisation' }],
    };
  }
  return undefined;
}

/**
 * Whether a principal is, or a group holds, guests or other external identities: an `azuread_invitation`, a user whose
 * name has `#EXT#` or whose type is Guest, a group with such a member (directly or through a nested group) or whose
 * membership rule selects guests.
 */
export function externalIdentity(graph: AvdGraph, principal: Value | undefined): PrincipalEvidence | undefined {
  const r = principalResource(graph, principal);
  return r ? externalOf(graph, r, new Set()) : undefined;
}

function externalOf(graph: AvdGraph, r: Resource, seen: Set<Resource>): PrincipalEvidence | undefined {
  if (seen.has(r) || seen.size > 8) return undefined;
  seen.add(r);
  if (!isGroup(r)) return userGuest(r);
  const rule = membershipRule(r);
  const text = knownString(rule);
  if (text !== undefined && ruleSelectsGuests(text)) {
    return {
      label: `dynamic group ${principalName(r)} of guest users`,
      related: [{ uri: r.source.uri, range: rule!.range, message: `The membership rule of group ${principalName(r)} selects guests from other organisations` }],
    };
  }
  for (const m of membersOf(graph, r).members) {
    const member = principalResource(graph, m);
    const inner = member && externalOf(graph, member, seen);
    if (!inner) continue;
    const guest = isGroup(member) ? `guests through group ${principalName(member)}` : `guest ${principalName(member)}`;
    return {
      label: `group ${principalName(r)} with ${guest}`,
      related: [{ uri: r.source.uri, range: m.range, message: `Group ${principalName(r)} has ${inner.label} as a member` }, ...inner.related],
    };
  }
  return undefined;
}

/**
 * Whether a principal is seen to exist only in Microsoft Entra ID, with no Active Directory account: a user the
 * configuration creates (Terraform `azuread_user` without `onpremises_immutable_id`), one whose data says it was never
 * synced, or a group the configuration creates whose every member is such a user or group. Guests are left to the
 * cross-organisation rule.
 */
export function cloudOnlyIdentity(graph: AvdGraph, principal: Value | undefined): PrincipalEvidence | undefined {
  const r = principalResource(graph, principal);
  return r ? cloudOnlyOf(graph, r, new Set()) : undefined;
}

function cloudOnlyOf(graph: AvdGraph, r: Resource, seen: Set<Resource>): PrincipalEvidence | undefined {
  if (seen.has(r) || seen.size > 8) return undefined;
  seen.add(r);
  if (isUser(r)) {
    if (userGuest(r)) return undefined;
    const synced = prop(r, 'onpremises_sync_enabled', 'onPremisesSyncEnabled');
    if (synced?.kind === 'null') {
      return {
        label: `cloud-only user ${principalName(r)}`,
        related: [{ uri: r.source.uri, range: synced.range, message: 'The user was never synced from Active Directory' }],
      };
    }
    if (r.source.existing || typeOf(r) !== 'terraform:azuread_user' || synced) return undefined;
    // An immutable id ties the new account to one in Active Directory (a federated domain).
    if (!isAbsent(r.body, 'onpremises_immutable_id') && get(r.body, 'onpremises_immutable_id')?.kind !== 'null') return undefined;
    return {
      label: `cloud-only user ${principalName(r)}`,
      related: [relatedResource(r, `User ${principalName(r)} is created in Microsoft Entra ID and has no Active Directory account`)],
    };
  }
  if (!isGroup(r) || r.source.existing || isDynamic(r)) return undefined;
  const { members, complete } = membersOf(graph, r);
  if (!complete || !members.length) return undefined;
  const evidence: PrincipalEvidence[] = [];
  for (const m of members) {
    const member = principalResource(graph, m);
    const e = member && cloudOnlyOf(graph, member, seen);
    if (!e) return undefined;
    evidence.push(e);
  }
  return {
    label: `group ${principalName(r)} of cloud-only users`,
    related: [
      relatedResource(r, `Every member of group ${principalName(r)} is a cloud-only identity`),
      ...evidence.slice(0, 3).flatMap((e) => e.related.slice(0, 1)),
    ],
  };
}

/** A group that holds everyone, and how sure that is. */
export interface EveryoneEvidence extends PrincipalEvidence {
  /** 'all': every user, guests included; 'members': every member of the tenant; 'named': a group named for everyone. */
  kind: 'all' | 'members' | 'named';
  group: Resource;
  /** The membership rule (for a fix that keeps guests out). */
  rule?: Value;
}

/**
 * Whether a principal is a group of everyone: a dynamic group whose rule every user meets (with or without guests),
 * or a group the configuration only reads whose name is that of a whole tenant or domain ('All Users', 'All Company',
 * 'Domain Users').
 */
export function everyoneGroup(graph: AvdGraph, principal: Value | undefined): EveryoneEvidence | undefined {
  const g = principalResource(graph, principal);
  if (!g || !isGroup(g)) return undefined;
  const rule = membershipRule(g);
  const text = knownString(rule);
  if (text !== undefined) {
    const kind = ruleSelectsEveryone(text);
    if (!kind) return undefined;
    const who = kind === 'all' ? 'every user of the tenant, guests included' : 'every member of the tenant';
    return {
      kind,
      group: g,
      rule,
      label: `dynamic group ${principalName(g)}`,
      related: [{ uri: g.source.uri, range: rule!.range, message: `The membership rule of group ${principalName(g)} selects ${who}` }],
    };
  }
  if (rule || !g.source.existing) return undefined;
  for (const v of [prop(g, 'display_name', 'displayName'), prop(g, 'uniqueName')]) {
    const name = everyoneName(v);
    if (name !== undefined) {
      return {
        kind: 'named',
        group: g,
        label: `group '${name}'`,
        related: [{ uri: g.source.uri, range: v!.range, message: `Group '${name}' is named for everyone in the tenant or domain` }],
      };
    }
  }
  return undefined;
}

/** A Desktop Virtualization User grant on an application group: who can use the group's host pool. */
export interface AppGroupGrant {
  appGroup: AppGroupNode;
  /** The role case that grants Desktop Virtualization User (its `when` when the role is one of several). */
  role: RoleCase;
}

export function appGroupGrant(graph: AvdGraph, ra: RoleAssignmentNode): AppGroupGrant | undefined {
  const role = ra.roles.find((r) => r.role === DESKTOP_VIRTUALIZATION_USER);
  const target = ra.scope.kind === 'other' ? ra.scope.target : undefined;
  if (!role || !target) return undefined;
  const appGroup = graph.appGroups.find((g) => g.resource === target);
  return appGroup && { appGroup, role };
}
