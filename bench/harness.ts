import { performance } from 'node:perf_hooks';

export interface BenchRow {
  /** What was measured, e.g. "bicep full parse 5 MB". */
  name: string;
  value: number;
  unit: string;
  /** Optional comparison, e.g. "3.4x tree-sitter-bicep". */
  note?: string;
  /** When set, the run fails if `value` falls outside the limit (ratios against a floor measured in the same run). */
  limit?: { max?: number; min?: number };
}

export interface Bench {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** Median wall time in milliseconds of `fn` over `runs` runs, after one warm-up. */
export async function medianMs(fn: () => unknown | Promise<unknown>, runs = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}
