import { displayName } from '../facts/host-pools';
import { diskEncryptionType, hardeningPaths, hostLabel, judged, securityType } from '../facts/vm-security';
import type { SessionHostNode } from '../graph';
import { fitting } from '../message';
import { defineRule, fix, type RuleContext } from '../rule';
import { get, isAbsent, knownBoolean, knownString } from '../values';
import docs from './encryption-at-host-disabled.md';

function check(host: SessionHostNode, ctx: RuleContext): void {
  const r = host.vm;
  if (!judged(host)) return;
  const paths = hardeningPaths(r);
  if (!paths.encryptionAtHost) return;
  // A confidential VM whose OS disk is encrypted with keys bound to its vTPM is covered. A type that cannot be
  // confidential (Terraform's flexible scale set) has no security type to wait for.
  const sec = securityType(r);
  if (sec.type === 'unknown' && paths.secureBoot) return;
  const disk = diskEncryptionType(r);
  if (disk && knownString(disk) === undefined) return;
  if (sec.type === 'confidential' && knownString(disk)?.toLowerCase() === 'diskwithvmgueststate') return;
  const v = get(r.body, ...paths.encryptionAtHost);
  const off = v ? knownBoolean(v) === false : isAbsent(r.body, ...paths.encryptionAtHost);
  if (!off) return;
  const subject = hostLabel(host, displayName(r));
  const what = host.kind === 'scaleSet' ? "its instances' temp disks and disk caches are" : 'its temp disk and disk caches are';
  ctx.report({
    uri: r.source.uri,
    at: v?.range ?? r.source.headRange,
    value: v,
    message: fitting(
      `${subject} does not encrypt at host, so ${what} stored unencrypted on the Azure host.`,
      `${subject} does not encrypt at host: ${host.kind === 'scaleSet' ? 'temp disks' : 'its temp disk'} and caches are unencrypted on the host.`,
      `${subject} does not encrypt at host.`,
    ),
    key: `${r.key}|properties.securityProfile.encryptionAtHost`,
    fixes: [fix('Turn on encryption at host', { kind: 'set-property', resource: r.key, path: paths.encryptionAtHost, value: true }, true)],
  });
}

export default defineRule({
  id: 'encryption-at-host-disabled',
  title: 'Session hosts should encrypt their disks at the host',
  level: 'info',
  severity: 'low',
  boundary: ['vm'],
  summary: 'Finds session host VMs and scale sets without encryption at host, except confidential VMs whose OS disk is encrypted with the VM guest state.',
  docs,
  appliesTo: 'sessionHost',
  local: true,
  check,
});
