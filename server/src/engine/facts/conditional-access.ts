import { typeOf } from '../graph/resources';
import { AVD_APP_ID, REMOTE_DESKTOP_APP_ID, WINDOWS_CLOUD_LOGIN_APP_ID } from '../knowledge/apps';
import type { AvdGraph } from '../graph';
import type { Document, Resource, Value } from '../model';
import { clip } from '../message';
import { arrayItems, get, isAbsent, knownString } from '../values';
import { displayName } from './host-pools';

/** Whether a Conditional Access policy (Microsoft Graph shape) enforces MFA for Azure Virtual Desktop. */
export type Coverage = { covers: 'yes' } | { covers: 'unknown' } | { covers: 'no'; reason: string };

/** A value that is written (Graph exports write `null` for every condition they do not set). */
export function present(v: Value | undefined): Value | undefined {
  return v && v.kind !== 'null' ? v : undefined;
}

/** Known lower-case strings of an array; undefined when the array or any item is unknown. */
export function knownStrings(v: Value | undefined): string[] | undefined {
  const items = arrayItems(v);
  if (!items || (v?.kind === 'array' && v.open)) return undefined;
  const out: string[] = [];
  for (const i of items) {
    const s = knownString(i);
    if (s === undefined) return undefined;
    out.push(s.trim().toLowerCase());
  }
  return out;
}

/** The item of an array whose known text is `text` (lower case), for findings on one entry of a list. */
export function itemOf(list: Value | undefined, text: string): Value | undefined {
  return arrayItems(list)?.find((i) => knownString(i)?.trim().toLowerCase() === text);
}

/** A policy's display name for messages (quoted, cut), else the resource's own name. */
export function policyName(p: Resource): string {
  const n = knownString(get(p.body, 'displayName'));
  return n !== undefined ? `'${clip(n, 48)}'` : displayName(p);
}

/** Controls that, when offered as an alternative to MFA (operator OR), let a user skip MFA. */
const WEAKER_ALTERNATIVES = new Set(['approvedapplication', 'compliantapplication', 'passwordchange']);

/** The applications a coverage question is about: covered when the policy targets one of them (or All) unexcluded. */
export interface AppTarget {
  ids: readonly string[];
  /** The reasons, as the hover and the MFA rule word them. */
  missing: string;
  excluded: string;
}

export const AVD_TARGET: AppTarget = {
  ids: [AVD_APP_ID],
  missing: 'it does not target the Azure Virtual Desktop app (9cdead84-…) or All apps',
  excluded: 'it excludes the Azure Virtual Desktop app',
};

/** The apps that sign users in to session hosts with single sign-on: either one is enough. */
export const SSO_TARGET: AppTarget = {
  ids: [WINDOWS_CLOUD_LOGIN_APP_ID, REMOTE_DESKTOP_APP_ID],
  missing: 'it targets neither Windows Cloud Login nor Microsoft Remote Desktop, nor All apps',
  excluded: 'it excludes Windows Cloud Login and Microsoft Remote Desktop',
};

/** Which of the six conditions a gap breaks (see assessPolicy). */
export type GapKind = 'state' | 'target' | 'excluded' | 'users' | 'clients' | 'grant' | 'weaker' | 'platforms';

export interface Gap {
  kind: GapKind;
  /** Why the policy does not cover the target, as a clause ("it is report-only"). */
  reason: string;
  /** The value at fault; undefined when what is missing is not written (the policy's declaration is at fault). */
  at?: Value;
  /** The known lower-case strings the gap is about: the state, the included apps, client app types, controls, platforms. */
  detail: string[];
}

export interface Assessment {
  /** Every condition the policy certainly breaks, in the order of the catalog's six conditions. */
  gaps: Gap[];
  /** Some condition could not be read (a value from a variable without default). */
  unknown: boolean;
}

const assessments = new WeakMap<Resource, Map<AppTarget, Assessment>>();

