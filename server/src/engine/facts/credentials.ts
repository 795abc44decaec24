import type { AvdGraph, HostPoolNode } from '../graph';
import { typeIs } from '../graph';
import { SCALE_SET_EXTENSION } from '../graph/session-hosts';
import type { Document, DocumentSymbolInfo, Fix, Location, Range, RelatedInfo, Resource, Value } from '../model';
import { caseNote, fitting } from '../message';
import { fix, type Report } from '../rule';
import { displayName, sessionHostConfiguration } from './host-pools';
import { cases, entry, get, getPath, knownString } from '../values';
import { passesThrough, type SecretSource, secretSources } from './secret-sources';
import { visit, visits, type Visits } from '../visits';

/** Facts about the credentials a session host is deployed with: its local administrator and domain-join passwords. */

/**
 * What is wrong with where a secret comes from, worst first: written out (a literal, a parameter's default), read from an
 * input that is not secret, passed through a module parameter that is not secret, or generated into Terraform state.
 */
export type SecretProblem = 'literal' | 'default' | 'not-secure' | 'passes-through' | 'generated';

export interface UnprotectedSecret {
  problem: SecretProblem;
  /** Levels below the rule's (negative): 0 written out, -1 readable in deployment records, -3 only in Terraform state. */
  shift: number;
  /** The case's value: a finding on a value written in another document moves there. */
  value: Value;
  when: string;
  /** How a message names where the value comes from: `parameter adminPassword`, `var.admin_password`, `random_password.admin`. */
  input?: string;
  /** The parameter or variable a `secure-parameter` fix makes secret (a default, not secure, a module's parameter). */
  declaration?: { doc: Document; symbol: DocumentSymbolInfo };
  /** Where the value is written or declared. */
  at: Location;
  /** A generated password made per instance of a loop (a `random_password` with `count`), not shared by a loop's VMs. */
  perInstance?: boolean;
  /** The Bicep linter rule that reports the same thing, when the file is Bicep (related information, not a second finding). */
  bicepRule?: string;
}

const TERRAFORM_STATE_GENERATORS: Record<string, number> = {
  // `result` is sensitive: only the state holds it.
  random_password: -3,
  // `result` is not sensitive: plan output shows it too.
  random_string: -1,
};

/** The name of an input as messages write it in its language. */
export function inputName(doc: Document, name: string): string {
  return doc.language === 'terraform' || doc.language === 'tfvars' ? `var.${name}` : `parameter ${name}`;
}

/** The Terraform generator resource (`random_password`) a reference reads its `result` from, with its address. */
function generated(v: Value): { type: string; address: string } | undefined {
  if (v.kind !== 'ref' || !v.target || v.path[v.path.length - 1] !== 'result') return undefined;
  const m = /#((random_password|random_string)\.[^.]+)$/.exec(v.target);
  return m ? { type: m[2], address: m[1] } : undefined;
}

/**
 * A string without origin whose text is all written elsewhere, in one place (a `.tfvars` value or a variable's default
 * interpolated into a JSON heredoc): given that place as its origin, so that a finding moves where the text can be
 * changed and the default it is can be told.
 */
function writtenAt(v: Value, uri: string): Value {
  if (v.origin || v.kind !== 'string' || !v.parts.length) return v;
  const sources = v.parts.map((p) => (p.kind === 'text' ? p.source : undefined));
  const first = sources[0];
  const last = sources[sources.length - 1];
  if (!first || !last || sources.some((x) => !x || x.uri !== first.uri)) return v;
  const range = { start: first.start, end: last.end };
  if (first.uri === uri && range.start >= v.range.start && range.end <= v.range.end) return v;
  return { ...v, origin: { uri: first.uri, range } };
}

