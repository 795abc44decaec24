import { displayName } from '../facts/host-pools';
import { isTerraform, judgedVm, SECURE_BOOT, securityType, VTPM } from '../facts/vm-security';
import { typeIs, type SessionHostNode } from '../graph';
import { fitting } from '../message';
import type { Fix } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { get, isAbsent, knownBoolean, knownString } from '../values';
import docs from './trusted-launch-incomplete.md';

const FEATURES = [
  { path: SECURE_BOOT, label: 'secure boot', why: 'unsigned boot loaders and drivers can load and persist' },
  { path: VTPM, label: 'vTPM', why: 'no measured boot, attestation or TPM-protected keys for BitLocker and Credential Guard' },
] as const;

function check(host: SessionHostNode, ctx: RuleContext): void {
  const vm = host.vm;
  if (!judgedVm(vm)) return;
  const sec = securityType(vm);
  if (sec.type !== 'trusted' && sec.type !== 'confidential') return;
  const name = displayName(vm);
  const kind = sec.type === 'trusted' ? 'a Trusted Launch VM' : 'a confidential VM';
  const tf = isTerraform(vm);
  const uefi = ['properties', 'securityProfile', 'uefiSettings'];
  // ARM and Bicep without uefiSettings: one finding, as two insertions of the object would collide.
  if (!tf && isAbsent(vm.body, ...uefi)) {
    ctx.report({
      uri: vm.source.uri,
      at: sec.at,
      value: sec.value,
      message: fitting(
        `Session host ${name} is ${kind} that turns on neither secure boot nor vTPM, so its boot chain is neither enforced nor measured.`,
        `Session host ${name} is ${kind} that turns on neither secure boot nor vTPM.`,
      ),
      key: `${vm.key}|properties.securityProfile.uefiSettings`,
    });
  } else {
    for (const f of FEATURES) {
      const v = get(vm.body, ...f.path);
      // Terraform's default is false; ARM's is not documented, so an absent flag is not relied on either.
      const off = v ? knownBoolean(v) === false : isAbsent(vm.body, ...f.path);
      if (!off) continue;
      const fixes: Fix[] = [fix(`Turn on ${f.label}`, { kind: 'set-property', resource: vm.key, path: [...f.path], value: true }, true)];
      ctx.report({
        uri: vm.source.uri,
        at: v?.range ?? sec.at,
        value: v ?? sec.value,
        message: fitting(
          `Session host ${name} is ${kind} with ${f.label} off: ${f.why}.`,
          `Session host ${name} is ${kind} with ${f.label} off, which weakens its boot protection.`,
        ),
        key: `${vm.key}|${f.path.join('.')}`,
        fixes,
      });
    }
  }
  attestation(host, ctx, name);
}

/** Guest Attestation reports boot integrity to Defender for Cloud; Defender can also deploy it by policy, hence information. */
function attestation(host: SessionHostNode, ctx: RuleContext, name: string): void {
  // A compiled copy builds extensions in copy loops the graph may not pair with their VM: there, absence is not known.
  if (host.vm.source.compiled) return;
  const exts = host.extensions.filter((e) => typeIs(e, 'microsoft.compute/virtualmachines/extensions'));
  const types = exts.map((e) => knownString(get(e.body, 'properties', 'type'))?.toLowerCase());
  if (types.includes(undefined) || types.includes('guestattestation')) return;
  ctx.report({
    uri: host.vm.source.uri,
    at: host.vm.source.headRange,
    message: `Session host ${name} has no Guest Attestation extension, so a tampered boot chain goes unreported.`,
    shift: -1,
    key: `${host.vm.key}|extensions.GuestAttestation`,
  });
}

export default defineRule({
  id: 'trusted-launch-incomplete',
  title: 'Trusted Launch session hosts should keep secure boot, vTPM and attestation on',
  level: 'warning',
  severity: 'medium',
  boundary: ['vm', 'vsm', 'kernel'],
  summary: 'Finds Trusted Launch and confidential session hosts with secure boot or vTPM off, or without the Guest Attestation extension.',
  docs,
  appliesTo: 'sessionHost',
  check,
});
