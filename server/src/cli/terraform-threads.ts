import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SyntaxArrays } from '../engine/adapters/terraform/syntax';

/**
 * Worker threads that parse Terraform files while the scan's own thread reads the rest: tree-sitter's parse and the
 * copy of its tree are most of what a Terraform file costs, and need nothing of the other files. Everything after
 * the parse (the model, the graph, the rules) stays on one thread, where the workspace-wide facts are.
 */
export class TerraformThreads {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { worker: Worker; done: (arrays: SyntaxArrays | undefined) => void }>();
  private next = 0;

  /** The worker's bundle beside this one (dist/terraform-worker.js), or undefined when it is not there (the tests' sources). */
  static workerFile(dir: string): string | undefined {
    const file = path.join(dir, 'terraform-worker.js');
    return fs.existsSync(file) ? file : undefined;
  }

  constructor(file: string, grammars: string, count: number) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(file, { workerData: { grammars } });
      worker.on('message', ({ id, arrays }: { id: number; arrays?: SyntaxArrays }) => {
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.done(arrays);
      });
      // A worker that fails answers nothing more: the scan parses what it was sent itself.
      const lost = () => {
        for (const [id, p] of this.pending)
          if (p.worker === worker) {
            this.pending.delete(id);
            p.done(undefined);
          }
      };
      worker.on('error', lost);
      worker.on('exit', lost);
      this.workers.push(worker);
    }
  }

  /** The tree of `text` from worker `index`, or undefined when it could not make one. */
  parse(text: string, index: number): Promise<SyntaxArrays | undefined> {
    const worker = this.workers[index % this.workers.length]!;
    const id = this.next++;
    return new Promise((done) => {
      this.pending.set(id, { worker, done });
      worker.postMessage({ id, text });
    });
  }

  get count(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Terraform text a scan parses on worker threads, at least: below it, starting a worker costs more than it saves. */
const AHEAD_MIN_BYTES = 256 * 1024;

/**
 * What starting a worker costs (loading its bundle and the grammar, about 0.15 s), counted as bytes of Terraform this
 * thread parses meanwhile: each worker starts with this much load.
 */
const STARTUP_BYTES = 160 * 1024;

/**
 * Terraform files parsed ahead on worker threads. Each text is given to the thread (this one or a worker) with the
 * least Terraform so far. `ready(text)` waits for a worker's tree of a text before the workspace sets it; `lookup`
 * hands that tree to the workspace (Workspace.setPreparsedTerraform), which parses every other text itself. Files with
 * the same text share one tree (its arrays are never written after it is made).
 */
export class TerraformAhead {
  private readonly threads: TerraformThreads;
  private readonly sent = new Map<string, Promise<SyntaxArrays | undefined>>();
  private readonly trees = new Map<string, SyntaxArrays>();

  /**
   * Starts `workers` threads on the Terraform `texts` of a scan that reads `totalBytes`, or answers undefined when
   * they would not pay: less than 256 KB of Terraform, or less than a third of what the scan reads. Parsing is most
   * of what a Terraform file costs, not of a Bicep or ARM file; and on few cores V8's collector already uses the
   * others (the public AVD repositories, 2% Terraform, took 1.03x the time with a worker on 2 cores).
   */
  static start(file: string, grammars: string, workers: number, texts: readonly string[], totalBytes: number): TerraformAhead | undefined {
    const bytes = texts.reduce((n, t) => n + t.length, 0);
    if (workers < 1 || bytes < AHEAD_MIN_BYTES || bytes * 3 < totalBytes) return undefined;
    return new TerraformAhead(new TerraformThreads(file, grammars, workers), texts);
  }

  private constructor(threads: TerraformThreads, texts: readonly string[]) {
    this.threads = threads;
    const load = [0, ...new Array<number>(threads.count).fill(STARTUP_BYTES)];
    const mine = new Set<string>();
    for (const text of texts) {
      if (this.sent.has(text) || mine.has(text)) continue;
      const least = load.indexOf(Math.min(...load));
      load[least]! += text.length;
      // Thread 0 is this one.
      if (least === 0) mine.add(text);
      else this.sent.set(text, threads.parse(text, least - 1));
    }
  }

  /** Waits for a worker's tree of `text`, if a worker parses it. */
  async ready(text: string): Promise<void> {
    const tree = this.sent.get(text);
    if (!tree) return;
    this.sent.delete(text);
    const arrays = await tree;
    if (arrays) this.trees.set(text, arrays);
  }

  readonly lookup = (text: string): SyntaxArrays | undefined => this.trees.get(text);

  async close(): Promise<void> {
    this.trees.clear();
    await this.threads.close();
  }
}
