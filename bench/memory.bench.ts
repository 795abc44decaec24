import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Bench, BenchRow } from './harness';
import { mb } from './lib/measure';

const CHILD = path.join(__dirname, 'lib', 'memory-child.ts');
const EDITS = 10_000;

/** Target of issue #8: memory flat over a long editing session (< 10% growth after GC). */
const GROWTH_LIMIT = 10;

interface Sample {
  edits: number;
  live: number;
  heapUsed: number;
  external: number;
  rss: number;
}

/**
 * 10,000 edits on one Workspace in a child process of its own (a clean heap, and --expose-gc): characters typed into and
 * deleted from the examples' RDP strings (Bicep, ARM, Terraform with incremental re-parse), now and then a host pool
 * renamed (graph rebuilt), findings of the edited file after each. Growth is measured from edit 500 (caches and JIT
 * settled) to edit 10,000, on heap + external memory after full GCs (external holds the WebAssembly memory of
 * tree-sitter, where leaked trees would show).
 */
const bench: Bench = {
  name: 'memory: 10,000 edits on one Workspace',
  async run(): Promise<BenchRow[]> {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--require', 'tsx/cjs', CHILD, String(EDITS), '1000'], {
      cwd: path.join(__dirname, '..'),
      maxBuffer: 16 * 1024 * 1024,
    });
    const { samples, hwm } = JSON.parse(stdout.trim().split('\n').pop()!) as { samples: Sample[]; hwm?: number };
    const first = samples[0];
    const last = samples[samples.length - 1];
    const growth = (k: keyof Sample) => (100 * (last[k] - first[k])) / first[k];
    const peak = Math.max(...samples.map((s) => s.live));
    const rows: BenchRow[] = [
      {
        name: `memory growth, edits ${first.edits} to ${last.edits} (heap + external after GC)`,
        value: growth('live'),
        unit: '%',
        note: `${mb(first.live).toFixed(1)} -> ${mb(last.live).toFixed(1)} MB; highest sample ${mb(peak).toFixed(1)} MB`,
        limit: { max: GROWTH_LIMIT },
      },
      {
        name: 'memory growth, JS heap only',
        value: growth('heapUsed'),
        unit: '%',
        note: `${mb(first.heapUsed).toFixed(1)} -> ${mb(last.heapUsed).toFixed(1)} MB`,
      },
      {
        name: 'memory growth, external (WebAssembly, buffers)',
        value: growth('external'),
        unit: '%',
        note: `${mb(first.external).toFixed(1)} -> ${mb(last.external).toFixed(1)} MB`,
      },
      { name: 'memory growth, RSS', value: growth('rss'), unit: '%', note: `${mb(first.rss).toFixed(1)} -> ${mb(last.rss).toFixed(1)} MB` },
    ];
    if (hwm !== undefined) rows.push({ name: 'memory: peak RSS of the editing process (VmHWM)', value: mb(hwm), unit: 'MB' });
    return rows;
  },
};

export default bench;
