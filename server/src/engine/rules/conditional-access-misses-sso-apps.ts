import { coversApps, coversAvd, knownStrings, policyName, present, SSO_TARGET } from '../facts/conditional-access';
import { displayName, relatedResource } from '../facts/host-pools';
import { rdpCases, tokensOf } from '../facts/rdp';
import type { AvdGraph } from '../graph';
import type { Document, RelatedInfo, Resource } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { REMOTE_DESKTOP_APP_ID, WINDOWS_CLOUD_LOGIN_APP_ID } from '../knowledge/apps';
import { get } from '../values';
import docs from './conditional-access-misses-sso-apps.md';
import { caseNote, fitting } from '../message';

const ID = 'conditional-access-misses-sso-apps';

const covered = new WeakMap<readonly Document[], boolean>();

/**
 * Whether some enabled policy requires MFA for the single sign-on apps (or may: one avdsec cannot fully read), once per
 * version of the documents.
 */
function ssoCovered(graph: AvdGraph): boolean {
  let c = covered.get(graph.documents);
  if (c === undefined) {
    c = graph.caPolicies.some((p) => !p.source.existing && coversApps(p, SSO_TARGET).covers !== 'no');
    covered.set(graph.documents, c);
  }
  return c;
}

/**
 * Where single sign-on is turned on: each host pool's `enablerdsaadauth:i:1`, with its case. Read at each check, not
 * per graph: an RDP string is no link, so an edit of it keeps the graph.
 */
function ssoNotes(graph: AvdGraph): RelatedInfo[][] {
  const notes: RelatedInfo[][] = [];
  for (const pool of graph.hostPools) {
    if (pool.resource.source.existing) continue;
    for (const c of rdpCases(pool)) {
      const on = tokensOf(c, 'enablerdsaadauth').find((t) => t.type === 'i' && t.value.trim() === '1');
      if (!on) continue;
      const where = on.range && on.uri ? { uri: on.uri, range: on.range } : { uri: pool.resource.source.uri, range: c.at };
      notes.push([
        { ...where, message: `Host pool ${displayName(c.hp)} turns single sign-on on (enablerdsaadauth:i:1)` },
        ...(c.when ? [{ ...where, message: caseNote(c.when) }] : []),
      ]);
      break;
    }
  }
  return notes;
}

function check(policy: Resource, ctx: RuleContext): void {
  // Only a policy that requires MFA for AVD: without one, mfa-conditional-access-missing speaks.
  if (policy.source.existing || coversAvd(policy).covers !== 'yes') return;
  if (ssoCovered(ctx.graph)) return;
  const notes = ssoNotes(ctx.graph);
  if (!notes.length) return;
  const apps = get(policy.body, 'conditions', 'applications');
  const include = get(apps, 'includeApplications');
  // A policy on All apps that still misses them excludes them; one on the AVD app leaves them out.
  const excludes = !!knownStrings(include)?.includes('all');
  const exclude = present(get(apps, 'excludeApplications'));
  const at = excludes ? exclude : include;
  const n = policyName(policy);
  const both = excludes
    ? `Remove Windows Cloud Login (${WINDOWS_CLOUD_LOGIN_APP_ID}) or Microsoft Remote Desktop (${REMOTE_DESKTOP_APP_ID}) from the excluded apps`
    : `Add Windows Cloud Login (${WINDOWS_CLOUD_LOGIN_APP_ID}); its predecessor Microsoft Remote Desktop (${REMOTE_DESKTOP_APP_ID}) also counts`;
  ctx.report({
    uri: policy.source.uri,
    at: at ? at.range : policy.source.headRange,
    value: at,
    message: excludes
      ? fitting(
          `Conditional Access policy ${n} excludes Windows Cloud Login, so single sign-on to the session hosts is not held to its MFA.`,
          `Policy ${n} excludes Windows Cloud Login, so single sign-on to session hosts is not held to its MFA.`,
        )
      : fitting(
          `Conditional Access policy ${n} covers AVD but not Windows Cloud Login, so single sign-on to the session hosts is not held to its MFA.`,
          `Policy ${n} misses Windows Cloud Login, so single sign-on to session hosts is not held to its MFA.`,
        ),
    related: [
      { uri: policy.source.uri, range: at ? at.range : policy.source.headRange, message: both },
      ...notes.slice(0, 3).flat(),
      ...(notes.length > 3 ? [relatedResource(policy, `${notes.length - 3} more host pools turn single sign-on on`)] : []),
    ],
    key: `${policy.key}|conditions.applications`,
    // Adds the app where the list is written in Terraform (azuread, a msgraph body); Graph JSON files are not edited.
    fixes:
      excludes || !policy.source.uri.endsWith('.tf')
        ? []
        : [
            fix(
              'Add Windows Cloud Login to the policy (Microsoft Remote Desktop would do as well)',
              { kind: 'add-list-item', resource: policy.key, path: ['conditions', 'applications', 'includeApplications'], value: WINDOWS_CLOUD_LOGIN_APP_ID },
              true,
            ),
          ],
  });
}

export default defineRule({
  id: ID,
  title: 'Conditional Access for Azure Virtual Desktop should cover the single sign-on apps',
  level: 'warning',
  severity: 'medium',
  boundary: ['identity'],
  summary:
    'Finds Conditional Access policies that require MFA for Azure Virtual Desktop while single sign-on is on and no policy covers Windows Cloud Login or Microsoft Remote Desktop.',
  docs,
  appliesTo: 'caPolicy',
  check,
});
