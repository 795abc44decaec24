/**
 * Parses every .bicep and .bicepparam file under a folder with our Bicep parser and checks the result.
 *
 *   npm run conformance -- <folder> [--verbose]
 *
 * For a checkout of Azure/bicep, point it at the repository (or src/Bicep.Core.Samples/Files): each sample folder has
 * expected-diagnostics baselines (`main.diagnostics.bicep`, `parameters.diagnostics.bicepparam`) that say which codes
 * the official compiler reports. A sample is
 *   - invalid   when its baseline has an error with a parse-level code: then we must report errors too;
 *   - ambiguous when its baseline's only parse-level candidates are codes that the compiler also raises in semantic
 *               analysis: either outcome is accepted;
 *   - valid     otherwise: then we must report no error.
 * A file without a baseline (a module or other helper of a sample, any file outside Azure/bicep) must be valid, except
 * under a folder whose name starts with `Invalid`, where helpers are often broken on purpose and either outcome is
 * accepted.
 * The derived baselines (`main.diagnostics.bicep`, `.syntax.`, `.tokens.`, `.symbols.`, `.ir.`, `.sourcemap.`,
 * `.formatted.`) are copies of the sample with `//@` annotation lines added (or reformatted). They are parsed to check
 * for crashes, hangs and speed, and their outcome is reported, but it does not decide anything: an annotation line that
 * lands inside a multi-line string (or between a type and a `|` continuing its union) changes what the text means,
 * and the formatter may join lines in ways the official parser itself rejects.
 *
 * Parse-level codes: the codes of the diagnostics raised by Bicep.Core/Parsing (Lexer.cs, BaseParser.cs, Parser.cs,
 * ParamsParser.cs) in Azure/bicep 9beb0fe, found by listing the DiagnosticBuilder methods those files call. Of those,
 * BCP010 (integer too large), BCP015, BCP032, BCP201, BCP337 and BCP404 are also raised by the type checker or
 * the emitter, so a baseline holding only them does not tell whether the file parses. BCP147 (a decorator without a
 * declaration) is found by the compiler's binder but is syntax, so it counts as parse-level here.
 *
 * Each file is parsed in a worker with a watchdog: a file that takes longer than HANG_MS is reported as a hang.
 * Exit code 1 when a valid file has errors, an invalid sample has none, or anything crashed or hung.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseBicep } from '../server/src/engine/adapters/bicep/parser';

const PARSE_CODES = new Set([
  'BCP001',
  'BCP002',
  'BCP003',
  'BCP004',
  'BCP005',
  'BCP006',
  'BCP007',
  'BCP008',
  'BCP009',
  'BCP011',
  'BCP012',
  'BCP013',
  'BCP016',
  'BCP017',
  'BCP018',
  'BCP019',
  'BCP020',
  'BCP021',
  'BCP022',
  'BCP023',
  'BCP024',
  'BCP064',
  'BCP068',
  'BCP087',
  'BCP096',
  'BCP097',
  'BCP103',
  'BCP117',
  'BCP118',
  'BCP123',
  'BCP133',
  'BCP136',
  'BCP140',
  'BCP147',
  'BCP162',
  'BCP167',
  'BCP202',
  'BCP226',
  'BCP236',
  'BCP237',
  'BCP238',
  'BCP243',
  'BCP249',
  'BCP257',
  'BCP266',
  'BCP279',
  'BCP300',
  'BCP305',
  'BCP317',
  'BCP322',
  'BCP325',
  'BCP344',
  'BCP346',
  'BCP347',
  'BCP354',
  'BCP355',
  'BCP356',
  'BCP375',
  'BCP436',
]);
const AMBIGUOUS_CODES = new Set(['BCP010', 'BCP015', 'BCP032', 'BCP201', 'BCP337', 'BCP404']);
const DERIVED = /\.(diagnostics|syntax|tokens|symbols|formatted|ir|sourcemap|pprint)(\.bicep|\.bicepparam)$/;
const HANG_MS = 10_000;

type Expectation = 'valid' | 'invalid' | 'ambiguous' | 'unknown';

interface FileResult {
  file: string;
  bytes: number;
  ms: number;
  errors: { line: number; code: string; message: string }[];
  crash?: string;
}

function findFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && (entry.name.endsWith('.bicep') || entry.name.endsWith('.bicepparam'))) out.push(full);
    }
  };
  visit(root);
  return out.sort();
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

function parseFile(file: string): FileResult {
  const text = fs.readFileSync(file, 'utf8');
  const t0 = performance.now();
  try {
    const program = parseBicep(text, { params: file.endsWith('.bicepparam') });
    const ms = performance.now() - t0;
    return { file, bytes: text.length, ms, errors: program.errors.map((e) => ({ line: lineOf(text, e.start), code: e.code, message: e.message })) };
  } catch (e) {
    return { file, bytes: text.length, ms: performance.now() - t0, errors: [], crash: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

/** The baseline of expected diagnostics for a sample file, if any. */
function baselineOf(file: string): string | undefined {
  const ext = file.endsWith('.bicepparam') ? '.bicepparam' : '.bicep';
  const base = file.replace(DERIVED, '$2').slice(0, -ext.length);
  const candidate = `${base}.diagnostics${ext}`;
  return fs.existsSync(candidate) ? candidate : undefined;
}

