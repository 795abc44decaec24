import type { Document, Finding } from './model';
import { baseName, dirOf } from './resolve/paths';

/**
 * ARM templates that Bicep compiled from a source file of the same workspace (`metadata._generator`; the same name, or
 * the same parameters):
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

  /** Whether `uri` is a template compiled from a Bicep file of the workspace (whose findings its source reports). */
  isCopy(uri: string): boolean {
    return this.pairs().has(uri);
  }

  /** Whether `uri` is a compiled copy or a file of a copy's Bicep source: its findings are matched with the other's. */
  isPaired(uri: string): boolean {
    const pairs = this.pairs();
    return pairs.has(uri) || [...pairs.values()].some((src) => this.sourceFiles(src).includes(uri));
  }

  /** The findings of `uri` once matched with its compiled copies or its source; `own` gives a file's own findings. */
  apply(uri: string, found: Finding[], own: (uri: string) => Finding[]): Finding[] {
    const pairs = this.pairs();
    const source = pairs.get(uri);
    if (source) {
      const said = this.sourceFiles(source).flatMap((u) => own(u));
      const exact = new Set(said.flatMap(same));
      const loose = counts(said.map(looseKey));
      const matched = found.filter((f) => same(f).some((k) => exact.has(k)));
      for (const f of matched) take(loose, looseKey(f));
      return found.filter((f) => !matched.includes(f) && !(byIndex(f) && take(loose, looseKey(f))));
    }
    const copies = [...pairs].filter(([, src]) => this.sourceFiles(src).includes(uri)).map(([copy]) => copy);
    if (!copies.length) return found;
    // Each copy says it once: a source finding is matched with at most one finding of each copy.
    const perCopy = copies.map((copy) => {
      const exact = new Map<string, Finding>();
      const loose = new Map<string, Finding[]>();
      for (const f of own(copy)) {
        for (const k of same(f)) if (!exact.has(k)) exact.set(k, f);
        if (byIndex(f)) loose.set(looseKey(f), [...(loose.get(looseKey(f)) ?? []), f]);
      }
      return { exact, loose };
    });
    return found.map((f) => {
      const notes = perCopy.flatMap(({ exact, loose }) => {
        const c =
          same(f)
            .map((k) => exact.get(k))
            .find((x) => x) ?? loose.get(looseKey(f))?.shift();
        return c ? [{ uri: c.uri, range: c.range, message: `Compiled into ${baseName(c.uri)}` }] : [];
      });
      return notes.length ? { ...f, related: [...f.related, ...notes] } : f;
    });
  }

  /**
   * Compiled template -> its Bicep source: the same name beside it, else the one Bicep file of that name, else the Bicep
   * file that declares the same parameters (the nearest one by folder).
   */
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
    const bySignature = new Map<string, string[]>();
    for (const d of docs) {
      if (d.language !== 'bicep') continue;
      const sig = signature(d);
      if (sig) bySignature.set(sig, [...(bySignature.get(sig) ?? []), d.uri]);
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
      // A copy published under another name (avdaccelerator's workload/arm/brownfield/deployX.json) keeps the
      // source's parameters, names and order aside: the one Bicep file that declares exactly those is its source.
      const sig = signature(d);
      const source = beside ?? (candidates.length === 1 ? candidates[0] : nearest(d.uri, (sig && bySignature.get(sig)) || []));
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

/** A resource a classic template names by its place (`#2/0`): its symbol says nothing the source can match. */
function byIndex(f: Finding): boolean {
  const resource = f.key.split('|')[1] ?? '';
  return /#\d+(\/\d+)*$/.test(resource);
}

/**
 * The rule and property a finding is about, whichever resource: a classic compiled template's finding is matched by
 * it with one of its source's, each source finding standing for one copy finding.
 */
function looseKey(f: Finding): string {
  const [rule, , ...rest] = f.key.split('|');
  return [rule, ...rest.filter((part) => part && !CASE.test(part))].join('|');
}

function counts(keys: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

/** Uses one of the source findings left with this key, if any. */
function take(left: Map<string, number>, key: string): boolean {
  const n = left.get(key) ?? 0;
  if (n) left.set(key, n - 1);
  return n > 0;
}

/** The parameters a template declares, as a comparable set; undefined when it declares none. */
function signature(d: Document): string | undefined {
  const names = d.symbols.filter((s) => s.kind === 'param').map((s) => s.name.toLowerCase());
  return names.length ? [...new Set(names)].sort().join(',') : undefined;
}

/** The one candidate sharing the longest folder prefix with `uri`, if no other shares as much. */
function nearest(uri: string, candidates: string[]): string | undefined {
  if (candidates.length <= 1) return candidates[0];
  const shared = (c: string) => {
    let i = 0;
    while (i < c.length && i < uri.length && c[i] === uri[i]) i++;
    return c.slice(0, i).lastIndexOf('/');
  };
  const best = Math.max(...candidates.map(shared));
  const top = candidates.filter((c) => shared(c) === best);
  return top.length === 1 ? top[0] : undefined;
}

/** How a case's condition begins (values.ts, inputs, Terraform instances): not part of what a finding is about. */
const CASE = /^(when|with|for instance) /;
