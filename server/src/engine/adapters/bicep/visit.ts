import type { Node, Program, Token } from './syntax';

// Fields that hold plain data, never child nodes.
const SKIP = new Set([
  'kind',
  'start',
  'end',
  'text',
  'message',
  'segments',
  'errors',
  'comments',
  'directives',
  'tokens',
  'keyText',
  'operator',
  'multiline',
  'missing',
  'safe',
  'fromEnd',
  'unterminated',
]);

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string' && typeof (v as { start?: unknown }).start === 'number';
}

/** The direct children of a node (nodes and tokens), in source order. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const key in record) {
    // A call's `namespace` repeats its `base`.
    if (SKIP.has(key) || (key === 'namespace' && node.kind === 'call')) continue;
    const v = record[key];
    if (Array.isArray(v)) {
      for (const item of v) if (isNode(item)) out.push(item);
    } else if (isNode(v)) {
      out.push(v);
    }
  }
  out.sort((a, b) => a.start - b.start || a.end - b.end);
  return out;
}

/** Visits `node` and all its descendants depth-first, parents first; return false from `cb` to skip a subtree. Iterative. */
export function walk(node: Node, cb: (node: Node, parent: Node | undefined) => boolean | void): void {
  const stack: [Node, Node | undefined][] = [[node, undefined]];
  while (stack.length > 0) {
    const [n, parent] = stack.pop()!;
    if (cb(n, parent) === false) continue;
    const kids = children(n);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], n]);
  }
}

/**
 * The innermost node (or token held by a node) whose range contains `offset`; the program itself when none does.
 * A node ending exactly at `offset` counts when nothing starts there, so a cursor right after a name finds it.
 */
export function nodeAt(program: Program, offset: number): Node {
  let current: Node = program;
  for (;;) {
    let next: Node | undefined;
    let touching: Node | undefined;
    for (const c of children(current)) {
      if (c.start <= offset && offset < c.end) {
        next = c;
        break;
      }
      if (c.end === offset && c.start < offset) touching = c;
    }
    next ??= touching;
    if (!next) return current;
    current = next;
  }
}

/** The path of nodes from the program down to nodeAt(program, offset). */
export function pathAt(program: Program, offset: number): Node[] {
  const path: Node[] = [program];
  let current: Node = program;
  for (;;) {
    let next: Node | undefined;
    let touching: Node | undefined;
    for (const c of children(current)) {
      if (c.start <= offset && offset < c.end) {
        next = c;
        break;
      }
      if (c.end === offset && c.start < offset) touching = c;
    }
    next ??= touching;
    if (!next) return path;
    path.push(next);
    current = next;
  }
}

/** Index of the token (newlines included) containing `offset` in the program's token stream, or -1. */
export function tokenIndexAt(program: Program, offset: number): number {
  const { starts, ends, count } = program.tokens;
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] <= offset) lo = mid + 1;
    else if (starts[mid] > offset) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** The token containing `offset`, or undefined (whitespace, comments). */
export function tokenAt(program: Program, offset: number): Token | undefined {
  const i = tokenIndexAt(program, offset);
  if (i < 0) return undefined;
  const t = program.tokens;
  return { kind: 'token', type: t.types[i], start: t.starts[i], end: t.ends[i] };
}
