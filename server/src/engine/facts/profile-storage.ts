import { typeOf } from '../graph/resources';
import type { AvdGraph } from '../graph';
import { identityKey, unwrap } from '../graph/identity';
import { resourceName, sameTemplate } from '../graph/resources';
import { nearest, type Targets, targetsOf } from '../graph/targets';
import { parseResourceId } from '../resource-id';
import type { Document, Range, RelatedInfo, Resource, StringPart, StringValue, Value } from '../model';
import { arrayItems, cases, get, knownString, splitString } from '../values';
import { visit as spend, visits, type Visits } from '../visits';

/**
 * Storage accounts that hold FSLogix profile containers or MSIX app attach packages, and what the workspace shows of
 * their network exposure. An account is taken for profile storage when
 * - a session host setting or script names it in an Azure Files path (`\\<account>.file.core.windows.net\<share>`) next
 *   to FSLogix words (VHDLocations, CCDLocations, FSLogix, ODFC, profile) or an app attach package reads from it;
 * - it holds a file share named for FSLogix (`fslogix`), or for profiles or app attach (`profiles`, `odfc`, `appattach`,
 *   `msix`) in a workspace with AVD resources;
 * - more weakly, a session host script mounts one of its shares for another purpose.
 * Accounts are read as ARM `Microsoft.Storage/storageAccounts` (Bicep, ARM JSON, azapi) and Terraform
 * `azurerm_storage_account` (kept unmapped: its attributes under their HCL names).
 */

export const ACCOUNT_TYPES: ReadonlySet<string> = new Set(['microsoft.storage/storageaccounts', 'terraform:azurerm_storage_account']);
const SHARE_TYPES: ReadonlySet<string> = new Set(['microsoft.storage/storageaccounts/fileservices/shares', 'terraform:azurerm_storage_share']);
const FILE_SERVICES = 'microsoft.storage/storageaccounts/fileservices';
const PRIVATE_ENDPOINT_TYPES: ReadonlySet<string> = new Set(['microsoft.network/privateendpoints', 'terraform:azurerm_private_endpoint']);
const TF_NETWORK_RULES = 'terraform:azurerm_storage_account_network_rules';

/**
 * Where session host configuration is written: VM extensions, run commands, scripts, AVD resources (app attach), and
 * the Terraform resources of the same kind that the model keeps unmapped (scale set extensions, scale sets).
 */
const SCANNED =
  /(?:^|\/)(?:extensions|runcommands|deploymentscripts|virtualmachines|virtualmachinescalesets)$|^microsoft\.desktopvirtualization\/|^terraform:azurerm_\w*(?:extension|run_command|virtual_machine|scale_set)$/;

export type EvidenceKind = 'profiles' | 'app-attach' | 'mount';

/** Why an account is taken for profile or app attach storage, and where the workspace says it. */
export interface Evidence {
  kind: EvidenceKind;
  /** A share of the account named for the purpose, or a path to one of its shares in a setting or script. */
  via: 'share' | 'path';
  uri: string;
  range: Range;
  /** The share's name, when the evidence is a share. */
  share?: string;
}

/** The strongest purpose first: evidence of FSLogix profiles, then app attach, then a share that is only mounted. */
export const PURPOSE: Record<EvidenceKind, number> = { profiles: 0, 'app-attach': 1, mount: 2 };

/** The evidence of an account's purpose, as a related location of a finding on the account. */
export function evidenceNote(e: Evidence): RelatedInfo {
  const what = e.kind === 'app-attach' ? 'app attach packages' : 'FSLogix profiles';
  const message =
    e.via === 'share'
      ? `File share '${e.share}' of the account holds ${what}`
      : e.kind === 'mount'
        ? 'A session host script mounts a share of the account here'
        : `Session hosts read ${what} from the account here`;
  return { uri: e.uri, range: e.range, message };
}

export interface ProfileStorage {
  account: Resource;
  evidence: Evidence[];
  /** A private endpoint serves the account's `file` sub-resource (or may: its sub-resources cannot be read). */
  privateEndpoint?: Resource;
  /** Terraform `azurerm_storage_account_network_rules` for the account (they replace the inline `network_rules`). */
  networkRules: Resource[];
  /**
   * A module the workspace does not follow may declare the account's private endpoint (a registry module named for
   * private endpoints, called from the account's document).
   */
  hiddenEndpoint: boolean;
}

const cache = new WeakMap<readonly Document[], ProfileStorage[]>();

/** The workspace's profile and app attach storage accounts, once per version of its documents. */
export function profileStorage(graph: AvdGraph): ProfileStorage[] {
  let found = cache.get(graph.documents);
  if (!found) cache.set(graph.documents, (found = read(graph)));
  return found;
}

