import { adaptArm } from './adapters/arm/adapter';
import { adaptGraphJson } from './adapters/arm/graph';
import { armPrinter } from './adapters/arm/print';
import { documentFindings, runRules } from './analyze';
import type { AvdsecConfig } from './config';
import type { FixContext } from './fix';
import { buildGraph, type AvdGraph } from './graph';
import type { Document, Finding, Language, Resource } from './model';
import { detectLanguage, type Grammars } from './parse';
import type { Printer } from './printer';

/** A change to a file's text, in offsets of the text before the change (as LSP incremental sync sends them). */
export interface TextChange {
  start: number;
  oldEnd: number;
  newText: string;
}

interface FileEntry {
  uri: string;
  text: string;
  version: number;
  language: Language;
  doc?: Document;
}

/**
 * The engine's view of a set of files (a workspace folder, a CLI scan): parses each file once per change, links the
 * AVD graph across them, and runs the rules. Pure: it is handed text, never reads the disk.
 */
export class Workspace {
  private readonly files = new Map<string, FileEntry>();
  private graphCache: AvdGraph | undefined;
  private readonly findingsCache = new Map<AvdsecConfig, Finding[]>();

  constructor(readonly grammars: Grammars) {}

  /** Adds or updates a file. Returns false (and forgets the file) when avdsec does not read it. */
  set(uri: string, text: string, version = 0, changes?: TextChange[]): boolean {
    const language = detectLanguage(uri, text);
    const old = this.files.get(uri);
    if (!language) {
      if (old) this.delete(uri);
      return false;
    }
    if (old && old.text === text && old.language === language) {
      old.version = version;
      return true;
    }
    void changes;
    this.files.set(uri, { uri, text, version, language });
    this.invalidate();
    return true;
  }

  delete(uri: string): void {
    if (this.files.delete(uri)) this.invalidate();
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  uris(): string[] {
    return [...this.files.keys()];
  }

  private invalidate(): void {
    this.graphCache = undefined;
    this.findingsCache.clear();
  }

  document(uri: string): Document | undefined {
    const f = this.files.get(uri);
    if (!f) return undefined;
    if (!f.doc) f.doc = this.adapt(f);
    return f.doc;
  }

  private adapt(f: FileEntry): Document {
    switch (f.language) {
      case 'arm':
      case 'arm-parameters':
        return adaptArm(f.uri, f.text, f.version, f.language);
      case 'graph-json':
        return adaptGraphJson(f.uri, f.text, f.version);
      default:
        return { uri: f.uri, language: f.language, text: f.text, version: f.version, resources: [], syntaxErrors: [], suppressions: [], facts: {}, symbols: [] };
    }
  }

  documents(): Document[] {
    return this.uris().map((u) => this.document(u)!);
  }

  graph(): AvdGraph {
    return (this.graphCache ??= buildGraph(this.documents()));
  }

  private allFindings(config: AvdsecConfig): Finding[] {
    let all = this.findingsCache.get(config);
    if (!all) {
      all = runRules(this.graph(), config);
      this.findingsCache.set(config, all);
    }
    return all;
  }

  /** Findings for one file, with the config that applies to it. */
  findings(uri: string, config: AvdsecConfig): Finding[] {
    const doc = this.document(uri);
    return doc ? documentFindings(this.allFindings(config), doc) : [];
  }

  printer(language: Language): Printer | undefined {
    switch (language) {
      case 'arm':
        return armPrinter;
      default:
        return undefined;
    }
  }

  fixContext(): FixContext {
    const graph = this.graph();
    return {
      document: (uri) => this.document(uri),
      resource: (key): Resource | undefined => graph.byKey.get(key),
      printer: (language) => this.printer(language),
    };
  }
}
