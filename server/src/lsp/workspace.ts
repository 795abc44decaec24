import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type AvdsecConfig, CONFIG_FILE_NAME, type ConfiguredLevel, emptyConfig, parseConfig } from '../engine/config';
import type { Finding, SyntaxError } from '../engine/model';
import { RULE_IDS, RULES } from '../engine/registry';
import { detectLanguage, type Grammars } from '../engine/parse';
import { dirOf } from '../engine/resolve/paths';
import { declaredTargets } from '../engine/resolve/targets';
import { type TextChange, Workspace } from '../engine/workspace';
import { ConfigResolver, ConfigRoots, type LoadedConfig, ruleOptions } from '../host/config-files';
import { Repositories } from '../host/repositories';
import type { DiskProblem } from './config-diagnostics';
import { discoverFiles, oversizeBytes, startsLikeSource, readSourceFile, readTextIfExists, tooLargeMessage } from '../host/files';
import { letMessagesIn } from './yielding';

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}

export function isConfigUri(uri: string): boolean {
  return uri.endsWith(`/${CONFIG_FILE_NAME}`);
}

/**
 * The server's files: the editor's open documents (their text wins) and the rest of the workspace folders, read
 * from disk at start and kept current from file-change notifications, so cross-file facts are known before a file opens.
 */
/** The most files an opening answer reads (ServerWorkspace.openingFindings). */
const MAX_NEIGHBOURHOOD = 400;
/**
 * Below this many files the folders are read at once, as before opening answers: in about a second, after which every
 * document gets the full check's diagnostics first, not a partial answer replaced moments later.
 */
const SLICED_FROM_FILES = 500;

/** One object for documents outside any folder: findings are cached per config object. */
const NO_CONFIG = { config: emptyConfig(), problems: [], isExcluded: () => false, parameterTemplates: () => [] };

export class ServerWorkspace {
  readonly engine: Workspace;
  private readonly open = new Map<string, TextDocument>();
  /** Until the folders are known (index), `extends` reads nothing. */
  /** The workspace folders: files are read from disk, and configurations extend files, only inside them. */
  private roots = new ConfigRoots([]);
  private configs = new ConfigResolver(this.roots);
  /** Configs with the editor's `avdsec.rules` applied, one object per (config, overrides) pair: findings are cached per config object. */
  private readonly derived = new WeakMap<AvdsecConfig, Map<string, AvdsecConfig>>();
  /** The `.avdsec.json` files seen (indexed, opened or reported changed): their problems are published as diagnostics. */
  private readonly configFiles = new Set<string>();
  private folders: string[] = [];
  /** Files not checked because they are over `maxFileSizeMB`, with the message that says so. */
  private readonly tooLarge = new Map<string, string>();
  /** The source files the folders hold, by folder uri (found at start): an opening answer reads its files from them. */
  private readonly discovered = new Map<string, string[]>();
  /** How long reading the folders runs before it lets waiting messages in (index, readDocuments). */
  private sliceMs = Infinity;
  /** Configs with every rule that is not local turned off, for opening answers (see Rule.local). */
  private readonly localOnly = new WeakMap<AvdsecConfig, AvdsecConfig>();

  /** `log` reaches the client's output (the server passes its connection's console). */
  constructor(
    private readonly grammars: Grammars,
    private readonly log: { info(message: string): void; warn(message: string): void },
  ) {
    this.engine = new Workspace(grammars);
    this.pairParameterFiles();
    this.engine.setProjects(this.projectOf);
  }

  /** The engine asks the configurations which templates a parameters file serves (`parameterFiles`). */
  private pairParameterFiles(): void {
    this.engine.setParameterFiles(this.parameterTemplates);
  }

  /** Workspace folders from several repositories (a multi-root workspace) are projects of their own. */
  private readonly repositories = new Repositories();

  private readonly projectOf = (uri: string): string => {
    const file = uriToPath(uri);
    return file ? this.repositories.of(file) : '';
  };

  private readonly parameterTemplates = (uri: string): string[] => {
    const file = uriToPath(uri);
    return file ? this.configs.forFile(file).parameterTemplates(file).map(pathToUri) : [];
  };

  /**
   * After `sliceMs` of work since the last pause, a pause that lets the waiting messages in; otherwise undefined, and
   * the caller goes on without awaiting (an await per file would let other handlers in between files too).
   */
  private slicer(): () => Promise<void> | undefined {
    let slice = performance.now();
    return () => {
      if (performance.now() - slice <= this.sliceMs) return undefined;
      return letMessagesIn().then(() => void (slice = performance.now()));
    };
  }

