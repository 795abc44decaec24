// The registry: one line per rule. The order does not matter; RULES (engine/registry.ts) follows the catalog.
export { default as hostPoolSsoDisabled } from './host-pool-sso-disabled';
export { default as mfaConditionalAccessMissing } from './mfa-conditional-access-missing';
export { default as pooledHostLocalAdmin } from './pooled-host-local-admin';
export { default as rdpClipboardRedirection } from './rdp-clipboard-redirection';
export { default as rdpDeviceRedirection } from './rdp-device-redirection';
export { default as rdpDriveRedirection } from './rdp-drive-redirection';
export { default as rdpMediaRedirection } from './rdp-media-redirection';
export { default as rdpNlaDisabled } from './rdp-nla-disabled';
export { default as rdpPropertyInvalid } from './rdp-property-invalid';
export { default as rdpUsbRedirection } from './rdp-usb-redirection';
export { default as screenCaptureProtectionMissing } from './screen-capture-protection-missing';
export { default as validationEnvironmentEnabled } from './validation-environment-enabled';
