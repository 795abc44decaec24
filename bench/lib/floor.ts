import type { Parser } from 'web-tree-sitter';
import type { AvdsecConfig } from '../../server/src/engine/config';
import type { Grammars } from '../../server/src/engine/parse';
import type { Workspace } from '../../server/src/engine/workspace';
import { engine } from './bundle';
import type { Files } from './inputs';
import { timed } from './measure';

const { detectLanguage, emptyConfig, parseBicep, parseTree } = engine();

/** Engine URIs of an input's files: forward-slash absolute paths, as the CLI makes them. */
export function uriOf(root: string, rel: string): string {
  return `${root}/${rel}`;
}

/**
 * The parse floor: each file the engine reads, parsed by the parser the engine uses for it and nothing else
 * (jsonc-parser parseTree with the engine's options for ARM JSON, parseBicep for Bicep, tree-sitter for Terraform).
 * Files the engine does not read (JSON that is not ARM) cost nothing here.
 */
export class Floor {
  private readonly tf: Parser;
  constructor(grammars: Grammars) {
    this.tf = grammars.newParser(grammars.terraform);
  }

  parse(uri: string, text: string): void {
    switch (detectLanguage(uri, text)) {
      case 'arm':
      case 'arm-parameters':
      case 'graph-json':
        parseTree(text, [], { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
        return;
      case 'bicep':
        parseBicep(text);
        return;
      case 'bicepparam':
        parseBicep(text, { params: true });
        return;
      case 'terraform':
      case 'tfvars':
        this.tf.parse(text)!.delete();
        return;
      default:
        return;
    }
  }

  all(root: string, files: Files): void {
    for (const [rel, text] of files) this.parse(uriOf(root, rel), text);
  }

  /** Bytes of the files the engine reads. */
  static readBytes(root: string, files: Files): number {
    let n = 0;
    for (const [rel, text] of files) if (detectLanguage(uriOf(root, rel), text)) n += text.length;
    return n;
  }
}

export interface Phases {
  /** Workspace.set for every file (Terraform files are parsed here, eagerly). */
  set: number;
  /** Workspace.documents(): every file adapted to the model (ARM and Bicep are parsed here). */
  adapt: number;
  /** Workspace.graph(): linking; for ARM also the resource bodies, which are built on first use. */
  graph: number;
  /** Workspace.findings for every file: the rules, then each file's own findings and suppressions. */
  rules: number;
  findings: number;
}

/** Full analysis with a fresh workspace, timed per phase (wall ms), as the CLI runs it. */
export function analyze(grammars: Grammars, root: string, files: Files, config: AvdsecConfig = emptyConfig()): { phases: Phases; ws: Workspace } {
  const ws = new (engine().Workspace)(grammars);
  const set = timed(() => {
    // In the order a scan finds them (host/files.ts sorts): the order documents are read in changes what V8's collector
    // promotes, and with it the cost of the analysis by up to a fifth.
    for (const [rel, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) ws.set(uriOf(root, rel), text);
  }).wall;
  const adapt = timed(() => ws.documents()).wall;
  const graph = timed(() => ws.graph()).wall;
  let findings = 0;
  const rules = timed(() => {
    for (const uri of ws.uris()) findings += ws.findings(uri, config).length;
  }).wall;
  return { phases: { set, adapt, graph, rules, findings }, ws };
}
