import * as fs from 'node:fs';
import * as path from 'node:path';
import { Grammars, type TreeSitter, type TreeSitterInstance } from '../engine/parse';

/**
 * The WebAssembly memory each tree-sitter instance may grow to. Real Terraform files need a few MB; a hostile one
 * (megabytes of unbalanced brackets) would take the 2 GB maximum before it aborts the instance. At this cap it aborts
 * sooner and the editor keeps its memory; Grammars then switches to a fresh instance.
 */
export const PARSER_MEMORY_MB = 512;

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
      retire: () => {
        // Trees and parsers of a dead instance free themselves through finalizers that call into it: they must not throw.
        for (const [name, value] of Object.entries(module)) if (name.startsWith('_') && typeof value === 'function') module[name] = () => 0;
      },
    };
  };
}
