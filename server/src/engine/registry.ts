import { CATALOG } from './rule-catalog';
import type { Rule } from './rule';
import * as rules from './rules/index';

const catalogOrder = new Map<string, number>(CATALOG.map((e, i) => [e.id, i]));

/** Every rule, in the order of the catalog. The registry is explicit: a rule not exported by rules/index.ts does not run. */
export const RULES: readonly Rule[] = Object.values(rules).sort((a, b) => (catalogOrder.get(a.id) ?? Infinity) - (catalogOrder.get(b.id) ?? Infinity));

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
