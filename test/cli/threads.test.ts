// Terraform files parsed on worker threads (cli/terraform-threads.ts): the built worker (npm test builds it first)
// makes the tree this thread makes of each text, a worker that fails costs nothing but its share, and a scan on
// several threads reports what a scan on one reports.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformAhead, TerraformThreads } from '../../server/src/cli/terraform-threads';
import { TerraformProject } from '../../server/src/engine/adapters/terraform/project';
import type { Report } from '../../server/src/cli/report';
import { loadGrammars } from '../../server/src/host/grammars';
import { grammars, ROOT } from '../harness/engine';
import { avdsec, avdsecProcess, tempTree } from './run';

const WORKER = path.join(ROOT, 'dist', 'terraform-worker.js');
const GRAMMARS = path.join(ROOT, 'grammars');
const EXAMPLE = path.join(ROOT, 'examples', 'terraform');

/** The example's Terraform files in `copies` folders, each text told apart by a comment: about 7 KB a copy. */
function copies(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++)
    for (const name of fs.readdirSync(EXAMPLE)) files[`stack-${i}/${name}`] = `# stack ${i}\n${fs.readFileSync(path.join(EXAMPLE, name), 'utf8')}`;
  return files;
}

const bytes = (texts: readonly string[]) => texts.reduce((n, t) => n + t.length, 0);

describe('CLI: Terraform files parsed on worker threads', function () {
  this.timeout(120_000);

  it('gives each text the tree this thread makes of it, and nothing for a text the guard refuses', async () => {
    const here = new TerraformProject(await grammars());
    const refused = `locals {\n  a = ${'['.repeat(300)}1${']'.repeat(300)}\n}\n`;
    const texts = [...Object.values(copies(48)), refused];
    const ahead = TerraformAhead.start(WORKER, GRAMMARS, 2, texts, bytes(texts));
    assert.ok(ahead);
    try {
      let fromWorkers = 0;
      for (const t of texts) {
        await ahead.ready(t);
        const arrays = ahead.lookup(t);
        if (!arrays) continue;
        fromWorkers++;
        assert.deepEqual(arrays, here.parseAlone(t));
      }
      // Two workers and this thread share the texts by size, the workers counting what starting them costs.
      assert.ok(fromWorkers > texts.length / 4, `${fromWorkers} of ${texts.length} texts parsed on the workers`);
      assert.equal(ahead.lookup(refused), undefined);
      assert.equal(here.parseAlone(refused), undefined);
    } finally {
      await ahead.close();
    }
  });

  it('starts no worker for less than 256 KB of Terraform, or less than a third of what the scan reads', () => {
    const few = Object.values(copies(4));
    assert.equal(TerraformAhead.start(WORKER, GRAMMARS, 2, few, bytes(few)), undefined);
    const many = Object.values(copies(48));
    assert.equal(TerraformAhead.start(WORKER, GRAMMARS, 2, many, 3 * bytes(many) + 1), undefined);
    assert.equal(TerraformAhead.start(WORKER, GRAMMARS, 0, many, bytes(many)), undefined);
  });

  it('has no spare grammar on a worker: after an abort it answers nothing more, and the scan parses those texts', async () => {
    // A small memory cap makes a few hundred KB of unbalanced brackets abort the instance (containment.test.ts).
    const g = await loadGrammars(GRAMMARS, { memoryMB: 64, spare: false });
    const worker = new TerraformProject(g, { baseMs: 60_000, msPerMB: 0 });
    const good = 'locals {\n  a = 1\n}\n';
    assert.ok(worker.parseAlone(good));
    assert.equal(worker.parseAlone(')'.repeat(400_000)), undefined);
    assert.equal(worker.parseAlone(good), undefined);
    assert.ok(new TerraformProject(await grammars()).parseAlone(good));
  });

  it('answers nothing from a worker that cannot load the grammar, so the scan parses the text itself', async () => {
    const threads = new TerraformThreads(WORKER, path.join(ROOT, 'no-such-folder'), 1);
    assert.equal(await threads.parse('variable "x" {}\n', 0), undefined);
    await threads.close();
  });

  it('scan --jobs 2 reports what --jobs 1 reports, finding by finding', () => {
    const dir = tempTree(copies(48));
    const one = avdsecProcess(['scan', '.', '--format', 'json', '--jobs', '1'], dir);
    const two = avdsecProcess(['scan', '.', '--format', 'json', '--jobs', '2'], dir);
    assert.equal(one.status, 1, one.stderr);
    assert.equal(two.status, 1, two.stderr);
    const report = JSON.parse(one.stdout) as Report;
    assert.deepEqual(report.errors, []);
    assert.equal(new Set(report.findings.map((f) => f.file.split('/')[0])).size, 48);
    assert.equal(two.stdout, one.stdout);
  });

  it('graph and report take --jobs too, with the same output', () => {
    const dir = tempTree(copies(48));
    // The report to a file: on standard output it is over spawnSync's 1 MB buffer.
    const output = (command: string[], jobs: string) => {
      const out = path.join(dir, `${command[0]}-${jobs}.out`);
      const r = avdsecProcess([...command, '.', ...(command[0] === 'report' ? ['--output', out] : []), '--jobs', jobs], dir);
      assert.equal(r.status, 0, r.stderr);
      return command[0] === 'report' ? fs.readFileSync(out, 'utf8') : r.stdout;
    };
    for (const command of [['graph'], ['report', '--format', 'markdown']]) {
      const one = output(command, '1');
      assert.match(one, /stack-47/);
      assert.equal(output(command, '2'), one, command[0]);
    }
  });

  it('takes --jobs as a whole number from 1 to 64', async () => {
    for (const jobs of ['0', '65', '1.5', 'many']) {
      const r = await avdsec(['scan', 'examples', '--jobs', jobs]);
      assert.equal(r.status, 2, jobs);
      assert.match(r.stderr, /option '-j, --jobs <n>' argument '.*' is invalid\. a whole number from 1 to 64/);
    }
  });
});
