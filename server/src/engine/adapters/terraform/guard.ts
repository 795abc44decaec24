/**
 * What the Terraform text must pass before tree-sitter sees it. The grammar's parser is slow on two kinds of input that
 * cost nothing to write: long runs of whitespace inside expressions (quadratic: 10 KB of spaces after `a =` take
 * seconds) and deep nesting (a few MB of `{` exhaust the WebAssembly memory and abort the module). A scan that knows
 * HCL's strings, heredocs and comments finds both in one pass:
 * - a run of whitespace longer than RUN_LIMIT outside strings, heredocs and comments is rewritten as a block comment of
 *   the same length (`/*` after its first character, `*\/` at its end, its last line break kept out of the comment), which the grammar reads in one token: offsets and meaning stay the same (the engine works in offsets;
 *   a run of blank lines loses the line breaks the comment marks replace);
 * - a long blank run at the end of a file that ends inside a string or heredoc is cut off (see the end of guardHcl);
 * - block comments side by side on one line, longer than RUN_LIMIT together, become one blank block comment of the
 *   same length (a suppression among them is lost: it can only make avdsec report more);
 * - a comment longer than RUN_LIMIT keeps its first RUN_LIMIT characters (where a suppression is written); when the
 *   file holds a syntax error, tree-sitter's recovery reads the rest again and again (293 KB of words in one comment:
 *   2.6 s). The rest of a block comment becomes blank (line breaks kept), the rest of a line comment short comment
 *   lines of the same length in all (a blank run that long in one line comment is as slow: 20 s at the end of a file);
 * - nesting (brackets, braces, parentheses, template interpolations) deeper than HCL_DEPTH_LIMIT refuses the file.
 */

export const HCL_DEPTH_LIMIT = 256;
const RUN_LIMIT = 256;
/** What the rest of a long line comment becomes (see above), repeated: a line break, then a short comment. */
const COMMENT_LINES = `\n#${' '.repeat(62)}`;

export type HclGuard = { ok: true; text: string; rewritten: boolean } | { ok: false; message: string; offset: number };

type Frame = '{' | '[' | '(' | 'string' | 'heredoc';

const isBlank = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isIdent = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;