/**
 * The catalog's six conditions for a policy that covers AVD (or another target): enabled; targets the app or All (and
 * does not exclude it); includes users; covers browser and desktop/mobile clients; requires MFA or an authentication
 * strength without a weaker alternative; not narrowed to a few platforms. A value we cannot read makes that condition
 * unknown; the others are still judged, so a rule can say everything that is certainly wrong.
 */
export function assessPolicy(policy: Resource, target: AppTarget = AVD_TARGET): Assessment {
  let byTarget = assessments.get(policy);
  if (!byTarget) assessments.set(policy, (byTarget = new Map()));
  let a = byTarget.get(target);
  if (!a) byTarget.set(target, (a = assess(policy, target)));
  return a;
}

function assess(policy: Resource, target: AppTarget): Assessment {
  const b = policy.body;
  const gaps: Gap[] = [];
  let unknown = false;

  const stateValue = get(b, 'state');
  const state = knownString(stateValue);
  if (state === undefined) unknown = true;
  else if (state.toLowerCase() !== 'enabled') {
    const reason = state.toLowerCase() === 'enabledforreportingbutnotenforced' ? 'it is report-only' : `its state is '${state}'`;
    gaps.push({ kind: 'state', reason, at: stateValue, detail: [state.toLowerCase()] });
  }

  const apps = get(b, 'conditions', 'applications');
  const includeValue = get(apps, 'includeApplications');
  const excludeValue = present(get(apps, 'excludeApplications'));
  const include = knownStrings(includeValue);
  const exclude = excludeValue ? knownStrings(excludeValue) : [];
  if (include === undefined || exclude === undefined) unknown = true;
  else {
    const all = include.includes('all');
    const targeted = target.ids.filter((id) => all || include.includes(id));
    if (!targeted.length) gaps.push({ kind: 'target', reason: target.missing, at: includeValue, detail: include });
    else if (targeted.every((id) => exclude.includes(id))) {
      gaps.push({ kind: 'excluded', reason: target.excluded, at: itemOf(excludeValue, targeted[0]) ?? excludeValue, detail: exclude });
    }
  }

  const usersValue = get(b, 'conditions', 'users');
  const users = present(usersValue);
  if (users) {
    const keys = ['includeUsers', 'includeGroups', 'includeRoles', 'includeGuestsOrExternalUsers'];
    let included: string[] | undefined = [];
    for (const k of keys) {
      const l = present(get(users, k));
      // Guests and external users are an object of user types, not a list: set, it includes someone.
      if (k === 'includeGuestsOrExternalUsers' && l?.kind === 'object') included?.push('guests');
      else {
        // A list of references (`[azuread_group.avd_users.object_id]`) includes someone, whoever it is.
        const items = l ? arrayItems(l) : [];
        const known = items && !(l?.kind === 'array' && l.open) ? items.map((i) => knownString(i)?.trim().toLowerCase() ?? 'someone') : undefined;
        included = known && included ? [...included, ...known] : undefined;
      }
    }
    if (included === undefined) unknown = true;
    else if (!included.length || (included.length === 1 && included[0] === 'none')) {
      gaps.push({ kind: 'users', reason: 'it includes no users', at: present(get(users, 'includeUsers')) ?? users, detail: included });
    }
  } else if (isAbsent(b, 'conditions', 'users') || usersValue?.kind === 'null') {
    gaps.push({ kind: 'users', reason: 'it includes no users', detail: [] });
  } else {
    unknown = true;
  }

  const clients = present(get(b, 'conditions', 'clientAppTypes'));
  if (clients) {
    const types = knownStrings(clients);
    if (types === undefined) unknown = true;
    else if (!types.includes('all') && !(types.includes('browser') && types.includes('mobileappsanddesktopclients'))) {
      gaps.push({
        kind: 'clients',
        reason: 'it does not cover both the web client (browser) and the desktop and mobile clients',
        at: clients,
        detail: types,
      });
    }
  }

  const grant = present(get(b, 'grantControls'));
  const controlsValue = present(get(grant, 'builtInControls'));
  const controls = controlsValue ? knownStrings(controlsValue) : [];
  const strength = present(get(grant, 'authenticationStrength', 'id')) ?? present(get(grant, 'authenticationStrength'));
  if (controls === undefined) unknown = true;
  else if (!controls.includes('mfa') && !strength) {
    gaps.push({ kind: 'grant', reason: 'it requires neither MFA nor an authentication strength', at: controlsValue ?? grant, detail: controls });
  } else if (controls.includes('mfa') && !strength) {
    const operatorValue = present(get(grant, 'operator'));
    const operator = knownString(operatorValue)?.toUpperCase();
    if (operator === undefined && operatorValue) unknown = true;
    const weaker = controls.filter((c) => WEAKER_ALTERNATIVES.has(c));
    if (operator === 'OR' && weaker.length) {
      gaps.push({
        kind: 'weaker',
        reason: 'it accepts a weaker control instead of MFA (operator OR)',
        at: itemOf(controlsValue, weaker[0]) ?? controlsValue,
        detail: weaker,
      });
    }
  }

  const platforms = present(get(b, 'conditions', 'platforms', 'includePlatforms'));
  if (platforms) {
    const p = knownStrings(platforms);
    if (p === undefined) unknown = true;
    else if (p.length && !p.includes('all')) {
      const written = (arrayItems(platforms) ?? []).map((i) => knownString(i)?.trim() ?? '');
      gaps.push({ kind: 'platforms', reason: `it applies only to ${written.join(', ')} devices`, at: platforms, detail: p });
    }
  }

  return { gaps, unknown };
}

