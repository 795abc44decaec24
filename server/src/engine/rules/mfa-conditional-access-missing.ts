import { AVD_OBJECT_TYPES } from '../graph/links';
import { mfaVerdict, policyName } from '../facts/conditional-access';
import { displayName, relatedResource } from '../facts/host-pools';
import { deploymentRoots } from '../facts/deployment-roots';
import type { Fix, RelatedInfo, Resource } from '../model';
import { type Deployment, defineRule, fix, type RuleContext } from '../rule';
import docs from './mfa-conditional-access-missing.md';
import { fitting } from '../message';
import { typeOf } from '../graph/resources';

const ID = 'mfa-conditional-access-missing';

const OPTIONS = {
  managedOutsideRepository: {
    type: 'boolean',
    default: false,
    description: 'Set to true when Conditional Access policies are managed outside this repository (an identity repository, the portal).',
  },
} as const;

function check(_deployment: Deployment, ctx: RuleContext<typeof OPTIONS>): void {
  if (ctx.options.managedOutsideRepository) return;
  const { policies, verdicts, covered, targetType, entraTooling } = mfaVerdict(ctx.graph);
  if (covered || !targetType) return;
  // The resources the graph links (a plan's copy of a declared resource is not one of them).
  const targets = [...ctx.graph.byKey.values()].filter((r) => !r.source.existing && typeOf(r) === targetType);
  // The catalog's ladder: policies in code but none for AVD is an error; Entra managed in code but no policy, the
  // rule's level; no Entra tooling at all (Bicep and ARM cannot express Conditional Access), one level lower.
  const shift = policies ? 1 : entraTooling ? 0 : -1;
  const policyNotes: RelatedInfo[] = [];
  for (const v of verdicts) {
    const policy = ctx.graph.byKey.get(v.key);
    if (policy)
      policyNotes.push(relatedResource(policy, `Policy ${policyName(policy)} does not count: ${v.coverage.covers === 'no' ? v.coverage.reason : ''}`));
  }
  const why = policies
    ? `none of the ${policies} Conditional Access polic${policies === 1 ? 'y' : 'ies'} here requires MFA for Azure Virtual Desktop`
    : 'no Conditional Access policy here requires MFA for Azure Virtual Desktop';
  // A fact about the whole workspace: said once per deployment a user deploys, where it deploys its first host pool
  // (the pool, or the module call that leads to it), never in a file that is only a module of another.
  for (const root of deploymentRoots(ctx.graph, targets)) {
    const [first, ...others] = root.members;
    const r = first.resource;
    const fixes: Fix[] = [];
    if (first.at.uri.endsWith('.tf')) {
      fixes.push(
        fix('Add a Conditional Access policy that requires MFA for Azure Virtual Desktop', { kind: 'add-ca-policy', nearUri: first.at.uri }, entraTooling),
      );
    }
    fixes.push(
      fix(
        'Mark Conditional Access as managed outside this repository',
        { kind: 'set-config', ruleId: ID, option: 'managedOutsideRepository', value: true },
        !entraTooling,
      ),
    );
    const subject = `${kindOf(r)} ${displayName(r)}${others.length ? ` and ${others.length} more` : ''}`;
    const declared = first.at.uri === r.source.uri && first.at.range === r.source.headRange ? [] : [relatedResource(r, `${kindOf(r)} ${displayName(r)}`)];
    // Each other one where the root deploys it (its declaration, or the module call).
    const more = others.map((o) => ({ ...o.at, message: `${kindOf(o.resource)} ${displayName(o.resource)} is also reachable with a password alone` }));
    ctx.report({
      uri: first.at.uri,
      at: first.at.range,
      message: fitting(
        `${subject} ${others.length ? 'are' : 'is'} reachable with a password alone: ${why}.`,
        `${subject} ${others.length ? 'are' : 'is'} reachable with a password alone: no policy here requires MFA for it.`,
      ),
      shift,
      related: [...declared, ...more, ...policyNotes],
      fixes,
      key: `${root.unit}|conditional-access`,
    });
  }
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
  // Once per deployment root, on its first host pool, else application group, else workspace (mfaVerdict's target type).
  appliesTo: 'deployment',
  // Conditional Access policies and where AVD objects are deployed: of an AVD object, only its name and links.
  reads: (type) => !AVD_OBJECT_TYPES.has(type),
  options: OPTIONS,
  check,
});
