import { performance } from 'node:perf_hooks';
import picomatch from 'picomatch';
import { EXCLUDE_LIMITS, excludePatternProblem } from '../server/src/engine/config';
import { EXCLUDE_GLOB_OPTIONS as AS_NOW } from '../server/src/host/config-files';
import type { Bench, BenchRow } from './harness';

/**
 * Why `exclude` globs are bounded (EXCLUDE_LIMITS in engine/config.ts). picomatch compiles a glob to a backtracking
 * regular expression, and a repository under review writes both the globs and the file names. For each kind of
 * catastrophic glob: how long one match takes without the bounds (on the shortest crafted path that takes over
 * 100 ms, growing it in small steps: the next step may take minutes), and that the bounds refuse it. Then a random
 * search over globs within the bounds for the slowest match on crafted paths of up to 4,096 characters whose segments
 * are at most 255 characters long (NAME_MAX of ext4, APFS and NTFS).
 * `BENCH_GLOB_SECONDS` sets the search time (20 s by default).
 */
const AS_BEFORE = { dot: true };

const CATASTROPHIC: { name: string; pattern: string; path: (n: number) => string }[] = [
  { name: 'nested extended globs', pattern: '+(a|aa)+(a|aa)', path: (n) => `${'a'.repeat(30)}/`.repeat(Math.ceil(n / 31)) },
  { name: 'extended globs in a row', pattern: '*(a|aa)*(a|aa)c', path: (n) => 'a'.repeat(n) },
  { name: 'regular expression quantifiers', pattern: '((a+)+)b', path: (n) => 'a'.repeat(n) },
  { name: 'many * in one segment', pattern: '*a*a*a*a*a*a*a*a*b', path: (n) => 'a'.repeat(n) },
  { name: 'three * in one segment', pattern: '*a*a*b', path: (n) => 'a'.repeat(n) },
  { name: 'stars in several segments', pattern: '*a*b/*a*b/*a*b/c', path: (n) => `${'a'.repeat(Math.min(254, Math.ceil(n / 3)))}b/`.repeat(3) + 'd' },
  { name: 'three **', pattern: '**/a/**/a/**/b', path: (n) => 'a/'.repeat(Math.ceil(n / 2)) + 'c' },
  { name: 'many brace groups', pattern: `${'{a,aa}'.repeat(30)}b`, path: (n) => 'a'.repeat(n) },
];

/** The fastest of `runs` runs of one match, in ms: with several, a garbage collection does not count as the glob's cost. */
function matchMs(match: (s: string) => boolean, input: string, runs = 1): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    match(input);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Crafted paths: near misses for globs made of `a`, `b` and wildcards, at most 4,096 characters, segments at most 255. */
function craftedPaths(): string[] {
  const seg = (n: number, end: string) => 'a'.repeat(n - 1) + end;
  const out: string[] = [];
  for (const k of [1, 2, 4, 16]) {
    for (const end of ['a', 'b', 'c']) {
      const segs = Array.from({ length: k }, () => seg(k === 16 ? 250 : 255, end)).join('/');
      out.push(segs, `${segs}/d`);
    }
  }
  out.push(
    'a/'.repeat(2047) + 'd',
    'a/'.repeat(2047) + 'b',
    'ab/'.repeat(1365) + 'd',
    'aa/'.repeat(1365),
    `${'a'.repeat(20)}/`.repeat(190) + 'd',
    `${'aab'.repeat(5)}/`.repeat(250) + 'c',
  );
  return out;
}

const PIECES = ['a', 'b', 'c', 'aa', '*', '**', '?', '[a-b]', '{a,aa}', '{a,aa,aaa}', '(a|aa)', '{*a,a*}', '{a/*,*/a}', '.', '-'];

const bench: Bench = {
  name: 'exclude globs: catastrophic patterns refused, worst match within the bounds',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    for (const c of CATASTROPHIC) {
      const match = picomatch(c.pattern, AS_BEFORE);
      let n = 8;
      let ms = 0;
      for (; n <= 4096 && ms < 100; n += n < 64 ? 4 : n) ms = matchMs(match, c.path(n));
      const refused = excludePatternProblem(c.pattern);
      const now = refused ? `refused: ${refused}` : `${matchMs(picomatch(c.pattern, AS_NOW), c.path(n), 3).toFixed(1)} ms with ${JSON.stringify(AS_NOW)}`;
      rows.push({
        name: `${c.name}: ${c.pattern.length > 24 ? `${c.pattern.slice(0, 24)}…` : c.pattern} before, on ${c.path(n).length} characters`,
        value: Math.round(ms),
        unit: 'ms',
        note: `now ${now}`,
      });
    }

    const paths = craftedPaths();
    const deadline = performance.now() + Number(process.env.BENCH_GLOB_SECONDS ?? 20) * 1000;
    let seed = 7;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      seed >>>= 0;
      return seed % n;
    };
    let tried = 0;
    let worst = { ms: 0, pattern: '', path: '' };
    while (performance.now() < deadline) {
      const segments = Array.from({ length: 1 + random(7) }, () => Array.from({ length: 1 + random(4) }, () => PIECES[random(PIECES.length)]).join(''));
      const pattern = segments.join('/');
      if (excludePatternProblem(pattern)) continue;
      tried++;
      const match = picomatch(pattern, AS_NOW);
      for (const p of paths) {
        if (matchMs(match, p) <= worst.ms) continue;
        const ms = matchMs(match, p, 3);
        if (ms > worst.ms) worst = { ms, pattern, path: `${p.length} characters: ${p.slice(0, 8)}…${p.slice(-8)}` };
      }
    }
    rows.push({
      name: `slowest match of ${tried} random globs within the bounds (${JSON.stringify(EXCLUDE_LIMITS)})`,
      value: Number(worst.ms.toFixed(1)),
      unit: 'ms',
      note: `${worst.pattern} on ${worst.path}`,
      limit: { max: 100 },
    });
    return rows;
  },
};

export default bench;
