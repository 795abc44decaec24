import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type AvdsecConfig, emptyConfig } from '../engine/config';
import type { Grammars } from '../engine/parse';
import { type TextChange, Workspace } from '../engine/workspace';
import { ConfigResolver, type LoadedConfig } from '../host/config-files';
import { discoverFiles, readSourceFile } from '../host/files';

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

/**
 * The server's files: the editor's open documents (their text wins) and the rest of the workspace folders, read
 * from disk at start and kept current from file-change notifications, so cross-file facts are known before a file opens.
 */
/** One object for documents outside any folder: findings are cached per config object. */
const NO_CONFIG = { config: emptyConfig(), problems: [], isExcluded: () => false };

export class ServerWorkspace {
  readonly engine: Workspace;
  private readonly open = new Map<string, TextDocument>();
  private readonly configs = new ConfigResolver();
  private folders: string[] = [];

  constructor(grammars: Grammars) {
    this.engine = new Workspace(grammars);
  }

  async index(folderUris: string[]): Promise<number> {
    this.folders = folderUris.map(uriToPath).filter((p): p is string => !!p);
    const { files } = await discoverFiles(this.folders, process.cwd());
    let n = 0;
    for (const file of files) {
      const uri = pathToUri(file);
      if (this.open.has(uri) || this.config(uri).isExcluded(file)) continue;
      if (this.readFromDisk(uri)) n++;
    }
    return n;
  }

  /** Reads or re-reads a file that is not open in the editor. */
  readFromDisk(uri: string): boolean {
    if (this.open.has(uri)) return false;
    const file = uriToPath(uri);
    if (!file) return false;
    const r = readSourceFile(file);
    if (!r.ok) {
      this.engine.delete(uri);
      return false;
    }
    return this.engine.set(uri, r.text);
  }

  deleted(uri: string): void {
    if (!this.open.has(uri)) this.engine.delete(uri);
  }

  opened(uri: string, languageId: string, version: number, text: string): void {
    const doc = TextDocument.create(uri, languageId, version, text);
    this.open.set(uri, doc);
    this.engine.set(uri, text, version);
  }

  changed(uri: string, version: number, changes: ({ range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } | { text: string })[]): void {
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
    this.engine.set(uri, current.getText(), version, edits.length === changes.length ? edits : undefined);
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

  configFor(uri: string): AvdsecConfig {
    return this.config(uri).config;
  }

  configChanged(): void {
    this.configs.clear();
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
