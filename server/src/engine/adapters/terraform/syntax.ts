import type { Tree } from 'web-tree-sitter';
import type { TreeWalk } from '../../parse';

/**
 * A Terraform syntax tree copied out of tree-sitter into typed arrays, so that tree-sitter's tree can be freed as soon
 * as the file is parsed. Every tree-sitter tree lives in one WebAssembly memory that never shrinks, at about 50 bytes
 * per byte of text: 1 GB for the Terraform files of a 10,000-file monorepo. This copy takes about 5 bytes per byte of
 * text, lives in the JavaScript heap (collected like any object), and outlives the WebAssembly instance, so an abort
 * on a hostile file costs no other file its tree.
 *
 * `SyntaxNode` answers the part of web-tree-sitter's `Node` the adapter reads, with the same values.
 */
export interface SyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  /** Whether the node is or holds an error or missing node. */
  readonly hasError: boolean;
  readonly parent: SyntaxNode | null;
  readonly children: SyntaxNode[];
  readonly namedChildren: SyntaxNode[];
  readonly nextNamedSibling: SyntaxNode | null;
  /** The innermost node that holds `index` (a node ending at it counts, as in tree-sitter). */
  descendantForIndex(index: number): SyntaxNode | null;
  descendantsOfType(type: string): SyntaxNode[];
}

const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;

/** The walk web-tree-sitter's public `TreeCursor` gives (the host may give a quicker one: TreeSitterInstance.walk). */
export function cursorWalk(tree: Tree): TreeWalk {
  const c = tree.walk();
  return {
    typeId: () => c.nodeTypeId,
    startIndex: () => c.startIndex,
    endIndex: () => c.endIndex,
    isNamed: () => c.nodeIsNamed,
    isMissing: () => c.nodeIsMissing,
    gotoFirstChild: () => c.gotoFirstChild(),
    gotoNextSibling: () => c.gotoNextSibling(),
    gotoParent: () => c.gotoParent(),
    done: () => c.delete(),
  };
}

/** A SyntaxTree's arrays, as `arrays()` gives them: what a tree parsed elsewhere (a worker thread) is sent as. */
export interface SyntaxArrays {
  types: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  flags: Uint8Array;
  parents: Int32Array;
  sizes: Int32Array;
}

export class SyntaxTree {
  /** Per node, in document order (a node before its children): its type id, offsets, flags, parent and node count. */
  private readonly types: Uint16Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly flags: Uint8Array;
  private readonly parents: Int32Array;
  /** The nodes of each node's subtree, itself included: a node's next sibling is `index + sizes[index]`. */
  private readonly sizes: Int32Array;
  private readonly typeNames: readonly string[];
  readonly rootNode: SyntaxNode;

  /**
   * Copies the tree `walk` walks, parsed from `text`, or takes the arrays of one copied before (`arrays()`).
   * `typeNames` are the language's node types by id (web-tree-sitter's `Language.types`).
   */
  constructor(
    readonly text: string,
    typeNames: readonly string[],
    source: TreeWalk | SyntaxArrays,
  ) {
    this.typeNames = typeNames;
    if (!('typeId' in source)) {
      ({ types: this.types, starts: this.starts, ends: this.ends, flags: this.flags, parents: this.parents, sizes: this.sizes } = source);
      this.rootNode = new Node(this, 0);
      return;
    }
    const walk = source;
    let capacity = Math.max(16, text.length >> 2);
    let types = new Uint16Array(capacity);
    let starts = new Int32Array(capacity);
    let ends = new Int32Array(capacity);
    let flags = new Uint8Array(capacity);
    let parents = new Int32Array(capacity);
    let count = 0;
    // The parent of the node the walk is at.
    let parent = -1;
    try {
      for (;;) {
        if (count === capacity) {
          capacity *= 2;
          types = grow(types, new Uint16Array(capacity));
          starts = grow(starts, new Int32Array(capacity));
          ends = grow(ends, new Int32Array(capacity));
          flags = grow(flags, new Uint8Array(capacity));
          parents = grow(parents, new Int32Array(capacity));
        }
        const id = walk.typeId();
        const start = walk.startIndex();
        const end = walk.endIndex();
        // Per node, not per type: a token the parser skipped over in error recovery is not named as its type is.
        let f = walk.isNamed() ? NAMED : 0;
        // Only an empty node can be one the parser inserted; tree-sitter's id 65535 is an error node.
        if (start === end && walk.isMissing()) f |= MISSING | HAS_ERROR;
        if (id === 65535) f |= HAS_ERROR;
        types[count] = id;
        starts[count] = start;
        ends[count] = end;
        flags[count] = f;
        parents[count] = parent;
        const index = count++;
        if (walk.gotoFirstChild()) {
          parent = index;
          continue;
        }
        let moved = false;
        while (!moved) {
          if (walk.gotoNextSibling()) moved = true;
          else if (walk.gotoParent()) parent = parents[parent]!;
          else break;
        }
        if (!moved) break;
      }
    } finally {
      walk.done();
    }
    this.types = types.slice(0, count);
    this.starts = starts.slice(0, count);
    this.ends = ends.slice(0, count);
    this.parents = parents.slice(0, count);
    this.flags = flags.slice(0, count);
    this.sizes = new Int32Array(count).fill(1);
    // Children come after their parent: one pass from the end gives each node its subtree's size and errors.
    for (let i = count - 1; i > 0; i--) {
      const p = this.parents[i]!;
      this.sizes[p]! += this.sizes[i]!;
      if (this.flags[i]! & HAS_ERROR) this.flags[p]! |= HAS_ERROR;
    }
    this.rootNode = new Node(this, 0);
  }

