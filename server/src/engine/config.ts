import { type Node, type ParseError, applyEdits, getNodeValue, parse as parseJsonc, parseTree, printParseErrorCode } from 'jsonc-parser';
import { modifyJson } from './json-edit';
import { LEVELS, type Level } from './model';

/**
 * `.avdsec.json`, the one configuration file the editor and the CLI both read (JSON with comments):
 *
 * ```jsonc
 * {
 *   "rules": {
 *     "host-pool-sso-disabled": "error",
 *     "pooled-host-local-admin": { "level": "warning", "adminPrincipals": ["<object id>", "adminGroupObjectId"] },
 *     "mfa-conditional-access-missing": { "managedOutsideRepository": true }
 *   },
 *   "exclude": ["legacy/**"],
 *   "redirectionProfile": "balanced",
 *   "extends": "../shared/avdsec.base.json"
 * }
 * ```
 */
export interface AvdsecConfig {
  rules: Record<string, RuleConfig>;
  exclude: string[];
  /**
   * How strictly the RDP redirection rules judge (the catalog's profiles): `strict` reports on pooled and personal
   * host pools alike, `balanced` (default) one level lower on personal ones, `off` turns them off.
   */
  redirectionProfile: RedirectionProfile;
  /** Files larger than this (in MB, 1 MB = 1,048,576 bytes) are not read; the editor and the CLI say so. */
  maxFileSizeMB: number;
  /**
   * ARM templates compiled from a Bicep file of the workspace: `source-only` (default) reports what they share with the
   * Bicep source on the source only (the compiled location as related information); `report` reports both.
   */
  compiledTemplates: CompiledTemplates;
}

export type CompiledTemplates = 'report' | 'source-only';

/** Large enough for the biggest compiled templates seen in public AVD and AVM repositories (about 3.5 MB). */
export const DEFAULT_MAX_FILE_SIZE_MB = 10;
/** The hard limit of the host's file reader: a config cannot raise the limit beyond it. */
export const MAX_FILE_SIZE_MB = 64;

export type RedirectionProfile = 'strict' | 'balanced' | 'off';

export type ConfiguredLevel = Level | 'off';

/** A rule option as a rule declares it: its type (checked when .avdsec.json is read), default and description. */
export type OptionSpec =
  | { type: 'boolean'; default: boolean; description: string }
  | { type: 'number'; default: number; description: string; minimum?: number }
  | { type: 'string'; default: string; description: string }
  | { type: 'string[]'; default: readonly string[]; description: string };

type OptionValue<S extends OptionSpec> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'number' }
    ? number
    : S extends { type: 'string' }
      ? string
      : readonly string[];

/** The values of a rule's options, typed from its declaration. */
export type OptionValues<O extends Record<string, OptionSpec>> = { readonly [K in keyof O]: OptionValue<O[K]> };

/** What a value must be for an option (undefined when it is one), for the configuration's problems. */
export function optionTypeProblem(spec: OptionSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= (spec.minimum ?? -Infinity)
        ? undefined
        : `must be a number${spec.minimum !== undefined ? ` of at least ${spec.minimum}` : ''}`;
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : 'must be a list of strings';
  }
}

/** A rule's option values: the configured ones, the defaults for the rest. */
export function optionValues(specs: Readonly<Record<string, OptionSpec>>, configured: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = name in configured ? configured[name] : spec.default;
  return out;
}

export interface RuleConfig {
  level?: ConfiguredLevel;
  options: Record<string, unknown>;
}

export const CONFIG_FILE_NAME = '.avdsec.json';

export function emptyConfig(): AvdsecConfig {
  return { rules: {}, exclude: [], redirectionProfile: 'balanced', maxFileSizeMB: DEFAULT_MAX_FILE_SIZE_MB, compiledTemplates: 'source-only' };
}

export interface ConfigProblem {
  message: string;
  /** Where the problem is: the key or value at fault (UTF-16 offsets into the file's text). */
  offset: number;
  length: number;
}

