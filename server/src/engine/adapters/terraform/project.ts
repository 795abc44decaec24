import type { Parser, Tree } from 'web-tree-sitter';
import { cursorWalk, type SyntaxArrays, SyntaxTree, type SyntaxNode } from './syntax';
import type { Document, DocumentSymbolInfo, Language, Range, Resource, Suppression, SyntaxError, TemplateInput, Value } from '../../model';
import { calledConditionally, combineInputs } from '../../resolve/inputs';
import { baseName as fileName, dirOf, isAutoTfvars } from '../../resolve/paths';
import { terraformModuleDir } from '../../resolve/targets';
import type { Grammars } from '../../parse';
import { lineIndexOf } from '../../positions';
import { parseSuppression } from '../../suppressions';
import { accessMember } from '../../resolve/functions';
import { allowedValues, knownBoolean, knownString, LazyEntry, relocate, unknown } from '../../values';
import { guardHcl } from './guard';
import { type HclAttribute, type HclBlock, bodyOf, items, nodeRange, syntaxErrors } from './hcl';
import { TfEvaluator, type TfScope } from './evaluate';
import { type TfJoin, tfMapping } from './mapping';
import { instancesKey, readBlock } from './resources';
import { applyTypeDefaults } from './type-defaults';
import type { TextChange } from '../../text-changes';

interface TfFile {
  uri: string;
  text: string;
  language: Language;
  /** Undefined when the file was refused or the parser failed on it (`failure` says why). */
  tree?: SyntaxTree;
  /**
   * tree-sitter's own tree, kept only while the file is edited (a text set with changes): the next edit re-parses
   * from it. A file read from disk keeps only its copy (SyntaxTree), so its WebAssembly memory is free for the next.
   */
  native?: Tree;
  failure?: SyntaxError;
  /** Whether the tree was parsed from a rewritten text (long whitespace runs as comments): never re-used by an edit. */
  rewritten?: boolean;
  /** What the file declares to its directory (Contribution.signature): while it stays, an edit reaches only its readers. */
  declares?: string;
}

type Parsed = Pick<TfFile, 'tree' | 'native' | 'failure' | 'rewritten'>;

const RESTARTING: SyntaxError = {
  message: 'avdsec did not read this file: the Terraform parser is restarting after a failure on another file',
  range: { start: 0, end: 0 },
  fatal: true,
  retry: true,
};

/**
 * How long tree-sitter may take on a file, and how much it may grow the WebAssembly memory, before it gives up on it:
 * far above what real files take (about 1 s and 50 MB per MB of text). The memory budget keeps a hostile file from
 * taking the memory every other file's tree lives in.
 */
export interface ParseBudget {
  baseMs: number;
  msPerMB: number;
  /** Growth of the WebAssembly memory a parse may cause: `memoryMB`, plus `memoryPerByte` bytes per byte of text. */
  memoryMB?: number;
  memoryPerByte?: number;
}

export const PARSE_BUDGET: ParseBudget = { baseMs: 1000, msPerMB: 3000, memoryMB: 64, memoryPerByte: 200 };

interface Declared<T> {
  file: TfFile;
  decl: T;
}

/** The declarations of one module directory (Terraform reads every .tf file of a directory as one configuration). */
interface TfModule {
  dir: string;
  variables: Map<string, Declared<HclBlock>>;
  locals: Map<string, Declared<HclAttribute>>;
  /** `type.name` and `data.type.name` → block. */
  blocks: Map<string, Declared<HclBlock>>;
  /** Values from terraform.tfvars and *.auto.tfvars, which Terraform loads by itself. */
  tfvars: Map<string, Declared<HclAttribute>>;
  cache: Map<string, Cached | 'pending'>;
  providers: string[];
  /** Blocks that add to another resource's lists (the mapping's `joins`), by the key of that resource. */
  joins?: Map<string, { address: string; block: Declared<HclBlock>; join: TfJoin }[]>;
  /** The files of every block that may add to another's lists, and what their targets read: every reader of `joins` reads them. */
  joinReads?: Set<string>;
}

/** A module-level value, with the files its evaluation read (its own declaration's among them). */
interface Cached {
  v: Value;
  uri?: string;
  reads: Set<string>;
}

