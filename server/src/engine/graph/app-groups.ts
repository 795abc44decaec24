import type { Resource } from '../model';
import type { ApplicationNode } from './applications';
import type { HostPoolNode } from './host-pools';
import { linkValue, TYPES } from './links';
import type { Targets } from './targets';
import type { WorkspaceNode } from './workspaces';

export interface AppGroupNode {
  resource: Resource;
  hostPool?: HostPoolNode;
  /** Applications and workspaces add themselves as they link. */
  applications: ApplicationNode[];
  workspaces: WorkspaceNode[];
}

/** Application groups, linked to the host pool they deliver. */
export function appGroupNodes(targets: Targets, poolOf: Map<Resource, HostPoolNode>): AppGroupNode[] {
  return targets.ofType(TYPES.appGroup).map((resource) => {
    const pool = targets.target(linkValue(resource, TYPES.appGroup, 'hostPool'), TYPES.hostPool, resource);
    const node: AppGroupNode = { resource, hostPool: pool ? poolOf.get(pool) : undefined, applications: [], workspaces: [] };
    node.hostPool?.appGroups.push(node);
    return node;
  });
}
