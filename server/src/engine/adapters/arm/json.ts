import { findNodeAtOffset, type JSONVisitor, type Node, type ParseError, printParseErrorCode, visit } from 'jsonc-parser';
import type { Range, SyntaxError } from '../../model';
import type { TextChange } from '../../text-changes';

export type JsonNode = Node;

const MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Invalid symbol',
  InvalidNumberFormat: 'Invalid number',
  PropertyNameExpected: 'Property name expected',
  ValueExpected: 'Value expected',
  ColonExpected: "':' expected",
  CommaExpected: "',' expected",
  CloseBraceExpected: "'}' expected",
  CloseBracketExpected: "']' expected",
  EndOfFileExpected: 'End of file expected',
  InvalidCommentToken: 'Invalid comment',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unterminated number',
  InvalidUnicode: 'Invalid unicode escape',
  InvalidEscapeCharacter: 'Invalid escape character',
  InvalidCharacter: 'Invalid character',
};

/**
 * How deep JSON may nest. jsonc-parser parses recursively and overflows the stack at a few thousand levels (the
 * overflow used to surface as "Invalid symbol" at line 1, and the whole file was lost); the readers after it recurse
 * too. Compiled Bicep nests about six levels per module; real templates stay far below this.
 */
export const MAX_JSON_DEPTH = 1000;

/** Parses JSON with comments and trailing commas (ARM accepts both); never throws. */
export function parseJson(text: string): { root: JsonNode | undefined; errors: SyntaxError[] } {
  let raw: ParseError[] = [];
  // A leading BOM is not JSON; blank it out so that every offset stays the same.
  let input = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  let deep: { start: number; end: number }[] = [];
  let root: JsonNode | undefined;
  try {
    root = jsonTree(input, raw);
    if (root === TOO_DEEP) {
      // Rare: only then is the text scanned for the values to blank out, and read again.
      deep = tooDeep(input);
      input = blank(input, deep);
      raw = [];
      root = jsonTree(input, raw);
      if (root === TOO_DEEP) throw new Error('nesting not found by the scan');
    }
  } catch {
    root = undefined;
    raw.push({ error: 1, offset: 0, length: 0 });
  }
  const errors = raw.map((e) => ({
    message: `${MESSAGES[printParseErrorCode(e.error)] ?? 'Syntax error'} (JSON)`,
    range: { start: e.offset, end: e.offset + Math.max(e.length, 1) },
  }));
  for (const d of deep)
    errors.push({
      message: `Nested too deeply (more than ${MAX_JSON_DEPTH} levels); this value was not read (JSON)`,
      range: { start: d.start, end: d.start + 1 },
    });
  errors.sort((a, b) => a.range.start - b.range.start);
  return { root, errors };
}

/**
 * Where the nodes of one tree are: offset, length and colon offset (-1: none) by node number. Nodes are numbered in
 * the order their text starts (a node before its children), so the nodes after a point are one run of numbers, and
 * an edit moves them with one loop (patchJson) instead of a walk over every node object.
 */
class Places {
  offsets: Int32Array;
  lengths: Int32Array;
  colons: Int32Array;
  count = 0;
  constructor(capacity: number) {
    this.offsets = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.colons = new Int32Array(capacity);
  }

  add(offset: number, length: number): number {
    if (this.count === this.offsets.length) this.resize(this.count * 2);
    const id = this.count++;
    this.offsets[id] = offset;
    this.lengths[id] = length;
    this.colons[id] = -1;
    return id;
  }

  resize(capacity: number): void {
    const grown = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a.subarray(0, Math.min(capacity, this.count)));
      return b;
    };
    this.offsets = grown(this.offsets);
    this.lengths = grown(this.lengths);
    this.colons = grown(this.colons);
  }
}

/** A node of jsonc-parser's tree (its `Node`): all nodes have one shape, and their places are in the tree's Places. */
class TreeNode implements Node {
  parent: TreeNode | undefined = undefined;
  children: TreeNode[] | undefined = undefined;
  constructor(
    readonly places: Places,
    readonly id: number,
    public type: Node['type'],
    public value: unknown,
  ) {}

  get offset(): number {
    return this.places.offsets[this.id];
  }

  get length(): number {
    return this.places.lengths[this.id];
  }

  get colonOffset(): number | undefined {
    const c = this.places.colons[this.id];
    return c < 0 ? undefined : c;
  }
}

/** What jsonTree answers when the text nests deeper than MAX_JSON_DEPTH (before jsonc-parser's recursion can overflow). */
const TOO_DEEP = Object.freeze({ type: 'null', offset: 0, length: 0 }) as JsonNode;

/**
 * jsonc-parser's `parseTree`, built on its `visit` for memory and edits: every list sized exactly (parseTree grows
 * each one by `push`, which leaves room for 17 entries in a property's list of two), every node of one shape, each
 * key's text shared with the keys spelt alike, and the places in typed arrays (see Places). A template's tree takes a
 * third less (ARM trees were the largest part of the heap in a large workspace), at the same speed. The tree is the
 * same as parseTree's, node for node.
 */
