import { type Comment, type Directive, type ParseError, TokenType, type TokenStream } from './syntax';

/** Per-token flags (LexResult.flags). */
export const STRING_HAS_ESCAPES = 1;
export const STRING_UNTERMINATED = 2;
export const STRING_MULTILINE = 4;
export const INVALID_ESCAPE = 8;

export interface LexResult extends TokenStream {
  flags: Uint8Array;
  comments: Comment[];
  directives: Directive[];
  errors: ParseError[];
}

const MAX_IDENTIFIER_LENGTH = 255;
const DIRECTIVES = ['disable-next-line', 'disable-diagnostics', 'restore-diagnostics'] as const;
const UNRECOGNIZED_ESCAPE =
  'The specified escape sequence is not recognized. Only the following escape sequences are allowed: "\\$", "\\\'", "\\\\", "\\n", "\\r", "\\t", "\\u{...}".';
const INVALID_UNICODE_ESCAPE = 'The unicode escape sequence is not valid. Valid unicode escape sequences range from \\u{0} to \\u{10FFFF}.';

// Character classes (ASCII only: Bicep identifiers and numbers are ASCII).
const C_OTHER = 0;
const C_IDENT_START = 1;
const C_DIGIT = 2;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) CLASS[c] = C_IDENT_START;
  else if (c >= 48 && c <= 57) CLASS[c] = C_DIGIT;
}

/** Characters that can start a token or trivia; anything else is unrecognized and runs of it become one token. */
const STARTS = new Uint8Array(128);
for (const ch of '{}()[]@,.?:;+-%*/^$!<>=&|\'\n\r \t#"') STARTS[ch.charCodeAt(0)] = 1;
for (let c = 0; c < 128; c++) if (CLASS[c] !== C_OTHER) STARTS[c] = 1;

