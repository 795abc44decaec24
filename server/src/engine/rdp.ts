import type { Range, StringValue } from './model';

/** One `name:type:value` property of an RDP string, with where its characters are in the document. */
export interface RdpToken {
  /** Lower-case name, spaces kept (`screen mode id`). */
  name: string;
  type: string;
  value: string;
  /** The whole token as written (decoded). */
  text: string;
  /** Source range of the whole token in `uri`, when every character of it is written there. */
  range?: Range;
  /** Source range of the value, when every character of it is written in `uri` (may be empty). */
  valueRange?: Range;
  uri?: string;
  /** A token that is not `name:type:value` (and does not continue a string value). */
  malformed?: boolean;
  /** For `conditionalRdpProperty` tokens (`name:type:value:conditionType:conditionValue`): the condition, as written. */
  condition?: string;
}

export interface RdpString {
  tokens: RdpToken[];
  /** Parts of the string are unknown (interpolations, unresolved parameters): any property may hide there. */
  hasUnknown: boolean;
  /**
   * Where new text can be appended: right after the last known character of the string, when that character is
   * written in the document; `needsSeparator` when the text there does not end with `;`.
   */
  append?: { uri: string; offset: number; needsSeparator: boolean };
  /** Decoded index of the string, per source char, for callers that need more. */
  knownText: string;
}

interface Char {
  c: string;
  uri?: string;
  s: number;
  e: number;
}

/** `name:type:value`: names may hold spaces, values anything (`C:\\`, `;` in drive lists). */
export const RDP_TOKEN_HEAD = /^([A-Za-z][A-Za-z0-9 ]*?):([isbISB]):([\s\S]*)$/;

function rangeOf(chars: Char[]): { range?: Range; uri?: string } {
  if (!chars.length) return {};
  const uri = chars[0].uri;
  if (uri === undefined || chars.some((ch) => ch.uri !== uri || ch.s < 0)) return {};
  // A token pieced together from two places (a literal and a parameter default) has no single range to edit.
  for (let i = 1; i < chars.length; i++) if (chars[i].s !== chars[i - 1].e) return {};
  return { range: { start: chars[0].s, end: chars[chars.length - 1].e }, uri };
}

/** Parses a host pool RDP property string: `;`-separated `name:type:value` tokens; `s` values may themselves hold `;`. */
const parsed = new WeakMap<StringValue, RdpString>();

/** Parses a host pool RDP property string (cached per value: several rules read the same string). */
export function parseRdpString(v: StringValue): RdpString {
  let r = parsed.get(v);
  if (!r) parsed.set(v, (r = parseRdpStringUncached(v)));
  return r;
}

function parseRdpStringUncached(v: StringValue): RdpString {
  const segments: (Char[] | 'hole')[] = [];
  let cur: Char[] = [];
  let hasUnknown = false;
  let knownText = '';
  let lastEnd: { uri: string; offset: number } | undefined;
  for (const p of v.parts) {
    if (p.kind === 'hole') {
      hasUnknown = true;
      segments.push(cur, 'hole');
      cur = [];
      lastEnd = undefined;
      continue;
    }
    const src = p.source;
    for (let i = 0; i < p.text.length; i++) {
      let s = -1;
      let e = -1;
      if (src) {
        s = src.offsets ? src.offsets[i] : src.start + i;
        e = src.offsets ? src.offsets[i + 1] : src.start + i + 1;
      }
      const ch: Char = { c: p.text[i], uri: src?.uri, s, e };
      cur.push(ch);
      knownText += ch.c;
    }
    lastEnd = src ? { uri: src.uri, offset: src.offsets ? src.offsets[p.text.length] : src.start + p.text.length } : undefined;
  }
  segments.push(cur);

  const tokens: RdpToken[] = [];
  let prevWasString = false;
  segments.forEach((seg, segIndex) => {
    if (seg === 'hole') {
      prevWasString = false;
      return;
    }
    // Split the known run on ';'. The first and last pieces touch a hole when the segment does; such pieces are
    // fragments of a property whose other half is unknown, so they are not read as properties.
    const pieces: Char[][] = [[]];
    for (const ch of seg) {
      if (ch.c === ';') pieces.push([]);
      else pieces[pieces.length - 1].push(ch);
    }
    const holeBefore = segIndex > 0 && segments[segIndex - 1] === 'hole';
    const holeAfter = segIndex < segments.length - 1 && segments[segIndex + 1] === 'hole';
    pieces.forEach((piece, i) => {
      if ((i === 0 && holeBefore) || (i === pieces.length - 1 && holeAfter)) {
        prevWasString = false;
        return;
      }
      // Trim spaces and line breaks around the token.
      let a = 0;
      let b = piece.length;
      while (a < b && /\s/.test(piece[a].c)) a++;
      while (b > a && /\s/.test(piece[b - 1].c)) b--;
      const chars = piece.slice(a, b);
      if (!chars.length) return;
      const text = chars.map((ch) => ch.c).join('');
      const m = RDP_TOKEN_HEAD.exec(text);
      if (!m) {
        // `drivestoredirect:s:C:\;E:\;` keeps drive lists inside one string value.
        const prev = tokens[tokens.length - 1];
        if (prevWasString && prev && /^[A-Za-z]:\\?$|^[A-Za-z]:\\/.test(text)) {
          prev.value += ';' + text;
          prev.text += ';' + text;
          const r = rangeOf(chars);
          if (prev.range && r.range && r.uri === prev.uri) {
            prev.range = { start: prev.range.start, end: r.range.end };
            if (prev.valueRange) prev.valueRange = { start: prev.valueRange.start, end: r.range.end };
          }
          return;
        }
        tokens.push({ name: text.toLowerCase(), type: '', value: '', text, ...rangeOf(chars), malformed: true });
        prevWasString = false;
        return;
      }
      const valueStart = text.length - m[3].length;
      const { range, uri } = rangeOf(chars);
      const valueChars = chars.slice(valueStart);
      let valueRange: Range | undefined;
      if (range) valueRange = valueChars.length ? rangeOf(valueChars).range : { start: range.end, end: range.end };
      tokens.push({ name: m[1].toLowerCase(), type: m[2].toLowerCase(), value: m[3], text, range, valueRange, uri });
      prevWasString = m[2].toLowerCase() === 's';
    });
  });

  let append: RdpString['append'];
  if (lastEnd) {
    const trimmed = knownText.trimEnd();
    append = { ...lastEnd, needsSeparator: trimmed.length > 0 && !trimmed.endsWith(';') };
  }
  return { tokens, hasUnknown, append, knownText };
}

/** The tokens that set `name` (several when the string repeats it). */
export function findRdp(rdp: RdpString, name: string): RdpToken[] {
  const lower = name.toLowerCase();
  return rdp.tokens.filter((t) => t.name === lower);
}

/**
 * Parses a host pool's `conditionalRdpProperty` (preview): `name:type:value:conditionType:conditionValue` tokens. The
 * value is the part before the condition; the token keeps its range, so findings point at it.
 */
const parsedConditional = new WeakMap<StringValue, RdpString>();

export function parseConditionalRdpString(v: StringValue): RdpString {
  const hit = parsedConditional.get(v);
  if (hit) return hit;
  const rdp = parseRdpStringUncached(v);
  parsedConditional.set(v, rdp);
  for (const t of rdp.tokens) {
    if (t.malformed) continue;
    const i = t.value.indexOf(':');
    if (i < 0) continue;
    t.condition = t.value.slice(i + 1);
    t.value = t.value.slice(0, i);
  }
  return rdp;
}
