import type { Resource, Value } from '../model';
import type { AppGroupNode } from './app-groups';
import { linkValue, TYPES } from './links';
import type { SessionHostNode } from './session-hosts';
import type { Targets } from './targets';

export interface HostPoolNode {
  resource: Resource;
  sessionHosts: SessionHostNode[];
  appGroups: AppGroupNode[];
}

/** One node per host pool; session hosts and application groups add themselves as they link. */
export function hostPoolNodes(targets: Targets): HostPoolNode[] {
  return targets.ofType(TYPES.hostPool).map((resource) => ({ resource, sessionHosts: [], appGroups: [] }));
}

/** Pooled or personal: the graph does not link by it, but other documents' findings depend on it (facts/host-pools.ts). */
export function poolTypeOf(hp: Resource): Value | undefined {
  return linkValue(hp, TYPES.hostPool, 'poolType');
}
