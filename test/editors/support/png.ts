import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

/**
 * Checks a screenshot: a PNG of the expected size whose pixels are not all one colour (a blank page, a white
 * webview that never rendered). Returns its width, height and number of distinct colours sampled.
 */
export function checkScreenshot(file: string, expected: { width: number; height: number }): { width: number; height: number; colours: number } {
  const png = fs.readFileSync(file);
  assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${file} is not a PNG`);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.deepEqual({ width, height }, expected, `${file}: size`);
  const colours = sampledColours(png, width, height);
  assert.ok(colours > 16, `${file} is nearly blank (${colours} colours)`);
  return { width, height, colours };
}

/** Distinct colours in the image (8-bit RGB or RGBA, non-interlaced: what Chromium writes), sampled on a grid. */
function sampledColours(png: Buffer, width: number, height: number): number {
  const depth = png[24];
  const colourType = png[25];
  const interlace = png[28];
  if (depth !== 8 || (colourType !== 2 && colourType !== 6) || interlace !== 0) return Infinity;
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(chunks));
  const bpp = colourType === 6 ? 4 : 3;
  const stride = width * bpp;
  const rows: Buffer[] = [];
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? line[x - bpp] : 0;
      const b = previous[x];
      const c = x >= bpp ? previous[x - bpp] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      line[x] = (line[x] + predictor) & 0xff;
    }
    rows.push(line);
    previous = line;
  }
  const seen = new Set<number>();
  for (let y = 0; y < height; y += 7)
    for (let x = 0; x < width; x += 7) {
      const o = x * bpp;
      seen.add((rows[y][o] << 16) | (rows[y][o + 1] << 8) | rows[y][o + 2]);
    }
  return seen.size;
}
