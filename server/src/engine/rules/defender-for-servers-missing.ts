import { AVD_OBJECT_TYPES } from '../graph/links';
import { deploymentRoots } from '../facts/deployment-roots';
import { displayName, relatedResource } from '../facts/host-pools';
import { imageBuildFor } from '../facts/image-build';
import { hostLabel } from '../facts/vm-security';
import { inlineExtensions } from '../graph/session-hosts';
import { fitting } from '../message';
import type { Document, Fix, RelatedInfo, Resource, Value } from '../model';
import { type Deployment, defineRule, fix, type RuleContext } from '../rule';
import { cases, get, knownString } from '../values';
import docs from './defender-for-servers-missing.md';

const DEFENDER_PUBLISHER = 'microsoft.azure.azuredefenderforservers';

/** The Defender plan for virtual machines: ARM `Microsoft.Security/pricings` named VirtualMachines, Terraform's subscription pricing. */
function serversPlan(r: Resource): Value | undefined | null {
  const t = r.type.toLowerCase();
  if (t === 'microsoft.security/pricings') {
    const name = knownString(get(r.body, 'name'));
    // A plan whose name cannot be read may be the servers plan: null keeps the rule silent.
    if (name === undefined) return null;
    return name.toLowerCase() === 'virtualmachines' ? (get(r.body, 'properties', 'pricingTier') ?? null) : undefined;
  }
  if (t === 'terraform:azurerm_security_center_subscription_pricing') {
    const type = get(r.body, 'resource_type');
    // resource_type defaults to VirtualMachines.
    const name = type ? knownString(type) : 'VirtualMachines';
    if (name === undefined) return null;
    return name.toLowerCase() === 'virtualmachines' ? (get(r.body, 'tier') ?? null) : undefined;
  }
  return undefined;
}

function check(deployment: Deployment, ctx: RuleContext): void {
  const hosts = ctx.graph.sessionHosts.filter((h) => !h.vm.source.existing);
  if (!hosts.length) return;
  // Defender's endpoint agent deployed on a host says the plan is handled (by policy or another repository).
  const publisher = (e: Resource) => knownString(get(e.body, 'properties', 'publisher'))?.toLowerCase();
  if (hosts.some((h) => [...h.extensions, ...inlineExtensions(h.vm)].some((e) => publisher(e) === DEFENDER_PUBLISHER))) return;
  const free: { plan: Resource; value: Value }[] = [];
  for (const r of deployment.resources) {
    const tier = serversPlan(r);
    if (tier === undefined) continue;
    if (tier === null) return;
    for (const c of cases(tier)) {
      const s = knownString(c.value);
      // A tier that is not known to be Free may be Standard: silent.
      if (s?.toLowerCase() !== 'free') return;
      free.push({ plan: r, value: c.value });
    }
  }
  // An image build in the same deployment root: its images may carry their own endpoint protection.
  const imageNote = (images: Resource | undefined): RelatedInfo[] =>
    images ? [relatedResource(images, `${displayName(images)} builds images, which may carry their own endpoint protection`)] : [];
  if (free.length) {
    for (const { plan, value } of free) {
      const images = imageBuildFor(ctx.graph, plan);
      ctx.report({
        uri: plan.source.uri,
        at: value.range,
        value,
        message: fitting(
          'Defender for Servers is set to the Free tier: session hosts get no endpoint detection and response, so malware on a host goes unnoticed.',
          'Defender for Servers is set to the Free tier: session hosts get no endpoint detection and response.',
        ),
        shift: images ? -1 : 0,
        related: imageNote(images),
        key: `${plan.key}|pricingTier`,
      });
    }
    return;
  }
  const hostOf = new Map(hosts.map((h) => [h.vm, h]));
  const docs = new Map(ctx.graph.documents.map((d) => [d.uri, d]));
  for (const root of deploymentRoots(
    ctx.graph,
    hosts.map((h) => h.vm),
  )) {
    const [first, ...others] = root.members;
    const vm = first.resource;
    const host = hostOf.get(vm)!;
    const subject = `${hostLabel(host, displayName(vm))}${others.length ? ` and ${others.length} more` : ''}`;
    const images = root.members.map((m) => imageBuildFor(ctx.graph, m.resource)).find((x) => x);
    const verb = others.length ? 'are' : 'is';
    const declared = first.at.uri === vm.source.uri && first.at.range === vm.source.headRange ? [] : [relatedResource(vm, hostLabel(host, displayName(vm)))];
    ctx.report({
      uri: first.at.uri,
      at: first.at.range,
      message: fitting(
        `${subject} ${verb} not covered by Defender for Servers here: no VirtualMachines plan is enabled, so malware on a host may go unnoticed.`,
        `${subject} ${verb} not covered by Defender for Servers here: malware on a host may go unnoticed.`,
        `${subject} ${verb} not covered by Defender for Servers here.`,
      ),
      shift: images ? -1 : 0,
      related: [...declared, ...imageNote(images)],
      key: `${root.unit}|defender-for-servers`,
      fixes: planFix(docs.get(first.at.uri), first.at.uri),
    });
  }
}

/**
 * The Defender plan skeleton, at the end of the root's document: offered where it can be declared, in a Bicep file
 * that deploys to the subscription, or in Terraform, whose provider targets a subscription (which one, this
 * configuration may not say). Never preferred: the plan is billed per server, for the whole subscription.
 */
function planFix(doc: Document | undefined, uri: string): Fix[] {
  const offered =
    doc?.language === 'terraform' ||
    (doc?.language === 'bicep' && doc.resources.some((r) => !r.source.scopePath && r.source.deploymentScope === 'subscription'));
  return offered
    ? [fix('Turn on Defender for Servers Plan 2 for the subscription (a skeleton; needs subscription scope)', { kind: 'add-defender-plan', uri })]
    : [];
}

export default defineRule({
  id: 'defender-for-servers-missing',
  title: 'Session hosts should be covered by Defender for Servers',
  level: 'info',
  severity: 'low',
  boundary: ['vm', 'kernel'],
  summary: 'Finds deployments of session hosts where nothing enables the Defender for Servers plan (VirtualMachines pricing tier Standard).',
  docs,
  // Once per deployment root, at its first session host.
  appliesTo: 'deployment',
  // Defender plans, VMs, their extensions and image builds: of an AVD object, only its name and links.
  reads: (type) => !AVD_OBJECT_TYPES.has(type),
  check,
});