/**
 * The Terraform files of a workspace: one tree per file (re-parsed incrementally after an edit), and per module
 * directory the variables, locals and blocks that references resolve against.
 */
export class TerraformProject {
  private readonly files = new Map<string, TfFile>();
  private readonly modules = new Map<string, TfModule>();
  /**
   * Per module directory, the module-level values an edit left as they were (they read nothing of the edited file, and
   * its declarations stayed): the directory's next table starts with them instead of evaluating them again.
   */
  private readonly kept = new Map<string, Map<string, Cached | 'pending'>>();
  /** Values passed to each module directory by module blocks and variables files elsewhere. */
  private readonly inputs = new Map<string, readonly TemplateInput[]>();
  private parser: Parser | undefined;
  /**
   * The files of its directory each file's model read values or declarations of (itself left out): after an edit that
   * leaves a file's declarations as they were, only its readers are read again. Recorded by each adapt.
   */
  private readonly readsOf = new Map<string, Set<string>>();
  /** Where the evaluation running now records the files it reads (an adapt, or a module-level value inside it). */
  private reading: Set<string> | undefined;
  /** The grammars' generation the trees were made in: an older one means its WebAssembly instance died. */
  private generation: number;
  /** Trees of texts parsed ahead, elsewhere (the CLI's worker threads): a text found here is not parsed again. */
  preparsed: ((text: string) => SyntaxArrays | undefined) | undefined;

  constructor(
    private readonly grammars: Grammars,
    private readonly budget: ParseBudget = PARSE_BUDGET,
  ) {
    this.generation = grammars.generation;
  }

  /**
   * Parses a text, never throwing: a file the guard refuses (too deep), that takes tree-sitter too long, or that aborts
   * its WebAssembly instance costs that file only. After an abort the grammars switch to a fresh instance; the other
   * files keep their copies (SyntaxTree), and those the dead instance did not read are parsed in the new one.
   */
  private parse(text: string, old?: TfFile, keepNative = false): Parsed {
    const guard = guardHcl(text);
    if (!guard.ok)
      return { failure: { message: `avdsec did not read this file: ${guard.message}`, range: { start: guard.offset, end: guard.offset + 1 }, fatal: true } };
    if (!this.current()) return { failure: RESTARTING };
    const ahead = !old && !keepNative ? this.preparsed?.(text) : undefined;
    if (ahead) return { tree: new SyntaxTree(guard.text, this.grammars.terraform.types, ahead), rewritten: guard.rewritten };
    const budget = this.budget.baseMs + (this.budget.msPerMB * text.length) / (1024 * 1024);
    const deadline = performance.now() + budget;
    const growth = (this.budget.memoryMB ?? Infinity) * 1024 * 1024 + (this.budget.memoryPerByte ?? 0) * text.length;
    const memoryLimit = this.grammars.memoryBytes() + growth;
    let tooLarge = false;
    const stop = () => performance.now() > deadline || (tooLarge = this.grammars.memoryBytes() > memoryLimit);
    try {
      this.parser ??= this.grammars.newParser();
      const reuse = old?.native && !old.rewritten && !guard.rewritten ? old.native : undefined;
      const native = this.parser.parse(guard.text, reuse, { progressCallback: stop }) ?? undefined;
      if (native) {
        const language = this.grammars.terraform;
        let tree: SyntaxTree;
        try {
          tree = new SyntaxTree(guard.text, language.types, this.grammars.walk(native, cursorWalk));
        } finally {
          if (!keepNative) native.delete();
        }
        return { tree, native: keepNative ? native : undefined, rewritten: guard.rewritten };
      }
      this.parser.reset();
      return {
        failure: {
          message: tooLarge
            ? `avdsec did not read this file: the Terraform parser gave up after it took ${Math.round(growth / (1024 * 1024))} MB`
            : `avdsec did not read this file: the Terraform parser gave up after ${(budget / 1000).toFixed(1)} s`,
          range: { start: 0, end: 0 },
          fatal: true,
        },
      };
    } catch (e) {
      // An abort inside WebAssembly (out of memory): the instance is dead for every file.
      this.parser = undefined;
      this.grammars.abandon();
      this.current();
      return {
        failure: {
          message: `avdsec did not read this file: the Terraform parser failed on it (${(e as Error).message.split('.')[0]})`,
          range: { start: 0, end: 0 },
          fatal: true,
        },
      };
    }
  }

