import type { Hover, Position } from 'vscode-languageserver';
import { hoverAt } from '../engine/hover';
import { toLspRange } from './diagnostics';
import type { ServerWorkspace } from './workspace';

export function hover(ws: ServerWorkspace, uri: string, position: Position): Hover | null {
  const text = ws.textDocument(uri);
  const doc = ws.engine.document(uri);
  if (!text || !doc) return null;
  const h = hoverAt(doc, ws.engine.graph(), text.offsetAt(position));
  return h ? { contents: { kind: 'markdown', value: h.markdown }, range: toLspRange(text, h.range) } : null;
}
