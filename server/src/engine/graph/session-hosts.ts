import type { ObjectEntry, ObjectValue, Resource, Value } from '../model';
import { arrayItems, cases, get, getPath, knownBoolean, knownString, splitString } from '../values';
import type { HostPoolNode } from './host-pools';
import { linkHint, linkPathsOf, linkValue, TYPES } from './links';
import { parentNameOf, resourceName, typeIs, typeOf } from './resources';
import { nearest, type Targets } from './targets';
import { visit, visits, type Visits } from '../visits';

export type JoinType = 'entra' | 'ad' | 'mixed' | 'unknown';

/**
 * Scale sets whose instances can be session hosts: ARM's, and Terraform's Windows, flexible (orchestrated) and legacy
 * ones, which keep their HCL shape (the mapping table leaves them out).
 */
/** The ARM type of a scale set (what azapi and ARM write). */
export const SCALE_SET = 'microsoft.compute/virtualmachinescalesets';

export const SCALE_SET_TYPES: ReadonlySet<string> = new Set([
  SCALE_SET,
  'terraform:azurerm_windows_virtual_machine_scale_set',
  'terraform:azurerm_orchestrated_virtual_machine_scale_set',
  'terraform:azurerm_virtual_machine_scale_set',
]);

/** A scale set's extension declared as a resource of its own (Terraform's `azurerm_virtual_machine_scale_set_extension` maps to it). */
export const SCALE_SET_EXTENSION = 'microsoft.compute/virtualmachinescalesets/extensions';

export interface SessionHostNode {
  /** The virtual machine, or the scale set whose instances are the session hosts (see `kind`). */
  vm: Resource;
  /** A virtual machine, or a scale set: its settings sit under `properties.virtualMachineProfile` (ARM). */
  kind: 'vm' | 'scaleSet';
  /**
   * Extensions and run commands declared as resources of their own. A scale set's inline extensions are not here (they
   * are part of its body, which an edit may move): inlineExtensions() reads them.
   */
  extensions: Resource[];
  hostPool?: HostPoolNode;
  /** How the host was linked to its pool: the DSC registration settings, the registration token, a tag. */
  link?: 'host-pool-name' | 'registration-token' | 'tag';
  joinType: JoinType;
  /** The extension that shows the join type (for related information). */
  joinEvidence?: Resource;
}

/** Virtual machines with their extensions, linked to the host pool they register with. */
export function sessionHostNodes(targets: Targets, poolOf: Map<Resource, HostPoolNode>): SessionHostNode[] {
  const nodes = new Map<Resource, SessionHostNode>();
  const node = (vm: Resource, kind: SessionHostNode['kind']) => {
    let n = nodes.get(vm);
    if (!n) nodes.set(vm, (n = { vm, kind, extensions: [], joinType: 'unknown' }));
    return n;
  };
  for (const vm of targets.ofType(TYPES.vm)) node(vm, 'vm');
  for (const t of SCALE_SET_TYPES) for (const ss of targets.ofType(t)) node(ss, 'scaleSet');
  for (const ext of [...targets.ofType(TYPES.extension), ...targets.ofType(TYPES.runCommand)]) {
    const vm = extensionParent(targets, ext);
    if (vm) node(vm, 'vm').extensions.push(ext);
  }
  for (const ext of targets.ofType(SCALE_SET_EXTENSION)) {
    const ss = scaleSetParent(targets, ext);
    if (ss) node(ss, 'scaleSet').extensions.push(ext);
  }
  for (const n of nodes.values()) {
    joinType(n);
    const linked = linkHostPool(targets, n);
    if (linked) {
      n.hostPool = poolOf.get(linked.pool);
      n.link = linked.link;
      n.hostPool?.sessionHosts.push(n);
    }
  }
  // A VM counts as a session host when it is linked to a pool or registers with one (DSC / agent extension).
  return [...nodes.values()].filter((n) => n.hostPool || allExtensions(n).some(isAvdAgentExtension));
}

function scaleSetParent(targets: Targets, ext: Resource): Resource | undefined {
  const byRef = targets.target(linkValue(ext, TYPES.extension, 'parent'), undefined, ext);
  if (byRef) return SCALE_SET_TYPES.has(typeOf(byRef)) ? byRef : undefined;
  const parentName = parentNameOf(ext);
  if (!parentName) return undefined;
  for (const t of SCALE_SET_TYPES) {
    const ss = targets.nearestNamed(t, parentName, ext);
    if (ss) return ss;
  }
  return undefined;
}

