import {
  CodeActionKind,
  type Connection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type InitializeResult,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { CONFIG_FILE_NAME } from '../engine/config';
import { loadGrammars } from '../engine/parse';
import { VERSION } from '../engine/version';
import { codeActions, type EditCapabilities, FIX_ALL_KIND } from './code-actions';
import { toDiagnostic } from './diagnostics';
import { completion } from './completion';
import { hover } from './hover';
import { SettingsCache } from './settings';
import { ServerWorkspace } from './workspace';

/** Debounce after an edit before the workspace is re-checked; longer for large files so typing stays smooth. */
const DEBOUNCE_MS = 200;
const LARGE_FILE_DEBOUNCE_MS = 1000;
const LARGE_FILE = 1_000_000;

export function startServer(connection: Connection, grammarsDir: string): void {
  const settings = new SettingsCache(connection);
  let ws: ServerWorkspace | undefined;
  let folders: string[] = [];
  let caps: EditCapabilities = { documentChanges: false, createFiles: false };
  let watchRegistration = false;
  const published = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  /** Documents changed since the last publish; `everything` when settings, config or the file set changed. */
  const changed = new Set<string>();
  let everything = true;
  let ready: Promise<void> = Promise.resolve();

  const log = (message: string) => connection.console.log(`[avdsec] ${message}`);

  connection.onInitialize((params): InitializeResult => {
    const c = params.capabilities;
    settings.supported = !!c.workspace?.configuration;
    caps = {
      documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
      createFiles: !!c.workspace?.workspaceEdit?.resourceOperations?.includes('create'),
    };
    watchRegistration = !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    folders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (!folders.length && params.rootUri) folders = [params.rootUri];
    ready = loadGrammars(grammarsDir).then((g) => {
      ws = new ServerWorkspace(g);
    });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [';', ':'] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'avdsec', version: VERSION },
    };
  });

  connection.onInitialized(async () => {
    if (settings.supported) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
    if (watchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{bicep,bicepparam,tf,tfvars,json,jsonc}' }, { globPattern: `**/${CONFIG_FILE_NAME}` }],
      });
    }
    await ready;
    const started = Date.now();
    try {
      const n = await ws!.index(folders);
      log(`indexed ${n} files in ${Date.now() - started} ms`);
    } catch (e) {
      connection.console.error(`[avdsec] indexing the workspace failed: ${(e as Error).message}`);
    }
    schedule(0);
  });

  /**
   * Re-checks and publishes. After an edit only the edited documents are checked again, unless the edit changed how
   * they link to the rest of the workspace (then every document is, since its findings may have changed).
   */
  async function publish(): Promise<void> {
    await ready;
    if (!ws) return;
    const all = ws.engine.uris();
    const linksChanged = ws.engine.linksChanged();
    const touched = ws.engine.takeTouched();
    const uris = everything || linksChanged ? all : all.filter((u) => changed.has(u) || touched.has(u));
    const removed = [...changed].filter((u) => !ws!.engine.has(u));
    everything = false;
    changed.clear();
    for (const uri of uris) {
      const text = ws.textDocument(uri);
      if (!text) continue;
      let diagnostics: ReturnType<typeof toDiagnostic>[] = [];
      try {
        if ((await settings.get(uri)).enable) {
          diagnostics = ws.engine.findings(uri, ws.configFor(uri)).map((f) => toDiagnostic(f, text, (u) => ws!.textDocument(u)));
        }
      } catch (e) {
        connection.console.error(`[avdsec] checking ${uri} failed: ${(e as Error).stack ?? e}`);
      }
      const key = JSON.stringify(diagnostics);
      if (published.get(uri) === key) continue;
      published.set(uri, key);
      void connection.sendDiagnostics({ uri, diagnostics });
    }
    for (const uri of removed) {
      if (published.delete(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  }

  function schedule(delay: number, uri?: string): void {
    if (uri) changed.add(uri);
    else everything = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      publish().catch((e) => connection.console.error(`[avdsec] ${(e as Error).stack ?? e}`));
    }, delay);
  }

  connection.onDidOpenTextDocument(async (p) => {
    await ready;
    ws?.opened(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
    schedule(DEBOUNCE_MS, p.textDocument.uri);
  });

  connection.onDidChangeTextDocument(async (p) => {
    await ready;
    ws?.changed(p.textDocument.uri, p.textDocument.version, p.contentChanges);
    const size = ws?.textDocument(p.textDocument.uri)?.getText().length ?? 0;
    schedule(size > LARGE_FILE ? LARGE_FILE_DEBOUNCE_MS : DEBOUNCE_MS, p.textDocument.uri);
  });

  connection.onDidCloseTextDocument(async (p) => {
    await ready;
    ws?.closed(p.textDocument.uri);
    settings.forget(p.textDocument.uri);
    schedule(DEBOUNCE_MS, p.textDocument.uri);
  });

  connection.onDidChangeWatchedFiles(async (p) => {
    await ready;
    if (!ws) return;
    let config = false;
    for (const c of p.changes) {
      if (c.uri.endsWith(`/${CONFIG_FILE_NAME}`)) {
        ws.configChanged();
        config = true;
        continue;
      }
      if (c.type === FileChangeType.Deleted) ws.deleted(c.uri);
      else ws.readFromDisk(c.uri);
      changed.add(c.uri);
    }
    schedule(DEBOUNCE_MS, config ? undefined : p.changes[0]?.uri);
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    schedule(0);
  });

  connection.onHover(async (p) => {
    await ready;
    try {
      return ws ? hover(ws, p.textDocument.uri, p.position) : null;
    } catch (e) {
      connection.console.error(`[avdsec] hover failed: ${(e as Error).stack ?? e}`);
      return null;
    }
  });

  connection.onCompletion(async (p) => {
    await ready;
    try {
      return ws ? completion(ws, p.textDocument.uri, p.position) : [];
    } catch (e) {
      connection.console.error(`[avdsec] completion failed: ${(e as Error).stack ?? e}`);
      return [];
    }
  });

  connection.onCodeAction(async (p) => {
    await ready;
    try {
      return ws ? codeActions(ws, p, caps) : [];
    } catch (e) {
      connection.console.error(`[avdsec] code actions failed: ${(e as Error).stack ?? e}`);
      return [];
    }
  });

  connection.listen();
}
