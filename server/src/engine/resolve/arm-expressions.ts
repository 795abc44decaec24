import type { Range, StringValue, TextSource, Value } from '../model';
import { ownString } from '../strings';
import { MAX_ITERATIONS, relocate, unknown } from '../values';
import { accessIndex, accessMember, callFunction, perDeploymentCall, unknownCall } from './functions';
import { callWithLambda } from './lambdas';

/** What an ARM template expression can read from the template that holds it. */
export interface ArmScope {
  uri: string;
  parameter(name: string, range: Range): Value;
  variable(name: string, range: Range): Value;
  /** Resource key of a symbolic name (languageVersion 2.0), for `reference('name')`. */
  symbol(name: string): string | undefined;
  /** A call of a user-defined function (`namespace.member(…)`, the template's `functions`); undefined when it declares none of that name. */
  userFunction?(name: string, args: Value[], range: Range): Value | undefined;
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
      lexed.set(ownString(src), tokens);
      lexedChars += src.length;
    }
  }
  return tokens;
}

/**
 * Evaluates an ARM template expression, the text of a JSON string that starts with `[` (already JSON-decoded):
 * `offsets[i]` is the document offset of decoded character i, or, for text without escapes, `offsets` is the offset of
 * character 0 and the others follow it. The value is placed at `range` (by default the expression's own). Never
 * throws: what it cannot read is unknown.
 */
export function evaluateArmExpression(expr: string, offsets: number[] | number, scope: ArmScope, range?: Range): Value {
  const inner = expr.slice(1, expr.endsWith(']') ? -1 : undefined);
  const tokens = lex(inner);
  const reader = new Reader(expr, offsets, scope, tokens ?? []);
  const whole = range ?? { start: reader.at(-1), end: reader.at(expr.length) };
  if (!tokens || !tokens.length) return unknown(whole, 'an expression');
  const v = reader.expression();
  if (!v || reader.pos !== tokens.length) return unknown(whole, 'an expression');
  return { ...v, range: whole } as Value;
}

/**
 * Reads one expression's tokens into a value. A class, not closures: a template evaluates thousands of expressions,
 * and each closure would be an object more to allocate and collect.
 */
class Reader {
  pos = 0;
  private depth = 0;
  /** Whether this reader read a lambda: only then may a call take one. */
  private sawLambda = false;

  constructor(
    private readonly expr: string,
    private readonly offsets: number[] | number,
    private readonly scope: ArmScope,
    private readonly tokens: Token[],
    /** The `lambdaVariables` of the lambdas this reader is inside, by lower-case name. */
    private readonly bindings: ReadonlyMap<string, Value> = NO_BINDINGS,
    /** The loop turns left to this expression (MAX_ITERATIONS), shared by lambdas inside each other as by loops. */
    private readonly iterations = MAX_ITERATIONS,
  ) {}

  /** Document offset of the character at `i` of the expression between its brackets. */
  at(i: number): number {
    const o = this.offsets;
    return typeof o === 'number' ? o + Math.min(i + 1, this.expr.length) : o[Math.min(i + 1, o.length - 1)];
  }

  private rangeOf(s: number, e: number): Range {
    return { start: this.at(s), end: this.at(e) };
  }

  /** The document offset of each character of a string token, and of its closing quote. */
  private offsetsOf(tok: { offs: number[]; e: number }): number[] {
    // Once per string of the expression, not per reading: a lambda reads its body once per item.
    const known = OFFSETS.get(tok);
    if (known?.base === this.offsets) return known.offsets;
    const out: number[] = [];
    for (const o of tok.offs) out.push(this.at(o));
    out.push(this.at(tok.e - 1));
    OFFSETS.set(tok, { base: this.offsets, offsets: out });
    return out;
  }

  private peek(v: string): boolean {
    const tok = this.tokens[this.pos];
    return tok !== undefined && tok.t === 'p' && tok.v === v;
  }

  private primary(): Value | undefined {
    const tok = this.tokens[this.pos];
    if (!tok) return undefined;
    if (tok.t === 'str') {
      this.pos++;
      // Written as it reads (no doubled quote, no JSON escape): each character follows the one before, as TextSource
      // says when it has no offsets.
      const source: TextSource =
        typeof this.offsets === 'number' && tok.e - tok.s === tok.v.length + 2
          ? { uri: this.scope.uri, start: this.at(tok.s + 1), end: this.at(tok.e - 1) }
          : { uri: this.scope.uri, start: this.at(tok.s), end: this.at(tok.e), offsets: this.offsetsOf(tok) };
      const v: StringValue = { kind: 'string', parts: [{ kind: 'text', text: tok.v, source }], range: this.rangeOf(tok.s, tok.e) };
      return v;
    }
    if (tok.t === 'num') {
      this.pos++;
      return { kind: 'number', value: tok.v, range: this.rangeOf(tok.s, tok.e) };
    }
    if (tok.t === 'id') {
      this.pos++;
      if (!this.peek('(')) return undefined;
      this.pos++;
      if (tok.v.length === 6 && tok.v.toLowerCase() === 'lambda') return this.lambda(tok.s);
      const args: Value[] = [];
      if (!this.peek(')')) {
        for (;;) {
          const a = this.expression();
          if (!a) return undefined;
          args.push(a);
          if (this.peek(',')) {
            this.pos++;
            continue;
          }
          break;
        }
      }
      if (!this.peek(')')) return undefined;
      const end = this.tokens[this.pos].e;
      this.pos++;
      return this.call(tok.v, args, this.rangeOf(tok.s, end));
    }
    return undefined;
  }

