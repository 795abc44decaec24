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
 * What starting a worker costs (loading its bundle and the grammar, about 0.2 s), counted as bytes of Terraform this
 * thread parses meanwhile: each worker starts with this much load.
 */
const STARTUP_BYTES = 160 * 1024;

/**
 * Terraform files parsed ahead on worker threads while the scan reads the rest. Each text read is given to the thread
 * (this one or a worker) with the least Terraform so far; the workers start once there is enough of it to pay for them.
 * `ready(text)` waits for a worker's tree of a text before the workspace sets it; `lookup` hands that tree to the
 * workspace (Workspace.setPreparsedTerraform), which parses every other text itself. Files with the same text share
 * one tree (its arrays are never written after it is made).
 */
export class TerraformAhead {
  private threads: TerraformThreads | undefined;
  private readonly waiting: string[] = [];
  private bytes = 0;
  private readonly load: number[];
  private readonly sent = new Map<string, Promise<SyntaxArrays | undefined>>();
  private readonly trees = new Map<string, SyntaxArrays>();
  private readonly mine = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly grammars: string,
    workers: number,
  ) {
    this.load = [0, ...new Array<number>(workers).fill(STARTUP_BYTES)];
  }

  /** A Terraform text the scan read. */
  add(text: string): void {
    this.bytes += text.length;
    if (this.threads) return this.assign(text);
    this.waiting.push(text);
    if (this.bytes < AHEAD_MIN_BYTES) return;
    this.threads = new TerraformThreads(this.file, this.grammars, this.load.length - 1);
    for (const t of this.waiting.splice(0)) this.assign(t);
  }

  private assign(text: string): void {
    if (this.sent.has(text) || this.mine.has(text)) return;
    const least = this.load.indexOf(Math.min(...this.load));
    this.load[least]! += text.length;
    // Thread 0 is this one.
    if (least === 0) this.mine.add(text);
    else this.sent.set(text, this.threads!.parse(text, least - 1));
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
    await this.threads?.close();
  }
}