/** A literal whose text is written in a parameter's or variable's default (interpolated into a heredoc): that default. */
function asDefault(graph: AvdGraph, s: SecretSource, at: Location): SecretSource {
  const doc = graph.documents.find((d) => d.uri === at.uri);
  const symbol = doc?.symbols.find((x) => x.default && x.default.start <= at.range.start && at.range.end <= x.default.end);
  return doc && symbol?.default ? { ...s, kind: 'default', declaration: { doc, symbol }, at: { uri: doc.uri, range: symbol.default } } : s;
}

/** A string that holds nothing to protect: empty, or a null / non-string default (`default = null`). */
function empty(v: Value): boolean {
  if (v.kind === 'null') return true;
  if (v.kind !== 'string') return true;
  return knownString(v)?.trim() === '';
}

/**
 * How each case of a secret value (a password) is unprotected, judged where it comes from (facts/secret-sources.ts): a
 * literal or a default is an error; a parameter or variable that is not secure, or a secure value passed through a module
 * parameter that is not, a warning; a Terraform `random_password` a hint (its state holds it). A secure parameter
 * without default, a Key Vault reference and anything unknown are not returned. `uri` is the document of the resource
 * that holds the value; `secureProperty` says Bicep's linter judges this property (a VM's `adminPassword`).
 */
export function unprotectedSecrets(graph: AvdGraph, uri: string, value: Value, secureProperty = false): UnprotectedSecret[] {
  const out: UnprotectedSecret[] = [];
  const through = passesThrough(graph, uri, value);
  // Bicep's linter judges the property where the resource is written: a literal or an input that is not secure there.
  const linted = uri.endsWith('.bicep') && secureProperty ? uri : undefined;
  for (const c of cases(value)) {
    const [found] = secretSources(graph, uri, c.value);
    if (!found) continue;
    const value = writtenAt(c.value, uri);
    const s = found.kind === 'literal' && value.origin && !c.value.origin ? asDefault(graph, found, value.origin) : found;
    const judged = judge(graph, s, value, linted);
    if (judged) {
      out.push({ ...judged, value: s === found ? value : ({ ...value, origin: s.at } as Value), when: c.when });
      continue;
    }
    const safe = s.kind === 'reference' ? !generated(c.value) : s.kind === 'parameter' && s.declaration?.symbol.secure;
    if (through && safe) {
      out.push({
        problem: 'passes-through',
        shift: -1,
        value: c.value,
        when: c.when,
        input: inputName(through.doc, through.symbol.name),
        declaration: through,
        at: { uri: through.doc.uri, range: through.symbol.range },
        ...(linted ? { bicepRule: 'use-secure-value-for-secure-inputs' } : {}),
      });
    }
  }
  return out;
}

function judge(graph: AvdGraph, s: SecretSource, v: Value, linted: string | undefined): Omit<UnprotectedSecret, 'value' | 'when'> | undefined {
  const decl = s.declaration;
  const lintedHere = linted !== undefined && (decl ? decl.doc.uri === linted : s.at.uri === linted);
  switch (s.kind) {
    case 'literal':
      if (empty(v)) return undefined;
      return { problem: 'literal', shift: 0, at: s.at, ...(lintedHere ? { bicepRule: 'use-secure-value-for-secure-inputs' } : {}) };
    case 'default': {
      if (!decl) return undefined;
      // An empty default (`default = null`, `= ''`) holds nothing: the value comes at deployment, as for no default.
      if (empty(v)) return decl.symbol.secure ? undefined : notSecure(s, decl, lintedHere);
      const secureDefault = decl.doc.language === 'bicep' && decl.symbol.secure;
      const bicepRule = secureDefault ? 'secure-parameter-default' : lintedHere ? 'use-secure-value-for-secure-inputs' : undefined;
      return { problem: 'default', shift: 0, at: s.at, input: inputName(decl.doc, decl.symbol.name), declaration: decl, ...(bicepRule ? { bicepRule } : {}) };
    }
    case 'parameter':
      return !decl || decl.symbol.secure ? undefined : notSecure(s, decl, lintedHere);
    case 'reference': {
      const g = generated(v);
      if (!g) return undefined;
      // A generator declared in a loop may make one password per VM; one declared once serves them all.
      const perInstance = v.kind === 'ref' && !!v.target && !!graph.byKey.get(v.target)?.source.loop;
      return { problem: 'generated', shift: TERRAFORM_STATE_GENERATORS[g.type], at: s.at, input: g.address, ...(perInstance ? { perInstance } : {}) };
    }
    default:
      return undefined;
  }
}

