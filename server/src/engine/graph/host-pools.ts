import type { Resource } from '../model';
import type { AppGroupNode } from './app-groups';
import { TYPES } from './links';
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
