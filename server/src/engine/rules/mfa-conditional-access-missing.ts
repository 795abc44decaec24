import type { Fix, RelatedInfo, Resource } from '../model';
import { get, knownString } from '../values';
import type { AvdGraph } from '../graph';
import { type Coverage, coversAvd } from './conditional-access';
import { defineRule, fix, type RuleContext } from './define';
import docs from './mfa-conditional-access-missing.md';
import { displayName, perGraph, relatedResource } from './host-pools';

const ID = 'mfa-conditional-access-missing';
const OPTION = 'managedOutsideRepository';

const AVD_TYPES = [
  'microsoft.desktopvirtualization/hostpools',
  'microsoft.desktopvirtualization/applicationgroups',
  'microsoft.desktopvirtualization/workspaces',
];

interface Workspace {
  policies: number;
  /** By policy key: resources are swapped in place when an edit keeps the links, so they are looked up at use. */
  verdicts: { key: string; coverage: Coverage }[];
  covered: boolean;
  /** Keys of the AVD resources findings go on: host pools, else application groups, else workspaces. */
  targets: string[];
  entraTooling: boolean;
}

const cache = new WeakMap<AvdGraph, Workspace>();

function workspaceOf(graph: AvdGraph): Workspace {
  return perGraph(cache, graph, () => {
    const policies = graph.caPolicies.filter((p) => !p.source.existing);
    const verdicts = policies.map((p) => ({ policy: p, coverage: coversAvd(p) }));
    let targets: Resource[] = [];
    for (const t of AVD_TYPES) {
      targets = graph.documents.flatMap((d) => d.resources).filter((r) => r.type.toLowerCase() === t && !r.source.existing);
      if (targets.length) break;
    }
    return {
      policies: policies.length,
      verdicts: verdicts.map((v) => ({ key: v.policy.key, coverage: v.coverage })),
      // A policy we cannot fully read may well cover AVD: stay silent rather than guess.
      covered: verdicts.some((v) => v.coverage.covers !== 'no'),
      targets: targets.map((r) => r.key),
      entraTooling: graph.documents.some((d) => d.facts.providers?.some((p) => p === 'azuread' || p === 'msgraph')),
    };
  });
}

function check(ctx: RuleContext): void {
  if (ctx.options[OPTION] === true) return;
  const { graph } = ctx;
  const ws = workspaceOf(graph);
  if (ws.covered) return;
  const { policies, verdicts, entraTooling } = ws;
  const targets = ws.targets.map((k) => graph.byKey.get(k)).filter((r): r is Resource => !!r && ctx.inFocus(r.source.uri));
  if (!targets.length) return;
  // The catalog's ladder: policies in code but none for AVD is an error; Entra managed in code but no policy, the
  // rule's level; no Entra tooling at all (Bicep and ARM cannot express Conditional Access), one level lower.
  const shift = policies ? 1 : entraTooling ? 0 : -1;
  const related: RelatedInfo[] = [];
  for (const v of verdicts) {
    const policy = graph.byKey.get(v.key);
    if (policy) related.push(relatedResource(policy, `Policy ${policyName(policy)} does not count: ${v.coverage.covers === 'no' ? v.coverage.reason : ''}`));
  }
  const why = policies
    ? `none of the ${policies} Conditional Access polic${policies === 1 ? 'y' : 'ies'} in this workspace requires MFA for the Azure Virtual Desktop app`
    : 'no Conditional Access policy in this workspace requires MFA for the Azure Virtual Desktop app';
  for (const r of targets) {
    const fixes: Fix[] = [];
    if (r.source.language === 'terraform') {
      fixes.push(
        fix('Add a Conditional Access policy that requires MFA for Azure Virtual Desktop', { kind: 'add-ca-policy', nearUri: r.source.uri }, entraTooling),
      );
    }
    fixes.push(
      fix('Mark Conditional Access as managed outside this repository', { kind: 'set-config', ruleId: ID, option: OPTION, value: true }, !entraTooling),
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
  options: {
    [OPTION]: 'Set to true when Conditional Access policies are managed outside this repository (an identity repository, the portal).',
  },
  check,
});
