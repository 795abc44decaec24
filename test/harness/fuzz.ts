import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig } from '../../server/src/engine/config';
import { applyTextEdits, renderFix } from '../../server/src/engine/fix';
import { PARSE_BUDGET } from '../../server/src/engine/adapters/terraform/project';
import type { Grammars } from '../../server/src/engine/parse';
import type { Finding } from '../../server/src/engine/model';
import { RULES } from '../../server/src/engine/registry';
import { Workspace } from '../../server/src/engine/workspace';
import { ADVERSARIAL_NAMES, adversarialInput } from './adversarial';
import { FIXTURES, listFiles, ROOT } from './engine';

/**
 * A deterministic mutation fuzzer over real fixtures: inputs are cut, duplicated, spliced, sprinkled with hostile
 * characters, stretched with long runs of whitespace and repeated tokens, or replaced by an adversarial input, then go
 * through every adapter, every rule and the printers. Used by test/fuzz.test.ts (a few hundred inputs in `npm test`)
 * and scripts/fuzz.ts (`npm run fuzz -- --count N --seed S`, long campaigns).
 */

const SOURCE = /\.(bicep|bicepparam|json|tf|tfvars)$/;
/**
 * No single input may take more CPU time than this to analyze. CPU time, not wall time: long campaigns share the
 * machine, and a busy machine must not fail an input that is fast on its own.
 */
export const MAX_ANALYSIS_MS = 2000;
/** A blank run longer than the Terraform guard's limit (guard.ts RUN_LIMIT). */
const LONG_BLANK_RUN = /[ \t\r\n]{257}/;
/** The parse budget of the second look at a file the parse budget stopped (wall time, generous for a busy machine). */
const REPARSE_BUDGET_MS = 30_000;
/** How many syntax errors a Terraform document reports at most (hcl.ts syntaxErrors). */
const SYNTAX_ERRORS_SHOWN = 100;
/** Each checked fix analyzes the whole input again: a large input with thousands of fixes gets a sample of them. */
const MAX_FIXES_CHECKED = 12;

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const HOSTILE = [
  '${',
  '}',
  "'''",
  '"',
  "'",
  '\\',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ';',
  ':',
  '\u0000',
  '\ufeff',
  '😀',
  '\r\n',
  '\n',
  '//',
  '/*',
  '#',
  '<<EOT\n',
  '[[',
  '@',
  '...',
  '?',
  '!',
  '=',
  ',',
  'resource',
  'module',
  'for',
  'if',
];

/** Tokens a backtracking regex or a rescan per item would choke on when repeated thousands of times. */
const REPEATED = [
  '{0:',
  '%0',
  '${',
  '%{',
  '[',
  '{',
  '(',
  "'",
  '"',
  ';',
  ':i:',
  'a:s:',
  '//',
  '#',
  ',',
  '\\',
  'avdsec-disable-next-line x, ',
  '/* avdsec-disable-next-line y */',
];
const RUNS = [' ', '\t', '\n', '\r\n', ' \n'];

