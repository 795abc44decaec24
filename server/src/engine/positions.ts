/** Offsets to zero-based line and UTF-16 column, counting `\r\n`, `\n` and `\r` as line breaks (as LSP does). */
export class LineIndex {
  private readonly starts: number[] = [0];
  private readonly length: number;

  constructor(text: string) {
    this.length = text.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10) {
        this.starts.push(i + 1);
      }
    }
  }

  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset where a zero-based line starts. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Offset after a zero-based line's line break (the text's length for the last line). */
  lineEnd(line: number): number {
    return line + 1 < this.starts.length ? this.starts[line + 1] : this.length;
  }
}

const indexes = new WeakMap<{ readonly text: string }, LineIndex>();

/** The line index of a document's text, built once per document version (line lookups must not rescan the text). */
export function lineIndexOf(doc: { readonly text: string }): LineIndex {
  let idx = indexes.get(doc);
  if (!idx) indexes.set(doc, (idx = new LineIndex(doc.text)));
  return idx;
}

/** Index of the last item (sorted by `key`) whose key is at most `value`, or -1. */
export function lastAtOrBefore<T>(items: readonly T[], key: (t: T) => number, value: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]) <= value) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at;
}
