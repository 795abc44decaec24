export type { AppGroupNode } from './app-groups';
export { type AvdGraph, buildGraph } from './build';
export type { HostPoolNode } from './host-pools';
export { identityKey, indexBy } from './identity';
export { linkFacts, linkSignature, swapDocument } from './incremental';
export { linksProperty } from './links';
export { location, resourceGroupOf, resourceName, typeIs } from './resources';
export type { EndUsers, RoleAssignmentNode, RoleCase, ScopeInfo } from './role-assignments';
export { isAvdAgentExtension, type JoinType, type SessionHostNode } from './session-hosts';
