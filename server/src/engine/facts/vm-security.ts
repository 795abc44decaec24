import type { SessionHostNode } from '../graph';
import { SCALE_SET } from '../graph/session-hosts';
import { typeOf } from '../graph/resources';
import type { Range, Resource, Value } from '../model';
import { get, isAbsent, knownBoolean, knownString } from '../values';

export type SecurityType = 'standard' | 'trusted' | 'confidential' | 'unknown';

export interface VmSecurity {
  type: SecurityType;
  /** The written security type (ARM, Bicep); absent in Terraform, which has no such attribute. */
  value?: Value;
  /** Where a finding on the security type points: the value, else the resource's head. */
  at: Range;
}

/**
 * Where a session host's hardening settings sit in its body: under `properties` for a VM, under
 * `properties.virtualMachineProfile` for a scale set (ARM, Bicep, azapi); Terraform's VMs have the mapped security
 * attributes at those ARM paths and the rest under their own names, and its scale sets keep every attribute's name.
 * A path is absent when the resource type cannot express the setting at all.
 */
export interface HardeningPaths {
  /** The security profile object (ARM), which a fix may insert whole. */
  profile?: string[];
  /** The security type (ARM); Terraform tells it from the flags and the disk's encryption type. */
  securityType?: string[];
  /** The UEFI settings object (ARM) that holds the two flags. */
  uefi?: string[];
  secureBoot?: string[];
  vtpm?: string[];
  encryptionAtHost?: string[];
  /** The OS disk's confidential encryption type (`VMGuestStateOnly`, `DiskWithVMGuestState`). */
  diskEncryption?: string[];
  /** Where automatic updates are turned on or off (azurerm 4.x and 3.x names, the legacy blocks). */
  automaticUpdates: string[][];
  patchMode: string[][];
  /** A scale set's automatic OS image upgrade: its instances are then patched by replacing their image. */
  automaticOsUpgrade: string[][];
}

function armPaths(base: string[]): HardeningPaths {
  const profile = [...base, 'securityProfile'];
  const windows = [...base, 'osProfile', 'windowsConfiguration'];
  return {
    profile,
    securityType: [...profile, 'securityType'],
    uefi: [...profile, 'uefiSettings'],
    secureBoot: [...profile, 'uefiSettings', 'secureBootEnabled'],
    vtpm: [...profile, 'uefiSettings', 'vTpmEnabled'],
    encryptionAtHost: [...profile, 'encryptionAtHost'],
    diskEncryption: [...base, 'storageProfile', 'osDisk', 'managedDisk', 'securityProfile', 'securityEncryptionType'],
    automaticUpdates: [[...windows, 'enableAutomaticUpdates']],
    patchMode: [[...windows, 'patchSettings', 'patchMode']],
    automaticOsUpgrade: [],
  };
}

const VM = armPaths(['properties']);
const SCALE_SET_PATHS: HardeningPaths = {
  ...armPaths(['properties', 'virtualMachineProfile']),
  automaticOsUpgrade: [['properties', 'upgradePolicy', 'automaticOSUpgradePolicy', 'enableAutomaticOSUpgrade']],
};
const TF_VM: HardeningPaths = {
  secureBoot: VM.secureBoot,
  vtpm: VM.vtpm,
  encryptionAtHost: VM.encryptionAtHost,
  diskEncryption: ['os_disk', 'security_encryption_type'],
  automaticUpdates: [['automatic_updates_enabled'], ['enable_automatic_updates'], ['os_profile_windows_config', 'enable_automatic_upgrades']],
  patchMode: [['patch_mode']],
  automaticOsUpgrade: [],
};
const TF_WINDOWS_SCALE_SET: HardeningPaths = {
  secureBoot: ['secure_boot_enabled'],
  vtpm: ['vtpm_enabled'],
  encryptionAtHost: ['encryption_at_host_enabled'],
  diskEncryption: ['os_disk', 'security_encryption_type'],
  automaticUpdates: [['automatic_updates_enabled'], ['enable_automatic_updates']],
  patchMode: [],
  // azurerm 5.x and the earlier name.
  automaticOsUpgrade: [
    ['automatic_os_upgrade_policy', 'automatic_os_upgrade_enabled'],
    ['automatic_os_upgrade_policy', 'enable_automatic_os_upgrade'],
  ],
};
// The flexible scale set of azurerm has no secure boot, vTPM or confidential disk attributes.
const TF_ORCHESTRATED: HardeningPaths = {
  encryptionAtHost: ['encryption_at_host_enabled'],
  automaticUpdates: [
    ['os_profile', 'windows_configuration', 'automatic_updates_enabled'],
    ['os_profile', 'windows_configuration', 'enable_automatic_updates'],
  ],
  patchMode: [['os_profile', 'windows_configuration', 'patch_mode']],
  automaticOsUpgrade: [],
};
// The legacy azurerm_virtual_machine and azurerm_virtual_machine_scale_set have no security profile at all.
const TF_LEGACY: HardeningPaths = { automaticUpdates: [['os_profile_windows_config', 'enable_automatic_upgrades']], patchMode: [], automaticOsUpgrade: [] };

