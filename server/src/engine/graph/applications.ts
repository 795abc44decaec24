import type { Resource } from '../model';
import type { AppGroupNode } from './app-groups';
import { linkValue, TYPES } from './links';
import { parentNameOf } from './resources';
import { nearest, type Targets } from './targets';

export interface ApplicationNode {
  resource: Resource;
  appGroup?: AppGroupNode;
}

/** Applications (RemoteApp), linked to the application group they are published in. */
export function applicationNodes(targets: Targets, groupOf: Map<Resource, AppGroupNode>): ApplicationNode[] {
  return targets.ofType(TYPES.application).map((resource) => {
    const group = appGroupOf(targets, resource);
    const node: ApplicationNode = { resource, appGroup: group ? groupOf.get(group) : undefined };
    node.appGroup?.applications.push(node);
    return node;
  });
}

function appGroupOf(targets: Targets, app: Resource): Resource | undefined {
  const byRef = targets.target(linkValue(app, TYPES.application, 'appGroup'), TYPES.appGroup, app);
  if (byRef) return byRef;
  const parentName = parentNameOf(app);
  return parentName ? nearest(targets.named(TYPES.appGroup, parentName), app) : undefined;
}
