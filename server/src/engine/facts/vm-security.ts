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

const PROFILE = ['properties', 'securityProfile'];
export const SECURITY_TYPE = [...PROFILE, 'securityType'];
export const SECURE_BOOT = [...PROFILE, 'uefiSettings', 'secureBootEnabled'];
export const VTPM = [...PROFILE, 'uefiSettings', 'vTpmEnabled'];
export const ENCRYPTION_AT_HOST = [...PROFILE, 'encryptionAtHost'];
const DISK_ENCRYPTION = ['properties', 'storageProfile', 'osDisk', 'managedDisk', 'securityProfile', 'securityEncryptionType'];

export const isTerraform = (vm: Resource): boolean => vm.source.language === 'terraform' || vm.source.language === 'tfplan';

/** Session host VMs judged by these rules: deployed here, in a language whose VM resource has a security profile. */
export function judgedVm(vm: Resource): boolean {
  if (vm.source.existing) return false;
  // The legacy azurerm_virtual_machine has no security profile at all.
  return vm.source.nativeType !== 'azurerm_virtual_machine';
}

/**
 * The VM's security type. An absent `securityType` is Standard (the API returns 'Standard' for it from 2025-11-01);
 * Terraform has no such attribute: secure boot or vTPM on makes Trusted Launch, a disk security encryption type a
 * confidential VM.
 */
export function securityType(vm: Resource): VmSecurity {
  const head = vm.source.headRange;
  if (isTerraform(vm)) {
    if (knownString(diskEncryptionType(vm))) return { type: 'confidential', at: head };
    const flags = [get(vm.body, ...SECURE_BOOT), get(vm.body, ...VTPM)].filter((v): v is Value => !!v).map(knownBoolean);
    if (flags.includes(true)) return { type: 'trusted', at: head };
    if (flags.includes(undefined) || diskEncryptionType(vm)) return { type: 'unknown', at: head };
    return { type: isAbsent(vm.body, 'os_disk', 'security_encryption_type') || isAbsent(vm.body, 'os_disk') ? 'standard' : 'unknown', at: head };
  }
  const v = get(vm.body, ...SECURITY_TYPE);
  if (!v) return { type: isAbsent(vm.body, ...SECURITY_TYPE) ? 'standard' : 'unknown', at: head };
  const s = knownString(v)?.toLowerCase();
  const type = s === 'standard' ? 'standard' : s === 'trustedlaunch' ? 'trusted' : s === 'confidentialvm' ? 'confidential' : 'unknown';
  return { type, value: v, at: v.range };
}

/** The OS disk's confidential encryption type (`VMGuestStateOnly`, `DiskWithVMGuestState`), if written. */
export function diskEncryptionType(vm: Resource): Value | undefined {
  return isTerraform(vm) ? get(vm.body, 'os_disk', 'security_encryption_type') : get(vm.body, ...DISK_ENCRYPTION);
}