export const isTerraform = (r: Resource): boolean => r.source.language === 'terraform' || r.source.language === 'tfplan';

/** The paths of a session host's hardening settings (see HardeningPaths). */
export function hardeningPaths(r: Resource): HardeningPaths {
  const t = typeOf(r);
  if (isTerraform(r)) {
    switch (r.source.nativeType) {
      case 'azurerm_virtual_machine':
      case 'azurerm_virtual_machine_scale_set':
        return TF_LEGACY;
      case 'azurerm_windows_virtual_machine_scale_set':
        return TF_WINDOWS_SCALE_SET;
      case 'azurerm_orchestrated_virtual_machine_scale_set':
        return TF_ORCHESTRATED;
      case 'azapi_resource':
        return t === SCALE_SET ? SCALE_SET_PATHS : VM;
      default:
        return TF_VM;
    }
  }
  return t === SCALE_SET ? SCALE_SET_PATHS : VM;
}

/** Session hosts judged by the hardening rules: deployed here (not `existing`). */
export function judged(host: SessionHostNode): boolean {
  return !host.vm.source.existing;
}

/** What a message calls the host: `Session host 'x'`, or `Session host scale set 'x'` (lower case inside a sentence). */
export function hostLabel(host: SessionHostNode, name: string): string {
  return host.kind === 'scaleSet' ? `Session host scale set ${name}` : `Session host ${name}`;
}

/**
 * The host's security type. An absent `securityType` is Standard (the API returns 'Standard' for it from 2025-11-01);
 * Terraform has no such attribute: secure boot or vTPM on makes Trusted Launch, a disk security encryption type a
 * confidential VM. Unknown for a resource type that cannot express it (nothing to change there).
 */
export function securityType(r: Resource): VmSecurity {
  const head = r.source.headRange;
  const paths = hardeningPaths(r);
  if (!paths.secureBoot || !paths.vtpm) return { type: 'unknown', at: head };
  if (!paths.securityType) {
    const disk = diskEncryptionType(r);
    if (knownString(disk)) return { type: 'confidential', at: head };
    const flags = [get(r.body, ...paths.secureBoot), get(r.body, ...paths.vtpm)].filter((v): v is Value => !!v).map(knownBoolean);
    if (flags.includes(true)) return { type: 'trusted', at: head };
    if (flags.includes(undefined) || disk) return { type: 'unknown', at: head };
    return { type: isAbsent(r.body, 'os_disk', 'security_encryption_type') || isAbsent(r.body, 'os_disk') ? 'standard' : 'unknown', at: head };
  }
  const v = get(r.body, ...paths.securityType);
  if (!v) return { type: isAbsent(r.body, ...paths.securityType) ? 'standard' : 'unknown', at: head };
  const s = knownString(v)?.toLowerCase();
  const type = s === 'standard' ? 'standard' : s === 'trustedlaunch' ? 'trusted' : s === 'confidentialvm' ? 'confidential' : 'unknown';
  return { type, value: v, at: v.range };
}

/** The OS disk's confidential encryption type (`VMGuestStateOnly`, `DiskWithVMGuestState`), if written. */
export function diskEncryptionType(r: Resource): Value | undefined {
  const path = hardeningPaths(r).diskEncryption;
  return path && get(r.body, ...path);
}