interface Baseline {
  expectation: Expectation;
  /** 1-based source lines with a parse-level error. */
  lines: Set<number>;
  /** Lines with an error whose code may be parse-level or semantic: ours there are neither missed nor extra. */
  ambiguousLines: Set<number>;
}

const baselines = new Map<string, Baseline>();

function readBaseline(file: string): Baseline {
  const cached = baselines.get(file);
  if (cached) return cached;
  const lines = new Set<number>();
  const ambiguousLines = new Set<number>();
  let parse = false;
  let ambiguous = false;
  let sourceLine = 0;
  for (const line of fs.readFileSync(file, 'utf8').split(/\r\n|\r|\n/)) {
    if (!line.startsWith('//@[')) {
      sourceLine++;
      continue;
    }
    const m = /\[(BCP\d+) \(Error\)\]/.exec(line);
    if (!m) continue;
    if (PARSE_CODES.has(m[1])) {
      parse = true;
      lines.add(sourceLine);
    } else if (AMBIGUOUS_CODES.has(m[1])) {
      ambiguous = true;
      ambiguousLines.add(sourceLine);
    }
  }
  const result: Baseline = { expectation: parse ? 'invalid' : ambiguous ? 'ambiguous' : 'valid', lines, ambiguousLines };
  baselines.set(file, result);
  return result;
}

function runWorker(): void {
  const files = workerData as string[];
  for (const file of files) {
    parentPort!.postMessage({ type: 'start', file });
    parentPort!.postMessage({ type: 'done', result: parseFile(file) });
  }
}