/** Checks the nesting of a Terraform text and rewrites its long whitespace runs (see above). */
export function guardHcl(text: string, depthLimit = HCL_DEPTH_LIMIT): HclGuard {
  const n = text.length;
  // What each open frame is: a bracket of code, or a template (quoted string, heredoc) whose `${`/`%{` opened code.
  const stack: Frame[] = [];
  const heredocEnds: { marker: string }[] = [];
  let out: string[] | undefined;
  let copied = 0;
  let depth = 0;
  const open = (f: Frame, at: number): HclGuard | undefined => {
    stack.push(f);
    if (f === '{' || f === '[' || f === '(') depth++;
    return depth > depthLimit ? { ok: false, message: `nested too deeply (more than ${depthLimit} levels)`, offset: at } : undefined;
  };
  const comment = (start: number, end: number) => {
    if (end - start < 4) return;
    (out ??= []).push(text.slice(copied, start), '/*', text.slice(start + 2, end - 2), '*/');
    copied = end;
  };
  // The rest of a long comment from `start` (not between the two halves of a surrogate pair) to `end`.
  const tail = (start: number, end: number, line: boolean) => {
    const from = text.charCodeAt(start - 1) >= 0xd800 && text.charCodeAt(start - 1) <= 0xdbff ? start - 1 : start;
    (out ??= []).push(
      text.slice(copied, from),
      line ? COMMENT_LINES.repeat(Math.ceil((end - from) / COMMENT_LINES.length)).slice(0, end - from) : text.slice(from, end).replace(/[^\r\n]/g, ' '),
    );
    copied = end;
  };
  const blankComment = (start: number, end: number) => {
    (out ??= []).push(text.slice(copied, start), '/*', ' '.repeat(end - start - 4), '*/');
    copied = end;
  };
  // The run's first character stays (no `/*` glued to the token before it), and so does its last line break (at
  // body level it ends an attribute); what follows that break becomes a second comment when it is long too.
  const rewrite = (from: number, to: number) => {
    const lastBreak = text.lastIndexOf('\n', to - 1);
    if (lastBreak <= from) return comment(from + 1, to);
    comment(from + 1, text[lastBreak - 1] === '\r' ? lastBreak - 1 : lastBreak);
    if (to - lastBreak - 1 > RUN_LIMIT) comment(lastBreak + 1, to);
  };

  let i = 0;
  let lineEnd = -1;
  // The mode of the text at `i`: code, or inside the template on top of the stack.
  const inTemplate = () => stack.length > 0 && (stack[stack.length - 1] === 'string' || stack[stack.length - 1] === 'heredoc');
  while (i < n) {
    if (inTemplate()) {
      const kind = stack[stack.length - 1];
      const c = text[i];
      if (kind === 'string' && (c === '"' || c === '\n')) {
        // A line break ends an unterminated string: HCL strings are one line.
        stack.pop();
        i++;
        continue;
      }
      if (kind === 'string' && c === '\\') {
        i += 2;
        continue;
      }
      if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
        i += 3;
        continue;
      }
      if ((c === '$' || c === '%') && text[i + 1] === '{') {
        const refused = open('{', i);
        if (refused) return refused;
        i += 2;
        continue;
      }
      if (kind === 'heredoc' && (i === 0 || text[i - 1] === '\n')) {
        // A heredoc ends at a line that holds only its marker (indented for `<<-`).
        let j = i;
        while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
        const marker = heredocEnds[heredocEnds.length - 1].marker;
        if (text.startsWith(marker, j)) {
          let k = j + marker.length;
          while (k < n && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r')) k++;
          if (k >= n || text[k] === '\n') {
            stack.pop();
            heredocEnds.pop();
            i = k;
            continue;
          }
        }
      }
      i++;
      continue;
    }

    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      let j = i + 1;
      while (j < n && isBlank(text.charCodeAt(j))) j++;
      if (j - i > RUN_LIMIT) rewrite(i, j);
      i = j;
      continue;
    }
    const ch = text[i];
    if (ch === '#' || (ch === '/' && text[i + 1] === '/')) {
      const e = text.indexOf('\n', i);
      const end = e < 0 ? n : e;
      if (end - i > RUN_LIMIT) tail(i + RUN_LIMIT, end, true);
      i = end;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) {
        i = n;
        continue;
      }
      // Block comments side by side on one line: in an error, tree-sitter's recovery takes time that grows faster than
      // their number (6,000 in a 277 KB line: 1.1 s). A run longer than RUN_LIMIT becomes one blank comment.
      // The end of this line, found once per line (`i` only grows): a long line of many comments stays linear.
      if (lineEnd < i) {
        const lineBreak = text.indexOf('\n', i);
        lineEnd = lineBreak < 0 ? n : lineBreak;
      }
      let j = e + 2;
      let comments = 1;
      for (;;) {
        let k = j;
        while (k < n && (text[k] === ' ' || text[k] === '\t')) k++;
        if (text[k] !== '/' || text[k + 1] !== '*') break;
        const end = text.indexOf('*/', k + 2);
        if (end < 0 || end > lineEnd) break;
        j = end + 2;
        comments++;
      }
      if (comments > 1 && j - i > RUN_LIMIT && j <= lineEnd) blankComment(i, j);
      else if (comments === 1 && e - i > RUN_LIMIT) tail(i + RUN_LIMIT, e, false);
      i = j;
      continue;
    }
    if (ch === '"') {
      stack.push('string');
      i++;
      continue;
    }
    if (ch === '<' && text[i + 1] === '<') {
      let j = i + 2;
      if (text[j] === '-') j++;
      const markerStart = j;
      while (j < n && isIdent(text.charCodeAt(j))) j++;
      let k = j;
      while (k < n && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r')) k++;
      if (j > markerStart && text[k] === '\n') {
        stack.push('heredoc');
        heredocEnds.push({ marker: text.slice(markerStart, j) });
        i = k + 1;
        continue;
      }
      i += 2;
      continue;
    }
    if (ch === '{' || ch === '[' || ch === '(') {
      const refused = open(ch, i);
      if (refused) return refused;
      i++;
      continue;
    }
    if (ch === '}' || ch === ']' || ch === ')') {
      // Closing what is open (or stray: ignored); a `}` that closes an interpolation returns to its template.
      if (stack.length && stack[stack.length - 1] !== 'string' && stack[stack.length - 1] !== 'heredoc') {
        stack.pop();
        depth--;
      }
      i++;
      continue;
    }
    i++;
  }
  // A long blank run that ends the file inside an unterminated string or heredoc costs tree-sitter's error recovery
  // quadratic time (8,000 spaces: over a second). It means nothing there, so tree-sitter does not see it: the text is
  // cut before it, and every offset before the cut is unchanged.
  let end = n;
  if (inTemplate()) {
    while (end > copied && isBlank(text.charCodeAt(end - 1))) end--;
    if (n - end <= RUN_LIMIT) end = n;
  }
  if (!out && end === n) return { ok: true, text, rewritten: false };
  (out ??= []).push(text.slice(copied, end));
  return { ok: true, text: out.join(''), rewritten: true };
}