/** The extensions that tell a host's pool and join type: its own resources, and a scale set's inline ones. */
function allExtensions(n: SessionHostNode): Resource[] {
  return n.kind === 'scaleSet' ? [...n.extensions, ...inlineExtensions(n.vm)] : n.extensions;
}

const inlineCache = new WeakMap<Resource, Resource[]>();
const inline = new WeakSet<Resource>();

/**
 * A scale set's inline extensions (ARM `virtualMachineProfile.extensionProfile.extensions`, Terraform `extension`
 * blocks), each read as an extension resource of ARM shape (`name`, `properties.publisher`, `type`, `settings`,
 * `protectedSettings`, ...) that stands where the extension is written. Empty for other resources.
 */
export function inlineExtensions(host: Resource): Resource[] {
  let list = inlineCache.get(host);
  if (!list) {
    list = [];
    if (SCALE_SET_TYPES.has(typeOf(host))) {
      const arm = arrayItems(get(host.body, 'properties', 'virtualMachineProfile', 'extensionProfile', 'extensions')) ?? [];
      const hcl = host.body.entries.filter((e) => e.key === 'extension').map((e) => e.value);
      for (const item of [...arm, ...hcl]) {
        if (item.kind !== 'object') continue;
        const body = arm.includes(item) ? item : armShaped(item);
        const r: Resource = {
          key: `${host.key}|extension@${list.length}`,
          type: 'Microsoft.Compute/virtualMachineScaleSets/extensions',
          body,
          source: { ...host.source, range: item.range, headRange: item.range, symbol: undefined, nativeType: undefined },
        };
        inline.add(r);
        list.push(r);
      }
    }
    inlineCache.set(host, list);
  }
  return list;
}

/** Terraform's extension attribute names, as ARM's properties of an extension. */
const HCL_EXTENSION: Record<string, string> = {
  publisher: 'publisher',
  type: 'type',
  type_handler_version: 'typeHandlerVersion',
  auto_upgrade_minor_version: 'autoUpgradeMinorVersion',
  auto_upgrade_minor_version_enabled: 'autoUpgradeMinorVersion',
  settings: 'settings',
  protected_settings: 'protectedSettings',
};

function armShaped(block: ObjectValue): ObjectValue {
  const props: ObjectEntry[] = [];
  const top: ObjectEntry[] = [];
  for (const e of block.entries) {
    const key = HCL_EXTENSION[e.key];
    // Read through the entry: a lazy entry's value is a getter, which a spread would drop.
    if (key) props.push({ key, keyRange: e.keyRange, value: e.value });
    else top.push(e);
  }
  const empty = { start: block.range.start, end: block.range.start };
  return {
    ...block,
    entries: [...top, { key: 'properties', keyRange: empty, value: { kind: 'object', entries: props, range: block.range, open: block.open } }],
  };
}

function extensionParent(targets: Targets, ext: Resource): Resource | undefined {
  const byRef = targets.target(linkValue(ext, TYPES.extension, 'parent'), TYPES.vm, ext);
  if (byRef) return byRef;
  const vmId = typeIs(ext, TYPES.extension) ? linkValue(ext, TYPES.extension, 'vm') : undefined;
  if (vmId) return targets.target(vmId, TYPES.vm, ext);
  const parentName = parentNameOf(ext);
  if (!parentName) return undefined;
  return targets.nearestNamed(TYPES.vm, parentName, ext);
}

function joinType(n: SessionHostNode): void {
  let entra: Resource | undefined;
  let ad: Resource | undefined;
  for (const ext of allExtensions(n)) {
    // An extension deployed only under a condition not known to hold (the identity solution a parameter picks) does not
    // tell the join type; a loop's count does not make it uncertain.
    if (ext.source.condition && knownBoolean(ext.source.condition) !== true) continue;
    const type = factsOf(ext).type;
    if (type === 'aadloginforwindows') entra ??= ext;
    else if (type === 'jsonaddomainextension') ad ??= ext;
    else if (isAvdAgentExtension(ext)) {
      const aad = knownBoolean(linkValue(ext, TYPES.extension, 'aadJoin'));
      if (aad === true) entra ??= ext;
    }
  }
  n.joinType = entra && ad ? 'mixed' : entra ? 'entra' : ad ? 'ad' : 'unknown';
  const evidence = entra ?? ad;
  // An inline extension is part of the scale set's body: the scale set itself is what stays in place after an edit.
  n.joinEvidence = evidence && inline.has(evidence) ? n.vm : evidence;
}