function jsonTree(text: string, errors: ParseError[]): JsonNode | undefined {
  const places = new Places(Math.max(64, text.length >> 3));
  let depth = 0;
  const keys = new Map<string, string>();
  // The open containers and properties, and for each the children read so far (`siblings[i]` belongs to `open[i - 1]`).
  const open: TreeNode[] = [];
  const siblings: TreeNode[][] = [];
  let children: TreeNode[] = [];
  let parent: TreeNode | undefined;
  const node = (type: Node['type'], offset: number, length: number, value: unknown): TreeNode => {
    const n = new TreeNode(places, places.add(offset, length), type, value);
    n.parent = parent;
    children.push(n);
    return n;
  };
  const begin = (n: TreeNode): void => {
    // Properties open a level too; the containers are what MAX_JSON_DEPTH counts.
    if (n.type !== 'property' && ++depth > MAX_JSON_DEPTH) throw TOO_DEEP;
    siblings.push(children);
    open.push(n);
    children = [];
    parent = n;
  };
  const end = (at: number): void => {
    const n = open.pop()!;
    if (n.type !== 'property') depth--;
    n.children = children.slice();
    places.lengths[n.id] = at - places.offsets[n.id];
    children = siblings.pop()!;
    parent = open[open.length - 1];
  };
  const endProperty = (at: number): void => {
    if (parent?.type === 'property') end(at);
  };
  const visitor: JSONVisitor = {
    onObjectBegin: (offset) => begin(node('object', offset, -1, undefined)),
    onObjectProperty: (name, offset, length) => {
      begin(node('property', offset, -1, undefined));
      let key = keys.get(name);
      if (key === undefined) keys.set(name, (key = name));
      node('string', offset, length, key);
    },
    onObjectEnd: (offset, length) => {
      // A property whose value is missing ends with its object.
      endProperty(offset + length);
      end(offset + length);
      endProperty(offset + length);
    },
    onArrayBegin: (offset) => begin(node('array', offset, -1, undefined)),
    onArrayEnd: (offset, length) => {
      end(offset + length);
      endProperty(offset + length);
    },
    onLiteralValue: (value: unknown, offset, length) => {
      node(value === null ? 'null' : (typeof value as 'string' | 'number' | 'boolean'), offset, length, value);
      endProperty(offset + length);
    },
    onSeparator: (separator, offset) => {
      if (parent?.type !== 'property') return;
      if (separator === ':') places.colons[parent.id] = offset;
      else if (separator === ',') endProperty(offset);
    },
    onError: (error, offset, length) => {
      errors.push({ error, offset, length });
    },
  };
  try {
    visit(text, visitor, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  } catch (e) {
    if (e === TOO_DEEP) return TOO_DEEP;
    throw e;
  }
  places.resize(places.count);
  // visit closes every container it opens, also in a truncated text.
  return children[0];
}

/**
 * The values that open deeper than MAX_JSON_DEPTH, from their opening bracket to their closing one (or the end of the
 * text): one scan that skips strings and comments as jsonc-parser reads them.
 */
function tooDeep(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string ends at the next unescaped quote or at a line break (jsonc-parser ends an unterminated string there).
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22 || d === 0x0a || d === 0x0d) break;
      }
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth === MAX_JSON_DEPTH + 1) start = i;
    } else if ((c === 0x7d || c === 0x5d) && depth > 0) {
      if (depth-- === MAX_JSON_DEPTH + 1) out.push({ start, end: i + 1 });
    }
  }
  if (depth > MAX_JSON_DEPTH) out.push({ start, end: text.length });
  return out;
}

/** The text with each range replaced by a `0` and spaces: the same length, so every offset after it stays. */
function blank(text: string, ranges: readonly { start: number; end: number }[]): string {
  let out = '';
  let from = 0;
  for (const r of ranges) {
    out += text.slice(from, r.start) + '0' + ' '.repeat(r.end - r.start - 1);
    from = r.end;
  }
  return out + text.slice(from);
}

export function nodeRange(n: JsonNode): Range {
  return { start: n.offset, end: n.offset + n.length };
}

/** Child property of an object node by key (case-insensitive, as ARM reads keys); the last one wins. */
export function prop(n: JsonNode | undefined, key: string): JsonNode | undefined {
  if (!n || n.type !== 'object' || !n.children) return undefined;
  let lower: string | undefined;
  for (let i = n.children.length - 1; i >= 0; i--) {
    const p = n.children[i];
    const k = p.children?.[0];
    if (!k || typeof k.value !== 'string' || k.value.length !== key.length) continue;
    // Keys are nearly always written as asked for: lower-casing each one cost a string per key per lookup.
    if (k.value === key || k.value.toLowerCase() === (lower ??= key.toLowerCase())) return p.children?.[1];
  }
  return undefined;
}

