// Copies the editor tests' screenshots (build/screenshots, written by `npm run test:editors`) over the README's images
// in docs/images: a deliberate refresh, never a side effect of a test run.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const from = path.join(root, 'build', 'screenshots');
const to = path.join(root, 'docs', 'images');
const shots = fs.existsSync(from) ? fs.readdirSync(from).filter((f) => f.endsWith('.png')) : [];
if (!shots.length) {
  console.error('no screenshots in build/screenshots: run `npm run test:editors` first');
  process.exit(1);
}
fs.mkdirSync(to, { recursive: true });
for (const f of shots) fs.copyFileSync(path.join(from, f), path.join(to, f));
console.log(`copied ${shots.length} screenshots to docs/images: ${shots.join(', ')}`);