  /**
   * Reads the folders' files. In a workspace of SLICED_FROM_FILES files or more it lets waiting messages in (a document
   * opened, a hover) every `sliceMs`: the reading takes seconds, and an opened document gets its opening answer meanwhile.
   */
  async index(folderUris: string[], sliceMs = Infinity): Promise<number> {
    this.folders = folderUris.map(uriToPath).filter((p): p is string => !!p);
    this.roots = new ConfigRoots(this.folders);
    this.configs = new ConfigResolver(this.roots);
    this.pairParameterFiles();
    const { files, errors, skipped } = discoverFiles(this.folders, process.cwd());
    for (const e of errors) this.log.warn(`[avdsec] not read: ${e.file}: ${e.message}`);
    for (const e of skipped) this.log.info(`[avdsec] skipped: ${e.file}: ${e.message}`);
    this.sliceMs = files.length >= SLICED_FROM_FILES ? sliceMs : Infinity;
    this.discovered.clear();
    for (const file of files) {
      const uri = pathToUri(file);
      const dir = this.discovered.get(dirOf(uri));
      if (dir) dir.push(uri);
      else this.discovered.set(dirOf(uri), [uri]);
    }
    let n = 0;
    const slice = this.slicer();
    for (const file of files) {
      const pause = slice();
      if (pause) await pause;
      const uri = pathToUri(file);
      if (isConfigUri(uri)) this.configFiles.add(uri);
      if (this.open.has(uri) || this.config(uri).isExcluded(file)) continue;
      if (this.readFromDisk(uri)) n++;
    }
    return n;
  }

  /**
   * Reads every document's model (what the first full check would do at once), in the slices of `index`: in a large
   * workspace this takes seconds, and documents opened or typed in meanwhile get opening answers.
   */
  async readDocuments(): Promise<void> {
    const slice = this.slicer();
    for (const uri of this.engine.uris()) {
      const pause = slice();
      if (pause) await pause;
      try {
        this.engine.document(uri);
      } catch (e) {
        // The full check reads it again and reports the failure.
        this.log.warn(`[avdsec] reading ${uri} failed: ${(e as Error).message}`);
      }
    }
  }

  /**
   * The findings of an open document judged on its own neighbourhood, for a document opened while the workspace is
   * still being read: the files of its folder (its parameters and variables files, the rest of its Terraform
   * configuration) and the files it calls, down the chain, in a workspace of their own. Only the local rules run
   * (Rule.local): what they find no other file can remove, while an absence (no diagnostic setting here) may be
   * answered anywhere. With the texts of the files read, for the places of related information.
   */
  openingFindings(uri: string, config: AvdsecConfig): { findings: Finding[]; texts: Map<string, string>; notRead?: SyntaxError } | undefined {
    const doc = this.open.get(uri);
    if (!doc || this.tooLarge.has(uri)) return undefined;
    const scratch = new Workspace(this.grammars);
    try {
      scratch.setParameterFiles(this.parameterTemplates);
      scratch.setProjects(this.projectOf);
      const texts = new Map<string, string>();
      const queue = [uri, ...(this.discovered.get(dirOf(uri)) ?? [])];
      while (queue.length) {
        const u = queue.shift()!;
        if (texts.has(u)) continue;
        // A neighbourhood this large is no quicker to read than the workspace: the full check answers.
        if (texts.size >= MAX_NEIGHBOURHOOD) return undefined;
        const open = this.open.get(u);
        const text = open ? (this.tooLarge.has(u) ? undefined : open.getText()) : this.diskText(u);
        if (text === undefined || !scratch.set(u, text)) continue;
        texts.set(u, text);
        const language = detectLanguage(u, text);
        for (const t of language ? declaredTargets(u, language, text) : [])
          queue.push(...(t.endsWith('/') ? (this.discovered.get(t.slice(0, -1)) ?? []) : [t]));
      }
      const findings = texts.has(uri) ? scratch.findings(uri, this.localRules(config)) : [];
      const notRead = scratch.document(uri)?.syntaxErrors.find((e) => e.fatal);
      return { findings, texts, ...(notRead ? { notRead } : {}) };
    } finally {
      scratch.dispose();
    }
  }

