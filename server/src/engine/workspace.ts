import { adaptArm, linkNeutralEdit } from './adapters/arm/adapter';
import { bicepLinkNeutralEdit, plainBicepEdit } from './adapters/bicep/link-neutral';
import { patchBicep } from './adapters/bicep/patch';
import type { Program } from './adapters/bicep/syntax';
import { type ParsedJson, parseJson, patchJson } from './adapters/arm/json';
import { adaptGraphJson } from './adapters/graph-json/adapter';
import { adaptTerraformPlan } from './adapters/terraform-plan/adapter';
import { armPrinter } from './adapters/arm/print';
import { adaptBicep, parseBicepFile } from './adapters/bicep/adapter';
import { bicepPrinter } from './adapters/bicep/print';
import { conditionalAccessPolicyTf } from './adapters/terraform/conditional-access';
import { terraformPrinter } from './adapters/terraform/print';
import { CallGraph } from './resolve/calls';
import { CompiledTemplates } from './compiled';
import { inputsTargeting, sameInputs } from './resolve/inputs';
import { baseName, dirOf } from './resolve/paths';
import { type ParseBudget, TerraformProject } from './adapters/terraform/project';
import type { SyntaxArrays } from './adapters/terraform/syntax';
import { chosenFindings, deploymentJudgements, documentFindings, judgeDeployment, runRules, subjectOfFinding } from './analyze';
import { subjectsNear } from './graph/neighbours';
import { carryFinding, changeBetween, type TextChange, writtenRanges } from './text-changes';
import type { AvdsecConfig } from './config';
import type { FixContext } from './fix';
import { graphReport, type GraphReport } from './graph-report';
import { overview, type Overview } from './overview';
import { burstBefore, type Carried } from './graph/carried';
import { type ChangedResources, changedByValue, MAX_COMPARED_LENGTH, readValues } from './graph/changed-values';
import { buildGraph, type DocumentSwap, graphSteps, linkFacts, linkSignatures, readLinkValues, ssoSignature, swapDocuments, type AvdGraph } from './graph';
import { RULES } from './registry';
import type { Document, Finding, Language, ObjectEntry, Range, Resource, TemplateInput } from './model';
import { entry } from './values';
import { detectLanguage, type Grammars } from './parse';
import type { Printer } from './printer';

/** The engine's finding on a module call that closes a cycle of module calls: not a rule, the model is incomplete. */
export const MODULE_CYCLE = 'module-cycle';

export type { TextChange } from './text-changes';

interface FileEntry {
  uri: string;
  text: string;
  version: number;
  language: Language;
  doc?: Document;
  /** The inputs `doc` was read with. */
  inputs?: readonly TemplateInput[];
  /** ARM JSON: the tree of `text`, kept so that the next edit inside a string can patch it instead of parsing again. */
  json?: ParsedJson;
  /** Bicep: the tree of `text`, kept so that the next edit inside a string can patch it (patchBicep). */
  bicep?: Program;
  /**
   * Bicep: the text the last edit typed, when it could only change one string; the adapter says whether the string is
   * one the graph does not link by, and whether this may skip the link comparison (see neutralForGraph).
   */
  edited?: { start: number; end: number; graph: boolean; links: boolean };
}