function notSecure(s: SecretSource, decl: NonNullable<SecretSource['declaration']>, linted: boolean): Omit<UnprotectedSecret, 'value' | 'when'> {
  return {
    problem: 'not-secure',
    shift: -1,
    at: s.at,
    input: inputName(decl.doc, decl.symbol.name),
    declaration: decl,
    ...(linted ? { bicepRule: 'use-secure-value-for-secure-inputs' } : {}),
  };
}

/** The preferred fix for an unprotected secret: make its input secret (and drop its default). Literals get none. */
export function secretFixes(s: UnprotectedSecret): Fix[] {
  if (!s.declaration || s.problem === 'generated') return [];
  const title = s.problem === 'default' ? 'Mark the input secure and remove its default' : 'Mark the input secure';
  // An empty default holds no secret: it stays (a variable with `default = null` stays optional).
  const keepDefault = s.problem !== 'default' && !!s.declaration.symbol.default;
  return [fix(title, { kind: 'secure-parameter', uri: s.declaration.doc.uri, name: s.declaration.symbol.name, ...(keepDefault ? { keepDefault } : {}) }, true)];
}

/** "Bicep's linter reports this too": what avdsec says beside the Bicep linter's own finding, so users know why both. */
export function bicepLinterNote(rule: string, at: Location): RelatedInfo {
  return { uri: at.uri, range: at.range, message: `Bicep's linter reports this too (${rule}); avdsec reports it because the VM is an AVD session host` };
}

/** Where a finding on an unprotected secret is keyed: by where the value is written when that is another document. */
export function secretKey(s: UnprotectedSecret, uri: string, fallback: string): string {
  const o = s.value.origin;
  return o && o.uri !== uri ? `${o.uri}#${o.range.start}|${s.problem}` : `${fallback}|${s.when}`;
}

/**
 * The message of a finding on an unprotected secret: `what` names it ("The local administrator password of session
 * host 'x'"), `risk` says what someone who reads it can do ("sign in to the host as administrator").
 */
export function secretMessage(what: string, s: UnprotectedSecret, risk: string): string {
  const input = s.input ?? 'an input';
  switch (s.problem) {
    case 'literal':
      return fitting(`${what} is written in the code: anyone who can read it can ${risk}.`, `${what} is written in the code, readable by anyone with access.`);
    case 'default':
      return fitting(
        `${what} is the default of ${input}, readable by anyone who can read the code.`,
        `${what} is the default of ${input}, written in the code.`,
      );
    case 'not-secure':
      return fitting(`${what} comes from ${input}, which is not secret: deployment records show it.`, `${what} comes from ${input}, which is not secret.`);
    case 'passes-through':
      return fitting(
        `${what} passes through ${input}, which is not secret: deployment records show it.`,
        `${what} passes through ${input}, which is not secret.`,
      );
    case 'generated':
      return s.shift < -1
        ? fitting(`${what} comes from ${input}, which Terraform keeps in plain text in its state.`, `${what} is kept in plain text in Terraform state.`)
        : fitting(
            `${what} comes from ${input}, which is not sensitive: plan output and Terraform state show it in plain text.`,
            `${what} comes from ${input}, which plan output and state show in plain text.`,
          );
  }
}