  /**
   * Whether the parser is from the grammars' live instance. After a restart, the files the dead instance did not read
   * are parsed again; the others keep their trees (copies in the JavaScript heap), and lose tree-sitter's own trees of
   * edited files (not deleted: their memory went with the instance). False when no instance can parse.
   */
  private current(): boolean {
    if (!this.grammars.usable()) return false;
    if (this.generation === this.grammars.generation) return true;
    this.generation = this.grammars.generation;
    this.parser = undefined;
    this.modules.clear();
    this.kept.clear();
    for (const f of this.files.values()) {
      f.native = undefined;
      if (!f.failure?.retry) continue;
      Object.assign(f, { tree: undefined, failure: undefined, rewritten: undefined }, this.parse(f.text));
    }
    return this.generation === this.grammars.generation;
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  /** Parses a text as `update` would, without keeping it: its tree's arrays, or undefined when it could not be read. */
  parseAlone(text: string): SyntaxArrays | undefined {
    return this.parse(text).tree?.arrays();
  }

  tree(uri: string): SyntaxTree | undefined {
    this.current();
    return this.files.get(uri)?.tree;
  }

  /**
   * Sets a file's text. With `changes` (an edit in the editor) tree-sitter's tree is kept, and the next edit re-parses
   * from it. Returns the uris in the same directory.
   */
  update(uri: string, text: string, language: Language, changes?: readonly TextChange[]): string[] {
    this.current();
    const old = this.files.get(uri);
    let parsed: Parsed;
    const edited = !!changes?.length;
    if (old?.native && !old.rewritten && edited) {
      let current = old.text;
      for (const c of changes!) {
        old.native.edit(
          this.grammars.edit({
            startIndex: c.start,
            oldEndIndex: c.oldEnd,
            newEndIndex: c.start + c.newText.length,
            startPosition: pointAt(current, c.start),
            oldEndPosition: pointAt(current, c.oldEnd),
            newEndPosition: pointAfter(pointAt(current, c.start), c.newText),
          }),
        );
        current = current.slice(0, c.start) + c.newText + current.slice(c.oldEnd);
      }
      parsed = this.parse(text, current === text ? old : undefined, true);
    } else {
      parsed = this.parse(text, undefined, edited);
    }
    if (old?.native && this.generation === this.grammars.generation) old.native.delete();
    const declares = parsed.tree ? contributionOf(parsed.tree, contributionKind(uri, language)).signature : undefined;
    this.files.set(uri, { uri, text, language, ...parsed, declares });
    const dir = dirOf(uri);
    const previous = this.modules.get(dir)?.cache ?? this.kept.get(dir);
    this.modules.delete(dir);
    this.kept.delete(dir);
    const siblings = this.siblings(uri);
    // Same declarations: the other files read the same names, and only those that read this file's values may change.
    // Otherwise (a name added, removed or renamed, a tree lost) any of them may resolve differently.
    if (old && old.language === language && declares !== undefined && old.declares === declares) {
      if (previous) this.kept.set(dir, notReading(previous, uri));
      return siblings.filter((u) => this.readsOf.get(u)?.has(uri) ?? true);
    }
    return siblings;
  }

  remove(uri: string): string[] {
    const f = this.files.get(uri);
    if (!f) return [];
    if (this.generation === this.grammars.generation) f.native?.delete();
    this.files.delete(uri);
    this.readsOf.delete(uri);
    this.modules.delete(dirOf(uri));
    this.kept.delete(dirOf(uri));
    return this.siblings(uri);
  }

  /** Whether every module call of a directory deploys it under a condition. */
  private calledConditionally(dir: string): boolean {
    return calledConditionally(this.inputs.get(dir) ?? []);
  }

  /** Sets the inputs of a module directory: its values are evaluated again when they changed. */
  private setInputs(dir: string, inputs: readonly TemplateInput[]): void {
    const old = this.inputs.get(dir) ?? [];
    if (old.length === inputs.length && old.every((x, i) => x === inputs[i])) return;
    this.inputs.set(dir, inputs);
    this.modules.delete(dir);
    this.kept.delete(dir);
  }

  /** Frees tree-sitter's trees and parser (WebAssembly memory, which the JS garbage collector does not see filling up). */
  dispose(): void {
    if (this.generation === this.grammars.generation) {
      for (const f of this.files.values()) f.native?.delete();
      this.parser?.delete();
    }
    this.parser = undefined;
    this.files.clear();
    this.readsOf.clear();
    this.modules.clear();
    this.kept.clear();
  }

  siblings(uri: string): string[] {
    const dir = dirOf(uri);
    return [...this.files.keys()].filter((u) => u !== uri && dirOf(u) === dir);
  }

  private module(dir: string): TfModule {
    let m = this.modules.get(dir);
    if (m) return m;
    m = { dir, variables: new Map(), locals: new Map(), blocks: new Map(), tfvars: new Map(), cache: this.kept.get(dir) ?? new Map(), providers: [] };
    this.kept.delete(dir);
    for (const file of this.files.values()) {
      if (dirOf(file.uri) !== dir || !file.tree) continue;
      const own = contributionOf(file.tree, contributionKind(file.uri, file.language));
      for (const [name, decl] of own.tfvars) m.tfvars.set(name, { file, decl });
      for (const [name, decl] of own.variables) m.variables.set(name, { file, decl });
      for (const [name, decl] of own.locals) m.locals.set(name, { file, decl });
      for (const [address, decl] of own.blocks) m.blocks.set(address, { file, decl });
      m.providers.push(...own.providers);
    }
    m.providers = [...new Set(m.providers)];
    this.modules.set(dir, m);
    return m;
  }

  /** The resource key of an address in a module directory. */
  static key(dir: string, address: string): string {
    return `${dir}/#${address}`;
  }

  private scope(m: TfModule, file: TfFile): TfScope {
    const self: TfScope = {
      uri: file.uri,
      text: file.text,
      variable: (name, range) =>
        this.cached(m, `var.${name}`, range, () => {
          this.note(m.variables.get(name)?.file);
          const provided = m.tfvars.get(name);
          if (provided) return this.typed(m, name, { v: this.evaluateIn(m, provided.file, provided.decl.value), uri: provided.file.uri });
          const inputs = this.inputs.get(m.dir) ?? [];
          if (inputs.length) {
            const v = combineInputs(name, inputs, () => this.ownVariable(m, name, range));
            if (v) return this.typed(m, name, { v });
          }
          return this.typed(m, name, this.ownVariableWithOrigin(m, name, range));
        }),

      local: (name, range) =>
        this.cached(m, `local.${name}`, range, () => {
          const decl = m.locals.get(name);
          this.note(decl?.file);
          return decl ? { v: this.evaluateIn(m, decl.file, decl.decl.value), uri: decl.file.uri } : { v: unknown(range, `local.${name}`) };
        }),
      address: (kind, type, name, path, range) => {
        const address = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
        const key = TerraformProject.key(m.dir, address);
        const decl = m.blocks.get(address);
        const attr = path[0];
        // A reference to the block itself or its id reads only that it is declared (Contribution.signature); an attribute
        // reads the block's text, whether it writes that attribute or not.
        if (attr && attr !== 'id') this.note(decl?.file);
        // An attribute ARM keeps on another resource (a registration token is the host pool's): a reference into that one.
        const reads = decl && attr ? tfMapping(type)?.reads?.[attr] : undefined;
        const of = reads && decl && items(decl.decl.body).attributes.find((x) => x.name === reads.of);
        if (reads && decl && of) {
          const owner = this.cached(m, `${address}.${reads.of}`, range, () => ({ v: this.evaluateIn(m, decl.file, of.value), uri: decl.file.uri }));
          const byKey = owner.kind === 'ref' && owner.target && owner.path.join('.') === 'id';
          return { kind: 'ref', ...(byKey ? { target: owner.target } : { targetId: owner }), path: [...reads.path, ...path.slice(1)], range };
        }
        // Arguments written in the configuration are known before apply (a resource group's name); computed ones (`id`) are references.
        if (decl && attr && attr !== 'id') {
          const a = items(decl.decl.body).attributes.find((x) => x.name === attr);
          if (a) {
            let v = this.cached(m, `${address}.${attr}`, range, () => ({ v: this.evaluateIn(m, decl.file, a.value), uri: decl.file.uri }));
            for (const p of path.slice(1)) v = accessMember(v, p, range);
            return v;
          }
        }
        return { kind: 'ref', target: key, path, range };
      },
    };
    return self;
  }

  /** A variable's value with the `optional(type, default)` defaults of its type constraint filled in. */
  private typed(m: TfModule, name: string, r: { v: Value; uri?: string }): { v: Value; uri?: string } {
    const decl = m.variables.get(name);
    const type = decl && items(decl.decl.body).attributes.find((a) => a.name === 'type');
    if (!decl || !type) return r;
    const v = applyTypeDefaults(type.value, r.v, (n) => this.evaluateIn(m, decl.file, n));
    return v === r.v ? r : { ...r, v };
  }

  private ownVariable(m: TfModule, name: string, range: Range): Value {
    const r = this.ownVariableWithOrigin(m, name, range);
    return r.uri ? relocate(r.v, r.v.range, { uri: r.uri, range: r.v.range }) : r.v;
  }

  /** A variable's value from its own declaration: the default, the values its validation allows, or unknown. */
  private ownVariableWithOrigin(m: TfModule, name: string, range: Range): { v: Value; uri?: string } {
    const decl = m.variables.get(name);
    const def = decl && items(decl.decl.body).attributes.find((a) => a.name === 'default');
    if (def && decl) return { v: this.evaluateIn(m, decl.file, def.value), uri: decl.file.uri };
    const allowed = decl && this.allowedValues(m, decl, name);
    if (allowed && decl) return { v: allowed, uri: decl.file.uri };
    return { v: unknown(range, `var.${name}`, `var:${m.dir}:${name}`) };
  }

  /**
   * A variable without a value whose validation reads `contains([...], var.x)`: Terraform's counterpart of Bicep's
   * @allowed. Each allowed value is an option, so rules can say "when x is 'Pooled'".
   */
  private allowedValues(m: TfModule, decl: Declared<HclBlock>, name: string): Value | undefined {
    for (const v of items(decl.decl.body).blocks) {
      if (v.type !== 'validation') continue;
      const cond = items(v.body).attributes.find((a) => a.name === 'condition');
      const call = cond?.value.namedChildren[0];
      if (!cond || call?.type !== 'function_call' || call.namedChildren[0]?.text !== 'contains') continue;
      const args = call.namedChildren.find((c) => c?.type === 'function_arguments')?.namedChildren.filter((c) => c?.type === 'expression') ?? [];
      if (args.length !== 2 || args[1]?.text.replace(/\s+/g, '') !== `var.${name}`) continue;
      const list = this.evaluateIn(m, decl.file, args[0]!);
      if (list.kind !== 'array' || list.open || !list.items.length) continue;
      return allowedValues(name, list.items, nodeRange(decl.decl.labels[0] ?? decl.decl.node));
    }
    return undefined;
  }

  private evaluateIn(m: TfModule, file: TfFile, node: SyntaxNode): Value {
    this.note(file);
    return new TfEvaluator(this.scope(m, file)).evaluate(node);
  }

  /** Records that the evaluation running now reads a file's declarations or values. */
  private note(file: TfFile | undefined): void {
    if (file && this.reading) this.reading.add(file.uri);
  }

  /** Module-level values are evaluated once per module version; a cycle gives an unknown. */
  private cached(m: TfModule, key: string, range: Range, compute: () => { v: Value; uri?: string }): Value {
    const hit = m.cache.get(key);
    if (hit === 'pending') return unknown(range, key);
    const outer = this.reading;
    if (hit) {
      for (const u of hit.reads) outer?.add(u);
      return relocate(hit.v, range, hit.uri ? { uri: hit.uri, range: hit.v.range } : undefined);
    }
    m.cache.set(key, 'pending');
    const reads = new Set<string>();
    this.reading = reads;
    let r: { v: Value; uri?: string };
    try {
      r = compute();
    } catch {
      r = { v: unknown(range, key) };
    } finally {
      this.reading = outer;
    }
    m.cache.set(key, { ...r, reads });
    for (const u of reads) outer?.add(u);
    return relocate(r.v, range, r.uri ? { uri: r.uri, range: r.v.range } : undefined);
  }

  /**
   * The document of one file, read against its module directory and the inputs of that directory (the values that module
   * blocks elsewhere and variables files pass to it). Never throws.
   */
  adapt(uri: string, version: number, inputs: readonly TemplateInput[]): Document | undefined {
    const usable = this.current();
    const file = this.files.get(uri);
    if (!file) return undefined;
    // Variables files take no inputs: they are inputs themselves.
    if (file.language === 'terraform') this.setInputs(dirOf(uri), inputs);
    const doc: Document = { uri, language: file.language, text: file.text, version, resources: [], syntaxErrors: [], suppressions: [], facts: {}, symbols: [] };
    if (!file.tree || !usable) {
      doc.syntaxErrors.push(file.failure && !file.failure.retry ? file.failure : RESTARTING);
      this.readsOf.delete(uri);
      return doc;
    }
    const reads = new Set<string>();
    this.reading = reads;
    try {
      this.read(doc, file, file.tree, uri);
    } finally {
      this.reading = undefined;
      reads.delete(uri);
      this.readsOf.set(uri, reads);
    }
    return doc;
  }

  private read(doc: Document, file: TfFile, tree: SyntaxTree, uri: string): void {
    doc.syntaxErrors = syntaxErrors(tree.rootNode, file.text);
    doc.suppressions = suppressions(tree, doc);
    try {
      const m = this.module(dirOf(uri));
      doc.facts.providers = m.providers;
      const scope = this.scope(m, file);
      const { blocks, attributes } = items(bodyOf(tree.rootNode));
      if (file.language === 'tfvars') {
        const values = new Map<string, Value>();
        for (const a of attributes) {
          doc.symbols.push({ kind: 'variable', name: a.name, range: nodeRange(a.nameNode) });
          if (!isAutoTfvars(uri)) values.set(a.name, new TfEvaluator(scope).evaluate(a.value));
        }
        // terraform.tfvars and *.auto.tfvars always apply; other variables files are chosen per run with -var-file.
        if (!isAutoTfvars(uri)) doc.facts.inputs = [{ uri, targets: [`${m.dir}/`], label: `variables file ${fileName(uri)}`, values }];
        return;
      }
      for (const b of blocks) this.declaration(doc, m, scope, b);
    } catch (e) {
      doc.syntaxErrors.push({ message: `avdsec could not read this file: ${(e as Error).message}`, range: { start: 0, end: 0 } });
    }
  }

  private declaration(doc: Document, m: TfModule, scope: TfScope, b: HclBlock): void {
    const [l0, l1] = b.labelTexts;
    const symbol = (kind: DocumentSymbolInfo['kind'], name: string, at: Range) => doc.symbols.push({ kind, name, range: at });
    switch (b.type) {
      case 'variable': {
        if (!l0 || !b.labels[0]) return;
        const attrs = items(b.body).attributes;
        const def = attrs.find((a) => a.name === 'default');
        doc.symbols.push({
          kind: 'variable',
          name: l0,
          range: nodeRange(b.labels[0]),
          ...(sensitive(attrs, scope) ? { secure: true } : {}),
          ...(def ? { default: nodeRange(def.value) } : {}),
        });
        return;
      }
      case 'locals':
        for (const a of items(b.body).attributes) symbol('local', a.name, nodeRange(a.nameNode));
        return;
      case 'output': {
        if (!l0 || !b.labels[0]) return;
        const attrs = items(b.body).attributes;
        doc.symbols.push({ kind: 'output', name: l0, range: nodeRange(b.labels[0]), ...(sensitive(attrs, scope) ? { secure: true } : {}) });
        const value = attrs.find((a) => a.name === 'value');
        if (value)
          (doc.facts.outputs ??= new Map()).set(
            l0.toLowerCase(),
            new LazyEntry(l0, nodeRange(b.labels[0]), () => new TfEvaluator(scope).evaluate(value.value)),
          );
        return;
      }
      case 'module': {
        if (!l0 || !b.labels[0]) return;
        symbol('module', l0, nodeRange(b.labels[0]));
        const attrs = items(b.body).attributes;
        const source = attrs.find((a) => a.name === 'source');
        const path = source && knownString(new TfEvaluator(scope).evaluate(source.value));
        const target = path && terraformModuleDir(m.dir, l0, path);
        if (!target || !source) {
          if (source) (doc.facts.unresolvedModules ??= []).push({ reference: path ?? source.value.text, range: nodeRange(source.value) });
          return;
        }
        const values = new Map<string, Value>();
        const meta = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);
        let ev = new TfEvaluator(scope);
        const iterates = attrs.find((a) => a.name === 'count') ?? attrs.find((a) => a.name === 'for_each');
        // A module with `count` or `for_each` may deploy no instance, unless the code says how many it deploys.
        let conditional = this.calledConditionally(m.dir);
        if (iterates) {
          const value = ev.evaluate(iterates.value);
          ev = ev.iterating({ key: instancesKey(value, `module.${l0}@${m.dir}`), value, forEach: iterates.name === 'for_each' });
          conditional ||= !someInstance(value);
        }
        for (const a of attrs) if (!meta.has(a.name)) values.set(a.name, ev.evaluate(a.value));
        (doc.facts.inputs ??= []).push({
          uri: doc.uri,
          targets: [target],
          label: `module '${l0}' in ${fileName(doc.uri)}`,
          values,
          at: nodeRange(source.value),
          module: l0,
          ...(conditional ? { conditional: true } : {}),
        });
        return;
      }
      case 'resource':
      case 'data': {
        if (!l0 || !l1 || !b.labels[0]) return;
        const address = `${b.type === 'data' ? 'data.' : ''}${l0}.${l1}`;
        const key = TerraformProject.key(m.dir, address);
        const resource: Resource | undefined = readBlock(b, {
          key,
          address,
          nativeType: l0,
          existing: b.type === 'data',
          uri: doc.uri,
          language: doc.language,
          scopePath: m.dir,
          evaluator: new TfEvaluator(scope),
          text: doc.text,
          joined: b.type === 'resource' ? this.joined(m, key, nodeRange(b.node)) : undefined,
          conditional: this.calledConditionally(m.dir) || undefined,
        });
        if (resource) doc.resources.push(resource);
        if (b.type === 'resource') symbol('resource', address, nodeRange(b.labels[0]));
        return;
      }
    }
  }

