/**
 * `avdsec/graph`: each host pool of the workspace with the session hosts, application groups, role assignments and
 * parameter files linked to it, and how each link was made (what `avdsec graph` prints). Not part of the LSP.
 */
export const GRAPH_REQUEST = 'avdsec/graph';

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface GraphLinked {
  name: string;
  uri: string;
  range: LspRange;
  link: string;
}

export interface GraphRoleAssignment extends GraphLinked {
  role: string;
  scope: string;
}

export interface GraphResult {
  hostPools: {
    name: string;
    uri: string;
    range: LspRange;
    type: string;
    sessionHosts: GraphLinked[];
    appGroups: GraphLinked[];
    roleAssignments: GraphRoleAssignment[];
    parameterFiles: { uri: string; label: string }[];
  }[];
  unlinkedSessionHosts: GraphLinked[];
  unknownScopeRoleAssignments: GraphRoleAssignment[];
  summary: { hostPools: number; hostPoolsWithSessionHosts: number; sessionHosts: number; roleAssignments: number; roleAssignmentsWithKnownScope: number };
}