/** Related information of a finding on an unprotected secret: its case, its input's declaration, Bicep's own rule. */
export function secretRelated(s: UnprotectedSecret, vm: Resource | undefined, scaleSet = false): RelatedInfo[] {
  const related: RelatedInfo[] = [];
  if (s.when) related.push({ uri: s.at.uri, range: s.at.range, message: caseNote(s.when) });
  if (s.declaration) related.push({ uri: s.declaration.doc.uri, range: s.declaration.symbol.range, message: `${s.input} is declared here` });
  // A loop's VMs and a scale set's instances share a password written once; a generator may make one per instance.
  if (vm && !s.perInstance && (vm.source.loop || scaleSet))
    related.push({
      uri: vm.source.uri,
      range: vm.source.headRange,
      message: scaleSet ? 'Every instance of this scale set gets the same password' : 'Every VM of this loop gets the same password',
    });
  if (s.bicepRule) related.push(bicepLinterNote(s.bicepRule, s.at));
  return related;
}

// ---------------------------------------------------------------- local administrator

/** Where a VM or scale set writes its local administrator password, in ARM shape and as Terraform keeps it unmapped. */
const ADMIN_PASSWORD_PATHS: readonly (readonly string[])[] = [
  ['properties', 'osProfile', 'adminPassword'],
  ['properties', 'virtualMachineProfile', 'osProfile', 'adminPassword'],
  ['admin_password'],
  // The legacy azurerm_virtual_machine, and the orchestrated scale set's Windows configuration.
  ['os_profile', 'admin_password'],
  ['os_profile', 'windows_configuration', 'admin_password'],
];

/** The VM's local administrator password value and its path, if written. */
export function adminPassword(vm: Resource): { value: Value; path: string } | undefined {
  for (const p of ADMIN_PASSWORD_PATHS) {
    const v = getPath(vm.body, p);
    if (v) return { value: v, path: p.join('.') };
  }
  return undefined;
}

// ---------------------------------------------------------------- domain join

/**
 * Whether a setting's or input's name says it holds a domain-join password: `domainJoinPassword`, `domain_pass`,
 * `ouPassword`, `existingDomainPassword`, `adPassword` (not `adminPassword`, nor a secret's name such as
 * `domainJoinPasswordSecretName`).
 */
export function isDomainJoinPasswordName(name: string): boolean {
  const n = name.toLowerCase().replace(/[^a-z]/g, '');
  return /(password|passwd|pwd|pass)$/.test(n) && !n.endsWith('bypass') && /domain|join|^ou|^ad(?!min)/.test(n);
}

const PASSWORD_KEY = /^(password|passwd|pwd|pass)$/i;
const DOMAIN_CONTEXT = /domain|join|^ou/i;

/** Extension types (lower case) whose settings may carry a domain-join password. */
const JOIN_EXTENSIONS = new Set(['jsonaddomainextension', 'dsc', 'customscriptextension', 'customscript']);

export interface DomainJoinSecret {
  /** The extension (or run command) that carries it. */
  extension: Resource;
  /** `settings` are readable by anyone who can read the VM; `protected` settings are encrypted. */
  where: 'settings' | 'protected';
  /** The value, or the interpolation of a domain-join input inside a command line. */
  value: Value;
  /** The settings' top-level key the value sits under (what a move to the protected settings moves). */
  key: string;
  /** The path of the value in the settings (`properties.domainJoinCredential.Password`), with the input a command line names. */
  path: string;
  /** The whole value sits at that top-level key (not inside a command line or a nested object): the entry can move. */
  whole: boolean;
  /** The command line that interpolates it (`commandToExecute`), for Bicep's protect-commandtoexecute-secrets. */
  commandLine: boolean;
  /** Where in the extension a finding points: the value, else the nearest enclosing value written in the extension. */
  at: Range;
  /**
   * The settings object is written in the extension where a fix can edit it: not read from a variable, and in Terraform
   * `jsonencode({...})` on both sides (a heredoc of JSON is not rewritten).
   */
  editable: boolean;
}

const SAFE_REFERENCE = /^PrivateSettingsRef:/i;

