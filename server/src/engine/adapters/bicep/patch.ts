import type { TextChange } from '../../text-changes';
import { bicepLinkNeutralEdit, plainBicepEdit } from './link-neutral';
import { decodeEscapes } from './lexer';
import { Segment } from './parser';
import type { Program, StringExpression, StringSegment } from './syntax';
import { pathAt } from './visit';

/**
 * The tree of `text` after one edit, from the tree before it, when the edit types plain text (see plainBicepEdit)
 * inside a string the graph does not link by (see bicepLinkNeutralEdit): what typing in an RDP string or a
 * description does. The nodes are moved in place, as patchJson does for ARM: a new tree of an 88 KB file is 1.7 MB of
 * objects that live until the next keystroke, and copying them is most of the garbage collector's work while typing.
 * `before` is marked stale. Undefined when the edit is anything else (then the text is parsed again).
 */
export function patchBicep(before: Program, text: string, edit: TextChange): Program | undefined {
  if (before.stale || before.errors.length || before.params) return undefined;
  if (!plainBicepEdit(edit.newText, before.text.slice(edit.start, edit.oldEnd))) return undefined;
  if (!bicepLinkNeutralEdit(before, edit.start, edit.oldEnd)) return undefined;
  const path = pathAt(before, edit.start);
  const str = path[path.length - 1] as StringExpression;
  const segment = str.segments[0];
  if (str.segments.length !== 1 || edit.start < segment.start || edit.oldEnd > segment.end) return undefined;
  const delta = edit.newText.length - (edit.oldEnd - edit.start);
  const end = segment.end + delta;
  // A segment with escapes decodes them again (the edit cannot add one: it holds no backslash).
  const value = segment.verbatim ? text.slice(segment.start, end) : decodeEscapes(text, segment.start, end);
  const edited = new Segment(value, segment.start, end, segment.verbatim ? undefined : text);
  before.stale = true;
  new Mover(edit, delta, text, segment, edited).statements(before.statements);
  str.value = value;
  moveTokens(before, edit, delta);
  for (const c of before.comments) move(c, edit, delta);
  for (const d of before.directives) {
    move(d, edit, delta);
    for (const code of d.codes) move(code, edit, delta);
  }
  move(before.eof, edit, delta);
  return { ...before, text, end: before.end + delta, stale: undefined };
}

/** Moves a range of the text before `edit` to where it is after it. */
function move(r: { start: number; end: number }, edit: TextChange, delta: number): void {
  // Nothing starts or ends inside the edited string's content but its segment, which the edit extends at either end.
  if (r.start > edit.start && r.start >= edit.oldEnd) r.start += delta;
  if (r.end >= edit.oldEnd) r.end += delta;
}

/** The token stream's places: one run of numbers after the edit, as for ARM (see shift in arm/json.ts). */
function moveTokens(program: Program, edit: TextChange, delta: number): void {
  const { starts, ends, count } = program.tokens;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] < edit.oldEnd) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < count; i++) {
    if (starts[i] > edit.start && starts[i] >= edit.oldEnd) starts[i] += delta;
    ends[i] += delta;
  }
}

type Movable = { start: number; end: number } & Record<string, unknown>;

class Mover {
  constructor(
    private readonly edit: TextChange,
    private readonly delta: number,
    private readonly text: string,
    private readonly segment: StringSegment,
    private readonly edited: Segment,
  ) {}

  statements(statements: readonly object[]): void {
    for (const s of statements) this.node(s as Movable);
  }

  /** Moves a node and what it holds; a node that ends before the edit is left as it is, with all it holds. */
  private node(n: Movable): void {
    if (n.end < this.edit.start) return;
    for (const key in n) {
      const v = n[key];
      if (typeof v !== 'object' || v === null) continue;
      if (key === 'segments') this.segments(v as StringSegment[]);
      else if (Array.isArray(v)) {
        for (const item of v) if (typeof item === 'object' && item !== null && typeof (item as Movable).start === 'number') this.node(item as Movable);
      } else if (typeof (v as Movable).start === 'number') this.node(v as Movable);
    }
    move(n, this.edit, this.delta);
  }

  /** Segments keep their decoded text: one after the edit is made again at its new place, the edited one is replaced. */
  private segments(segments: StringSegment[]): void {
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      if (s === this.segment) segments[i] = this.edited;
      else if (s.start > this.edit.start) segments[i] = new Segment(s.text, s.start + this.delta, s.end + this.delta, s.verbatim ? undefined : this.text);
    }
  }
}