/** A path in `extends`, as written, with where it is written. */
export interface ConfigReference {
  path: string;
  offset: number;
  length: number;
}

/** A glob of `exclude`, as written, with where it is written. */
export interface ExcludePattern {
  pattern: string;
  offset: number;
  length: number;
}

/**
 * What one configuration file sets, before `extends` is resolved: only the settings it writes, so that a file that
 * extends another overrides just those.
 */
export interface ConfigLayer {
  rules: Record<string, RuleConfig>;
  /** The patterns it excludes that are fit to use, with where each is written (the host compiles them). */
  exclude?: ExcludePattern[];
  redirectionProfile?: RedirectionProfile;
  maxFileSizeMB?: number;
  compiledTemplates?: CompiledTemplates;
  /** Parameters files paired with the template they serve, both relative to this file's folder (the host resolves them). */
  parameterFiles?: ParameterFilePairing[];
  /** Files this one extends, in order (later wins), relative to this file's folder. */
  extends: ConfigReference[];
}

/** `"parameterFiles": { "<glob of parameters files>": "<template>" }`: a pairing the usual naming does not make. */
export interface ParameterFilePairing {
  glob: string;
  template: string;
  offset: number;
  length: number;
}

const TOP_LEVEL = ['$schema', 'extends', 'rules', 'exclude', 'parameterFiles', 'redirectionProfile', 'maxFileSizeMB', 'compiledTemplates'];
const LEVEL_MESSAGE = 'level must be one of off, hint, info, warning, error';

/**
 * Reads one config file's text into a layer. Problems (syntax, unknown settings, rules and options, bad values) are
 * returned with the offset of the key or value at fault, never thrown. `ruleOptions` gives the options a rule takes;
 * when it is given, other option names and values of the wrong type are reported.
 */
export function parseConfigLayer(
  text: string,
  knownRules: ReadonlySet<string>,
  ruleOptions?: (id: string) => Readonly<Record<string, OptionSpec>> | undefined,
): {
  layer: ConfigLayer;
  problems: ConfigProblem[];
  /** False when the text is no avdsec configuration at all: a syntax error, no object at the root, or a key that is no setting. */
  isConfig: boolean;
} {
  const errors: ParseError[] = [];
  const problems: ConfigProblem[] = [];
  const layer: ConfigLayer = { rules: {}, extends: [] };
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) problems.push({ message: `${printParseErrorCode(e.error)} in the configuration file`, offset: e.offset, length: e.length });
  const at = (node: Node, message: string) => problems.push({ message, offset: node.offset, length: node.length });
  if (!root || root.type !== 'object') {
    if (!errors.length) problems.push({ message: 'The configuration must be a JSON object', offset: root?.offset ?? 0, length: root?.length ?? 0 });
    return { layer, problems, isConfig: false };
  }
  let isConfig = !errors.length;
  for (const [key, keyNode, value] of properties(root)) {
    switch (key) {
      case '$schema':
        break;
      case 'extends':
        readExtends(value, layer, at);
        break;
      case 'rules':
        if (!value || value.type !== 'object') at(value ?? keyNode, '"rules" must be an object of rule ids');
        else readRules(value, layer, knownRules, ruleOptions, at);
        break;
      case 'exclude':
        if (value?.type === 'array') layer.exclude = readExclude(value, at);
        else at(value ?? keyNode, '"exclude" must be an array of glob patterns');
        break;
      case 'parameterFiles':
        if (value?.type === 'object') layer.parameterFiles = readParameterFiles(value, at);
        else at(value ?? keyNode, '"parameterFiles" must be an object of globs of parameters files and the template each serves');
        break;
      case 'redirectionProfile': {
        const v = value && getNodeValue(value);
        if (v === 'strict' || v === 'balanced' || v === 'off') layer.redirectionProfile = v;
        else at(value ?? keyNode, '"redirectionProfile" must be "strict", "balanced" or "off"');
        break;
      }
      case 'compiledTemplates': {
        const v = value && getNodeValue(value);
        if (v === 'report' || v === 'source-only') layer.compiledTemplates = v;
        else at(value ?? keyNode, '"compiledTemplates" must be "source-only" or "report"');
        break;
      }
      case 'maxFileSizeMB': {
        const v = value && getNodeValue(value);
        if (typeof v === 'number' && v > 0 && v <= MAX_FILE_SIZE_MB) layer.maxFileSizeMB = v;
        else at(value ?? keyNode, `"maxFileSizeMB" must be a number of megabytes above 0 and at most ${MAX_FILE_SIZE_MB}`);
        break;
      }
      default:
        isConfig = false;
        at(keyNode, `Unknown setting "${key}" in the configuration (expected ${TOP_LEVEL.filter((k) => k !== '$schema').join(', ')})`);
    }
  }
  return { layer, problems, isConfig };
}