function linkHostPool(targets: Targets, n: SessionHostNode): { pool: Resource; link: SessionHostNode['link'] } | undefined {
  for (const ext of allExtensions(n)) {
    // A Custom Script or run command that registers the VM with the pool's token (`listRegistrationTokens()`).
    const facts = factsOf(ext);
    for (const token of [...facts.tokens, ...facts.secrets]) {
      const pool = tokenPool(targets, token, ext);
      if (pool) return { pool, link: 'registration-token' };
    }
    if (!isAvdAgentExtension(ext)) continue;
    const byToken = tokenPool(targets, linkValue(ext, TYPES.extension, 'registrationToken'), ext);
    if (byToken) return { pool: byToken, link: 'registration-token' };
    const name = linkValue(ext, TYPES.extension, 'hostPool');
    if (name) {
      const byRef = targets.target(name, TYPES.hostPool, ext);
      if (byRef) return { pool: byRef, link: 'host-pool-name' };
      const match = nearest(targets.named(TYPES.hostPool, name), ext);
      if (match) return { pool: match, link: 'host-pool-name' };
    }
  }
  const tag = linkHint(n.vm, TYPES.vm, 'hostPool');
  const byTag = tag && targets.target(tag, TYPES.hostPool, n.vm);
  if (byTag) return { pool: byTag, link: 'tag' };
  return undefined;
}

/**
 * The host pool a registration token value comes from: a reference into the pool (its `registrationInfo.token`), or a
 * Key Vault secret that such a reference was written to.
 */
function tokenPool(targets: Targets, token: Value | undefined, from: Resource, depth = 0): Resource | undefined {
  token = targets.outputs.resolve(token);
  if (!token || depth > 4) return undefined;
  if (token.kind === 'choice') {
    for (const c of token.options) {
      const p = tokenPool(targets, c.value, from, depth);
      if (p) return p;
    }
    return undefined;
  }
  if (token.kind !== 'ref') return undefined;
  const secret = secretRead(targets, token, from);
  if (secret) return tokenPool(targets, linkValue(secret, TYPES.secret, 'value'), secret, depth + 1);
  const target = targets.target(token, undefined, from);
  if (target) return typeIs(target, TYPES.hostPool) ? target : undefined;
  // ARM's `reference(<name>)` of a pool deployed by the same template names it, not its id.
  return token.targetId && !token.target ? nearest(targets.named(TYPES.hostPool, token.targetId), from) : undefined;
}

/**
 * The Key Vault secret a reference reads: `kv.getSecret(name)` (a Key Vault reference in ARM) names a secret of that
 * vault; a Terraform `data.azurerm_key_vault_secret.x.value` stands for the secret the workspace writes under its name.
 */
function secretRead(targets: Targets, ref: Extract<Value, { kind: 'ref' }>, from: Resource): Resource | undefined {
  const path = ref.path.map((p) => p.toLowerCase());
  const at = path.indexOf('getsecret');
  if (at >= 0) {
    const name = ref.path[at + 1]?.toLowerCase();
    const vault = targets.target({ ...ref, path: ref.path.slice(0, at) }, TYPES.keyVault, from);
    if (name === undefined || !vault) return undefined;
    const written = targets.ofType(TYPES.secret).filter((s) => !s.source.existing && secretNames(s).includes(name) && secretVault(targets, s) === vault);
    return nearest(written, from);
  }
  const target = ref.target ? targets.byKey.get(ref.target) : undefined;
  if (!target || !typeIs(target, TYPES.secret) || path[path.length - 1] !== 'value') return undefined;
  const secret = targets.deployed(target);
  return secret.source.existing ? undefined : secret;
}

/** The names a secret may have (each case of a module's parameter), the vault's `vault/` prefix left out. */
function secretNames(secret: Resource): string[] {
  return cases(resourceName(secret) ?? { kind: 'null', range: secret.source.headRange }).flatMap((c) => {
    // `vault/secret` with the vault's name not known (a parameter, an output) still says the secret's.
    const last = c.value.kind === 'string' ? splitString(c.value, '/').pop() : undefined;
    const s = knownString(last);
    return s === undefined ? [] : [s.toLowerCase()];
  });
}

