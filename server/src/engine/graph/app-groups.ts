import type { Resource } from '../model';
import type { HostPoolNode } from './host-pools';
import { linkValue, TYPES } from './links';
import type { Targets } from './targets';

export interface AppGroupNode {
  resource: Resource;
  hostPool?: HostPoolNode;
}

/** Application groups, linked to the host pool their `hostPoolArmPath` names. */
export function appGroupNodes(targets: Targets, poolOf: Map<Resource, HostPoolNode>): AppGroupNode[] {
  return targets.ofType(TYPES.appGroup).map((resource) => {
    const pool = targets.target(linkValue(resource, TYPES.appGroup, 'hostPool'), TYPES.hostPool, resource);
    const node: AppGroupNode = { resource, hostPool: pool ? poolOf.get(pool) : undefined };
    node.hostPool?.appGroups.push(node);
    return node;
  });
}
