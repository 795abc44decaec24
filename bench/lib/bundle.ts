import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

export type Engine = typeof import('./engine');

const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(ROOT, 'node_modules', '.cache', 'avdsec-bench', 'engine.js');

let loaded: Engine | undefined;

/**
 * The engine as it ships: bench/lib/engine.ts bundled with the options of scripts/build.mjs (cached under
 * node_modules/.cache, rebuilt once per run). In-process measurements use this, not the sources through tsx: tsx
 * compiles with esbuild's keepNames, which wraps every function created at run time in a `__name` call (an
 * Object.defineProperty), and the engine creates many closures on its hot paths; the bundles in dist/ have no such cost.
 */
export function engine(): Engine {
  if (loaded) return loaded;
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  buildSync({
    entryPoints: [path.join(__dirname, 'engine.ts')],
    outfile: OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    loader: { '.md': 'text' },
    mainFields: ['module', 'main'],
    absWorkingDir: ROOT,
    define: { 'import.meta.url': 'importMetaUrl', AVDSEC_VERSION: JSON.stringify('bench') },
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded = require(OUT) as Engine;
  return loaded;
}

export const GRAMMARS = path.join(ROOT, 'grammars');
