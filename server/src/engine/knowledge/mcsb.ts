import type { RuleId } from '../rule-catalog';

/**
 * The Microsoft cloud security benchmark (v1) controls the Azure Virtual Desktop security baseline applies, and which of
 * them each rule supports: a finding is evidence about that control. Control names as the benchmark writes them.
 */
export const MCSB = {
  name: 'MCSB',
  fullName: 'Microsoft cloud security benchmark',
  version: '1.0',
  informationUri: 'https://learn.microsoft.com/security/benchmark/azure/baselines/azure-virtual-desktop-security-baseline',
} as const;

export const MCSB_CONTROLS = {
  'NS-1': 'Establish network segmentation boundaries',
  'NS-2': 'Secure cloud services with network controls',
  'IM-1': 'Use centralized identity and authentication system',
  'IM-3': 'Manage application identities securely and automatically',
  'IM-7': 'Restrict resource access based on conditions',
  'IM-8': 'Restrict the exposure of credentials and secrets',
  'PA-1': 'Separate and limit highly privileged/administrative users',
  'PA-7': 'Follow just enough administration (least privilege) principle',
  'DP-2': 'Monitor anomalies and threats targeting sensitive data',
  'DP-4': 'Enable data at rest encryption by default',
  'LT-1': 'Enable threat detection capabilities',
  'LT-4': 'Enable logging for security investigation',
  'ES-1': 'Use Endpoint Detection and Response (EDR)',
  'PV-3': 'Define and establish secure configurations for compute resources',
  'PV-6': 'Rapidly and automatically remediate vulnerabilities',
} as const;

export type McsbControl = keyof typeof MCSB_CONTROLS;

const SUPPORTS: Record<RuleId, readonly McsbControl[]> = {
  'pooled-host-local-admin': ['PA-1', 'PA-7'],
  'local-admin-by-script': ['PA-1'],
  'personal-admin-scope-too-wide': ['PA-7'],
  'host-pool-sso-disabled': ['IM-1'],
  'legacy-entra-password-sign-in': ['IM-1'],
  'mfa-conditional-access-missing': ['IM-7'],
  'conditional-access-ineffective': ['IM-7'],
  'conditional-access-misses-sso-apps': ['IM-7'],
  'cross-organization-pooled-users': ['IM-1', 'PA-7'],
  'app-group-access-too-broad': ['PA-7'],
  'avd-service-principal-overprivileged': ['IM-3', 'PA-7'],
  'remoteapp-shell-or-command-line': ['PA-7', 'PV-3'],
  'validation-environment-enabled': ['PV-3'],
  'cloud-identity-on-ad-joined-hosts': ['IM-1'],
  'in-session-passwordless-blocked': ['IM-1'],
  'rdp-drive-redirection': ['DP-2'],
  'rdp-clipboard-redirection': ['DP-2'],
  'rdp-usb-redirection': ['DP-2'],
  'rdp-device-redirection': ['DP-2'],
  'rdp-media-redirection': ['DP-2'],
  'rdp-nla-disabled': ['IM-1'],
  'rdp-property-invalid': ['PV-3'],
  'screen-capture-protection-missing': ['DP-2'],
  'host-pool-public-network': ['NS-2'],
  'workspace-public-network': ['NS-2'],
  'private-access-without-endpoint': ['NS-2'],
  'shortpath-public-udp': ['NS-1', 'NS-2'],
  'inbound-rdp-from-internet': ['NS-1'],
  'session-host-public-ip': ['NS-1'],
  'profile-storage-public': ['NS-2'],
  'session-host-unrestricted-egress': ['NS-1'],
  'session-host-not-trusted-launch': ['PV-3'],
  'trusted-launch-incomplete': ['PV-3', 'LT-1'],
  'encryption-at-host-disabled': ['DP-4'],
  'defender-for-servers-missing': ['LT-1', 'ES-1'],
  'automatic-patching-disabled': ['PV-6'],
  'registration-token-hardcoded': ['IM-8'],
  'registration-token-exposed': ['IM-8'],
  'registration-token-long-lived': ['IM-8'],
  'domain-join-secret-unprotected': ['IM-8'],
  'admin-password-unprotected': ['IM-8', 'PA-1'],
  'profile-storage-shared-key': ['IM-1', 'IM-8'],
  'host-pool-diagnostics-missing': ['LT-4'],
  'workspace-diagnostics-missing': ['LT-4'],
};

/** The benchmark controls a rule supports, in the benchmark's order. */
export function mcsbControlsOf(ruleId: string): readonly McsbControl[] {
  return SUPPORTS[ruleId as RuleId] ?? [];
}

/** "NS-2 Secure cloud services with network controls" */
export function mcsbLabel(control: McsbControl): string {
  return `${control} ${MCSB_CONTROLS[control]}`;
}

/** The control's anchor on the Azure Virtual Desktop security baseline page. */
export function mcsbUri(control: McsbControl): string {
  const slug = `${control} ${MCSB_CONTROLS[control]}`
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
  return `${MCSB.informationUri}#${slug}`;
}
