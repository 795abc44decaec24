import type { Resource } from '../model';
import { arrayItems, cases } from '../values';
import type { AppGroupNode } from './app-groups';
import { linkValue, TYPES } from './links';
import type { Targets } from './targets';

export interface WorkspaceNode {
  resource: Resource;
  appGroups: AppGroupNode[];
}

/** Workspaces, linked to the application groups they publish. */
export function workspaceNodes(targets: Targets, groupOf: Map<Resource, AppGroupNode>): WorkspaceNode[] {
  return targets.ofType(TYPES.workspace).map((resource) => {
    const node: WorkspaceNode = { resource, appGroups: [] };
    const refs = linkValue(resource, TYPES.workspace, 'appGroups');
    // A ternary between two lists publishes the groups of either.
    const items = refs ? cases(refs).flatMap((c) => arrayItems(c.value) ?? []) : [];
    for (const item of items.flatMap((i) => cases(i))) {
      const target = targets.target(item.value, TYPES.appGroup, resource);
      const group = target && groupOf.get(target);
      if (!group || node.appGroups.includes(group)) continue;
      node.appGroups.push(group);
      group.workspaces.push(node);
    }
    return node;
  });
}