function mutate(text: string, r: () => number): string {
  const n = text.length;
  const at = () => Math.floor(r() * (n + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)];
  switch (Math.floor(r() * 9)) {
    case 0: {
      const a = at();
      return text.slice(0, a) + text.slice(Math.min(n, a + Math.floor(r() * 200)));
    }
    case 1: {
      const a = at();
      const b = Math.min(n, a + Math.floor(r() * 300));
      const c = at();
      return text.slice(0, c) + text.slice(a, b) + text.slice(c);
    }
    case 2: {
      let out = text;
      for (let i = 0; i < 1 + Math.floor(r() * 5); i++) {
        const p = Math.floor(r() * (out.length + 1));
        out = out.slice(0, p) + pick(HOSTILE) + out.slice(p);
      }
      return out;
    }
    case 3:
      return text.slice(0, at());
    case 4: {
      const bytes = Buffer.from(text, 'utf8');
      for (let i = 0; i < 1 + Math.floor(r() * 8); i++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      return bytes.toString('utf8');
    }
    case 5: {
      // Deep nesting, as generated code or an attack would write it.
      const depth = 50 + Math.floor(r() * 400);
      const a = at();
      return text.slice(0, a) + '['.repeat(depth) + '{'.repeat(depth) + text.slice(a);
    }
    case 6: {
      // A long run of whitespace (or of one character repeated) between two tokens, or inside a string.
      const a = at();
      return text.slice(0, a) + pick(RUNS).repeat(1000 + Math.floor(r() * 20_000)) + text.slice(a);
    }
    case 7: {
      const a = at();
      return text.slice(0, a) + pick(REPEATED).repeat(500 + Math.floor(r() * 10_000)) + text.slice(a);
    }
    default: {
      // A slice of the text repeated hundreds of times: many resources, many suppressions, many tokens.
      const a = at();
      const b = Math.min(n, a + 1 + Math.floor(r() * 120));
      return text.slice(0, b) + text.slice(a, b).repeat(100 + Math.floor(r() * 1000)) + text.slice(b);
    }
  }
}

export interface Seed {
  name: string;
  text: string;
}

/**
 * Files of another folder a campaign may start from (`npm run fuzz -- --seeds DIR`, e.g. a checkout of the public AVD
 * repositories) are at most this large: a mutation can repeat a piece of its input a thousand times, and every input
 * must still fit MAX_ANALYSIS_MS.
 */
export const MAX_SEED_BYTES = 256 * 1024;

/** The files below `dir` a campaign can start from: sources up to MAX_SEED_BYTES, outside .git, node_modules and .terraform. */
function folderSeeds(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!['.git', 'node_modules', '.terraform'].includes(e.name)) walk(p);
      } else if (e.isFile() && SOURCE.test(e.name) && fs.statSync(p).size <= MAX_SEED_BYTES) out.push(p);
    }
  };
  if (fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) walk(dir);
  return out.sort();
}

/** The fixtures and examples the fuzzer starts from, or the sources of `dir` (Campaign.seedDir). */
export function seeds(filter = SOURCE, dir?: string): Seed[] {
  const files = dir ? folderSeeds(dir) : [...listFiles(path.join(FIXTURES, 'rules')), ...listFiles(path.join(ROOT, 'examples'))];
  return files.filter((f) => filter.test(f) && !f.includes('.fixed.')).map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') }));
}

/**
 * CPU milliseconds to read a Terraform input again with a budget of REPARSE_BUDGET_MS (what the parse costs when it has
 * the time), whether tree-sitter found at least as many syntax errors as a document reports (SYNTAX_ERRORS_SHOWN), and
 * whether it gave up even then. Unbounded, a pathological input held a campaign for over ten minutes at 3.6 GB.
 */
function parseCpu(g: Grammars, uri: string, text: string): { ms: number; errorDense: boolean; gaveUp: boolean } {
  const ws = new Workspace(g, { terraformParseBudget: { baseMs: REPARSE_BUDGET_MS, msPerMB: 0 } });
  try {
    const started = process.cpuUsage();
    ws.set(uri, text, 1);
    const errors = ws.document(uri)?.syntaxErrors ?? [];
    const cpu = process.cpuUsage(started);
    return {
      ms: (cpu.user + cpu.system) / 1000,
      errorDense: errors.length >= SYNTAX_ERRORS_SHOWN,
      gaveUp: errors.some((e) => /parser gave up/.test(e.message)),
    };
  } finally {
    ws.dispose();
  }
}

