import type { Range, StringValue, TextSource, Value } from '../model';
import { unknown } from '../values';
import { accessIndex, accessMember, callFunction, perDeploymentCall, unknownCall } from './functions';

/** What an ARM template expression can read from the template that holds it. */
export interface ArmScope {
  uri: string;
  parameter(name: string, range: Range): Value;
  variable(name: string, range: Range): Value;
  /** Resource key of a symbolic name (languageVersion 2.0), for `reference('name')`. */
  symbol(name: string): string | undefined;
}

type Token =
  | { t: 'id'; v: string; s: number; e: number }
  | { t: 'str'; v: string; s: number; e: number; offs: number[] }
  | { t: 'num'; v: number; s: number; e: number }
  | { t: 'p'; v: string; s: number; e: number };

function lexUncached(src: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === "'") {
      let v = '';
      const offs: number[] = [];
      const s = i;
      i++;
      for (;;) {
        if (i >= src.length) return undefined;
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            offs.push(i);
            i += 2;
            continue;
          }
          offs.push(i);
          i++;
          break;
        }
        v += src[i];
        offs.push(i);
        i++;
      }
      out.push({ t: 'str', v, s, e: i, offs });
    } else if ((c >= '0' && c <= '9') || c === '-') {
      const s = i;
      i++;
      while (i < src.length && ((src[i] >= '0' && src[i] <= '9') || src[i] === '.')) i++;
      const n = Number(src.slice(s, i));
      if (Number.isNaN(n)) return undefined;
      out.push({ t: 'num', v: n, s, e: i });
    } else if (isIdentifierStart(c)) {
      const s = i;
      while (i < src.length && (isIdentifierStart(src[i]) || (src[i] >= '0' && src[i] <= '9'))) i++;
      // Namespaced user functions: `ns.fn(` — keep the dot only when a call follows.
      const m = src[i] === '.' ? /^\.[A-Za-z_]\w*\s*\(/.exec(src.slice(i)) : null;
      if (m) {
        i += m[0].replace(/\s*\($/, '').length;
      }
      out.push({ t: 'id', v: src.slice(s, i), s, e: i });
    } else if ('()[],.'.includes(c)) {
      out.push({ t: 'p', v: c, s: i, e: i + 1 });
      i++;
    } else {
      return undefined;
    }
  }
  return out;
}

function isIdentifierStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
}

/**
 * Tokens by expression text. A template repeats the same expressions (in copies, in every edit of the same file), and
 * tokens hold positions within the text only, so they are shared. Cleared when it holds too many texts or characters, so
 * memory stays bounded.
 */
const lexed = new Map<string, Token[] | undefined>();
const LEXED_MAX = 20_000;
/** The characters of the cached texts: a few long expressions weigh more than thousands of short ones. */
const LEXED_MAX_CHARS = 4_000_000;
let lexedChars = 0;

function lex(src: string): Token[] | undefined {
  let tokens = lexed.get(src);
  if (tokens === undefined && !lexed.has(src)) {
    tokens = lexUncached(src);
    if (lexed.size >= LEXED_MAX || lexedChars + src.length > LEXED_MAX_CHARS) {
      lexed.clear();
      lexedChars = 0;
    }
    if (src.length <= LEXED_MAX_CHARS / 4) {
      lexed.set(src, tokens);
      lexedChars += src.length;
    }
  }
  return tokens;
}

/**
 * Evaluates an ARM template expression, the text of a JSON string that starts with `[` (already JSON-decoded):
 * `offsets[i]` is the document offset of decoded character i, or, for text without escapes, `offsets` is the offset of
 * character 0 and the others follow it. Never throws: what it cannot read is unknown.
 */
