import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createProtocolConnection,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

const ROOT = path.join(__dirname, '..', '..');

interface Waiter {
  uri: string;
  test: (d: Diagnostic[]) => boolean;
  resolve: (r: { diagnostics: Diagnostic[]; at: number }) => void;
}

/**
 * The real language server (`node dist/server.js --stdio`) with a protocol client that timestamps each
 * publishDiagnostics as it arrives (performance.now()), for latency measurements. Like test/lsp/client.ts, plus the pid.
 */
export class BenchServer {
  readonly connection: ProtocolConnection;
  readonly proc: ChildProcess;
  private waiters: Waiter[] = [];
  stderr = '';
  publishes = 0;

  constructor() {
    // BENCH_SERVER_PROFILE=<dir>: the server writes a V8 CPU profile there when it exits (see where a keystroke's time goes).
    // BENCH_SERVER_FLAGS="--flag ...": Node and V8 flags for the server (try a collector setting without a build).
    const profile = [
      ...(process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`] : []),
      ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean),
    ];
    this.proc = spawn(process.execPath, [...profile, path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => (this.stderr += d));
    this.connection = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const at = performance.now();
      this.publishes++;
      this.waiters = this.waiters.filter((w) => {
        if (w.uri === p.uri && w.test(p.diagnostics)) {
          w.resolve({ diagnostics: p.diagnostics, at });
          return false;
        }
        return true;
      });
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.listen();
  }

  get pid(): number {
    return this.proc.pid!;
  }

  async initialize(rootUri: string): Promise<void> {
    await this.connection.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'bench' }], capabilities: {} });
    await this.connection.sendNotification('initialized', {});
  }

  /** The next publishDiagnostics of `uri` that passes `test`, with its arrival time. */
  next(uri: string, test: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 60_000): Promise<{ diagnostics: Diagnostic[]; at: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({
        uri,
        test,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // Already gone.
    }
    // Give it time to exit on its own (and write a profile), then make sure it is gone.
    if (this.proc.exitCode === null)
      await new Promise((resolve) => {
        const t = setTimeout(resolve, 5000);
        this.proc.once('exit', () => {
          clearTimeout(t);
          resolve(undefined);
        });
      });
    this.connection.dispose();
    if (this.proc.exitCode === null) this.proc.kill();
  }
}
