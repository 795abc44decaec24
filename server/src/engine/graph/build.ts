import type { Document, Resource } from '../model';
import { type AppGroupNode, appGroupNodes } from './app-groups';
import { conditionalAccessPolicies } from './conditional-access';
import { type HostPoolNode, hostPoolNodes } from './host-pools';
import { indexBy } from './identity';
import { resourceGroupOf } from './resources';
import { type EndUsers, endUsersOf, type RoleAssignmentNode, roleAssignmentNodes } from './role-assignments';
import { type SessionHostNode, sessionHostNodes } from './session-hosts';
import { Targets } from './targets';

/**
 * The AVD graph across the files of a workspace: host pools, the session hosts registered to them, the role
 * assignments whose scope covers those hosts, application groups and Conditional Access policies. Linking is best
 * effort; every link says how it was made, so rules can lower their level when a link is only inferred. What links
 * what is the table in links.ts.
 */
export interface AvdGraph {
  hostPools: HostPoolNode[];
  sessionHosts: SessionHostNode[];
  roleAssignments: RoleAssignmentNode[];
  appGroups: AppGroupNode[];
  caPolicies: Resource[];
  /** Desktop Virtualization User assignments on application groups, by the identity key of their principal. */
  endUsers: EndUsers;
  /** Every resource by key. */
  byKey: Map<string, Resource>;
  /** Host pools and role assignments of each document, so a check of one document does not walk the workspace. */
  byUri: Map<string, { hostPools: HostPoolNode[]; roleAssignments: RoleAssignmentNode[] }>;
  documents: Document[];
}

export function buildGraph(documents: Document[]): AvdGraph {
  const targets = new Targets(documents);
  const hostPools = hostPoolNodes(targets);
  const poolOf = new Map(hostPools.map((h) => [h.resource, h]));
  const appGroups = appGroupNodes(targets, poolOf);
  const sessionHosts = sessionHostNodes(targets, poolOf);
  const hostsByGroup = indexBy(sessionHosts, (h) => resourceGroupOf(h.vm));
  const roleAssignments = roleAssignmentNodes(targets, sessionHosts, hostsByGroup);
  const byUri = new Map<string, { hostPools: HostPoolNode[]; roleAssignments: RoleAssignmentNode[] }>();
  const slot = (uri: string) => {
    let e = byUri.get(uri);
    if (!e) byUri.set(uri, (e = { hostPools: [], roleAssignments: [] }));
    return e;
  };
  for (const hp of hostPools) slot(hp.resource.source.uri).hostPools.push(hp);
  for (const ra of roleAssignments) slot(ra.resource.source.uri).roleAssignments.push(ra);
  return {
    hostPools,
    sessionHosts,
    roleAssignments,
    appGroups,
    caPolicies: conditionalAccessPolicies(targets),
    endUsers: endUsersOf(roleAssignments),
    byUri,
    byKey: targets.byKey,
    documents,
  };
}