export function evaluateArmExpression(expr: string, offsets: number[] | number, scope: ArmScope): Value {
  const at = typeof offsets === 'number' ? (i: number) => offsets + Math.min(i + 1, expr.length) : (i: number) => offsets[Math.min(i + 1, offsets.length - 1)];
  const whole: Range = { start: at(-1), end: at(expr.length) };
  const inner = expr.slice(1, expr.endsWith(']') ? -1 : undefined);
  const tokens = lex(inner);
  const rangeOf = (s: number, e: number): Range => ({ start: at(s), end: at(e) });
  if (!tokens || !tokens.length) return unknown(whole, 'an expression');
  let pos = 0;
  let depth = 0;

  const peek = (v: string) => pos < tokens.length && tokens[pos].t === 'p' && tokens[pos].v === v;

  function parsePrimary(): Value | undefined {
    const tok = tokens![pos];
    if (!tok) return undefined;
    if (tok.t === 'str') {
      pos++;
      const source: TextSource = { uri: scope.uri, start: at(tok.s), end: at(tok.e), offsets: [...tok.offs.map((o) => at(o)), at(tok.e - 1)] };
      const v: StringValue = { kind: 'string', parts: [{ kind: 'text', text: tok.v, source }], range: rangeOf(tok.s, tok.e) };
      return v;
    }
    if (tok.t === 'num') {
      pos++;
      return { kind: 'number', value: tok.v, range: rangeOf(tok.s, tok.e) };
    }
    if (tok.t === 'id') {
      pos++;
      if (!peek('(')) return undefined;
      pos++;
      const args: Value[] = [];
      if (!peek(')')) {
        for (;;) {
          const a = parseExpr();
          if (!a) return undefined;
          args.push(a);
          if (peek(',')) {
            pos++;
            continue;
          }
          break;
        }
      }
      if (!peek(')')) return undefined;
      const end = tokens![pos].e;
      pos++;
      return call(tok.v, args, rangeOf(tok.s, end));
    }
    return undefined;
  }

  function parseExpr(): Value | undefined {
    if (++depth > 200) return undefined;
    const start = tokens![pos]?.s ?? 0;
    let v = parsePrimary();
    while (v) {
      if (peek('.')) {
        pos++;
        const name = tokens![pos];
        if (!name || name.t !== 'id') return undefined;
        pos++;
        v = accessMember(v, name.v, rangeOf(start, name.e));
      } else if (peek('[')) {
        pos++;
        const index = parseExpr();
        if (!index || !peek(']')) return undefined;
        const end = tokens![pos].e;
        pos++;
        v = accessIndex(v, index, rangeOf(start, end));
      } else break;
    }
    depth--;
    return v;
  }

  function call(name: string, args: Value[], range: Range): Value {
    const lower = name.toLowerCase();
    const firstString = args[0]?.kind === 'string' && args[0].parts.length === 1 && args[0].parts[0].kind === 'text' ? args[0].parts[0].text : undefined;
    switch (lower) {
      case 'parameters':
        return firstString !== undefined ? scope.parameter(firstString, range) : unknownCall(name, args, range);
      case 'variables':
        return firstString !== undefined ? scope.variable(firstString, range) : unknownCall(name, args, range);
      case 'reference': {
        const full = args.some((a) => a.kind === 'string' && a.parts.length === 1 && a.parts[0].kind === 'text' && a.parts[0].text.toLowerCase() === 'full');
        const path = full ? [] : ['properties'];
        const target = firstString !== undefined && !firstString.includes('/') ? scope.symbol(firstString) : undefined;
        if (target) return { kind: 'ref', target, path, range };
        return args[0] ? { kind: 'ref', targetId: args[0], path, range } : unknownCall(name, args, range);
      }
      case 'resourcegroup':
      case 'subscription':
      case 'tenant':
      case 'managementgroup':
      case 'deployment':
      case 'environment':
        // The key is shared by every template of the deployment: the same resource group, the same subscription.
        return unknown(range, `${name}()`, `${lower}()`);
      default:
        if (lower.startsWith('list') && args[0]) {
          const target = firstString !== undefined && !firstString.includes('/') ? scope.symbol(firstString) : undefined;
          return target ? { kind: 'ref', target, path: [name], range } : { kind: 'ref', targetId: args[0], path: [name], range };
        }
        return perDeploymentCall(name, args, range, scope.uri) ?? callFunction(name, args, range);
    }
  }

  const v = parseExpr();
  if (!v || pos !== tokens.length) return unknown(whole, 'an expression');
  return { ...v, range: whole } as Value;
}

/** Whether a JSON string is an ARM expression (`[...]`), as opposed to a literal or an escaped `[[...]`. */
export function isArmExpression(s: string): boolean {
  return s.length >= 2 && s[0] === '[' && s[1] !== '[' && s.trimEnd().endsWith(']');
}
