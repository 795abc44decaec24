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
for (const ch of "{}()[]@,.?:;+-%*/^$!<>=&|'\n\r \t#\"") STARTS[ch.charCodeAt(0)] = 1;
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
  const n = text.length;
  let cap = Math.max(64, (n >> 2) + 16);
  let types = new Uint8Array(cap);
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  let flags = new Uint8Array(cap);
  let count = 0;
  const comments: Comment[] = [];
  const directives: Directive[] = [];
  const errors: ParseError[] = [];
  const stack: number[] = [];

  const push = (type: TokenType, start: number, end: number, flag: number) => {
    if (count === cap) {
      cap *= 2;
      const t = new Uint8Array(cap);
      t.set(types);
      types = t;
      const s = new Int32Array(cap);
      s.set(starts);
      starts = s;
      const e = new Int32Array(cap);
      e.set(ends);
      ends = e;
      const f = new Uint8Array(cap);
      f.set(flags);
      flags = f;
    }
    types[count] = type;
    starts[count] = start;
    ends[count] = end;
    flags[count] = flag;
    count++;
  };
  const error = (code: string, message: string, start: number, end: number) => {
    errors.push({ code, message, start, end });
  };

  let i = n > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let strFlags = 0;

  /** Scans a single-line string from `i` (after `'` or `}`); returns true when it stops at a `${` hole. */
  const scanString = (tokenStart: number): boolean => {
    for (;;) {
      if (i >= n) {
        error('BCP003', 'The string at this location is not terminated. Terminate the string with a single quote character.', tokenStart, i);
        strFlags |= STRING_UNTERMINATED;
        return false;
      }
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        error('BCP004', 'The string at this location is not terminated due to an unexpected new line character.', tokenStart, i);
        strFlags |= STRING_UNTERMINATED;
        return false;
      }
      i++;
      if (c === 39) return false;
      if (c === 36 /* $ */ && i < n && text.charCodeAt(i) === 123) {
        i++;
        return true;
      }
      if (c !== 92 /* \ */) continue;
      strFlags |= STRING_HAS_ESCAPES;
      const escStart = i - 1;
      if (i >= n) {
        error('BCP005', 'The string at this location is not terminated. Complete the escape sequence and terminate the string with a single unescaped quote character.', tokenStart, i);
        strFlags |= STRING_UNTERMINATED;
        return false;
      }
      const e = text.charCodeAt(i);
      if (e === 110 || e === 114 || e === 116 || e === 92 || e === 39) {
        i++;
      } else if (e === 36) {
        i++;
        if (i < n && text.charCodeAt(i) === 123) i++;
      } else if (e === 117 /* u */) {
        i++;
        if (text.charCodeAt(i) !== 123) {
          strFlags |= INVALID_ESCAPE;
          error('BCP133', 'The unicode escape sequence is not valid. Valid unicode escape sequences range from \\u{0} to \\u{10FFFF}.', escStart, i);
          continue;
        }
        i++;
        const hexStart = i;
        while (i < n && isHex(text.charCodeAt(i))) i++;
        const hexEnd = i;
        if (hexEnd === hexStart || text.charCodeAt(i) !== 125 || parseInt(text.slice(hexStart, hexEnd), 16) > 0x10ffff) {
          if (text.charCodeAt(i) === 125) i++;
          strFlags |= INVALID_ESCAPE;
          error('BCP133', 'The unicode escape sequence is not valid. Valid unicode escape sequences range from \\u{0} to \\u{10FFFF}.', escStart, i);
          continue;
        }
        i++;
      } else if (e === 10 || e === 13) {
        strFlags |= INVALID_ESCAPE;
        error('BCP006', "The specified escape sequence is not recognized. Only the following escape sequences are allowed: \"\\$\", \"\\'\", \"\\\\\", \"\\n\", \"\\r\", \"\\t\", \"\\u{...}\".", escStart, i);
      } else {
        i++;
        strFlags |= INVALID_ESCAPE;
        error('BCP006', "The specified escape sequence is not recognized. Only the following escape sequences are allowed: \"\\$\", \"\\'\", \"\\\\\", \"\\n\", \"\\r\", \"\\t\", \"\\u{...}\".", escStart, i);
      }
    }
  };

  /** Scans a multi-line string body from `i`; returns true when it stops at a hole (`${`, `$${`, ... per `dollars`). */
  const scanMultiline = (tokenStart: number, dollars: number): boolean => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 36) {
        let run = 0;
        while (text.charCodeAt(i) === 36) {
          i++;
          run++;
        }
        if (dollars > 0 && run >= dollars && text.charCodeAt(i) === 123) {
          i++;
          return true;
        }
      } else if (c === 39) {
        let run = 0;
        while (text.charCodeAt(i) === 39) {
          i++;
          run++;
        }
        if (run >= 3) return false;
      } else {
        i++;
      }
    }
    error('BCP140', "The multi-line string at this location is not terminated. Terminate it with \"'''\".", tokenStart, i);
    strFlags |= STRING_UNTERMINATED;
    return false;
  };

  const atLineStart = (pos: number): boolean => {
    let p = pos - 1;
    while (p >= 0) {
      const c = text.charCodeAt(p);
      if (c === 32 || c === 9) p--;
      else return c === 10 || c === 13 || (p === 0 && c === 0xfeff);
    }
    return true;
  };

  const scanDirective = (): boolean => {
    let which: (typeof DIRECTIVES)[number] | undefined;
    for (const d of DIRECTIVES) {
      if (text.startsWith(d, i + 1)) {
        which = d;
        break;
      }
    }
    if (!which || !atLineStart(i)) return false;
    const start = i;
    i += which.length + 1;
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
      error('BCP226', 'Expected at least one diagnostic code at this location. Valid format is "#disable-next-line diagnosticCode1 diagnosticCode2 ..."', start, end);
    }
    i = end;
    directives.push({ kind: 'directive', directive: which, codes, start, end });
    return true;
  };

  for (;;) {
    // Trivia.
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9) {
        i++;
      } else if (c === 47) {
        const d = text.charCodeAt(i + 1);
        if (d === 47) {
          const start = i;
          i += 2;
          while (i < n) {
            const e = text.charCodeAt(i);
            if (e === 10 || e === 13) break;
            i++;
          }
          comments.push({ start, end: i, text: text.slice(start, i), multiline: false });
        } else if (d === 42) {
          const start = i;
          const close = text.indexOf('*/', i + 2);
          if (close < 0) {
            i = n;
            error('BCP002', 'The multi-line comment at this location is not terminated. Terminate it with the */ character sequence.', start, i);
          } else {
            i = close + 2;
          }
          comments.push({ start, end: i, text: text.slice(start, i), multiline: true });
        } else {
          break;
        }
      } else if (c === 35 /* # */) {
        if (!scanDirective()) break;
      } else {
        break;
      }
    }
    if (i >= n) break;

    const start = i;
    const c = text.charCodeAt(i++);
    let type: TokenType;
    strFlags = 0;
    switch (c) {
      case 10:
      case 13:
        if (stack.length > 0) {
          // An interpolation hole cannot span lines: close the string here (empty token) and lex the newline next.
          i = start;
          error('BCP004', 'The string at this location is not terminated due to an unexpected new line character.', start, start);
          stack.length = 0;
          push(TokenType.StringRightPiece, start, start, STRING_UNTERMINATED);
          continue;
        }
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d !== 10 && d !== 13) break;
          i++;
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
          if (top === BRACE) {
            stack.pop();
          } else if (top > 0) {
            strFlags = STRING_MULTILINE;
            const hole = scanMultiline(start, top);
            if (!hole) stack.pop();
            push(hole ? TokenType.StringMiddlePiece : TokenType.StringRightPiece, start, i, strFlags);
            continue;
          } else {
            const hole = scanString(start);
            if (!hole) stack.pop();
            push(hole ? TokenType.StringMiddlePiece : TokenType.StringRightPiece, start, i, strFlags);
            continue;
          }
        }
        type = TokenType.RightBrace;
        break;
      case 39: {
        if (text.charCodeAt(i) === 39 && text.charCodeAt(i + 1) === 39) {
          i += 2;
          strFlags = STRING_MULTILINE;
          scanMultiline(start, 0);
          push(TokenType.StringComplete, start, i, strFlags);
          continue;
        }
        const hole = scanString(start);
        if (hole) stack.push(0);
        push(hole ? TokenType.StringLeftPiece : TokenType.StringComplete, start, i, strFlags);
        continue;
      }
      case 36: {
        let dollars = 1;
        while (text.charCodeAt(i) === 36) {
          i++;
          dollars++;
        }
        if (text.charCodeAt(i) === 39 && text.charCodeAt(i + 1) === 39 && text.charCodeAt(i + 2) === 39) {
          i += 3;
          strFlags = STRING_MULTILINE;
          const hole = scanMultiline(start, dollars);
          if (hole) stack.push(dollars);
          push(hole ? TokenType.StringLeftPiece : TokenType.StringComplete, start, i, strFlags);
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
        if (text.charCodeAt(i) === 46 && text.charCodeAt(i + 1) === 46) {
          i += 2;
          type = TokenType.Ellipsis;
        } else {
          type = TokenType.Dot;
        }
        break;
      case 63:
        if (text.charCodeAt(i) === 63) {
          i++;
          type = TokenType.DoubleQuestion;
        } else {
          type = TokenType.Question;
        }
        break;
      case 58:
        if (text.charCodeAt(i) === 58) {
          i++;
          type = TokenType.DoubleColon;
        } else {
          type = TokenType.Colon;
        }
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
      case 33: {
        const d = text.charCodeAt(i);
        if (d === 61) {
          i++;
          type = TokenType.NotEquals;
        } else if (d === 126) {
          i++;
          type = TokenType.NotEqualsInsensitive;
        } else {
          type = TokenType.Exclamation;
        }
        break;
      }
      case 60:
        if (text.charCodeAt(i) === 61) {
          i++;
          type = TokenType.LessThanOrEqual;
        } else {
          type = TokenType.LeftChevron;
        }
        break;
      case 62:
        if (text.charCodeAt(i) === 61) {
          i++;
          type = TokenType.GreaterThanOrEqual;
        } else {
          type = TokenType.RightChevron;
        }
        break;
      case 61: {
        const d = text.charCodeAt(i);
        if (d === 61) {
          i++;
          type = TokenType.Equals;
        } else if (d === 126) {
          i++;
          type = TokenType.EqualsInsensitive;
        } else if (d === 62) {
          i++;
          type = TokenType.Arrow;
        } else {
          type = TokenType.Assignment;
        }
        break;
      }
      case 38:
        if (text.charCodeAt(i) === 38) {
          i++;
          type = TokenType.LogicalAnd;
        } else {
          type = TokenType.Unrecognized;
        }
        break;
      case 124:
        if (text.charCodeAt(i) === 124) {
          i++;
          type = TokenType.LogicalOr;
        } else {
          type = TokenType.Pipe;
        }
        break;
      default: {
        const cls = c < 128 ? CLASS[c] : C_OTHER;
        if (cls === C_IDENT_START) {
          while (i < n) {
            const d = text.charCodeAt(i);
            if (d >= 128 || CLASS[d] === C_OTHER) break;
            i++;
          }
          type = TokenType.Identifier;
          const len = i - start;
          if (len === 4 || len === 5) {
            if (text.startsWith('true', start) && len === 4) type = TokenType.TrueKeyword;
            else if (text.startsWith('null', start) && len === 4) type = TokenType.NullKeyword;
            else if (text.startsWith('false', start) && len === 5) type = TokenType.FalseKeyword;
          } else if (len > MAX_IDENTIFIER_LENGTH) {
            error('BCP024', `The identifier exceeds the limit of ${MAX_IDENTIFIER_LENGTH}. Reduce the length of the identifier.`, start, i);
          }
        } else if (cls === C_DIGIT) {
          while (i < n) {
            const d = text.charCodeAt(i);
            if (d < 48 || d > 57) break;
            i++;
          }
          type = TokenType.Integer;
        } else {
          // Merge a run of characters that start nothing (binary garbage, non-ASCII) into one token.
          if (c !== 35 && c !== 34) {
            while (i < n) {
              const d = text.charCodeAt(i);
              if (d < 128 && STARTS[d]) break;
              i++;
            }
          }
          type = TokenType.Unrecognized;
        }
        break;
      }
    }
    if (type === TokenType.Unrecognized) {
      const t = text.slice(start, i);
      if (t === '"') error('BCP103', 'The following token is not recognized: """. Strings are defined using single quotes in bicep.', start, i);
      else error('BCP001', `The following token is not recognized: "${t.length > 40 ? t.slice(0, 40) + '…' : t}".`, start, i);
    }
    push(type, start, i, 0);
  }
  push(TokenType.EndOfFile, n, n, 0);
  return { count, types, starts, ends, flags, comments, directives, errors };
}

/** The value of a string token segment with its source offsets; see StringSegment. */
export interface DecodedSegment {
  text: string;
  /** Offset of the first raw character of the segment. */
  start: number;
  /** Offset after the last raw character of the segment. */
  end: number;
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