/** One input through the adapters, every rule and the printers; the workspace (and its trees) is freed after. */
export function exercise(g: Grammars, uri: string, text: string, context: string, budget = PARSE_BUDGET): { elapsed: number; fixes: number } {
  const ws = new Workspace(g, { terraformParseBudget: budget });
  try {
    let fixes = 0;
    const started = process.cpuUsage();
    ws.set(uri, text, 1);
    const findings = ws.findings(uri, emptyConfig());
    const cpu = process.cpuUsage(started);
    const elapsed = (cpu.user + cpu.system) / 1000;
    assert.ok(elapsed < MAX_ANALYSIS_MS, `${context}: analysis took ${elapsed.toFixed(0)} ms of CPU`);
    // The parse budget keeps a stalled tree-sitter from freezing the editor, but a file it stops is a file not read: an
    // input whose parse alone takes half the budget in CPU (0.65 s for 100 KB, 12 times a normal parse) is a slow path to
    // fix, not a pass. The budget is wall time, and a campaign shares the machine: a file given up on is parsed again
    // with a generous one (REPARSE_BUDGET_MS), and its CPU time decides. Known and left to the budget: a long blank run inside a string, after an
    // unbalanced quote that tree-sitter's error recovery pairs differently from HCL (the guard cannot rewrite string
    // content without changing its value); and a file of a hundred syntax errors or more, on which tree-sitter's error recovery
    // takes time that grows faster than the file (2,000 lines of `= "x"` in a block, 55 KB: 1.5 s; 4,000: 8.4 s).
    const gaveUp = ws.document(uri)?.syntaxErrors.find((e) => /parser gave up/.test(e.message));
    if (gaveUp && !LONG_BLANK_RUN.test(text)) {
      const parse = parseCpu(g, uri, text);
      const halfBudget = (PARSE_BUDGET.baseMs + (PARSE_BUDGET.msPerMB * text.length) / (1024 * 1024)) / 2;
      assert.ok(!parse.gaveUp, `${context}: ${gaveUp.message}, and again after ${REPARSE_BUDGET_MS / 1000} s alone`);
      assert.ok(parse.ms < halfBudget || parse.errorDense, `${context}: ${gaveUp.message}, and its parse alone takes ${parse.ms.toFixed(0)} ms of CPU`);
    }
    // Every fix of a small input; of a large one with thousands of findings, a dozen spread over the list.
    const all = findings.flatMap((f) => f.fixes);
    const step = Math.max(1, Math.floor(all.length / MAX_FIXES_CHECKED));
    for (let k = 0; k < all.length; k += step) {
      const fix = all[k];
      const rendering = process.cpuUsage();
      const set = renderFix(fix.intent, ws.fixContext());
      const rendered = process.cpuUsage(rendering);
      // A quick fix is rendered while the user waits for the light bulb: it is bounded like an analysis.
      assert.ok((rendered.user + rendered.system) / 1000 < MAX_ANALYSIS_MS, `${context}: rendering '${fix.title}' took over ${MAX_ANALYSIS_MS} ms of CPU`);
      if (!set) continue;
      const mine = set.edits.filter((e) => e.uri === uri);
      for (const e of mine) assert.ok(e.range.start >= 0 && e.range.end <= text.length && e.range.start <= e.range.end, `${context}: edit out of bounds`);
      const sorted = [...mine].sort((a, b) => a.range.start - b.range.start);
      for (let j = 1; j < sorted.length; j++) assert.ok(sorted[j].range.start >= sorted[j - 1].range.end, `${context}: overlapping edits of '${fix.title}'`);
      const again = new Workspace(g);
      try {
        again.set(uri, applyTextEdits(text, mine), 2);
        again.findings(uri, emptyConfig());
      } finally {
        again.dispose();
      }
      fixes++;
    }
    return { elapsed, fixes };
  } finally {
    ws.dispose();
  }
}

/** Rules about the whole deployment: a first answer carries their findings until the full check. */
const WHOLE_DEPLOYMENT = new Set<string>(RULES.filter((r) => r.appliesTo === 'deployment').map((r) => r.id));

export interface Campaign {
  count: number;
  seed: number;
  /** Called every `every` inputs with how many ran. */
  progress?: (done: number) => void;
  every?: number;
  /** Where to write the failing input, to replay it. */
  dump?: string;
  /** Start from the sources of this folder instead of the fixtures and examples (see seeds). */
  seedDir?: string;
}

export interface CampaignResult {
  inputs: number;
  slowestMs: number;
  fixes: number;
}

/** Mutated and adversarial inputs through `exercise`. Throws at the first failure, naming the seed and the input. */
export function mutationCampaign(g: Grammars, c: Campaign): CampaignResult {
  const texts = seeds(SOURCE, c.seedDir);
  const r = rng(c.seed);
  // The adversarial inputs (the costly ones) come from a stream of their own, so that a fixture added to the seeds
  // changes which fixtures are mutated but not which adversarial inputs a seed runs.
  const ra = rng(c.seed ^ 0x5bd1e995);
  let slowest = 0;
  let fixes = 0;
  for (let i = 0; i < c.count; i++) {
    let name: string;
    let text: string;
    if (ra() < 0.05) {
      // An adversarial input of up to 100 KB, mutated or not.
      const a = adversarialInput(Math.floor(ra() * ADVERSARIAL_NAMES.length), 2_000 + Math.floor(ra() * 98_000));
      name = a.file;
      text = ra() < 0.5 ? mutate(a.text, ra) : a.text;
    } else {
      const base = texts[Math.floor(r() * texts.length)];
      name = base.name;
      text = base.text;
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) text = mutate(text, r);
    }
    const uri = `/fuzz/${i}/${name}`;
    const context = `mutation ${i} of ${name} (seed ${c.seed})`;
    try {
      const result = exercise(g, uri, text, context);
      slowest = Math.max(slowest, result.elapsed);
      fixes += result.fixes;
    } catch (e) {
      if (c.dump) fs.writeFileSync(c.dump, JSON.stringify({ uri, text }));
      throw new Error(`${context}: ${(e as Error).stack ?? e}`, { cause: e });
    }
    if (c.progress && (i + 1) % (c.every ?? 1000) === 0) c.progress(i + 1);
  }
  return { inputs: c.count, slowestMs: slowest, fixes };
}

