import { mfaVerdict } from '../facts/conditional-access';
import { displayName, relatedResource } from '../facts/host-pools';
import type { AppGroupNode, HostPoolNode, WorkspaceNode } from '../graph';
import type { Fix, RelatedInfo, Resource } from '../model';
import { get, knownString } from '../values';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './mfa-conditional-access-missing.md';

const ID = 'mfa-conditional-access-missing';

const OPTIONS = {
  managedOutsideRepository: {
    type: 'boolean',
    default: false,
    description: 'Set to true when Conditional Access policies are managed outside this repository (an identity repository, the portal).',
  },
} as const;

type Target = AppGroupNode | HostPoolNode | WorkspaceNode;

function check(subject: Target, ctx: RuleContext<typeof OPTIONS>): void {
  if (ctx.options.managedOutsideRepository) return;
  const r = subject.resource;
  const { policies, verdicts, covered, targetType, entraTooling } = mfaVerdict(ctx.graph);
  if (covered || r.type.toLowerCase() !== targetType) return;
  // The catalog's ladder: policies in code but none for AVD is an error; Entra managed in code but no policy, the
  // rule's level; no Entra tooling at all (Bicep and ARM cannot express Conditional Access), one level lower.
  const shift = policies ? 1 : entraTooling ? 0 : -1;
  const related: RelatedInfo[] = [];
  for (const v of verdicts) {
    const policy = ctx.graph.byKey.get(v.key);
    if (policy) related.push(relatedResource(policy, `Policy ${policyName(policy)} does not count: ${v.coverage.covers === 'no' ? v.coverage.reason : ''}`));
  }
  const why = policies
    ? `none of the ${policies} Conditional Access polic${policies === 1 ? 'y' : 'ies'} in this workspace requires MFA for the Azure Virtual Desktop app`
    : 'no Conditional Access policy in this workspace requires MFA for the Azure Virtual Desktop app';
  const fixes: Fix[] = [];
  if (r.source.language === 'terraform') {
    fixes.push(
      fix('Add a Conditional Access policy that requires MFA for Azure Virtual Desktop', { kind: 'add-ca-policy', nearUri: r.source.uri }, entraTooling),
    );
  }
  fixes.push(
    fix(
      'Mark Conditional Access as managed outside this repository',
      { kind: 'set-config', ruleId: ID, option: 'managedOutsideRepository', value: true },
      !entraTooling,
    ),
  );
  ctx.report({
    uri: r.source.uri,
    at: r.source.headRange,
    message: `${kindOf(r)} ${displayName(r)} is reachable with a password alone: ${why}.`,
    shift,
    related,
    fixes,
    key: `${r.key}|conditional-access`,
  });
}

function policyName(p: Resource): string {
  const n = knownString(get(p.body, 'displayName'));
  return n !== undefined ? `'${n}'` : displayName(p);
}

function kindOf(r: Resource): string {
  const t = r.type.toLowerCase();
  if (t.endsWith('hostpools')) return 'Host pool';
  if (t.endsWith('applicationgroups')) return 'Application group';
  return 'Workspace';
}

export default defineRule({
  id: ID,
  title: 'A Conditional Access policy should require MFA for Azure Virtual Desktop',
  level: 'warning',
  severity: 'high',
  boundary: ['identity'],
  summary: 'Finds AVD deployments with no enabled Conditional Access policy that requires MFA for the Azure Virtual Desktop app.',
  docs,
  // The findings go on the host pools, else the application groups, else the workspaces (mfaVerdict's target type).
  appliesTo: ['hostPool', 'appGroup', 'workspace'],
  options: OPTIONS,
  check,
});
