import type { Rule } from '../rule';
import hostPoolSsoDisabled from './host-pool-sso-disabled';
import mfaConditionalAccessMissing from './mfa-conditional-access-missing';
import pooledHostLocalAdmin from './pooled-host-local-admin';
import rdpClipboardRedirection from './rdp-clipboard-redirection';
import rdpDeviceRedirection from './rdp-device-redirection';
import rdpDriveRedirection from './rdp-drive-redirection';
import rdpMediaRedirection from './rdp-media-redirection';
import rdpNlaDisabled from './rdp-nla-disabled';
import rdpPropertyInvalid from './rdp-property-invalid';
import rdpUsbRedirection from './rdp-usb-redirection';
import screenCaptureProtectionMissing from './screen-capture-protection-missing';

/** Every rule, in the order of the catalog. The registry is explicit: a rule not listed here does not run. */
export const RULES: readonly Rule[] = [
  pooledHostLocalAdmin,
  hostPoolSsoDisabled,
  mfaConditionalAccessMissing,
  rdpDriveRedirection,
  rdpClipboardRedirection,
  rdpUsbRedirection,
  rdpDeviceRedirection,
  rdpMediaRedirection,
  rdpNlaDisabled,
  rdpPropertyInvalid,
  screenCaptureProtectionMissing,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
