import { type Disposable, languages, ViewColumn, type WebviewPanel, window } from 'vscode';
import { type LanguageClient, State } from 'vscode-languageclient/node';
import { OVERVIEW_PAGE_REQUEST, type OverviewPageParams, type OverviewPageResult } from '../../server/src/protocol/overview';
import { bareName, type OverviewNode } from './overview-view';
import { REVEAL } from './reveal';

export const SHOW_OVERVIEW = 'avdsec.showOverview';
const PANEL_TYPE = 'avdsec.overviewPage';

/**
 * "Show AVD Security Overview of This Host Pool": the page the server renders for the pool under the cursor (or the
 * one picked in the "AVD Security" view) in a webview that runs no script, loads nothing (the page's own content
 * security policy, no local resource roots) and follows only the links that reveal the code.
 */
export class OverviewPage implements Disposable {
  private panel: WebviewPanel | undefined;
  private params: OverviewPageParams = {};
  private readonly disposables: Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly log: (message: string) => void,
  ) {
    // The page follows the code as the diagnostics do, once a burst of them is over.
    this.disposables.push(
      languages.onDidChangeDiagnostics(() => {
        if (!this.panel) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.update(false);
        }, 500);
      }),
    );
  }

  /** The command: from the view (a host pool item) or from the editor (the pool declared at the cursor). */
  async show(node?: OverviewNode): Promise<void> {
    if (node?.kind === 'pool') this.params = { uri: node.pool.uri, position: node.pool.range.start };
    else {
      const editor = window.activeTextEditor;
      const p = editor?.selection.active;
      this.params =
        editor && p ? { uri: this.client.code2ProtocolConverter.asUri(editor.document.uri), position: { line: p.line, character: p.character } } : {};
    }
    await this.update(true);
  }

  private async update(reveal: boolean): Promise<void> {
    if (this.client.state !== State.Running) {
      if (reveal) void window.showWarningMessage('avdsec: the language server is not running.');
      return;
    }
    let page: OverviewPageResult | null;
    try {
      page = await this.client.sendRequest<OverviewPageResult | null>(OVERVIEW_PAGE_REQUEST, this.params);
    } catch (e) {
      this.log(`the security overview page could not be rendered: ${(e as Error).message}`);
      return;
    }
    if (!page?.name) {
      if (reveal) void window.showInformationMessage('avdsec: no Azure Virtual Desktop host pool in the Bicep, ARM JSON or Terraform files of this workspace.');
      return;
    }
    const title = `AVD Security: ${bareName(page.name)}`;
    if (!this.panel) {
      this.panel = window.createWebviewPanel(
        PANEL_TYPE,
        title,
        { viewColumn: ViewColumn.Beside, preserveFocus: false },
        { enableScripts: false, enableCommandUris: [REVEAL], localResourceRoots: [], enableFindWidget: true },
      );
      this.panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
    } else if (reveal) this.panel.reveal(undefined, false);
    this.panel.title = title;
    // Setting the same page again would reload it and lose the reader's scroll position.
    if (this.panel.webview.html !== page.html) this.panel.webview.html = page.html;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
