import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeText, encodeText } from './encoding';
import { MAX_FILE_BYTES } from './files';
import { readRegularFile } from './regular-files';

/** A file or folder a scan was given: its path as resolved from the working directory, and its real path. */
export interface ScanRoot {
  path: string;
  real: string;
}

export type WriteResult = { ok: true } | { ok: false; message: string };

/**
 * The roots of a scan with their real paths, taken before any file is read: a root swapped for a symbolic link during
 * the run does not move where fixes may be written. A root that no longer resolves holds nothing writable.
 */
export function resolveRoots(paths: string[], cwd: string): ScanRoot[] {
  return paths.flatMap((p) => {
    const abs = path.resolve(cwd, p);
    try {
      return [{ path: abs, real: fs.realpathSync(abs) }];
    } catch {
      return [];
    }
  });
}

function inside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel);
}

/** Why a fixed file may not be written where it is now, or undefined when it may. */
function refusal(abs: string, real: string, roots: readonly ScanRoot[]): string | undefined {
  const holders = roots.filter((r) => inside(abs, r.path));
  if (!holders.length) return 'outside the scanned folders; not fixed';
  // A symbolic link below the root, the file itself or a folder on the way, makes the real path differ.
  if (holders.some((r) => real === path.join(r.real, path.relative(r.path, abs)))) return undefined;
  const away = roots.some((r) => inside(real, r.real)) ? '' : ' that leads outside the scanned folders';
  return `reached through a symbolic link${away}; not fixed`;
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // The write already failed and says so; a temporary file that cannot be removed either changes nothing about that.
  }
}

/**
 * Writes the fixed text of a file the scan read as `read`, unless the file is now outside the roots, reached through a
 * symbolic link, or no longer holds that text (edited meanwhile). The file keeps its encoding (UTF-8 with or without a
 * BOM, UTF-16), sniffed from its bytes now, and its mode. The text goes to a new file beside it, renamed over it: a
 * failure leaves the file as it was and no temporary file behind.
 */
export function writeFixedFile(file: string, read: string, fixed: string, roots: readonly ScanRoot[]): WriteResult {
  const abs = path.resolve(file);
  let tmp: string | undefined;
  try {
    const real = fs.realpathSync(abs);
    const refused = refusal(abs, real, roots);
    if (refused) return { ok: false, message: refused };
    const current = readRegularFile(real, MAX_FILE_BYTES, { noFollow: true });
    if (!current.ok)
      return {
        ok: false,
        message:
          current.reason === 'a symbolic link' || current.reason.startsWith('not a regular file')
            ? 'no longer a regular file; not fixed'
            : `cannot read it again (${current.reason}); not fixed`,
      };
    const { text, encoding } = decodeText(current.bytes);
    if (text !== read) return { ok: false, message: 'changed since it was read; not fixed' };
    // Bytes the text cannot hold (invalid UTF-8, a lone UTF-16 surrogate) would be replaced all over the file.
    if (!encodeText(text, encoding).equals(current.bytes))
      return {
        ok: false,
        message: `not valid ${encoding === 'utf16le' || encoding === 'utf16be' ? 'UTF-16' : 'UTF-8'}; not fixed, so that its bytes stay as they are`,
      };
    // Renaming over a file needs only the folder's permission: a read-only file (TFVC and Perforce check files out so)
    // stays as it is, as it would when written in place.
    fs.accessSync(real, fs.constants.W_OK);

    const name = path.join(path.dirname(real), `.${path.basename(real)}.${randomBytes(6).toString('hex')}.avdsec-fix`);
    const fd = fs.openSync(name, 'wx', current.mode);
    tmp = name;
    try {
      // open() applies the umask to the mode.
      fs.fchmodSync(fd, current.mode);
      fs.writeFileSync(fd, encodeText(fixed, encoding));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, real);
    return { ok: true };
  } catch (e) {
    if (tmp) removeQuietly(tmp);
    return { ok: false, message: `write failed: ${(e as Error).message}; not fixed` };
  }
}
