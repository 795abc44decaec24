import { adaptArm, linkNeutralEdit } from './adapters/arm/adapter';
import { plainBicepEdit } from './adapters/bicep/link-neutral';
import { type ParsedJson, parseJson, patchJson } from './adapters/arm/json';
import { adaptGraphJson } from './adapters/graph-json/adapter';
import { armPrinter } from './adapters/arm/print';
import { adaptBicep } from './adapters/bicep/adapter';
import { bicepPrinter } from './adapters/bicep/print';
import { conditionalAccessPolicyTf } from './adapters/terraform/conditional-access';
import { terraformPrinter } from './adapters/terraform/print';
import { dirOf } from './resolve/paths';
import { type ParseBudget, TerraformProject } from './adapters/terraform/project';
import { documentFindings, runRules } from './analyze';
import type { AvdsecConfig } from './config';
import type { FixContext } from './fix';
import { buildGraph, linkFacts, linkSignature, swapDocument, type AvdGraph } from './graph';
import { RULES } from './registry';
import type { Document, Finding, Language, Resource, TemplateInput } from './model';
import { declaredTargets } from './resolve/targets';
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
  /** ARM JSON: the tree of `text`, kept so that the next edit inside a string can patch it instead of parsing again. */
  json?: ParsedJson;
  /**
   * Bicep: the text the last edit typed, when it could only change one string; the adapter says whether the string is
   * one the graph does not link by, and whether this may skip the link comparison (see neutralForGraph).
   */
  edited?: { start: number; end: number; graph: boolean; links: boolean };
}

/**
 * The engine's view of a set of files (a workspace folder, a CLI scan): parses each file once per change, links the
 * AVD graph across them, and runs the rules. Pure: it is handed text, never reads the disk.
 */
export class Workspace {
  private readonly files = new Map<string, FileEntry>();
  private graphCache: AvdGraph | undefined;
  /** Findings per config and document: rules run focused on one document at a time. */
  private readonly findingsCache = new Map<AvdsecConfig, Map<string, Finding[]>>();
  /** Rule results per config and focus set, shared by the documents with the same focus. */
  private readonly runCache = new Map<AvdsecConfig, Map<string, Finding[]>>();
  /** Link signature of each document in the last graph, to tell whether an edit can change other documents' findings. */
  private readonly signatures = new Map<string, string>();
  private readonly dirtyLinks = new Set<string>();
  private readonly touched = new Set<string>();
  /** Documents replaced since the graph was built, with the version the graph holds. */
  private readonly replaced = new Map<string, Document>();
  /**
   * Files whose every edit since the graph last saw them (since the last linksChanged) was inside an ARM string the graph
   * does not link by (linkNeutralEdit): the graph swaps their new version in without comparing link facts.
   */
  private readonly neutralForGraph = new Set<string>();
  private readonly neutralForLinks = new Set<string>();

  private readonly terraform: TerraformProject;
  private readonly tfPrinter: Printer;
  /** Templates each file passes values to (declaredTargets), and the reverse. */
  private readonly targets = new Map<string, string[]>();
  private readonly callers = new Map<string, Set<string>>();
  /** The files of each folder, for module directories and the targets of module calls. */
  private readonly byFolder = new Map<string, Set<string>>();
  /** Documents being read, so that a cycle of module calls cannot recurse. */
  private readonly adapting = new Set<string>();
  /** Documents read while their parser was restarting (after an abort on another file): read again once it is back. */
  private readonly retrying = new Set<string>();

  constructor(
    readonly grammars: Grammars,
    options: { terraformParseBudget?: ParseBudget } = {},
  ) {
    this.terraform = new TerraformProject(grammars, options.terraformParseBudget);
    this.tfPrinter = terraformPrinter(this.terraform);
  }

