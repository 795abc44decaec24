import type { AvdGraph } from '../graph';
import { typeOf } from '../graph/resources';
import { targetsOf, type Targets } from '../graph/targets';
import type { Document, RefValue, Resource, StringValue, Value } from '../model';
import { parseResourceId } from '../resource-id';
import { cases, entry, knownBoolean, knownString } from '../values';
import { someDocumentMentions } from './mentions';
import { ACCOUNT_TYPES, textOf } from './profile-storage';
import { visit as spend, visits, type Visits } from '../visits';

/**
 * Storage account access keys and the settings that let them work: where a key read at deployment (ARM and Bicep
 * `listKeys()`, Terraform `primary_access_key` and the connection strings) is handed to a virtual machine (extension
 * settings, run commands, custom data) or to a deployment script, and how an account allows shared key access.
 */

const ARM_ACCOUNT = 'microsoft.storage/storageaccounts';

/** Terraform attributes of `azurerm_storage_account` that hold an access key. */
const KEY_ATTRIBUTES: ReadonlySet<string> = new Set([
  'primary_access_key',
  'secondary_access_key',
  'primary_connection_string',
  'secondary_connection_string',
  'primary_blob_connection_string',
  'secondary_blob_connection_string',
]);

/**
 * What runs on a virtual machine: extensions, run commands, the VM or scale set itself (custom data, user data, inline
 * extensions); Azure Arc machines too (session hosts on Azure Local).
 */
const HOST_RECEIVERS =
  /^microsoft\.compute\/(?:virtualmachines|virtualmachinescalesets)(?:\/extensions|\/runcommands|\/virtualmachines\/runcommands)?$|^microsoft\.hybridcompute\/machines(?:\/extensions|\/runcommands)?$|^terraform:azurerm_\w*(?:virtual_machine|scale_set)\w*$/;
const SCRIPT_RECEIVERS = /^microsoft\.resources\/deploymentscripts$|^terraform:azurerm_resource_deployment_script_\w+$/;

/**
 * Keys of a receiver's body that are not handed to the machine or the script: a deployment script's own storage (the
 * service needs its key), tags, dependencies.
 */
const SKIPPED: ReadonlySet<string> = new Set(['storageaccountsettings', 'storage_account', 'tags', 'dependson', 'depends_on']);

/** Commands that store the key or mount a share with it. */
const MOUNT_WORDS = /\bcmdkey\b|\bnet\s+use\b|new-psdrive|new-smbmapping|new-smbglobalmapping|\bmount\b[^\n]*\bcifs\b/i;

export interface KeyFlow {
  /** The resource the key is handed to. */
  receiver: Resource;
  to: 'host' | 'deployment-script';
  /** The reference that reads the key. */
  read: RefValue;
  /**
   * The account it is read from: the deployed one where the workspace shows it, else the `existing` declaration or data
   * source it was read through; undefined when only an id names it.
   */
  account?: Resource;
  /** The account's name when only an id names it. */
  accountName?: string;
  /** The keys that lead to the key (and a run command parameter's `name`), joined by spaces. */
  keys: string;
  /** The known text of the strings the key is written into. */
  text: string;
  /**
   * The receiver stores a credential or mounts a share (`cmdkey`, `net use`, `New-PSDrive`, `New-SmbMapping`, `mount -t
   * cifs`): in the string the key is written into, or in a script of its own that takes the key as a parameter.
   */
  mounts: boolean;
  /** The case of the receiver's settings the key is written in. */
  when: string;
}

const cache = new WeakMap<readonly Document[], KeyFlow[]>();

/** Every place the workspace hands a storage account key to a virtual machine or a deployment script, once per version of its documents. */
export function storageKeyFlows(graph: AvdGraph): KeyFlow[] {
  let found = cache.get(graph.documents);
  if (!found) cache.set(graph.documents, (found = readFlows(graph)));
  return found;
}

/** What a key read writes in some file: `listKeys()`, a Terraform key or connection string attribute. */
const KEY_WORDS = /listkeys|_access_key|_connection_string/i;