  /** A file's text from disk for an opening answer, under the rules the index reads by; undefined when it would skip it. */
  private diskText(uri: string): string | undefined {
    const file = uriToPath(uri);
    if (file && this.config(uri).isExcluded(file)) return undefined;
    const r = this.readSource(uri);
    return r?.ok ? r.text : undefined;
  }

  /** A file of the workspace folders, read as a source file; undefined outside them (a symbolic link out is not followed). */
  private readSource(uri: string): ReturnType<typeof readSourceFile> | undefined {
    const file = uriToPath(uri);
    if (!file || this.roots.refusal(file) !== undefined) return undefined;
    return readSourceFile(file, this.config(uri).config.maxFileSizeMB);
  }

  private localRules(config: AvdsecConfig): AvdsecConfig {
    let local = this.localOnly.get(config);
    if (!local) {
      const rules = { ...config.rules };
      for (const r of RULES) if (!r.local) rules[r.id] = { ...(rules[r.id] ?? { options: {} }), level: 'off' };
      this.localOnly.set(config, (local = { ...config, rules }));
    }
    return local;
  }

  /**
   * Reads or re-reads a file that is not open in the editor, when it is in a workspace folder (a document opened from
   * elsewhere is known only by the editor's text; a symbolic link out of the folders is not followed).
   */
  readFromDisk(uri: string): boolean {
    if (this.open.has(uri)) return false;
    const r = this.readSource(uri);
    if (!r) {
      this.engine.delete(uri);
      return false;
    }
    if (!r.ok) {
      if (r.tooLarge && r.isSource) this.tooLarge.set(uri, r.message);
      else this.tooLarge.delete(uri);
      this.engine.delete(uri);
      return false;
    }
    this.tooLarge.delete(uri);
    return this.engine.set(uri, r.text);
  }

  deleted(uri: string): void {
    this.tooLarge.delete(uri);
    if (!this.open.has(uri)) this.engine.delete(uri);
  }

  opened(uri: string, languageId: string, version: number, text: string): void {
    if (isConfigUri(uri)) this.configFiles.add(uri);
    const doc = TextDocument.create(uri, languageId, version, text);
    this.open.set(uri, doc);
    this.load(uri, text, version);
  }

  changed(
    uri: string,
    version: number,
    changes: ({ range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } | { text: string })[],
  ): void {
    const doc = this.open.get(uri);
    if (!doc) return;
    const edits: TextChange[] = [];
    let current = doc;
    for (const c of changes) {
      if ('range' in c) {
        edits.push({ start: current.offsetAt(c.range.start), oldEnd: current.offsetAt(c.range.end), newText: c.text });
      } else {
        edits.length = 0;
      }
      current = TextDocument.update(current, [c], version);
    }
    this.open.set(uri, current);
    // Incremental edits only apply to the text the engine holds: not when the file was too large before.
    this.load(uri, current.getText(), version, !this.tooLarge.has(uri) && edits.length === changes.length ? edits : undefined);
  }

  /** Hands an open document's text to the engine, unless it is over the size limit (then the engine forgets it). */
  private load(uri: string, text: string, version: number, edits?: TextChange[]): void {
    const message = this.oversize(uri, text);
    if (message) {
      this.tooLarge.set(uri, message);
      this.engine.delete(uri);
      return;
    }
    this.tooLarge.delete(uri);
    this.engine.set(uri, text, version, edits);
  }

  /** Why text is not checked when it is over the size limit of its configuration; undefined when it is checked. */
  private oversize(uri: string, text: string): string | undefined {
    const limit = this.config(uri).config.maxFileSizeMB;
    const bytes = startsLikeSource(uri, text) ? oversizeBytes(text, limit) : undefined;
    return bytes === undefined ? undefined : tooLargeMessage(bytes, limit);
  }

  /** Why a file is not checked, when it is over the size limit. */
  tooLargeMessage(uri: string): string | undefined {
    return this.tooLarge.get(uri);
  }

  /** Every file skipped for its size. */
  tooLargeUris(): string[] {
    return [...this.tooLarge.keys()];
  }

  /**
   * The limit may have changed with the configuration: open documents are measured again, files skipped on disk are
   * read again (they may fit now), and files read from disk that no longer fit are dropped.
   */
  private remeasure(): void {
    for (const [uri, doc] of this.open) if (!isConfigUri(uri)) this.load(uri, doc.getText(), doc.version);
    for (const uri of [...this.tooLarge.keys()]) if (!this.open.has(uri)) this.readFromDisk(uri);
    for (const uri of this.engine.uris()) {
      if (this.open.has(uri)) continue;
      const message = this.oversize(uri, this.engine.text(uri) ?? '');
      if (!message) continue;
      this.tooLarge.set(uri, message);
      this.engine.delete(uri);
    }
  }

