import type { TextDocument } from 'vscode-languageserver-textdocument';
import { type GraphReport, placeReport } from '../engine/graph-report';
import type { GraphResult } from '../protocol/graph';
import { toLspRange } from './diagnostics';

/** The engine's graph report with LSP ranges (the avdsec/graph request); each document's text is indexed once. */
export function graphResult(report: GraphReport, docOf: (uri: string) => TextDocument | undefined): GraphResult {
  const docs = new Map<string, TextDocument | undefined>();
  const zero = { line: 0, character: 0 };
  return placeReport(
    report,
    (l) => {
      if (!docs.has(l.uri)) docs.set(l.uri, docOf(l.uri));
      const doc = docs.get(l.uri);
      return { uri: l.uri, range: doc ? toLspRange(doc, l.range) : { start: zero, end: zero } };
    },
    (uri) => ({ uri }),
  );
}
