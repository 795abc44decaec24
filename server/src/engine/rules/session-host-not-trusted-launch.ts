import { displayName } from '../facts/host-pools';
import { isTerraform, judgedVm, SECURE_BOOT, SECURITY_TYPE, securityType, VTPM } from '../facts/vm-security';
import { fitting } from '../message';
import type { SessionHostNode } from '../graph';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './session-host-not-trusted-launch.md';

function check(host: SessionHostNode, ctx: RuleContext): void {
  const vm = host.vm;
  if (!judgedVm(vm)) return;
  const sec = securityType(vm);
  if (sec.type !== 'standard') return;
  const name = displayName(vm);
  const intent = isTerraform(vm)
    ? {
        kind: 'several' as const,
        intents: [
          { kind: 'set-property' as const, resource: vm.key, path: VTPM, value: true },
          { kind: 'set-property' as const, resource: vm.key, path: SECURE_BOOT, value: true },
        ],
      }
    : { kind: 'set-property' as const, resource: vm.key, path: SECURITY_TYPE, value: 'TrustedLaunch' };
  ctx.report({
    uri: vm.source.uri,
    at: sec.at,
    value: sec.value,
    message: fitting(
      `Session host ${name} is a Standard VM, not Trusted Launch: without secure boot and vTPM, boot kits and rootkits can persist below the OS.`,
      `Session host ${name} is a Standard VM, not Trusted Launch: boot kits and rootkits can persist below the OS.`,
    ),
    key: `${vm.key}|properties.securityProfile.securityType`,
    fixes: [fix('Use Trusted Launch (needs a Gen2 image; recreates the VM)', intent, true)],
  });
}

export default defineRule({
  id: 'session-host-not-trusted-launch',
  title: 'Session hosts should use Trusted Launch',
  level: 'warning',
  severity: 'medium',
  boundary: ['vm', 'kernel'],
  summary: 'Finds session host VMs whose security type is Standard (written or left out) instead of Trusted Launch or confidential.',
  docs,
  appliesTo: 'sessionHost',
  check,
});
