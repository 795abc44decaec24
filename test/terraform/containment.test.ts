import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { guardHcl, HCL_DEPTH_LIMIT } from '../../server/src/engine/adapters/terraform/guard';
import { emptyConfig } from '../../server/src/engine/config';
import type { Document } from '../../server/src/engine/model';
import { Workspace } from '../../server/src/engine/workspace';
import { loadGrammars } from '../../server/src/host/grammars';
import { avdsec, tempTree } from '../cli/run';
import { FIXTURES, grammars, ROOT } from '../harness/engine';

const HOST_POOL = `resource "azurerm_virtual_desktop_host_pool" "hp" {
  name                  = "hp"
  location              = "westeurope"
  resource_group_name   = "rg"
  type                  = "Pooled"
  load_balancer_type    = "BreadthFirst"
  custom_rdp_properties = "audiomode:i:0;redirectclipboard:i:1;"
}
`;

const summary = (ws: Workspace, uri: string) => ws.findings(uri, emptyConfig()).map((f) => `${f.ruleId} ${f.level} ${f.message}`);

/** Reads a Terraform file in a fresh workspace: it must take under 500 ms of CPU; `check` looks at its document. */
async function readQuickly(text: string, check: (doc: Document) => void): Promise<void> {
  const ws = new Workspace(await grammars());
  try {
    const started = process.cpuUsage();
    ws.set('/t/main.tf', text);
    const doc = ws.document('/t/main.tf')!;
    const cpu = process.cpuUsage(started);
    assert.ok((cpu.user + cpu.system) / 1000 < 500, `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms of CPU`);
    check(doc);
  } finally {
    ws.dispose();
  }
}

