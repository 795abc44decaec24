import * as fs from 'node:fs';
import * as path from 'node:path';
import { glob } from 'tinyglobby';
import { languageByName } from '../engine/parse';

/** Folders that never hold a project's own infrastructure code. */
export const SKIPPED_DIRS = ['.git', 'node_modules', '.terraform'];
const PATTERN = '**/*.{bicep,bicepparam,tf,tfvars,json,jsonc}';

/** Files avdsec may read: every candidate under the given folders, plus the given files themselves. */
export async function discoverFiles(paths: string[], cwd: string): Promise<{ files: string[]; missing: string[] }> {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      missing.push(p);
      continue;
    }
    if (stat.isDirectory()) {
      const found = await glob(PATTERN, {
        cwd: abs,
        absolute: true,
        dot: true,
        followSymbolicLinks: false,
        ignore: SKIPPED_DIRS.map((d) => `**/${d}/**`),
      });
      for (const f of found) files.add(path.normalize(f));
    } else if (languageByName(abs)) {
      files.add(abs);
    }
  }
  return { files: [...files].sort(), missing };
}

/** The largest file avdsec reads; bigger ones are reported and skipped. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

/** Reads a source file as text: refuses binary and oversized files with a clear message, drops a UTF-8 BOM as editors do. */
export function readSourceFile(file: string): ReadResult {
  let buf: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_FILE_BYTES) return { ok: false, message: `file is ${(size / 1e6).toFixed(1)} MB, over the ${MAX_FILE_BYTES / 1e6} MB limit; skipped` };
    buf = fs.readFileSync(file);
  } catch (e) {
    return { ok: false, message: `cannot read the file: ${(e as Error).message}` };
  }
  if (buf.subarray(0, 8192).includes(0)) return { ok: false, message: 'binary file (NUL bytes); skipped' };
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}

/** The folder that holds the grammar wasm files, next to the bundle's folder. */
export function grammarsDir(bundleDir: string): string {
  const beside = path.join(bundleDir, '..', 'grammars');
  return fs.existsSync(beside) ? beside : path.join(bundleDir, '..', '..', 'grammars');
}

/** A small text file's content, or undefined when it does not exist or cannot be read. */
export function readTextIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