/** The vault a secret is written to: its `parent`, or the vault its `vault/secret` name names. */
function secretVault(targets: Targets, secret: Resource): Resource | undefined {
  const byLink = targets.target(linkValue(secret, TYPES.secret, 'vault'), TYPES.keyVault, secret);
  if (byLink) return byLink;
  const parent = parentNameOf(secret);
  return parent ? nearest(targets.named(TYPES.keyVault, parent), secret) : undefined;
}

/** Extension types (lower case) that run a script, which may register the VM with a host pool's token. */
const SCRIPT_EXTENSIONS: ReadonlySet<string> = new Set(['dsc', 'customscriptextension', 'customscript']);

/** References to a host pool's registration token anywhere in an extension's or run command's properties. */
function findTokens(v: Value | undefined, out: Value[], secrets?: Value[], depth = 0, budget: Visits = visits()): void {
  if (!v || depth > 40 || !visit(budget)) return;
  switch (v.kind) {
    case 'ref': {
      const path = v.path.map((p) => p.toLowerCase());
      if (path.includes('listregistrationtokens') || (path.includes('registrationinfo') && path.includes('token'))) out.push(v);
      // A secret read from a vault (`getSecret`, a Terraform secret's `value`) may hold a token: tokenPool tells.
      else if (secrets && (path.includes('getsecret') || path[path.length - 1] === 'value')) secrets.push(v);
      return;
    }
    case 'string':
      for (const p of v.parts) if (p.kind === 'hole') findTokens(p.value, out, secrets, depth + 1, budget);
      return;
    case 'object':
      for (const e of v.entries) findTokens(e.value, out, secrets, depth + 1, budget);
      return;
    case 'array':
      for (const i of v.items) findTokens(i, out, secrets, depth + 1, budget);
      return;
    case 'choice':
      for (const o of v.options) findTokens(o.value, out, secrets, depth + 1, budget);
      return;
    default:
      return;
  }
}

/** Facts of one extension that do not depend on other resources; cached with the resource, which lives as long as its document. */
interface ExtensionFacts {
  type?: string;
  agent: boolean;
  tokens: Value[];
  /** Secrets read from a vault, which may hold a token. */
  secrets: Value[];
}

const extensionFacts = new WeakMap<Resource, ExtensionFacts>();

function factsOf(ext: Resource): ExtensionFacts {
  let f = extensionFacts.get(ext);
  if (!f) {
    const tokens: Value[] = [];
    const secrets: Value[] = [];
    const runCommand = typeIs(ext, TYPES.runCommand);
    const type = runCommand ? undefined : knownString(linkValue(ext, TYPES.extension, 'extensionType'))?.toLowerCase();
    // Only what runs a script can register the VM (DSC, Custom Script, run commands): other extensions' settings are not read.
    if (runCommand || type === undefined || SCRIPT_EXTENSIONS.has(type))
      for (const path of linkPathsOf(runCommand ? TYPES.runCommand : TYPES.extension, 'anyToken')) findTokens(getPath(ext.body, path), tokens, secrets);
    f = {
      type,
      agent: tokens.length > 0 || (!runCommand && computeIsAgent(ext)),
      tokens,
      secrets,
    };
    extensionFacts.set(ext, f);
  }
  return f;
}

export function isAvdAgentExtension(ext: Resource): boolean {
  return factsOf(ext).agent;
}

function computeIsAgent(ext: Resource): boolean {
  const publisher = knownString(linkValue(ext, TYPES.extension, 'publisher'))?.toLowerCase();
  const type = knownString(linkValue(ext, TYPES.extension, 'extensionType'))?.toLowerCase();
  if (publisher === 'microsoft.powershell' && type === 'dsc') {
    const fn = knownString(linkValue(ext, TYPES.extension, 'dscFunction'))?.toLowerCase() ?? '';
    const url = knownString(linkValue(ext, TYPES.extension, 'dscModules'))?.toLowerCase() ?? '';
    const hasPool = !!linkValue(ext, TYPES.extension, 'hostPool');
    if (hasPool) return true;
    // A known configuration that is not the agent's (a lab's domain controller from a repository with "avd" in its URL).
    if (fn) return fn.includes('addsessionhost');
    return url.includes('wvd') || url.includes('avd');
  }
  return false;
}