  closed(uri: string): void {
    this.open.delete(uri);
    // The file stays known from disk, so that other files keep their links to it.
    if (!this.readFromDisk(uri)) this.engine.delete(uri);
  }

  /** The text document for a uri: the open one, or one built from the engine's text. */
  textDocument(uri: string): TextDocument | undefined {
    const open = this.open.get(uri);
    if (open) return open;
    const d = this.engine.document(uri);
    return d ? TextDocument.create(uri, '', d.version, d.text) : undefined;
  }

  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }

  config(uri: string): LoadedConfig {
    const file = uriToPath(uri);
    return file ? this.configs.forFile(file) : NO_CONFIG;
  }

  /** The config that applies to a document: its `.avdsec.json`, with the editor's rule levels (`avdsec.rules`) over it. */
  configFor(uri: string, overrides: Readonly<Record<string, ConfiguredLevel>> = {}): AvdsecConfig {
    const base = this.config(uri).config;
    const known = Object.entries(overrides)
      .filter(([id]) => RULE_IDS.has(id))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (!known.length) return base;
    const key = JSON.stringify(known);
    let byKey = this.derived.get(base);
    if (!byKey) this.derived.set(base, (byKey = new Map()));
    let config = byKey.get(key);
    if (!config) {
      const rules = { ...base.rules };
      for (const [id, level] of known) rules[id] = { ...(rules[id] ?? { options: {} }), level };
      byKey.set(key, (config = { ...base, rules }));
    }
    return config;
  }

  /** A `.avdsec.json` was created, changed or deleted on disk. */
  configChanged(uri?: string, deleted = false): void {
    this.configs.clear();
    if (uri && deleted) this.configFiles.delete(uri);
    else if (uri) this.configFiles.add(uri);
    this.pairParameterFiles();
    this.remeasure();
  }

  /**
   * Every configuration file known: each `.avdsec.json` seen in the folders or the editor or found by walking up from
   * a document, and the files they extend.
   */
  configUris(): string[] {
    const out = new Set(this.configFiles);
    for (const c of this.configs.loaded()) for (const f of [c.file, ...(c.sources ?? [])]) if (f) out.add(pathToUri(f));
    return [...out];
  }

  /**
   * Whether a change to the file changes a configuration: a configuration file, or a file an `extends` names that was
   * not read (it may have been fixed), unless it is a source file the engine holds.
   */
  isConfigFile(uri: string): boolean {
    if (isConfigUri(uri) || this.configUris().includes(uri)) return true;
    const file = uriToPath(uri);
    return !!file && !this.engine.has(uri) && this.configs.loaded().some((c) => c.dependencies?.includes(file));
  }

  /**
   * Problems found in a configuration file while loading the configurations that read it, beyond those of its own
   * text: an `extends` that cannot be read or makes a cycle.
   */
  configProblemsOnDisk(uri: string): DiskProblem[] {
    const file = uriToPath(uri);
    const all = this.configs.loaded().flatMap((c) => c.problems.filter((p) => p.file === file));
    if (!all.length || !file) return [];
    const own = new Set(parseConfig(readTextIfExists(file)?.replace(/^\uFEFF/, '') ?? '', RULE_IDS, ruleOptions).problems.map((p) => p.message));
    return all.filter((p) => !own.has(p.message));
  }

  /** A config file's text: the editor's when it is open (problems show as the user types), else the file on disk. */
  configText(uri: string): string | undefined {
    const open = this.open.get(uri);
    if (open) return open.getText();
    const file = uriToPath(uri);
    if (!file || this.configs.escapes(file)) return undefined;
    // Editors drop a BOM from the text they hold, so positions count without it.
    return readTextIfExists(file)?.replace(/^\uFEFF/, '');
  }

  /** Where a new `.avdsec.json` goes: the config that applies already, else the workspace folder holding the file. */
  configFileFor(uri: string): string | undefined {
    const existing = this.config(uri).file;
    if (existing) return existing;
    const file = uriToPath(uri);
    if (!file) return undefined;
    const folder = this.folders.filter((f) => file.startsWith(f + path.sep)).sort((a, b) => b.length - a.length)[0];
    return path.join(folder ?? path.dirname(file), '.avdsec.json');
  }
}
