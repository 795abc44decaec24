import * as fs from 'node:fs';
import * as path from 'node:path';
import { glob } from 'tinyglobby';
import { MAX_FILE_SIZE_MB } from '../engine/config';
import { detectLanguage, languageByName } from '../engine/parse';

const MB = 1024 * 1024;

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

/** The largest file avdsec reads whatever the configuration says; `maxFileSizeMB` in `.avdsec.json` sets a lower limit. */
export const MAX_FILE_BYTES = MAX_FILE_SIZE_MB * MB;

export type ReadResult = { ok: true; text: string } | { ok: false; message: string; tooLarge?: boolean; isSource?: boolean };

/** The limit in bytes for a `maxFileSizeMB` setting, never above the hard limit. */
export function limitBytes(maxFileSizeMB: number): number {
  return Math.min(MAX_FILE_BYTES, Math.floor(maxFileSizeMB * MB));
}

/** Why a file of `bytes` is not checked, for the CLI and the editor alike. */
export function tooLargeMessage(bytes: number, maxFileSizeMB: number): string {
  const size = (n: number) => (n >= MB ? `${Number((n / MB).toFixed(1))} MB` : `${Number((n / 1024).toFixed(1))} KB`);
  return `file is ${size(bytes)}, over the ${size(limitBytes(maxFileSizeMB))} limit; not checked (raise "maxFileSizeMB" in .avdsec.json to check it)`;
}

/**
 * Whether text larger than the limit is too large, counting UTF-8 bytes as the file on disk does. Editors hold UTF-16
 * text: a string of n code units has at most 3n bytes, so the exact count is only needed near the limit.
 */
export function oversizeBytes(text: string, maxFileSizeMB: number): number | undefined {
  const limit = limitBytes(maxFileSizeMB);
  if (text.length * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > limit ? bytes : undefined;
}

/**
 * Reads a source file as text: refuses binary files and files over the limit with a clear message, drops a UTF-8 BOM
 * as editors do.
 */
export function readSourceFile(file: string, maxFileSizeMB: number = MAX_FILE_SIZE_MB): ReadResult {
  let buf: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > limitBytes(maxFileSizeMB)) return { ok: false, message: tooLargeMessage(size, maxFileSizeMB), tooLarge: true, isSource: fileStartsLikeSource(file) };
    buf = fs.readFileSync(file);
  } catch (e) {
    return { ok: false, message: `cannot read the file: ${(e as Error).message}` };
  }
  if (buf.subarray(0, 8192).includes(0)) return { ok: false, message: 'binary file (NUL bytes); skipped' };
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}

/**
 * Whether a file too large to read is one avdsec would check: Bicep and Terraform files by name, a JSON file when its
 * first kilobytes name an ARM template or parameters schema (a large JSON file is most often something else).
 */
export function startsLikeSource(uri: string, head: string): boolean {
  return detectLanguage(uri, head) !== undefined;
}

/** startsLikeSource for a file on disk, reading only its first kilobytes. */
function fileStartsLikeSource(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(4096);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return startsLikeSource(file, head.subarray(0, n).toString('utf8'));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
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
