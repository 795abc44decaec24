import { assessPolicy, coversAvd, type Gap, itemOf, knownStrings, policyName, present } from '../facts/conditional-access';
import type { AvdGraph } from '../graph';
import { APPS, AVD_APP_ID, AVD_ARM_PROVIDER_APP_ID } from '../knowledge/apps';
import type { Fix, FixIntent, RelatedInfo, Resource } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { arrayItems, get, knownString } from '../values';
import docs from './conditional-access-ineffective.md';
import { clip, fitting, list } from '../message';

const ID = 'conditional-access-ineffective';

/** The classic (2019) service's apps: a policy on them alone does not reach Azure Virtual Desktop. */
const CLASSIC_APP_IDS = APPS.filter((a) => a.name.includes('(classic)')).map((a) => a.appId);

/** Apps whose presence in a policy says it is about AVD, besides the Azure Virtual Desktop app itself. */
const AVD_MENTIONS = [AVD_APP_ID, AVD_ARM_PROVIDER_APP_ID, ...CLASSIC_APP_IDS];

/** A name that says the policy is for AVD: 'AVD', 'WVD', 'Azure Virtual Desktop', 'Windows Virtual Desktop'. */
const AVD_NAME = /(^|[^a-z0-9])(avd|wvd)([^a-z0-9]|$)|(azure|windows)[\s_-]*virtual[\s_-]*desktop/i;

/** Device controls: the older MFA article offers them instead of MFA, so a policy of them alone is advice (info). */
const DEVICE_CONTROLS = new Set(['compliantdevice', 'domainjoineddevice']);

/** What a gap means: the message's wordings, the level shift, and the clause related information uses when it is not first. */
type Verdict = { gap: Gap; message: (name: string) => string[]; shift: number; also?: string };

function check(policy: Resource, ctx: RuleContext): void {
  if (policy.source.existing || !meantForAvd(policy)) return;
  const { gaps } = assessPolicy(policy);
  const verdicts = gaps.map((g) => verdictOf(policy, g, ctx.graph)).filter((v): v is Verdict => !!v);
  if (!verdicts.length) return;
  // The most important first: the catalog's order of what turns a policy off, then what narrows it.
  verdicts.sort((a, b) => b.shift - a.shift || ORDER.indexOf(a.gap.kind) - ORDER.indexOf(b.gap.kind));
  const [first, ...others] = verdicts;
  const uri = policy.source.uri;
  const at = first.gap.at;
  const related: RelatedInfo[] = others.map((o) => ({ uri, range: o.gap.at?.range ?? policy.source.headRange, message: `Also, ${o.also ?? o.gap.reason}.` }));
  // Offered where a printer can write it: Terraform (Graph JSON files are exports avdsec does not edit). The fix of
  // the gap the message names is the preferred one; the others' come with it.
  const each = policy.source.language === 'terraform' ? verdicts.map((v) => fixOf(policy, v.gap)).filter((f): f is NonNullable<typeof f> => !!f) : [];
  const fixes: Fix[] =
    each.length > 1
      ? [
          fix(`Apply the ${each.length} fixes of this policy`, { kind: 'several', intents: each.map((f) => f.intent) }, true),
          ...each.map((f) => fix(f.title, f.intent)),
        ]
      : each.map((f) => fix(f.title, f.intent, true));
  ctx.report({
    uri,
    at: at ? at.range : policy.source.headRange,
    value: at,
    message: fitting(...first.message(policyName(policy))),
    shift: first.shift,
    related,
    fixes,
    key: `${policy.key}|${first.gap.kind}`,
  });
}

/** The catalog's quick fix for a gap, where the value at fault can be rewritten in place. */
function fixOf(policy: Resource, gap: Gap): { title: string; intent: FixIntent } | undefined {
  const resource = policy.key;
  switch (gap.kind) {
    case 'state':
      return { title: "Enforce the policy (state 'enabled')", intent: { kind: 'set-property', resource, path: ['state'], value: 'enabled' } };
    case 'excluded':
      return {
        title: 'Stop excluding Azure Virtual Desktop',
        intent: { kind: 'remove-list-item', resource, path: ['conditions', 'applications', 'excludeApplications'], value: AVD_APP_ID },
      };
    case 'target':
      return gap.detail.includes(AVD_ARM_PROVIDER_APP_ID)
        ? {
            title: 'Target Azure Virtual Desktop instead of its feed app',
            intent: {
              kind: 'replace-list-item',
              resource,
              path: ['conditions', 'applications', 'includeApplications'],
              from: AVD_ARM_PROVIDER_APP_ID,
              to: AVD_APP_ID,
            },
          }
        : undefined;
    case 'clients':
      return {
        title: 'Apply it to the browser and to desktop and mobile clients',
        intent: { kind: 'set-list', resource, path: ['conditions', 'clientAppTypes'], values: ['browser', 'mobileAppsAndDesktopClients'] },
      };
    default:
      return undefined;
  }
}

