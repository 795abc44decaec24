import type { RedirectionProfile } from '../config';
import type { AvdGraph } from '../graph';
import type { Fix, Level, Range, RelatedInfo, Severity, Value } from '../model';
import { catalogEntry, type RuleId } from './catalog';

/** Rule docs live next to each rule; the help link of a rule is its doc page. */
export const DOCS_BASE = 'https://github.com/avdsec/avdsec/blob/main/server/src/engine/rules';

/** The AVD security boundary a rule protects (Microsoft's list plus identity, management plane and data egress). */
export type Boundary = 'network' | 'kernel' | 'process' | 'user' | 'session' | 'vm' | 'vsm' | 'identity' | 'management-plane' | 'data-egress';

export interface Report {
  uri: string;
  at: Range;
  /**
   * The value the finding is about. When it was written in another document (a module argument, a parameters file,
   * a Terraform variables file), the finding moves there, where the user can change it, with a link back to `at`.
   */
  value?: Value;
  message: string;
  /** Steps below (negative) or above (positive) the rule's configured level, as the catalog's level ladder says. */
  shift?: number;
  related?: RelatedInfo[];
  fixes?: Fix[];
  /** Identity of the finding: resource key + property path (the rule id is added). */
  key: string;
}

export interface RuleContext {
  graph: AvdGraph;
  /** The rule's options from .avdsec.json. */
  options: Record<string, unknown>;
  /** Settings of .avdsec.json that several rules share. */
  settings: { redirectionProfile: RedirectionProfile };
  report(r: Report): void;
  /**
   * Whether findings for a document are wanted in this run. The editor checks one document at a time, so rules skip
   * work whose findings would land elsewhere.
   */
  inFocus(uri: string): boolean;
  /** The documents in focus, or undefined when the whole workspace is. */
  focus?: readonly string[];
  /** Whether another rule is registered and not turned off, for rules that leave a case to a more specific rule. */
  ruleEnabled(id: string): boolean;
}

export interface RuleDefinition {
  id: RuleId;
  title: string;
  /** Default level; .avdsec.json can change it. */
  level: Level;
  /** Drives SARIF security-severity and ordering. */
  severity: Severity;
  boundary: Boundary[];
  /** One sentence on what the rule finds, for listings. */
  summary: string;
  /** The rule's documentation (Why / How to fix / Bad and Good / References). */
  docs: string;
  /** Options the rule reads from .avdsec.json, with a description each. */
  options?: Record<string, string>;
  check(ctx: RuleContext): void;
}

export interface Rule extends RuleDefinition {
  helpUri: string;
}

const SECURITY_SEVERITY: Record<Severity, string> = { low: '3.0', medium: '5.5', high: '7.5', critical: '9.0' };

export function securitySeverity(s: Severity): string {
  return SECURITY_SEVERITY[s];
}

/** Validates a rule's metadata and derives its help link from the id. */
export function defineRule(def: RuleDefinition): Rule {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(def.id) || def.id.length > 40) throw new Error(`rule id must be kebab-case, at most 40 characters: ${def.id}`);
  if (!def.title || /[.!]$/.test(def.title)) throw new Error(`rule title must not end with a period: ${def.id}`);
  if (catalogEntry(def.id)?.level !== def.level) throw new Error(`rule ${def.id}: default level ${def.level} is not the catalog's`);
  return { ...def, helpUri: `${DOCS_BASE}/${def.id}.md` };
}

/** Checks a fix title: imperative, capitalised, no final period (as Bicep's CodeFix enforces). */
export function fix(title: string, intent: Fix['intent'], preferred = false): Fix {
  if (/[.!]$/.test(title) || !/^[A-Z]/.test(title)) throw new Error(`fix title must be capitalised and not end with a period: ${title}`);
  return preferred ? { title, intent, preferred } : { title, intent };
}
