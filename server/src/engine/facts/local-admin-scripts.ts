import { typeIs } from '../graph';
import type { Range, Resource, StringValue, Value } from '../model';
import { get, knownString } from '../values';

/**
 * Scripts that add principals to the local Administrators group of a Windows VM: Custom Script extensions and run
 * commands whose text runs `Add-LocalGroupMember`, `net localgroup administrators … /add` or an ADSI `WinNT://`
 * Administrators `Add`. Only what is written in the template is read (a script file the extension downloads is not).
 */

const EXTENSION = 'microsoft.compute/virtualmachines/extensions';
const RUN_COMMAND = 'microsoft.compute/virtualmachines/runcommands';

export interface ScriptSource {
  kind: 'custom-script' | 'run-command';
  /** ARM path of the property (for finding keys). */
  path: string[];
  value: Value;
}

const CUSTOM_SCRIPT_PATHS = [
  ['properties', 'settings', 'commandToExecute'],
  ['properties', 'protectedSettings', 'commandToExecute'],
  ['properties', 'settings', 'script'],
  ['properties', 'protectedSettings', 'script'],
];

/** The script texts a Custom Script extension (Windows) or a run command carries. */
export function scriptSources(r: Resource): ScriptSource[] {
  if (typeIs(r, RUN_COMMAND)) {
    const path = ['properties', 'source', 'script'];
    const value = get(r.body, ...path);
    return value ? [{ kind: 'run-command', path, value }] : [];
  }
  if (!typeIs(r, EXTENSION)) return [];
  const type = get(r.body, 'properties', 'type');
  const known = knownString(type)?.trim().toLowerCase();
  // Other extensions (DSC, the Linux CustomScript, AADLoginForWindows) are not Windows scripts; a type chosen by an
  // expression may still be the Custom Script extension.
  if (!type || (known !== undefined && known !== 'customscriptextension')) return [];
  const out: ScriptSource[] = [];
  for (const path of CUSTOM_SCRIPT_PATHS) {
    const value = get(r.body, ...path);
    if (value) out.push({ kind: 'custom-script', path, value });
  }
  return out;
}

/** One principal a command adds: its text as written (quotes removed), or the value an interpolation holds. */
export interface Member {
  /** Undefined when the name is not known (a script variable, an expression, an interpolation). */
  text?: string;
  /** The template value the name is, when it is one interpolation alone (a parameter, a variable). */
  hole?: Value;
}

export interface AdminGrant {
  /** Where the command is written, when all of it is written in one piece of one file. */
  at?: { uri: string; range: Range };
  /** Empty when the command takes its members from the pipeline or an expression. */
  members: Member[];
}

/** Stands for an interpolation in the text: a character no script writes. */
const HOLE = '\uE000';

interface ScriptText {
  text: string;
  starts: number[];
  ends: number[];
  uris: (string | undefined)[];
  holes: Map<number, Value>;
  /** End of the string value's range (after its closing quote). */
  stringEnd: number;
}

function scriptText(v: StringValue): ScriptText {
  const t: ScriptText = { text: '', starts: [], ends: [], uris: [], holes: new Map(), stringEnd: v.range.end };
  const chunks: string[] = [];
  for (const p of v.parts) {
    if (p.kind === 'hole') {
      t.holes.set(t.starts.length, p.value);
      chunks.push(HOLE);
      // An interpolation is written where it stands (`${name}`): a command that runs through it is still in one piece
      // when the text around it is (sourceOf checks that the ranges meet).
      t.starts.push(p.range.start);
      t.ends.push(p.range.end);
      t.uris.push(t.uris[t.uris.length - 1]);
      continue;
    }
    const s = p.source;
    chunks.push(p.text);
    for (let i = 0; i < p.text.length; i++) {
      t.starts.push(s ? (s.offsets ? s.offsets[i] : s.start + i) : -1);
      t.ends.push(s ? (s.offsets ? s.offsets[i + 1] : s.start + i + 1) : -1);
      t.uris.push(s?.uri);
    }
  }
  t.text = chunks.join('');
  return t;
}

