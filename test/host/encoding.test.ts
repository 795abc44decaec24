import * as assert from 'node:assert/strict';
import { decodeText, encodeText, type FileEncoding, sniffEncoding } from '../../server/src/host/encoding';

describe('host: file encodings', () => {
  const text = "param x = 'é😀'\r\n// ∑\n";

  for (const encoding of ['utf8', 'utf8bom', 'utf16le', 'utf16be'] as FileEncoding[]) {
    it(`${encoding}: decodes what it encodes, byte order mark dropped from the text`, () => {
      const bytes = encodeText(text, encoding);
      assert.equal(sniffEncoding(bytes), encoding);
      assert.deepEqual(decodeText(bytes), { text, encoding });
    });
  }

  it('reads UTF-16 bytes as Windows PowerShell 5 writes them (little endian with a BOM)', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x20, 0x00, 0x3d, 0x00, 0x20, 0x00, 0x31, 0x00]);
    assert.deepEqual(decodeText(bytes), { text: 'a = 1', encoding: 'utf16le' });
    const be = Buffer.from([0xfe, 0xff, 0x00, 0x61, 0x00, 0x3d, 0x00, 0x31]);
    assert.deepEqual(decodeText(be), { text: 'a=1', encoding: 'utf16be' });
  });

  it('takes a file without a BOM as UTF-8', () => {
    assert.deepEqual(decodeText(Buffer.from('a\u0000b')), { text: 'a\u0000b', encoding: 'utf8' });
    assert.equal(sniffEncoding(Buffer.from([0xff])), 'utf8');
  });
});
