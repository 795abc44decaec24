import type { Document, Finding } from './model';
import { baseName, dirOf } from './resolve/paths';

/**
 * ARM templates that Bicep compiled from a source file of the same workspace (`metadata._generator`, the same name):
 * the same deployment written twice. What the compiled copy reports that its source (the file or the modules it calls)
 * reports too is said once, on the source, with the compiled location as related information; what only the copy
 * reports stays on it, so nothing true is lost.
 */
export class CompiledTemplates {
  constructor(
    private readonly documents: () => Document[],
    private readonly targetsOf: (uri: string) => readonly string[],
  ) {}

  /** The pairs and source sets of the documents as they are; forgotten when a document changes (`changed`). */
  private cache: { pairs: Map<string, string>; sources: Map<string, string[]> } | undefined;

  changed(): void {
    this.cache = undefined;
  }

  /** The findings of `uri` once matched with its compiled copies or its source; `own` gives a file's own findings. */
  apply(uri: string, found: Finding[], own: (uri: string) => Finding[]): Finding[] {
    const pairs = this.pairs();
    const source = pairs.get(uri);
    if (source) {
      const said = new Set(this.sourceFiles(source).flatMap((u) => own(u).flatMap(same)));
      return found.filter((f) => !same(f).some((k) => said.has(k)));
    }
    const copies = [...pairs].filter(([, src]) => this.sourceFiles(src).includes(uri)).map(([copy]) => copy);
    if (!copies.length) return found;
    const inCopies = new Map<string, Finding>();
    for (const copy of copies) for (const f of own(copy)) for (const k of same(f)) if (!inCopies.has(k)) inCopies.set(k, f);
    return found.map((f) => {
      const c = same(f)
        .map((k) => inCopies.get(k))
        .find((x) => x);
      return c ? { ...f, related: [...f.related, { uri: c.uri, range: c.range, message: `Compiled into ${baseName(c.uri)}` }] } : f;
    });
  }

  /** Compiled template -> its Bicep source: the same name beside it, else the one Bicep file of that name. */
  private pairs(): Map<string, string> {
    this.cache ??= { pairs: this.findPairs(), sources: new Map() };
    return this.cache.pairs;
  }

  private findPairs(): Map<string, string> {
    const docs = this.documents();
    // Most workspaces have no compiled template: no need to index their Bicep files.
    if (!docs.some((d) => d.facts.compiledFromBicep)) return new Map();
    const bicep = new Map<string, string[]>();
    for (const d of docs) {
      if (d.language !== 'bicep') continue;
      const stem = baseName(d.uri)
        .replace(/\.bicep$/i, '')
        .toLowerCase();
      let list = bicep.get(stem);
      if (!list) bicep.set(stem, (list = []));
      list.push(d.uri);
    }
    const out = new Map<string, string>();
    for (const d of docs) {
      if (d.language !== 'arm' || !d.facts.compiledFromBicep) continue;
      const candidates =
        bicep.get(
          baseName(d.uri)
            .replace(/\.jsonc?$/i, '')
            .toLowerCase(),
        ) ?? [];
      const beside = candidates.find((c) => dirOf(c) === dirOf(d.uri));
      const source = beside ?? (candidates.length === 1 ? candidates[0] : undefined);
      if (source) out.set(d.uri, source);
    }
    return out;
  }

  /** A Bicep file and the Bicep modules it calls, at any depth. */
  private sourceFiles(root: string): string[] {
    const known = this.cache?.sources.get(root);
    if (known) return known;
    const out = [root];
    for (let i = 0; i < out.length && out.length < 500; i++) for (const t of this.targetsOf(out[i])) if (/\.bicep$/i.test(t) && !out.includes(t)) out.push(t);
    this.cache?.sources.set(root, out);
    return out;
  }
}

/**
 * Findings the source and its compiled copy share: the same rule on the same property of a resource of the same
 * symbolic name (compiled Bicep keeps them), whatever file holds it and whichever case (a caller, a parameters file)
 * the finding names; or the same rule saying the same thing (a classic compiled template names resources by index).
 */
function same(f: Finding): string[] {
  const said = `${f.ruleId}\u0000${f.message}`;
  const [rule, resource, ...rest] = f.key.split('|');
  // A finding about a whole deployment is keyed by the file that deploys it: the copy's and the source's are one.
  if (resource !== undefined && !resource.includes('#')) return [said, [rule, '(deployment)', ...rest].join('|')];
  if (!resource) return [said];
  const symbol = resource
    .slice(resource.lastIndexOf('#') + 1)
    .split('/')
    .pop();
  return [said, [rule, symbol, ...rest.filter((part) => part && !CASE.test(part))].join('|')];
}

/** How a case's condition begins (values.ts, inputs, Terraform instances): not part of what a finding is about. */
const CASE = /^(when|with|for instance) /;
