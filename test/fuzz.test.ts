import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import { applyTextEdits, renderFix } from '../server/src/engine/fix';
import { Workspace } from '../server/src/engine/workspace';
import { FIXTURES, grammars, listFiles, ROOT } from './harness/engine';

/**
 * A bounded, deterministic mutation fuzzer: real fixtures, cut, duplicated, spliced and sprinkled with hostile
 * characters, go through every adapter, every rule and the printers. No exception may escape, no analysis may take
 * over 2 s, and every fix must apply cleanly and leave a file avdsec can read again.
 *
 *   FUZZ_COUNT=5000 FUZZ_SEED=7 npx mocha test/fuzz.test.ts      # a longer run
 */
const COUNT = Number(process.env.FUZZ_COUNT ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const SOURCE = /\.(bicep|bicepparam|json|tf|tfvars)$/;

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = ['${', '}', "'''", '"', "'", '\\', '[', ']', '{', '}', '(', ')', ';', ':', '\u0000', '\ufeff', '😀', '\r\n', '\n', '//', '/*', '#', '<<EOT\n', '[[', '@', '...', '?', '!', '=', ',', 'resource', 'module', 'for', 'if'];

function mutate(text: string, r: () => number): string {
  const n = text.length;
  const at = () => Math.floor(r() * (n + 1));
  switch (Math.floor(r() * 6)) {
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
        out = out.slice(0, p) + HOSTILE[Math.floor(r() * HOSTILE.length)] + out.slice(p);
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
    default: {
      // Deep nesting, as generated code or an attack would write it.
      const depth = 50 + Math.floor(r() * 400);
      const a = at();
      return text.slice(0, a) + '['.repeat(depth) + '{'.repeat(depth) + text.slice(a);
    }
  }
}

/** One input through the adapters, every rule and the printers: the checks of the fuzzer. */
function exercise(g: Awaited<ReturnType<typeof grammars>>, uri: string, text: string, context: string): { elapsed: number; fixes: number } {
  const ws = new Workspace(g);
  try {
    return exerciseIn(ws, g, uri, text, context);
  } finally {
    ws.dispose();
  }
}

function exerciseIn(ws: Workspace, g: Awaited<ReturnType<typeof grammars>>, uri: string, text: string, context: string): { elapsed: number; fixes: number } {
  let fixes = 0;
  const started = performance.now();
  ws.set(uri, text, 1);
  const findings = ws.findings(uri, emptyConfig());
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 2000, `${context}: analysis took ${elapsed.toFixed(0)} ms`);
  for (const f of findings) {
    for (const fix of f.fixes) {
      const set = renderFix(fix.intent, ws.fixContext());
      if (!set) continue;
      const mine = set.edits.filter((e) => e.uri === uri);
      for (const e of mine) assert.ok(e.range.start >= 0 && e.range.end <= text.length && e.range.start <= e.range.end, `${context}: edit out of bounds`);
      const sorted = [...mine].sort((a, b) => a.range.start - b.range.start);
      for (let j = 1; j < sorted.length; j++) assert.ok(sorted[j].range.start >= sorted[j - 1].range.end, `${context}: overlapping edits of '${fix.title}'`);
      const fixed = applyTextEdits(text, mine);
      const again = new Workspace(g);
      try {
        again.set(uri, fixed, 2);
        again.findings(uri, emptyConfig());
      } finally {
        again.dispose();
      }
      fixes++;
    }
  }
  return { elapsed, fixes };
}