function readFlows(graph: AvdGraph): KeyFlow[] {
  if (!someDocumentMentions(graph.documents, KEY_WORDS)) return [];
  const targets = targetsOf(graph.documents);
  const out: KeyFlow[] = [];
  for (const r of graph.byKey.values()) {
    if (r.source.existing) continue;
    const type = typeOf(r);
    const to = HOST_RECEIVERS.test(type) ? 'host' : SCRIPT_RECEIVERS.test(type) ? 'deployment-script' : undefined;
    if (!to) continue;
    let mounts: boolean | undefined;
    walk(r.body, { when: '' }, 0, (ref, at) => {
      if (!readsKey(ref)) return;
      const read = keyRead(targets, ref, r);
      if (!read) return;
      const text = items(at.texts).map(textOf).join(' ');
      mounts ??= mountsShare(r.body);
      out.push({ receiver: r, to, read: ref, ...read, keys: items(at.keys).join(' '), text, mounts, when: at.when });
    });
  }
  return out;
}

/** Whether any string of a value (each case, a bounded depth) stores a credential or mounts a share. */
function mountsShare(v: Value | undefined, depth = 0): boolean {
  if (!v || depth > 24) return false;
  switch (v.kind) {
    case 'string':
      return MOUNT_WORDS.test(textOf(v)) || v.parts.some((p) => p.kind === 'hole' && mountsShare(p.value, depth + 1));
    case 'choice':
      return v.options.some((o) => mountsShare(o.value, depth + 1));
    case 'object':
      return v.entries.some((e) => !SKIPPED.has(e.key.toLowerCase()) && mountsShare(e.value, depth + 1));
    case 'array':
      return v.items.some((item) => mountsShare(item, depth + 1));
    default:
      return false;
  }
}

/** A path of keys or strings walked so far, newest last, shared by the branches below it (joined only for a key read). */
interface Chain<T> {
  item: T;
  prev?: Chain<T>;
}

interface At {
  keys?: Chain<string>;
  texts?: Chain<StringValue>;
  when: string;
}

function items<T>(c: Chain<T> | undefined): T[] {
  const out: T[] = [];
  for (let x = c; x; x = x.prev) out.push(x.item);
  return out.reverse();
}

const joinCases = (a: string, b: string) => (a && b && a !== b ? `${a} and ${b}` : a || b);

/** Walks a value to its references, with the keys, strings and cases on the way, to a bounded depth. */
function walk(v: Value | undefined, at: At, depth: number, visit: (ref: RefValue, at: At) => void, budget: Visits = visits()): void {
  if (!v || depth > 24 || !spend(budget)) return;
  switch (v.kind) {
    case 'ref':
      visit(v, at);
      return;
    case 'string': {
      if (!v.parts.some((p) => p.kind === 'hole')) return;
      const inner = { ...at, texts: { item: v, prev: at.texts } };
      for (const p of v.parts) if (p.kind === 'hole') walk(p.value, inner, depth + 1, visit, budget);
      return;
    }
    case 'choice':
      for (const o of v.options) walk(o.value, { ...at, when: joinCases(at.when, o.when) }, depth + 1, visit, budget);
      return;
    case 'object': {
      // A run command's `{ name: 'StorageAccountKey', value: ... }` says what its value is by its name.
      const name = depth > 0 ? knownString(entry(v, 'name')?.value) : undefined;
      const keys = name !== undefined ? { item: name, prev: at.keys } : at.keys;
      for (const e of v.entries) if (!SKIPPED.has(e.key.toLowerCase())) walk(e.value, { ...at, keys: { item: e.key, prev: keys } }, depth + 1, visit, budget);
      return;
    }
    case 'array':
      for (const item of v.items) walk(item, at, depth + 1, visit, budget);
      return;
    default:
      return;
  }
}

/** Whether a reference's path reads an access key (`listKeys`, a Terraform key attribute): the cheap test before resolving it. */
function readsKey(ref: RefValue): boolean {
  if (ref.path.length && KEY_ATTRIBUTES.has(ref.path[0].toLowerCase())) return true;
  return ref.path.some((p) => p.toLowerCase() === 'listkeys');
}

