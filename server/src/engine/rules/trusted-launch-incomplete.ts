import { displayName, sessionHostConfiguration } from '../facts/host-pools';
import { hardeningPaths, hostLabel, judged, securityType } from '../facts/vm-security';
import type { HostPoolNode, SessionHostNode } from '../graph';
import { inlineExtensions, SCALE_SET_EXTENSION } from '../graph/session-hosts';
import { fitting } from '../message';
import type { Fix, Range, Resource, Value } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { arrayItems, get, isAbsent, knownBoolean, knownString } from '../values';
import docs from './trusted-launch-incomplete.md';

const FEATURES = [
  { key: 'secureBoot', label: 'secure boot', why: 'unsigned boot loaders and drivers can load and persist' },
  { key: 'vtpm', label: 'vTPM', why: 'no measured boot, attestation or TPM-protected keys for BitLocker and Credential Guard' },
] as const;

/** What is judged: where the two flags sit, and how a message names the subject. */
interface Target {
  resource: Resource;
  /** `Session host 'x' is a Trusted Launch VM`: the subject with what it is. */
  subject: string;
  flags: { secureBoot: string[]; vtpm: string[] };
  /** The object that holds both flags when it may be absent as a whole (ARM `uefiSettings`). */
  parent?: string[];
  at: Range;
  value?: Value;
  /** The subject names VMs (a configuration's), not one host. */
  plural?: boolean;
}

function check(subject: SessionHostNode | HostPoolNode, ctx: RuleContext): void {
  if ('sessionHosts' in subject) {
    checkConfiguration(subject, ctx);
    return;
  }
  const host = subject;
  const r = host.vm;
  if (!judged(host)) return;
  const sec = securityType(r);
  if (sec.type !== 'trusted' && sec.type !== 'confidential') return;
  const paths = hardeningPaths(r);
  if (!paths.secureBoot || !paths.vtpm) return;
  const name = displayName(r);
  const kind =
    host.kind === 'scaleSet'
      ? sec.type === 'trusted'
        ? 'a Trusted Launch scale set'
        : 'a confidential VM scale set'
      : sec.type === 'trusted'
        ? 'a Trusted Launch VM'
        : 'a confidential VM';
  flags(ctx, {
    resource: r,
    subject: `${hostLabel(host, name)} is ${kind}`,
    flags: { secureBoot: paths.secureBoot, vtpm: paths.vtpm },
    parent: paths.uefi,
    at: sec.at,
    value: sec.value,
  });
  attestation(host, ctx, name);
}

/** Secure boot and vTPM: each off (or left out: no default is documented) is a finding, or one when the object holding both is left out. */
function flags(ctx: RuleContext, t: Target): void {
  const r = t.resource;
  if (t.parent && isAbsent(r.body, ...t.parent)) {
    ctx.report({
      uri: r.source.uri,
      at: t.at,
      value: t.value,
      message: fitting(
        `${t.subject} that turns on neither secure boot nor vTPM, so its boot chain is neither enforced nor measured.`,
        `${t.subject} that turns on neither secure boot nor vTPM.`,
      ),
      key: `${r.key}|${t.parent.join('.')}`,
      fixes: [
        fix(
          'Turn on secure boot and vTPM',
          { kind: 'merge-properties', resource: r.key, path: t.parent, value: { secureBootEnabled: true, vTpmEnabled: true } },
          true,
        ),
      ],
    });
    return;
  }
  for (const f of FEATURES) {
    const path = t.flags[f.key];
    const v = get(r.body, ...path);
    const off = v ? knownBoolean(v) === false : isAbsent(r.body, ...path);
    if (!off) continue;
    const fixes: Fix[] = [fix(`Turn on ${f.label}`, { kind: 'set-property', resource: r.key, path, value: true }, true)];
    ctx.report({
      uri: r.source.uri,
      at: v?.range ?? t.at,
      value: v ?? t.value,
      message: fitting(
        `${t.subject} with ${f.label} off: ${f.why}.`,
        `${t.subject} with ${f.label} off, which weakens ${t.plural ? 'their' : 'its'} boot protection.`,
      ),
      key: `${r.key}|${path.join('.')}`,
      fixes,
    });
  }
}

