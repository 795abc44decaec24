import type { Level } from './model';

/**
 * The rule catalog: every rule avdsec has or plans, with its catalog number, id and default level (the research catalog
 * numbers rules AVD001..AVD061; the product uses the kebab-case ids, which are also the config keys, fixture folders,
 * SARIF rule ids and doc anchors). A rule's id must come from here (`RuleId` is checked by the compiler) and its default
 * level must match; planned rules are listed so that their ids are reserved.
 */
export const CATALOG = [
  { catalog: 'AVD001', id: 'pooled-host-local-admin', level: 'error', group: 'identity and access' },
  { catalog: 'AVD002', id: 'local-admin-by-script', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD003', id: 'personal-admin-scope-too-wide', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD004', id: 'host-pool-sso-disabled', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD005', id: 'legacy-entra-password-sign-in', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD006', id: 'mfa-conditional-access-missing', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD007', id: 'conditional-access-ineffective', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD008', id: 'conditional-access-misses-sso-apps', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD009', id: 'cross-organization-pooled-users', level: 'error', group: 'identity and access' },
  { catalog: 'AVD010', id: 'app-group-access-too-broad', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD011', id: 'avd-service-principal-overprivileged', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD012', id: 'remoteapp-shell-or-command-line', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD013', id: 'validation-environment-enabled', level: 'hint', group: 'identity and access' },
  { catalog: 'AVD014', id: 'cloud-identity-on-ad-joined-hosts', level: 'warning', group: 'identity and access' },
  { catalog: 'AVD015', id: 'in-session-passwordless-blocked', level: 'info', group: 'identity and access' },
  { catalog: 'AVD020', id: 'rdp-drive-redirection', level: 'warning', group: 'RDP properties' },
  { catalog: 'AVD021', id: 'rdp-clipboard-redirection', level: 'warning', group: 'RDP properties' },
  { catalog: 'AVD022', id: 'rdp-usb-redirection', level: 'warning', group: 'RDP properties' },
  { catalog: 'AVD023', id: 'rdp-device-redirection', level: 'info', group: 'RDP properties' },
  { catalog: 'AVD024', id: 'rdp-media-redirection', level: 'hint', group: 'RDP properties' },
  { catalog: 'AVD025', id: 'rdp-nla-disabled', level: 'warning', group: 'RDP properties' },
  { catalog: 'AVD026', id: 'rdp-property-invalid', level: 'warning', group: 'RDP properties' },
  { catalog: 'AVD027', id: 'screen-capture-protection-missing', level: 'info', group: 'RDP properties' },
  { catalog: 'AVD030', id: 'host-pool-public-network', level: 'warning', group: 'network' },
  { catalog: 'AVD031', id: 'workspace-public-network', level: 'info', group: 'network' },
  { catalog: 'AVD032', id: 'private-access-without-endpoint', level: 'error', group: 'network' },
  { catalog: 'AVD033', id: 'shortpath-public-udp', level: 'warning', group: 'network' },
  { catalog: 'AVD034', id: 'inbound-rdp-from-internet', level: 'error', group: 'network' },
  { catalog: 'AVD035', id: 'session-host-public-ip', level: 'error', group: 'network' },
  { catalog: 'AVD036', id: 'profile-storage-public', level: 'warning', group: 'network' },
  { catalog: 'AVD037', id: 'session-host-unrestricted-egress', level: 'info', group: 'network', offByDefault: true },
  { catalog: 'AVD040', id: 'session-host-not-trusted-launch', level: 'warning', group: 'session host hardening' },
  { catalog: 'AVD041', id: 'trusted-launch-incomplete', level: 'warning', group: 'session host hardening' },
  { catalog: 'AVD042', id: 'encryption-at-host-disabled', level: 'info', group: 'session host hardening' },
  { catalog: 'AVD043', id: 'defender-for-servers-missing', level: 'info', group: 'session host hardening' },
  { catalog: 'AVD044', id: 'automatic-patching-disabled', level: 'info', group: 'session host hardening' },
  { catalog: 'AVD050', id: 'registration-token-hardcoded', level: 'error', group: 'secrets' },
  { catalog: 'AVD051', id: 'registration-token-exposed', level: 'error', group: 'secrets' },
  { catalog: 'AVD052', id: 'registration-token-long-lived', level: 'warning', group: 'secrets' },
  { catalog: 'AVD053', id: 'domain-join-secret-unprotected', level: 'error', group: 'secrets' },
  { catalog: 'AVD054', id: 'admin-password-unprotected', level: 'error', group: 'secrets' },
  { catalog: 'AVD055', id: 'profile-storage-shared-key', level: 'warning', group: 'secrets' },
  { catalog: 'AVD060', id: 'host-pool-diagnostics-missing', level: 'warning', group: 'monitoring' },
  { catalog: 'AVD061', id: 'workspace-diagnostics-missing', level: 'info', group: 'monitoring' },
] as const satisfies readonly CatalogEntry[];

export type RuleGroup = 'identity and access' | 'RDP properties' | 'network' | 'session host hardening' | 'secrets' | 'monitoring';

export interface CatalogEntry {
  catalog: `AVD${number}`;
  id: string;
  level: Level;
  group: RuleGroup;
  /** The rule only runs when .avdsec.json turns it on. */
  offByDefault?: true;
}

/** The id of a rule in the catalog. */
export type RuleId = (typeof CATALOG)[number]['id'];

export function catalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.id === id);
}