  private static isTerraform(language: Language | undefined): boolean {
    return language === 'terraform' || language === 'tfvars';
  }

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
    if (old && Workspace.isTerraform(old.language) && !Workspace.isTerraform(language)) this.staleSiblings(this.terraform.remove(uri));
    const entry: FileEntry = { uri, text, version, language };
    // Whether every edit since the graph (and since the last linksChanged) saw this file left its links as they were.
    const neutralGraph = !this.replaced.has(uri) || this.neutralForGraph.has(uri);
    const neutralLinks = !this.dirtyLinks.has(uri) || this.neutralForLinks.has(uri);
    let neutral = false;
    if (old?.json && old.language === language && changes?.length === 1) {
      const c = changes[0];
      entry.json = patchJson(old.json, text, c, old.text.slice(c.start, c.oldEnd), (path) => {
        neutral = language === 'arm' && linkNeutralEdit(path);
        // Otherwise the graph compares the old version's link facts with the new one's: read them before the tree moves.
        if (!neutral && old.doc && this.graphCache) linkFacts(old.doc);
      });
    }
    const before = this.targets.get(uri) ?? [];
    this.files.set(uri, entry);
    if (!old) this.folderSet(uri, true);
    if (language === 'bicep' && old?.language === 'bicep' && changes?.length === 1) {
      const c = changes[0];
      if (plainBicepEdit(c.newText, old.text.slice(c.start, c.oldEnd)))
        entry.edited = { start: c.start, end: c.start + c.newText.length, graph: neutralGraph, links: neutralLinks };
    }
    this.stale(uri, old);
    if (neutral && neutralGraph) this.neutralForGraph.add(uri);
    if (neutral && neutralLinks) this.neutralForLinks.add(uri);
    // A Terraform module directory is one configuration: its other files read this one's variables and locals.
    if (Workspace.isTerraform(language)) this.staleSiblings(this.terraform.update(uri, text, language, old?.language === language ? changes : undefined));
    this.setTargets(uri, declaredTargets(uri, language, text));
    this.staleDependents([...before, ...(this.targets.get(uri) ?? [])]);
    this.touchUpstream(uri);
    return true;
  }

  /** Findings about this document's resources may land in the documents that pass it values: publish those again too. */
  private touchUpstream(uri: string): void {
    const seen = new Set<string>([uri]);
    const queue = [uri];
    while (queue.length) {
      const u = queue.shift()!;
      const dir = `${dirOf(u)}/`;
      for (const key of [u, dir]) {
        for (const caller of this.callers.get(key) ?? []) {
          if (seen.has(caller)) continue;
          seen.add(caller);
          this.touched.add(caller);
          queue.push(caller);
        }
      }
    }
  }

  private setTargets(uri: string, targets: string[]): void {
    for (const t of this.targets.get(uri) ?? []) this.callers.get(t)?.delete(uri);
    if (targets.length) this.targets.set(uri, targets);
    else this.targets.delete(uri);
    for (const t of targets) {
      let set = this.callers.get(t);
      if (!set) this.callers.set(t, (set = new Set()));
      set.add(uri);
    }
  }

  /** The files of a target: the template itself, or every file of a Terraform module directory (`dir/`). */
  private filesOf(target: string): string[] {
    if (!target.endsWith('/')) return this.files.has(target) ? [target] : [];
    return [...(this.byFolder.get(target.slice(0, -1)) ?? [])];
  }

  private folderSet(uri: string, add: boolean): void {
    const dir = dirOf(uri);
    let set = this.byFolder.get(dir);
    if (add) {
      if (!set) this.byFolder.set(dir, (set = new Set()));
      set.add(uri);
    } else if (set) {
      set.delete(uri);
      if (!set.size) this.byFolder.delete(dir);
    }
  }

  /** Templates that read values from a changed document are read again, and so on down the chain of module calls. */
  private staleDependents(targets: string[]): void {
    const seen = new Set<string>();
    const queue = [...targets];
    while (queue.length) {
      const t = queue.shift()!;
      if (seen.has(t)) continue;
      seen.add(t);
      const files = this.filesOf(t);
      this.staleSiblings(files);
      for (const f of files) queue.push(...(this.targets.get(f) ?? []));
    }
  }

  /** The inputs that target a document: module calls and parameter files elsewhere in the workspace. */
  private inputsFor(f: FileEntry): TemplateInput[] {
    const isTf = Workspace.isTerraform(f.language);
    const key = isTf ? `${dirOf(f.uri)}/` : f.uri;
    const out: TemplateInput[] = [];
    for (const caller of this.callers.get(key) ?? []) {
      // A module block cannot call its own directory; variables files beside the configuration do pass it values.
      if (this.adapting.has(caller) || (isTf && dirOf(caller) === dirOf(f.uri) && this.files.get(caller)?.language !== 'tfvars')) continue;
      for (const input of this.document(caller)?.facts.inputs ?? []) {
        const target = input.targets.find((t) => this.filesOf(t).length > 0);
        if (target === key) out.push(input);
      }
    }
    return out.sort((a, b) => a.uri.localeCompare(b.uri));
  }

  /** Forgets a document's model, keeping the previous one so that the graph can swap it in place when its links stay. */
  private stale(uri: string, old: FileEntry | undefined): void {
    if (old?.doc && this.graphCache && !this.replaced.has(uri)) this.replaced.set(uri, old.doc);
    // A second edit before any check: the graph still holds the version kept in `replaced`.
    else if (!old?.doc && !this.replaced.has(uri)) this.graphCache = undefined;
    this.invalidate(uri);
  }

  private staleSiblings(uris: string[]): void {
    for (const u of uris) {
      const f = this.files.get(u);
      if (!f) continue;
      const old = { ...f };
      f.doc = undefined;
      // Read again for another reason than its own edit (its inputs or siblings changed): no shortcut for its links.
      f.edited = undefined;
      this.stale(u, old);
    }
  }

  delete(uri: string): void {
    const old = this.files.get(uri);
    if (this.files.delete(uri)) {
      this.folderSet(uri, false);
      this.graphCache = undefined;
      this.invalidate(uri);
      if (Workspace.isTerraform(old?.language)) this.staleSiblings(this.terraform.remove(uri));
      const targets = this.targets.get(uri) ?? [];
      this.setTargets(uri, []);
      this.staleDependents(targets);
    }
  }

  /**
   * Frees what the workspace holds outside the JS heap (Terraform syntax trees). A process that makes many workspaces
   * (tests, tools) must call it: WebAssembly memory fills up long before the garbage collector notices.
   */
  dispose(): void {
    this.terraform.dispose();
    this.files.clear();
    this.byFolder.clear();
    this.graphCache = undefined;
    this.replaced.clear();
    this.findingsCache.clear();
    this.runCache.clear();
  }

  /** The text the workspace holds for a file, without reading it into the model. */
  text(uri: string): string | undefined {
    return this.files.get(uri)?.text;
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  uris(): string[] {
    return [...this.files.keys()];
  }

  private invalidate(uri: string): void {
    this.neutralForGraph.delete(uri);
    this.neutralForLinks.delete(uri);
    this.findingsCache.clear();
    this.runCache.clear();
    this.dirtyLinks.add(uri);
    this.touched.add(uri);
  }

  /**
   * The documents whose model changed since the last call: the changed files and the files that read them (the
   * other files of a Terraform module directory). Their findings must be published again.
   */
  takeTouched(): Set<string> {
    const out = new Set(this.touched);
    this.touched.clear();
    return out;
  }

  /**
   * Whether the changes since the last call may have changed findings in documents other than the changed ones: false
   * when every changed document links to the rest exactly as before (same host pools, hosts, grants, policies).
   */
  linksChanged(): boolean {
    const graph = this.graph();
    let changed = false;
    for (const uri of this.dirtyLinks) {
      if (this.neutralForLinks.has(uri) && this.signatures.has(uri)) continue;
      const sig = this.files.has(uri) ? linkSignature(graph, uri) : undefined;
      if (sig !== this.signatures.get(uri)) changed = true;
      if (sig === undefined) this.signatures.delete(uri);
      else this.signatures.set(uri, sig);
    }
    this.dirtyLinks.clear();
    this.neutralForLinks.clear();
    return changed;
  }

  document(uri: string): Document | undefined {
    const f = this.files.get(uri);
    if (!f) return undefined;
    if (!f.doc) {
      this.adapting.add(uri);
      try {
        f.doc = this.adapt(f);
      } finally {
        this.adapting.delete(uri);
      }
      if (f.doc.syntaxErrors.some((e) => e.retry)) this.retrying.add(uri);
      // A Bicep edit inside a string the graph does not link by (known once the file is read).
      if (f.edited && f.doc.facts.linkNeutral) {
        if (f.edited.graph) this.neutralForGraph.add(uri);
        if (f.edited.links) this.neutralForLinks.add(uri);
      }
      f.edited = undefined;
    }
    return f.doc;
  }

  private adapt(f: FileEntry): Document {
    switch (f.language) {
      case 'arm':
        return adaptArm(f.uri, f.text, f.version, f.language, { inputs: this.inputsFor(f), parsed: (f.json ??= parseJson(f.text)) });
      case 'arm-parameters':
        return adaptArm(f.uri, f.text, f.version, f.language, { parsed: (f.json ??= parseJson(f.text)) });
      case 'graph-json':
        return adaptGraphJson(f.uri, f.text, f.version);
      case 'bicep':
        return adaptBicep(f.uri, f.text, f.version, f.language, { inputs: this.inputsFor(f), edited: f.edited });
      case 'bicepparam':
        return adaptBicep(f.uri, f.text, f.version, f.language);
      case 'terraform':
      case 'tfvars': {
        // Variables files are read as literals: they take no inputs (and must not, since they are inputs themselves).
        if (f.language === 'terraform' && this.terraform.setInputs(dirOf(f.uri), this.inputsFor(f))) {
          this.staleSiblings(this.terraform.siblings(f.uri).filter((u) => !this.adapting.has(u)));
        }
        const doc = this.terraform.adapt(f.uri, f.version);
        if (doc) return doc;
        return {
          uri: f.uri,
          language: f.language,
          text: f.text,
          version: f.version,
          resources: [],
          syntaxErrors: [],
          suppressions: [],
          facts: {},
          symbols: [],
        };
      }
      default:
        return {
          uri: f.uri,
          language: f.language,
          text: f.text,
          version: f.version,
          resources: [],
          syntaxErrors: [],
          suppressions: [],
          facts: {},
          symbols: [],
        };
    }
  }

  documents(): Document[] {
    return this.uris().map((u) => this.document(u)!);
  }

  /**
   * The AVD graph. After an edit that keeps the document's link facts (typing inside an RDP string, a comment, a
   * description), the edited document's resources are swapped into the graph in place; otherwise it is built again.
   */
  graph(): AvdGraph {
    this.recover();
    if (this.graphCache && this.replaced.size) {
      for (const [uri, prev] of this.replaced) {
        const next = this.document(uri);
        const same = next && (this.neutralForGraph.has(uri) || linkFacts(prev) === linkFacts(next));
        const swapped = same ? swapDocument(this.graphCache, prev, next) : undefined;
        if (!swapped) {
          this.graphCache = undefined;
          break;
        }
      }
      this.replaced.clear();
      this.neutralForGraph.clear();
    }
    if (!this.graphCache) {
      this.replaced.clear();
      this.neutralForGraph.clear();
      this.graphCache = buildGraph(this.documents());
    }
    return this.graphCache;
  }

  /** Reads again the documents that waited for a restarting parser, once it is back. */
  private recover(): void {
    if (!this.retrying.size || !this.grammars.usable()) return;
    const uris = [...this.retrying];
    this.retrying.clear();
    this.staleSiblings(uris);
  }

  /** Whether documents wait for a restarting parser: a host can wait for `grammars.ready()`, then check again. */
  get waitingForParser(): boolean {
    return this.retrying.size > 0;
  }

  /**
   * The documents whose findings may land in `uri`: itself, and those that read values written in it (the templates
   * its module calls and parameters target, down the chain; the other files of its Terraform module directory).
   */
  private focusFor(uri: string): Set<string> {
    const focus = new Set<string>([uri]);
    const queue = [uri];
    const f = this.files.get(uri);
    if (f && Workspace.isTerraform(f.language)) queue.push(...this.filesOf(`${dirOf(uri)}/`));
    while (queue.length) {
      const u = queue.shift()!;
      focus.add(u);
      for (const t of this.targets.get(u) ?? []) for (const x of this.filesOf(t)) if (!focus.has(x)) queue.push(x);
    }
    return focus;
  }

  /** Findings for one file, with the config that applies to it (with `includeSuppressed`, also the silenced ones, marked). */
  findings(uri: string, config: AvdsecConfig, options: { includeSuppressed?: boolean } = {}): Finding[] {
    this.recover();
    const doc = this.document(uri);
    if (!doc) return [];
    let byUri = this.findingsCache.get(config);
    if (!byUri) this.findingsCache.set(config, (byUri = new Map()));
    const key = options.includeSuppressed ? `${uri}\u0000suppressed` : uri;
    let found = byUri.get(key);
    if (!found) {
      const enabled = (id: string) => config.rules[id]?.level !== 'off';
      // The files of one Terraform directory share a focus: the rules run once for all of them.
      const focus = this.focusFor(uri);
      const focusKey = [...focus].sort().join('\n');
      let all = this.runCache.get(config)?.get(focusKey);
      if (!all) {
        all = runRules(this.graph(), config, RULES, focus);
        let m = this.runCache.get(config);
        if (!m) this.runCache.set(config, (m = new Map()));
        m.set(focusKey, all);
      }
      found = documentFindings(all, doc, { includeSuppressed: options.includeSuppressed, reportUnused: { enabled } });
      byUri.set(key, found);
    }
    return found;
  }

  printer(language: Language): Printer | undefined {
    switch (language) {
      case 'arm':
      case 'arm-parameters':
        return armPrinter;
      case 'terraform':
      case 'tfvars':
        return this.tfPrinter;
      case 'bicep':
      case 'bicepparam':
        return bicepPrinter;
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
      conditionalAccessFile: (nearUri) => {
        if (this.files.get(nearUri)?.language !== 'terraform') return undefined;
        const dir = dirOf(nearUri);
        const name = ['conditional-access.tf', 'avdsec-conditional-access.tf'].find((n) => !this.files.has(`${dir}/${n}`));
        return name ? { uri: `${dir}/${name}`, text: conditionalAccessPolicyTf(this.document(nearUri)?.text.includes('\r\n') ? '\r\n' : '\n') } : undefined;
      },
    };
  }
}