  /** The values other blocks of the module add to the lists of the resource `key` (placed at `range`). */
  private joined(m: TfModule, key: string, range: Range): { path: string[]; value: Value }[] | undefined {
    if (!m.joins) {
      m.joins = new Map();
      const outer = this.reading;
      this.reading = m.joinReads = new Set();
      for (const [address, block] of m.blocks) {
        const join = address.startsWith('data.') ? undefined : tfMapping(block.decl.labelTexts[0] ?? '')?.joins;
        const into = join && items(block.decl.body).attributes.find((a) => a.name === join.into);
        if (!join || !into) continue;
        // Not through evaluateIn: the text of `into` is part of its file's declarations (Contribution.signature), so only
        // what it reads elsewhere (a local, another block) makes a resource's model depend on it.
        // Nor through the cache, whose entry for the attribute may have recorded its own file when another reader asked first.
        const target = new TfEvaluator(this.scope(m, block.file)).evaluate(into.value);
        // Only a reference to the resource's id says which resource it is; a written id may name one outside the configuration.
        if (target.kind !== 'ref' || !target.target || target.path.join('.') !== 'id') continue;
        let list = m.joins.get(target.target);
        if (!list) m.joins.set(target.target, (list = []));
        list.push({ address, block, join });
      }
      this.reading = outer;
    }
    for (const u of m.joinReads ?? []) this.reading?.add(u);
    return m.joins.get(key)?.flatMap(({ address, block, join }) => {
      const a = items(block.decl.body).attributes.find((x) => x.name === join.value);
      if (!a) return [];
      return [
        {
          path: join.path,
          value: this.cached(m, `${address}.${join.value}`, range, () => ({ v: this.evaluateIn(m, block.file, a.value), uri: block.file.uri })),
        },
      ];
    });
  }
}

