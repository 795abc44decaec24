import * as fs from 'node:fs';
import * as path from 'node:path';
import { glob } from 'tinyglobby';
import { MAX_FILE_SIZE_MB } from '../engine/config';
import { detectLanguage, languageByName } from '../engine/parse';
import { type FileEncoding, decodeText } from './encoding';
import { formatSize, readRegularFile } from './regular-files';

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

/** Whether `file` is `folder` or inside it (both absolute, compared as written: pass real paths to follow symlinks). */
export function isInside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The largest file avdsec reads whatever the configuration says; `maxFileSizeMB` in `.avdsec.json` sets a lower limit. */
export const MAX_FILE_BYTES = MAX_FILE_SIZE_MB * MB;

/** A source file's text, and how it is stored (a fix written back keeps that encoding); or why it was not read. */
export type ReadResult =
  | { ok: true; text: string; encoding: FileEncoding }
  /** `binary`: NUL characters in the text, so no source file; `tooLarge`: over the size limit (`isSource`: it starts like one). */
  | { ok: false; message: string; tooLarge?: boolean; isSource?: boolean; binary?: boolean };

/** The limit in bytes for a `maxFileSizeMB` setting, never above the hard limit. */
export function limitBytes(maxFileSizeMB: number): number {
  return Math.min(MAX_FILE_BYTES, Math.floor(maxFileSizeMB * MB));
}

/** Why a file of `bytes` is not checked, for the CLI and the editor alike. */
export function tooLargeMessage(bytes: number, maxFileSizeMB: number): string {
  return `file is ${formatSize(bytes)}, over the ${formatSize(limitBytes(maxFileSizeMB))} limit; not checked (raise "maxFileSizeMB" in .avdsec.json to check it)`;
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
 * Reads a source file as text (UTF-8 with or without a BOM, UTF-16 with a BOM; the BOM is not part of the text):
 * only a regular file, never blocking; refuses binary files and files over the limit with a clear message.
 */
export function readSourceFile(file: string, maxFileSizeMB: number = MAX_FILE_SIZE_MB): ReadResult {
  const read = readRegularFile(file, limitBytes(maxFileSizeMB));
  if (!read.ok) {
    const large = read.tooLarge;
    if (large) return { ok: false, message: tooLargeMessage(large.size, maxFileSizeMB), tooLarge: true, isSource: startsLikeSource(file, decodeText(large.head).text) };
    return { ok: false, message: `cannot read the file: ${read.reason}` };
  }
  // After decoding: UTF-16 text has NUL bytes, but no NUL characters.
  const { text, encoding } = decodeText(read.bytes);
  if (text.slice(0, 8192).includes('\0')) return { ok: false, message: 'binary file (NUL bytes); skipped', binary: true };
  return { ok: true, text, encoding };
}

/**
 * Whether a file too large to read is one avdsec would check: Bicep and Terraform files by name, a JSON file when its
 * first kilobytes name an ARM template or parameters schema (a large JSON file is most often something else).
 */
export function startsLikeSource(uri: string, head: string): boolean {
  return detectLanguage(uri, head) !== undefined;
}

/** The folder that holds the grammar wasm files, next to the bundle's folder. */
export function grammarsDir(bundleDir: string): string {
  const beside = path.join(bundleDir, '..', 'grammars');
  return fs.existsSync(beside) ? beside : path.join(bundleDir, '..', '..', 'grammars');
}

/** The most a configuration file may weigh (`.avdsec.json`, `--config`, the files `extends` names): 1 MB is plenty. */
export const MAX_CONFIG_BYTES = MB;

/** A small text file's content (a regular file within the configuration limit), or undefined when it cannot be read. */
export function readTextIfExists(file: string): string | undefined {
  const read = readRegularFile(file, MAX_CONFIG_BYTES);
  return read.ok ? read.bytes.toString('utf8') : undefined;
}
