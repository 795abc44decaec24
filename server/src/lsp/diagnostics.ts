import { type Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { INVALID_SUPPRESSION } from '../engine/analyze';
import type { Finding, Level, Range, SyntaxError } from '../engine/model';
import { metaRuleById } from '../engine/meta-rules';
import { ruleById } from '../engine/registry';

const SEVERITY: Record<Level, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries back to the server, so a code action finds its finding again. */
export interface DiagnosticData {
  key: string;
}

export function toLspRange(doc: TextDocument, r: Range) {
  return { start: doc.positionAt(r.start), end: doc.positionAt(r.end) };
}

/** The one place an engine finding becomes an LSP diagnostic. */
export function toDiagnostic(f: Finding, doc: TextDocument, docOf: (uri: string) => TextDocument | undefined): Diagnostic {
  const rule = ruleById(f.ruleId);
  const d: Diagnostic = {
    range: toLspRange(doc, f.range),
    severity: SEVERITY[f.level],
    code: f.ruleId,
    source: 'avdsec',
    message: f.message,
    data: { key: f.key } satisfies DiagnosticData,
  };
  const help = rule?.helpUri ?? metaRuleById(f.ruleId)?.helpUri;
  if (help) d.codeDescription = { href: help };
  if (f.ruleId === INVALID_SUPPRESSION) d.tags = [DiagnosticTag.Unnecessary];
  const related = f.related
    .map((r) => {
      const other = r.uri === doc.uri ? doc : docOf(r.uri);
      return other ? { location: { uri: r.uri, range: toLspRange(other, r.range) }, message: r.message } : undefined;
    })
    .filter((r): r is NonNullable<typeof r> => !!r);
  if (related.length) d.relatedInformation = related;
  return d;
}

/** A file avdsec did not read at all (refused before parsing, or its parser failed): one diagnostic that says why. */
export function notCheckedDiagnostic(e: SyntaxError, doc: TextDocument): Diagnostic {
  return {
    range: toLspRange(doc, e.range),
    severity: DiagnosticSeverity.Information,
    code: 'file-not-checked',
    source: 'avdsec',
    message: e.message.replace(/^avdsec did not read this file: /, 'avdsec did not check this file: '),
  };
}