function isIdentContinue(c: number): boolean {
  return c < 128 && CLASS[c] !== C_OTHER;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

// Template stack entries: a brace opened inside an interpolation hole, or the hole of a string
// (0 for a single-line string, n > 0 for a multi-line string opened with n '$').
const BRACE = -1;

/**
 * Splits Bicep source into tokens (newlines are tokens; whitespace, comments and directives are trivia).
 * Follows the official lexer (Bicep.Core/Parsing/Lexer.cs), including its modal handling of interpolation.
 */
export function lex(text: string): LexResult {
  return new Lexer(text).run();
}

class Lexer {
  private readonly n: number;
  private i = 0;
  private cap: number;
  private types: Uint8Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private flags: Uint8Array;
  private count = 0;
  private readonly comments: Comment[] = [];
  private readonly directives: Directive[] = [];
  private readonly errors: ParseError[] = [];
  private readonly stack: number[] = [];
  /** Flags of the string token being scanned. */
  private strFlags = 0;

  constructor(private readonly text: string) {
    this.n = text.length;
    // Real Bicep has about one token per six characters.
    this.cap = Math.max(64, Math.ceil(this.n / 6) + 16);
    this.types = new Uint8Array(this.cap);
    this.starts = new Int32Array(this.cap);
    this.ends = new Int32Array(this.cap);
    this.flags = new Uint8Array(this.cap);
  }

  private push(type: TokenType, start: number, end: number, flag: number): void {
    if (this.count === this.cap) this.grow();
    const c = this.count++;
    this.types[c] = type;
    this.starts[c] = start;
    this.ends[c] = end;
    this.flags[c] = flag;
  }

  private grow(): void {
    this.cap *= 2;
    const t = new Uint8Array(this.cap);
    t.set(this.types);
    this.types = t;
    const s = new Int32Array(this.cap);
    s.set(this.starts);
    this.starts = s;
    const e = new Int32Array(this.cap);
    e.set(this.ends);
    this.ends = e;
    const f = new Uint8Array(this.cap);
    f.set(this.flags);
    this.flags = f;
  }

  private error(code: string, message: string, start: number, end: number): void {
    this.errors.push({ code, message, start, end });
  }

  private invalidEscape(code: 'BCP006' | 'BCP133', start: number, end: number): void {
    this.strFlags |= INVALID_ESCAPE;
    this.error(code, code === 'BCP133' ? INVALID_UNICODE_ESCAPE : UNRECOGNIZED_ESCAPE, start, end);
  }

  private unterminated(code: string, message: string, start: number): false {
    this.error(code, message, start, this.i);
    this.strFlags |= STRING_UNTERMINATED;
    return false;
  }

  /** Scans a single-line string from `i` (after `'` or `}`); returns true when it stops at a `${` hole. */
  private scanString(tokenStart: number): boolean {
    const text = this.text;
    const n = this.n;
    let i = this.i;
    for (;;) {
      if (i >= n) {
        this.i = i;
        return this.unterminated('BCP003', 'The string at this location is not terminated. Terminate the string with a single quote character.', tokenStart);
      }
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        this.i = i;
        return this.unterminated('BCP004', 'The string at this location is not terminated due to an unexpected new line character.', tokenStart);
      }
      i++;
      if (c === 39) {
        this.i = i;
        return false;
      }
      if (c === 36 && i < n && text.charCodeAt(i) === 123) {
        this.i = i + 1;
        return true;
      }
      if (c !== 92) continue;
      // An escape sequence.
      this.strFlags |= STRING_HAS_ESCAPES;
      const escStart = i - 1;
      if (i >= n) {
        this.i = i;
        return this.unterminated(
          'BCP005',
          'The string at this location is not terminated. Complete the escape sequence and terminate the string with a single unescaped quote character.',
          tokenStart,
        );
      }
      const e = text.charCodeAt(i);
      if (e === 110 || e === 114 || e === 116 || e === 92 || e === 39) {
        i++;
      } else if (e === 36) {
        i++;
        if (i < n && text.charCodeAt(i) === 123) i++;
      } else if (e === 117) {
        i++;
        if (text.charCodeAt(i) !== 123) {
          this.invalidEscape('BCP133', escStart, i);
          continue;
        }
        i++;
        const hexStart = i;
        while (i < n && isHex(text.charCodeAt(i))) i++;
        const hexEnd = i;
        if (hexEnd === hexStart || text.charCodeAt(i) !== 125 || parseInt(text.slice(hexStart, hexEnd), 16) > 0x10ffff) {
          if (text.charCodeAt(i) === 125) i++;
          this.invalidEscape('BCP133', escStart, i);
          continue;
        }
        i++;
      } else if (e === 10 || e === 13) {
        this.invalidEscape('BCP006', escStart, i);
      } else {
        i++;
        this.invalidEscape('BCP006', escStart, i);
      }
    }
  }

  /** Scans a multi-line string body from `i`; returns true when it stops at a hole (`${`, `$${`, ... per `dollars`). */
  private scanMultiline(tokenStart: number, dollars: number): boolean {
    const text = this.text;
    const n = this.n;
    let i = this.i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 36) {
        let run = 0;
        while (text.charCodeAt(i) === 36) {
          i++;
          run++;
        }
        if (dollars > 0 && run >= dollars && text.charCodeAt(i) === 123) {
          this.i = i + 1;
          return true;
        }
      } else if (c === 39) {
        let run = 0;
        while (text.charCodeAt(i) === 39) {
          i++;
          run++;
        }
        if (run >= 3) {
          this.i = i;
          return false;
        }
      } else {
        i++;
      }
    }
    this.i = i;
    return this.unterminated('BCP140', "The multi-line string at this location is not terminated. Terminate it with \"'''\".", tokenStart);
  }

  private atLineStart(pos: number): boolean {
    let p = pos - 1;
    while (p >= 0) {
      const c = this.text.charCodeAt(p);
      if (c === 32 || c === 9) p--;
      else return c === 10 || c === 13 || (p === 0 && c === 0xfeff);
    }
    return true;
  }

  /** `#disable-next-line code...` and its kin, at the start of a line; false when `#` starts none. */
  private scanDirective(): boolean {
    const text = this.text;
    const n = this.n;
    let which: (typeof DIRECTIVES)[number] | undefined;
    for (const d of DIRECTIVES) {
      if (text.startsWith(d, this.i + 1)) {
        which = d;
        break;
      }
    }
    if (!which || !this.atLineStart(this.i)) return false;
    const start = this.i;
    let i = start + which.length + 1;
    const codes: Directive['codes'] = [];
    let end = i;
    for (;;) {
      while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (!(isIdentContinue(c) || c === 45)) break;
      const codeStart = i;
      while (i < n && (isIdentContinue(text.charCodeAt(i)) || text.charCodeAt(i) === 45)) i++;
      codes.push({ text: text.slice(codeStart, i), start: codeStart, end: i });
      end = i;
      const next = i < n ? text.charCodeAt(i) : 32;
      if (!(next === 32 || next === 9 || next === 10 || next === 13)) break;
    }
    if (codes.length === 0) {
      this.error(
        'BCP226',
        'Expected at least one diagnostic code at this location. Valid format is "#disable-next-line diagnosticCode1 diagnosticCode2 ..."',
        start,
        end,
      );
    }
    this.i = end;
    this.directives.push({ kind: 'directive', directive: which, codes, start, end });
    return true;
  }

  /** Skips whitespace, comments and directives. */
  private trivia(): void {
    const text = this.text;
    const n = this.n;
    while (this.i < n) {
      const c = text.charCodeAt(this.i);
      if (c === 32 || c === 9) {
        this.i++;
      } else if (c === 47) {
        const d = text.charCodeAt(this.i + 1);
        const start = this.i;
        if (d === 47) {
          let i = start + 2;
          while (i < n) {
            const e = text.charCodeAt(i);
            if (e === 10 || e === 13) break;
            i++;
          }
          this.i = i;
          this.comments.push({ start, end: i, text: text.slice(start, i), multiline: false });
        } else if (d === 42) {
          const close = text.indexOf('*/', start + 2);
          if (close < 0) {
            this.i = n;
            this.error('BCP002', 'The multi-line comment at this location is not terminated. Terminate it with the */ character sequence.', start, n);
          } else {
            this.i = close + 2;
          }
          this.comments.push({ start, end: this.i, text: text.slice(start, this.i), multiline: true });
        } else {
          return;
        }
      } else if (c === 35) {
        if (!this.scanDirective()) return;
      } else {
        return;
      }
    }
  }

  /** A string token starting at `start`; `i` is after its opening quotes (or after `}` ending a hole). */
  private stringToken(start: number, multilineDollars: number, opening: boolean): void {
    const hole = multilineDollars >= 0 ? this.scanMultiline(start, multilineDollars) : this.scanString(start);
    let type: TokenType;
    if (opening) {
      type = hole ? TokenType.StringLeftPiece : TokenType.StringComplete;
      if (hole) this.stack.push(multilineDollars >= 0 ? multilineDollars : 0);
    } else {
      type = hole ? TokenType.StringMiddlePiece : TokenType.StringRightPiece;
      if (!hole) this.stack.pop();
    }
    this.push(type, start, this.i, this.strFlags);
  }

  run(): LexResult {
    const text = this.text;
    const n = this.n;
    const stack = this.stack;
    this.i = n > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (;;) {
      // Most tokens follow one space or nothing.
      if (text.charCodeAt(this.i) === 32) this.i++;
      const d = text.charCodeAt(this.i);
      if (d === 32 || d === 9 || d === 47 || d === 35) this.trivia();
      if (this.i >= n) break;
      const start = this.i;
      const c = text.charCodeAt(this.i++);
      let type: TokenType;
      this.strFlags = 0;
      switch (c) {
        case 10:
        case 13:
          if (stack.length > 0) {
            // An interpolation hole cannot span lines: close the string here (empty token) and lex the newline next.
            this.i = start;
            this.error('BCP004', 'The string at this location is not terminated due to an unexpected new line character.', start, start);
            stack.length = 0;
            this.push(TokenType.StringRightPiece, start, start, STRING_UNTERMINATED);
            continue;
          }
          while (this.i < n) {
            const d = text.charCodeAt(this.i);
            if (d !== 10 && d !== 13) break;
            this.i++;
          }
          type = TokenType.NewLine;
          break;
        case 123:
          if (stack.length > 0) stack.push(BRACE);
          type = TokenType.LeftBrace;
          break;
        case 125:
          if (stack.length > 0) {
            const top = stack[stack.length - 1];
            if (top !== BRACE) {
              if (top > 0) this.strFlags = STRING_MULTILINE;
              this.stringToken(start, top > 0 ? top : -1, false);
              continue;
            }
            stack.pop();
          }
          type = TokenType.RightBrace;
          break;
        case 39:
          if (text.charCodeAt(this.i) === 39 && text.charCodeAt(this.i + 1) === 39) {
            this.i += 2;
            this.strFlags = STRING_MULTILINE;
            this.scanMultiline(start, 0);
            this.push(TokenType.StringComplete, start, this.i, this.strFlags);
          } else {
            this.stringToken(start, -1, true);
          }
          continue;
        case 36: {
          let dollars = 1;
          while (text.charCodeAt(this.i) === 36) {
            this.i++;
            dollars++;
          }
          if (text.charCodeAt(this.i) === 39 && text.charCodeAt(this.i + 1) === 39 && text.charCodeAt(this.i + 2) === 39) {
            this.i += 3;
            this.strFlags = STRING_MULTILINE;
            this.stringToken(start, dollars, true);
            continue;
          }
          type = TokenType.Unrecognized;
          break;
        }
        case 40:
          type = TokenType.LeftParen;
          break;
        case 41:
          type = TokenType.RightParen;
          break;
        case 91:
          type = TokenType.LeftSquare;
          break;
        case 93:
          type = TokenType.RightSquare;
          break;
        case 64:
          type = TokenType.At;
          break;
        case 44:
          type = TokenType.Comma;
          break;
        case 46:
          if (text.charCodeAt(this.i) === 46 && text.charCodeAt(this.i + 1) === 46) {
            this.i += 2;
            type = TokenType.Ellipsis;
          } else {
            type = TokenType.Dot;
          }
          break;
        case 63:
          type = this.follows(63) ? TokenType.DoubleQuestion : TokenType.Question;
          break;
        case 58:
          type = this.follows(58) ? TokenType.DoubleColon : TokenType.Colon;
          break;
        case 59:
          type = TokenType.Semicolon;
          break;
        case 43:
          type = TokenType.Plus;
          break;
        case 45:
          type = TokenType.Minus;
          break;
        case 37:
          type = TokenType.Modulo;
          break;
        case 42:
          type = TokenType.Asterisk;
          break;
        case 47:
          type = TokenType.Slash;
          break;
        case 94:
          type = TokenType.Hat;
          break;
        case 33:
          type = this.follows(61) ? TokenType.NotEquals : this.follows(126) ? TokenType.NotEqualsInsensitive : TokenType.Exclamation;
          break;
        case 60:
          type = this.follows(61) ? TokenType.LessThanOrEqual : TokenType.LeftChevron;
          break;
        case 62:
          type = this.follows(61) ? TokenType.GreaterThanOrEqual : TokenType.RightChevron;
          break;
        case 61:
          type = this.follows(61)
            ? TokenType.Equals
            : this.follows(126)
              ? TokenType.EqualsInsensitive
              : this.follows(62)
                ? TokenType.Arrow
                : TokenType.Assignment;
          break;
        case 38:
          type = this.follows(38) ? TokenType.LogicalAnd : TokenType.Unrecognized;
          break;
        case 124:
          type = this.follows(124) ? TokenType.LogicalOr : TokenType.Pipe;
          break;
        default:
          type = this.word(c, start);
          break;
      }
      if (type === TokenType.Unrecognized) {
        const t = text.slice(start, this.i);
        if (t === '"') this.error('BCP103', 'The following token is not recognized: """. Strings are defined using single quotes in bicep.', start, this.i);
        else this.error('BCP001', `The following token is not recognized: "${t.length > 40 ? t.slice(0, 40) + '…' : t}".`, start, this.i);
      }
      this.push(type, start, this.i, 0);
    }
    this.push(TokenType.EndOfFile, n, n, 0);
    const { count, types, starts, ends, flags, comments, directives, errors } = this;
    return { count, types, starts, ends, flags, comments, directives, errors };
  }

  /** Consumes the next character when it is `c`. */
  private follows(c: number): boolean {
    if (this.text.charCodeAt(this.i) !== c) return false;
    this.i++;
    return true;
  }

  /** An identifier, keyword, integer, or a run of unrecognized characters; `c` at `start` is consumed. */
  private word(c: number, start: number): TokenType {
    const text = this.text;
    const n = this.n;
    const cls = c < 128 ? CLASS[c] : C_OTHER;
    let i = this.i;
    if (cls === C_IDENT_START) {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 128 || CLASS[d] === C_OTHER) break;
        i++;
      }
      this.i = i;
      const len = i - start;
      if (len === 4) {
        if (text.startsWith('true', start)) return TokenType.TrueKeyword;
        if (text.startsWith('null', start)) return TokenType.NullKeyword;
      } else if (len === 5) {
        if (text.startsWith('false', start)) return TokenType.FalseKeyword;
      } else if (len > MAX_IDENTIFIER_LENGTH) {
        this.error('BCP024', `The identifier exceeds the limit of ${MAX_IDENTIFIER_LENGTH}. Reduce the length of the identifier.`, start, i);
      }
      return TokenType.Identifier;
    }
    if (cls === C_DIGIT) {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d < 48 || d > 57) break;
        i++;
      }
      this.i = i;
      return TokenType.Integer;
    }
    // Merge a run of characters that start nothing (binary garbage, non-ASCII) into one token.
    if (c !== 35 && c !== 34) {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d < 128 && STARTS[d]) break;
        i++;
      }
      this.i = i;
    }
    return TokenType.Unrecognized;
  }
}

