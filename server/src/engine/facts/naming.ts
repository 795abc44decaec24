import type { Resource } from '../model';
import { get, knownString } from '../values';

/** The words of a name: `hpValidationPool`, `hp-validation-pool` and `HP_VALIDATION_POOL` all give hp, validation, pool. */
export function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether a text says one of `terms` as words of their own (`hp-canary-01` says canary; `hpcanary` and `contest` say
 * neither canary nor test). A term of several words (`pre-prod`) must appear as those words in a row.
 */
export function saysAny(text: string | undefined, terms: readonly string[]): boolean {
  if (!text) return false;
  const words = wordsOf(text);
  return terms.some((term) => {
    const t = wordsOf(term);
    if (!t.length) return false;
    for (let i = 0; i + t.length <= words.length; i++) if (t.every((w, j) => words[i + j] === w)) return true;
    return false;
  });
}

/** The known texts of a resource's name, symbolic name and tags (keys and values): where a team says what it is for. */
export function labels(r: Resource): string[] {
  const out = [knownString(get(r.body, 'name')), r.source.symbol];
  const tags = get(r.body, 'tags');
  if (tags?.kind === 'object') for (const e of tags.entries) out.push(e.key, knownString(e.value));
  return out.filter((t): t is string => t !== undefined);
}
