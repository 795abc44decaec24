import { displayName } from '../facts/host-pools';
import { diskEncryptionType, ENCRYPTION_AT_HOST, judgedVm, securityType } from '../facts/vm-security';
import type { SessionHostNode } from '../graph';
import { fitting } from '../message';
import { defineRule, fix, type RuleContext } from '../rule';
import { get, isAbsent, knownBoolean, knownString } from '../values';
import docs from './encryption-at-host-disabled.md';

function check(host: SessionHostNode, ctx: RuleContext): void {
  const vm = host.vm;
  if (!judgedVm(vm)) return;
  // A confidential VM whose OS disk is encrypted with keys bound to its vTPM is covered.
  const sec = securityType(vm);
  if (sec.type === 'unknown') return;
  const disk = diskEncryptionType(vm);
  if (disk && knownString(disk) === undefined) return;
  if (sec.type === 'confidential' && knownString(disk)?.toLowerCase() === 'diskwithvmgueststate') return;
  const v = get(vm.body, ...ENCRYPTION_AT_HOST);
  const off = v ? knownBoolean(v) === false : isAbsent(vm.body, ...ENCRYPTION_AT_HOST);
  if (!off) return;
  const name = displayName(vm);
  ctx.report({
    uri: vm.source.uri,
    at: v?.range ?? vm.source.headRange,
    value: v,
    message: fitting(
      `Session host ${name} does not encrypt at host, so its temp disk and disk caches are stored unencrypted on the Azure host.`,
      `Session host ${name} does not encrypt at host: its temp disk and caches are unencrypted on the host.`,
    ),
    key: `${vm.key}|properties.securityProfile.encryptionAtHost`,
    fixes: [fix('Turn on encryption at host', { kind: 'set-property', resource: vm.key, path: ENCRYPTION_AT_HOST, value: true }, true)],
  });
}

export default defineRule({
  id: 'encryption-at-host-disabled',
  title: 'Session hosts should encrypt their disks at the host',
  level: 'info',
  severity: 'low',
  boundary: ['vm'],
  summary: 'Finds session host VMs without encryption at host, except confidential VMs whose OS disk is encrypted with the VM guest state.',
  docs,
  appliesTo: 'sessionHost',
  check,
});
