import { displayName, sessionHostConfiguration } from '../facts/host-pools';
import { hardeningPaths, hostLabel, judged, securityType } from '../facts/vm-security';
import type { HostPoolNode, SessionHostNode } from '../graph';
import { fitting } from '../message';
import type { FixIntent } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { get, isAbsent, knownString } from '../values';
import docs from './session-host-not-trusted-launch.md';

const WHY = 'without secure boot and vTPM, boot kits and rootkits can persist below the OS';
const WHY_SHORT = 'boot kits and rootkits can persist below the OS';

function check(subject: SessionHostNode | HostPoolNode, ctx: RuleContext): void {
  if ('sessionHosts' in subject) checkConfiguration(subject, ctx);
  else checkHost(subject, ctx);
}

function checkHost(host: SessionHostNode, ctx: RuleContext): void {
  const r = host.vm;
  if (!judged(host)) return;
  const sec = securityType(r);
  if (sec.type !== 'standard') return;
  const paths = hardeningPaths(r);
  const subject = hostLabel(host, displayName(r));
  const is = host.kind === 'scaleSet' ? 'deploys Standard VMs' : 'is a Standard VM';
  // ARM's shape gets the whole security profile (merged into one that is written); Terraform has the two flags.
  const intent: FixIntent | undefined = paths.profile
    ? {
        kind: 'merge-properties',
        resource: r.key,
        path: paths.profile,
        value: { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
      }
    : paths.vtpm && paths.secureBoot
      ? {
          kind: 'several',
          intents: [
            { kind: 'set-property', resource: r.key, path: paths.vtpm, value: true },
            { kind: 'set-property', resource: r.key, path: paths.secureBoot, value: true },
          ],
        }
      : undefined;
  const recreates = host.kind === 'scaleSet' ? 'recreates the scale set' : 'recreates the VM';
  ctx.report({
    uri: r.source.uri,
    at: sec.at,
    value: sec.value,
    message: fitting(`${subject} ${is}, not Trusted Launch: ${WHY}.`, `${subject} ${is}, not Trusted Launch: ${WHY_SHORT}.`),
    key: `${r.key}|properties.securityProfile.securityType`,
    fixes: intent ? [fix(`Use Trusted Launch (needs a Gen2 image; ${recreates})`, intent, true)] : [],
  });
}

const SECURITY_INFO = ['properties', 'securityInfo'];

/**
 * Whether the API version documents Standard as the default security type (2024-04-08-preview, the first public one,
 * and later). The portal's templates still deploy an earlier private preview, with the version as a parameter, whose
 * configuration has no security information and whose VMs take their security type elsewhere.
 */
function documentsDefault(apiVersion: string | undefined): boolean {
  return !!apiVersion && /^\d{4}-\d{2}-\d{2}/.test(apiVersion) && apiVersion.slice(0, 10) >= '2024-04-08';
}

/**
 * A pool's session host configuration (preview session host management) creates its hosts: `securityInfo.type`
 * is their security type, and an absent one is Standard (the API's documented default).
 */
function checkConfiguration(pool: HostPoolNode, ctx: RuleContext): void {
  const config = sessionHostConfiguration(ctx.graph, pool);
  if (!config) return;
  const v = get(config.body, ...SECURITY_INFO, 'type');
  if (v ? knownString(v)?.toLowerCase() !== 'standard' : !isAbsent(config.body, ...SECURITY_INFO, 'type') || !documentsDefault(config.apiVersion)) return;
  const subject = `The session host configuration of host pool ${displayName(pool.resource)}`;
  ctx.report({
    uri: config.source.uri,
    at: v?.range ?? config.source.headRange,
    value: v,
    message: fitting(
      `${subject} creates Standard VMs, not Trusted Launch: ${WHY}.`,
      `${subject} creates Standard VMs, not Trusted Launch: ${WHY_SHORT}.`,
      `${subject} creates Standard VMs, not Trusted Launch.`,
    ),
    key: `${config.key}|properties.securityInfo.type`,
    fixes: [
      fix(
        'Use Trusted Launch (needs a Gen2 image; hosts get it when recreated)',
        { kind: 'merge-properties', resource: config.key, path: SECURITY_INFO, value: { type: 'TrustedLaunch', secureBootEnabled: true, vTpmEnabled: true } },
        true,
      ),
    ],
  });
}

export default defineRule({
  id: 'session-host-not-trusted-launch',
  title: 'Session hosts should use Trusted Launch',
  level: 'warning',
  severity: 'medium',
  boundary: ['vm', 'kernel'],
  summary:
    'Finds session host VMs, scale sets and session host configurations whose security type is Standard (written or left out) instead of Trusted Launch or confidential.',
  docs,
  // Session hosts (VMs and scale sets), and the session host configuration of a pool, which creates its hosts.
  appliesTo: ['sessionHost', 'hostPool'],
  local: true,
  check,
});
