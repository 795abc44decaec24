import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tree } from 'web-tree-sitter';
import { Grammars, type TreeSitter, type TreeSitterInstance, type TreeWalk } from '../engine/parse';

/**
 * The WebAssembly memory each tree-sitter instance may grow to: the module's maximum, 2 GB. It holds the tree being
 * parsed (about 50 bytes per byte of text) and the trees of the files edited in the editor, kept for their next
 * incremental parse; every other file keeps only a copy in the JavaScript heap (SyntaxTree). So it is no per-file
 * limit: a hostile file (megabytes of unbalanced brackets) is stopped by its own parse's budget first
 * (ParseBudget.memoryMB); if an abort happens anyway, Grammars switches to a fresh instance.
 */
export const PARSER_MEMORY_MB = 2048;

export interface GrammarOptions {
  /** The memory cap of each instance, in MB (at least 32, the initial size). */
  memoryMB?: number;
  /**
   * Whether a spare instance is loaded in advance, to replace one a hostile file aborts (default: yes). A CLI worker
   * thread goes without: what it cannot parse, the scan parses itself.
   */
  spare?: boolean;
}

/**
 * Loads the tree-sitter grammars from the folder that holds `web-tree-sitter.cjs`, `web-tree-sitter.wasm` and the
 * grammar wasm files (copied there at build from the pinned npm packages). Each WebAssembly instance gets a fresh copy
 * of the web-tree-sitter module: the module keeps its instance in a module-level variable, so a second instance (the
 * spare that replaces one a hostile file aborted) needs a second evaluation of the module. Loads once per folder.
 */
const loaded = new Map<string, Promise<Grammars>>();

export function loadGrammars(dir: string, options: GrammarOptions = {}): Promise<Grammars> {
  const memoryMB = Math.max(32, options.memoryMB ?? PARSER_MEMORY_MB);
  const spare = options.spare ?? true;
  const key = `${dir}\u0000${memoryMB}\u0000${spare}`;
  let g = loaded.get(key);
  if (!g) {
    g = Grammars.create(instanceLoader(dir, memoryMB), { spare });
    g.catch(() => loaded.delete(key));
    loaded.set(key, g);
  }
  return g;
}

const PAGE = 64 * 1024;

function instanceLoader(dir: string, memoryMB: number): () => Promise<TreeSitterInstance> {
  const moduleFile = path.join(dir, 'web-tree-sitter.cjs');
  let grammar: Uint8Array | undefined;
  return async () => {
    delete require.cache[moduleFile];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require(moduleFile) as TreeSitter;
    // Emscripten takes a memory from the module options: its maximum caps what a parse can allocate. The options
    // object becomes the instance's module, so `retire` can reach its functions.
    const wasmMemory = new WebAssembly.Memory({ initial: (32 * 1024 * 1024) / PAGE, maximum: (memoryMB * 1024 * 1024) / PAGE });
    // An abort prints `Aborted()` to stderr: the engine reports the file itself.
    const module: Record<string, unknown> = { locateFile: (file: string) => path.join(dir, file), wasmMemory, printErr: () => undefined };
    await ts.Parser.init(module);
    grammar ??= fs.readFileSync(path.join(dir, 'tree-sitter-terraform.wasm'));
    return {
      ts,
      terraform: await ts.Language.load(grammar),
      // Node's WebAssembly types leave out `buffer`; the memory has one.
      memoryBytes: () => (wasmMemory as unknown as { buffer: ArrayBuffer }).buffer.byteLength,
      walk: quickWalk(module),
      retire: () => {
        // Trees and parsers of a dead instance free themselves through finalizers that call into it: they must not throw.
        for (const [name, value] of Object.entries(module)) if (name.startsWith('_') && typeof value === 'function') module[name] = () => 0;
      },
    };
  };
}

type WasmCall = (tree: number) => number;

/** The instance's functions a walk calls (web-tree-sitter's Tree.rootNode and TreeCursor wrap each of them). */
const WALK_CALLS = [
  'ts_tree_root_node_wasm',
  'ts_tree_cursor_new_wasm',
  'ts_tree_cursor_delete_wasm',
  'ts_tree_cursor_current_node_type_id_wasm',
  'ts_tree_cursor_start_index_wasm',
  'ts_tree_cursor_end_index_wasm',
  'ts_tree_cursor_current_node_is_named_wasm',
  'ts_tree_cursor_current_node_is_missing_wasm',
  'ts_tree_cursor_goto_first_child_wasm',
  'ts_tree_cursor_goto_next_sibling_wasm',
  'ts_tree_cursor_goto_parent_wasm',
] as const;

/**
 * A walk that calls the instance's cursor functions directly. web-tree-sitter's TreeCursor copies the cursor into the
 * instance's transfer buffer before every call and back after each move, about 1 microsecond a node, which made
 * copying a Terraform tree (SyntaxTree) cost as much as parsing it. These functions read the cursor from that buffer
 * and moves write it back, so with nothing else running during the walk it stays there: the root node is written to
 * the buffer, a cursor made from it, walked, and deleted as it is at the end. It relies on the pinned web-tree-sitter
 * (package.json); test/terraform/syntax.test.ts checks it against TreeCursor and Node.
 */
function quickWalk(module: Record<string, unknown>): ((tree: Tree) => TreeWalk | undefined) | undefined {
  if (!WALK_CALLS.every((name) => typeof module[`_${name}`] === 'function')) return undefined;
  return (tree) => {
    // The functions of the instance at the time of the walk (retire replaces them).
    const [root, create, remove, typeId, start, end, named, missing, firstChild, nextSibling, parent] = WALK_CALLS.map(
      (name) => module[`_${name}`] as WasmCall,
    ) as [WasmCall, WasmCall, WasmCall, WasmCall, WasmCall, WasmCall, WasmCall, WasmCall, WasmCall, WasmCall, WasmCall];
    const address = (tree as unknown as { 0?: unknown })[0];
    // Not the Tree this walk was written for: the caller falls back to the TreeCursor.
    if (typeof address !== 'number' || address === 0) return undefined;
    root(address);
    create(address);
    return {
      typeId: () => typeId(address),
      startIndex: () => start(address),
      endIndex: () => end(address),
      isNamed: () => named(address) === 1,
      isMissing: () => missing(address) === 1,
      gotoFirstChild: () => firstChild(address) === 1,
      gotoNextSibling: () => nextSibling(address) === 1,
      gotoParent: () => parent(address) === 1,
      done: () => void remove(address),
    };
  };
}
