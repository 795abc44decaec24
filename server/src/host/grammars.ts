import * as fs from 'node:fs';
import * as path from 'node:path';
import { Grammars, type TreeSitter, type TreeSitterInstance } from '../engine/parse';

/**
 * The WebAssembly memory each tree-sitter instance may grow to: the module's maximum, 2 GB. Every Terraform tree of the
 * workspace lives in it (about 50 bytes per byte of text: 1 GB for the 3,300 Terraform files of a 10,000-file
 * monorepo), so it cannot be a per-file limit. A hostile file (megabytes of unbalanced brackets) is stopped by its own
 * parse's budget first (ParseBudget.memoryMB); if an abort happens anyway, Grammars switches to a fresh instance.
 */
export const PARSER_MEMORY_MB = 2048;

export interface GrammarOptions {
  /** The memory cap of each instance, in MB (at least 32, the initial size). */
  memoryMB?: number;
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
  const key = `${dir}\u0000${memoryMB}`;
  let g = loaded.get(key);
  if (!g) {
    g = Grammars.create(instanceLoader(dir, memoryMB));
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
      retire: () => {
        // Trees and parsers of a dead instance free themselves through finalizers that call into it: they must not throw.
        for (const [name, value] of Object.entries(module)) if (name.startsWith('_') && typeof value === 'function') module[name] = () => 0;
      },
    };
  };
}
