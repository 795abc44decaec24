import { type Node as JsonNode, type ParseError, parseTree } from 'jsonc-parser';
import type { ObjectEntry, Range, StringPart, StringValue, Value } from '../../model';
import { unknown } from '../../values';

const SENTINEL = (i: number) => `__avdsec_hole_${i}__`;
const SENTINEL_RE = /__avdsec_hole_(\d+)__/g;

/**
 * Reads a string that holds JSON (a heredoc of extension settings) as a value. Interpolations become holes where they
 * stand; text keeps its source map where the JSON has no escapes. Undefined when the text is not JSON.
 */
export function jsonStringToValue(v: StringValue): Value | undefined {
  let text = '';
  const src: number[] = [];
  // The document each character is written in: an interpolated value (a .tfvars string) is written in another.
  const uris: (string | undefined)[] = [];
  const holes: Extract<StringPart, { kind: 'hole' }>[] = [];
  let inString = false;
  let uri: string | undefined;
  for (const p of v.parts) {
    if (p.kind === 'text') {
      uri ??= p.source?.uri;
      for (let i = 0; i < p.text.length; i++) {
        const c = p.text[i];
        if (c === '"' && !isEscaped(text)) inString = !inString;
        text += c;
        src.push(p.source ? (p.source.offsets ? p.source.offsets[i] : p.source.start + i) : -1);
        uris.push(p.source?.uri);
      }
    } else {
      const s = SENTINEL(holes.length);
      holes.push(p);
      const piece = inString ? s : `"${s}"`;
      text += piece;
      for (let i = 0; i < piece.length; i++) {
        src.push(p.range.start);
        uris.push(uri);
      }
    }
  }
  src.push(v.range.end);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  if (!root || errors.length) return undefined;
  const map = (offset: number, length: number): Range => {
    const s = src[offset];
    const e = src[offset + length - 1];
    return s >= 0 && e >= 0 ? { start: s, end: e + 1 } : v.range;
  };
  const convert = (n: JsonNode): Value => {
    const range = map(n.offset, n.length);
    switch (n.type) {
      case 'object': {
        const entries: ObjectEntry[] = [];
        for (const prop of n.children ?? []) {
          const [k, val] = prop.children ?? [];
          if (!k || !val) continue;
          entries.push({ key: String(k.value), keyRange: map(k.offset, k.length), value: convert(val) });
        }
        return { kind: 'object', entries, range };
      }
      case 'array':
        return { kind: 'array', items: (n.children ?? []).map(convert), range };
      case 'string':
        return stringValue(n, text, src, uris, holes, range);
      case 'number':
        return { kind: 'number', value: Number(n.value), range };
      case 'boolean':
        return { kind: 'boolean', value: !!n.value, range };
      case 'null':
        return { kind: 'null', range };
      default:
        return unknown(range);
    }
  };
  return convert(root);
}

function isEscaped(text: string): boolean {
  let n = 0;
  for (let i = text.length - 1; i >= 0 && text[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function stringValue(
  n: JsonNode,
  text: string,
  src: number[],
  uris: (string | undefined)[],
  holes: Extract<StringPart, { kind: 'hole' }>[],
  range: Range,
): Value {
  const decoded = String(n.value);
  const raw = text.slice(n.offset + 1, n.offset + n.length - 1);
  const verbatim = !raw.includes('\\');
  const parts: StringPart[] = [];
  let last = 0;
  const textPart = (from: number, to: number) => {
    if (to <= from) return;
    const piece = decoded.slice(from, to);
    const uri = uris[n.offset + 1 + from];
    const oneDocument = uris.slice(n.offset + 1 + from, n.offset + 1 + to).every((u) => u === uri);
    if (verbatim && uri && oneDocument) {
      const offsets: number[] = [];
      for (let i = from; i <= to; i++) offsets.push(src[n.offset + 1 + i]);
      // The end is one past the last character where it is written (the next one may be written elsewhere).
      const end = n.offset + 1 + to;
      if (uris[end] !== uri || src[end] !== src[end - 1] + 1) offsets[offsets.length - 1] = offsets[offsets.length - 2] + 1;
      if (offsets.every((o) => o >= 0)) {
        parts.push({ kind: 'text', text: piece, source: { uri, start: offsets[0], end: offsets[offsets.length - 1], offsets } });
        return;
      }
    }
    parts.push({ kind: 'text', text: piece });
  };
  for (const m of decoded.matchAll(SENTINEL_RE)) {
    textPart(last, m.index);
    const h = holes[Number(m[1])];
    if (h) parts.push(h);
    last = m.index + m[0].length;
  }
  textPart(last, decoded.length);
  if (parts.length === 1 && parts[0].kind === 'hole' && decoded === SENTINEL(holes.indexOf(parts[0]))) return { ...parts[0].value, range } as Value;
  return { kind: 'string', parts, range };
}
