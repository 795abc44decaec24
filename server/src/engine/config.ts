import { type ParseError, parse as parseJsonc, printParseErrorCode, modify, applyEdits } from 'jsonc-parser';
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
 *   "redirectionProfile": "balanced"
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
}

export type RedirectionProfile = 'strict' | 'balanced' | 'off';

export type ConfiguredLevel = Level | 'off';

export interface RuleConfig {
  level?: ConfiguredLevel;
  options: Record<string, unknown>;
}

export const CONFIG_FILE_NAME = '.avdsec.json';

export function emptyConfig(): AvdsecConfig {
  return { rules: {}, exclude: [], redirectionProfile: 'balanced' };
}

export interface ConfigProblem {
  message: string;
  offset: number;
}

/** Reads a config file's text; problems (syntax, unknown rules, bad levels) are returned, never thrown. */
export function parseConfig(text: string, knownRules: ReadonlySet<string>): { config: AvdsecConfig; problems: ConfigProblem[] } {
  const errors: ParseError[] = [];
  const problems: ConfigProblem[] = [];
  const raw = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) problems.push({ message: `${printParseErrorCode(e.error)} in the configuration file`, offset: e.offset });
  const config = emptyConfig();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    if (!errors.length) problems.push({ message: 'The configuration must be a JSON object', offset: 0 });
    return { config, problems };
  }
  const rules = (raw as Record<string, unknown>).rules;
  if (rules !== undefined && (typeof rules !== 'object' || rules === null || Array.isArray(rules))) {
    problems.push({ message: '"rules" must be an object of rule ids', offset: 0 });
  } else if (rules) {
    for (const [id, value] of Object.entries(rules as Record<string, unknown>)) {
      if (!knownRules.has(id)) {
        problems.push({ message: `Unknown rule id "${id}" in the configuration`, offset: 0 });
        continue;
      }
      const rc: RuleConfig = { options: {} };
      if (typeof value === 'string') {
        if (isLevel(value)) rc.level = value;
        else problems.push({ message: `Rule "${id}": level must be one of off, hint, info, warning, error`, offset: 0 });
      } else if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (k === 'level') {
            if (typeof v === 'string' && isLevel(v)) rc.level = v;
            else problems.push({ message: `Rule "${id}": level must be one of off, hint, info, warning, error`, offset: 0 });
          } else rc.options[k] = v;
        }
      } else {
        problems.push({ message: `Rule "${id}": expected a level or an object`, offset: 0 });
      }
      config.rules[id] = rc;
    }
  }
  const exclude = (raw as Record<string, unknown>).exclude;
  if (Array.isArray(exclude) && exclude.every((e) => typeof e === 'string')) config.exclude = exclude as string[];
  else if (exclude !== undefined) problems.push({ message: '"exclude" must be an array of glob patterns', offset: 0 });
  const profile = (raw as Record<string, unknown>).redirectionProfile;
  if (profile === 'strict' || profile === 'balanced' || profile === 'off') config.redirectionProfile = profile;
  else if (profile !== undefined) problems.push({ message: '"redirectionProfile" must be "strict", "balanced" or "off"', offset: 0 });
  return { config, problems };
}

function isLevel(v: string): v is ConfiguredLevel {
  return v === 'off' || (LEVELS as readonly string[]).includes(v);
}

/** The config text with one rule option set, preserving comments and formatting (for the "mark as managed elsewhere" fix). */
export function setRuleOption(text: string, ruleId: string, option: string, value: unknown): string {
  const base = text.trim() ? text : '{\n}\n';
  const parsed = parseJsonc(base, [], { allowTrailingComma: true }) as { rules?: Record<string, unknown> } | undefined;
  const current = parsed?.rules?.[ruleId];
  const fmt = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: base.includes('\r\n') ? '\r\n' : '\n' } };
  if (typeof current === 'string') {
    // A bare level becomes an object that keeps it.
    return applyEdits(base, modify(base, ['rules', ruleId], { level: current, [option]: value }, fmt));
  }
  return applyEdits(base, modify(base, ['rules', ruleId, option], value, fmt));
}

/** Shifts a level by `steps` (positive is more severe), staying within hint..error. */
export function shiftLevel(level: Level, steps: number): Level {
  const order: Level[] = ['hint', 'info', 'warning', 'error'];
  const i = Math.max(0, Math.min(order.length - 1, order.indexOf(level) + steps));
  return order[i];
}
