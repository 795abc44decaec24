import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { GraphReport, LinkedResource, LinkedRoleAssignment } from '../engine/graph-report';
import type { Location } from '../engine/model';
import type { GraphLinked, GraphResult, GraphRoleAssignment } from '../protocol/graph';
import { toLspRange } from './diagnostics';

/** The engine's graph report with LSP ranges (the avdsec/graph request). */
export function graphResult(report: GraphReport, docOf: (uri: string) => TextDocument | undefined): GraphResult {
  const at = (l: Location) => {
    const doc = docOf(l.uri);
    const zero = { line: 0, character: 0 };
    return { uri: l.uri, range: doc ? toLspRange(doc, l.range) : { start: zero, end: zero } };
  };
  const linked = (r: LinkedResource): GraphLinked => ({ name: r.name, ...at(r.at), link: r.link });
  const role = (r: LinkedRoleAssignment): GraphRoleAssignment => ({ ...linked(r), role: r.role, scope: r.scope });
  return {
    hostPools: report.hostPools.map((hp) => ({
      name: hp.name,
      ...at(hp.at),
      type: hp.type,
      sessionHosts: hp.sessionHosts.map(linked),
      appGroups: hp.appGroups.map(linked),
      roleAssignments: hp.roleAssignments.map(role),
      parameterFiles: hp.parameterFiles,
    })),
    unlinkedSessionHosts: report.unlinkedSessionHosts.map(linked),
    unknownScopeRoleAssignments: report.unknownScopeRoleAssignments.map(role),
    summary: report.summary,
  };
}
