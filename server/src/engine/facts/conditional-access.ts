import { AVD_APP_ID } from '../knowledge/apps';
import type { AvdGraph } from '../graph';
import type { Resource, Value } from '../model';
import { arrayItems, get, isAbsent, knownString } from '../values';

/** Whether a Conditional Access policy (Microsoft Graph shape) enforces MFA for Azure Virtual Desktop. */
export type Coverage = { covers: 'yes' } | { covers: 'unknown' } | { covers: 'no'; reason: string };

/** Known lower-case strings of an array; undefined when the array or any item is unknown. */
function strings(v: Value | undefined): string[] | undefined {
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

/** Controls that, when offered as an alternative to MFA (operator OR), let a user skip MFA. */
const WEAKER_ALTERNATIVES = new Set(['approvedapplication', 'compliantapplication', 'passwordchange']);

/**
 * The catalog's six conditions for a policy that covers AVD: enabled; targets the AVD app or All (and does not
 * exclude it); includes users; covers browser and desktop/mobile clients; requires MFA or an authentication strength
 * without a weaker alternative; not narrowed to a few platforms. A value we cannot read makes the answer unknown.
 */
export function coversAvd(policy: Resource): Coverage {
  const b = policy.body;
  let unknown = false;

  const state = knownString(get(b, 'state'));
  if (state === undefined) unknown = true;
  else if (state.toLowerCase() !== 'enabled') {
    return { covers: 'no', reason: state.toLowerCase() === 'enabledforreportingbutnotenforced' ? 'it is report-only' : `its state is '${state}'` };
  }

  const apps = get(b, 'conditions', 'applications');
  const include = strings(get(apps, 'includeApplications'));
  const exclude = get(apps, 'excludeApplications') ? strings(get(apps, 'excludeApplications')) : [];
  if (include === undefined || exclude === undefined) unknown = true;
  else {
    if (!include.includes('all') && !include.includes(AVD_APP_ID))
      return { covers: 'no', reason: 'it does not target the Azure Virtual Desktop app (9cdead84-…) or All apps' };
    if (exclude.includes(AVD_APP_ID)) return { covers: 'no', reason: 'it excludes the Azure Virtual Desktop app' };
  }

  const users = get(b, 'conditions', 'users');
  if (users) {
    const lists = ['includeUsers', 'includeGroups', 'includeRoles', 'includeGuestsOrExternalUsers'].map((k) => get(users, k));
    const known = lists.map((l) => (l ? strings(l) : []));
    if (known.some((k) => k === undefined)) unknown = true;
    else {
      const all = known.flat() as string[];
      if (!all.length || (all.length === 1 && all[0] === 'none')) return { covers: 'no', reason: 'it includes no users' };
    }
  } else if (isAbsent(b, 'conditions', 'users')) {
    return { covers: 'no', reason: 'it includes no users' };
  } else {
    unknown = true;
  }

  const clients = get(b, 'conditions', 'clientAppTypes');
  if (clients) {
    const types = strings(clients);
    if (types === undefined) unknown = true;
    else if (!types.includes('all') && !(types.includes('browser') && types.includes('mobileappsanddesktopclients'))) {
      return { covers: 'no', reason: 'it does not cover both the web client (browser) and the desktop and mobile clients' };
    }
  }

  const grant = get(b, 'grantControls');
  const controls = get(grant, 'builtInControls') ? strings(get(grant, 'builtInControls')) : [];
  const strength = get(grant, 'authenticationStrength', 'id') ?? get(grant, 'authenticationStrength');
  if (controls === undefined) unknown = true;
  else if (!controls.includes('mfa') && !strength) {
    return { covers: 'no', reason: 'it requires neither MFA nor an authentication strength' };
  } else if (controls.includes('mfa') && !strength) {
    const operator = knownString(get(grant, 'operator'))?.toUpperCase();
    if (operator === undefined && get(grant, 'operator')) unknown = true;
    if (operator === 'OR' && controls.some((c) => WEAKER_ALTERNATIVES.has(c))) {
      return { covers: 'no', reason: 'it accepts a weaker control instead of MFA (operator OR)' };
    }
  }

  const platforms = get(b, 'conditions', 'platforms', 'includePlatforms');
  if (platforms) {
    const p = strings(platforms);
    if (p === undefined) unknown = true;
    else if (p.length && !p.includes('all')) return { covers: 'no', reason: `it applies only to ${p.join(', ')} devices` };
  }

  return unknown ? { covers: 'unknown' } : { covers: 'yes' };
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

const verdicts = new WeakMap<AvdGraph, MfaVerdict>();

/**
 * Whether the workspace's Conditional Access policies require MFA for AVD, once per graph: everything it reads (policies,
 * resource types, providers) is a link, so a graph swapped in place after an edit keeps it.
 */
export function mfaVerdict(graph: AvdGraph): MfaVerdict {
  let v = verdicts.get(graph);
  if (v) return v;
  const policies = graph.caPolicies.filter((p) => !p.source.existing);
  const coverage = policies.map((p) => ({ key: p.key, coverage: coversAvd(p) }));
  const types = new Set<string>();
  for (const d of graph.documents) for (const r of d.resources) if (!r.source.existing) types.add(r.type.toLowerCase());
  v = {
    policies: policies.length,
    verdicts: coverage,
    covered: coverage.some((c) => c.coverage.covers !== 'no'),
    targetType: MFA_TARGET_TYPES.find((t) => types.has(t)),
    entraTooling: graph.documents.some((d) => d.facts.providers?.some((p) => p === 'azuread' || p === 'msgraph')),
  };
  verdicts.set(graph, v);
  return v;
}
