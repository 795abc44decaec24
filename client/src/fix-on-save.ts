import { type Disposable, type LogOutputChannel, type TextDocument, TextDocumentSaveReason, type TextEdit, languages, workspace } from 'vscode';
import { CodeAction, CodeActionRequest, CodeActionTriggerKind, type LanguageClient, State } from 'vscode-languageclient/node';
import { FIX_ALL_KIND } from '../../server/src/protocol/code-actions';
import { documentSelector } from './configuration';

/**
 * `avdsec.fixOnSave`: before a file is saved, asks the server for its fix-all action and applies the edit to the text
 * being saved (vscode-eslint's `onWillSaveTextDocument` participant). Saves after a delay (auto save) are left alone, as
 * VS Code leaves them for `editor.codeActionsOnSave`.
 */
export function registerFixOnSave(client: () => LanguageClient | undefined, log: LogOutputChannel): Disposable {
  const announce = () => log.info(`avdsec.fixOnSave is ${workspace.getConfiguration('avdsec').get<boolean>('fixOnSave', false) ? 'on' : 'off'}`);
  if (workspace.getConfiguration('avdsec').get<boolean>('fixOnSave', false)) announce();
  const subscriptions = [
    workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('avdsec.fixOnSave')) announce();
    }),
    workspace.onWillSaveTextDocument((e) => {
      const c = client();
      if (e.reason === TextDocumentSaveReason.AfterDelay || !c || c.state !== State.Running) return;
      if (!languages.match(documentSelector, e.document)) return;
      const settings = workspace.getConfiguration('avdsec', e.document);
      if (!settings.get<boolean>('enable', true) || !settings.get<boolean>('fixOnSave', false)) return;
      e.waitUntil(fixAllEdits(c, e.document, log));
    }),
  ];
  return { dispose: () => subscriptions.forEach((s) => s.dispose()) };
}

async function fixAllEdits(client: LanguageClient, document: TextDocument, log: LogOutputChannel): Promise<TextEdit[]> {
  const version = document.version;
  try {
    const end = document.lineAt(document.lineCount - 1).range.end;
    const actions = await client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
      range: { start: { line: 0, character: 0 }, end: { line: end.line, character: end.character } },
      context: { diagnostics: [], only: [FIX_ALL_KIND], triggerKind: CodeActionTriggerKind.Automatic },
    });
    const action = actions?.find((a): a is CodeAction => CodeAction.is(a) && a.kind === FIX_ALL_KIND && !!a.edit);
    // The text changed while the server was answering: its edit would land in the wrong place.
    if (!action?.edit || document.version !== version) return [];
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(action.edit);
    return edit.get(document.uri);
  } catch (e) {
    log.warn(`fix on save skipped for ${document.uri.fsPath}: ${(e as Error).message}`);
    return [];
  }
}