/**
 * The domain-join passwords an extension of a session host carries: JsonADDomainExtension's `Password`, and in DSC or
 * Custom Script settings the entries named like a domain-join password (`domainJoinPassword`, a credential object's
 * `Password`) and command lines that interpolate an input named so. DSC's `PrivateSettingsRef:` placeholders are the
 * safe pattern and are skipped.
 */
export function domainJoinSecrets(graph: AvdGraph, ext: Resource): DomainJoinSecret[] {
  if (!typeIs(ext, 'microsoft.compute/virtualmachines/extensions') && !typeIs(ext, SCALE_SET_EXTENSION)) return [];
  const type = knownString(get(ext.body, 'properties', 'type'))?.toLowerCase();
  if (!type || !JOIN_EXTENSIONS.has(type)) return [];
  const out: Found[] = [];
  const budget = visits();
  for (const where of ['settings', 'protected'] as const) {
    const root = get(ext.body, 'properties', where === 'settings' ? 'settings' : 'protectedSettings');
    if (root?.kind !== 'object') continue;
    if (type === 'jsonaddomainextension') {
      const e = entry(root, 'Password');
      if (e)
        out.push({
          extension: ext,
          where,
          value: e.value,
          key: e.key,
          path: e.key,
          whole: true,
          commandLine: false,
          at: pointAt(ext, [e.value.range, root.range]),
        });
      continue;
    }
    for (const e of root.entries) walk(graph, ext, where, e.key, [e.key], e.value, [root.range], out, 0, budget);
  }
  const editable = editableSettings(graph, ext);
  return out.filter((s) => !isPlaceholder(s.value)).map((s) => ({ ...s, editable }));
}

type Found = Omit<DomainJoinSecret, 'editable'>;

function editableSettings(graph: AvdGraph, ext: Resource): boolean {
  // A scale set's inline extension is part of the scale set's body, not a resource a fix can find.
  if (graph.byKey.get(ext.key) !== ext) return false;
  const settings = get(ext.body, 'properties', 'settings');
  const within = (v: Value) => v.range.start >= ext.source.range.start && v.range.end <= ext.source.range.end;
  if (settings?.kind !== 'object' || settings.origin || !within(settings)) return false;
  if (ext.source.language !== 'terraform') return true;
  const text = graph.documents.find((d) => d.uri === ext.source.uri)?.text ?? '';
  const encoded = (v: Value | undefined) => !v || text.startsWith('jsonencode(', v.range.start);
  return encoded(settings) && encoded(get(ext.body, 'properties', 'protectedSettings'));
}

function isPlaceholder(v: Value): boolean {
  return cases(v).every((c) => {
    if (c.value.kind === 'null') return true;
    const s = knownString(c.value);
    return s !== undefined && (s.trim() === '' || SAFE_REFERENCE.test(s));
  });
}

/** The first of `ranges` written inside the extension's declaration (values read from elsewhere are anchored at their use). */
function pointAt(ext: Resource, ranges: Range[]): Range {
  const { start, end } = ext.source.range;
  return ranges.find((r) => r.start >= start && r.end <= end && r.end > r.start) ?? ext.source.headRange;
}

