import type { Resource } from '../model';
import { TYPES } from './links';
import type { Targets } from './targets';

/** Conditional Access policies (Microsoft Graph shape): rules read them whole, so they stay resources. */
export function conditionalAccessPolicies(targets: Targets): Resource[] {
  return targets.ofType(TYPES.caPolicy);
}