export function props(n: JsonNode | undefined): { key: string; keyNode: JsonNode; value: JsonNode }[] {
  if (!n || n.type !== 'object' || !n.children) return [];
  const out: { key: string; keyNode: JsonNode; value: JsonNode }[] = [];
  for (const p of n.children) {
    const k = p.children?.[0];
    const v = p.children?.[1];
    if (k && v && typeof k.value === 'string') out.push({ key: k.value, keyNode: k, value: v });
  }
  return out;
}

export function stringOf(n: JsonNode | undefined): string | undefined {
  return n?.type === 'string' && typeof n.value === 'string' ? n.value : undefined;
}

/**
 * Decodes the JSON string literal at `start..end` (quotes included) and returns each decoded character's source
 * offset (one more entry than characters, for the end). Escapes map to the offset of their backslash.
 */
export function decodeJsonString(text: string, start: number, end: number): { value: string; offsets: number[] } {
  let value = '';
  const offsets: number[] = [];
  let i = start + 1;
  const stop = text.charCodeAt(end - 1) === 0x22 && end - 1 > start ? end - 1 : end;
  while (i < stop) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c) {
      value += text[i];
      offsets.push(i);
      i++;
      continue;
    }
    const e = text[i + 1];
    offsets.push(i);
    switch (e) {
      case 'n':
        value += '\n';
        i += 2;
        break;
      case 'r':
        value += '\r';
        i += 2;
        break;
      case 't':
        value += '\t';
        i += 2;
        break;
      case 'b':
        value += '\b';
        i += 2;
        break;
      case 'f':
        value += '\f';
        i += 2;
        break;
      case 'u': {
        const hex = text.slice(i + 2, i + 6);
        value += /^[0-9a-fA-F]{4}$/.test(hex) ? String.fromCharCode(parseInt(hex, 16)) : 'u';
        i += /^[0-9a-fA-F]{4}$/.test(hex) ? 6 : 2;
        break;
      }
      case undefined:
        i += 1;
        break;
      default:
        value += e;
        i += 2;
        break;
    }
  }
  offsets.push(stop);
  return { value, offsets };
}

/** Whether `offset` lies inside a JSON string token (so a `//` there is not a comment). */
export function insideString(root: JsonNode | undefined, offset: number): boolean {
  if (!root) return false;
  const n = findNodeAtOffset(root, offset, true);
  return !!n && n.type === 'string' && offset > n.offset && offset < n.offset + n.length;
}

export interface ParsedJson {
  root: JsonNode | undefined;
  errors: SyntaxError[];
  /**
   * Set when a later edit moved this tree's nodes in place (patchJson): the documents read from it before must not read
   * it again (their text is the old one). Their lazy parts then read as empty.
   */
  stale?: boolean;
}

/**
 * The tree of `text` after one edit, from the tree before it, when the edit stays inside a string token and keeps it
 * a string (no quote, backslash, line break or other control character removed or typed): what typing in an RDP
 * string or a description does. The nodes are moved in place (copying 100,000 nodes of a large template costs more
 * in allocation and garbage collection than the move), so `before` is marked stale. Undefined when the edit is
 * anything else (then the text is parsed again).
 */
export function patchJson(
  before: ParsedJson,
  text: string,
  edit: TextChange,
  removed: string,
  /** Called with the nodes from the root to the edited string before anything moves. */
  located?: (path: readonly JsonNode[]) => void,
): ParsedJson | undefined {
  const root = before.root;
  if (!root || before.stale || before.errors.length || !plain(edit.newText) || !plain(removed)) return undefined;
  const path: JsonNode[] = [];
  let target: JsonNode | undefined = root;
  while (target && target.children) {
    path.push(target);
    target = target.children.find((c) => c.offset < edit.start && edit.oldEnd < c.offset + c.length);
  }
  if (!target || target.type !== 'string' || target.length < 2) return undefined;
  path.push(target);
  const delta = edit.newText.length - (edit.oldEnd - edit.start);
  const end = target.offset + target.length + delta;
  if (text.charCodeAt(target.offset) !== 0x22 || text.charCodeAt(end - 1) !== 0x22) return undefined;
  let value: string;
  try {
    value = JSON.parse(text.slice(target.offset, end)) as string;
  } catch {
    return undefined;
  }
  located?.(path);
  before.stale = true;
  (target as TreeNode).value = value;
  shift(path as TreeNode[], edit.start, delta);
  return { root, errors: [] };
}

/**
 * Moves every node that starts at or after `at` by `delta` and grows the nodes that contain it (`path`, from the root
 * down). The nodes after `at` are one run of node numbers (see Places): a 2.4 MB template has 300,000 nodes, and
 * moving them one object at a time cost 7-12 ms a keystroke.
 */
function shift(path: readonly TreeNode[], at: number, delta: number): void {
  const places = path[0].places;
  const { offsets, lengths, colons, count } = places;
  for (const n of path) {
    lengths[n.id] += delta;
    if (colons[n.id] >= at) colons[n.id] += delta;
  }
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < count; i++) {
    offsets[i] += delta;
    if (colons[i] >= 0) colons[i] += delta;
  }
}

/** Text that cannot end or escape a JSON string. */
function plain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}
