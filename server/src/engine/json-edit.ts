import { type EditResult, type FormattingOptions, type JSONPath, modify } from 'jsonc-parser';

/**
 * Lines longer than this are not formatted around an insertion. jsonc-parser formats the lines an insertion touches by
 * applying its edits one at a time to the whole text, which is quadratic on a long line: three quick fixes on a
 * minified ARM template of 114 KB took 8 s, and a larger one stalled the server (found by the fuzzer, seed 202). A file
 * written on long lines gets the value inserted as JSON without line breaks, which suits it.
 */
const MAX_FORMATTED_LINE = 400;

/** jsonc-parser's `modify`, formatted as the file around it is, except on long lines. */
export function modifyJson(text: string, path: JSONPath, value: unknown, formattingOptions: FormattingOptions): EditResult {
  const plain = modify(text, path, value, {});
  if (plain.some((e) => lineLength(text, e.offset) > MAX_FORMATTED_LINE)) return plain;
  return modify(text, path, value, { formattingOptions });
}

/** The length of the line that holds `offset`. */
function lineLength(text: string, offset: number): number {
  const start = offset > 0 ? text.lastIndexOf('\n', offset - 1) + 1 : 0;
  const nl = text.indexOf('\n', offset);
  return (nl < 0 ? text.length : nl) - start;
}
