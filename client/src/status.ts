import { type Disposable, DiagnosticSeverity, languages, type StatusBarItem, StatusBarAlignment, ThemeColor, window } from 'vscode';
import { type LanguageClient, State } from 'vscode-languageclient/node';

export type ServerState = 'starting' | 'running' | 'stopped' | 'error';

/** Problems view, as the status bar's Problems counter opens it. */
const SHOW_PROBLEMS = 'workbench.actions.view.problems';
export const SHOW_OUTPUT = 'avdsec.showOutputChannel';

/**
 * The status bar item: the language server's state and the number of avdsec errors and warnings in the workspace.
 * A click opens the Problems view while the server runs, the output channel when it does not.
 */
export class ServerStatus implements Disposable {
  private readonly item: StatusBarItem;
  private readonly disposables: Disposable[] = [];
  private client: LanguageClient | undefined;
  private state: ServerState = 'starting';
  private detail = '';
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    this.item = window.createStatusBarItem('avdsec.status', StatusBarAlignment.Right, 100);
    this.item.name = 'avdsec';
    this.disposables.push(languages.onDidChangeDiagnostics(() => this.scheduleUpdate()));
    this.update();
    this.item.show();
  }

  attach(client: LanguageClient): void {
    this.client = client;
    this.disposables.push(
      client.onDidChangeState((e) => {
        if (e.newState === State.Starting) this.set('starting');
        else if (e.newState === State.Running) this.set('running');
        else if (e.newState === State.StartFailed) this.set('error', 'the language server failed to start');
        // A server that stops after an error stays in the error state.
        else if (this.state !== 'error') this.set('stopped');
      }),
    );
  }

  set(state: ServerState, detail = ''): void {
    this.state = state;
    this.detail = detail;
    this.update();
  }

  private scheduleUpdate(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, 100);
  }

  /** Errors and warnings avdsec published, in every file (the client's own diagnostic collection). */
  private counts(): { errors: number; warnings: number } {
    let errors = 0;
    let warnings = 0;
    this.client?.diagnostics?.forEach((_uri, diagnostics) => {
      for (const d of diagnostics) {
        if (d.severity === DiagnosticSeverity.Error) errors++;
        else if (d.severity === DiagnosticSeverity.Warning) warnings++;
      }
    });
    return { errors, warnings };
  }

  private update(): void {
    const item = this.item;
    item.backgroundColor = undefined;
    switch (this.state) {
      case 'starting':
        item.text = '$(loading~spin) avdsec';
        item.tooltip = 'avdsec: the language server is starting';
        item.command = SHOW_OUTPUT;
        break;
      case 'running': {
        const { errors, warnings } = this.counts();
        const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
        item.text = `$(shield) avdsec $(error) ${errors} $(warning) ${warnings}`;
        item.tooltip = `avdsec: the language server is running; ${plural(errors, 'error')} and ${plural(warnings, 'warning')} in the workspace. Click to show the Problems view.`;
        item.accessibilityInformation = { label: `avdsec: running, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}` };
        item.command = SHOW_PROBLEMS;
        return;
      }
      case 'stopped':
        item.text = '$(circle-slash) avdsec';
        item.tooltip = 'avdsec: the language server is stopped. Click to show its output; run "avdsec: Restart Server" to start it.';
        item.backgroundColor = new ThemeColor('statusBarItem.warningBackground');
        item.command = SHOW_OUTPUT;
        break;
      case 'error':
        item.text = '$(error) avdsec';
        item.tooltip = `avdsec: ${this.detail || 'the language server stopped after an error'}. Click to show its output; run "avdsec: Restart Server" to start it again.`;
        item.backgroundColor = new ThemeColor('statusBarItem.errorBackground');
        item.command = SHOW_OUTPUT;
        break;
    }
    item.accessibilityInformation = { label: `avdsec: ${this.state}` };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.item.dispose();
  }
}
