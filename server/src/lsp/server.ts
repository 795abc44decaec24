import {
  CodeActionKind,
  type Connection,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  InitializeRequest,
  type InitializeResult,
  ResponseError,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { createHash } from 'node:crypto';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type AvdsecConfig, CONFIG_FILE_NAME } from '../engine/config';
import type { Finding } from '../engine/model';
import { RULE_IDS } from '../engine/registry';
import { loadGrammars } from '../host/grammars';
import { VERSION } from '../engine/version';
import { codeActions, type EditCapabilities, FIX_ALL_KIND } from './code-actions';
import { configDiagnostics } from './config-diagnostics';
import { notCheckedDiagnostic, toDiagnostic } from './diagnostics';
import { completion } from './completion';
import { hover, onHostPoolHead } from './hover';
import { overviewHoverAt, overviewPage, overviewResult, workspaceOverview } from './overview';
import { OVERVIEW_PAGE_REQUEST, OVERVIEW_REQUEST, type OverviewPageParams, type OverviewPageResult, type OverviewResult } from '../protocol/overview';
import { SettingsCache } from './settings';
import { type ServerStatus, STATUS_REQUEST } from '../protocol/status';
import { GRAPH_REQUEST, type GraphResult } from '../protocol/graph';
import { graphResult } from './graph';
import { isConfigUri, ServerWorkspace } from './workspace';
import { letMessagesIn, type Pending, runLater } from './yielding';

/** Delay before a check after a file is opened, closed or changed on disk (typing has its own debounce, below). */
const DEBOUNCE_MS = 200;
/**
 * The typing debounce. A keystroke after a pause (nothing pending or running, and the last keystroke longer ago than a
 * check costs) is checked at once: the user typed and waits. It waits only for the messages already read with it (the
 * edits an editor sends together) to be handled first (runLater with 0). Within a burst each keystroke waits
 * half of what the last check cost (at most MAX_DEBOUNCE_MS), so the burst is checked once; a check a newer keystroke
 * makes useless stops at its next boundary anyway.
 */
const MIN_DEBOUNCE_MS = 0;
const MAX_DEBOUNCE_MS = 500;
/** How long a check runs before it lets waiting messages (edits, hovers) in. */
const YIELD_MS = 15;
/**
 * After the first answer to a keystroke (the edited resource checked again), the full check waits for typing to pause:
 * as long as the last full check took, at least SETTLE_MIN_MS, so that a keystroke rarely waits behind it.
 */
const SETTLE_MIN_MS = 50;
/** While the folders are read at start, how long the reading runs before it lets waiting messages in. */
const INDEX_SLICE_MS = 20;

/** What tells two lists of diagnostics apart: a SHA-1 of their JSON. */
function digest(diagnostics: readonly unknown[]): string {
  return createHash('sha1').update(JSON.stringify(diagnostics)).digest('base64');
}

