import { createHash } from 'node:crypto';
import type * as Sarif from 'sarif';
import type { Level } from '../engine/model';
import { policiesOf, policyDefinitionId } from '../engine/knowledge/policies';
import { META_RULES } from '../engine/meta-rules';
import { REPOSITORY_URL, securitySeverity } from '../engine/rule';
import { MCSB, MCSB_CONTROLS, type McsbControl, mcsbControlsOf, mcsbUri } from '../engine/knowledge/mcsb';
import { RULES } from '../engine/registry';
import type { Report, ReportError, ReportNote, ReportRange } from './report';

const SARIF_LEVEL: Record<Level, Sarif.Result.level> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** The schema the output follows: SARIF 2.1.0 Errata 01, as published by OASIS (vendored in schemas/vendor/). */
export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';

/** A fix rendered as replacements in files (paths relative to the root, like the report's). */
export interface SarifFix {
  title: string;
  changes: { file: string; range: ReportRange; text: string }[];
}

/** What SARIF needs beyond the JSON report, per finding, in the report's order. */
export interface SarifDetail {
  /** The finding's identity (rule, resource, property path) with machine-specific paths made relative. */
  identity: string;
  fixes: SarifFix[];
}

function region(r: ReportRange): Sarif.Region {
  return { startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

function artifact(file: string): Sarif.ArtifactLocation {
  return { uri: encodeURI(file), uriBaseId: SRCROOT };
}

function fixOf(f: SarifFix): Sarif.Fix {
  const byFile = new Map<string, Sarif.Replacement[]>();
  for (const c of f.changes) {
    let list = byFile.get(c.file);
    if (!list) byFile.set(c.file, (list = []));
    list.push({ deletedRegion: region(c.range), insertedContent: { text: c.text } });
  }
  return {
    description: { text: f.title },
    artifactChanges: [...byFile].map(([file, replacements]) => ({ artifactLocation: artifact(file), replacements })),
  };
}

function notification(e: ReportError | ReportNote, level: Sarif.Notification.level): Sarif.Notification {
  const physicalLocation: Sarif.PhysicalLocation = { artifactLocation: artifact(e.file) };
  if ('line' in e && e.line && e.column) physicalLocation.region = { startLine: e.line, startColumn: e.column };
  return { level, message: { text: e.message }, locations: [{ physicalLocation }] };
}

/**
 * SARIF 2.1.0 for code scanning: rules from the registry, relative paths against %SRCROOT%, fingerprints from the
 * finding's identity (rule, resource, property path) so a finding keeps its identity when lines move, the fixes that
 * render as edits, and suppressions when suppressed findings are listed.
 */
export function formatSarif(report: Report, details: SarifDetail[], rootUri: string): string {
  // The findings about avdsec's input (invalid-suppression, module-cycle) come after the rules, so rule indexes stay put.
  const ruleIndex = new Map<string, number>([...RULES, ...META_RULES].map((r, i) => [r.id, i]));
  // The benchmark as a taxonomy: each rule relates to the controls it supports, so code scanning can group by control.
  const controls = Object.keys(MCSB_CONTROLS) as McsbControl[];
  const taxonomy: Sarif.ToolComponent = {
    name: MCSB.name,
    fullName: MCSB.fullName,
    version: MCSB.version,
    organization: 'Microsoft',
    informationUri: MCSB.informationUri,
    isComprehensive: false,
    taxa: controls.map((c) => ({ id: c, name: MCSB_CONTROLS[c], helpUri: mcsbUri(c) })),
  };
  const rules: Sarif.ReportingDescriptor[] = RULES.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.summary },
    helpUri: r.helpUri,
    help: { text: `${r.summary} ${r.helpUri}`, markdown: r.docs },
    defaultConfiguration: { level: SARIF_LEVEL[r.level] },
    relationships: mcsbControlsOf(r.id).map((c) => ({
      target: { id: c, index: controls.indexOf(c), toolComponent: { name: MCSB.name, index: 0 } },
      kinds: ['relevant'],
    })),
    properties: {
      tags: ['security', 'azure-virtual-desktop', ...r.boundary],
      'security-severity': securitySeverity(r.severity),
      precision: 'high',
      // The Azure Policy built-ins that enforce the same control, for teams that map findings to their policy assignments.
      ...(policiesOf(r.id).length ? { azurePolicies: policiesOf(r.id).map((p) => ({ id: policyDefinitionId(p.guid), name: p.name })) } : {}),
    },
  }));
  for (const m of META_RULES) {
    rules.push({
      id: m.id,
      name: m.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: m.title },
      fullDescription: { text: m.summary },
      helpUri: m.helpUri,
      help: { text: `${m.summary} ${m.helpUri}`, markdown: `# ${m.id}\n\n${m.docs}` },
      defaultConfiguration: { level: SARIF_LEVEL[m.level] },
      properties: { tags: m.tags, precision: 'high' },
    });
  }
  const results: Sarif.Result[] = report.findings.map((f, i) => {
    const result: Sarif.Result = {
      ruleId: f.ruleId,
      level: SARIF_LEVEL[f.level],
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: artifact(f.file), region: region(f.range) } }],
      partialFingerprints: { 'avdsecFinding/v1': createHash('sha256').update(details[i].identity).digest('hex') },
    };
    const index = ruleIndex.get(f.ruleId);
    if (index !== undefined) result.ruleIndex = index;
    if (f.related.length) {
      result.relatedLocations = f.related.map((r, id) => ({
        id,
        message: { text: r.message },
        physicalLocation: { artifactLocation: artifact(r.file), region: region(r.range) },
      }));
    }
    if (details[i].fixes.length) result.fixes = details[i].fixes.map(fixOf);
    if (f.suppressed) {
      const s: Sarif.Suppression = { kind: 'inSource', status: 'accepted' };
      if (f.suppressed.reason) s.justification = f.suppressed.reason;
      result.suppressions = [s];
    }
    return result;
  });
  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'avdsec',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: REPOSITORY_URL,
            rules,
          },
        },
        taxonomies: [taxonomy],
        originalUriBaseIds: { [SRCROOT]: { uri: rootUri } },
        columnKind: 'utf16CodeUnits',
        results,
        invocations: [
          {
            executionSuccessful: true,
            toolConfigurationNotifications: report.errors.filter((e) => e.kind === 'config').map((e) => notification(e, 'error')),
            toolExecutionNotifications: [
              ...report.errors.filter((e) => e.kind !== 'config').map((e) => notification(e, 'warning')),
              ...report.skipped.map((e) => notification(e, 'note')),
            ],
          },
        ],
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
