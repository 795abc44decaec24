import { subjectOfFinding } from './analyze';
import type { Finding, Range } from './model';

/** A change to a file's text, in offsets of the text before the change (as LSP incremental sync sends them). */
export interface TextChange {
  start: number;
  oldEnd: number;
  newText: string;
}

/**
 * The one change that turns `before` into `after`: the part between their common start and end. It never splits a
 * CRLF or a surrogate pair, so each side of it stays whole text.
 */
export function changeBetween(before: string, after: string): TextChange {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < shorter - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  if (start > 0 && (before[start - 1] === '\r' || isHighSurrogate(before.charCodeAt(start - 1)))) start--;
  const end = before.length - tail;
  const splitsPair = isHighSurrogate(before.charCodeAt(end - 1)) || isHighSurrogate(after.charCodeAt(after.length - tail - 1));
  if (tail > 0 && ((before[end] === '\n' && before[end - 1] === '\r') || splitsPair)) tail--;
  return { start, oldEnd: before.length - tail, newText: after.slice(start, after.length - tail) };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/**
 * Where an offset of the text before `c` is in the text after it. An offset inside the replaced text goes to the end
 * of the new text, so a range over replaced text keeps its start and covers what replaced it.
 */
export function mapOffset(at: number, c: TextChange): number {
  if (at >= c.oldEnd) return at + c.newText.length - (c.oldEnd - c.start);
  if (at <= c.start) return at;
  return c.start + c.newText.length;
}

export function mapRange(r: Range, changes: readonly TextChange[]): Range {
  let { start, end } = r;
  for (const c of changes) {
    start = mapOffset(start, c);
    end = Math.max(start, mapOffset(end, c));
  }
  return start === r.start && end === r.end ? r : { start, end };
}

/** The ranges of the new text that `changes` (applied in order) wrote, in offsets of the text after the last one. */
export function writtenRanges(changes: readonly TextChange[]): Range[] {
  let written: Range[] = [];
  for (const c of changes) {
    written = written.map((r) => ({ start: mapOffset(r.start, c), end: Math.max(mapOffset(r.start, c), mapOffset(r.end, c)) }));
    written.push({ start: c.start, end: c.start + c.newText.length });
  }
  return written;
}

/**
 * A finding of an earlier version of `uri`, moved through the edits made since: its place and the related places in
 * `uri`. Only for the editor's first answer after an edit (Workspace.quickFindings), which a full check replaces: its
 * fixes are never applied (code actions ask for the full findings).
 */
export function carryFinding(f: Finding, uri: string, changes: readonly TextChange[]): Finding {
  const range = f.uri === uri ? mapRange(f.range, changes) : f.range;
  let related = f.related;
  if (related.some((r) => r.uri === uri)) related = related.map((r) => (r.uri === uri ? { ...r, range: mapRange(r.range, changes) } : r));
  if (range === f.range && related === f.related) return f;
  const moved = { ...f, range, related };
  const subject = subjectOfFinding.get(f);
  if (subject !== undefined) subjectOfFinding.set(moved, subject);
  return moved;
}