/** The storage account a reference reads an access key of, when it reads one. */
function keyRead(targets: Targets, ref: RefValue, from: Resource): { account?: Resource; accountName?: string } | undefined {
  const path = ref.path.map((p) => p.toLowerCase());
  const terraform = KEY_ATTRIBUTES.has(path[0]);
  if (!terraform && !path.includes('listkeys')) return undefined;
  let target = targets.target(ref, undefined, from);
  // ARM's `listKeys('<name>', '<api>')` names an account of the same template.
  if (!target && ref.targetId && knownString(ref.targetId)?.includes('/') === false) target = targets.nearestNamed(ARM_ACCOUNT, ref.targetId, from);
  if (target) {
    const type = typeOf(target);
    if (!ACCOUNT_TYPES.has(type) || terraform !== type.startsWith('terraform:')) return undefined;
    return { account: target };
  }
  // An id of an account the workspace does not declare (`listKeys(resourceId('Microsoft.Storage/storageAccounts', name), ...)`).
  const id = ref.targetId && parseResourceId(ref.targetId);
  if (terraform || !id || id.kind !== 'resource' || id.type?.toLowerCase() !== ARM_ACCOUNT) return undefined;
  const name = knownString(id.names[id.names.length - 1]);
  return name !== undefined ? { accountName: name } : {};
}

/** One case of an account setting: its value, or absent (the service default applies), or unreadable. */
export interface SettingCase {
  value?: Value;
  absent?: boolean;
  unknown?: boolean;
  when: string;
}

/** The cases of the value at a path, following each case of the objects on the way (`x ? {...} : null`). */
export function settingCases(v: Value | undefined, path: readonly string[], when = ''): SettingCase[] {
  if (!v) return [{ absent: true, when }];
  const out: SettingCase[] = [];
  for (const c of cases(v)) {
    const w = joinCases(when, c.when);
    const cur = c.value;
    if (cur.kind === 'null') out.push({ absent: true, when: w });
    else if (!path.length) out.push({ value: cur, when: w });
    else if (cur.kind === 'array' && cur.items.length === 1 && !cur.open) out.push(...settingCases(cur.items[0], path, w));
    else if (cur.kind !== 'object') out.push({ unknown: true, when: w });
    else {
      const e = entry(cur, path[0]);
      if (e) out.push(...settingCases(e.value, path.slice(1), w));
      else out.push(cur.open ? { unknown: true, when: w } : { absent: true, when: w });
    }
  }
  return out;
}

export function isTerraformAccount(account: Resource): boolean {
  return typeOf(account).startsWith('terraform:');
}

/** Where an account says whether it allows shared key access: ARM `allowSharedKeyAccess`, Terraform `shared_access_key_enabled`. */
export function sharedKeyPath(account: Resource): string[] {
  return isTerraformAccount(account) ? ['shared_access_key_enabled'] : ['properties', 'allowSharedKeyAccess'];
}

export type SharedKey = 'allowed' | 'default' | 'disabled' | 'unknown';

export interface SharedKeyCase extends SettingCase {
  state: SharedKey;
}

/** Whether the account allows shared key access, in each case: written true, absent (allowed by default), false, or unreadable. */
export function sharedKeyCases(account: Resource): SharedKeyCase[] {
  return settingCases(account.body, sharedKeyPath(account)).map((c) => {
    const b = c.value ? knownBoolean(c.value) : undefined;
    const state: SharedKey = c.absent ? 'default' : b === true ? 'allowed' : b === false ? 'disabled' : 'unknown';
    return { ...c, state };
  });
}

export type IdentitySource = 'AADKERB' | 'AD' | 'AADDS';

const IDENTITY_SOURCES: readonly IdentitySource[] = ['AADKERB', 'AD', 'AADDS'];

/**
 * The identity source Azure Files authenticates users with on the account, when it is the same known one in every
 * case (Entra Kerberos, AD DS, Entra Domain Services): ARM `azureFilesIdentityBasedAuthentication.directoryServiceOptions`,
 * Terraform `azure_files_authentication.directory_type`.
 */
export function identitySource(account: Resource): IdentitySource | undefined {
  const path = isTerraformAccount(account)
    ? ['azure_files_authentication', 'directory_type']
    : ['properties', 'azureFilesIdentityBasedAuthentication', 'directoryServiceOptions'];
  const found = new Set(settingCases(account.body, path).map((c) => IDENTITY_SOURCES.find((s) => s === knownString(c.value)?.toUpperCase())));
  return found.size === 1 ? [...found][0] : undefined;
}
