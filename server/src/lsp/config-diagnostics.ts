import { findNodeAtOffset, parseTree } from 'jsonc-parser';
import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseConfig } from '../engine/config';
import { RULE_IDS } from '../engine/registry';
import { ruleOptions } from '../host/config-files';

/** A problem the host found on disk, beyond the file's own text (an `extends` it cannot read, a cycle). */
export interface DiskProblem {
  line?: number;
  column?: number;
  message: string;
}

/**
 * The problems of a `.avdsec.json` as diagnostics in that file: those of its text (syntax, unknown rules and options,
 * bad levels), read as the CLI reads it, plus those found on disk that the text alone cannot show (`disk`, 1-based).
 */
export function configDiagnostics(uri: string, text: string, disk: readonly DiskProblem[] = []): Diagnostic[] {
  const doc = TextDocument.create(uri, 'jsonc', 0, text);
  const tree = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const diagnostic = (start: number, end: number, message: string): Diagnostic => ({
    range: { start: doc.positionAt(start), end: doc.positionAt(end) },
    severity: DiagnosticSeverity.Error,
    source: 'avdsec',
    message,
  });
  const own = parseConfig(text, RULE_IDS, ruleOptions).problems.map((p) => {
    const start = Math.max(0, Math.min(p.offset, text.length));
    return diagnostic(start, Math.min(start + Math.max(0, p.length ?? 0), text.length), p.message);
  });
  const extra = disk.map((p) => {
    const start = p.line === undefined ? 0 : doc.offsetAt({ line: p.line - 1, character: (p.column ?? 1) - 1 });
    // The host gives a position only: draw the JSON value that starts there.
    const node = tree && findNodeAtOffset(tree, start);
    const end = node && node.offset === start && node.type !== 'object' && node.type !== 'array' ? start + node.length : start;
    return diagnostic(start, end, p.message);
  });
  return [...own, ...extra];
}
