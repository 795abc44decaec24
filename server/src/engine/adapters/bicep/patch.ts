import type { TextChange } from '../../text-changes';
import { bicepLinkNeutralEdit, plainBicepEdit } from './link-neutral';
import { decodeEscapes } from './lexer';
import { Segment } from './parser';
import type { Program, Range, StringExpression, StringSegment } from './syntax';
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
  if (str.segments.length !== 1 || !(segment instanceof Segment) || edit.start < segment.start || edit.oldEnd > segment.end) return undefined;
  const delta = edit.newText.length - (edit.oldEnd - edit.start);
  const end = segment.end + delta;
  // A segment with escapes decodes them again (the edit cannot add one: it holds no backslash).
  const value = segment.verbatim ? text.slice(segment.start, end) : decodeEscapes(text, segment.start, end);
  const edited = new Segment(value, segment.start, end, segment.verbatim ? undefined : text);
  const { nodes, segments } = placesOf(before);
  before.stale = true;
  // Indexed loops: a patch runs once per keystroke, often before V8 optimizes it, and `for...of` then allocates an
  // iterator result per node (350 KB per keystroke for 13,000 nodes).
  for (let i = 0; i < nodes.length; i++) move(nodes[i], edit, delta);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s === segment) segments[i] = str.segments[0] = edited;
    else if (s.start > edit.start) s.move(delta, text);
  }
  str.value = value;
  moveTokens(before, edit, delta);
  for (const c of before.comments) move(c, edit, delta);
  for (const d of before.directives) {
    move(d, edit, delta);
    for (const code of d.codes) move(code, edit, delta);
  }
  move(before.eof, edit, delta);
  const after: Program = { ...before, text, end: before.end + delta, stale: undefined };
  places.set(after, { nodes, segments });
  return after;
}

/** Moves a range of the text before `edit` to where it is after it. */
function move(r: Range, edit: TextChange, delta: number): void {
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

/**
 * Every node and string segment of a tree, in flat lists: found once by walking the tree, then moved by a loop at each
 * keystroke (walking 13,000 nodes of an 88 KB file took 2 ms). Edits that patch keep the tree's shape, so the patched
 * tree has the same lists. Not visit.ts's `children`: it leaves out what is no syntax child but holds a place of its own
 * (a call's `namespace`, a copy of its base's name), and sorts each node's children, which moving does not need.
 */
interface Places {
  nodes: Range[];
  segments: Segment[];
}

const places = new WeakMap<Program, Places>();

function placesOf(program: Program): Places {
  let found = places.get(program);
  if (!found) {
    found = { nodes: [], segments: [] };
    for (const s of program.statements) collect(s as unknown as Record<string, unknown>, found);
    places.set(program, found);
  }
  return found;
}

function collect(n: Record<string, unknown>, into: Places): void {
  into.nodes.push(n as unknown as Range);
  for (const key in n) {
    const v = n[key];
    if (typeof v !== 'object' || v === null) continue;
    if (key === 'segments') {
      for (const s of v as StringSegment[]) if (s instanceof Segment) into.segments.push(s);
    } else if (Array.isArray(v)) {
      for (const item of v) if (isRange(item)) collect(item as Record<string, unknown>, into);
    } else if (isRange(v)) collect(v as Record<string, unknown>, into);
  }
}

const isRange = (v: unknown): boolean => typeof v === 'object' && v !== null && typeof (v as Range).start === 'number';