type Edit = ReturnType<typeof randomEdit>;

/** An edit of one of the seed texts: half of them just inside a string, where an ARM edit is patched instead of parsed. */
function randomEdit(texts: { name: string; text: string }[], r: () => number) {
  const typed = ['x', 'Pooled', ';', ':i:1', 'enablerdsaadauth:i:1;', ' ', '[', ']', "'", 'é', '😀', ...HOSTILE, ' '.repeat(300), '\n'.repeat(300)];
  const base = texts[Math.floor(r() * texts.length)];
  const text = r() < 0.3 ? mutate(base.text, r) : base.text;
  let start = Math.floor(r() * (text.length + 1));
  if (r() < 0.5) start = text.indexOf(quoteOf(base.name), start) + 1 || start;
  const oldEnd = Math.min(text.length, start + (r() < 0.3 ? Math.floor(r() * 6) : 0));
  const newText = r() < 0.2 ? '' : typed[Math.floor(r() * typed.length)];
  return { name: base.name, text, start, oldEnd, newText, next: text.slice(0, start) + newText + text.slice(oldEnd) };
}

/** The quote of the file's strings: typing just after one types inside a string, where a tree is patched. */
const quoteOf = (name: string) => (name.endsWith('.bicep') ? "'" : '"');

/**
 * Typing: several keystrokes just inside one string of a seed text, in one workspace, as a user types. A tree patched
 * in place is patched again, and the versions before it are left stale. After each keystroke the first answer, the full
 * check or neither is asked for, and compared with a fresh workspace of the same text. Returns how many keystrokes
 * got a first answer (`answered`).
 */