describe(`fuzzing every adapter, rule and printer (${COUNT} mutations, seed ${SEED})`, function () {
  this.timeout(Math.max(60_000, COUNT * 400));

  it('inputs earlier runs found (test/fixtures/fuzz/) go through cleanly', async () => {
    const g = await grammars();
    const dir = path.join(FIXTURES, 'fuzz');
    for (const name of fs.readdirSync(dir)) exercise(g, `/fuzz/found/${name}`, fs.readFileSync(path.join(dir, name), 'utf8'), name);
  });

  it('never throws, stays fast, and every fix applies and re-parses', async () => {
    const g = await grammars();
    const seeds = [...listFiles(path.join(FIXTURES, 'rules')), ...listFiles(path.join(ROOT, 'examples'))].filter((f) => SOURCE.test(f) && !f.includes('.fixed.'));
    const texts = seeds.map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') }));
    const r = rng(SEED);
    let slowest = 0;
    let fixesApplied = 0;
    for (let i = 0; i < COUNT; i++) {
      const base = texts[Math.floor(r() * texts.length)];
      let text = base.text;
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) text = mutate(text, r);
      const uri = `/fuzz/${i}/${base.name}`;
      const context = `mutation ${i} of ${base.name} (seed ${SEED})`;
      try {
        const { elapsed, fixes } = exercise(g, uri, text, context);
        slowest = Math.max(slowest, elapsed);
        fixesApplied += fixes;
      } catch (e) {
        if (process.env.FUZZ_DUMP) fs.writeFileSync(process.env.FUZZ_DUMP, JSON.stringify({ uri, text }));
        assert.fail(`${context}: ${(e as Error).stack ?? e}`);
      }
    }
    // Keep the numbers visible in the test output of a long run.
    if (COUNT > 1000) console.log(`    slowest analysis ${slowest.toFixed(0)} ms, fixes applied ${fixesApplied}`);
  });

  it('an edit applied incrementally (ARM tree patch, Terraform re-parse, link shortcuts) finds what a fresh workspace finds', async () => {
    const g = await grammars();
    const seeds = [...listFiles(path.join(FIXTURES, 'rules')), ...listFiles(path.join(ROOT, 'examples'))].filter((f) => /\.(json|tf|bicep)$/.test(f) && !f.includes('.fixed.'));
    const texts = seeds.map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') }));
    const r = rng(SEED + 1);
    const summary = (ws: Workspace, uri: string) => ws.findings(uri, emptyConfig()).map((f) => `${f.ruleId} ${f.level} ${f.range.start}-${f.range.end} ${f.message}`);
    const typed = ['x', 'Pooled', ';', ':i:1', 'enablerdsaadauth:i:1;', ' ', '[', ']', "'", 'é', '😀', ...HOSTILE];
    for (let i = 0; i < Math.ceil(COUNT / 2); i++) {
      const base = texts[Math.floor(r() * texts.length)];
      const text = r() < 0.3 ? mutate(base.text, r) : base.text;
      const uri = `/fuzz/${i}/${base.name}`;
      // Half of the edits go just inside a string, where an ARM edit is patched instead of parsed.
      let start = Math.floor(r() * (text.length + 1));
      if (r() < 0.5) start = text.indexOf('"', start) + 1 || start;
      const oldEnd = Math.min(text.length, start + (r() < 0.3 ? Math.floor(r() * 6) : 0));
      const newText = r() < 0.2 ? '' : typed[Math.floor(r() * typed.length)];
      const next = text.slice(0, start) + newText + text.slice(oldEnd);
      const context = `edit ${i} of ${base.name} at ${start} (seed ${SEED + 1})`;
      try {
        const ws = new Workspace(g);
        const fresh = new Workspace(g);
        try {
          ws.set(uri, text, 1);
          ws.findings(uri, emptyConfig());
          ws.linksChanged();
          ws.set(uri, next, 2, [{ start, oldEnd, newText }]);
          ws.linksChanged();
          fresh.set(uri, next, 2);
          assert.deepEqual(summary(ws, uri), summary(fresh, uri), context);
        } finally {
          ws.dispose();
          fresh.dispose();
        }
      } catch (e) {
        if (process.env.FUZZ_DUMP) fs.writeFileSync(process.env.FUZZ_DUMP, JSON.stringify({ text, start, oldEnd, newText }));
        assert.fail(`${context}: ${(e as Error).stack ?? e}`);
      }
    }
  });

  it('an edit applied incrementally in a folder of several files finds, in every file, what a fresh workspace finds', async () => {
    const g = await grammars();
    // Fixture folders whose files link to each other: modules, parameter files, Terraform directories, split templates.
    const folders = new Map<string, string[]>();
    for (const f of listFiles(path.join(FIXTURES, 'rules'))) {
      if (!SOURCE.test(f) || f.includes('.fixed.')) continue;
      const dir = path.relative(path.join(FIXTURES, 'rules'), f).split(path.sep).slice(0, 2).join('/');
      folders.set(dir, [...(folders.get(dir) ?? []), f]);
    }
    const multi = [...folders.entries()].filter(([, files]) => files.length > 1).sort(([a], [b]) => a.localeCompare(b));
    assert.ok(multi.length >= 10, `${multi.length} fixture folders with several files`);
    const r = rng(SEED + 2);
    const typed = ['x', 'Pooled', 'Personal', ';', ':i:1', 'enablerdsaadauth:i:1;', ' ', "'", '"', '}', '\n'];
    const uriOf = (f: string) => `/fuzz-folder${f.slice(FIXTURES.length).split(path.sep).join('/')}`;
    const summary = (ws: Workspace, uri: string) => ws.findings(uri, emptyConfig()).map((f) => `${f.uri} ${f.ruleId} ${f.level} ${f.range.start}-${f.range.end} ${f.message}`);
    for (let i = 0; i < Math.ceil(COUNT / 5); i++) {
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
      const context = `edit ${i} of ${dir}, ${edited.split('/').pop()} at ${start} (seed ${SEED + 2})`;
      const ws = new Workspace(g);
      const fresh = new Workspace(g);
      try {
        for (const [u, t] of texts) ws.set(u, t, 1);
        for (const u of uris) ws.findings(u, emptyConfig());
        ws.linksChanged();
        ws.takeTouched();
        ws.set(edited, next, 2, [{ start, oldEnd, newText }]);
        ws.linksChanged();
        for (const [u, t] of texts) fresh.set(u, u === edited ? next : t, u === edited ? 2 : 1);
        for (const u of uris) assert.deepEqual(summary(ws, u), summary(fresh, u), `${context}: findings of ${u.split('/').pop()}`);
      } catch (e) {
        assert.fail(`${context}: ${(e as Error).stack ?? e}`);
      } finally {
        ws.dispose();
        fresh.dispose();
      }
    }
  });
});

