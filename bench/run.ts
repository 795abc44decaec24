import './lib/md-loader';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Bench, BenchRow } from './harness';

/** Usage: tsx bench/run.ts [name-filter]. Prints a table per bench and writes bench/results/<date>-<commit>.json. */

interface RowResult extends BenchRow {
  /** For rows with a limit: whether the value is within it. */
  status?: 'pass' | 'fail';
}

interface BenchResult {
  name: string;
  file: string;
  seconds: number;
  rows: RowResult[];
  error?: string;
}

function git(...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function outside(row: BenchRow): boolean {
  return !!row.limit && ((row.limit.max !== undefined && row.value > row.limit.max) || (row.limit.min !== undefined && row.value < row.limit.min));
}

function limitText(row: BenchRow): string {
  if (!row.limit) return '';
  const parts = [row.limit.min !== undefined ? `>= ${row.limit.min}` : '', row.limit.max !== undefined ? `<= ${row.limit.max}` : ''].filter(Boolean);
  return ` (limit ${parts.join(', ')})`;
}

function format(value: number): string {
  return (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2)).padStart(9);
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const started = performance.now();
  const load = os.loadavg();
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const results: BenchResult[] = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bench: Bench = require(path.join(__dirname, file)).default;
    if (filter && !bench.name.includes(filter) && !file.includes(filter)) continue;
    console.log(`\n## ${bench.name}`);
    const t0 = performance.now();
    const result: BenchResult = { name: bench.name, file, seconds: 0, rows: [] };
    results.push(result);
    try {
      const rows = await bench.run();
      for (const row of rows) {
        const out = outside(row);
        result.rows.push({ ...row, ...(row.limit ? { status: out ? 'fail' : 'pass' } : {}) });
        console.log(
          `${out ? 'FAIL' : row.limit ? 'pass' : '    '} ${row.name.padEnd(72)} ${format(row.value)} ${row.unit}${limitText(row)}${row.note ? '  ' + row.note : ''}`,
        );
      }
    } catch (e) {
      result.error = (e as Error).stack ?? String(e);
      console.error(`ERROR ${bench.name}: ${result.error}`);
    }
    result.seconds = (performance.now() - t0) / 1000;
  }

  const targets = results.flatMap((r) => r.rows.filter((row) => row.limit).map((row) => ({ bench: r.name, ...row })));
  const failed = targets.filter((t) => t.status === 'fail');
  const errors = results.filter((r) => r.error);
  if (targets.length) {
    console.log('\n## targets');
    for (const t of targets) console.log(`${t.status === 'fail' ? 'FAIL' : 'pass'} ${t.name.padEnd(72)} ${format(t.value)} ${t.unit}${limitText(t)}`);
  }

  const commit = git('rev-parse', 'HEAD');
  const dirty = !!git('status', '--porcelain', '--untracked-files=no');
  const now = new Date();
  const stamp = now.toISOString().slice(0, 16).replace(/:/g, '');
  const name = `${stamp}-${commit ? commit.slice(0, 7) : 'nocommit'}${dirty ? '-dirty' : ''}${filter ? `-${filter.replace(/[^\w.-]+/g, '_')}` : ''}.json`;
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const report = {
    date: now.toISOString(),
    commit,
    dirty,
    filter: filter ?? null,
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryMB: Math.round(os.totalmem() / 1e6),
      loadavgAtStart: load,
      loadavgAtEnd: os.loadavg(),
    },
    seconds: (performance.now() - started) / 1000,
    summary: { targets: targets.length, passed: targets.length - failed.length, failed: failed.map((t) => t.name), errors: errors.map((r) => r.name) },
    benches: results,
  };
  fs.writeFileSync(path.join(dir, name), JSON.stringify(report, null, 2) + '\n');
  console.log(`\n${targets.length - failed.length}/${targets.length} targets met; ${report.seconds.toFixed(0)} s; results in bench/results/${name}`);
  if (errors.length) {
    console.error(`${errors.length} benchmark(s) failed to run: ${errors.map((r) => r.name).join(', ')}`);
    process.exit(2);
  }
  if (failed.length) {
    console.error(`${failed.length} benchmark limit(s) exceeded`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