const SECURITY_INFO = ['properties', 'securityInfo'];

/** A pool's session host configuration creates its hosts with the security type and flags of its `securityInfo`. */
function checkConfiguration(pool: HostPoolNode, ctx: RuleContext): void {
  const config = sessionHostConfiguration(ctx.graph, pool);
  if (!config) return;
  const v = get(config.body, ...SECURITY_INFO, 'type');
  const type = knownString(v)?.toLowerCase();
  if (type !== 'trustedlaunch' && type !== 'confidentialvm') return;
  flags(ctx, {
    resource: config,
    subject: `The session host configuration of host pool ${displayName(pool.resource)} creates ${type === 'trustedlaunch' ? 'Trusted Launch' : 'confidential'} VMs`,
    flags: { secureBoot: [...SECURITY_INFO, 'secureBootEnabled'], vtpm: [...SECURITY_INFO, 'vTpmEnabled'] },
    at: v!.range,
    value: v,
    plural: true,
  });
}

const EXTENSION_TYPES = new Set(['microsoft.compute/virtualmachines/extensions', SCALE_SET_EXTENSION]);

/** Guest Attestation reports boot integrity to Defender for Cloud; Defender can also deploy it by policy, hence information. */
function attestation(host: SessionHostNode, ctx: RuleContext, name: string): void {
  const r = host.vm;
  // A compiled copy builds extensions in copy loops the graph may not pair with their VM: there, absence is not known.
  if (r.source.compiled) return;
  if (host.kind === 'scaleSet' && !inlineListKnown(r)) return;
  const exts = [...host.extensions, ...inlineExtensions(r)].filter((e) => EXTENSION_TYPES.has(e.type.toLowerCase()));
  const types = exts.map((e) => knownString(get(e.body, 'properties', 'type'))?.toLowerCase());
  if (types.includes(undefined) || types.includes('guestattestation')) return;
  // The skeleton is a new resource after the VM's declaration: ARM would need it in the resources array, and a scale
  // set's extensions belong in its own extension list.
  const skeleton = host.kind === 'vm' && (r.source.language === 'bicep' || r.source.language === 'terraform');
  ctx.report({
    uri: r.source.uri,
    at: r.source.headRange,
    message: `${hostLabel(host, name)} has no Guest Attestation extension, so a tampered boot chain goes unreported.`,
    shift: -1,
    key: `${r.key}|extensions.GuestAttestation`,
    fixes: skeleton ? [fix('Add the Guest Attestation extension', { kind: 'add-guest-attestation', resource: r.key }, true)] : [],
  });
}

/** Whether a scale set's inline extensions are all written out (not a parameter, a spread or a dynamic block). */
function inlineListKnown(ss: Resource): boolean {
  if (ss.body.open) return false;
  const list = get(ss.body, 'properties', 'virtualMachineProfile', 'extensionProfile', 'extensions');
  if (list) return list.kind === 'array' && !list.open && (arrayItems(list) ?? []).every((x) => x.kind === 'object');
  return (
    !get(ss.body, 'properties', 'virtualMachineProfile', 'extensionProfile') ||
    isAbsent(ss.body, 'properties', 'virtualMachineProfile', 'extensionProfile', 'extensions')
  );
}

export default defineRule({
  id: 'trusted-launch-incomplete',
  title: 'Trusted Launch session hosts should keep secure boot, vTPM and attestation on',
  level: 'warning',
  severity: 'medium',
  boundary: ['vm', 'vsm', 'kernel'],
  summary:
    'Finds Trusted Launch and confidential session hosts (VMs, scale sets, session host configurations) with secure boot or vTPM off, or without the Guest Attestation extension.',
  docs,
  appliesTo: ['sessionHost', 'hostPool'],
  check,
});