export function startServer(connection: Connection, grammarsDir: string): void {
  const settings = new SettingsCache(connection);
  let ws: ServerWorkspace | undefined;
  let folders: string[] = [];
  let caps: EditCapabilities = { documentChanges: false, createFiles: false };
  let watchRegistration = false;
  let configurationRegistration = false;
  /** A digest of each document's diagnostics as last published (10,000 documents' lists weigh 70 MB as text). */
  const published = new Map<string, string>();
  const publishedConfigs = new Set<string>();
  let timer: Pending | undefined;
  /** The full check after a first answer, when typing pauses. */
  let settleTimer: Pending | undefined;
  /** Documents typed in since the last full check: their first answer may come from Workspace.quickFindings. */
  const typed = new Set<string>();
  /** What the engine said since the last full check (linksChanged, takeTouched), kept through first answers. */
  let pendingLinks = false;
  const pendingTouched = new Set<string>();
  /** Wall time of the last full check after an edit, and first answers published. */
  let lastFullCost = DEBOUNCE_MS / 2;
  let firstAnswers = 0;
  /** Whether the folders are being read (then a document opened gets an opening answer), and opening answers sent. */
  let indexing = false;
  let openingAnswers = 0;
  const openingVersions = new Map<string, number>();
  /** Documents changed since the last publish; `everything` when settings, config or the file set changed. */
  const changed = new Set<string>();
  /** Bumped by every edit, so a check in progress can see that it is out of date. */
  let generation = 0;
  /** Wall time of the last check, in ms: the next typing debounce follows it. */
  let lastCost = DEBOUNCE_MS / 2;
  /** Checks stopped by a newer edit (reported by the avdsec/status request, for tests and the output channel). */
  let cancelled = 0;
  let checks = 0;
  let everything = true;
  /** When the last keystroke arrived, the debounce it got, and whether a check is running now. */
  let lastEditAt = 0;
  let lastDebounce = MIN_DEBOUNCE_MS;
  let checking = false;
  let ready: Promise<void> = Promise.resolve();

  const log = (message: string) => connection.console.log(`[avdsec] ${message}`);
  const unknownOverrides = new Set<string>();

  /** The config for a document: its `.avdsec.json` with the editor's `avdsec.rules` over it. */
  async function configOf(uri: string): Promise<AvdsecConfig> {
    const { rules } = await settings.get(uri);
    for (const id of Object.keys(rules)) {
      if (RULE_IDS.has(id) || unknownOverrides.has(id)) continue;
      unknownOverrides.add(id);
      connection.console.warn(`[avdsec] avdsec.rules names "${id}", which is not an avdsec rule; run 'avdsec rules' for the list`);
    }
    return ws!.configFor(uri, rules);
  }

  connection.onInitialize((params): InitializeResult => {
    // The library's own initialize handler, which calls this one, first takes the client's capabilities and process id
    // again; so the request itself gets a new handler, which refuses it before any of that.
    connection.onRequest(
      InitializeRequest.type,
      () => new ResponseError(ErrorCodes.InvalidRequest, 'the server is already initialized; initialize may be sent only once', { retry: false }),
    );
    const c = params.capabilities;
    settings.supported = !!c.workspace?.configuration;
    configurationRegistration = settings.supported && !!c.workspace?.didChangeConfiguration?.dynamicRegistration;
    caps = {
      documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
      createFiles: !!c.workspace?.workspaceEdit?.resourceOperations?.includes('create'),
    };
    watchRegistration = !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    folders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (!folders.length && params.rootUri) folders = [params.rootUri];
    ready = loadGrammars(grammarsDir).then((g) => {
      ws = new ServerWorkspace(g, { info: (m) => connection.console.log(m), warn: (m) => connection.console.warn(m) });
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
    const registrationFailed = (e: unknown) => connection.console.warn(`[avdsec] the client refused a registration: ${(e as Error).message}`);
    // Only a client that says it takes this registration (Eglot does not, and warns at every start).
    if (configurationRegistration) connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(registrationFailed);
    if (watchRegistration) {
      connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{bicep,bicepparam,tf,tfvars,json,jsonc}' }, { globPattern: `**/${CONFIG_FILE_NAME}` }],
        })
        .catch(registrationFailed);
    }
    await ready;
    const started = Date.now();
    indexing = true;
    try {
      const n = await ws!.index(folders, INDEX_SLICE_MS);
      log(`indexed ${n} files in ${Date.now() - started} ms`);
      // Their models too, in slices: the first full check then has only the graph and the rules left to do at once.
      await ws!.readDocuments();
    } catch (e) {
      connection.console.error(`[avdsec] indexing the workspace failed: ${(e as Error).message}`);
    } finally {
      indexing = false;
      openingVersions.clear();
    }
    schedule(0);
  });

  /**
   * Re-checks and publishes. After an edit only the edited documents are checked again, unless the edit changed how
   * they link to the rest of the workspace (then every document is, since its findings may have changed).
   */
  async function publish(settle = false): Promise<void> {
    await ready;
    if (!ws) return;
    checking = true;
    try {
      // The full check follows the reading of the folders (it schedules one when done).
      if (indexing) await openingAnswer();
      else await check(settle);
    } finally {
      checking = false;
    }
  }

  /**
   * While the folders are read (seconds in a large workspace), each document opened or typed in is judged on its own
   * neighbourhood by the local rules (ServerWorkspace.openingFindings); the full check replaces those diagnostics.
   */
  async function openingAnswer(): Promise<void> {
    for (const uri of [...changed]) {
      const text = ws!.textDocument(uri);
      // A document answered at this version already (another document was opened or typed in).
      if (!ws!.isOpen(uri) || !text || openingVersions.get(uri) === text.version) continue;
      openingVersions.set(uri, text.version);
      let diagnostics: Diagnostic[] = [];
      try {
        if ((await settings.get(uri)).enable) {
          const answer = ws!.openingFindings(uri, await configOf(uri));
          if (!answer) continue;
          const textOf = (u: string) => (u === uri ? text : answer.texts.has(u) ? TextDocument.create(u, '', 0, answer.texts.get(u)!) : undefined);
          diagnostics = answer.findings.map((f) => toDiagnostic(f, text, textOf));
          if (answer.notRead) diagnostics.unshift(notCheckedDiagnostic(answer.notRead, text));
        }
      } catch (e) {
        connection.console.error(`[avdsec] the opening answer for ${uri} failed: ${(e as Error).stack ?? e}`);
        continue;
      }
      // Asking the client for settings let other messages in: once the folders are read, the full check has published
      // (or will) and this answer is out of date.
      if (!indexing || openingVersions.get(uri) !== text.version) return;
      send(uri, diagnostics, false);
      openingAnswers++;
    }
  }

  /** A document's diagnostics from its findings, with a first one when the file could not be read at all. */
  function diagnosticsOf(uri: string, findings: Finding[], text: TextDocument): Diagnostic[] {
    const diagnostics = findings.map((f) => toDiagnostic(f, text, (u) => ws!.textDocument(u)));
    const notRead = ws!.engine.document(uri)?.syntaxErrors.find((e) => e.fatal);
    if (notRead) diagnostics.unshift(notCheckedDiagnostic(notRead, text));
    return diagnostics;
  }

  /** Publishes a document's diagnostics unless they are those published last (`compare` false: sent as they are). */
  function send(uri: string, diagnostics: Diagnostic[], compare = true): void {
    // An empty key matches no list: the next publish compares with nothing.
    const key = compare ? digest(diagnostics) : '';
    if (compare && published.get(uri) === key) return;
    published.set(uri, key);
    void connection.sendDiagnostics({ uri, diagnostics });
  }

  /**
   * After typing, each edited document's first answer (Workspace.quickFindings: the resources the edits wrote in are
   * checked again, the rest of the last check is carried over), then the full check once typing pauses. False when a
   * document has no first answer: the full check runs now.
   */
  async function firstAnswer(started: number): Promise<boolean> {
    // The other changed documents (left by a full check a keystroke stopped, changed on disk) wait for the full check.
    const uris = [...changed].filter((u) => typed.has(u) && ws!.isOpen(u));
    if (!uris.length) return false;
    const gen = generation;
    const configs = new Map<string, AvdsecConfig>();
    for (const uri of uris) {
      if (!(await settings.get(uri)).enable) return false;
      configs.set(uri, await configOf(uri));
    }
    if (generation !== gen) return true;
    const answers: [string, Diagnostic[]][] = [];
    for (const uri of uris) {
      const text = ws!.textDocument(uri);
      let found: Finding[] | undefined;
      try {
        found = text && ws!.engine.quickFindings(uri, configs.get(uri)!);
      } catch (e) {
        // The full check is still the answer.
        connection.console.error(`[avdsec] the first answer for ${uri} failed: ${(e as Error).stack ?? e}`);
      }
      if (!found || !text) return false;
      answers.push([uri, diagnosticsOf(uri, found, text)]);
    }
    // After an edit the places move: comparing would cost more than sending (a 2.4 MB template has 1,000 findings).
    for (const [uri, diagnostics] of answers) send(uri, diagnostics, false);
    firstAnswers++;
    lastCost = Date.now() - started;
    settleTimer = runLater(Math.min(MAX_DEBOUNCE_MS, Math.max(SETTLE_MIN_MS, lastFullCost)), () => {
      settleTimer = undefined;
      publish(true).catch((e) => connection.console.error(`[avdsec] ${(e as Error).stack ?? e}`));
    });
    return true;
  }

  /**
   * A full check's first findings would read every document, link them and judge the whole deployment in one go: in a
   * workspace of 10,000 files, seconds during which every request waits. Done first, in steps, each a point where
   * waiting messages get a turn. False when a newer edit came meanwhile: the check it scheduled takes over.
   */
  async function prepare(): Promise<boolean> {
    const gen = generation;
    const all = ws!.engine.uris();
    const first = all.find((u) => ws!.isOpen(u)) ?? all[0];
    if (!first) return true;
    const steps = ws!.engine.prepare(await configOf(first));
    let yielded = Date.now();
    while (generation === gen && !steps.next().done) {
      if (Date.now() - yielded <= YIELD_MS) continue;
      await letMessagesIn();
      yielded = Date.now();
    }
    return generation === gen;
  }

  async function check(settle: boolean): Promise<void> {
    if (!ws) return;
    const started = Date.now();
    const quick = !settle && !everything;
    // Unless a keystroke can get its first answer, the full check follows: prepared in steps (files changed on disk, a
    // document opened, a pause in typing, the workspace read).
    const typing = quick && [...changed].some((u) => typed.has(u));
    if (!typing && !(await prepare())) return;
    // A first answer leaves single sign-on to the full check: only other files' Conditional Access findings read it.
    pendingLinks = ws.engine.linksChanged({ singleSignOn: !quick }) || pendingLinks;
    for (const u of ws.engine.takeTouched()) pendingTouched.add(u);
    if (quick && !pendingLinks && (await firstAnswer(started))) return;
    if (quick) pendingLinks = ws.engine.linksChanged() || pendingLinks;
    const all = ws.engine.uris();
    const linksChanged = pendingLinks;
    const touched = new Set(pendingTouched);
    pendingLinks = false;
    pendingTouched.clear();
    typed.clear();
    const pending = everything || linksChanged ? all : all.filter((u) => changed.has(u) || touched.has(u));
    // The documents open in the editor first: their diagnostics are the ones the user is looking at.
    const uris = [...pending.filter((u) => ws!.isOpen(u)), ...pending.filter((u) => !ws!.isOpen(u))];
    const removed = [...changed].filter((u) => !ws!.engine.has(u) && !ws!.isConfigFile(u) && !ws!.tooLargeMessage(u));
    const wasEverything = everything;
    everything = false;
    changed.clear();
    const gen = generation;
    let yielded = Date.now();
    /** Whether a newer edit arrived. A check runs synchronously: messages waiting on the connection get a turn first. */
    const outdated = async (): Promise<boolean> => {
      if (Date.now() - yielded > YIELD_MS) {
        await letMessagesIn();
        yielded = Date.now();
      }
      return generation !== gen;
    };
    let i = 0;
    for (; i < uris.length; i++) {
      const uri = uris[i];
      if (await outdated()) break;
      const text = ws.textDocument(uri);
      if (!text) continue;
      let diagnostics: Diagnostic[] = [];
      try {
        if ((await settings.get(uri)).enable) {
          const config = await configOf(uri);
          // Reading the file and linking the graph come first, each a point where a newer edit stops the check.
          ws.engine.document(uri);
          if (await outdated()) break;
          ws.engine.graph();
          if (await outdated()) break;
          diagnostics = diagnosticsOf(uri, ws.engine.findings(uri, config), text);
        }
      } catch (e) {
        connection.console.error(`[avdsec] checking ${uri} failed: ${(e as Error).stack ?? e}`);
      }
      send(uri, diagnostics);
    }
    if (i < uris.length) {
      // Stopped by a newer edit: the rest is left to the check that edit scheduled.
      for (const rest of uris.slice(i)) changed.add(rest);
      if (wasEverything) everything = true;
      cancelled++;
      // That check may have run already, while this one waited (for settings the client was slow to give): then nothing
      // else would pick the rest up. Without a new generation, so that a check running now is not stopped.
      if (!timer)
        timer = runLater(0, () => {
          timer = undefined;
          publish().catch((e) => connection.console.error(`[avdsec] ${(e as Error).stack ?? e}`));
        });
    } else {
      checks++;
      // Every document is checked: the facts of this version are there for the next edit to carry over.
      ws.engine.forgetCarried();
    }
    if (i === uris.length && !wasEverything && !linksChanged) {
      // What typing costs: a check of the whole workspace (start, settings) says nothing about the next keystroke.
      lastCost = lastFullCost = Date.now() - started;
    }
    await publishTooLarge();
    awaitParser();
    for (const uri of removed) {
      if (published.delete(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
    await publishConfigProblems();
  }

  /**
   * Files read while the Terraform parser was restarting (a hostile file aborted it) are checked again once its
   * replacement is ready; if none can be loaded, they keep saying that they were not checked.
   */
  let parserAwaited = false;
  function awaitParser(): void {
    if (!ws?.engine.waitingForParser || parserAwaited) return;
    parserAwaited = true;
    void ws.engine.grammars.ready().then(() => {
      parserAwaited = false;
      if (ws?.engine.grammars.usable()) schedule(0);
    });
  }

  /** Files over the size limit get one diagnostic that says they were not checked, at the top of the file. */
  async function publishTooLarge(): Promise<void> {
    for (const uri of ws!.tooLargeUris()) {
      const message = ws!.tooLargeMessage(uri)!;
      const diagnostics = (await settings.get(uri)).enable
        ? [
            {
              range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
              severity: DiagnosticSeverity.Information,
              source: 'avdsec',
              code: 'file-too-large',
              message: `avdsec: ${message}`,
            },
          ]
        : [];
      const key = digest(diagnostics);
      if (published.get(uri) === key) continue;
      if (!published.has(uri)) log(`${uri}: ${message}`);
      published.set(uri, key);
      void connection.sendDiagnostics({ uri, diagnostics });
    }
  }

  /** The problems of each configuration file (a few small files: all are checked again each time). */
  async function publishConfigProblems(): Promise<void> {
    const uris = ws!.configUris();
    for (const uri of uris) {
      let diagnostics: ReturnType<typeof configDiagnostics> = [];
      const text = ws!.configText(uri);
      if (text !== undefined && (await settings.get(uri)).enable) diagnostics = configDiagnostics(uri, text, ws!.configProblemsOnDisk(uri));
      publishedConfigs.add(uri);
      const key = digest(diagnostics);
      if (published.get(uri) === key) continue;
      published.set(uri, key);
      void connection.sendDiagnostics({ uri, diagnostics });
    }
    // Files that are no configuration any more (deleted, no longer extended).
    for (const uri of publishedConfigs) {
      if (uris.includes(uri)) continue;
      publishedConfigs.delete(uri);
      if (published.delete(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  }

  function typingDebounce(): number {
    const now = Date.now();
    const pause = now - lastEditAt;
    lastEditAt = now;
    const burst = timer !== undefined || checking || pause <= lastCost;
    return (lastDebounce = burst ? Math.round(Math.min(MAX_DEBOUNCE_MS, Math.max(MIN_DEBOUNCE_MS, lastCost / 2))) : MIN_DEBOUNCE_MS);
  }

  function schedule(delay: number, uri?: string): void {
    // Whatever the reason (an edit, a file opened or changed on disk, a setting), a check in progress is out of date.
    generation++;
    if (uri) changed.add(uri);
    else everything = true;
    timer?.cancel();
    settleTimer?.cancel();
    settleTimer = undefined;
    timer = runLater(delay, () => {
      timer = undefined;
      publish().catch((e) => connection.console.error(`[avdsec] ${(e as Error).stack ?? e}`));
    });
  }

  connection.onDidOpenTextDocument(async (p) => {
    await ready;
    ws?.opened(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
    schedule(DEBOUNCE_MS, p.textDocument.uri);
  });

  connection.onDidChangeTextDocument(async (p) => {
    await ready;
    ws?.changed(p.textDocument.uri, p.textDocument.version, p.contentChanges);
    typed.add(p.textDocument.uri);
    schedule(typingDebounce(), p.textDocument.uri);
  });

  connection.onDidCloseTextDocument(async (p) => {
    await ready;
    ws?.closed(p.textDocument.uri);
    openingVersions.delete(p.textDocument.uri);
    settings.forget(p.textDocument.uri);
    schedule(DEBOUNCE_MS, p.textDocument.uri);
  });

  connection.onDidChangeWatchedFiles(async (p) => {
    await ready;
    if (!ws) return;
    let config = false;
    for (const c of p.changes) {
      // A configuration file, or a file one extends.
      if (ws.isConfigFile(c.uri)) {
        ws.configChanged(isConfigUri(c.uri) ? c.uri : undefined, c.type === FileChangeType.Deleted);
        config = true;
        continue;
      }
      if (c.type === FileChangeType.Deleted) ws.deleted(c.uri);
      else ws.readFromDisk(c.uri);
      changed.add(c.uri);
    }
    schedule(DEBOUNCE_MS, config ? undefined : p.changes[0]?.uri);
  });

  connection.onDidChangeConfiguration((p) => {
    settings.changed(p.settings);
    schedule(0);
  });

  connection.onRequest(STATUS_REQUEST, async (): Promise<ServerStatus> => {
    await ready;
    return {
      files: ws?.engine.uris().length ?? 0,
      checks,
      cancelled,
      lastCheckMs: lastCost,
      lastFullCheckMs: lastFullCost,
      firstAnswers,
      indexing,
      openingAnswers,
      settled: !indexing && !timer && !settleTimer && !checking && !changed.size && !everything,
      debounceMs: lastDebounce,
      tooLarge: ws?.tooLargeUris() ?? [],
    };
  });

  connection.onRequest(GRAPH_REQUEST, async (): Promise<GraphResult | null> => {
    await ready;
    return ws ? graphResult(ws.engine.graphReport(), (u) => ws!.textDocument(u)) : null;
  });

  connection.onRequest(OVERVIEW_REQUEST, async (): Promise<OverviewResult | null> => {
    await ready;
    return ws ? overviewResult(await workspaceOverview(ws, configOf), (u) => ws!.textDocument(u)) : null;
  });

  connection.onRequest(OVERVIEW_PAGE_REQUEST, async (params: OverviewPageParams): Promise<OverviewPageResult | null> => {
    await ready;
    return ws ? overviewPage(ws, await workspaceOverview(ws, configOf), params ?? {}) : null;
  });

  connection.onHover(async (p) => {
    await ready;
    try {
      if (!ws) return null;
      const h = hover(ws, p.textDocument.uri, p.position);
      // On a host pool's declaration, the compact overview follows the boundary notes.
      const text = ws.textDocument(p.textDocument.uri);
      const pool = h && text && onHostPoolHead(ws, p.textDocument.uri, text.offsetAt(p.position));
      if (!h || !pool || typeof h.contents !== 'object' || !('value' in h.contents)) return h;
      const compact = overviewHoverAt(await workspaceOverview(ws, configOf), p.textDocument.uri, text!.offsetAt(p.position));
      return compact ? { ...h, contents: { kind: 'markdown', value: `${h.contents.value}\n\n---\n\n${compact}` } } : h;
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
      if (!ws) return [];
      const config = await configOf(p.textDocument.uri);
      return codeActions(ws, p, config, caps);
    } catch (e) {
      connection.console.error(`[avdsec] code actions failed: ${(e as Error).stack ?? e}`);
      return [];
    }
  });

  connection.listen();
}
