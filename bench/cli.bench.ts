import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Bench, BenchRow } from './harness';
import { engine, GRAMMARS } from './lib/bundle';
import { Floor } from './lib/floor';
import { type Files, inputs, totalBytes } from './lib/inputs';
import { mb, median, procCpuMs, procMemory, timed } from './lib/measure';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface CliRun {
  wall: number;
  /** CPU ms of the process (all its threads), last seen before it exited (sampled every 10 ms). */
  cpu: number;
  /** Peak RSS, last seen before exit. */
  hwm: number;
  code: number | null;
  stderr: string;
}

/** Runs `node dist/cli.js scan` in `cwd` as CI would, sampling /proc/<pid> until it exits. */
function runCli(cwd: string, out: string, extra: string[] = []): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'scan', '.', '--format', 'json', '--output', out, '--fail-on', 'never', ...extra], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    let cpu = 0;
    let hwm = 0;
    const sample = () => {
      // Once the process has exited (a zombie until reaped) /proc has no memory lines: keep the last real sample.
      const c = procCpuMs(child.pid!);
      const m = procMemory(child.pid!)?.hwm;
      if (c !== undefined && Number.isFinite(c)) cpu = c;
      if (m !== undefined && Number.isFinite(m)) hwm = Math.max(hwm, m);
    };
    const timer = setInterval(sample, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      const wall = performance.now() - t0;
      clearInterval(timer);
      resolve({ wall, cpu, hwm, code, stderr });
    });
  });
}

function writeFiles(dir: string, files: Files): void {
  for (const [rel, text] of files) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

/** Target of issue #8: the CLI within 1.5x of (sum of parse-only times / cores it uses). */
const CLI_LIMIT = 1.5;

const bench: Bench = {
  name: 'cli: avdsec scan of the 1,000-file workspace',
  async run(): Promise<BenchRow[]> {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const rows: BenchRow[] = [];
    const input = inputs.mixed();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-bench-cli-'));
    try {
      const dir = path.join(tmp, 'ws');
      const empty = path.join(tmp, 'empty');
      writeFiles(dir, input.files);
      writeFiles(empty, new Map([['main.tf', 'locals {}\n']]));
      const out = path.join(tmp, 'out.json');

      // The floor, in this process: every file parsed once by the engine's parser for it (median of 3, after a warm-up).
      const floor = new Floor(await engine().loadGrammars(GRAMMARS));
      const root = dir.split(path.sep).join('/');
      floor.all(root, input.files);
      const floorMs = median([0, 1, 2].map(() => timed(() => floor.all(root, input.files)).wall));

      const startup = [] as CliRun[];
      for (let i = 0; i < 3; i++) startup.push(await runCli(empty, out));
      // The default (a thread per core, at most 4: Terraform parsed on the others) alternating with --jobs 1.
      const runs = [] as CliRun[];
      const single = [] as CliRun[];
      for (let i = 0; i < 3; i++) {
        for (const [list, extra] of [
          [runs, []],
          [single, ['--jobs', '1']],
        ] as const) {
          const r = await runCli(dir, out, [...extra]);
          if (r.code !== 0) throw new Error(`avdsec scan exited with ${r.code}: ${r.stderr}`);
          list.push(r);
        }
      }
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { summary: { files: number; findings: number } };
      const wall = median(runs.map((r) => r.wall));
      const cpu = median(runs.map((r) => r.cpu));
      const cores = Math.max(1, Math.round(cpu / wall));
      const target = floorMs / cores;
      rows.push({
        name: 'CLI scan, 1,000 files: wall time',
        value: wall,
        unit: 'ms',
        note: `${mb(totalBytes(input.files)).toFixed(1)} MB; ${report.summary.files} files read, ${report.summary.findings} findings; CPU ${cpu.toFixed(0)} ms`,
      });
      const singleWall = median(single.map((r) => r.wall));
      const tfBytes = [...input.files].reduce((n, [rel, text]) => n + (/\.tf(vars)?$/.test(rel) ? text.length : 0), 0);
      rows.push({
        name: 'CLI scan, 1,000 files, --jobs 1: wall time',
        value: singleWall,
        unit: 'ms',
        note: `CPU ${median(single.map((r) => r.cpu)).toFixed(0)} ms; runs alternating with the default's`,
      });
      rows.push({
        name: `CLI scan wall, default (${Math.min(4, os.availableParallelism())} threads) / --jobs 1`,
        value: wall / singleWall,
        unit: 'x',
        limit: { max: 0.6 },
        note: `worker threads parse Terraform when it is at least a third of the bytes (here ${((100 * tfBytes) / totalBytes(input.files)).toFixed(0)}%); the rest runs on one thread`,
      });
      rows.push({
        name: 'CLI scan: cores used (CPU / wall, rounded)',
        value: cores,
        unit: 'cores',
        note: `CPU/wall ${(cpu / wall).toFixed(2)} (V8 GC helper threads included)`,
      });
      rows.push({ name: 'CLI scan: sum of parse-only times of the same files', value: floorMs, unit: 'ms', note: 'in-process, warm' });
      rows.push({ name: 'CLI scan wall / (sum of parse-only / cores used)', value: wall / target, unit: 'x', limit: { max: CLI_LIMIT } });
      rows.push({
        name: 'CLI startup (scan of one tiny file)',
        value: median(startup.map((r) => r.wall)),
        unit: 'ms',
        note: 'node + bundle + grammars; part of the wall time above',
      });
      // Issue #22: the CLI holds the 1,000 files in under 400 MB.
      rows.push({ name: 'CLI scan, 1,000 files: peak RSS (VmHWM)', value: mb(median(runs.map((r) => r.hwm))), unit: 'MB', limit: { max: 400 } });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return rows;
  },
};

export default bench;
