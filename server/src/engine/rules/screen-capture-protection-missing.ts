import { displayName, poolTypeCases, pooledCases } from '../facts/host-pools';
import { caseNote, fitting } from '../message';
import type { HostPoolNode } from '../graph';
import type { Document } from '../model';
import { defineRule, type RuleContext } from '../rule';
import docs from './screen-capture-protection-missing.md';

const ID = 'screen-capture-protection-missing';

/**
 * The registry values behind the Azure Virtual Desktop administrative template's "Enable screen capture protection"
 * (`fEnableScreenCaptureProtect`; early previews used `fEnableScreenCaptureProtection`) and "Enable watermarking"
 * (`fEnableWatermarking`), as scripts set them on session hosts or images.
 */
const EVIDENCE = /fEnableScreenCaptureProtect(?:ion)?|fEnableWatermarking/i;

/** Per document (a new object at every edit): whether its text mentions one of the registry values. */
const mentions = new WeakMap<Document, boolean>();

function hasEvidence(doc: Document): boolean {
  let m = mentions.get(doc);
  if (m === undefined) mentions.set(doc, (m = EVIDENCE.test(doc.text)));
  return m;
}

const OPTIONS = {
  required: {
    type: 'boolean',
    default: false,
    description:
      'Set to true to report pooled host pools when nothing in the workspace turns on screen capture protection or watermarking (off by default: they block screen sharing and unsupported clients, so they are a choice for host pools that show sensitive data).',
  },
} as const;

function check(pool: HostPoolNode, ctx: RuleContext<typeof OPTIONS>): void {
  // Off unless the team asks for it: screen capture protection blocks screen sharing and unsupported clients.
  if (!ctx.options.required) return;
  // Text search over every document of the workspace, comments included: the setting usually lives in a script
  // (custom script extension, Run Command, image builder customizer) whose text avdsec cannot otherwise read.
  if (ctx.graph.documents.some(hasEvidence)) return;
  const hp = pool.resource;
  const all = poolTypeCases(hp);
  const pooled = pooledCases(hp);
  if (!pooled.length) return;
  ctx.report({
    uri: hp.source.uri,
    at: hp.source.headRange,
    message: fitting(
      `Host pool ${displayName(hp)} is pooled and nothing here turns on screen capture protection: users can capture what the shared session shows.`,
      `Host pool ${displayName(hp)} is pooled and nothing here turns on screen capture protection.`,
    ),
    related: [
      ...(all.length > 1 ? pooled.filter((c) => c.value?.range).map((c) => ({ uri: hp.source.uri, range: c.value!.range, message: caseNote(c.when) })) : []),
      {
        uri: hp.source.uri,
        range: hp.source.headRange,
        message: 'Turn on fEnableScreenCaptureProtect or fEnableWatermarking with Intune or Group Policy, or suppress with the reason when done elsewhere',
      },
    ],
    key: `${hp.key}|screen-capture-protection`,
    fixes: [],
  });
}

export default defineRule({
  id: ID,
  title: 'Pooled host pools with sensitive data should use screen capture protection',
  level: 'info',
  severity: 'low',
  boundary: ['data-egress'],
  summary: 'When required in .avdsec.json, finds pooled host pools while nothing in the workspace turns on screen capture protection or watermarking.',
  docs,
  appliesTo: 'hostPool',
  options: OPTIONS,
  check,
});