function read(graph: AvdGraph): ProfileStorage[] {
  const all = [...graph.byKey.values()];
  const accounts = all.filter((r) => ACCOUNT_TYPES.has(typeOf(r)) && !r.source.existing);
  if (!accounts.length) return [];
  const targets = targetsOf(graph.documents);
  const index = new AccountIndex(targets, accounts);
  const evidence = new Map<Resource, Evidence[]>();
  const add = (account: Resource | undefined, e: Evidence) => {
    if (!account) return;
    let list = evidence.get(account);
    if (!list) evidence.set(account, (list = []));
    // A string and the interpolated value inside it may name the same path.
    if (!list.some((x) => x.uri === e.uri && x.range.start === e.range.start && x.range.end === e.range.end)) list.push(e);
  };

  const avd = graph.hostPools.length + graph.appGroups.length + graph.workspaces.length + graph.sessionHosts.length > 0;
  for (const share of all.filter((r) => SHARE_TYPES.has(typeOf(r)))) {
    const name = shareName(share);
    const kind = name !== undefined ? shareKind(name, avd) : undefined;
    if (!kind) continue;
    const at = get(share.body, 'name');
    add(index.accountOfShare(share), { kind, via: 'share', uri: share.source.uri, range: at?.range ?? share.source.headRange, share: name });
  }

  for (const r of all) {
    if (r.source.existing || !SCANNED.test(typeOf(r))) continue;
    const app = typeOf(r).startsWith('microsoft.desktopvirtualization/');
    walk(r.body, [], 0, (s, path) => {
      for (const found of fileEndpoints(s)) {
        const keys = path.join(' ');
        const text = textOf(s);
        const kind: EvidenceKind =
          app || APP_ATTACH_WORDS.test(keys) || APP_ATTACH_WORDS.test(text)
            ? 'app-attach'
            : FSLOGIX_KEYS.test(keys) || FSLOGIX_WORDS.test(text)
              ? 'profiles'
              : 'mount';
        add(index.named(found, r), { kind, via: 'path', uri: r.source.uri, range: s.range });
      }
    });
  }
  if (!evidence.size) return [];

  const endpoints = privateEndpoints(targets, all, accounts);
  const rules = new Map<Resource, Resource[]>();
  for (const r of all) {
    if (typeOf(r) !== TF_NETWORK_RULES) continue;
    const account = targets.target(get(r.body, 'storage_account_id') ?? get(r.body, 'storage_account_name'), undefined, r);
    if (account && ACCOUNT_TYPES.has(typeOf(account))) rules.set(account, [...(rules.get(account) ?? []), r]);
  }
  return accounts
    .filter((a) => evidence.has(a))
    .map((account) => ({
      account,
      evidence: evidence.get(account)!,
      privateEndpoint: endpoints.get(account),
      networkRules: rules.get(account) ?? [],
      hiddenEndpoint: graph.documents.some(
        (d) => d.uri === account.source.uri && (d.facts.unresolvedModules ?? []).some((m) => /private-?endpoint/i.test(m.reference)),
      ),
    }));
}

// A share named for the purpose: `fslogix` says it alone; profile and app attach words need AVD resources beside them.
const FSLOGIX_SHARE = /fslogix/i;
const PROFILE_SHARE = /profile|odfc/i;
const APP_ATTACH_SHARE = /app-?_?attach|msix/i;

function shareKind(name: string, avd: boolean): EvidenceKind | undefined {
  if (FSLOGIX_SHARE.test(name)) return 'profiles';
  if (!avd) return undefined;
  if (APP_ATTACH_SHARE.test(name)) return 'app-attach';
  if (PROFILE_SHARE.test(name)) return 'profiles';
  return undefined;
}

const FSLOGIX_WORDS = /vhdlocations|ccdlocations|fslogix|profile|odfc|cloudcache/i;
/** Keys that say a path is for profiles (`FSLogixPath`, `profileShare`); not `osProfile` and the like. */
const FSLOGIX_KEYS = /vhdlocation|ccdlocation|fslogix|profile(?:s|container|path|share)|odfc|cloudcache/i;
const APP_ATTACH_WORDS = /app-?_?attach|msix/i;

/**
 * What the words around a value in session host configuration say a storage account is for, as path evidence is told:
 * `keys` are the property keys that lead to it, `text` the strings around it.
 */
export function purposeOfWords(keys: string, text: string): 'profiles' | 'app-attach' | undefined {
  if (APP_ATTACH_WORDS.test(keys) || APP_ATTACH_WORDS.test(text)) return 'app-attach';
  if (FSLOGIX_KEYS.test(keys) || FSLOGIX_WORDS.test(text)) return 'profiles';
  return undefined;
}