describe('terraform: one bad file costs one file', function () {
  this.timeout(120_000);

  describe('the guard before tree-sitter', () => {
    it(`refuses nesting deeper than ${HCL_DEPTH_LIMIT} levels, at the bracket that crosses the limit`, () => {
      const text = `locals {\n  x = ${'['.repeat(400)}\n}\n`;
      const r = guardHcl(text);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && /nested too deeply \(more than 256 levels\)/.test(r.message));
      assert.ok(!r.ok && r.offset === text.indexOf('[') + HCL_DEPTH_LIMIT - 1, 'the offset is the bracket that opens level 257 (the block is level 1)');
      // Brackets inside strings, heredocs and comments do not count; interpolations do.
      const quiet = `a = "${'['.repeat(1000)}"\nb = <<EOT\n${'{'.repeat(1000)}\nEOT\n# ${'('.repeat(1000)}\n/* ${'['.repeat(1000)} */\n`;
      assert.equal(guardHcl(quiet).ok, true);
      assert.equal(guardHcl(`a = "${'${['.repeat(300)}"`).ok, false);
    });

    it('rewrites long whitespace runs in code as comments of the same length, and leaves strings and heredocs alone', () => {
      const run = ' '.repeat(5000);
      const text = `a =${run}1\nb = "${run}"\nc = <<EOT\n${run}x\nEOT\nd = [1,${'\n'.repeat(3000)}2]\n`;
      const r = guardHcl(text);
      assert.ok(r.ok && r.rewritten);
      assert.equal(r.text.length, text.length);
      // Offsets are what the engine reads; a run of blank lines loses the four line breaks its comment marks replace.
      assert.equal(r.text.split('\n').length, text.split('\n').length - 4);
      assert.ok(r.text.includes(`d = [1,\n/*${'\n'.repeat(2994)}*/\n2]`), 'the last line break of a run stays');
      assert.ok(r.text.startsWith('a = /*'), r.text.slice(0, 10));
      assert.ok(r.text.includes(`b = "${run}"`) && r.text.includes(`<<EOT\n${run}x\nEOT`), 'strings and heredocs are untouched');
      assert.deepEqual(guardHcl('a = 1\n').ok && guardHcl('a = 1\n'), { ok: true, text: 'a = 1\n', rewritten: false });
    });

    it('reads block comments side by side on one line as one, so that an error among them stays fast (found by the fuzzer, seed 303)', async () => {
      const comments = '/* avdsec-disable-next-line y */'.repeat(6000);
      const pool = `resource "azurerm_virtual_desktop_host_pool" "hp" {\n  name = "hp"\n  type = "Pooled"\n}\n`;
      const broken = `data "azup"\n  host_pool_id = azurerm_virtua${comments}l_desktop_host_pool.hp.id\n}\n`.repeat(3);
      const text = pool + broken;
      const r = guardHcl(text);
      assert.ok(r.ok && r.rewritten);
      assert.equal(r.text.length, text.length);
      assert.ok(r.text.includes(`azurerm_virtua/*${' '.repeat(comments.length - 4)}*/l_desktop`), 'one blank comment of the same length');
      // Two comments, or a short run, stay as they are.
      const few = 'a = 1 /* x */ /* y */\n';
      assert.deepEqual(guardHcl(few), { ok: true, text: few, rewritten: false });
      // Before, tree-sitter's error recovery took 1.1 s of CPU on one such line (its parse budget: 1.6 s for this size).
      await readQuickly(text, (doc) => {
        assert.ok(
          doc.syntaxErrors.every((e) => !e.fatal),
          JSON.stringify(doc.syntaxErrors.slice(0, 3)),
        );
        assert.equal(doc.resources.length, 1, 'the host pool is still read');
      });
    });

    it('keeps the start of a long comment and shortens the rest, so that an error elsewhere stays fast (found by the fuzzer, seed 3705)', async () => {
      const words = 'avdsec-disable-next-line x, '.repeat(10_000);
      const pool = `resource "azurerm_virtual_desktop_host_pool" "hp" {\n  name = "hp"\n  type = "Pooled"\n}\n`;
      // A stray character makes the syntax error; the long comment sits in an object, in a line comment and in a block.
      const broken = `resource "azurerm_virtual_machine_extension" "e" {\n  na\uFFFDme = "x"\n  settings = jsonencode({\n    # ${words}\n  })\n}\n`;
      for (const text of [pool + broken, `${pool + broken}// ${words}\r\n`, `${pool + broken}/* ${words}\n${words} */\n`]) {
        const r = guardHcl(text);
        assert.ok(r.ok && r.rewritten);
        assert.equal(r.text.length, text.length);
        // The comment's start stays (a suppression is written there); what follows holds no word of it.
        const at = text.indexOf('# avdsec');
        assert.equal(r.text.slice(at, at + 256), text.slice(at, at + 256));
        assert.ok(!r.text.slice(at + 300, at + words.length).includes('avdsec-disable'));
        assert.equal(r.text.slice(0, at), text.slice(0, at));
        // Before, tree-sitter's error recovery took 2.6 s of CPU on the first text and gave up on it.
        await readQuickly(text, (doc) => {
          assert.ok(
            doc.syntaxErrors.every((e) => !e.fatal),
            JSON.stringify(doc.syntaxErrors.slice(0, 3)),
          );
          assert.equal(doc.resources.length, 2, 'the host pool and the extension are still read');
        });
      }
      // A short comment stays as it is.
      const short = `a = 1 # ${'x'.repeat(200)}\n`;
      assert.deepEqual(guardHcl(short), { ok: true, text: short, rewritten: false });
    });

    it('cuts a long blank run that ends the file inside an unterminated string or heredoc (found by the fuzzer, seed 202)', async () => {
      const run = ' '.repeat(100_000);
      const head = `resource "azurerm_virtual_desktop_host_pool" "hp" {\n  name = "hp"\n  custom_rdp_properties = `;
      for (const tail of [`"audiomode:i:1${run}`, `"x\t\t${run}\r`, `<<EOT\naudiomode:i:1\n${run}`, `"\${var.x} y${run}`]) {
        const text = head + tail;
        const r = guardHcl(text);
        assert.ok(r.ok && r.rewritten && r.text === text.trimEnd(), JSON.stringify(tail.slice(0, 20)));
        // Before the cut, tree-sitter took minutes on it (the parse budget stopped it after 1.3 s, the file unread).
        await readQuickly(text, (doc) => {
          assert.ok(doc.syntaxErrors.length > 0 && doc.syntaxErrors.every((e) => !e.fatal), JSON.stringify(doc.syntaxErrors));
          assert.equal(doc.resources.length, 1, 'the host pool is still read');
        });
      }
      // A short run, or a run that text follows, stays as it is.
      assert.deepEqual(guardHcl('a = "x   '), { ok: true, text: 'a = "x   ', rewritten: false });
      const inside = `a = "x${run}y`;
      assert.deepEqual(guardHcl(inside), { ok: true, text: inside, rewritten: false });
    });

    it('a file with long whitespace runs is read quickly and gives the findings of the same file without them', async () => {
      const g = await grammars();
      const spaced = HOST_POOL.replace(/ = /g, `${' '.repeat(20_000)}= ${' '.repeat(20_000)}`);
      const plain = new Workspace(g);
      const wide = new Workspace(g);
      try {
        plain.set('/t/main.tf', HOST_POOL);
        const started = performance.now();
        wide.set('/t/main.tf', spaced);
        const found = summary(wide, '/t/main.tf');
        // Before the guard, 20,000 spaces in one expression took tree-sitter about 8 s.
        assert.ok(performance.now() - started < 2000, `${(performance.now() - started).toFixed(0)} ms`);
        assert.deepEqual(found, summary(plain, '/t/main.tf'));
        assert.ok(found.length > 0);
      } finally {
        plain.dispose();
        wide.dispose();
      }
    });

    it('a file nested too deeply is reported as not read; the rest of its folder is checked', async () => {
      const ws = new Workspace(await grammars());
      try {
        ws.set('/t/main.tf', HOST_POOL);
        ws.set('/t/deep.tf', `locals {\n  x = ${'{'.repeat(2_000_000)}\n`);
        const deep = ws.document('/t/deep.tf')!;
        assert.deepEqual(
          deep.syntaxErrors.map((e) => e.message),
          [`avdsec did not read this file: nested too deeply (more than ${HCL_DEPTH_LIMIT} levels)`],
        );
        assert.ok(summary(ws, '/t/main.tf').length > 0);
      } finally {
        ws.dispose();
      }
    });
  });

  describe('a parse that takes too long', () => {
    it('is given up after its budget: the file is reported, the others are read', async () => {
      const ws = new Workspace(await grammars(), { terraformParseBudget: { baseMs: 50, msPerMB: 0 } });
      try {
        ws.set('/t/main.tf', HOST_POOL);
        const started = performance.now();
        // Unbalanced brackets, each level closed again: within the depth limit, and seconds of tree-sitter's error recovery.
        ws.set('/t/junk.tf', '[}'.repeat(500_000));
        assert.ok(performance.now() - started < 1500, `${(performance.now() - started).toFixed(0)} ms`);
        assert.match(ws.document('/t/junk.tf')!.syntaxErrors[0].message, /^avdsec did not read this file: the Terraform parser gave up after 0\.1 s$/);
        ws.set('/t/other.tf', HOST_POOL.replace(/"hp"/g, '"hp2"'));
        assert.deepEqual(ws.document('/t/other.tf')!.syntaxErrors, []);
        assert.ok(summary(ws, '/t/main.tf').length > 0);
      } finally {
        ws.dispose();
      }
    });
  });

  describe('a parse that takes too much memory', () => {
    it('is given up at its budget, before the memory every tree shares is exhausted: the instance stays', async () => {
      const g = await grammars();
      const ws = new Workspace(g, { terraformParseBudget: { baseMs: 60_000, msPerMB: 0, memoryMB: 8, memoryPerByte: 0 } });
      try {
        ws.set('/t/main.tf', HOST_POOL);
        const before = summary(ws, '/t/main.tf');
        const generation = g.generation;
        // Each unmatched bracket is another error for tree-sitter to recover from: tens of MB for these 800 KB.
        ws.set('/t/junk.tf', ')'.repeat(800_000));
        assert.deepEqual(
          ws.document('/t/junk.tf')!.syntaxErrors.map((e) => e.message),
          ['avdsec did not read this file: the Terraform parser gave up after it took 8 MB'],
        );
        assert.equal(g.generation, generation, 'no abort: the instance and its trees stay');
        assert.deepEqual(summary(ws, '/t/main.tf'), before);
        ws.set('/t/later.tf', 'locals {\n  a = 1\n}\n');
        assert.deepEqual(ws.document('/t/later.tf')!.syntaxErrors, []);
      } finally {
        ws.dispose();
      }
    });
  });

  describe('an abort inside WebAssembly (out of memory)', () => {
    it('costs the file that caused it: the parser is replaced, every other file is read again and later files parse', async () => {
      // A small memory cap makes a few hundred KB of unbalanced brackets exhaust it, as megabytes do at the real cap.
      const g = await loadGrammars(path.join(ROOT, 'grammars'), { memoryMB: 64 });
      const ws = new Workspace(g);
      try {
        ws.set('/t/main.tf', HOST_POOL);
        const before = summary(ws, '/t/main.tf');
        const generation = g.generation;
        for (const n of [400_000, 800_000]) {
          ws.set(`/t/junk${n}.tf`, ')'.repeat(n));
          assert.deepEqual(
            ws.document(`/t/junk${n}.tf`)!.syntaxErrors.map((e) => e.message),
            ['avdsec did not read this file: the Terraform parser failed on it (Aborted())'],
          );
          // The CLI and the server wait for the spare between files, as here.
          await g.ready();
        }
        assert.equal(g.generation, generation + 2, 'each abort replaced the instance');
        assert.deepEqual(summary(ws, '/t/main.tf'), before);
        // Typing in a file read again in the new instance edits its new tree.
        const at = HOST_POOL.indexOf('redirectclipboard:i:1') + 'redirectclipboard:i:'.length;
        ws.set('/t/main.tf', HOST_POOL.slice(0, at) + '0' + HOST_POOL.slice(at + 1), 2, [{ start: at, oldEnd: at + 1, newText: '0' }]);
        assert.ok(!summary(ws, '/t/main.tf').some((f) => f.startsWith('rdp-clipboard-redirection')));
        ws.set('/t/later.tf', 'locals {\n  a = 1\n}\n');
        assert.deepEqual(ws.document('/t/later.tf')!.syntaxErrors, []);
      } finally {
        ws.dispose();
      }
      // Trees and parsers of the dead instances are freed by finalizers that must not throw.
      (global as { gc?: () => void }).gc?.();
    });
  });

  it('CLI: a file refused by the guard is listed under errors and the scan goes on', async () => {
    const good = fs.readFileSync(path.join(FIXTURES, 'rules', 'rdp-clipboard-redirection', 'tf-pooled', 'main.tf'), 'utf8');
    const dir = tempTree({ 'good/main.tf': good, 'bad/main.tf': `locals {\n  x = ${'('.repeat(100_000)}\n` });
    const r = await avdsec(['scan', dir, '--format', 'json', '--fail-on', 'never']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { findings: { file: string }[]; errors: { file: string; message: string }[] };
    assert.deepEqual(
      report.errors.map((e) => [path.basename(path.dirname(e.file)), e.message]),
      [['bad', `not checked: nested too deeply (more than ${HCL_DEPTH_LIMIT} levels)`]],
    );
    assert.ok(report.findings.some((f) => f.file.endsWith('good/main.tf')));
  });
});