/**
 * Decodes the raw characters text[start, end) of a single-line string segment, optionally collecting the source
 * offset of each decoded character (plus the end offset).
 */
export function decodeEscapes(text: string, start: number, end: number, offsets?: number[]): string {
  let out = '';
  let runStart = start;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 92 || i + 1 >= end) {
      if (offsets) offsets.push(i);
      i++;
      continue;
    }
    out += text.slice(runStart, i);
    const e = text.charCodeAt(i + 1);
    let decoded: string;
    let len = 2;
    switch (e) {
      case 110:
        decoded = '\n';
        break;
      case 114:
        decoded = '\r';
        break;
      case 116:
        decoded = '\t';
        break;
      case 92:
        decoded = '\\';
        break;
      case 39:
        decoded = "'";
        break;
      case 36:
        decoded = '$';
        break;
      case 117: {
        let j = i + 3;
        while (j < end && isHex(text.charCodeAt(j))) j++;
        const cp = text.charCodeAt(i + 2) === 123 && j > i + 3 && text.charCodeAt(j) === 125 ? parseInt(text.slice(i + 3, j), 16) : NaN;
        if (cp <= 0x10ffff) {
          decoded = String.fromCodePoint(cp);
          len = j + 1 - i;
        } else {
          decoded = '\\u';
        }
        break;
      }
      default:
        decoded = text.slice(i, i + 2);
    }
    out += decoded;
    if (offsets) {
      if (decoded.length === 2 && len === 2) {
        offsets.push(i, i + 1);
      } else {
        for (let k = 0; k < decoded.length; k++) offsets.push(i);
      }
    }
    i += len;
    runStart = i;
  }
  if (offsets) offsets.push(end);
  return runStart === start ? text.slice(start, end) : out + text.slice(runStart, end);
}
