import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { ROOT } from '../harness/engine';

export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in this process, from the sources, as a run in `cwd` with its output piped (no terminal) would go.
 * What only a real process shows (the bundle, preloaded scripts, another user) runs through `avdsecProcess`.
 */
export async function avdsec(args: string[], cwd = ROOT): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const status = await main([process.execPath, CLI, ...args], {
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    // A process's working directory is a real path.
    cwd: fs.realpathSync(cwd),
  });
  return { status, stdout, stderr };
}

/**
 * Runs the built CLI as a user would (`npm test` builds it first). Also for runs that could block (FIFOs, devices,
 * catastrophic patterns): stuck in the test process, a run would hang the test run; a process of its own is killed.
 */
export function avdsecProcess(args: string[], cwd = ROOT): CliResult {
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

// At exit, not in an `after` hook: a parallel run's worker loads this module once for several test files, and a root
// hook registered on the first file's suite would leave the later files' folders behind.
process.on('exit', () => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The bundled examples/ (Bicep, ARM JSON, Terraform) copied into a temporary folder, under `examples/`. */
export function examplesTree(extra: Record<string, string | Buffer> = {}): string {
  const files: Record<string, string | Buffer> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files[path.relative(ROOT, p)] = fs.readFileSync(p);
    }
  };
  walk(path.join(ROOT, 'examples'));
  return tempTree({ ...files, ...extra });
}

/** Every file under a folder with its bytes, to tell that nothing changed. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p).split(path.sep).join('/'), fs.readFileSync(p).toString('base64'));
    }
  };
  walk(dir);
  return out;
}
