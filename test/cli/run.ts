import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../harness/engine';

export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would (`npm test` builds it first). */
export function avdsec(args: string[], cwd = ROOT): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const created: string[] = [];

/** A temporary folder with the given files (path -> content), removed when the test run ends. */
export function tempTree(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-test-'));
  created.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

after(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
