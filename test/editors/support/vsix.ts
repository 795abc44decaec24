import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as yauzl from 'yauzl';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Builds the extension package exactly as `npm run package` does (`vsce package --no-dependencies`, from the built
 * dist/), into `outFile`. Returns vsce's output.
 */
export async function buildVsix(outFile: string): Promise<string> {
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [vsce, 'package', '--no-dependencies', '--out', outFile], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout + stderr;
}

let packaged: Promise<string> | undefined;

/**
 * The VSIX of this build, packed once per test run (into a temporary folder removed when the run ends): the package
 * tests read the same file the editor tests install.
 */
export function packagedVsix(): Promise<string> {
  if (!packaged) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-vsix-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'avdsec.vsix');
    packaged = buildVsix(file).then(() => file);
  }
  return packaged;
}

export interface VsixEntry {
  name: string;
  size: number;
  compressedSize: number;
}

/** The entries of a .vsix (a zip file), read with yauzl. */
export async function listVsix(file: string): Promise<VsixEntry[]> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  return new Promise((resolve, reject) => {
    const entries: VsixEntry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      if (!e.fileName.endsWith('/')) entries.push({ name: e.fileName, size: e.uncompressedSize, compressedSize: e.compressedSize });
      zip.readEntry();
    });
    zip.on('end', () => {
      zip.close();
      resolve(entries);
    });
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** The text of one entry of a .vsix. */
export async function readVsixEntry(file: string, name: string): Promise<string> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  return new Promise((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      if (e.fileName !== name) return zip.readEntry();
      zip.openReadStream(e, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          zip.close();
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', () => reject(new Error(`${name} is not in ${file}`)));
    zip.on('error', reject);
    zip.readEntry();
  });
}
