import * as path from 'node:path';
import { commands, type ExtensionContext, window, workspace } from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  type Message,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { documentSelector, fileWatcherPattern } from './configuration';
import { registerFixOnSave } from './fix-on-save';
import { OverviewPage, SHOW_OVERVIEW } from './overview-page';
import { OVERVIEW_VIEW, type OverviewNode, OverviewTree, REFRESH_OVERVIEW } from './overview-view';
import { reveal, REVEAL } from './reveal';
import { ServerStatus, SHOW_OUTPUT } from './status';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const outputChannel = window.createOutputChannel('avdsec', { log: true });
  const status = new ServerStatus();
  // The client's own error handler decides about restarts; this one also tells the status bar when it gives up.
  let fallback: ErrorHandler | undefined;
  const errorHandler: ErrorHandler = {
    error: (error: Error, message: Message | undefined, count: number | undefined): ErrorHandlerResult | Promise<ErrorHandlerResult> =>
      fallback!.error(error, message, count),
    closed: async (): Promise<CloseHandlerResult> => {
      const result = await fallback!.closed();
      if (result.action === CloseAction.DoNotRestart) status.set('error', 'the language server stopped after crashing repeatedly');
      return result;
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    synchronize: { fileEvents: workspace.createFileSystemWatcher(fileWatcherPattern) },
    outputChannel,
    errorHandler,
  };
  const c = new LanguageClient('avdsec', 'avdsec', serverOptions, clientOptions);
  fallback = c.createDefaultErrorHandler();
  client = c;
  status.attach(c);
  const tree = new OverviewTree(c, (m) => outputChannel.warn(m));
  const page = new OverviewPage(c, (m) => outputChannel.warn(m));

  context.subscriptions.push(
    outputChannel,
    status,
    commands.registerCommand('avdsec.restartServer', async () => {
      try {
        if (c.state === State.Running) await c.restart();
        else if (c.state !== State.Starting) await c.start();
      } catch (e) {
        outputChannel.error(`restarting the language server failed: ${(e as Error).message}`);
        status.set('error', 'the language server failed to start');
      }
    }),
    commands.registerCommand(SHOW_OUTPUT, () => outputChannel.show(true)),
    registerFixOnSave(() => client, outputChannel),
    tree,
    window.createTreeView(OVERVIEW_VIEW, { treeDataProvider: tree, showCollapseAll: true }),
    commands.registerCommand(REFRESH_OVERVIEW, () => tree.refresh()),
    page,
    commands.registerCommand(SHOW_OVERVIEW, (node?: OverviewNode) => page.show(node)),
    commands.registerCommand(REVEAL, reveal),
  );

  try {
    await c.start();
  } catch (e) {
    // Reported in the status bar and the output channel; the extension stays active so that a restart can be tried.
    outputChannel.error(`the language server failed to start: ${(e as Error).message}`);
    status.set('error', 'the language server failed to start');
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