/** The source range of characters [a, b) when they are written in one piece of one file. */
function sourceOf(t: ScriptText, a: number, b: number): AdminGrant['at'] {
  const uri = t.uris[a];
  if (b <= a || uri === undefined || t.starts[a] < 0) return undefined;
  for (let i = a + 1; i < b; i++) {
    if (t.uris[i] !== uri) return undefined;
    const gap = t.starts[i] - t.ends[i - 1];
    // Around an interpolation its delimiters (`${`, `}`, `', ` of a concat) stand between the ranges.
    if (gap !== 0 && !((t.holes.has(i) || t.holes.has(i - 1)) && gap > 0 && gap <= 3)) return undefined;
  }
  let end = t.ends[b - 1];
  if (t.holes.has(b - 1)) {
    // Take the interpolation's closing `}` with it: before the next character, or before the string's closing quote.
    const next = b < t.starts.length && t.uris[b] === uri ? t.starts[b] : t.stringEnd - 1;
    if (next - end !== 0 && next - end !== 1) return undefined;
    end = next;
  }
  return { uri, range: { start: t.starts[a], end } };
}

/**
 * The text with comments blanked (same length, line breaks kept): PowerShell `<# … #>` and `#` comments, cmd `REM`
 * and `::` lines. A `#` counts as a comment after a space or a `;` even inside quotes: a command missed costs less
 * than a commented one reported.
 */
