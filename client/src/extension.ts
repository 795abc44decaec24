import * as path from 'node:path';
import { type ExtensionContext, window, workspace } from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { documentSelector, fileWatcherPattern } from './configuration';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const outputChannel = window.createOutputChannel('avdsec', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    synchronize: { fileEvents: workspace.createFileSystemWatcher(fileWatcherPattern) },
    outputChannel,
  };
  client = new LanguageClient('avdsec', 'avdsec', serverOptions, clientOptions);
  context.subscriptions.push(outputChannel);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
