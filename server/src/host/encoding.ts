/**
 * How a source file is stored on disk. Editors and the engine work on text; a fix written back must keep the bytes
 * around the text as they were (a UTF-8 BOM, or UTF-16 with its BOM, which Windows PowerShell 5 writes by default).
 */
export type FileEncoding = 'utf8' | 'utf8bom' | 'utf16le' | 'utf16be';

/** The encoding a file's first bytes announce: a byte order mark, or plain UTF-8 when there is none. */
export function sniffEncoding(buf: Uint8Array): FileEncoding {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf8bom';
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return 'utf16le';
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return 'utf16be';
  return 'utf8';
}

/** The text of a file's bytes, without its byte order mark, and the encoding to write it back with. */
export function decodeText(buf: Buffer): { text: string; encoding: FileEncoding } {
  const encoding = sniffEncoding(buf);
  switch (encoding) {
    case 'utf8':
      return { text: buf.toString('utf8'), encoding };
    case 'utf8bom':
      return { text: buf.subarray(3).toString('utf8'), encoding };
    case 'utf16le':
      return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding };
    case 'utf16be':
      return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding };
  }
}

/** The bytes of a text in an encoding, with the byte order mark the encoding has. */
export function encodeText(text: string, encoding: FileEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  }
}
