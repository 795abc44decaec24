import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection,
  type Diagnostic,
  type InitializeParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from '../harness/engine';

/** The three rules every example and fixture here is about; other rules' findings are left to their own tests. */
export const HEADLINE_RULES = ['host-pool-sso-disabled', 'mfa-conditional-access-missing', 'pooled-host-local-admin'];
export const headline = (d: Diagnostic[]) => d.filter((x) => HEADLINE_RULES.includes(String(x.code)));

/** The real language server, started as a user's editor starts it (`avdsec-language-server --stdio`), with a protocol client. */
export class ServerProcess {
  readonly connection: ProtocolConnection;
  private readonly proc: ChildProcess;
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Called with every publishDiagnostics, in order of arrival. */
  readonly onPublish: ((p: PublishDiagnosticsParams) => void)[] = [];
  private waiters: { uri: string; test: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  readonly log: string[] = [];
  stderr = '';
  /** Resolves with the exit code when the server process ends (a signal's name if it was killed). */
  readonly exited: Promise<number | string>;
  /** What the client answers to `workspace/configuration` for the `avdsec` section (an editor's user settings). */
  settings: Record<string, unknown> = {};
  /** The `workspace/configuration` requests the server made, item by item. */
  readonly configurationRequests: { scopeUri?: string; section?: string }[] = [];
  /** Awaited before a `workspace/configuration` request is answered: a test holds an answer back with it, as a slow client would. */
  configurationGate?: (items: { scopeUri?: string; section?: string }[]) => Promise<void> | undefined;

  /** `nodeArgs` go before the server's script (a `--require` preload), `env` replaces the environment. */
  constructor(options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}) {
    this.proc = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(ROOT, 'dist', 'server.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env,
    });
    this.proc.stderr!.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
    this.connection = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      for (const listener of this.onPublish) listener(p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri === p.uri && w.test(p.diagnostics)) {
          w.resolve(p.diagnostics);
          return false;
        }
        return true;
      });
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.log.push(p.message);
    });
    this.connection.onRequest('workspace/configuration', async (p: { items: { scopeUri?: string; section?: string }[] }) => {
      this.configurationRequests.push(...p.items);
      await this.configurationGate?.(p.items);
      return p.items.map((i) => (i.section === 'avdsec' ? this.settings : null));
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.listen();
  }

  async initialize(rootUri: string, capabilities: InitializeParams['capabilities'] = {}): Promise<unknown> {
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'test' }],
      capabilities,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Writes bytes to the server's input as they are, past the protocol client: for frames no client would send. */
  writeRaw(bytes: string | Buffer): void {
    this.proc.stdin!.write(bytes);
  }

  /** Closes the server's input, as a client that goes away without shutdown and exit does. */
  endInput(): void {
    this.proc.stdin!.end();
  }

  /** Changes the settings and tells the server, as an editor does when the user edits them. */
  async setSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }

  /** Resolves with the first published diagnostics of `uri` that pass `test` (including ones already received). */
  waitForDiagnostics(uri: string, test: (d: Diagnostic[]) => boolean, timeoutMs = 15_000): Promise<Diagnostic[]> {
    const current = this.diagnostics.get(uri);
    if (current && test(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(this.diagnostics.get(uri))}; stderr: ${this.stderr}`)),
        timeoutMs,
      );
      this.waiters.push({
        uri,
        test,
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
      });
    });
  }

  /** The diagnostics last published for `uri`. */
  current(uri: string): Diagnostic[] | undefined {
    return this.diagnostics.get(uri);
  }

  async stop(): Promise<void> {
    const goodbye = (async () => {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    })();
    // A server that has stopped answering, or is gone, must not hang the test run.
    await Promise.race([goodbye.catch(() => undefined), this.exited, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    this.connection.dispose();
    this.proc.kill();
  }
}
