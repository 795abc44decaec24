import type { Range, Suppression } from './model';
import type { LineIndex } from './positions';

const DIRECTIVES = ['avdsec-disable-next-line', 'avdsec-disable-file'] as const;

/**
 * Reads `avdsec-disable-next-line <rule-id> [<rule-id>…] [-- reason]` from a comment. `comment` is the comment's
 * whole text (with its `//`, `#` or `/*`), `start` its offset in the document, `lines` the document's line index. Undefined when it is not one.
 */
export function parseSuppression(lines: LineIndex, comment: string, start: number): Suppression | undefined {
  let at = -1;
  let directive: (typeof DIRECTIVES)[number] = DIRECTIVES[0];
  for (const d of DIRECTIVES) {
    const i = comment.indexOf(d);
    if (i >= 0 && (at < 0 || i < at)) {
      at = i;
      directive = d;
    }
  }
  if (at < 0) return undefined;
  // Only the comment marker and spaces may come before the directive.
  if (!/^(\/\/|#|\/\*)\s*$/.test(comment.slice(0, at))) return undefined;
  let body = comment.slice(at + directive.length);
  // `avdsec-disable-next-line-foo` is not the directive.
  if (body && !/^\s/.test(body)) return undefined;
  const bodyStart = start + at + directive.length;
  if (body.endsWith('*/')) body = body.slice(0, -2);
  const dash = body.indexOf('--');
  const reason = dash >= 0 ? body.slice(dash + 2).trim() : undefined;
  const ids = dash >= 0 ? body.slice(0, dash) : body;
  const ruleIds: string[] = [];
  const idRanges: Range[] = [];
  const re = /[^\s,]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(ids))) {
    ruleIds.push(m[0]);
    idRanges.push({ start: bodyStart + m.index, end: bodyStart + m.index + m[0].length });
  }
  const end = start + comment.length;
  return {
    scope: directive === 'avdsec-disable-file' ? 'file' : 'next-line',
    line: lines.position(end).line + 1,
    ruleIds,
    idRanges,
    range: { start, end },
    reason: reason || undefined,
  };
}