const ORDER: Gap['kind'][] = ['state', 'excluded', 'users', 'target', 'weaker', 'clients', 'grant', 'platforms'];

/**
 * What a gap means for a policy meant for AVD, or undefined when it is no fault: a block policy, a session-only
 * policy or a terms-of-use policy is not an MFA policy, so only its state and its users can make it ineffective.
 */
function verdictOf(policy: Resource, gap: Gap, graph: AvdGraph): Verdict | undefined {
  const mfa = grantKind(policy) === 'mfa';
  switch (gap.kind) {
    case 'state': {
      const mode = gap.detail[0] === 'enabledforreportingbutnotenforced' ? 'report-only' : gap.detail[0] === 'disabled' ? 'disabled' : undefined;
      return {
        gap,
        shift: 0,
        message: (n) =>
          mode
            ? [
                `Conditional Access policy ${n} is ${mode}, so it enforces nothing on Azure Virtual Desktop sign-ins.`,
                `Policy ${n} is ${mode}, so it enforces nothing on AVD sign-ins.`,
              ]
            : [
                `Conditional Access policy ${n} is not enabled (state '${clip(gap.detail[0], 30)}'), so it enforces nothing on Azure Virtual Desktop sign-ins.`,
                `Policy ${n} is not enabled, so it enforces nothing on AVD sign-ins.`,
              ],
      };
    }
    case 'users':
      return {
        gap,
        shift: 0,
        message: (n) => [
          `Conditional Access policy ${n} includes no users, so it enforces nothing on Azure Virtual Desktop sign-ins.`,
          `Policy ${n} includes no users, so it enforces nothing.`,
        ],
      };
    case 'excluded':
      return mfa
        ? {
            gap,
            shift: 0,
            message: (n) => [
              `Conditional Access policy ${n} excludes the Azure Virtual Desktop app, so AVD sign-ins skip the MFA it requires.`,
              `Policy ${n} excludes the Azure Virtual Desktop app, so AVD sign-ins skip its MFA.`,
            ],
          }
        : undefined;
    case 'target': {
      if (!mfa) return undefined;
      // Only a policy on another AVD app is mis-targeted; one on other apps (the SSO apps, Office 365) has its own purpose.
      if (gap.detail.includes(AVD_ARM_PROVIDER_APP_ID)) {
        return {
          gap: { ...gap, at: itemOf(gap.at, AVD_ARM_PROVIDER_APP_ID) ?? gap.at },
          shift: 0,
          also: 'it targets the AVD feed app (50e95039-…), not Azure Virtual Desktop (9cdead84-…)',
          message: (n) => [
            `Conditional Access policy ${n} targets the AVD feed app (50e95039-…), not Azure Virtual Desktop (9cdead84-…), so connections skip MFA.`,
            `Policy ${n} targets the AVD feed app (50e95039-…), not Azure Virtual Desktop, so connections skip MFA.`,
          ],
        };
      }
      if (gap.detail.some((id) => CLASSIC_APP_IDS.includes(id))) {
        return {
          gap,
          shift: 0,
          also: 'it targets only the classic Windows Virtual Desktop apps',
          message: (n) => [
            `Conditional Access policy ${n} targets only the classic Windows Virtual Desktop apps, so Azure Virtual Desktop sign-ins skip MFA.`,
            `Policy ${n} targets only classic Windows Virtual Desktop apps, so AVD sign-ins skip MFA.`,
          ],
        };
      }
      return undefined;
    }
    case 'weaker': {
      const control = gap.at ? (knownString(gap.at) ?? gap.detail[0]) : gap.detail[0];
      return {
        gap,
        shift: 0,
        message: (n) => [
          `Conditional Access policy ${n} accepts ${control} instead of MFA (operator OR), so AVD users can sign in without MFA.`,
          `Policy ${n} accepts ${control} instead of MFA, so AVD users can sign in without MFA.`,
        ],
      };
    }
    case 'clients': {
      if (!mfa) return undefined;
      const modern = gap.detail.filter((t) => t === 'browser' || t === 'mobileappsanddesktopclients');
      if (!modern.length) {
        return {
          gap,
          shift: 0,
          message: (n) => [
            `Conditional Access policy ${n} applies only to legacy authentication clients, so AVD clients sign in without MFA.`,
            `Policy ${n} applies only to legacy clients, so AVD clients sign in without MFA.`,
          ],
        };
      }
      // One of the two modern client types: the catalog's partial coverage, one level lower.
      const left = modern[0] === 'browser' ? 'desktop and mobile clients' : 'web client (browser)';
      return {
        gap,
        shift: -1,
        message: (n) => [
          `Conditional Access policy ${n} leaves out the AVD ${left}, so users of it sign in without MFA.`,
          `Policy ${n} leaves out the AVD ${left}, which sign in without MFA.`,
        ],
      };
    }
    case 'grant': {
      // Device controls alone are the older article's alternative to MFA: worth saying (info) only when no other
      // policy requires MFA for AVD; beside one, a device policy is an extra requirement, not a gap.
      if (grantKind(policy) !== 'device') return undefined;
      if (graph.caPolicies.some((p) => p !== policy && !p.source.existing && coversAvd(p).covers !== 'no')) return undefined;
      return {
        gap,
        shift: -1,
        message: (n) => [
          `Conditional Access policy ${n} requires a managed device but not MFA, so a password on such a device is enough.`,
          `Policy ${n} requires a managed device but not MFA, so a password on such a device is enough.`,
        ],
      };
    }
    case 'platforms': {
      if (!mfa) return undefined;
      const written = list((arrayItems(gap.at) ?? []).map((i) => knownString(i)?.trim() ?? ''));
      return {
        gap,
        shift: -1,
        message: (n) => [
          `Conditional Access policy ${n} applies only to ${clip(written, 40)} devices, so AVD users on other devices sign in without MFA.`,
          `Policy ${n} applies only to ${clip(written, 40)} devices, so others sign in without MFA.`,
        ],
      };
    }
  }
}