type At = (node: Node, message: string) => void;

/** The properties of an object node: key, key node and value node (absent while the user is still typing). */
function properties(obj: Node): [string, Node, Node | undefined][] {
  const out: [string, Node, Node | undefined][] = [];
  for (const p of obj.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k && typeof k.value === 'string') out.push([k.value, k, v]);
  }
  return out;
}

function readExtends(value: Node | undefined, layer: ConfigLayer, at: At): void {
  const message = '"extends" must be a path to another configuration file, or a list of them';
  if (value?.type === 'string' && value.value) {
    layer.extends.push({ path: value.value as string, offset: value.offset, length: value.length });
    return;
  }
  if (value?.type !== 'array') {
    if (value) at(value, message);
    return;
  }
  for (const item of value.children ?? []) {
    if (item.type === 'string' && item.value) layer.extends.push({ path: item.value as string, offset: item.offset, length: item.length });
    else at(item, message);
  }
}

/** The pairings of `parameterFiles` fit to use; the others are reported where they are written. */
function readParameterFiles(obj: Node, at: At): ParameterFilePairing[] {
  const out: ParameterFilePairing[] = [];
  for (const [glob, keyNode, value] of properties(obj)) {
    const why = excludePatternProblem(glob);
    if (why) at(keyNode, `"parameterFiles" pattern ${why}`);
    else if (value?.type !== 'string' || !(value.value as string).trim())
      at(value ?? keyNode, `"parameterFiles": "${glob}" must name the template its files serve (a path relative to this file)`);
    else out.push({ glob, template: value.value as string, offset: keyNode.offset, length: keyNode.length });
  }
  return out;
}

/** The patterns of `exclude` fit to use; the others are reported at their item, and the rest of the list still applies. */
function readExclude(list: Node, at: At): ExcludePattern[] {
  const out: ExcludePattern[] = [];
  for (const item of list.children ?? []) {
    if (item.type !== 'string') {
      at(item, '"exclude" must be an array of glob patterns');
      continue;
    }
    const why = excludePatternProblem(item.value as string);
    if (why) at(item, `"exclude" pattern ${why}`);
    else out.push({ pattern: item.value as string, offset: item.offset, length: item.length });
  }
  return out;
}

/**
 * Bounds on `exclude` globs. picomatch compiles a glob to a backtracking regular expression, and a repository under
 * review writes both the globs and the paths they are matched against: extended globs (`+(a|aa)+(a|aa)`) take
 * exponential time, and so do many brace groups; several `*` in one path segment (`*a*a*b`), in several segments, or
 * three `**` take polynomial time in the path's length, seconds on a few thousand characters. Within these bounds
 * the slowest match found on crafted paths of 4,096 characters is about 35 ms (bench/globs.bench.ts).
 */
export const EXCLUDE_LIMITS = { length: 256, wildcards: 3, globstars: 2, wildcardsPerSegment: 2, alternatives: 64 };