/** Parses all files in workers, restarting after a hang. */
async function parseAll(files: string[]): Promise<{ results: FileResult[]; hangs: string[] }> {
  const results: FileResult[] = [];
  const hangs: string[] = [];
  let next = 0;
  while (next < files.length) {
    const batch = files.slice(next);
    await new Promise<void>((resolve) => {
      // The worker runs this file through tsx, which a plain `new Worker(file)` would not load.
      const worker = new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(__filename)});`, {
        eval: true,
        workerData: batch,
      });
      let current: string | undefined;
      let startedAt = 0;
      const timer = setInterval(() => {
        if (current && performance.now() - startedAt > HANG_MS) {
          hangs.push(current);
          next = files.indexOf(current) + 1;
          clearInterval(timer);
          void worker.terminate().then(() => resolve());
          current = undefined;
        }
      }, 250);
      worker.on('message', (m: { type: 'start'; file: string } | { type: 'done'; result: FileResult }) => {
        if (m.type === 'start') {
          current = m.file;
          startedAt = performance.now();
        } else {
          results.push(m.result);
          current = undefined;
          next = files.indexOf(m.result.file) + 1;
        }
      });
      worker.on('error', (e) => {
        if (current) {
          results.push({ file: current, bytes: 0, ms: 0, errors: [], crash: String(e) });
          next = files.indexOf(current) + 1;
        } else {
          next = files.length;
        }
        clearInterval(timer);
        resolve();
      });
      worker.on('exit', () => {
        clearInterval(timer);
        resolve();
      });
    });
  }
  return { results, hangs };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const root = args.find((a) => !a.startsWith('--'));
  if (!root || !fs.existsSync(root)) {
    console.error('usage: npm run conformance -- <folder> [--verbose]');
    process.exit(2);
  }
  const files = findFiles(root);
  const t0 = performance.now();
  const { results, hangs } = await parseAll(files);
  const wall = performance.now() - t0;

  const counts = {
    valid: 0,
    validClean: 0,
    validErrors: 0,
    invalid: 0,
    invalidErrors: 0,
    invalidClean: 0,
    ambiguous: 0,
    ambiguousErrors: 0,
    unknown: 0,
    unknownErrors: 0,
    derived: 0,
    derivedAgree: 0,
  };
  let expectedLines = 0;
  let matchedLines = 0;
  let ourLines = 0;
  let ourLinesMatched = 0;
  const unexpected: string[] = [];
  const derivedDisagree: string[] = [];
  const crashes = results.filter((r) => r.crash);
  let bytes = 0;
  let parseMs = 0;
  let slowest: FileResult | undefined;
  const rel = (f: string) => path.relative(root, f);
  const underInvalid = (f: string) =>
    path
      .relative(root, path.dirname(f))
      .split(path.sep)
      .some((d) => d.startsWith('Invalid'));

  for (const r of results) {
    bytes += r.bytes;
    parseMs += r.ms;
    if (!slowest || r.ms > slowest.ms) slowest = r;
    if (r.crash) continue;
    const baselineFile = baselineOf(r.file);
    const baseline = baselineFile ? readBaseline(baselineFile) : undefined;
    const expectation: Expectation = baseline?.expectation ?? (underInvalid(r.file) ? 'unknown' : 'valid');
    const hasErrors = r.errors.length > 0;
    if (DERIVED.test(r.file)) {
      counts.derived++;
      const agree = expectation === 'invalid' ? hasErrors : expectation === 'valid' ? !hasErrors : true;
      if (agree) counts.derivedAgree++;
      else derivedDisagree.push(`${rel(r.file)}: ${r.errors.length} error(s), sample is ${expectation}`);
      continue;
    }
    counts[expectation]++;
    if (expectation === 'valid') {
      if (hasErrors) {
        counts.validErrors++;
        unexpected.push(
          `valid file has ${r.errors.length} error(s): ${rel(r.file)}\n${r.errors
            .slice(0, 5)
            .map((e) => `    line ${e.line}: ${e.code} ${e.message}`)
            .join('\n')}`,
        );
      } else counts.validClean++;
    } else if (expectation === 'invalid') {
      if (hasErrors) counts.invalidErrors++;
      else {
        counts.invalidClean++;
        unexpected.push(`invalid sample has no error: ${rel(r.file)}`);
      }
      if (baseline) {
        const ours = new Set(r.errors.map((e) => e.line).filter((l) => !baseline.ambiguousLines.has(l) || baseline.lines.has(l)));
        expectedLines += baseline.lines.size;
        for (const l of baseline.lines) if (ours.has(l)) matchedLines++;
        ourLines += ours.size;
        for (const l of ours) if (baseline.lines.has(l)) ourLinesMatched++;
        if (verbose) {
          const missed = [...baseline.lines].filter((l) => !ours.has(l));
          const extra = [...ours].filter((l) => !baseline.lines.has(l));
          if (missed.length || extra.length) console.log(`  ${rel(r.file)}: lines missed ${missed.join(',') || '-'}; extra ${extra.join(',') || '-'}`);
        }
      }
    } else if (expectation === 'ambiguous') {
      if (hasErrors) counts.ambiguousErrors++;
    } else if (hasErrors) {
      counts.unknownErrors++;
    }
  }

  if (verbose) for (const d of derivedDisagree) console.log(`derived baseline disagrees: ${d}`);
  for (const u of unexpected) console.log(`UNEXPECTED ${u}`);
  for (const c of crashes) console.log(`CRASH ${rel(c.file)}\n${c.crash}`);
  for (const h of hangs) console.log(`HANG ${rel(h)} (no result after ${HANG_MS} ms)`);

  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
  console.log(`\nfiles: ${files.length} (${files.filter((f) => f.endsWith('.bicepparam')).length} .bicepparam), ${(bytes / 1e6).toFixed(2)} MB`);
  console.log(`valid:     ${counts.valid}, parsed with zero errors: ${counts.validClean}, with errors (unexpected): ${counts.validErrors}`);
  console.log(`invalid:   ${counts.invalid}, parsed with errors (expected): ${counts.invalidErrors}, without errors (unexpected): ${counts.invalidClean}`);
  console.log(`ambiguous: ${counts.ambiguous}, parsed with errors: ${counts.ambiguousErrors} (either is accepted)`);
  console.log(`helpers of Invalid* samples without a baseline: ${counts.unknown}, parsed with errors: ${counts.unknownErrors} (either is accepted)`);
  console.log(
    `derived baselines (annotated copies): ${counts.derived}, outcome agrees with the sample: ${counts.derivedAgree}${derivedDisagree.length ? ' (--verbose lists the others)' : ''}`,
  );
  if (expectedLines) {
    console.log(
      `invalid samples, lines with a parse error: official ${expectedLines}, also flagged by us ${pct(matchedLines, expectedLines)}; ours ${ourLines}, also flagged officially ${pct(ourLinesMatched, ourLines)}`,
    );
  }
  console.log(`crashes: ${crashes.length}, hangs: ${hangs.length}`);
  if (slowest) console.log(`slowest: ${rel(slowest.file)} ${slowest.ms.toFixed(1)} ms (${(slowest.bytes / 1e3).toFixed(0)} kB)`);
  console.log(`parse time: ${parseMs.toFixed(0)} ms total (${(bytes / 1e6 / (parseMs / 1000)).toFixed(1)} MB/s incl. warm-up), wall ${wall.toFixed(0)} ms`);

  if (counts.validErrors || counts.invalidClean || crashes.length || hangs.length) process.exit(1);
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
} else {
  runWorker();
}
