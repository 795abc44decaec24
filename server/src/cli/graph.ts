import { type GraphReport, placeReport } from '../engine/graph-report';
import { errorJson, type ReportError, type Reporter, type ReportRange } from './report';
import { escapeControls } from './text';

interface FileRange {
  file: string;
  range: ReportRange;
}

type Linked = { name: string; link: string } & FileRange;
type LinkedRole = Linked & { role: string; scope: string };

/** `avdsec graph --format json` (stable): each host pool with what is linked to it and how, and what links nowhere. */
export interface GraphJson {
  tool: { name: 'avdsec'; version: string };
  hostPools: ({
    name: string;
    type: string;
    sessionHosts: Linked[];
    appGroups: Linked[];
    roleAssignments: LinkedRole[];
    parameterFiles: { file: string; label: string }[];
  } & FileRange)[];
  unlinkedSessionHosts: Linked[];
  unknownScopeRoleAssignments: LinkedRole[];
  errors: { file: string; message: string }[];
  summary: GraphReport['summary'];
}

/** The graph report in the CLI's terms: paths relative to the working directory, 1-based lines and columns. */
export function graphJson(report: GraphReport, reporter: Reporter, version: string, errors: ReportError[]): GraphJson {
  const placed = placeReport(
    report,
    (l): FileRange => ({ file: reporter.relative(l.uri), range: reporter.range(l.uri, l.range) }),
    (uri) => ({ file: reporter.relative(uri) }),
  );
  return { tool: { name: 'avdsec', version }, ...placed, errors: errors.map(errorJson) };
}

/** The same, for a terminal: one block per host pool. */
export function graphText(g: GraphJson): string {
  const where = (r: FileRange) => `${escapeControls(r.file)}:${r.range.start.line}:${r.range.start.column}`;
  const lines: string[] = [];
  const section = (title: string, items: string[]) => {
    lines.push(`  ${title}: ${items.length ? '' : 'none'}`.trimEnd());
    for (const i of items) lines.push(`    ${i}`);
  };
  for (const hp of g.hostPools) {
    lines.push(`host pool ${escapeControls(hp.name)} (${hp.type})  ${where(hp)}`);
    section(
      'session hosts',
      hp.sessionHosts.map((h) => `${escapeControls(h.name)}  ${where(h)}  linked by ${h.link}`),
    );
    section(
      'application groups',
      hp.appGroups.map((a) => `${escapeControls(a.name)}  ${where(a)}  linked by ${a.link}`),
    );
    section(
      'role assignments',
      hp.roleAssignments.map((r) => `${r.role} on ${escapeControls(r.scope)}  ${where(r)}  (${r.link})`),
    );
    section(
      'parameter files and callers',
      hp.parameterFiles.map((p) => `${escapeControls(p.file)}  (${escapeControls(p.label)})`),
    );
    lines.push('');
  }
  if (!g.hostPools.length) lines.push('no host pool found', '');
  if (g.unlinkedSessionHosts.length) {
    lines.push('session hosts linked to no host pool:');
    for (const h of g.unlinkedSessionHosts) lines.push(`  ${escapeControls(h.name)}  ${where(h)}  (${h.link})`);
    lines.push('');
  }
  if (g.unknownScopeRoleAssignments.length) {
    lines.push('role assignments whose scope avdsec cannot tell:');
    for (const r of g.unknownScopeRoleAssignments) lines.push(`  ${r.role}  ${where(r)}`);
    lines.push('');
  }
  for (const e of g.errors) lines.push(`error: ${escapeControls(e.file)}: ${escapeControls(e.message)}`);
  const n = g.summary;
  lines.push(
    `${n.hostPools} host pool${n.hostPools === 1 ? '' : 's'}, ${n.hostPoolsWithSessionHosts} with linked session hosts; ${n.sessionHosts} session host${n.sessionHosts === 1 ? '' : 's'}; ${n.roleAssignmentsWithKnownScope} of ${n.roleAssignments} role assignment${n.roleAssignments === 1 ? '' : 's'} with a known scope`,
  );
  return lines.join('\n').replace(/\n*$/, '\n');
}
