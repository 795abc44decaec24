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

/** Whether an offset is on the declaration head of a host pool (where the hover shows the pool's compact overview). */
export function onHostPoolHead(ws: ServerWorkspace, uri: string, offset: number): boolean {
  const doc = ws.engine.document(uri);
  return !!doc?.resources.some(
    (r) => r.type.toLowerCase() === 'microsoft.desktopvirtualization/hostpools' && r.source.headRange.start <= offset && offset <= r.source.headRange.end,
  );
}
