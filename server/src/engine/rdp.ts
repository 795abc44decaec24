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

/** `name:type:value`: names may hold spaces, values anything (`C:\\`, `;` in drive lists). */
export const RDP_TOKEN_HEAD = /^([A-Za-z][A-Za-z0-9 ]*?):([isbISB]):([\s\S]*)$/;

/**
 * The known characters of a string with where each is written: flat arrays instead of an object per character (a
 * 100 KB value is 100,000 characters). `breaks` counts, up to each index, the characters that do not continue the one
 * before them in the same file, so whether a run is written in one piece is a subtraction.
 */
class SourceMap {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly uris: (string | undefined)[];
  private readonly breaks: Int32Array;

  constructor(length: number) {
    this.starts = new Int32Array(length);
    this.ends = new Int32Array(length);
    this.uris = new Array<string | undefined>(length);
    this.breaks = new Int32Array(length + 1);
  }

  /** Fills `breaks` once every character is set. */
  seal(): void {
    let count = 0;
    for (let i = 0; i < this.starts.length; i++) {
      if (i > 0 && (this.uris[i] !== this.uris[i - 1] || this.starts[i] !== this.ends[i - 1] || this.starts[i] < 0)) count++;
      this.breaks[i + 1] = count;
    }
  }

  /** The source range of the characters [a, b), when they are written in one piece of one file. */
  rangeOf(a: number, b: number): { range?: Range; uri?: string } {
    if (b <= a) return {};
    const uri = this.uris[a];
    // A token pieced together from two places (a literal and a parameter default) has no single range to edit.
    if (uri === undefined || this.starts[a] < 0 || this.breaks[b] - this.breaks[a + 1] > 0) return {};
    return { range: { start: this.starts[a], end: this.ends[b - 1] }, uri };
  }
}

const isSpace = (c: string) => c === ' ' || (c >= '\t' && c <= '\r') || (c > '~' && /\s/.test(c));

/** Parses a host pool RDP property string: `;`-separated `name:type:value` tokens; `s` values may themselves hold `;`. */
const parsed = new WeakMap<StringValue, RdpString>();

/** Parses a host pool RDP property string (cached per value: several rules read the same string). */
export function parseRdpString(v: StringValue): RdpString {
  let r = parsed.get(v);
  if (!r) parsed.set(v, (r = parseRdpStringUncached(v)));
  return r;
}

function parseRdpStringUncached(v: StringValue): RdpString {
  let length = 0;
  for (const p of v.parts) if (p.kind === 'text') length += p.text.length;
  const map = new SourceMap(length);
  // Runs of known characters between holes, as [start, end) in the known text.
  const segments: { start: number; end: number; holeBefore: boolean; holeAfter: boolean }[] = [];
  const texts: string[] = [];
  let at = 0;
  let segStart = 0;
  let hasUnknown = false;
  let lastEnd: { uri: string; offset: number } | undefined;
  for (const p of v.parts) {
    if (p.kind === 'hole') {
      hasUnknown = true;
      segments.push({ start: segStart, end: at, holeBefore: segments.length > 0, holeAfter: true });
      segStart = at;
      lastEnd = undefined;
      continue;
    }
    const src = p.source;
    for (let i = 0; i < p.text.length; i++, at++) {
      map.uris[at] = src?.uri;
      map.starts[at] = src ? (src.offsets ? src.offsets[i] : src.start + i) : -1;
      map.ends[at] = src ? (src.offsets ? src.offsets[i + 1] : src.start + i + 1) : -1;
    }
    texts.push(p.text);
    lastEnd = src ? { uri: src.uri, offset: src.offsets ? src.offsets[p.text.length] : src.start + p.text.length } : undefined;
  }
  segments.push({ start: segStart, end: at, holeBefore: segments.length > 0, holeAfter: false });
  map.seal();
  const knownText = texts.join('');

  const tokens: RdpToken[] = [];
  let prevWasString = false;
  // The next ';' at or after the current piece (Infinity when there is none): searched once per ';', not per piece.
  let semi = -1;
  for (const seg of segments) {
    // Split the known run on ';'. The first and last pieces touch a hole when the segment does; such pieces are
    // fragments of a property whose other half is unknown, so they are not read as properties.
    let pieceStart = seg.start;
    let first = true;
    while (pieceStart <= seg.end) {
      if (semi < pieceStart) {
        const found = knownText.indexOf(';', pieceStart);
        semi = found < 0 ? Infinity : found;
      }
      const pieceEnd = Math.min(semi, seg.end);
      const last = pieceEnd === seg.end;
      if ((first && seg.holeBefore) || (last && seg.holeAfter)) prevWasString = false;
      else prevWasString = readToken(knownText, map, pieceStart, pieceEnd, tokens, prevWasString);
      first = false;
      pieceStart = pieceEnd + 1;
    }
  }

  let append: RdpString['append'];
  if (lastEnd) {
    const trimmed = knownText.trimEnd();
    append = { ...lastEnd, needsSeparator: trimmed.length > 0 && !trimmed.endsWith(';') };
  }
  return { tokens, hasUnknown, append, knownText };
}

/** Reads the token in [a, b) of the known text into `tokens`; returns whether it is a string property (`name:s:…`). */
function readToken(knownText: string, map: SourceMap, a: number, b: number, tokens: RdpToken[], prevWasString: boolean): boolean {
  // Trim spaces and line breaks around the token.
  while (a < b && isSpace(knownText[a])) a++;
  while (b > a && isSpace(knownText[b - 1])) b--;
  if (a === b) return prevWasString;
  const text = knownText.slice(a, b);
  const m = RDP_TOKEN_HEAD.exec(text);
  if (!m) {
    // `drivestoredirect:s:C:\;E:\;` keeps drive lists inside one string value.
    const prev = tokens[tokens.length - 1];
    if (prevWasString && prev && /^[A-Za-z]:\\?$|^[A-Za-z]:\\/.test(text)) {
      prev.value += ';' + text;
      prev.text += ';' + text;
      const r = map.rangeOf(a, b);
      if (prev.range && r.range && r.uri === prev.uri) {
        prev.range = { start: prev.range.start, end: r.range.end };
        if (prev.valueRange) prev.valueRange = { start: prev.valueRange.start, end: r.range.end };
      }
      return true;
    }
    tokens.push({ name: text.toLowerCase(), type: '', value: '', text, ...map.rangeOf(a, b), malformed: true });
    return false;
  }
  const valueStart = a + text.length - m[3].length;
  const { range, uri } = map.rangeOf(a, b);
  let valueRange: Range | undefined;
  if (range) valueRange = valueStart < b ? map.rangeOf(valueStart, b).range : { start: range.end, end: range.end };
  tokens.push({ name: m[1].toLowerCase(), type: m[2].toLowerCase(), value: m[3], text, range, valueRange, uri });
  return m[2].toLowerCase() === 's';
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