export function withoutComments(text: string): string {
  const out = text.split('');
  const blank = (a: number, b: number) => {
    for (let i = a; i < b; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  for (const m of text.matchAll(/<#[\s\S]*?(?:#>|$)/g)) blank(m.index, m.index + m[0].length);
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = out.slice(start, end).join('');
    if (/^\s*@?\s*(?:rem(?:\s|$)|::)/i.test(line)) blank(start, end);
    else {
      for (let i = start; i < end; i++) {
        if (out[i] === '#' && (i === start || /[\s;]/.test(out[i - 1]))) {
          blank(i, end);
          break;
        }
      }
    }
    start = end + 1;
  }
  return out.join('');
}

interface Token {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

/**
 * The arguments of the command that starts at `from`, up to the end of its statement: a line break, `;`, `|`, `&`,
 * `}`, or a quote that closes the string the command is written in (`powershell -Command "…"`).
 */
function statement(code: string, from: number): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = from;
  let end = from;
  const lineEnd = (k: number) => {
    const n = code.indexOf('\n', k);
    return n < 0 ? code.length : n;
  };
  while (i < code.length) {
    const c = code[i];
    if (c !== '\r' && c !== '\n' && /\s/.test(c)) {
      i++;
      continue;
    }
    // A backtick at the end of a line continues the command on the next one.
    if (c === '`' && /^`\r?\n/.test(code.slice(i, i + 3))) {
      i = code.indexOf('\n', i) + 1;
      continue;
    }
    if ('\r\n;|&}'.includes(c)) break;
    if (c === ',') {
      tokens.push({ text: ',', start: i, end: i + 1, quoted: false });
      end = ++i;
      continue;
    }
    const escaped = c === '\\' && code[i + 1] === '"';
    if (c === '"' || c === "'" || escaped) {
      const q = escaped ? '"' : c;
      const open = escaped ? i + 2 : i + 1;
      let close = -1;
      for (let k = open; k < lineEnd(open); k++) {
        if (code[k] === q) {
          close = k;
          break;
        }
      }
      // No closing quote, or one that closes the string the command is written in (`cmd /c "…" & …`).
      if (close < 0 || /[;&|]/.test(code.slice(open, close))) break;
      const innerEnd = code[close - 1] === '\\' && q === '"' ? close - 1 : close;
      tokens.push({ text: code.slice(open, innerEnd), start: i, end: close + 1, quoted: true });
      end = i = close + 1;
      continue;
    }
    if (c === '(' || (c === '@' && code[i + 1] === '(')) {
      let depth = 0;
      let k = c === '@' ? i + 1 : i;
      const stop = lineEnd(k);
      for (; k < stop; k++) {
        if (code[k] === '(') depth++;
        else if (code[k] === ')' && --depth === 0) break;
      }
      if (k >= stop) break;
      tokens.push({ text: code.slice(i, k + 1), start: i, end: k + 1, quoted: false });
      end = i = k + 1;
      continue;
    }
    if (c === ')') break;
    let k = i;
    while (k < code.length && !/[\s;|&}"',)]/.test(code[k]) && !(code[k] === '\\' && code[k + 1] === '"')) k++;
    if (k === i) break;
    tokens.push({ text: code.slice(i, k), start: i, end: k, quoted: false });
    end = i = k;
  }
  return { tokens, end };
}

/** A token as a member: a name as written, or the interpolation it is. */
function memberOf(t: ScriptText, tok: Token): Member {
  const text = tok.text.trim();
  if (text === HOLE) {
    const at = t.text.indexOf(HOLE, tok.start);
    return { hole: t.holes.get(at) };
  }
  if (!text || text.includes(HOLE) || /^[$(@]/.test(text)) return {};
  return { text };
}

/** Tokens with `a, b` lists read as one value each: the values of a parameter starting at token i. */
function valuesAt(tokens: Token[], i: number): { values: Token[]; next: number } {
  const values = [tokens[i]];
  let k = i + 1;
  while (tokens[k]?.text === ',' && !tokens[k].quoted && tokens[k + 1]) {
    values.push(tokens[k + 1]);
    k += 2;
  }
  return { values, next: k };
}

const ADMINISTRATORS = new Set(['administrators', 's-1-5-32-544']);
/** Common parameters that take a value (the others are switches). */
const VALUE_PARAMETERS =
  /^(?:erroraction|ea|warningaction|wa|informationaction|infa|errorvariable|ev|warningvariable|wv|informationvariable|iv|outvariable|ov|outbuffer|ob|pipelinevariable|pv)$/;

function addLocalGroupMember(t: ScriptText, code: string, from: number): { grant: AdminGrant; end: number } | undefined {
  const { tokens, end } = statement(code, from + 'Add-LocalGroupMember'.length);
  let group: Token | undefined;
  let members: Token[] | undefined;
  const positional: Token[][] = [];
  for (let i = 0; i < tokens.length;) {
    const tok = tokens[i];
    const p = !tok.quoted && /^-([A-Za-z]+)(:?)(.*)$/.exec(tok.text);
    if (!p) {
      const { values, next } = valuesAt(tokens, i);
      positional.push(values);
      i = next;
      continue;
    }
    const name = p[1].toLowerCase();
    const isGroup = /^(?:g|gr|gro|grou|group|n|na|nam|name|s|si|sid)$/.test(name);
    const isMember = /^m(?:e(?:m(?:b(?:e(?:r(?:s)?)?)?)?)?)?$/.test(name);
    if (!isGroup && !isMember && !VALUE_PARAMETERS.test(name)) {
      i++;
      continue;
    }
    let values: Token[];
    if (p[2] && p[3]) {
      // `-Group:Administrators`
      values = [{ ...tok, text: p[3] }];
      i++;
    } else if (tokens[i + 1]) {
      const r = valuesAt(tokens, i + 1);
      values = r.values;
      i = r.next;
    } else return undefined;
    if (isGroup) group = values[0];
    else if (isMember) members = values;
  }
  if (!group) group = positional.shift()?.[0];
  if (!members) members = positional.shift();
  if (!group || !ADMINISTRATORS.has(group.text.trim().toLowerCase())) return undefined;
  return { grant: { at: sourceOf(t, from, end), members: (members ?? []).map((m) => memberOf(t, m)) }, end };
}

function netLocalGroup(t: ScriptText, code: string, from: number, argsFrom: number): { grant: AdminGrant; end: number } | undefined {
  const { tokens, end } = statement(code, argsFrom);
  const [group, ...rest] = tokens;
  if (!group || group.text.trim().toLowerCase() !== 'administrators') return undefined;
  const flags = rest.filter((x) => !x.quoted && x.text.startsWith('/')).map((x) => x.text.toLowerCase());
  if (!flags.includes('/add') || flags.some((f) => f === '/delete' || f === '/del')) return undefined;
  const members = rest.filter((x) => x.quoted || !x.text.startsWith('/'));
  if (!members.length) return undefined;
  return { grant: { at: sourceOf(t, from, end), members: members.map((m) => memberOf(t, m)) }, end };
}

/** The member an ADSI `Add("WinNT://DOMAIN/name,group")` names, as `DOMAIN\name`. */
function adsiMember(t: ScriptText, args: string, argsStart: number): Member {
  const m = /(["'])WinNT:\/\/([^"']*)\1/i.exec(args);
  if (!m) return {};
  const path = m[2].replace(/,\s*(?:user|group)\s*$/i, '');
  if (path === HOLE) return { hole: t.holes.get(argsStart + m.index + 1 + 'WinNT://'.length) };
  if (!path || path.includes(HOLE) || path.includes('$')) return {};
  return { text: path.replace(/\//g, '\\') };
}

/** The end of the parenthesised arguments that open at `open` (same line), or -1. */
function closingParen(code: string, open: number): number {
  let depth = 0;
  for (let k = open; k < code.length && code[k] !== '\n'; k++) {
    if (code[k] === '(') depth++;
    else if (code[k] === ')' && --depth === 0) return k;
  }
  return -1;
}

function adsi(t: ScriptText, code: string, m: RegExpExecArray): { grant: AdminGrant; end: number } | undefined {
  const after = m.index + m[0].length;
  // `([ADSI]"WinNT://./Administrators,group").Add(…)`
  const direct = /^\s*\)?\s*\.(?:psbase\s*\.\s*)?(?:Add\s*\(|Invoke\s*\(\s*["']Add["'])/i.exec(code.slice(after));
  let from = m.index;
  let callAt = direct ? after : -1;
  if (!direct) {
    // `$g = [ADSI]"WinNT://…/Administrators,group"` … `$g.Add(…)`
    const lineStart = code.lastIndexOf('\n', m.index) + 1;
    const v = /\$([A-Za-z_]\w*)\s*=\s*\(?\s*$/.exec(code.slice(lineStart, m.index));
    if (!v) return undefined;
    const call = new RegExp(`\\$${v[1]}\\s*\\.(?:psbase\\s*\\.\\s*)?(?:Add\\s*\\(|Invoke\\s*\\(\\s*["']Add["'])`, 'i').exec(code.slice(after));
    if (!call) return undefined;
    from = callAt = after + call.index;
  } else {
    const open = code.lastIndexOf('(', m.index);
    if (open >= 0 && /^\(\s*$/.test(code.slice(open, m.index))) from = open;
  }
  const open = code.indexOf('(', callAt + (direct ? direct[0].indexOf('.') : 0));
  const close = open < 0 ? -1 : closingParen(code, open);
  if (close < 0) return undefined;
  const member = adsiMember(t, code.slice(open, close), open);
  return { grant: { at: sourceOf(t, from, close + 1), members: [member] }, end: close + 1 };
}

const COMMANDS =
  /\bAdd-LocalGroupMember\b|\bnet(?:\.exe)?\s+localgroup\s+|\[ADSI\]\s*\(?\s*(["'])WinNT:\/\/[^"'\n]*\/Administrators(?:\s*,\s*group)?\1\s*\)?/gi;

const grants = new WeakMap<StringValue, AdminGrant[]>();

/** The commands of a script that add principals to the local Administrators group (cached per value). */
export function adminGrants(v: StringValue): AdminGrant[] {
  let out = grants.get(v);
  if (!out) grants.set(v, (out = findGrants(v)));
  return out;
}

function findGrants(v: StringValue): AdminGrant[] {
  const t = scriptText(v);
  if (!/localgroup|WinNT:/i.test(t.text)) return [];
  const code = withoutComments(t.text);
  const out: AdminGrant[] = [];
  COMMANDS.lastIndex = 0;
  for (let m = COMMANDS.exec(code); m; m = COMMANDS.exec(code)) {
    const word = m[0].toLowerCase();
    const found = word.startsWith('add-')
      ? addLocalGroupMember(t, code, m.index)
      : word.startsWith('net')
        ? netLocalGroup(t, code, m.index, m.index + m[0].length)
        : adsi(t, code, m);
    if (!found) continue;
    out.push(found.grant);
    if (found.end > COMMANDS.lastIndex) COMMANDS.lastIndex = found.end;
  }
  return out;
}