function suppressions(tree: SyntaxTree, doc: Document): Suppression[] {
  const out: Suppression[] = [];
  if (!doc.text.includes('avdsec-disable')) return out;
  for (const c of tree.rootNode.descendantsOfType('comment')) {
    if (!c) continue;
    const s = parseSuppression(lineIndexOf(doc), c.text, c.startIndex);
    if (s) out.push(s);
  }
  return out;
}

function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

function pointAfter(start: { row: number; column: number }, inserted: string): { row: number; column: number } {
  const lines = inserted.split('\n');
  if (lines.length === 1) return { row: start.row, column: start.column + inserted.length };
  return { row: start.row + lines.length - 1, column: lines[lines.length - 1].length };
}

/** `sensitive = true` on a variable or output: plan and apply output hide its value (the state still holds it). */
function sensitive(attributes: readonly HclAttribute[], scope: TfScope): boolean {
  const a = attributes.find((x) => x.name === 'sensitive');
  return !!a && knownBoolean(new TfEvaluator(scope).evaluate(a.value)) === true;
}

/** What one file declares to its module directory, in the order written (a later declaration of a name wins). */
interface Contribution {
  /**
   * The names it declares and where its blocks add to other resources' lists (the mapping's `joins`), as text: while an
   * edit leaves it as it was, the directory's other files read the same names, and only the file's readers may change.
   */
  signature: string;
  variables: [string, HclBlock][];
  locals: [string, HclAttribute][];
  blocks: [string, HclBlock][];
  tfvars: [string, HclAttribute][];
  providers: string[];
}