/**
 * Whether a policy is about AVD: it targets or excludes an AVD app (the Azure Virtual Desktop app, its feed app, the
 * classic apps), or its name says AVD. A policy on All apps that says nothing of AVD is a tenant-wide policy: its
 * report-only phase or its platforms are not this rule's business (mfa-conditional-access-missing counts it).
 */
function meantForAvd(policy: Resource): boolean {
  const apps = get(policy.body, 'conditions', 'applications');
  for (const k of ['includeApplications', 'excludeApplications']) {
    if (knownStrings(get(apps, k))?.some((id) => AVD_MENTIONS.includes(id))) return true;
  }
  const name = knownString(get(policy.body, 'displayName'));
  return name !== undefined && AVD_NAME.test(name);
}

/**
 * What a policy grants on: MFA (or an authentication strength); managed devices alone; or something else (block,
 * terms of use, session controls only, or controls avdsec cannot read). Only an MFA policy is judged on whom and what
 * it leaves out: block and device policies are narrowed on purpose.
 */
function grantKind(policy: Resource): 'mfa' | 'device' | 'other' {
  const grant = present(get(policy.body, 'grantControls'));
  const strength = present(get(grant, 'authenticationStrength', 'id')) ?? present(get(grant, 'authenticationStrength'));
  const controls = knownStrings(present(get(grant, 'builtInControls')) ?? { kind: 'array', items: [], range: policy.source.headRange });
  if (!controls || controls.includes('block')) return 'other';
  if (strength || controls.includes('mfa')) return 'mfa';
  return controls.length && controls.every((c) => DEVICE_CONTROLS.has(c)) ? 'device' : 'other';
}

export default defineRule({
  id: ID,
  title: 'Conditional Access policies for Azure Virtual Desktop should enforce what they require',
  level: 'warning',
  severity: 'high',
  boundary: ['identity'],
  summary:
    'Finds Conditional Access policies meant for Azure Virtual Desktop that do not enforce: report-only or disabled, AVD excluded, no users, the wrong app, a weaker control accepted instead of MFA, or narrowed to some clients or platforms.',
  docs,
  appliesTo: 'caPolicy',
  check,
});