/** The share's own name: the last segment of `account/default/share`, or Terraform's `name`. */
function shareName(share: Resource): string | undefined {
  const name = resourceName(share);
  if (name?.kind !== 'string') return undefined;
  const segments = splitString(name, '/');
  return knownString(segments[segments.length - 1]);
}

/** Walks a value's strings with the keys that lead to them (each case of a choice), to a bounded depth. */
function walk(v: Value | undefined, path: string[], depth: number, visit: (s: StringValue, path: string[]) => void, budget: Visits = visits()): void {
  if (!v || depth > 12 || !spend(budget)) return;
  switch (v.kind) {
    case 'string':
      visit(v, path);
      for (const p of v.parts) if (p.kind === 'hole') walk(p.value, path, depth + 1, visit, budget);
      return;
    case 'choice':
      for (const o of v.options) walk(o.value, path, depth + 1, visit, budget);
      return;
    case 'object':
      for (const e of v.entries) walk(e.value, [...path, e.key], depth + 1, visit, budget);
      return;
    case 'array':
      for (const item of v.items) walk(item, path, depth + 1, visit, budget);
      return;
    default:
      return;
  }
}

/** A string's known text, each interpolated part a space. */
export function textOf(s: StringValue): string {
  return s.parts.map((p) => (p.kind === 'text' ? p.text : ' ')).join('');
}

const NAME_CHAR = /[A-Za-z0-9]/;

/**
 * The account names of the Azure Files endpoints a string names (`<account>.file.core.windows.net`, or
 * `<account>.file.${environment().suffixes.storage}`): each the run of name characters and interpolations before
 * `.file.`, as a value to compare with the accounts' names.
 */
function fileEndpoints(s: StringValue): Value[] {
  const out: Value[] = [];
  s.parts.forEach((p, i) => {
    if (p.kind !== 'text') return;
    const re = /\.file\./gi;
    for (let m = re.exec(p.text); m; m = re.exec(p.text)) {
      const rest = p.text.slice(m.index + m[0].length);
      const suffix = /^core\./i.test(rest) || (rest === '' && s.parts[i + 1]?.kind === 'hole');
      if (!suffix) continue;
      const name = nameBefore(s.parts, i, m.index);
      if (name) out.push(name);
    }
  });
  return out;
}

function nameBefore(parts: StringPart[], index: number, end: number): Value | undefined {
  const picked: StringPart[] = [];
  for (let i = index; i >= 0; i--) {
    const p = parts[i];
    if (p.kind === 'hole') {
      picked.unshift(p);
      continue;
    }
    const text = i === index ? p.text.slice(0, end) : p.text;
    let start = text.length;
    while (start > 0 && NAME_CHAR.test(text[start - 1])) start--;
    if (start < text.length) picked.unshift({ kind: 'text', text: text.slice(start) });
    if (start > 0) break;
  }
  if (!picked.length) return undefined;
  if (picked.length === 1 && picked[0].kind === 'hole') return picked[0].value;
  const range = { start: 0, end: 0 };
  return { kind: 'string', parts: picked, range };
}

/** Storage accounts by every key their name can be compared by: known text, the same expression, a reference to it. */
class AccountIndex {
  private readonly byKey = new Map<string, Resource[]>();

  constructor(
    private readonly targets: Targets,
    accounts: Resource[],
  ) {
    for (const a of accounts) {
      for (const k of [...this.keys(resourceName(a)), `r:${a.key}|name`]) {
        const list = this.byKey.get(k);
        if (!list) this.byKey.set(k, [a]);
        else if (!list.includes(a)) list.push(a);
      }
    }
  }

  /** The keys of a name: of each case, through module outputs; text and interpolations compared piece by piece. */
  keys(v: Value | undefined, depth = 0): string[] {
    v = unwrap(v);
    if (!v || depth > 4) return [];
    if (v.kind === 'choice') return v.options.slice(0, 64).flatMap((o) => this.keys(o.value, depth + 1));
    if (v.kind === 'string' && v.parts.some((p) => p.kind === 'hole')) {
      let key = '';
      for (const p of v.parts) {
        if (p.kind === 'text') key += p.text.toLowerCase();
        else {
          const k = identityKey(this.targets.outputs.resolve(p.value));
          if (k === undefined) return [];
          key += `{${k}}`;
        }
      }
      return [`n:${key}`];
    }
    return this.targets.outputs.chainKeys(v);
  }

  /**
   * The deployed account a name is, seen from where it is written: the one account of that name, else the nearest (a
   * Bicep file and the template compiled from it declare the same account).
   */
  named(name: Value, from: Resource): Resource | undefined {
    const found = [...new Set(this.keys(name).flatMap((k) => this.byKey.get(k) ?? []))];
    return nearest(found, from);
  }

