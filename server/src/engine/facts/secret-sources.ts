import type { AvdGraph } from '../graph';
import type { Document, DocumentSymbolInfo, Location, Value } from '../model';
import { cases, knownString } from '../values';

/**
 * Where a secret's value comes from, as the secrets rules judge it:
 * - `literal`: written out (in the template, a module argument, a parameters or variables file);
 * - `default`: a parameter's or variable's default (discoverable in the template and the deployment history);
 * - `parameter`: a parameter or variable without a value here (supplied at deployment time);
 * - `reference`: read from another resource at deployment time (Key Vault, `random_password`, `listKeys()`);
 * - `unknown`: anything else (an expression avdsec cannot follow).
 */
export type SecretSourceKind = 'literal' | 'default' | 'parameter' | 'reference' | 'unknown';

export interface SecretSource {
  kind: SecretSourceKind;
  /** The parameter or variable the value comes through, when one does (its declaration says whether it is secure). */
  declaration?: { doc: Document; symbol: DocumentSymbolInfo };
  /** Where the value is written (a literal, a default), else where it is used. */
  at: Location;
  /** The case of a conditional value ("when env is 'prod'"), empty for a plain value. */
  when: string;
  /** The text of a literal: for rules that judge its shape (a JWT). Never for messages. */
  text?: string;
}

// By the documents array: a graph swapped in place after an edit (graph/incremental.ts) gets a new one.
const byUri = new WeakMap<readonly Document[], Map<string, Document>>();

function documentsByUri(graph: AvdGraph): Map<string, Document> {
  let m = byUri.get(graph.documents);
  if (!m) byUri.set(graph.documents, (m = new Map(graph.documents.map((d) => [d.uri, d]))));
  return m;
}

const sameRange = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start === b.start && a.end === b.end;

/**
 * The declaration an unknown value names by its key: `param:<uri>#<path>:<name>` (Bicep and ARM; the path of a nested
 * deployment's template is not empty, and its parameters are not symbols) or `var:<dir>:<name>` (Terraform).
 */
function declarationOfKey(graph: AvdGraph, key: string | undefined): SecretSource['declaration'] {
  if (!key) return undefined;
  const param = /^param:(.*)#:([^:]+)$/.exec(key);
  if (param) {
    const doc = documentsByUri(graph).get(param[1]);
    const symbol = doc?.symbols.find((s) => s.kind === 'param' && s.name.toLowerCase() === param[2]);
    return doc && symbol ? { doc, symbol } : undefined;
  }
  const variable = /^var:(.*):([^:]+)$/.exec(key);
  if (variable) {
    const dir = variable[1].endsWith('/') ? variable[1] : `${variable[1]}/`;
    for (const doc of graph.documents) {
      if (doc.language !== 'terraform' || !doc.uri.startsWith(dir) || doc.uri.slice(dir.length).includes('/')) continue;
      const symbol = doc.symbols.find((s) => s.kind === 'variable' && s.name === variable[2]);
      if (symbol) return { doc, symbol };
    }
  }
  return undefined;
}

/** The parameter or variable whose default `origin` is. */
function declarationOfDefault(graph: AvdGraph, origin: Location): SecretSource['declaration'] {
  const doc = documentsByUri(graph).get(origin.uri);
  const symbol = doc?.symbols.find((s) => s.default && sameRange(s.default, origin.range));
  return doc && symbol ? { doc, symbol } : undefined;
}

/**
 * Where each case of a secret's value comes from. `uri` is the document whose resource holds the value (a value's
 * `range` is there unless `origin` says it was written elsewhere).
 */
export function secretSources(graph: AvdGraph, uri: string, value: Value): SecretSource[] {
  return cases(value).map(({ value: v, when }) => {
    const at: Location = v.origin ?? { uri, range: v.range };
    if (v.kind === 'ref') return { kind: 'reference', at, when };
    if (v.kind === 'unknown') {
      const declaration = declarationOfKey(graph, v.key);
      return declaration
        ? { kind: 'parameter', declaration, at: { uri: declaration.doc.uri, range: declaration.symbol.range }, when }
        : { kind: 'unknown', at, when };
    }
    const text = knownString(v);
    if (v.origin) {
      const declaration = declarationOfDefault(graph, v.origin);
      if (declaration) return { kind: 'default', declaration, at, when, ...(text !== undefined ? { text } : {}) };
    }
    if (text !== undefined) return { kind: 'literal', at, when, text };
    return { kind: 'unknown', at, when };
  });
}

/**
 * The parameter of `uri` that is not secure and that a value from elsewhere (a caller's module argument, a parameters
 * file) passes through where the template uses it by name (`adminPassword: pw`, `[parameters('pw')]`): a secure
 * parameter or a Key Vault reference passed to it lands in the module's deployment history in plain text. Bicep and ARM
 * only (Terraform keeps a sensitive value sensitive through module variables); read from the use's text, so a value
 * reached through a variable or an expression is not seen.
 */
export function passesThrough(graph: AvdGraph, uri: string, value: Value): SecretSource['declaration'] {
  const doc = documentsByUri(graph).get(uri);
  if (!doc || (doc.language !== 'bicep' && doc.language !== 'arm') || !value.origin || value.origin.uri === uri) return undefined;
  const used = doc.text.slice(value.range.start, value.range.end);
  const name = doc.language === 'bicep' ? /^([A-Za-z_]\w*)$/.exec(used)?.[1] : /^"\[parameters\('([^']+)'\)\]"$/i.exec(used)?.[1];
  const symbol = name && doc.symbols.find((s) => s.kind === 'param' && s.name.toLowerCase() === name.toLowerCase());
  return symbol && !symbol.secure ? { doc, symbol } : undefined;
}