export function typingCampaign(g: Grammars, c: Campaign): CampaignResult & { answered: number } {
  const texts = seeds(/\.(json|tf|bicep)$/, c.seedDir);
  const r = rng(c.seed);
  const config = emptyConfig();
  const keys = ['x', ';', ':i:1', 'a', ' ', 'é', '😀', ''];
  const all = (findings: Finding[]) => findings.map((f) => `${f.ruleId} ${f.level} ${f.range.start}-${f.range.end} ${f.message}`);
  const bySubject = (findings: Finding[]) => all(findings.filter((f) => !WHOLE_DEPLOYMENT.has(f.ruleId)));
  let answered = 0;
  for (let i = 0; i < c.count; i++) {
    const base = texts[Math.floor(r() * texts.length)];
    const uri = `/typing/${i}/${base.name}`;
    let text = base.text;
    // Half the time a string the graph does not link by (an RDP string, a description): where trees are patched.
    const plain = [...text.matchAll(/(?:customRdpProperty|description|custom_rdp_properties|friendlyName)['"]?\s*[:=]\s*(['"])/g)];
    const pick = plain.length && r() < 0.5 ? plain[Math.floor(r() * plain.length)] : undefined;
    const open = pick ? pick.index + pick[0].length - 1 : text.indexOf(quoteOf(base.name), Math.floor(r() * text.length));
    if (open < 0) continue;
    let at = open + 1;
    const context = `typing ${i} in ${base.name} at ${at} (seed ${c.seed})`;
    const ws = new Workspace(g);
    try {
      ws.set(uri, text, 1);
      ws.linksChanged();
      ws.findings(uri, config);
      const strokes = 2 + Math.floor(r() * 8);
      for (let k = 0; k < strokes; k++) {
        const key = keys[Math.floor(r() * keys.length)];
        // An empty key deletes the character before the cursor, as backspace does.
        const edit = key ? { start: at, oldEnd: at, newText: key } : { start: Math.max(open + 1, at - 1), oldEnd: at, newText: '' };
        text = text.slice(0, edit.start) + edit.newText + text.slice(edit.oldEnd);
        at = edit.start + edit.newText.length;
        ws.set(uri, text, k + 2, [edit]);
        const ask = r();
        if (ask < 0.3) continue;
        const fresh = new Workspace(g);
        try {
          fresh.set(uri, text, k + 2);
          if (ask < 0.65) {
            if (ws.linksChanged()) continue;
            const quick = ws.quickFindings(uri, config);
            if (!quick) continue;
            answered++;
            assert.deepEqual(bySubject(quick), bySubject(fresh.findings(uri, config)), `${context}, keystroke ${k}: first answer`);
          } else {
            ws.linksChanged();
            assert.deepEqual(all(ws.findings(uri, config)), all(fresh.findings(uri, config)), `${context}, keystroke ${k}: full check`);
          }
        } finally {
          fresh.dispose();
        }
      }
    } catch (err) {
      if (c.dump) fs.writeFileSync(c.dump, JSON.stringify({ text: base.text, at: open + 1 }));
      throw new Error(`${context}: ${(err as Error).stack ?? err}`, { cause: err });
    } finally {
      ws.dispose();
    }
    if (c.progress && (i + 1) % (c.every ?? 1000) === 0) c.progress(i + 1);
  }
  return { inputs: c.count, slowestMs: 0, fixes: 0, answered };
}

/**
 * Runs `check` on `c.count` random edits of the seed texts, each with a workspace of its own and a fresh one (both
 * freed after), and says which edit failed (written to `c.dump` when asked).
 */
function editCampaign(g: Grammars, c: Campaign, what: string, check: (ws: Workspace, fresh: Workspace, uri: string, e: Edit, context: string) => void): void {
  const texts = seeds(/\.(json|tf|bicep)$/, c.seedDir);
  const r = rng(c.seed);
  for (let i = 0; i < c.count; i++) {
    const e = randomEdit(texts, r);
    const uri = `/fuzz/${i}/${e.name}`;
    const context = `${what} ${i} of ${e.name} at ${e.start} (seed ${c.seed})`;
    const ws = new Workspace(g);
    const fresh = new Workspace(g);
    try {
      check(ws, fresh, uri, e, context);
    } catch (err) {
      if (c.dump) fs.writeFileSync(c.dump, JSON.stringify({ text: e.text, start: e.start, oldEnd: e.oldEnd, newText: e.newText }));
      throw new Error(`${context}: ${(err as Error).stack ?? err}`, { cause: err });
    } finally {
      ws.dispose();
      fresh.dispose();
    }
    if (c.progress && (i + 1) % (c.every ?? 1000) === 0) c.progress(i + 1);
  }
}

/** An edit applied incrementally (ARM tree patch, Terraform re-parse, link shortcuts) must find what a fresh workspace finds. */
export function incrementalCampaign(g: Grammars, c: Campaign): CampaignResult {
  const summary = (ws: Workspace, uri: string) =>
    ws.findings(uri, emptyConfig()).map((f) => `${f.ruleId} ${f.level} ${f.range.start}-${f.range.end} ${f.message}`);
  editCampaign(g, c, 'edit', (ws, fresh, uri, e, context) => {
    ws.set(uri, e.text, 1);
    ws.findings(uri, emptyConfig());
    ws.linksChanged();
    ws.set(uri, e.next, 2, [{ start: e.start, oldEnd: e.oldEnd, newText: e.newText }]);
    ws.linksChanged();
    fresh.set(uri, e.next, 2);
    assert.deepEqual(summary(ws, uri), summary(fresh, uri), context);
  });
  return { inputs: c.count, slowestMs: 0, fixes: 0 };
}

/**
 * An edit's first answer (Workspace.quickFindings, what the editor publishes before the full check) must find what a
 * fresh workspace finds, but for the rules about the whole deployment: the full check that follows judges those.
 * Also returns how many edits got a first answer (`answered`).
 */
export function firstAnswerCampaign(g: Grammars, c: Campaign): CampaignResult & { answered: number } {
  const config = emptyConfig();
  const bySubject = (findings: Finding[]) =>
    findings.filter((f) => !WHOLE_DEPLOYMENT.has(f.ruleId)).map((f) => `${f.ruleId} ${f.level} ${f.range.start}-${f.range.end} ${f.message}`);
  let answered = 0;
  editCampaign(g, c, 'first answer to edit', (ws, fresh, uri, e, context) => {
    ws.set(uri, e.text, 1);
    ws.linksChanged();
    ws.findings(uri, config);
    ws.set(uri, e.next, 2, [{ start: e.start, oldEnd: e.oldEnd, newText: e.newText }]);
    if (ws.linksChanged()) return;
    const quick = ws.quickFindings(uri, config);
    if (!quick) return;
    answered++;
    fresh.set(uri, e.next, 2);
    assert.deepEqual(bySubject(quick), bySubject(fresh.findings(uri, config)), context);
  });
  return { inputs: c.count, slowestMs: 0, fixes: 0, answered };
}

/** An edit in one file of a folder of linked files must find, in every file, what a fresh workspace finds. */
export function folderCampaign(g: Grammars, c: Campaign): CampaignResult {
  // Fixture folders whose files link to each other: modules, parameter files, Terraform directories, split templates.
  const folders = new Map<string, string[]>();
  for (const f of listFiles(path.join(FIXTURES, 'rules'))) {
    if (!SOURCE.test(f) || f.includes('.fixed.')) continue;
    const dir = path.relative(path.join(FIXTURES, 'rules'), f).split(path.sep).slice(0, 2).join('/');
    folders.set(dir, [...(folders.get(dir) ?? []), f]);
  }
  const multi = [...folders.entries()].filter(([, files]) => files.length > 1).sort(([a], [b]) => a.localeCompare(b));
  assert.ok(multi.length >= 10, `${multi.length} fixture folders with several files`);
  const r = rng(c.seed);
  const typed = ['x', 'Pooled', 'Personal', ';', ':i:1', 'enablerdsaadauth:i:1;', ' ', "'", '"', '}', '\n'];
  const uriOf = (f: string) => `/fuzz-folder${f.slice(FIXTURES.length).split(path.sep).join('/')}`;
  const summary = (ws: Workspace, uri: string, config = emptyConfig()) =>
    ws.findings(uri, config).map((f) => `${f.uri} ${f.ruleId} ${f.level} ${f.range.start}-${f.range.end} ${f.message}`);
  for (let i = 0; i < c.count; i++) {
    const [dir, files] = multi[Math.floor(r() * multi.length)];
    const texts = new Map(files.map((f) => [uriOf(f), fs.readFileSync(f, 'utf8')]));
    const uris = [...texts.keys()];
    const edited = uris[Math.floor(r() * uris.length)];
    const text = texts.get(edited)!;
    let start = Math.floor(r() * (text.length + 1));
    if (r() < 0.6) start = text.indexOf(r() < 0.5 ? '"' : "'", start) + 1 || start;
    const oldEnd = Math.min(text.length, start + (r() < 0.3 ? Math.floor(r() * 6) : 0));
    const newText = r() < 0.2 ? '' : typed[Math.floor(r() * typed.length)];
    const next = text.slice(0, start) + newText + text.slice(oldEnd);
    const context = `edit ${i} of ${dir}, ${edited.split('/').pop()} at ${start} (seed ${c.seed})`;
    const ws = new Workspace(g);
    const fresh = new Workspace(g);
    // Half the time, a full check prepared in steps (Workspace.prepare, as the language server runs it), with the edit
    // made after a random one of them.
    const prepared = r() < 0.5;
    const config = emptyConfig();
    try {
      for (const [u, t] of texts) ws.set(u, t, 1);
      if (prepared) {
        const steps = ws.prepare(config);
        for (let k = Math.floor(r() * 3 * uris.length); k > 0 && !steps.next().done; k--);
        ws.set(edited, next, 2, [{ start, oldEnd, newText }]);
        while (!steps.next().done);
      } else {
        for (const u of uris) ws.findings(u, config);
        ws.linksChanged();
        ws.takeTouched();
        ws.set(edited, next, 2, [{ start, oldEnd, newText }]);
      }
      ws.linksChanged();
      for (const [u, t] of texts) fresh.set(u, u === edited ? next : t, u === edited ? 2 : 1);
      for (const u of uris) assert.deepEqual(summary(ws, u, config), summary(fresh, u), `${context}: findings of ${u.split('/').pop()}`);
    } catch (e) {
      throw new Error(`${context}: ${(e as Error).stack ?? e}`, { cause: e });
    } finally {
      ws.dispose();
      fresh.dispose();
    }
    if (c.progress && (i + 1) % (c.every ?? 1000) === 0) c.progress(i + 1);
  }
  return { inputs: c.count, slowestMs: 0, fixes: 0 };
}