  /** The account a share belongs to: its parent (or the parent's parent), its `account/default/share` name, Terraform's account. */
  accountOfShare(share: Resource): Resource | undefined {
    const parent = get(share.body, 'parent');
    if (parent) {
      const p = this.targets.target(parent, undefined, share);
      if (!p) return undefined;
      if (typeOf(p) === FILE_SERVICES) {
        const up = get(p.body, 'parent');
        return up ? this.deployedAccount(this.targets.target(up, undefined, p)) : this.byNameSegment(p, 2);
      }
      return this.deployedAccount(p);
    }
    const tf = get(share.body, 'storage_account_id') ?? get(share.body, 'storage_account_name');
    if (tf) {
      const ref = unwrap(tf);
      return ref?.kind === 'ref' ? this.deployedAccount(this.targets.target(ref, undefined, share)) : this.named(tf, share);
    }
    return this.byNameSegment(share, 3);
  }

  /** The account of a child named `account/default[/share]`. */
  private byNameSegment(child: Resource, segments: number): Resource | undefined {
    const name = resourceName(child);
    if (name?.kind !== 'string') return undefined;
    const parts = splitString(name, '/');
    return parts.length === segments ? this.named(parts[0], child) : undefined;
  }

  private deployedAccount(r: Resource | undefined): Resource | undefined {
    if (!r || !ACCOUNT_TYPES.has(typeOf(r))) return undefined;
    if (!r.source.existing) return r;
    const name = resourceName(r);
    return name && this.named(name, r);
  }
}

/**
 * The private endpoint that serves each account's `file` sub-resource: ARM `privateLinkServiceConnections` (and the
 * manual ones) with `groupIds`, Terraform `private_service_connection` with `subresource_names`. A list of sub-resources
 * that cannot be read counts as `file`; an endpoint whose target cannot be followed counts for the accounts of its own
 * template.
 */
function privateEndpoints(targets: Targets, all: Resource[], accounts: Resource[]): Map<Resource, Resource> {
  const out = new Map<Resource, Resource>();
  const serve = (a: Resource, pe: Resource) => out.has(a) || out.set(a, pe);
  for (const pe of all) {
    if (!PRIVATE_ENDPOINT_TYPES.has(typeOf(pe))) continue;
    const lists = [get(pe.body, 'properties', 'privateLinkServiceConnections'), get(pe.body, 'properties', 'manualPrivateLinkServiceConnections')];
    const connections = lists.flatMap(listOf).map((c) => ({ id: get(c, 'properties', 'privateLinkServiceId'), groups: get(c, 'properties', 'groupIds') }));
    for (const e of pe.body.entries) {
      if (e.key === 'private_service_connection')
        connections.push({ id: get(e.value, 'private_connection_resource_id'), groups: get(e.value, 'subresource_names') });
    }
    // Connections that cannot be read (a body passed in whole, a `dynamic` block): the endpoint may serve any account of
    // its own template.
    const props = get(pe.body, 'properties');
    const unreadable =
      !connections.length && (pe.body.open || (typeOf(pe) === 'microsoft.network/privateendpoints' && (props?.kind !== 'object' || !!props.open)));
    if (unreadable) accounts.filter((a) => sameTemplate(a, pe)).forEach((a) => serve(a, pe));
    for (const c of connections) {
      if (!mayServeFile(c.groups)) continue;
      const target = c.id ? targets.target(c.id, undefined, pe) : undefined;
      if (target && ACCOUNT_TYPES.has(typeOf(target))) serve(target, pe);
      else if (!target && !namesOther(c.id)) accounts.filter((a) => sameTemplate(a, pe)).forEach((a) => serve(a, pe));
    }
  }
  return out;
}

/** An id that says what it points at (a type other than storage, or a known name) that is not in the workspace. */
function namesOther(id: Value | undefined): boolean {
  const v = unwrap(id);
  if (v?.kind !== 'string') return false;
  const parsed = parseResourceId(v);
  if (!parsed || parsed.kind !== 'resource') return knownString(v) !== undefined;
  return parsed.type?.toLowerCase() !== 'microsoft.storage/storageaccounts' || knownString(parsed.names[parsed.names.length - 1]) !== undefined;
}

function listOf(v: Value | undefined): Value[] {
  if (!v) return [];
  return cases(v).flatMap((c) => arrayItems(c.value) ?? [c.value]);
}

function mayServeFile(groups: Value | undefined): boolean {
  const g = unwrap(groups);
  if (g?.kind !== 'array' || g.open) return true;
  return g.items.some((item) => {
    const s = knownString(item);
    return s === undefined || s.toLowerCase() === 'file';
  });
}
