import type { SyntaxNode as Node } from './syntax';
import type { Range, SyntaxError } from '../../model';

/** Helpers over tree-sitter-terraform's syntax tree (node types: config_file > body > block | attribute). */

export function nodeRange(n: Node): Range {
  return { start: n.startIndex, end: n.endIndex };
}

export function namedChildren(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => !!c);
}

/** The `body` of a config file or block. */
export function bodyOf(n: Node): Node | undefined {
  return namedChildren(n).find((c) => c.type === 'body');
}

export interface HclBlock {
  node: Node;
  type: string;
  labels: Node[];
  labelTexts: string[];
  body?: Node;
}

export interface HclAttribute {
  node: Node;
  name: string;
  nameNode: Node;
  value: Node;
}

export function blockOf(n: Node): HclBlock {
  const kids = namedChildren(n);
  const labels = kids.filter((c) => c.type === 'string_lit' || (c.type === 'identifier' && c !== kids[0]));
  return {
    node: n,
    type: kids[0]?.text ?? '',
    labels,
    labelTexts: labels.map(labelText),
    body: kids.find((c) => c.type === 'body'),
  };
}

function labelText(n: Node): string {
  if (n.type === 'identifier') return n.text;
  return namedChildren(n)
    .filter((c) => c.type === 'template_literal')
    .map((c) => c.text)
    .join('');
}

export function attributeOf(n: Node): HclAttribute | undefined {
  const kids = namedChildren(n);
  const nameNode = kids.find((c) => c.type === 'identifier');
  const value = kids.find((c) => c.type === 'expression');
  if (!nameNode || !value) return undefined;
  return { node: n, name: nameNode.text, nameNode, value };
}

/** Blocks and attributes of a body, in order. */
export function items(body: Node | undefined): { blocks: HclBlock[]; attributes: HclAttribute[] } {
  const blocks: HclBlock[] = [];
  const attributes: HclAttribute[] = [];
  if (!body) return { blocks, attributes };
  for (const c of namedChildren(body)) {
    if (c.type === 'block') blocks.push(blockOf(c));
    else if (c.type === 'attribute') {
      const a = attributeOf(c);
      if (a) attributes.push(a);
    }
  }
  return { blocks, attributes };
}

/** Syntax errors of a tree: error nodes and nodes the parser inserted as missing (the first 100, in order). */
export function syntaxErrors(root: Node, text: string): SyntaxError[] {
  const out: SyntaxError[] = [];
  // A stack, not recursion: a chain of operators makes a tree as deep as it is long.
  const stack: Node[] = root.hasError ? [root] : [];
  while (stack.length && out.length < 100) {
    const n = stack.pop()!;
    if (n.isMissing) {
      out.push({ message: `Missing ${n.type === '' ? 'token' : `'${n.type}'`}`, range: nodeRange(n) });
    } else if (n.type === 'ERROR') {
      const snippet = text.slice(n.startIndex, Math.min(n.endIndex, n.startIndex + 30)).split(/\r?\n/)[0];
      out.push({ message: `Syntax error: unexpected '${snippet}'`, range: nodeRange(n) });
    } else if (n.hasError) {
      const kids = n.children;
      for (let i = kids.length - 1; i >= 0; i--) if (kids[i]) stack.push(kids[i]!);
    }
  }
  return out;
}

/**
 * Decodes the text of a quoted template literal (HCL escapes, `$${` and `%%{`), with the source offset of each
 * decoded character (length = decoded length + 1).
 */
export function decodeQuoted(raw: string, start: number): { text: string; offsets: number[]; verbatim: boolean } {
  let text = '';
  const offsets: number[] = [];
  let verbatim = true;
  let i = 0;
  const push = (s: string, at: number) => {
    for (let k = 0; k < s.length; k++) offsets.push(at);
    text += s;
  };
  while (i < raw.length) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      verbatim = false;
      const e = raw[i + 1];
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (simple[e] !== undefined) {
        push(simple[e], start + i);
        i += 2;
        continue;
      }
      const m = e === 'u' ? /^[0-9a-fA-F]{4}/.exec(raw.slice(i + 2)) : e === 'U' ? /^[0-9a-fA-F]{8}/.exec(raw.slice(i + 2)) : null;
      if (m) {
        push(String.fromCodePoint(parseInt(m[0], 16)), start + i);
        i += 2 + m[0].length;
        continue;
      }
    }
    if ((c === '$' || c === '%') && raw[i + 1] === c && raw[i + 2] === '{') {
      verbatim = false;
      push(c + '{', start + i);
      // The second character of `${` maps to the brace.
      offsets[offsets.length - 1] = start + i + 2;
      i += 3;
      continue;
    }
    push(c, start + i);
    i++;
  }
  offsets.push(start + raw.length);
  return { text, offsets, verbatim };
}
