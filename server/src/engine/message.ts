/**
 * Finding messages are one sentence that says what was found and why it matters, in at most MESSAGE_MAX characters:
 * what a reader sees in a squiggle's tooltip, a Problems row or a CI log line. The rest (cases, defaults, each
 * property's risk, remedies) goes to related information, the hover and the rule page.
 */
export const MESSAGE_MAX = 160;

/**
 * The first wording that fits, from the fullest to the shortest; a wording that contains names the user wrote (a long
 * resource name) may fit none, and then the last is cut to fit.
 */
export function fitting(...wordings: string[]): string {
  const fits = wordings.find((w) => w.length <= MESSAGE_MAX);
  if (fits !== undefined) return fits;
  const last = wordings[wordings.length - 1] ?? '';
  return `${last.slice(0, MESSAGE_MAX - 2).trimEnd()}….`;
}

/** A name or token for a message, cut to `max` characters. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "Case: when x is 'y'" for related information: the case of a value a finding is about. */
export function caseNote(when: string): string {
  return `Case: ${when}`;
}

/** "a, b and c" */
export function list(items: readonly string[], last = 'and'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

/** The text with its first letter in capitals: a phrase that begins a sentence. */
export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