/** Whether a policy covers a target: the first gap the catalog's order names, else unknown or yes. */
export function coversApps(policy: Resource, target: AppTarget): Coverage {
  const a = assessPolicy(policy, target);
  if (a.gaps.length) return { covers: 'no', reason: a.gaps[0].reason };
  return a.unknown ? { covers: 'unknown' } : { covers: 'yes' };
}

/** Whether a policy requires MFA for Azure Virtual Desktop (the catalog's six conditions, see assessPolicy). */
export function coversAvd(policy: Resource): Coverage {
  return coversApps(policy, AVD_TARGET);
}

/** The AVD resource types MFA findings go on, in order: host pools, else application groups, else workspaces. */
const MFA_TARGET_TYPES = [
  'microsoft.desktopvirtualization/hostpools',
  'microsoft.desktopvirtualization/applicationgroups',
  'microsoft.desktopvirtualization/workspaces',
];

export interface MfaVerdict {
  /** Policies declared (not `existing`) in the workspace. */
  policies: number;
  /** Each policy's coverage, by resource key (an edit that keeps the links swaps resources in place: look them up at use). */
  verdicts: { key: string; coverage: Coverage }[];
  /** Whether some policy covers AVD, or may (a policy we cannot fully read: stay silent rather than guess). */
  covered: boolean;
  /** The type (lower case) of the resources findings go on, when the workspace has any. */
  targetType?: string;
  /** Whether the workspace manages Entra ID in code (azuread or msgraph providers). */
  entraTooling: boolean;
}

const verdicts = new WeakMap<readonly Document[], MfaVerdict>();

/**
 * Whether the workspace's Conditional Access policies require MFA for AVD, once per version of the documents (the
 * graph is swapped in place after an edit, so it cannot be the key).
 */
export function mfaVerdict(graph: AvdGraph): MfaVerdict {
  let v = verdicts.get(graph.documents);
  if (v) return v;
  const policies = graph.caPolicies.filter((p) => !p.source.existing);
  const coverage = policies.map((p) => ({ key: p.key, coverage: coversAvd(p) }));
  const types = new Set<string>();
  for (const d of graph.documents) for (const r of d.resources) if (!r.source.existing) types.add(typeOf(r));
  v = {
    policies: policies.length,
    verdicts: coverage,
    covered: coverage.some((c) => c.coverage.covers !== 'no'),
    targetType: MFA_TARGET_TYPES.find((t) => types.has(t)),
    entraTooling: graph.documents.some((d) => d.facts.providers?.some((p) => p === 'azuread' || p === 'msgraph')),
  };
  verdicts.set(graph.documents, v);
  return v;
}
