import type { Document, Resource } from '../model';
import type { Carried } from './carried';
import { type AppGroupNode, appGroupNodes } from './app-groups';
import { type ApplicationNode, applicationNodes } from './applications';
import { conditionalAccessPolicies } from './conditional-access';
import { type HostPoolNode, hostPoolNodes } from './host-pools';
import { indexBy } from './identity';
import { resourceGroupOf } from './resources';
import { type EndUsers, endUsersOf, type RoleAssignmentNode, roleAssignmentNodes } from './role-assignments';
import { type SessionHostNode, sessionHostNodes } from './session-hosts';
import { Targets } from './targets';
import { type WorkspaceNode, workspaceNodes } from './workspaces';

/**
 * The AVD graph across the files of a workspace: host pools, the session hosts registered to them, the role
 * assignments whose scope covers those hosts, application groups with their applications and the workspaces that
 * publish them, and Conditional Access policies. Linking is best effort; every link says how it was made, so rules
 * can lower their level when a link is only inferred. What links what is the table in links.ts.
 */
export interface AvdGraph {
  hostPools: HostPoolNode[];
  sessionHosts: SessionHostNode[];
  roleAssignments: RoleAssignmentNode[];
  appGroups: AppGroupNode[];
  applications: ApplicationNode[];
  workspaces: WorkspaceNode[];
  caPolicies: Resource[];
  /** Desktop Virtualization User assignments on application groups, by the identity key of their principal. */
  endUsers: EndUsers;
  /** Every resource by key. */
  byKey: Map<string, Resource>;
  /** Some resource carries values of a Terraform plan (plan-overlay.ts): an edit rebuilds the graph. */
  overlaid: boolean;
  documents: Document[];
  /**
   * The project (repository) a document belongs to; one for all unless the host says otherwise (Workspace.setProjects).
   * What one project cannot resolve (a diagnostic setting or private endpoint whose target is a parameter) may be any
   * resource of that project, not of another repository scanned beside it.
   */
  project: (uri: string) => string;
  /** Set by the workspace when the last swap took in one document's own edit that kept its links (see carried.ts). */
  carried?: Carried;
}

const ONE_PROJECT = (): string => '';

export function buildGraph(documents: Document[], project: (uri: string) => string = ONE_PROJECT): AvdGraph {
  const steps = graphSteps(documents, project);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** buildGraph in steps, a kind of node each: a language server lets waiting messages in between them. */
export function* graphSteps(documents: Document[], project: (uri: string) => string = ONE_PROJECT): Generator<void, AvdGraph, undefined> {
  // Asked for resource after resource (the unresolved settings and endpoints of each project), and a host finds a
  // document's repository on disk.
  const projects = new Map<string, string>();
  const projectOf = (uri: string): string => {
    let p = projects.get(uri);
    if (p === undefined) projects.set(uri, (p = project(uri)));
    return p;
  };
  const targets = new Targets(documents);
  yield;
  const hostPools = hostPoolNodes(targets);
  const poolOf = new Map(hostPools.map((h) => [h.resource, h]));
  yield;
  const appGroups = appGroupNodes(targets, poolOf);
  const groupOf = new Map(appGroups.map((g) => [g.resource, g]));
  yield;
  const applications = applicationNodes(targets, groupOf);
  const workspaces = workspaceNodes(targets, groupOf);
  yield;
  const sessionHosts = sessionHostNodes(targets, poolOf);
  const hostsByGroup = indexBy(sessionHosts, (h) => resourceGroupOf(h.vm));
  yield;
  const roleAssignments = roleAssignmentNodes(targets, sessionHosts, hostsByGroup);
  yield;
  return {
    hostPools,
    sessionHosts,
    roleAssignments,
    appGroups,
    applications,
    workspaces,
    caPolicies: conditionalAccessPolicies(targets),
    endUsers: endUsersOf(roleAssignments),
    byKey: targets.byKey,
    overlaid: targets.overlaid,
    documents,
    project: projectOf,
  };
}
