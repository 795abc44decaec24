import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Bench, BenchRow } from './harness';
import { mb, median, procMemory } from './lib/measure';

const CLI = path.join(__dirname, '..', 'dist', 'cli.js');
/** Issue #22: the public AVD repositories scanned in under 3 s of wall time on 2 cores. */
const LIMIT_MS = 3000;

/**
 * `avdsec scan` over the public AVD repositories (the corpus of the rule issues), when a checkout of them is at
 * AVDSEC_CORPUS (one folder per repository; they are never part of this repository). Without it the bench says so and
 * measures nothing. One scan of every repository at once, as a CI job of an organisation scanning its repositories would.
 */
const bench: Bench = {
  name: 'corpus: avdsec scan of the public AVD repositories',
  async run(): Promise<BenchRow[]> {
    const root = process.env.AVDSEC_CORPUS;
    if (!root || !fs.existsSync(root))
      return [{ name: 'corpus: not measured (set AVDSEC_CORPUS to a folder of the repositories of corpus.md)', value: 0, unit: '' }];
    const repos = fs
      .readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const runs: { wall: number; hwm: number; files: number }[] = [];
    for (let i = 0; i < 3; i++) runs.push(await scan(root, repos));
    const wall = median(runs.map((r) => r.wall));
    return [
      {
        name: `corpus: scan of ${repos.length} repositories, wall time`,
        value: wall,
        unit: 'ms',
        note: `${runs[0].files} files read; peak RSS ${mb(median(runs.map((r) => r.hwm))).toFixed(0)} MB; median of 3`,
        limit: { max: LIMIT_MS },
      },
    ];
  },
};

function scan(cwd: string, repos: string[]): Promise<{ wall: number; hwm: number; files: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'scan', ...repos, '--format', 'json', '--fail-on', 'never'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    let hwm = 0;
    const timer = setInterval(() => {
      const m = procMemory(child.pid!)?.hwm;
      if (m !== undefined && Number.isFinite(m)) hwm = Math.max(hwm, m);
    }, 10);
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(timer);
      const wall = performance.now() - t0;
      const files = (JSON.parse(out) as { summary: { files: number } }).summary.files;
      resolve({ wall, hwm, files });
    });
  });
}

export default bench;