  expression(): Value | undefined {
    if (++this.depth > 200) return undefined;
    const start = this.tokens[this.pos]?.s ?? 0;
    let v = this.primary();
    while (v) {
      if (this.peek('.')) {
        this.pos++;
        const name = this.tokens[this.pos];
        if (!name || name.t !== 'id') return undefined;
        this.pos++;
        v = accessMember(v, name.v, this.rangeOf(start, name.e));
      } else if (this.peek('[')) {
        this.pos++;
        const index = this.expression();
        if (!index || !this.peek(']')) return undefined;
        const end = this.tokens[this.pos].e;
        this.pos++;
        v = accessIndex(v, index, this.rangeOf(start, end));
      } else break;
    }
    this.depth--;
    return v;
  }

  /**
   * `lambda('x', …, body)`, its opening parenthesis read: the body is not read now but for each item the function that
   * takes the lambda gives it (see withLambda). A value that stands for the lambda: unknown to anything else.
   */
  private lambda(start: number): Value | undefined {
    const names: string[] = [];
    for (let t = this.tokens[this.pos]; t?.t === 'str' && this.peekAt(this.pos + 1, ','); t = this.tokens[this.pos]) {
      names.push(t.v.toLowerCase());
      this.pos += 2;
    }
    const body = this.pos;
    let depth = 0;
    for (; this.pos < this.tokens.length; this.pos++) {
      const t = this.tokens[this.pos];
      if (t.t !== 'p') continue;
      if (t.v === '(' || t.v === '[') depth++;
      else if (t.v === ')' || t.v === ']') {
        if (depth === 0) break;
        depth--;
      }
    }
    if (!names.length || this.pos === body || !this.peek(')')) return undefined;
    const end = this.pos++;
    this.sawLambda = true;
    const v = unknown(this.rangeOf(start, this.tokens[end].e), 'a lambda');
    LAMBDAS.set(v, { names, body, end, reader: this });
    return v;
  }

  private peekAt(i: number, v: string): boolean {
    const tok = this.tokens[i];
    return tok !== undefined && tok.t === 'p' && tok.v === v;
  }

  /** A lambda's body with its variables bound to `values`, within `iterations` loop turns; undefined when it does not read. */
  private applyLambda(l: ArmLambda, values: Value[], iterations: number): Value | undefined {
    const bindings = new Map(l.reader.bindings);
    l.names.forEach((n, i) => {
      if (values[i]) bindings.set(n, values[i]);
    });
    const r = new Reader(this.expr, this.offsets, this.scope, this.tokens, bindings, iterations);
    r.pos = l.body;
    const v = r.expression();
    return v && r.pos === l.end ? v : undefined;
  }

  /** A function that takes a lambda of this expression (`map`, `filter`, ...): see callWithLambda. Undefined when none is one. */
  private withLambda(name: string, args: Value[], range: Range): Value | undefined {
    const lambdas = args.map((a) => {
      const l = LAMBDAS.get(a);
      return l && l.reader.tokens === this.tokens ? l : undefined;
    });
    if (!lambdas.some((l) => l)) return undefined;
    return callWithLambda({
      name,
      list: args[0],
      initial: () => args[1] ?? unknown(range),
      lambdas: lambdas.map((l) => l && ((values: Value[], iterations: number) => this.applyLambda(l, values, iterations) ?? unknown(range))),
      argCount: args.length,
      iterations: this.iterations,
      range,
    });
  }

  private call(name: string, args: Value[], range: Range): Value {
    const scope = this.scope;
    const lower = name.toLowerCase();
    const firstString = args[0]?.kind === 'string' && args[0].parts.length === 1 && args[0].parts[0].kind === 'text' ? args[0].parts[0].text : undefined;
    const lambda = this.sawLambda ? this.withLambda(lower, args, range) : undefined;
    if (lambda) return lambda;
    switch (lower) {
      case 'lambdavariables': {
        const bound = firstString !== undefined ? this.bindings.get(firstString.toLowerCase()) : undefined;
        return bound ? relocate(bound, range) : unknownCall(name, args, range);
      }
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
        return (
          (name.includes('.') ? scope.userFunction?.(name, args, range) : undefined) ??
          perDeploymentCall(name, args, range, scope.uri) ??
          callFunction(name, args, range, this.iterations)
        );
    }
  }
}

const NO_BINDINGS: ReadonlyMap<string, Value> = new Map();

/**
 * The document offsets of a string token's characters, for the offsets of the expression they were last worked out
 * for (tokens are shared by every expression of the same text).
 */
const OFFSETS = new WeakMap<object, { base: number[] | number; offsets: number[] }>();

/** A lambda an expression wrote: its variables' lower-case names, where its body's tokens start and end, and its reader. */
interface ArmLambda {
  names: string[];
  body: number;
  end: number;
  reader: Reader;
}

/** The lambdas behind the values that stand for them (Reader.lambda). */
const LAMBDAS = new WeakMap<Value, ArmLambda>();

/** Whether a JSON string is an ARM expression (`[...]`), as opposed to a literal or an escaped `[[...]`. */
export function isArmExpression(s: string): boolean {
  return s.length >= 2 && s[0] === '[' && s[1] !== '[' && s.trimEnd().endsWith(']');
}
