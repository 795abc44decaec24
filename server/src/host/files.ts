import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_FILE_SIZE_MB } from '../engine/config';
import { detectLanguage, languageByName } from '../engine/parse';
import { type FileEncoding, decodeText } from './encoding';
import { errorReason, fileKind, formatSize, readRegularFile } from './regular-files';

const MB = 1024 * 1024;

/** Folders that never hold a project's own infrastructure code. */
export const SKIPPED_DIRS = ['.git', 'node_modules', '.terraform'];

/** A file or folder the discovery did not read, and why. */
export interface FileNote {
  file: string;
  message: string;
}

export interface Discovered {
  /** Candidate files (by name) to read, absolute, sorted. */
  files: string[];
  /** Paths given that do not exist. */
  missing: string[];
  /** What could not be read: folders it may not list, FIFOs, sockets and devices with a candidate name. */
  errors: FileNote[];
  /** What was left out on purpose: symlinks it does not follow, and why. */
  skipped: FileNote[];
}

/**
 * Files avdsec may read: every candidate under the given folders (`.git`, `node_modules` and `.terraform` left out,
 * except the modules `terraform init` fetched into `.terraform/modules`),
 * plus the given files themselves. Nothing is left out without a word: folders that cannot be listed and entries that
 * are no regular file are errors; symlinks are read once, under one name, when their target is a regular file inside
 * the given folders, and skipped with the reason otherwise (symlinked folders are not followed).
 */
export function discoverFiles(paths: string[], cwd: string): Discovered {
  const files = new Set<string>();
  const missing: string[] = [];
  // By path: given folders may overlap (`scan . infra`).
  const errors = new Map<string, string>();
  const skipped = new Map<string, string>();
  const links = new Set<string>();
  /** Real paths of the given folders, and of each file found (to read a file under one name only). */
  const roots: string[] = [];
  const real = new Set<string>();

  const walk = (dir: string, realDir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      errors.set(dir, `folder not read: ${errorReason(e)}`);
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.includes(e.name)) walk(p, path.join(realDir, e.name));
        // The modules `terraform init` fetched are part of the configuration; the rest of .terraform (providers) is not.
        else if (e.name === '.terraform' && fs.existsSync(path.join(p, 'modules', 'modules.json')))
          walk(path.join(p, 'modules'), path.join(realDir, e.name, 'modules'));
      } else if (e.isSymbolicLink()) {
        links.add(p);
      } else if (languageByName(p)) {
        if (!e.isFile()) errors.set(p, `not a regular file (${fileKind(e)}); not read`);
        else if (!files.has(p)) {
          files.add(p);
          real.add(path.join(realDir, e.name));
        }
      }
    }
  };

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
      const realDir = fs.realpathSync(abs);
      roots.push(realDir);
      walk(abs, realDir);
    } else if (languageByName(abs)) {
      // Named on the command line: read even through a symlink.
      if (!stat.isFile()) errors.set(abs, `not a regular file (${fileKind(stat)}); not read`);
      else if (!files.has(abs)) {
        files.add(abs);
        real.add(fs.realpathSync(abs));
      }
    }
  }

  for (const link of [...links].sort()) {
    if (files.has(link)) continue;
    const note = followLink(link, roots, real);
    if (note === 'read') files.add(link);
    else if (note) (note.error ? errors : skipped).set(link, note.message);
  }
  const sorted = (notes: Map<string, string>) => [...notes.keys()].sort().map((file) => ({ file, message: notes.get(file)! }));
  return { files: [...files].sort(), missing, errors: sorted(errors), skipped: sorted(skipped) };
}

/**
 * Whether a symlink found in a folder is read under its name ('read', its real path then counts as read), left out
 * with a note, or of no interest (undefined: a link to a file avdsec would not read by its name).
 */
function followLink(link: string, roots: readonly string[], real: Set<string>): 'read' | { message: string; error?: boolean } | undefined {
  let target: fs.Stats;
  let realPath: string;
  try {
    target = fs.statSync(link);
    realPath = fs.realpathSync(link);
  } catch (e) {
    if (!languageByName(link)) return undefined;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { message: 'dangling symlink (its target does not exist); not read' };
    if (code === 'ELOOP') return { message: 'symlink loop; not read' };
    return { message: `symlink not followed: ${errorReason(e)}`, error: true };
  }
  if (target.isDirectory()) return SKIPPED_DIRS.includes(path.basename(link)) ? undefined : { message: 'symlinked folder; not followed' };
  if (!languageByName(link)) return undefined;
  if (!roots.some((r) => isInside(realPath, r))) return { message: 'symlink to a file outside the scanned folders; not read' };
  if (!target.isFile()) return { message: `symlink to something that is not a regular file (${fileKind(target)}); not read`, error: true };
  if (real.has(realPath)) return { message: 'symlink to a file that is scanned under another name; not read twice' };
  real.add(realPath);
  return 'read';
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
    if (large)
      return { ok: false, message: tooLargeMessage(large.size, maxFileSizeMB), tooLarge: true, isSource: startsLikeSource(file, decodeText(large.head).text) };
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

/**
 * The folder that holds the grammar wasm files: next to the bundle's folder (dist/), or at the top of the checkout
 * when the sources run as they are (server/src/cli/ under tsx, as the CLI tests run it).
 */
export function grammarsDir(codeDir: string): string {
  const beside = path.join(codeDir, '..', 'grammars');
  return fs.existsSync(beside) ? beside : path.join(codeDir, '..', '..', '..', 'grammars');
}

/** The most a configuration file may weigh (`.avdsec.json`, `--config`, the files `extends` names): 1 MB is plenty. */
export const MAX_CONFIG_BYTES = MB;

/** A small text file's content (a regular file within the configuration limit), or undefined when it cannot be read. */
export function readTextIfExists(file: string): string | undefined {
  const read = readRegularFile(file, MAX_CONFIG_BYTES);
  return read.ok ? read.bytes.toString('utf8') : undefined;
}
