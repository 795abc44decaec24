import type { HostPoolNode } from '../graph';
import type { RdpToken } from '../rdp';
import { cases, get } from '../values';
import { inOnePiece, rdpCases, tokensOf } from './rdp';

/** What the sign-in rules (legacy password sign-in, in-session passwordless) share about a host pool's RDP string. */

/** A token that sets an `i` property to `value` (`enablerdsaadauth:i:1`), spaces around the value ignored. */
export function isSetTo(t: RdpToken, value: string): boolean {
  return t.type === 'i' && t.value.trim() === value;
}

/**
 * Whether one `set-rdp-property` fix that sets `names` (and removes every copy of `without`) can be written in every
 * case the host pool's RDP string can take: the fix edits them all. Each case must be a string, each copy of the
 * properties written in one piece of source, and a case that does not set a property must have a known end to append
 * it at.
 */
export function settableEverywhere(pool: HostPoolNode, names: readonly string[], without: readonly string[] = []): boolean {
  const v = get(pool.resource.body, 'properties', 'customRdpProperty');
  // A null case (Azure drops it) or an unreadable one leaves nothing to edit.
  if (!v || !cases(v).every((c) => c.value.kind === 'string')) return false;
  return rdpCases(pool).every(
    (c) =>
      !!c.rdp &&
      [...names, ...without].every((n) => tokensOf(c, n).every((t) => inOnePiece(c, t))) &&
      names.every((n) => tokensOf(c, n).length > 0 || !!c.rdp?.append),
  );
}
