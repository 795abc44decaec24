import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './vsix';

/**
 * Where the editor tests write their screenshots: a build folder, so a test run leaves tracked files alone.
 * `npm run screenshots` runs the editor tests and copies them over the README's images in docs/images on purpose.
 */
export const SCREENSHOTS = path.join(ROOT, 'build', 'screenshots');

/** The path of a screenshot, its folder made. */
export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}
