import type { Edit, Language as TsLanguage, Parser, Tree } from 'web-tree-sitter';
import type { Language } from './model';

/** The web-tree-sitter module: the host loads a fresh copy for each WebAssembly instance (see Grammars.abandon). */
export type TreeSitter = typeof import('web-tree-sitter');

/** One WebAssembly instance of tree-sitter, with the Terraform grammar loaded into it. */
export interface TreeSitterInstance {
  readonly ts: TreeSitter;
  readonly terraform: TsLanguage;
  /** After an abort: turns the instance's functions into no-ops, so that the finalizers of its objects do nothing. */
  retire(): void;
  /** The size of the instance's WebAssembly memory now, in bytes: it only grows (every tree being parsed or kept is in it). */
  memoryBytes(): number;
  /** A walk of a tree quicker than web-tree-sitter's TreeCursor (direct calls into the instance), if the host has one. */
  walk?(tree: Tree): TreeWalk | undefined;
}

/**
 * A walk over a tree-sitter tree, node by node in document order, as a `TreeCursor` answers it: how a Terraform tree
 * is copied out of WebAssembly memory (adapters/terraform/syntax.ts).
 */
export interface TreeWalk {
  typeId(): number;
  startIndex(): number;
  endIndex(): number;
  isNamed(): boolean;
  isMissing(): boolean;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  /** Frees the cursor. */
  done(): void;
}

type EditFields = ConstructorParameters<TreeSitter['Edit']>[0];

/**
 * The tree-sitter grammars the engine needs (Terraform; Bicep and ARM JSON have their own parsers), in a WebAssembly
 * instance that can be replaced. An abort inside WebAssembly (out of memory on a hostile file) leaves the instance
 * dead for every later parse; `abandon` then switches to a spare instance loaded in advance, so the engine goes on
 * synchronously, and loads the next spare in the background. Trees of an older `generation` belong to a dead instance:
 * their owners parse their texts again instead of touching them.
 */
export class Grammars {
  private spare: TreeSitterInstance | undefined;
  private loading: Promise<void> | undefined;
  private generationCount = 0;
  private dead = false;

  private constructor(
    private current: TreeSitterInstance,
    private readonly load: (() => Promise<TreeSitterInstance>) | undefined,
  ) {}

  /** Grammars from a loader of fresh instances (the host's); without one, an abort cannot be recovered from. */
  static async create(load: () => Promise<TreeSitterInstance>, options: { spare?: boolean } = {}): Promise<Grammars> {
    const g = new Grammars(await load(), options.spare === false ? undefined : load);
    await g.ready();
    return g;
  }

  get terraform(): TsLanguage {
    return this.current.terraform;
  }

  get generation(): number {
    return this.generationCount;
  }

  newParser(language: TsLanguage = this.current.terraform): Parser {
    const p = new this.current.ts.Parser();
    p.setLanguage(language);
    return p;
  }

  /** A walk over a tree of the current instance: the host's quick one, or `fallback` (web-tree-sitter's TreeCursor). */
  walk(tree: Tree, fallback: (tree: Tree) => TreeWalk): TreeWalk {
    return this.current.walk?.(tree) ?? fallback(tree);
  }

  /** The current instance's WebAssembly memory, in bytes (a parse that grows it too far is given up: ParseBudget). */
  memoryBytes(): number {
    return this.current.memoryBytes();
  }

  edit(fields: EditFields): Edit {
    return new this.current.ts.Edit(fields);
  }

  /** Marks the current instance dead after a parse aborted it, and switches to the spare when one is ready. */
  abandon(): void {
    if (!this.dead) this.current.retire();
    this.dead = true;
    this.restart();
  }

  /** Whether parsing is possible: a dead instance is replaced first, when a spare is ready. */
  usable(): boolean {
    if (this.dead) this.restart();
    return !this.dead;
  }

  private restart(): void {
    const next = this.spare;
    this.spare = undefined;
    if (next) {
      this.current = next;
      this.dead = false;
      this.generationCount++;
    }
    void this.ready();
  }

  /** Resolves once a spare instance is ready (or could not be loaded); a host may wait for it between files. */
  ready(): Promise<void> {
    if (this.spare || !this.load) return Promise.resolve();
    this.loading ??= this.load().then(
      (i) => {
        this.spare = i;
        this.loading = undefined;
      },
      () => {
        this.loading = undefined;
      },
    );
    return this.loading;
  }
}

const ARM_TEMPLATE_SCHEMA = /deploymentTemplate\.json/i;
const ARM_PARAMETERS_SCHEMA = /deploymentParameters\.json/i;

/** Extension of a path or URI, lower-case, with the dot; handles `.tfvars` and `.bicepparam`. */
function extensionOf(uri: string): string {
  const slash = Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\'));
  const base = uri.slice(slash + 1).toLowerCase();
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot);
}

/** The language of a file by name, before reading it. JSON needs its text: see `detectLanguage`. */
export function languageByName(uri: string): Language | 'json' | undefined {
  switch (extensionOf(uri)) {
    case '.bicep':
      return 'bicep';
    case '.bicepparam':
      return 'bicepparam';
    case '.tf':
      return 'terraform';
    case '.tfvars':
      return 'tfvars';
    case '.json':
    case '.jsonc':
      return 'json';
    default:
      return undefined;
  }
}

/**
 * The language of a file, or undefined when avdsec does not read it. JSON is an ARM template or parameter file
 * only when its `$schema` says so, and a Terraform plan only when it opens as Terraform writes one, whatever the file
 * is called.
 */
export function detectLanguage(uri: string, text: string): Language | undefined {
  const byName = languageByName(uri);
  if (byName !== 'json') return byName;
  // Only the head of the file is searched: the $schema comes first in practice, and huge data files stay cheap.
  const head = text.slice(0, 4096);
  if (looksLikeTerraformPlan(head, text)) return 'tfplan';
  const m = /"\$schema"\s*:\s*"([^"]*)"/.exec(head);
  if (!m) return looksLikeConditionalAccess(text) ? 'graph-json' : undefined;
  if (ARM_TEMPLATE_SCHEMA.test(m[1])) return 'arm';
  if (ARM_PARAMETERS_SCHEMA.test(m[1])) return 'arm-parameters';
  return undefined;
}

/**
 * Terraform's JSON output (`terraform show -json`) opens with `format_version` and `terraform_version`; a plan, unlike a
 * state, has `planned_values` or `resource_changes`. They come after `variables`, which may be long: the whole text is
 * searched, but only once the head has said it is Terraform's output.
 */
function looksLikeTerraformPlan(head: string, text: string): boolean {
  return /^\uFEFF?\s*\{\s*"format_version"\s*:\s*"[^"]*"\s*,\s*"terraform_version"\s*:/.test(head) && /"(planned_values|resource_changes)"\s*:/.test(text);
}

/** A Microsoft Graph Conditional Access policy (or a list of them): its grant controls and application conditions. */
function looksLikeConditionalAccess(text: string): boolean {
  if (text.length > 2_000_000) return false;
  return (
    /"@odata\.type"\s*:\s*"#microsoft\.graph\.conditionalAccessPolicy"/.test(text) ||
    (/"grantControls"\s*:/.test(text) && /"includeApplications"\s*:/.test(text))
  );
}