function walk(
  graph: AvdGraph,
  ext: Resource,
  where: DomainJoinSecret['where'],
  top: string,
  keys: string[],
  v: Value,
  outer: Range[],
  out: Found[],
  depth: number,
  budget: Visits,
): void {
  if (depth > 6 || !visit(budget)) return;
  const name = keys[keys.length - 1];
  const named = isDomainJoinPasswordName(name) || (PASSWORD_KEY.test(name) && keys.slice(0, -1).some((k) => DOMAIN_CONTEXT.test(k)));
  const ranges = [v.range, ...outer];
  if (named && v.kind !== 'object' && v.kind !== 'array') {
    out.push({ extension: ext, where, value: v, key: top, path: keys.join('.'), whole: keys.length === 1, commandLine: false, at: pointAt(ext, ranges) });
    return;
  }
  if (v.kind === 'object') {
    for (const e of v.entries) walk(graph, ext, where, top, [...keys, e.key], e.value, ranges, out, depth + 1, budget);
    return;
  }
  if (v.kind === 'array') {
    for (const item of v.items) walk(graph, ext, where, top, keys, item, ranges, out, depth + 1, budget);
    return;
  }
  if (v.kind !== 'string') return;
  // A command line that interpolates a domain-join input: `-DomainPassword ${domainJoinPassword}`.
  for (const p of v.parts) {
    if (p.kind !== 'hole') continue;
    const [s] = secretSources(graph, ext.source.uri, p.value);
    if (s?.declaration && isDomainJoinPasswordName(s.declaration.symbol.name))
      out.push({
        extension: ext,
        where,
        value: p.value,
        key: top,
        path: `${keys.join('.')}#${s.declaration.symbol.name}`,
        whole: false,
        commandLine: /commandtoexecute/i.test(top),
        at: pointAt(ext, [p.range, ...ranges]),
      });
  }
}

// ---------------------------------------------------------------- session host configurations

/** `https://<vault>.vault.azure.net/secrets/<name>[/<version>]`, in any Azure cloud. */
const KEY_VAULT_SECRET_URI = /^https:\/\/[a-z0-9-]+\.vault\.[a-z0-9.-]+\/secrets\/[A-Za-z0-9-]+(\/[A-Za-z0-9]*)?\/?$/i;

/**
 * Whether a credential value of a session host configuration is, in a case, certainly not a Key Vault secret URI: a
 * written string that is not one. Interpolated URIs (`'${vault.properties.vaultUri}secrets/x'`), references and unknowns
 * are not judged.
 */
export function notKeyVaultSecretUri(v: Value): boolean {
  if (v.kind !== 'string') return false;
  const s = knownString(v);
  return s !== undefined && s.trim() !== '' && !KEY_VAULT_SECRET_URI.test(s.trim());
}

export const SESSION_HOST_CONFIGURATION_CREDENTIALS = {
  domain: ['properties', 'domainInfo', 'activeDirectoryInfo', 'domainCredentials'],
  vmAdmin: ['properties', 'vmAdminCredentials'],
} as const;

/**
 * The findings on a pool's session host configuration (preview), which names credentials by Key Vault secret URIs:
 * each written value that is not one (the password at the rule's level, the user name one lower). `whose` names them
 * in messages ("local administrator", "domain-join").
 */
export function configurationCredentialReports(
  graph: AvdGraph,
  pool: HostPoolNode,
  which: keyof typeof SESSION_HOST_CONFIGURATION_CREDENTIALS,
  whose: string,
): Report[] {
  const config = sessionHostConfiguration(graph, pool);
  const path = SESSION_HOST_CONFIGURATION_CREDENTIALS[which];
  const creds = config && get(config.body, ...path);
  if (!config || !creds) return [];
  const out: Report[] = [];
  for (const [field, what, shift] of [
    ['passwordKeyVaultSecretUri', 'password', 0],
    ['usernameKeyVaultSecretUri', 'user name', -1],
  ] as const) {
    const v = get(creds, field);
    if (!v) continue;
    for (const c of cases(v)) {
      if (!notKeyVaultSecretUri(c.value)) continue;
      out.push({
        uri: config.source.uri,
        at: v.range,
        value: c.value,
        message: fitting(
          `The session host configuration of host pool ${displayName(pool.resource)} writes the ${whose} ${what} where a Key Vault secret URI belongs, in plain text.`,
          `The session host configuration of host pool ${displayName(pool.resource)} gives the ${whose} ${what} in plain text, not as a Key Vault secret URI.`,
        ),
        shift,
        related: c.when ? [{ uri: config.source.uri, range: v.range, message: caseNote(c.when) }] : [],
        key: `${config.key}|${path.join('.')}.${field}|${c.when}`,
      });
    }
  }
  return out;
}
