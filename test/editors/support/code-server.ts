import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';

/** User settings for a quiet, reproducible workbench: no trust dialog, no welcome page, no network, no tips. */
export const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.reduceMotion': 'on',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'json.schemaDownload.enable': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 300,
  // The table view names each problem's file on its own row, so the test can read it whatever the scroll position.
  'problems.defaultViewMode': 'table',
  'files.autoSave': 'off',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.restoreWindows': 'none',
  'workbench.editor.restoreViewState': false,
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * code-server (VS Code in the browser) with its own extensions and user-data folders under `dir`, serving `folder`.
 * Started in its own process group so that stop() ends the wrapper and its `out/node/entry` child together.
 */
export class CodeServer {
  readonly extensionsDir: string;
  readonly userDataDir: string;
  readonly logFile: string;
  private proc: ChildProcess | undefined;
  port = 0;

  private readonly workspaceTrust: boolean;

  /**
   * With `workspaceTrust`, Workspace Trust is on and a folder opens untrusted, in Restricted Mode, without asking
   * (otherwise trust is off, as most test setups have it).
   */
  constructor(
    private readonly entry: string,
    private readonly dir: string,
    options: { workspaceTrust?: boolean } = {},
  ) {
    this.extensionsDir = path.join(dir, 'extensions');
    this.userDataDir = path.join(dir, 'user-data');
    this.logFile = path.join(dir, 'code-server.log');
    this.workspaceTrust = !!options.workspaceTrust;
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    const trust = this.workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
    this.writeUserSettings({ ...USER_SETTINGS, ...trust });
  }

  get userSettingsFile(): string {
    return path.join(this.userDataDir, 'User', 'settings.json');
  }

  userSettings(): Record<string, unknown> {
    return JSON.parse(fs.readFileSync(this.userSettingsFile, 'utf8'));
  }

  /** Writes the user settings.json; a running workbench picks the change up as when a user edits the file. */
  writeUserSettings(settings: Record<string, unknown>): void {
    fs.writeFileSync(this.userSettingsFile, JSON.stringify(settings, null, 2));
  }

  private common(): string[] {
    return ['--config', path.join(this.dir, 'config.yaml'), '--extensions-dir', this.extensionsDir, '--user-data-dir', this.userDataDir];
  }

  async installExtension(vsix: string): Promise<string> {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [this.entry, ...this.common(), '--install-extension', vsix], { timeout: 120_000 });
    const out = stdout + stderr;
    if (!/successfully installed/i.test(out)) throw new Error(`code-server --install-extension ${vsix} failed:\n${out}`);
    return out;
  }

  installedExtensions(): string[] {
    return fs.readdirSync(this.extensionsDir).filter((d) => fs.statSync(path.join(this.extensionsDir, d)).isDirectory());
  }

  async start(folder: string): Promise<string> {
    this.port = await freePort();
    const log = fs.openSync(this.logFile, 'a');
    this.proc = spawn(
      process.execPath,
      [
        this.entry,
        ...this.common(),
        '--bind-addr',
        `127.0.0.1:${this.port}`,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        ...(this.workspaceTrust ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override',
        folder,
      ],
      { detached: true, stdio: ['ignore', log, log], env: { ...process.env, VSCODE_PROXY_URI: '' } },
    );
    fs.closeSync(log);
    const url = `http://127.0.0.1:${this.port}`;
    await poll('code-server to answer /healthz', 60_000, async () => {
      if (this.proc?.exitCode !== null) throw new Error(`code-server exited (${this.proc?.exitCode}); see ${this.logFile}:\n${this.log()}`);
      const res = await fetch(`${url}/healthz`);
      return res.ok ? true : undefined;
    });
    return `${url}/?folder=${encodeURIComponent(folder)}`;
  }

  log(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
  }

  /** The texts of the extension host logs: the avdsec output channel, and the extension host's own log. */
  extensionLogs(): { outputChannel: string; extensionHost: string } {
    const logs = path.join(this.userDataDir, 'logs');
    const found: string[] = [];
    const walk = (d: string) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else found.push(p);
      }
    };
    walk(logs);
    const read = (pred: (f: string) => boolean) =>
      found
        .filter(pred)
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('\n');
    return {
      outputChannel: read((f) => f.endsWith(path.join('avdsec.avdsec', 'avdsec.log'))),
      extensionHost: read((f) => path.basename(f) === 'remoteexthost.log'),
    };
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null || p.pid === undefined) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    const group = (sig: NodeJS.Signals) => {
      try {
        process.kill(-p.pid!, sig);
      } catch {
        // already gone
      }
    };
    group('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    if (!killed) {
      group('SIGKILL');
      await exited;
    }
    // The extension host and the language server it started are in the same group: leave nothing behind.
    group('SIGKILL');
  }
}
