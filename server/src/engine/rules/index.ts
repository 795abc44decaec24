import type { Rule } from './define';
import hostPoolSsoDisabled from './host-pool-sso-disabled';
import mfaConditionalAccessMissing from './mfa-conditional-access-missing';
import pooledHostLocalAdmin from './pooled-host-local-admin';

/** Every rule, in the order of the catalog. The registry is explicit: a rule not listed here does not run. */
export const RULES: readonly Rule[] = [pooledHostLocalAdmin, hostPoolSsoDisabled, mfaConditionalAccessMissing];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