/**
 * A file's declarations, listed once per syntax tree: an edit of one file of a directory lists the directory's
 * declarations again, and the other files keep their trees, so theirs are listed from here.
 */
const contributions = new WeakMap<SyntaxTree, Contribution>();

type ContributionKind = 'terraform' | 'tfvars' | 'auto-tfvars';

function contributionKind(uri: string, language: Language): ContributionKind {
  return language !== 'tfvars' ? 'terraform' : isAutoTfvars(uri) ? 'auto-tfvars' : 'tfvars';
}

function contributionOf(tree: SyntaxTree, kind: ContributionKind): Contribution {
  const known = contributions.get(tree);
  if (known) return known;
  const out: Contribution = { signature: '', variables: [], locals: [], blocks: [], tfvars: [], providers: [] };
  const { blocks, attributes } = items(bodyOf(tree.rootNode));
  const signature: string[] = [];
  if (kind !== 'terraform') {
    signature.push(...attributes.map((a) => a.name));
    if (kind === 'auto-tfvars') for (const a of attributes) out.tfvars.push([a.name, a]);
  } else {
    for (const b of blocks) {
      const [l0, l1] = b.labelTexts;
      signature.push(`${b.type} ${b.labelTexts.join(' ')}`);
      // Which resource a block adds to (the mapping's `joins`): every resource's model reads it.
      const join = b.type === 'resource' ? tfMapping(l0 ?? '')?.joins : undefined;
      const into = join && items(b.body).attributes.find((a) => a.name === join.into);
      if (into) signature.push(`join ${into.value.text}`);
      if (b.type === 'variable' && l0) out.variables.push([l0, b]);
      else if (b.type === 'locals')
        for (const a of items(b.body).attributes) {
          out.locals.push([a.name, a]);
          signature.push(`local ${a.name}`);
        }
      else if (b.type === 'resource' && l0 && l1) out.blocks.push([`${l0}.${l1}`, b]);
      else if (b.type === 'data' && l0 && l1) out.blocks.push([`data.${l0}.${l1}`, b]);
      else if (b.type === 'provider' && l0) out.providers.push(l0);
      else if (b.type === 'terraform') {
        for (const inner of items(b.body).blocks) {
          if (inner.type !== 'required_providers') continue;
          for (const a of items(inner.body).attributes) {
            out.providers.push(a.name);
            signature.push(`provider ${a.name}`);
          }
        }
      }
    }
  }
  out.signature = signature.join('\n');
  contributions.set(tree, out);
  return out;
}

/** The module-level values whose evaluation read nothing of `uri` (each records the files it read). */
function notReading(cache: ReadonlyMap<string, Cached | 'pending'>, uri: string): Map<string, Cached | 'pending'> {
  const out = new Map<string, Cached | 'pending'>();
  for (const [key, c] of cache) if (c !== 'pending' && !c.reads.has(uri)) out.set(key, c);
  return out;
}

/** Whether a module's `count` or `for_each` is known to deploy at least one instance. */
function someInstance(v: Value): boolean {
  if (v.kind === 'number') return v.value >= 1;
  if (v.kind === 'array') return v.items.length > 0;
  if (v.kind === 'object') return v.entries.length > 0;
  return false;
}