  count(): number {
    return this.types.length;
  }

  arrays(): SyntaxArrays {
    return { types: this.types, starts: this.starts, ends: this.ends, flags: this.flags, parents: this.parents, sizes: this.sizes };
  }

  /** @internal */ type(i: number): string {
    return this.typeNames[this.types[i]!] || 'ERROR';
  }
  /** @internal */ start(i: number): number {
    return this.starts[i]!;
  }
  /** @internal */ end(i: number): number {
    return this.ends[i]!;
  }
  /** @internal */ flag(i: number, f: number): boolean {
    return (this.flags[i]! & f) !== 0;
  }
  /** @internal */ parent(i: number): number {
    return this.parents[i]!;
  }
  /** @internal */ size(i: number): number {
    return this.sizes[i]!;
  }
}

function grow<T extends Uint16Array | Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

class Node implements SyntaxNode {
  constructor(
    private readonly tree: SyntaxTree,
    private readonly i: number,
  ) {}

  get type(): string {
    return this.tree.type(this.i);
  }
  get text(): string {
    return this.tree.text.slice(this.tree.start(this.i), this.tree.end(this.i));
  }
  get startIndex(): number {
    return this.tree.start(this.i);
  }
  get endIndex(): number {
    return this.tree.end(this.i);
  }
  get isNamed(): boolean {
    return this.tree.flag(this.i, NAMED);
  }
  get isMissing(): boolean {
    return this.tree.flag(this.i, MISSING);
  }
  get hasError(): boolean {
    return this.tree.flag(this.i, HAS_ERROR);
  }
  get parent(): SyntaxNode | null {
    const p = this.tree.parent(this.i);
    return p < 0 ? null : new Node(this.tree, p);
  }
  get children(): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const last = this.i + this.tree.size(this.i);
    for (let j = this.i + 1; j < last; j += this.tree.size(j)) out.push(new Node(this.tree, j));
    return out;
  }
  get namedChildren(): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const last = this.i + this.tree.size(this.i);
    for (let j = this.i + 1; j < last; j += this.tree.size(j)) if (this.tree.flag(j, NAMED)) out.push(new Node(this.tree, j));
    return out;
  }
  get nextNamedSibling(): SyntaxNode | null {
    const p = this.tree.parent(this.i);
    if (p < 0) return null;
    const last = p + this.tree.size(p);
    for (let j = this.i + this.tree.size(this.i); j < last; j += this.tree.size(j)) if (this.tree.flag(j, NAMED)) return new Node(this.tree, j);
    return null;
  }
  descendantForIndex(index: number): SyntaxNode | null {
    let at = this.i;
    for (;;) {
      const last = at + this.tree.size(at);
      let inner = -1;
      for (let j = at + 1; j < last; j += this.tree.size(j)) {
        // As tree-sitter: a node that ends where the index is counts only when it is empty.
        if (this.tree.end(j) < index || (this.tree.end(j) === index && this.tree.start(j) !== index)) continue;
        if (this.tree.start(j) > index) break;
        inner = j;
        break;
      }
      if (inner < 0) return new Node(this.tree, at);
      at = inner;
    }
  }
  descendantsOfType(type: string): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const last = this.i + this.tree.size(this.i);
    for (let j = this.i + 1; j < last; j++) if (this.tree.type(j) === type) out.push(new Node(this.tree, j));
    return out;
  }
}