/** Documents whose link signatures one step of Workspace.prepare computes. */
const SIGNED_PER_STEP = 200;

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
  /**
   * The last rule results per config and focus, kept through edits (runCache is not), with the position in `log` they
   * were computed at: the editor's first answer after an edit moves them through the edits (quickFindings). Weak: a
   * config replaced (an edit of .avdsec.json) takes its results with it, and their messages hold pieces of old texts.
   */
  private lastRuns = new WeakMap<AvdsecConfig, Map<string, { seq: number; findings: Finding[] }>>();
  /**
   * The latest changes, in order, one entry per `seq`: an edit of a file's text (`changes`), or anything else that may
   * change findings (a file added, replaced or deleted, links changed), which no earlier result can be carried over.
   */
  private readonly log: { seq: number; uri: string; changes?: readonly TextChange[] }[] = [];
  private seq = 0;
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
  /** The position in `log` the graph is up to date with: the edits after it are those the next swap takes in. */
  private graphSeq = 0;
  /** Each file's own host pools' single sign-on state (ssoSignature), which neutral edits may change too. */
  private readonly ssoSignatures = new Map<string, string>();
  /** Documents whose single sign-on state a `linksChanged({ singleSignOn: false })` left to compare. */
  private readonly dirtySso = new Set<string>();

  private readonly terraform: TerraformProject;
  private readonly tfPrinter: Printer;
  private readonly calls = new CallGraph();
  private readonly compiled = new CompiledTemplates(
    () => this.documents(),
    (uri) => this.calls.targetsOf(uri),
  );
  /**
   * Documents whose callers changed since they were read: their inputs are computed again before their model is used,
   * and they are read again only when those differ.
   */
  private readonly unsure = new Set<string>();
  /** Documents read while their parser was restarting (after an abort on another file): read again once it is back. */
  private readonly retrying = new Set<string>();
  /**
   * Counts the changes that can leave a document to read (a file set or deleted, a model forgotten, a document whose
   * callers changed); `readAll` is the count when every document was last read. The graph asks before each file's
   * findings: without this, a scan of n files walked all n documents n times.
   */
  private changes = 0;
  private readAll = -1;

  constructor(
    readonly grammars: Grammars,
    options: { terraformParseBudget?: ParseBudget } = {},
  ) {
    this.terraform = new TerraformProject(grammars, options.terraformParseBudget);
    this.tfPrinter = terraformPrinter(this.terraform);
  }

  /** The templates the configuration pairs a parameters file with (`parameterFiles`); the host says. */
  private templatesOf: (uri: string) => readonly string[] = () => [];
  /** The project of each document (setProjects). */
  private projectOf: (uri: string) => string = () => '';

  private pairedTemplates(uri: string, language: Language): readonly string[] {
    return language === 'arm-parameters' ? this.templatesOf(uri) : [];
  }

  /**
   * Terraform trees parsed ahead of `set`, by text (a host parsing on other threads): a file whose text is found here
   * takes that tree instead of being parsed. The trees must be what this workspace's parser makes of the same text.
   */
  setPreparsedTerraform(lookup: ((text: string) => SyntaxArrays | undefined) | undefined): void {
    this.terraform.preparsed = lookup;
  }

  /**
   * Which project (repository) each document belongs to: the host knows where `.git` is, the engine does not. What one
   * project cannot resolve then stays within it (see AvdGraph.project). One project for all until this is called.
   */
  setProjects(projectOf: (uri: string) => string): void {
    this.projectOf = projectOf;
    this.changes++;
    this.logChange('');
    this.graphCache = undefined;
  }

  /**
   * Sets which templates each parameters file serves beyond what its name says (the hosts read `parameterFiles` of
   * .avdsec.json); the parameters files whose pairing changed are read again, and so are the templates they serve.
   */
  setParameterFiles(templatesOf: (uri: string) => readonly string[]): void {
    this.changes++;
    this.logChange('');
    this.templatesOf = templatesOf;
    for (const f of this.files.values()) {
      if (f.language !== 'arm-parameters') continue;
      const before = this.calls.set(f.uri, f.language, f.text, this.pairedTemplates(f.uri, f.language));
      const after = this.calls.targetsOf(f.uri);
      if (before.length === after.length && before.every((t, i) => t === after[i])) continue;
      this.staleSiblings([f.uri]);
      this.recheck(this.calls.dependents([f.uri], before));
    }
  }

  /** Terraform files (.tf and .tfvars): a module directory is one configuration, and they are parsed with tree-sitter. */
  static isTerraform(language: Language | undefined): boolean {
    return language === 'terraform' || language === 'tfvars';
  }

  /** Adds or updates a file. Returns false (and forgets the file) when avdsec does not read it. */
  set(uri: string, text: string, version = 0, changes?: TextChange[]): boolean {
    this.changes++;
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
    // A client that sends whole texts, or a file changed on disk: the edit is what lies between the common start and end.
    if (old && old.language === language && !changes?.length) changes = [changeBetween(old.text, text)];
    this.logChange(uri, old && old.language === language ? changes : undefined);
    const siblings = old && Workspace.isTerraform(old.language) && !Workspace.isTerraform(language) ? this.terraform.remove(uri) : [];
    const entry: FileEntry = { uri, text, version, language };
    // A Bicep edit not read yet (a burst of keystrokes): whether it kept the links is what the adapter would say of it.
    // Not reading that here made the next edit of the burst compare the link facts of the version the graph holds,
    // which its patched tree no longer reads (the graph was built again).
    const pending =
      old?.language === 'bicep' && old.edited && old.bicep && !old.bicep.errors.length && bicepLinkNeutralEdit(old.bicep, old.edited.start, old.edited.end)
        ? old.edited
        : undefined;
    // Whether every edit since the graph (and since the last linksChanged) saw this file left its links as they were.
    const neutralGraph = !this.replaced.has(uri) || this.neutralForGraph.has(uri) || !!pending?.graph;
    const neutralLinks = !this.dirtyLinks.has(uri) || this.neutralForLinks.has(uri) || !!pending?.links;
    let neutral = false;
    if (old?.json && old.language === language && changes?.length === 1) {
      const c = changes[0];
      entry.json = patchJson(old.json, text, c, old.text.slice(c.start, c.oldEnd), (path) => {
        neutral = language === 'arm' && linkNeutralEdit(path);
        // Otherwise the graph compares the old version's link facts with the new one's, and then its values (what the
        // edit changed): read them before the tree moves, when the graph holds that version.
        if (!neutral && old.doc && this.graphCache) {
          linkFacts(old.doc);
          if (language === 'arm' && !this.replaced.has(uri) && old.text.length <= MAX_COMPARED_LENGTH) readValues(old.doc);
        }
      });
    }
    this.files.set(uri, entry);
    if (language === 'bicep' && old?.language === 'bicep' && changes?.length === 1) {
      const c = changes[0];
      if (plainBicepEdit(c.newText, old.text.slice(c.start, c.oldEnd))) {
        entry.edited = { start: c.start, end: c.start + c.newText.length, graph: neutralGraph, links: neutralLinks };
        if (old.bicep) entry.bicep = patchBicep(old.bicep, text, c);
      }
    }
    // A patched tree was typed into inside a resource's property: no module or `using` line changed, the calls stay.
    const before = entry.bicep ? this.calls.targetsOf(uri) : this.calls.set(uri, language, text, this.pairedTemplates(uri, language));
    this.stale(uri, old);
    if (neutral && neutralGraph) this.neutralForGraph.add(uri);
    if (neutral && neutralLinks) this.neutralForLinks.add(uri);
    // A Terraform module directory is one configuration: its other files read this one's variables and locals.
    if (Workspace.isTerraform(language)) siblings.push(...this.terraform.update(uri, text, language, old?.language === language ? changes : undefined));
    this.staleSiblings(siblings);
    this.recheck(this.calls.dependents([uri, ...siblings], before));
    if (old?.language !== language) this.recheck(this.calls.dependents(this.calls.routedTo(uri)));
    for (const caller of this.calls.upstream(uri)) this.touched.add(caller);
    return true;
  }

  private logChange(uri: string, changes?: readonly TextChange[]): void {
    this.log.push({ seq: ++this.seq, uri, ...(changes?.length ? { changes } : {}) });
    if (this.log.length > 256) this.log.splice(0, this.log.length - 128);
  }

  private recheck(uris: string[]): void {
    this.changes++;
    for (const u of uris) if (this.files.get(u)?.doc) this.unsure.add(u);
  }

  /** Forgets a document's model, keeping the previous one so that the graph can swap it in place when its links stay. */
  private stale(uri: string, old: FileEntry | undefined): void {
    if (old?.doc && this.graphCache && !this.replaced.has(uri)) this.replaced.set(uri, old.doc);
    // A second edit before any check: the graph still holds the version kept in `replaced`.
    else if (!old?.doc && !this.replaced.has(uri)) this.graphCache = undefined;
    this.invalidate(uri);
  }

  /** Forgets the models of documents to read again for another reason than their own edit (their inputs or siblings changed). */
  private staleSiblings(uris: string[]): void {
    for (const u of uris) {
      const f = this.files.get(u);
      if (!f) continue;
      const old = { ...f };
      f.doc = undefined;
      // No shortcut for its links.
      f.edited = undefined;
      this.stale(u, old);
    }
  }

  delete(uri: string): void {
    this.changes++;
    this.logChange(uri);
    const old = this.files.get(uri);
    if (this.files.delete(uri)) {
      this.graphCache = undefined;
      this.invalidate(uri);
      const siblings = Workspace.isTerraform(old?.language) ? this.terraform.remove(uri) : [];
      const targets = this.calls.delete(uri);
      this.unsure.delete(uri);
      this.staleSiblings(siblings);
      this.recheck(this.calls.dependents(siblings, targets));
      this.recheck(this.calls.dependents(this.calls.routedTo(uri)));
    }
  }

  /**
   * Frees what the workspace holds outside the JS heap (Terraform syntax trees). A process that makes many workspaces
   * (tests, tools) must call it: WebAssembly memory fills up long before the garbage collector notices.
   */
  dispose(): void {
    this.terraform.dispose();
    this.files.clear();
    this.unsure.clear();
    this.calls.clear();
    this.graphCache = undefined;
    this.replaced.clear();
    this.findingsCache.clear();
    this.runCache.clear();
    this.lastRuns = new WeakMap();
    this.log.length = 0;
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
    this.changes++;
    this.compiled.changed();
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
    const out = new Set([...this.touched, ...this.calls.cyclesChanged()]);
    this.touched.clear();
    return out;
  }

  /**
   * Whether the changes since the last call may have changed findings in documents other than the changed ones: false
   * when every changed document links to the rest exactly as before (same host pools, hosts, grants, policies) and its
   * pools turn single sign-on on and off as before.
   *
   * `singleSignOn: false` leaves that last comparison to the next call (it evaluates every pool's RDP string): the
   * editor's first answer does not need it, since only other files' Conditional Access findings depend on it.
   */
  linksChanged(options: { singleSignOn?: boolean } = {}): boolean {
    const graph = this.graph();
    let changed = false;
    const signed = this.signaturesFor(graph, this.unsigned());
    for (const uri of this.dirtyLinks) {
      this.dirtySso.add(uri);
      if (this.neutralForLinks.has(uri) && this.signatures.has(uri)) continue;
      const sig = signed.get(uri);
      if (sig !== this.signatures.get(uri)) changed = true;
      if (sig === undefined) this.signatures.delete(uri);
      else this.signatures.set(uri, sig);
    }
    this.dirtyLinks.clear();
    this.neutralForLinks.clear();
    // Kept for this call only: `signatures` holds what the next one compares with.
    this.signed = undefined;
    if (options.singleSignOn !== false) {
      for (const uri of this.dirtySso) {
        const doc = this.files.get(uri)?.doc;
        const sso = doc ? ssoSignature(doc) : undefined;
        if (sso !== this.ssoSignatures.get(uri)) changed = true;
        if (sso === undefined) this.ssoSignatures.delete(uri);
        else this.ssoSignatures.set(uri, sso);
      }
      this.dirtySso.clear();
    }
    if (changed) this.logChange('');
    return changed;
  }

  /** The documents whose link signatures linksChanged compares next. */
  private unsigned(): string[] {
    return [...this.dirtyLinks].filter((uri) => this.files.has(uri) && !(this.neutralForLinks.has(uri) && this.signatures.has(uri)));
  }

  /** Link signatures for a version of the documents, computed once: Workspace.prepare computes them ahead, in steps. */
  private signed?: { documents: readonly Document[]; byUri: Map<string, string> };

  private signaturesFor(graph: AvdGraph, uris: readonly string[]): ReadonlyMap<string, string> {
    if (this.signed?.documents !== graph.documents) this.signed = { documents: graph.documents, byUri: new Map() };
    const { byUri } = this.signed;
    const missing = uris.filter((u) => !byUri.has(u));
    if (missing.length) for (const [u, sig] of linkSignatures(graph, new Set(missing))) byUri.set(u, sig);
    return byUri;
  }

  document(uri: string): Document | undefined {
    if (this.unread(uri)) this.read([uri]);
    return this.files.get(uri)?.doc;
  }

  /** Whether a file is held but has no model, or one its callers may have changed. */
  private unread(uri: string): boolean {
    const f = this.files.get(uri);
    return !!f && (!f.doc || this.unsure.has(uri));
  }

  /**
   * Reads the documents `uris` need that are not read yet or whose callers changed: those and the callers they take
   * values from, callers first, each once per distinct set of inputs. The inputs come from the callers' models in a
   * pure step before adapting (inputsTargeting): no adapter asks for another document.
   */
  private read(uris: Iterable<string>): void {
    const readAgain: string[] = [];
    for (const uri of this.calls.readingOrder(uris, (u) => this.unread(u))) {
      const f = this.files.get(uri)!;
      this.unsure.delete(uri);
      const inputs = this.inputsOf(uri);
      // The same values from the same places: the model stays (and a Terraform directory keeps its evaluated values).
      const same = f.inputs !== undefined && sameInputs(f.inputs, inputs);
      if (f.doc && same) continue;
      if (f.doc) {
        this.staleSiblings([uri]);
        // Findings about its resources land in the documents that pass it values: publish those again too.
        for (const caller of this.calls.upstream(uri)) this.touched.add(caller);
      }
      if (!same) f.inputs = inputs;
      f.doc = this.adapt(f, f.inputs!);
      // Calls only the model shows (an ARM templateLink built from parameters): a callee read before it reads again.
      for (const t of this.calls.learn(
        uri,
        (f.doc.facts.inputs ?? []).flatMap((i) => i.targets),
      )) {
        for (const callee of this.calls.filesOf(t)) {
          if (callee !== uri && this.files.get(callee)?.doc) {
            this.unsure.add(callee);
            readAgain.push(callee);
          }
        }
      }
      if (f.doc.syntaxErrors.some((e) => e.retry)) this.retrying.add(uri);
      // A Bicep edit inside a string the graph does not link by (known once the file is read).
      if (f.edited && f.doc.facts.linkNeutral) {
        if (f.edited.graph) this.neutralForGraph.add(uri);
        if (f.edited.links) this.neutralForLinks.add(uri);
      }
      f.edited = undefined;
    }
    if (readAgain.length) this.read(readAgain);
  }

  /** The inputs that target a document, from the models of the callers it takes values from (read before it). */
  private inputsOf(uri: string): readonly TemplateInput[] {
    const key = this.calls.inputKey(uri);
    if (!key) return [];
    const callers = this.calls.takesFrom(uri).map((c) => this.files.get(c)!.doc!);
    return inputsTargeting(key, callers, (t) => this.calls.filesOf(t).length > 0);
  }

  private adapt(f: FileEntry, inputs: readonly TemplateInput[]): Document {
    switch (f.language) {
      case 'arm':
        return adaptArm(f.uri, f.text, f.version, f.language, { inputs, parsed: (f.json ??= parseJson(f.text)) });
      case 'arm-parameters':
        return adaptArm(f.uri, f.text, f.version, f.language, { parsed: (f.json ??= parseJson(f.text)), templates: this.pairedTemplates(f.uri, f.language) });
      case 'graph-json':
        return adaptGraphJson(f.uri, f.text, f.version);
      case 'tfplan':
        return adaptTerraformPlan(f.uri, f.text, f.version);
      case 'bicep':
        return adaptBicep(f.uri, f.text, f.version, f.language, { inputs, edited: f.edited, program: (f.bicep ??= parseBicepFile(f.text)) });
      case 'bicepparam':
        return adaptBicep(f.uri, f.text, f.version, f.language);
      case 'terraform':
      case 'tfvars': {
        return this.terraform.adapt(f.uri, f.version, inputs) ?? emptyDocument(f);
      }
      default:
        return emptyDocument(f);
    }
  }

  documents(): Document[] {
    this.readEverything();
    return this.uris().map((u) => this.files.get(u)!.doc!);
  }

  /** Reads every document not read yet, or whose callers changed; nothing when nothing changed since the last time. */
  private readEverything(): void {
    // Reading may forget models it had passed (a Terraform file read again forgets its readers): again until it forgets
    // none, as the walk over every document did at each call before.
    for (let round = 0; round < 8 && this.readAll !== this.changes; round++) {
      const before = this.changes;
      this.read(this.uris());
      if (this.changes === before) this.readAll = before;
    }
  }

  /** Per host pool, what the graph links and how (`avdsec graph`, the LSP graph request). */
  /** Each host pool's security overview (overview.ts), from every document's findings under its own configuration. */
  overview(configOf: (uri: string) => AvdsecConfig): Overview {
    const findings = this.uris().flatMap((u) => this.findings(u, configOf(u), { includeSuppressed: true }));
    return overview(
      this.graph(),
      findings,
      (id, uri) => configOf(uri).rules[id]?.level !== 'off',
      (uri) => configOf(uri).compiledTemplates !== 'report' && this.compiled.isCopy(uri),
    );
  }

  graphReport(): GraphReport {
    const graph = this.graph();
    return graphReport(graph, (uri) => (this.files.get(uri)?.inputs ?? []).map((i) => ({ uri: i.uri, label: i.label })));
  }

  /**
   * The AVD graph. After an edit that keeps the document's link facts (typing inside an RDP string, a comment, a
   * description), the edited document's resources are swapped into the graph in place; otherwise it is built again.
   */
  graph(): AvdGraph {
    this.recover();
    // Documents whose inputs changed are read again first: the graph swaps them in with the edited ones.
    this.readEverything();
    this.swapReplaced();
    const graph = this.graphCache ?? this.installGraph(buildGraph(this.documents(), this.projectOf));
    this.graphSeq = this.seq;
    return graph;
  }

  /** A graph built anew: the documents kept for swapping into the old one are no longer needed. */
  private installGraph(graph: AvdGraph): AvdGraph {
    this.replaced.clear();
    this.neutralForGraph.clear();
    this.graphSeq = this.seq;
    return (this.graphCache = graph);
  }

  /** Swaps the documents read again into the graph when their links stayed; otherwise forgets the graph. */
  private swapReplaced(): void {
    if (this.graphCache && this.replaced.size) {
      const from = this.graphCache.documents;
      // What facts may carry over (graph/carried.ts): one document typed in, inside what the graph does not read, and
      // the documents it passes values to, read again for their inputs, each resource of which counts as changed.
      const typed = [...this.replaced.keys()].filter((u) => this.neutralForGraph.has(u));
      const typedDoc = typed.length === 1 ? this.document(typed[0]) : undefined;
      const edited = typedDoc ? this.editedResources(typed[0], typedDoc) : undefined;
      const changed = edited?.changed;
      let pairs: DocumentSwap[] | undefined = [];
      for (const [uri, prev] of this.replaced) {
        const next = this.document(uri);
        const neutral = this.neutralForGraph.has(uri);
        if (!next || !(neutral || linkFacts(prev) === linkFacts(next))) {
          pairs = undefined;
          break;
        }
        const isTyped = changed && uri === typed[0];
        pairs.push({ prev, next, unchanged: isTyped ? (r) => !changed.has(r) : undefined });
        if (changed && !isTyped) for (const r of next.resources) changed.set(r, undefined);
      }
      // All at once: a walk over the graph per document made a pull of many files in a large workspace quadratic.
      const swaps = pairs && swapDocuments(this.graphCache, pairs);
      if (!swaps) this.graphCache = undefined;
      else if (edited) {
        const earlier = burstBefore(this.graphCache.carried, typed[0], deploymentJudgements);
        this.graphCache.carried = { from, swap: swaps, changed: edited.changed, uri: typed[0], changes: edited.changes, ...(earlier ? { earlier } : {}) };
      } else this.graphCache.carried = pairs && this.carriedByValue(from, pairs, swaps);
      this.replaced.clear();
      this.neutralForGraph.clear();
    }
  }

  /**
   * What a swap of documents after edits the workspace could not place in strings leaves to carry over (graph/carried.ts):
   * the edits of one document's text, and the documents read again for them with their text unchanged. Which resources
   * the edits changed is found by comparing values (graph/changed-values.ts), when a fact or a rule first asks.
   */
  private carriedByValue(from: readonly Document[], pairs: readonly DocumentSwap[], swap: ReadonlyMap<Resource, Resource>): Carried | undefined {
    const uri = this.log[this.log.length - 1]?.uri;
    const changes = uri !== undefined ? this.editsSince(this.graphSeq, uri) : undefined;
    const typed = pairs.find((p) => p.next.uri === uri);
    if (!typed || !changes?.length || typed.next.text.length > MAX_COMPARED_LENGTH) return undefined;
    const earlier = burstBefore(this.graphCache?.carried, uri, deploymentJudgements);
    let compared: readonly DocumentSwap[] | undefined = pairs;
    let changed: ChangedResources | undefined;
    return {
      from,
      swap,
      get changed() {
        if (compared) {
          changed = changedByValue(compared, swap, uri, changes);
          // The documents before the edits are not kept once compared.
          compared = undefined;
        }
        return changed;
      },
      uri,
      changes,
      ...(earlier ? { earlier } : {}),
    };
  }

  /**
   * The resources of `doc` (`uri`'s new version) around the edits made to its text since the graph was last brought
   * up to date: each resource an edit wrote in, and those that hold it, with the edits. Undefined when anything else
   * changed since.
   */
  private editedResources(uri: string, doc: Document): { changed: Map<Resource, ReadonlySet<string> | undefined>; changes: TextChange[] } | undefined {
    const changes = this.editsSince(this.graphSeq, uri);
    if (!changes?.length) return undefined;
    const written = writtenRanges(changes);
    const inside = (w: Range, r: Range) => r.start <= w.start && w.end <= r.end;
    const around = doc.resources.filter((r) => written.some((w) => inside(w, r.source.range)));
    const changed = new Map<Resource, ReadonlySet<string> | undefined>();
    for (const r of around) {
      // Those that hold another (a nested deployment, a parent): the edits lie in its template or its children.
      const holds = around.some((o) => o !== r && inside(o.source.range, r.source.range));
      changed.set(
        r,
        holds
          ? undefined
          : propertiesWritten(
              r,
              written.filter((w) => inside(w, r.source.range)),
            ),
      );
    }
    return { changed, changes };
  }

  /**
   * The edits of `uri`'s text logged after `seq`, in order; undefined when the log no longer reaches back that far or
   * anything else changed since (another file, a file read again, a setting).
   */
  private editsSince(seq: number, uri: string): TextChange[] | undefined {
    if (!this.log.length || this.log[0].seq > seq + 1) return undefined;
    const changes: TextChange[] = [];
    for (const e of this.log) {
      if (e.seq <= seq) continue;
      if (e.uri !== uri || !e.changes) return undefined;
      changes.push(...e.changes);
    }
    return changes;
  }

  /**
   * Lets go of the version before the last edit (graph/carried.ts), which keeps that version's facts about the whole
   * workspace alive: once every document was checked, the facts of this version are there for the next edit to carry.
   */
  forgetCarried(): void {
    if (this.graphCache) this.graphCache.carried = undefined;
  }

  /** Reads again the documents that waited for a restarting parser, once it is back. */
  private recover(): void {
    if (!this.retrying.size || !this.grammars.usable()) return;
    const uris = [...this.retrying];
    this.retrying.clear();
    this.staleSiblings(uris);
    this.recheck(this.calls.dependents(uris));
  }

  /** Whether documents wait for a restarting parser: a host can wait for `grammars.ready()`, then check again. */
  get waitingForParser(): boolean {
    return this.retrying.size > 0;
  }

  /**
   * Findings for one file, with the config that applies to it (with `includeSuppressed`, also the silenced ones, marked).
   * An ARM template compiled from a Bicep file of the workspace keeps only what its source does not report, and the
   * source's findings point at the compiled copy (see compiled.ts), unless `compiledTemplates` is `report`.
   */
  findings(uri: string, config: AvdsecConfig, options: { includeSuppressed?: boolean } = {}): Finding[] {
    const own = this.ownFindings(uri, config, options);
    if (config.compiledTemplates === 'report') return own;
    return this.compiled.apply(uri, own, (u) => this.ownFindings(u, config, options));
  }

  /**
   * The work the first `findings` of a full check would do at once, in steps a host can pause between: reading each
   * document not read yet, linking the graph, judging each rule about the whole deployment under `config`. Findings are
   * the same whether the steps ran or not. In a workspace of 10,000 files that work takes seconds, and a language
   * server that did it in one go would keep every request waiting as long.
   */
  *prepare(config: AvdsecConfig): Generator<void, void, undefined> {
    this.recover();
    for (const uri of this.uris()) {
      if (!this.unread(uri)) continue;
      this.read([uri]);
      yield;
    }
    // Documents read again whose links changed (files changed on disk) make the graph be built again: in steps too.
    this.readEverything();
    this.swapReplaced();
    if (!this.graphCache) {
      // Building the graph reads what links each document: read ahead, a document at a time.
      for (const uri of this.uris()) {
        const doc = this.files.get(uri)?.doc;
        if (!doc) continue;
        readLinkValues(doc.resources);
        ssoSignature(doc);
        yield;
      }
      const documents = this.documents();
      const version = this.changes;
      const steps = graphSteps(documents, this.projectOf);
      let step = steps.next();
      for (; !step.done; step = steps.next()) yield;
      // Unless something changed between the steps (then graph() builds it again).
      if (!this.graphCache && this.changes === version) this.installGraph(step.value);
    }
    const graph = this.graph();
    yield;
    const unsigned = this.unsigned();
    for (let i = 0; i < unsigned.length; i += SIGNED_PER_STEP) {
      this.signaturesFor(graph, unsigned.slice(i, i + SIGNED_PER_STEP));
      yield;
    }
    for (const rule of RULES) {
      if (rule.appliesTo !== 'deployment') continue;
      judgeDeployment(this.graph(), config, rule);
      yield;
    }
  }

  /** What the rules find in one file, before compiled templates are matched with their sources. */
  private ownFindings(uri: string, config: AvdsecConfig, options: { includeSuppressed?: boolean }): Finding[] {
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
      const focus = this.calls.focus(uri);
      const focusKey = [...focus].sort().join('\n');
      let all = this.runCache.get(config)?.get(focusKey);
      if (!all) {
        all = runRules(this.graph(), config, RULES, focus);
        let m = this.runCache.get(config);
        if (!m) this.runCache.set(config, (m = new Map()));
        m.set(focusKey, all);
        this.remember(config, focusKey, all);
      }
      found = [...documentFindings(all, doc, { includeSuppressed: options.includeSuppressed, reportUnused: { enabled } }), ...this.cycleFindings(doc)];
      if (!this.printer(doc.language)) found = found.map(withoutEdits);
      byUri.set(key, found);
    }
    return found;
  }

  private remember(config: AvdsecConfig, focusKey: string, findings: Finding[]): void {
    let m = this.lastRuns.get(config);
    if (!m) this.lastRuns.set(config, (m = new Map()));
    m.set(focusKey, { seq: this.seq, findings });
  }

  /**
   * The editor's first answer after typing in `uri`, before the full check (`findings`): the subjects of the resources
   * the edits wrote in (a host pool whose RDP string changed, a VM by its extension) and the subjects linked to them
   * (graph/neighbours.ts) are checked again against the new model. Every other finding of the last check is carried
   * over, moved through the edits, until the full check replaces it: those of the rules about the whole deployment, and
   * of subjects related otherwise (by resource group, by a private endpoint for the whole deployment).
   *
   * Undefined, and the full check is the answer, unless every change since the last check of this focus is an edit of
   * `uri`'s text that kept the links (`linksChanged` asked since), the innermost resource around each edit belongs to a
   * subject, and the file is not matched with a compiled copy; also when a finding placed on a subject chosen among
   * several (Report.chosen) comes or goes among those checked again, since it may now belong on another.
   */
  quickFindings(uri: string, config: AvdsecConfig): Finding[] | undefined {
    if (this.dirtyLinks.size || !this.files.has(uri)) return undefined;
    const focus = this.calls.focus(uri);
    const focusKey = [...focus].sort().join('\n');
    if (this.runCache.get(config)?.has(focusKey)) return undefined;
    const base = this.lastRuns.get(config)?.get(focusKey);
    if (!base || base.seq === this.seq) return undefined;
    const changes = this.editsSince(base.seq, uri);
    if (!changes) return undefined;
    if (config.compiledTemplates !== 'report' && this.compiled.isPaired(uri)) return undefined;
    const doc = this.document(uri);
    if (!doc) return undefined;
    const graph = this.graph();
    // The innermost resource around each edit (a pool inside a nested deployment, an extension inside its VM).
    const touched = new Set<Resource>();
    for (const w of writtenRanges(changes)) {
      let inner: Resource | undefined;
      for (const r of doc.resources) {
        const at = r.source.range;
        if (at.start <= w.start && w.end <= at.end && (!inner || at.end - at.start < inner.source.range.end - inner.source.range.start)) inner = r;
      }
      if (!inner) return undefined;
      touched.add(inner);
    }
    const near = subjectsNear(graph, touched);
    if (!near) return undefined;
    const only = new Set([...near].map((r) => r.key));
    const keys = new Set(doc.resources.map((r) => r.key));
    const prefix = `${uri}#`;
    const all: Finding[] = [];
    const chosenBefore = new Set<string>();
    for (const f of base.findings) {
      const subject = subjectOfFinding.get(f);
      // Checked again below, or declared by a resource the edits removed.
      if (subject !== undefined && (only.has(subject) || (subject.startsWith(prefix) && !keys.has(subject)))) {
        if (chosenFindings.has(f)) chosenBefore.add(f.key);
        continue;
      }
      all.push(carryFinding(f, uri, changes));
    }
    const fresh = runRules(graph, config, RULES, focus, only);
    // A finding on a subject chosen among several came or went: it may belong on one this answer did not check again.
    const chosenNow = fresh.filter((f) => chosenFindings.has(f));
    if (chosenNow.length !== chosenBefore.size || chosenNow.some((f) => !chosenBefore.has(f.key))) return undefined;
    all.push(...fresh);
    this.remember(config, focusKey, all);
    const enabled = (id: string) => config.rules[id]?.level !== 'off';
    const found = [...documentFindings(all, doc, { reportUnused: { enabled } }), ...this.cycleFindings(doc)];
    return this.printer(doc.language) ? found : found.map(withoutEdits);
  }

  /** The module calls of a document that are not followed because they close a cycle (see CallGraph.takesFrom). */
  private cycleFindings(doc: Document): Finding[] {
    const out: Finding[] = [];
    for (const input of doc.facts.inputs ?? []) {
      const key = input.at && input.targets.find((t) => this.calls.filesOf(t).length > 0);
      const callee = key && this.calls.filesOf(key).find((u) => this.calls.inputKey(u) === key);
      const broken = callee && this.calls.brokenCallsTo(callee).find((b) => b.caller === doc.uri);
      if (!broken || !input.at) continue;
      const name = (node: string) => (node.endsWith('/') ? `${baseName(node.slice(0, -1))}/` : baseName(node));
      const chain = [...broken.cycle, broken.cycle[0]].map(name).join(' → ');
      const target = broken.cycle[0].endsWith('/') ? `the configuration in ${name(broken.cycle[0])}` : name(broken.cycle[0]);
      out.push({
        ruleId: MODULE_CYCLE,
        level: 'warning',
        message: `Module calls go round in a cycle (${chain}) that no deployment can follow; avdsec checks ${target} without the values this call passes.`,
        uri: doc.uri,
        range: input.at,
        related: [],
        fixes: [],
        key: `${MODULE_CYCLE}|${doc.uri}|${input.at.start}`,
      });
    }
    return out;
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

/**
 * A finding in a generated document (a Terraform plan), which no fix may edit (nor a suppression comment): only the
 * fixes that change the configuration are offered.
 */
function withoutEdits(f: Finding): Finding {
  const fixes = f.fixes.filter((x) => x.intent.kind === 'set-config');
  return fixes.length === f.fixes.length ? f : { ...f, fixes };
}

/** A document avdsec reads nothing from (a file of no known language, or one its adapter could not place). */
function emptyDocument(f: { uri: string; language: Document['language']; text: string; version: number }): Document {
  return { uri: f.uri, language: f.language, text: f.text, version: f.version, resources: [], syntaxErrors: [], suppressions: [], facts: {}, symbols: [] };
}

/**
 * The names (lower case) of the entries of a resource's `properties` that the written ranges lie in: each is the last
 * entry whose key starts before it (no value is read). Undefined when one lies before them all or outside `properties`.
 */
function propertiesWritten(r: Resource, written: readonly Range[]): ReadonlySet<string> | undefined {
  const at = entry(r.body, 'properties');
  const properties = at?.value;
  if (!at || properties?.kind !== 'object') return undefined;
  const names = new Set<string>();
  for (const w of written) {
    if (w.start < at.keyRange.end || w.end > properties.range.end) return undefined;
    let e: ObjectEntry | undefined;
    for (const x of properties.entries) if (x.keyRange.start <= w.start) e = x;
    if (!e) return undefined;
    names.add(e.key.toLowerCase());
  }
  return names;
}
