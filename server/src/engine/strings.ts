/**
 * `s` as a string of its own. V8 makes a substring of 13 characters or more a view that keeps the whole text it was cut
 * from alive. A cache that outlives a document, keyed by such a view, keeps that version of the document: while typing,
 * one whole text per keystroke. Concatenating and then slicing makes V8 copy the characters into a new string.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
