import * as fs from 'node:fs';

const MB = 1024 * 1024;

/** A size in bytes as people read it: `1 MB`, `2.2 KB`, `16 bytes`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  return bytes >= MB ? `${Number((bytes / MB).toFixed(1))} MB` : `${Number((bytes / 1024).toFixed(1))} KB`;
}

export type RegularFileRead =
  /** `mode`: the permission bits, for a writer that replaces the file with one of the same mode. */
  | { ok: true; bytes: Buffer; mode: number }
  /** `tooLarge`: the file's size and its first 4 KB, for a caller that wants to tell what it is. */
  | { ok: false; reason: string; tooLarge?: { size: number; head: Buffer } };

/**
 * Reads a regular file of at most `limit` bytes, and nothing else: a FIFO, socket, device or folder is refused without
 * blocking on it, a file over the limit is refused without reading it all. What it reads may come from anywhere in
 * a repository under review, so it never waits and never reads more than the limit.
 */
export function readRegularFile(file: string, limit: number, options: { noFollow?: boolean } = {}): RegularFileRead {
  let fd: number | undefined;
  try {
    // Not even opened when it is no regular file: opening some devices has effects (a tape rewinds, a watchdog arms).
    const before = options.noFollow ? fs.lstatSync(file) : fs.statSync(file);
    if (!before.isFile()) return { ok: false, reason: before.isSymbolicLink() ? 'a symbolic link' : `not a regular file (${fileKind(before)})` };
    // O_NONBLOCK: a FIFO swapped in after the stat opens at once instead of waiting for a writer; fstat on the open
    // file then tells what was really opened. Windows has no such flag, and no FIFOs in its file system. O_NOFOLLOW:
    // a symbolic link swapped in after the lstat is not followed.
    const { O_RDONLY, O_NONBLOCK = 0, O_NOFOLLOW = 0 } = fs.constants;
    fd = fs.openSync(file, O_RDONLY | O_NONBLOCK | (options.noFollow ? O_NOFOLLOW : 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: `not a regular file (${fileKind(stat)})` };
    if (stat.size > limit) return { ok: false, reason: `over the ${formatSize(limit)} limit`, tooLarge: { size: stat.size, head: readAt(fd, 4096) } };
    // The size can be wrong (files under /proc say 0) or change while reading: read at most one byte over the limit.
    const bytes = readAt(fd, limit + 1, stat.size);
    if (bytes.length > limit)
      return { ok: false, reason: `over the ${formatSize(limit)} limit`, tooLarge: { size: bytes.length, head: bytes.subarray(0, 4096) } };
    return { ok: true, bytes, mode: stat.mode & 0o7777 };
  } catch (e) {
    return { ok: false, reason: errorReason(e) };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Up to `max` bytes from the start of an open file. The first read asks for the size the file says it has (`expected`)
 * and one byte more, so that most files take one read into a buffer of their size; the rest goes in 1 MB chunks. Only
 * the bytes read are kept (the buffers are not zeroed first, and what a read did not fill is cut off).
 */
function readAt(fd: number, max: number, expected = 0): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let want = Math.max(1, Math.min(expected + 1, 1024 * 1024 * 64));
  while (total < max) {
    const chunk = Buffer.allocUnsafe(Math.min(max - total, want));
    const n = fs.readSync(fd, chunk, 0, chunk.length, total);
    if (n === 0) break;
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
    want = 1024 * 1024;
  }
  return Buffer.concat(chunks, total);
}

/** What an entry that is no regular file is, for messages: `FIFO`, `socket`, `character device`... */
export function fileKind(s: fs.Stats | fs.Dirent): string {
  if (s.isFIFO()) return 'FIFO';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'character device';
  if (s.isBlockDevice()) return 'block device';
  return s.isDirectory() ? 'folder' : 'unknown kind';
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'symlink loop',
  ENAMETOOLONG: 'path too long',
  EIO: 'input/output error',
};

/** Why a file system call failed, in a few words (the error code's meaning, not the call's full message). */
export function errorReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? (code ? `error ${code}` : String((e as Error).message ?? e));
}
