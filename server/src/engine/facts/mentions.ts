import type { Document } from '../model';

const cache = new WeakMap<Document, Map<RegExp, boolean>>();

/**
 * Whether some document's text matches `pattern`, cached per document version: a rule whose subject must be written
 * in some file (a `listKeys()` call, a public IP property) skips its walk over the whole graph, and the lazy values it
 * would evaluate, when no file writes it. An edit rescans only the edited document.
 */
export function someDocumentMentions(documents: readonly Document[], pattern: RegExp): boolean {
  return documents.some((doc) => {
    let byPattern = cache.get(doc);
    if (!byPattern) cache.set(doc, (byPattern = new Map()));
    let found = byPattern.get(pattern);
    if (found === undefined) byPattern.set(pattern, (found = pattern.test(doc.text)));
    return found;
  });
}
