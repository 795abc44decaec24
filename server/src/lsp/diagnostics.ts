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

/**
 * What a diagnostic carries back to the server, so a code action finds its finding again: the finding's key without
 * what the diagnostic says already (its rule id, the `code`), and without the document's URI where the key starts with
 * it (`d`). A large template publishes a thousand diagnostics at each keystroke; the full key was a sixth of them.
 */
export type DiagnosticData = { k: string; d?: 1 } | { key: string };

export function diagnosticData(f: Finding, uri: string): DiagnosticData {
  const rule = `${f.ruleId}|`;
  if (!f.key.startsWith(rule)) return { key: f.key };
  const rest = f.key.slice(rule.length);
  return rest.startsWith(uri) ? { k: rest.slice(uri.length), d: 1 } : { k: rest };
}

/** The key of the finding a diagnostic of `uri` was made from (see DiagnosticData), when it says one. */
export function findingKey(d: Diagnostic, uri: string): string | undefined {
  const data = d.data as Partial<{ k: unknown; d: unknown; key: unknown }> | undefined;
  if (typeof data?.k === 'string' && typeof d.code === 'string') return `${d.code}|${data.d === 1 ? uri : ''}${data.k}`;
  return typeof data?.key === 'string' ? data.key : undefined;
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
    data: diagnosticData(f, doc.uri),
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
