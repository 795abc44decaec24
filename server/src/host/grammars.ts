import * as fs from 'node:fs';
import * as path from 'node:path';
import { Grammars, type TreeSitter, type TreeSitterInstance } from '../engine/parse';

/**
 * Loads the tree-sitter grammars from the folder that holds `web-tree-sitter.cjs`, `web-tree-sitter.wasm` and the
 * grammar wasm files (copied there at build from the pinned npm packages). Each WebAssembly instance gets a fresh copy
 * of the web-tree-sitter module: the module keeps its instance in a module-level variable, so a second instance (the
 * spare that replaces one a hostile file aborted) needs a second evaluation of the module. Loads once per folder.
 */
const loaded = new Map<string, Promise<Grammars>>();

export function loadGrammars(dir: string): Promise<Grammars> {
  let g = loaded.get(dir);
  if (!g) {
    g = Grammars.create(instanceLoader(dir));
    g.catch(() => loaded.delete(dir));
    loaded.set(dir, g);
  }
  return g;
}

function instanceLoader(dir: string): () => Promise<TreeSitterInstance> {
  const moduleFile = path.join(dir, 'web-tree-sitter.cjs');
  let grammar: Uint8Array | undefined;
  return async () => {
    delete require.cache[moduleFile];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require(moduleFile) as TreeSitter;
    await ts.Parser.init({ locateFile: (file: string) => path.join(dir, file) });
    grammar ??= fs.readFileSync(path.join(dir, 'tree-sitter-terraform.wasm'));
    return { ts, terraform: await ts.Language.load(grammar) };
  };
}