/** Why an `exclude` glob is refused (`is empty`, `is too complex: ...`), or undefined when it is fit to use. */
export function excludePatternProblem(pattern: string): string | undefined {
  const L = EXCLUDE_LIMITS;
  if (!pattern) return 'is empty';
  if (pattern.length > L.length) return `is too complex: longer than ${L.length} characters`;
  let wildcards = 0;
  let globstars = 0;
  let looseGlobstar = false;
  let inSegment = 0;
  let mostInSegment = 0;
  let extglob = false;
  // Alternatives of the open brace or parenthesis groups: the sum over the alternatives closed so far, and the product
  // of the current one (groups in a row multiply, alternatives of one group add up).
  const groups: { sum: number; current: number }[] = [{ sum: 0, current: 1 }];
  const cap = (n: number) => Math.min(n, L.alternatives + 1);
  /** The character before, unless escaped: a run of `*` is one wildcard, `+(` after an unescaped `+` an extended glob. */
  let previous = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      previous = '';
      continue;
    }
    if (c === '/') inSegment = 0;
    else if (c === '*' && previous !== '*') {
      wildcards++;
      mostInSegment = Math.max(mostInSegment, ++inSegment);
      if (pattern[i + 1] === '*') {
        globstars++;
        let end = i + 1;
        while (pattern[end] === '*') end++;
        // picomatch reads `**` next to other characters as `*`, except at the start of a brace alternative.
        if (groups.length > 1 || (previous && previous !== '/') || (end < pattern.length && pattern[end] !== '/')) looseGlobstar = true;
      }
    } else if (c === '{' || c === '(') {
      if (c === '(' && previous && '*?+@!'.includes(previous)) extglob = true;
      groups.push({ sum: 0, current: 1 });
    } else if ((c === ',' || c === '|') && groups.length > 1) {
      const g = groups[groups.length - 1];
      g.sum = cap(g.sum + g.current);
      g.current = 1;
    } else if ((c === '}' || c === ')') && groups.length > 1) close(groups, cap);
    previous = c;
  }
  while (groups.length > 1) close(groups, cap);
  if (extglob) return 'uses an extended glob such as +(…) or !(…), which avdsec does not support: use braces, {a,b}';
  if (looseGlobstar) return 'is too complex: ** must be a whole path segment (a/**/b), outside braces';
  if (wildcards > L.wildcards) return `is too complex: more than ${L.wildcards} wildcards (* or **)`;
  if (globstars > L.globstars) return `is too complex: more than ${L.globstars} ** (any number of folders)`;
  if (mostInSegment > L.wildcardsPerSegment) return `is too complex: more than ${L.wildcardsPerSegment} wildcards (*) in one path segment`;
  if (groups[0].current > L.alternatives) return `is too complex: more than ${L.alternatives} alternatives from braces or parentheses`;
  return undefined;
}

/** Closes the innermost group: its alternatives multiply the current alternative of the group around it. */
function close(groups: { sum: number; current: number }[], cap: (n: number) => number): void {
  const g = groups.pop()!;
  const outer = groups[groups.length - 1];
  outer.current = cap(outer.current * cap(g.sum + g.current));
}

