import { createHash } from 'node:crypto';
import type * as Sarif from 'sarif';
import type { Finding, Level } from '../engine/model';
import { securitySeverity } from '../engine/rules/define';
import { RULES } from '../engine/rules/index';
import type { Report, ReportRange } from './report';

const SARIF_LEVEL: Record<Level, Sarif.Result.level> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function region(r: ReportRange): Sarif.Region {
  return { startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

/**
 * SARIF 2.1.0 for code scanning: rules from the registry, relative paths against %SRCROOT%, and fingerprints from the
 * finding's identity (rule, resource, property path), so a finding keeps its identity when lines move.
 */
export function formatSarif(report: Report, findings: Finding[], rootUri: string, fingerprintOf: (f: Finding) => string): string {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const rules: Sarif.ReportingDescriptor[] = RULES.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.summary },
    helpUri: r.helpUri,
    help: { text: r.summary, markdown: r.docs },
    defaultConfiguration: { level: SARIF_LEVEL[r.level] },
    properties: { tags: ['security', 'azure-virtual-desktop', ...r.boundary], 'security-severity': securitySeverity(r.severity), precision: 'high' },
  }));
  const results: Sarif.Result[] = report.findings.map((f, i) => {
    const result: Sarif.Result = {
      ruleId: f.ruleId,
      level: SARIF_LEVEL[f.level],
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' }, region: region(f.range) } }],
      partialFingerprints: { 'avdsecFinding/v1': createHash('sha256').update(fingerprintOf(findings[i])).digest('hex') },
    };
    const index = ruleIndex.get(f.ruleId);
    if (index !== undefined) result.ruleIndex = index;
    if (f.related.length) {
      result.relatedLocations = f.related.map((r, id) => ({
        id,
        message: { text: r.message },
        physicalLocation: { artifactLocation: { uri: encodeURI(r.file), uriBaseId: '%SRCROOT%' }, region: region(r.range) },
      }));
    }
    return result;
  });
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'avdsec', version: report.tool.version, semanticVersion: report.tool.version, informationUri: 'https://github.com/avdsec/avdsec', rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
        results,
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: 'warning' as const,
              message: { text: e.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(e.file), uriBaseId: '%SRCROOT%' } } }],
            })),
          },
        ],
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
