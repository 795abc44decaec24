import { type CompletionItem, CompletionItemKind, type Position } from 'vscode-languageserver';
import { completionsAt } from '../engine/completion';
import { toLspRange } from './diagnostics';
import type { ServerWorkspace } from './workspace';

export function completion(ws: ServerWorkspace, uri: string, position: Position): CompletionItem[] {
  const text = ws.textDocument(uri);
  const doc = ws.engine.document(uri);
  if (!text || !doc) return [];
  const items = completionsAt(doc, text.offsetAt(position)) ?? [];
  return items.map((i, n) => ({
    label: i.label,
    kind: i.kind === 'property' ? CompletionItemKind.Property : CompletionItemKind.Value,
    detail: i.detail,
    documentation: i.documentation,
    sortText: String(n).padStart(4, '0'),
    textEdit: { range: toLspRange(text, i.range), newText: i.insertText },
  }));
}