function readRules(
  rules: Node,
  layer: ConfigLayer,
  knownRules: ReadonlySet<string>,
  ruleOptions: ((id: string) => Readonly<Record<string, OptionSpec>> | undefined) | undefined,
  at: At,
): void {
  for (const [id, keyNode, value] of properties(rules)) {
    if (!knownRules.has(id)) {
      at(keyNode, `Unknown rule id "${id}" in the configuration`);
      continue;
    }
    const rc: RuleConfig = { options: {} };
    if (value?.type === 'string') {
      if (isLevel(value.value as string)) rc.level = value.value as ConfiguredLevel;
      else at(value, `Rule "${id}": ${LEVEL_MESSAGE}`);
    } else if (value?.type === 'object') {
      const known = ruleOptions?.(id);
      for (const [k, kNode, v] of properties(value)) {
        if (k === 'level') {
          if (v?.type === 'string' && isLevel(v.value as string)) rc.level = v.value as ConfiguredLevel;
          else at(v ?? kNode, `Rule "${id}": ${LEVEL_MESSAGE}`);
        } else if (known && !(k in known)) {
          const names = Object.keys(known);
          at(kNode, `Rule "${id}" has no option "${k}"${names.length ? ` (its options: ${names.join(', ')})` : ''}`);
        } else {
          const given = v && getNodeValue(v);
          const problem = known && optionTypeProblem(known[k], given);
          if (problem) at(v ?? kNode, `Rule "${id}": option "${k}" ${problem}`);
          else rc.options[k] = given;
        }
      }
    } else {
      at(value ?? keyNode, `Rule "${id}": expected a level or an object`);
    }
    layer.rules[id] = rc;
  }
}

/**
 * Merges layers in order, later winning: rules merge per rule id (a level replaces the level, options replace the
 * options of the same name), `exclude`, `redirectionProfile` and `maxFileSizeMB` replace what came before.
 */
export function mergeLayers(layers: readonly ConfigLayer[]): AvdsecConfig {
  const config = emptyConfig();
  for (const l of layers) {
    for (const [id, rc] of Object.entries(l.rules)) {
      const prev = config.rules[id];
      const merged: RuleConfig = { options: { ...prev?.options, ...rc.options } };
      const level = rc.level ?? prev?.level;
      if (level) merged.level = level;
      config.rules[id] = merged;
    }
    if (l.exclude) config.exclude = l.exclude.map((e) => e.pattern);
    if (l.redirectionProfile) config.redirectionProfile = l.redirectionProfile;
    if (l.maxFileSizeMB !== undefined) config.maxFileSizeMB = l.maxFileSizeMB;
    if (l.compiledTemplates) config.compiledTemplates = l.compiledTemplates;
  }
  return config;
}

/**
 * Reads a config file's text on its own (`extends` is left to the host, which can read the files it names); problems
 * (syntax, unknown rules, bad levels) are returned, never thrown.
 */
export function parseConfig(
  text: string,
  knownRules: ReadonlySet<string>,
  ruleOptions?: (id: string) => Readonly<Record<string, OptionSpec>> | undefined,
): { config: AvdsecConfig; problems: ConfigProblem[] } {
  const { layer, problems } = parseConfigLayer(text, knownRules, ruleOptions);
  return { config: mergeLayers([layer]), problems };
}

function isLevel(v: string): v is ConfiguredLevel {
  return v === 'off' || (LEVELS as readonly string[]).includes(v);
}

/** The config text with one rule option set, preserving comments and formatting (for the "mark as managed elsewhere" fix). */
export function setRuleOption(text: string, ruleId: string, option: string, value: unknown): string {
  const base = text.trim() ? text : '{\n}\n';
  const parsed = parseJsonc(base, [], { allowTrailingComma: true }) as { rules?: Record<string, unknown> } | undefined;
  const current = parsed?.rules?.[ruleId];
  const fmt = { insertSpaces: true, tabSize: 2, eol: base.includes('\r\n') ? '\r\n' : '\n' };
  if (typeof current === 'string') {
    // A bare level becomes an object that keeps it.
    return applyEdits(base, modifyJson(base, ['rules', ruleId], { level: current, [option]: value }, fmt));
  }
  return applyEdits(base, modifyJson(base, ['rules', ruleId, option], value, fmt));
}

/** Shifts a level by `steps` (positive is more severe), staying within hint..error. */
export function shiftLevel(level: Level, steps: number): Level {
  const order: Level[] = ['hint', 'info', 'warning', 'error'];
  const i = Math.max(0, Math.min(order.length - 1, order.indexOf(level) + steps));
  return order[i];
}
