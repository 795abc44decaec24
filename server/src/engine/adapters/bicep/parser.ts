import { decodeEscapes, lex, STRING_HAS_ESCAPES, STRING_MULTILINE, STRING_UNTERMINATED } from './lexer';
import * as S from './syntax';
import { TokenType as T } from './syntax';

export interface ParseOptions {
  /** Parse as a `.bicepparam` file. */
  params?: boolean;
}

// Expression flags, as in the official parser (Bicep.Core/Parsing/ExpressionFlags.cs).
const ALLOW_COMPLEX = 1;
const ALLOW_RESOURCES = 2;

/**
 * Nesting beyond this many levels becomes an error node (1,000 levels must parse). A level of brackets costs three
 * stack frames (expression, operand, the bracket's own parser); measured with Node's default stack and cold code,
 * the first overflow comes after about 1,700 levels, which leaves room for the callers' frames. A stack overflow
 * that happens anyway costs one statement (see program()).
 */
const MAX_DEPTH = 1200;

type TokenSet = Uint8Array;

function tokenSet(...types: T[]): TokenSet {
  const s = new Uint8Array(64);
  for (const t of types) s[t] = 1;
  s[T.EndOfFile] = 1;
  return s;
}

/** Where a bad expression stops being skipped: anything that ends an enclosing construct. */
const STOP_EXPR = tokenSet(T.NewLine, T.RightParen, T.RightSquare, T.RightBrace, T.Comma, T.Colon, T.StringMiddlePiece, T.StringRightPiece);
const STOP_TYPE = tokenSet(
  T.NewLine,
  T.RightParen,
  T.RightSquare,
  T.RightBrace,
  T.Comma,
  T.Colon,
  T.StringMiddlePiece,
  T.StringRightPiece,
  T.Assignment,
  T.RightChevron,
  T.Pipe,
);
const STOP_LINE = tokenSet(T.NewLine);
const STOP_OBJECT_ITEM = tokenSet(T.NewLine, T.RightBrace, T.Comma);
const STOP_ARRAY_ITEM = tokenSet(T.NewLine, T.RightSquare, T.Comma);
const STOP_ARG = tokenSet(T.NewLine, T.RightParen, T.Comma);
const STOP_TYPE_ARG = tokenSet(T.NewLine, T.RightChevron, T.Comma);
const STOP_KEY = tokenSet(T.Colon, T.NewLine, T.RightBrace, T.Comma);
const STOP_CLOSE_PAREN = tokenSet(T.StringRightPiece, T.RightBrace, T.RightSquare, T.NewLine);
const STOP_HOLE = tokenSet(T.StringMiddlePiece, T.StringRightPiece, T.NewLine);
const STOP_FOR = tokenSet(T.RightSquare, T.NewLine);
const STOP_IF_CONDITION = tokenSet(T.LeftBrace, T.NewLine);
const STOP_IF_CONDITION_FOR = tokenSet(T.LeftBrace, T.NewLine, T.RightSquare);
const STOP_NAME = tokenSet(T.Identifier, T.NewLine);
const STOP_NAME_ASSIGN = tokenSet(T.Assignment, T.NewLine);
const STOP_NAME_STRING = tokenSet(T.StringComplete, T.StringLeftPiece, T.NewLine);
const STOP_ASSIGN = tokenSet(T.Assignment, T.NewLine);
const STOP_BODY = tokenSet(T.LeftBrace, T.NewLine);
const STOP_IMPORT_ALIAS = tokenSet(T.Comma, T.NewLine);

// Binary operator precedence (Bicep.Core/Parsing/TokenTypeHelper.cs); 0: not a binary operator.
const PRECEDENCE = new Uint8Array(64);
const OPERATOR = new Array<S.BinaryOperator>(64);
for (const [t, p, op] of [
  [T.Asterisk, 7, '*'],
  [T.Slash, 7, '/'],
  [T.Modulo, 7, '%'],
  [T.Plus, 6, '+'],
  [T.Minus, 6, '-'],
  [T.LeftChevron, 5, '<'],
  [T.LessThanOrEqual, 5, '<='],
  [T.RightChevron, 5, '>'],
  [T.GreaterThanOrEqual, 5, '>='],
  [T.Equals, 4, '=='],
  [T.NotEquals, 4, '!='],
  [T.EqualsInsensitive, 4, '=~'],
  [T.NotEqualsInsensitive, 4, '!~'],
  [T.LogicalAnd, 3, '&&'],
  [T.LogicalOr, 2, '||'],
  [T.DoubleQuestion, 1, '??'],
] as const) {
  PRECEDENCE[t] = p;
  OPERATOR[t] = op;
}

// Tokens that continue an expression or a type after its primary part.
const POSTFIX = new Uint8Array(64);
for (const t of [T.LeftSquare, T.Dot, T.DoubleColon, T.Exclamation]) POSTFIX[t] = 1;
const TYPE_POSTFIX = new Uint8Array(64);
TYPE_POSTFIX[T.LeftSquare] = 1;
TYPE_POSTFIX[T.Dot] = 1;

/** Most slots of the table of interned names (a power of two). */
const MAX_NAME_SLOTS = 4096;

const BICEP_KEYWORDS = new Set([
  'targetScope',
  'metadata',
  'param',
  'var',
  'type',
  'func',
  'resource',
  'module',
  'output',
  'test',
  'import',
  'extension',
  'provider',
  'assert',
]);
const PARAMS_KEYWORDS = new Set(['using', 'extends', 'param', 'var', 'type', 'import', 'extension', 'extensionConfig']);
/** Keywords after which a lambda body may not start on the next line (LanguageConstants.DeclarationKeywords). */
const DECLARATION_KEYWORDS = new Set(['assert', 'import', 'metadata', 'param', 'var', 'resource', 'output', 'module', 'type']);

// Shared by the many nodes that have none (read-only: a tree is never mutated).
const NO_DECORATORS: S.Decorator[] = Object.freeze([]) as unknown as S.Decorator[];
const NO_EXPRESSIONS: S.Expression[] = Object.freeze([]) as unknown as S.Expression[];
const NO_CHILDREN: S.Node[] = Object.freeze([]) as unknown as S.Node[];

export class Segment implements S.StringSegment {
  /** The offsets once computed; before that, the source when the segment has escapes to decode again. */
  #offsets: number[] | string | undefined;

  constructor(
    readonly text: string,
    public start: number,
    public end: number,
    escapedSource: string | undefined,
  ) {
    this.#offsets = escapedSource;
  }

  /** Moves the segment by `delta` in `source`, the text after an edit before it (see patchBicep). */
  move(delta: number, source: string): void {
    const escaped = typeof this.#offsets === 'string' || (Array.isArray(this.#offsets) && !this.verbatim);
    this.start += delta;
    this.end += delta;
    this.#offsets = escaped ? source : undefined;
  }

  get verbatim(): boolean {
    const offsets = this.#offsets;
    return offsets === undefined || (Array.isArray(offsets) && offsets[this.text.length] - offsets[0] === this.text.length);
  }

  get offsets(): number[] {
    let offsets = this.#offsets;
    if (typeof offsets === 'string') {
      const source = offsets;
      offsets = [];
      decodeEscapes(source, this.start, this.end, offsets);
    } else if (!offsets) {
      offsets = new Array<number>(this.text.length + 1);
      for (let i = 0; i <= this.text.length; i++) offsets[i] = this.start + i;
    }
    this.#offsets = offsets;
    return offsets;
  }
}

function token(type: T, start: number, end: number): S.Token {
  return { kind: 'token', type, start, end };
}

/** Parses Bicep (or, with `params`, a .bicepparam file) into a concrete syntax tree. Never throws. */
export function parseBicep(text: string, options: ParseOptions = {}): S.Program {
  return new Parser(text, options.params === true).program();
}

class Parser {
  private readonly types: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly flags: Uint8Array;
  private readonly lexed: ReturnType<typeof lex>;
  private readonly errors: S.ParseError[] = [];
  private pos = 0;
  private depth = 0;
  private lastErrorStart = -1;
  private lastErrorStop = -1;
  /** Out-parameters of segmentRange. */
  private segmentStart = 0;
  private segmentEnd = 0;
  /** Elements of the lists being parsed, copied out at exact size when a list ends. */
  private readonly scratch: S.Node[] = [];
  /** Interned identifier names (open addressing): the same few names recur thousands of times. */
  private readonly names: (string | undefined)[];
  private nameCount = 0;

  constructor(
    private readonly text: string,
    private readonly params: boolean,
  ) {
    let slots = 64;
    while (slots < MAX_NAME_SLOTS && slots * 32 < text.length) slots *= 2;
    this.names = new Array<string | undefined>(slots);
    this.lexed = lex(text);
    this.types = this.lexed.types;
    this.starts = this.lexed.starts;
    this.ends = this.lexed.ends;
    this.flags = this.lexed.flags;
  }

  program(): S.Program {
    const statements: S.Statement[] = [];
    const types = this.types;
    while (types[this.pos] !== T.EndOfFile) {
      if (types[this.pos] === T.NewLine) {
        this.pos++;
        continue;
      }
      const p0 = this.pos;
      let statement: S.Statement;
      try {
        statement = this.statement(false);
      } catch (e) {
        // Stack exhaustion on pathological input: give up on this statement only.
        if (!(e instanceof RangeError)) throw e;
        this.pos = p0;
        this.depth = 0;
        this.scratch.length = 0;
        statement = this.fail('BCP009', 'The expression is nested too deeply to parse.', STOP_LINE);
      }
      statements.push(statement);
      if (this.pos === p0) this.pos++;
      const t = types[this.pos];
      // A statement whose closing bracket was missing may stop right at the start of the next line.
      if (t !== T.NewLine && t !== T.EndOfFile && types[this.pos - 1] !== T.NewLine) {
        this.fail('BCP019', 'Expected a new line character at this location.', STOP_LINE);
      }
    }
    const eof = this.take();
    const errors = this.lexed.errors.length ? mergeErrors(this.lexed.errors, this.errors) : this.errors;
    return {
      kind: 'program',
      params: this.params,
      text: this.text,
      statements,
      errors,
      comments: this.lexed.comments,
      directives: this.lexed.directives,
      tokens: { count: this.lexed.count, types: this.types, starts: this.starts, ends: this.ends },
      eof,
      start: 0,
      end: this.text.length,
    };
  }

  // ------------------------------------------------------------ token helpers

  private take(): S.Token {
    const p = this.pos;
    if (this.types[p] !== T.EndOfFile) this.pos++;
    return { kind: 'token', type: this.types[p], start: this.starts[p], end: this.ends[p] };
  }

  private skipNewlines(): void {
    while (this.types[this.pos] === T.NewLine) this.pos++;
  }

  private keywordAt(p: number, keyword: string): boolean {
    return this.types[p] === T.Identifier && this.ends[p] - this.starts[p] === keyword.length && this.text.startsWith(keyword, this.starts[p]);
  }

  private tokenText(p: number): string {
    return this.text.slice(this.starts[p], this.ends[p]);
  }

  /** End of the last consumed token that is not a newline. */
  private prevEnd(): number {
    let p = this.pos - 1;
    while (p > 0 && this.types[p] === T.NewLine) p--;
    return p >= 0 ? this.ends[p] : 0;
  }

  private identifier(): S.Identifier {
    const p = this.pos++;
    return { kind: 'identifier', name: this.name(this.starts[p], this.ends[p]), start: this.starts[p], end: this.ends[p] };
  }

  /** text[start, end) as a string, shared with earlier occurrences of the same name. */
  private name(start: number, end: number): string {
    const text = this.text;
    const length = end - start;
    const names = this.names;
    const mask = names.length - 1;
    if (length > 40 || this.nameCount >= mask - (mask >> 2)) return text.slice(start, end);
    let hash = length;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const candidate = names[slot];
      if (candidate === undefined) {
        const name = text.slice(start, end);
        names[slot] = name;
        this.nameCount++;
        return name;
      }
      if (candidate.length === length && text.startsWith(candidate, start)) return candidate;
    }
  }

  private missingIdentifier(at: number): S.Identifier {
    return { kind: 'identifier', name: '', start: at, end: at, missing: true };
  }

  // ------------------------------------------------------------ errors and recovery

  private report(code: string, message: string, start: number, end: number, stop: number): void {
    // A missing piece right where the previous error stopped is a consequence of that error.
    const cascade = start === this.lastErrorStart || (start === end && stop === this.lastErrorStop);
    if (!cascade) this.errors.push({ code, message, start, end });
    this.lastErrorStart = start;
    this.lastErrorStop = stop;
  }

  /** Reports a missing piece at the current token without consuming anything. */
  private missing(code: string, message: string): S.ErrorNode {
    // Point at the end of the line when the piece is missing there, not at the start of the next one.
    let p = this.pos;
    while (p > 0 && this.types[p - 1] === T.NewLine) p--;
    const at = this.starts[p];
    this.report(code, message, at, at, this.pos);
    return { kind: 'error', message, children: NO_CHILDREN, start: at, end: at };
  }

  /** Reports an error and skips tokens up to (not including) one in `stop`; the error covers what was skipped. */
  private fail(code: string, message: string, stop: TokenSet, children: S.Node[] = NO_CHILDREN): S.ErrorNode {
    const p0 = this.pos;
    const types = this.types;
    while (!stop[types[this.pos]]) this.pos++;
    const start = this.starts[p0];
    const end = this.pos > p0 ? this.ends[this.pos - 1] : start;
    this.report(code, message, start, end, this.pos);
    return { kind: 'error', message, children, start: children.length ? Math.min(children[0].start, start) : start, end };
  }

  /** Consumes a token of `type`; otherwise reports, skips to `stop` or to that token (then consumes it). */
  private expect(type: T, code: string, message: string, stop: TokenSet): S.Token | undefined {
    if (this.types[this.pos] === type) return this.take();
    const p0 = this.pos;
    const types = this.types;
    while (!stop[types[this.pos]] && types[this.pos] !== type) this.pos++;
    const start = this.starts[p0];
    this.report(code, message, start, this.pos > p0 ? this.ends[this.pos - 1] : start, this.pos);
    return types[this.pos] === type ? this.take() : undefined;
  }

  private expectChar(type: T, char: string, stop: TokenSet): S.Token | undefined {
    return this.expect(type, 'BCP018', `Expected the "${char}" character at this location.`, stop);
  }

  private expectKeyword(
    keyword: string,
    stop: TokenSet,
    code = 'BCP012',
    message = `Expected the "${keyword}" keyword at this location.`,
  ): S.Token | undefined {
    if (this.keywordAt(this.pos, keyword)) return this.take();
    this.fail(code, message, stop);
    return undefined;
  }

  private expectIdentifier(code: string, message: string, stop: TokenSet): S.Identifier {
    if (this.types[this.pos] === T.Identifier) return this.identifier();
    const at = this.starts[this.pos];
    this.fail(code, message, stop);
    return this.missingIdentifier(at);
  }

  private expectString(code: string, message: string, stop: TokenSet): S.StringExpression | S.ErrorNode {
    const t = this.types[this.pos];
    if (t === T.StringComplete || t === T.StringLeftPiece) return this.string();
    return this.fail(code, message, stop);
  }

  /** Skips a construct that is nested too deeply, keeping its brackets balanced. */
  private tooDeep(): S.ErrorNode {
    const p0 = this.pos;
    const types = this.types;
    let balance = 0;
    for (;;) {
      const t = types[this.pos];
      if (t === T.EndOfFile) break;
      if (t === T.LeftBrace || t === T.LeftSquare || t === T.LeftParen || t === T.StringLeftPiece) balance++;
      else if (t === T.RightBrace || t === T.RightSquare || t === T.RightParen || t === T.StringRightPiece) {
        if (balance === 0) break;
        balance--;
      } else if (balance === 0 && STOP_EXPR[t]) break;
      this.pos++;
    }
    const start = this.starts[p0];
    const end = this.pos > p0 ? this.ends[this.pos - 1] : start;
    const message = 'The expression is nested too deeply to parse.';
    this.report('BCP009', message, start, end, this.pos);
    return { kind: 'error', message, children: NO_CHILDREN, start, end };
  }

  // ------------------------------------------------------------ statements

  private decorators(): S.Decorator[] {
    if (this.types[this.pos] !== T.At) return NO_DECORATORS;
    const decorators: S.Decorator[] = [];
    while (this.types[this.pos] === T.At) {
      decorators.push(this.decorator());
      if (this.types[this.pos] === T.NewLine) this.pos++;
      else if (this.types[this.pos] !== T.EndOfFile) {
        this.fail('BCP019', 'Expected a new line character at this location.', STOP_LINE);
        if (this.types[this.pos] === T.NewLine) this.pos++;
      }
      this.skipNewlines();
    }
    return decorators;
  }

  private decorator(): S.Decorator {
    const at = this.take();
    let expression: S.Expression;
    if (this.types[this.pos] !== T.Identifier) {
      expression = this.fail('BCP123', 'Expected a namespace or decorator name at this location.', STOP_LINE);
    } else {
      const name = this.identifier();
      expression =
        this.types[this.pos] === T.LeftParen
          ? this.call(undefined, name, ALLOW_COMPLEX)
          : { kind: 'variableAccess', name: name.name, start: name.start, end: name.end };
      while (this.types[this.pos] === T.Dot) {
        const dot = this.take();
        const property = this.types[this.pos] === T.Identifier ? this.identifier() : this.missingProperty();
        expression =
          this.types[this.pos] === T.LeftParen
            ? this.call(expression, property, ALLOW_COMPLEX)
            : { kind: 'memberAccess', base: expression, dot, safe: false, property, start: expression.start, end: property.end };
      }
    }
    return { kind: 'decorator', at, expression, start: at.start, end: expression.end };
  }

  private missingProperty(): S.Identifier {
    const at = this.starts[this.pos];
    this.report('BCP020', 'Expected a function or property name at this location.', at, at, this.pos);
    return this.missingIdentifier(at);
  }

  /** One declaration; `nested` for a child resource inside a resource body. */
  private statement(nested: boolean): S.Statement {
    const decorators = this.decorators();
    const p = this.pos;
    if (this.types[p] === T.Identifier) {
      const keyword = this.tokenText(p);
      if (!nested || keyword === 'resource') {
        const declaration = this.declaration(keyword, decorators);
        if (declaration) {
          if (!nested) this.checkFileKind(declaration, keyword, p);
          return declaration;
        }
      }
    }
    if (decorators.length > 0) {
      this.missing('BCP147', 'Expected a declaration after the decorator.');
      return { kind: 'missingDeclaration', decorators, start: decorators[0].start, end: decorators[decorators.length - 1].end };
    }
    return this.fail('BCP007', 'This declaration type is not recognized. Specify a metadata, parameter, variable, resource, or output declaration.', STOP_LINE);
  }

  private checkFileKind(declaration: S.Declaration, keyword: string, p: number): void {
    const allowed = this.params ? PARAMS_KEYWORDS.has(keyword) : BICEP_KEYWORDS.has(keyword);
    if (allowed || (this.params && declaration.kind === 'extension' && keyword === 'import')) return;
    const message = this.params
      ? 'This declaration type is not valid for a Bicep Parameters file. Supported declarations: "using", "extends", "param", "var", "type", "extensionConfig".'
      : 'This declaration type is not recognized. Specify a metadata, parameter, variable, resource, or output declaration.';
    this.errors.push({ code: this.params ? 'BCP337' : 'BCP007', message, start: this.starts[p], end: this.ends[p] });
  }

  private declaration(keyword: string, decorators: S.Decorator[]): S.Declaration | undefined {
    switch (keyword) {
      case 'param':
        return this.params ? this.paramAssignment(decorators) : this.param(decorators);
      case 'var':
        return this.variable(decorators);
      case 'resource':
        return this.resource(decorators);
      case 'module':
        return this.module(decorators);
      case 'output':
        return this.output(decorators);
      case 'type':
        return this.typeDeclaration(decorators);
      case 'func':
        return this.func(decorators);
      case 'metadata':
        return this.metadata(decorators);
      case 'targetScope':
        return this.targetScope(decorators);
      case 'import':
        return this.importDeclaration(decorators);
      case 'extension':
      case 'provider':
        return this.extension(decorators, this.take());
      case 'assert':
        return this.assert(decorators);
      case 'test':
        return this.test(decorators);
      case 'using':
        return this.using(decorators);
      case 'extends':
        return this.extendsDeclaration(decorators);
      case 'extensionConfig':
        return this.extensionConfig(decorators);
      default:
        return undefined;
    }
  }

  private atLineEnd(): boolean {
    return this.types[this.pos] === T.NewLine || this.types[this.pos] === T.EndOfFile;
  }

  private startOf(decorators: S.Decorator[], keyword: S.Token): number {
    return decorators.length > 0 ? decorators[0].start : keyword.start;
  }

  private assignment(stop: TokenSet = STOP_LINE): S.Token | undefined {
    return this.expectChar(T.Assignment, '=', stop);
  }

  private value(): S.Expression {
    return this.expression(ALLOW_COMPLEX);
  }

  private param(decorators: S.Decorator[]): S.ParamDeclaration {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP013', 'Expected a parameter identifier at this location.', STOP_NAME);
    const type = this.declaredType(false);
    let assign: S.Token | undefined;
    let value: S.Expression | undefined;
    const t = this.types[this.pos];
    if (t === T.Assignment) {
      assign = this.take();
      value = this.value();
    } else if (t !== T.NewLine && t !== T.EndOfFile) {
      this.fail('BCP008', 'Expected the "=" token, or a newline at this location.', STOP_LINE);
    }
    return { kind: 'param', decorators, keyword, name, type, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private paramAssignment(decorators: S.Decorator[]): S.ParamAssignment {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP013', 'Expected a parameter identifier at this location.', STOP_NAME);
    const assign = this.assignment();
    const value = this.value();
    return { kind: 'paramAssignment', decorators, keyword, name, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private variable(decorators: S.Decorator[]): S.VarDeclaration {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP015', 'Expected a variable identifier at this location.', STOP_NAME);
    const t = this.types[this.pos];
    const type = t === T.Assignment || t === T.NewLine || t === T.EndOfFile ? undefined : this.typeExpression();
    const assign = this.assignment();
    const value = this.value();
    return { kind: 'var', decorators, keyword, name, type, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private output(decorators: S.Decorator[]): S.OutputDeclaration {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP016', 'Expected an output identifier at this location.', STOP_NAME);
    const type = this.declaredType(true);
    const assign = this.assignment();
    const value = this.value();
    return { kind: 'output', decorators, keyword, name, type, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  /** The type of a param or output: a type expression, or `resource 'T@v'`. */
  private declaredType(resourceTypeOptional: boolean): S.TypeExpression {
    if (this.keywordAt(this.pos, 'resource') && this.types[this.pos + 1] !== T.LeftChevron) {
      const keyword = this.take();
      const t = this.types[this.pos];
      let type: S.StringExpression | S.ErrorNode | undefined;
      if (t === T.StringComplete || t === T.StringLeftPiece) type = this.string();
      else if (!resourceTypeOptional)
        type = this.fail('BCP068', 'Expected a resource type string. Specify a valid resource type of format "<type-name>@<apiVersion>".', STOP_ASSIGN);
      return { kind: 'resourceType', keyword, type, start: keyword.start, end: type && type.end > keyword.end ? type.end : keyword.end };
    }
    return this.typeExpression();
  }

  private resource(decorators: S.Decorator[]): S.ResourceDeclaration {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP017', 'Expected a resource identifier at this location.', STOP_NAME_STRING);
    const type = this.expectString(
      'BCP068',
      'Expected a resource type string. Specify a valid resource type of format "<type-name>@<apiVersion>".',
      STOP_ASSIGN,
    );
    const existing = this.keywordAt(this.pos, 'existing') ? this.take() : undefined;
    const assign = this.assignment(STOP_BODY);
    const value = this.body(ALLOW_COMPLEX | ALLOW_RESOURCES, assign !== undefined);
    return { kind: 'resource', decorators, keyword, name, type, existing, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private module(decorators: S.Decorator[]): S.ModuleDeclaration {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP096', 'Expected a module identifier at this location.', STOP_NAME_STRING);
    const path = this.expectString(
      'BCP097',
      "Expected a module path string. This should be a relative path to another bicep file, e.g. 'myModule.bicep' or '../parent/myModule.bicep'",
      STOP_ASSIGN,
    );
    const assign = this.assignment(STOP_BODY);
    const value = this.body(ALLOW_COMPLEX, true);
    return { kind: 'module', decorators, keyword, name, path, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  /** The value of a resource or module: an object, `if (...) {...}`, or `[for ...]`. */
  private body(flags: number, newlinesBeforeIf: boolean): S.Expression {
    if (newlinesBeforeIf && this.types[this.pos] === T.NewLine) {
      let p = this.pos;
      while (this.types[p] === T.NewLine) p++;
      if (this.keywordAt(p, 'if')) this.pos = p;
    }
    const t = this.types[this.pos];
    if (t === T.LeftBrace) return this.object(flags);
    if (t === T.LeftSquare) return this.forExpression(flags, true);
    if (this.keywordAt(this.pos, 'if')) return this.ifCondition(flags, false);
    return this.fail('BCP118', 'Expected the "{" character, the "[" character, or the "if" keyword at this location.', STOP_LINE);
  }

  private test(decorators: S.Decorator[]): S.TestDeclaration {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP346', 'Expected a test identifier at this location.', STOP_NAME_STRING);
    const path = this.expectString('BCP347', 'Expected a test path string at this location.', STOP_ASSIGN);
    const assign = this.assignment(STOP_BODY);
    const value =
      this.types[this.pos] === T.LeftBrace ? this.object(ALLOW_COMPLEX) : this.fail('BCP018', 'Expected the "{" character at this location.', STOP_LINE);
    return { kind: 'test', decorators, keyword, name, path, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private typeDeclaration(decorators: S.Decorator[]): S.TypeDeclaration {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP325', 'Expected a type identifier at this location.', STOP_NAME_ASSIGN);
    const assign = this.assignment();
    const value = this.typeExpression();
    return { kind: 'type', decorators, keyword, name, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private func(decorators: S.Decorator[]): S.FuncDeclaration {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP015', 'Expected a variable identifier at this location.', STOP_NAME_ASSIGN);
    const lambda = this.types[this.pos] === T.LeftParen ? this.typedLambda() : this.fail('BCP018', 'Expected the "(" character at this location.', STOP_LINE);
    return { kind: 'func', decorators, keyword, name, lambda, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private metadata(decorators: S.Decorator[]): S.MetadataDeclaration {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP266', 'Expected a metadata identifier at this location.', STOP_NAME_ASSIGN);
    const assign = this.assignment();
    const value = this.value();
    return { kind: 'metadata', decorators, keyword, name, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private targetScope(decorators: S.Decorator[]): S.TargetScopeDeclaration {
    const keyword = this.take();
    const assign = this.assignment();
    const value = this.value();
    return { kind: 'targetScope', decorators, keyword, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private assert(decorators: S.Decorator[]): S.AssertDeclaration {
    const keyword = this.take();
    const name = this.expectIdentifier('BCP344', 'Expected an assert identifier at this location.', STOP_NAME_ASSIGN);
    const assign = this.assignment();
    const value = this.value();
    return { kind: 'assert', decorators, keyword, name, assign, value, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private importDeclaration(decorators: S.Decorator[]): S.ImportDeclaration | S.ExtensionDeclaration {
    const keyword = this.take();
    const t = this.types[this.pos];
    // `import 'az@1.0.0'` is the legacy form of `extension`.
    if (t === T.StringComplete || t === T.StringLeftPiece) return this.extension(decorators, keyword);
    let target: S.ImportDeclaration['target'];
    if (t === T.LeftBrace) target = this.importedSymbols();
    else if (t === T.Asterisk) target = this.wildcardImport();
    else if (t === T.EndOfFile || t === T.NewLine || t === T.Identifier)
      target = this.missing('BCP354', "Expected left brace ('{') or asterisk ('*') character at this location.");
    else {
      const p0 = this.pos++;
      const message = "Expected left brace ('{') or asterisk ('*') character at this location.";
      this.report('BCP354', message, this.starts[p0], this.ends[p0], this.pos);
      target = { kind: 'error', message, children: NO_CHILDREN, start: this.starts[p0], end: this.ends[p0] };
    }
    let fromKeyword: S.Token | undefined;
    let path: S.StringExpression | S.ErrorNode;
    if (this.keywordAt(this.pos, 'from')) {
      fromKeyword = this.take();
      path = this.expectString(
        'BCP097',
        "Expected a module path string. This should be a relative path to another bicep file, e.g. 'myModule.bicep' or '../parent/myModule.bicep'",
        STOP_LINE,
      );
    } else {
      path = this.fail('BCP012', 'Expected the "from" keyword at this location.', STOP_LINE);
    }
    return { kind: 'import', decorators, keyword, target, fromKeyword, path, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private importedSymbols(): S.ImportedSymbolsList {
    const open = this.take();
    const symbols: (S.ImportedSymbol | S.ErrorNode)[] = [];
    if (this.listStart(T.RightBrace, false)) {
      do {
        const p0 = this.pos;
        symbols.push(this.progress(this.importedSymbol(), p0, STOP_OBJECT_ITEM));
      } while (this.listNext(T.RightBrace, false));
    }
    const close = this.close(T.RightBrace, '}');
    return { kind: 'importedSymbols', open, symbols, close, start: open.start, end: close ? close.end : this.prevEnd() };
  }

  private importedSymbol(): S.ImportedSymbol | S.ErrorNode {
    const t = this.types[this.pos];
    let name: S.ImportedSymbol['name'];
    if (t === T.Identifier) name = this.identifier();
    else if (t === T.StringComplete) name = this.string();
    else if (t === T.StringLeftPiece) {
      const s = this.string();
      this.report('BCP032', 'The value must be a compile-time constant.', s.start, s.end, this.pos);
      name = { kind: 'error', message: 'The value must be a compile-time constant.', children: [s], start: s.start, end: s.end };
    } else {
      const p0 = this.pos;
      if (t !== T.EndOfFile) this.pos++;
      const message = 'Expected the name of an exported symbol at this location.';
      this.report('BCP355', message, this.starts[p0], this.ends[p0], this.pos);
      name = { kind: 'error', message, children: NO_CHILDREN, start: this.starts[p0], end: this.ends[p0] };
    }
    let asKeyword: S.Token | undefined;
    let alias: S.Identifier | undefined;
    if (this.keywordAt(this.pos, 'as')) {
      asKeyword = this.take();
      alias = this.expectIdentifier('BCP325', 'Expected a type identifier at this location.', STOP_IMPORT_ALIAS);
    } else if (name.kind === 'string') {
      this.report(
        'BCP375',
        "An import list item that identifies its target with a quoted string must include an 'as <alias>' clause.",
        name.start,
        name.end,
        this.pos,
      );
    }
    return {
      kind: 'importedSymbol',
      name,
      asKeyword,
      alias,
      start: name.start,
      end: alias && !alias.missing ? alias.end : asKeyword ? asKeyword.end : name.end,
    };
  }

  private wildcardImport(): S.WildcardImport {
    const star = this.take();
    const asKeyword = this.expectKeyword('as', STOP_LINE);
    const alias = asKeyword
      ? this.expectIdentifier('BCP356', 'Expected a valid namespace identifier at this location.', STOP_LINE)
      : this.missingIdentifier(this.starts[this.pos]);
    return { kind: 'wildcardImport', star, asKeyword, alias, start: star.start, end: this.prevEnd() };
  }

  /** `extension`/`provider`/legacy `import` followed by a specification, `with {...}` and `as alias`. */
  private extension(decorators: S.Decorator[], keyword: S.Token): S.ExtensionDeclaration {
    const t = this.types[this.pos];
    const specification: S.ExtensionDeclaration['specification'] =
      t === T.Identifier
        ? this.identifier()
        : this.expectString(
            'BCP201',
            'Expected an extension specification string. This should either be a relative path, or a valid OCI artifact specification.',
            STOP_LINE,
          );
    let withKeyword: S.Token | undefined;
    let config: S.ObjectExpression | S.ErrorNode | undefined;
    let asKeyword: S.Token | undefined;
    let alias: S.Identifier | undefined;
    if (!this.atLineEnd() && !this.keywordAt(this.pos, 'as')) {
      withKeyword = this.expectKeyword('with', STOP_LINE, 'BCP305', 'Expected the "with" keyword, "as" keyword, or a new line character at this location.');
      if (withKeyword)
        config =
          this.types[this.pos] === T.LeftBrace ? this.object(ALLOW_COMPLEX) : this.fail('BCP018', 'Expected the "{" character at this location.', STOP_LINE);
    }
    if (!this.atLineEnd()) {
      asKeyword = this.expectKeyword('as', STOP_LINE, 'BCP305', 'Expected the "with" keyword, "as" keyword, or a new line character at this location.');
      if (asKeyword) alias = this.expectIdentifier('BCP202', 'Expected an extension alias name at this location.', STOP_LINE);
    }
    return {
      kind: 'extension',
      decorators,
      keyword,
      specification,
      withKeyword,
      config,
      asKeyword,
      alias,
      start: this.startOf(decorators, keyword),
      end: this.prevEnd(),
    };
  }

  private using(decorators: S.Decorator[]): S.UsingDeclaration {
    const keyword = this.take();
    let path: S.StringExpression | S.ErrorNode | undefined;
    let none: S.Token | undefined;
    const t = this.types[this.pos];
    if (t === T.Identifier) none = this.expectKeyword('none', STOP_LINE);
    else if (t === T.StringComplete || t === T.StringLeftPiece) path = this.string();
    else
      path = this.missing(
        'BCP257',
        "Expected a Bicep file path string. This should be a relative path to another bicep file, e.g. 'myModule.bicep' or '../parent/myModule.bicep'",
      );
    let withKeyword: S.Token | undefined;
    let config: S.ObjectExpression | S.ErrorNode | undefined;
    if (this.types[this.pos] !== T.NewLine && this.types[this.pos] !== T.EndOfFile) {
      withKeyword = this.expectKeyword('with', STOP_LINE, 'BCP436', 'Expected the "with" keyword or a new line character at this location.');
      if (withKeyword)
        config =
          this.types[this.pos] === T.LeftBrace ? this.object(ALLOW_COMPLEX) : this.fail('BCP018', 'Expected the "{" character at this location.', STOP_LINE);
    }
    return { kind: 'using', decorators, keyword, path, none, withKeyword, config, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private extendsDeclaration(decorators: S.Decorator[]): S.ExtendsDeclaration {
    const keyword = this.take();
    const path = this.expectString('BCP404', 'The "extends" declaration is missing a bicepparam file path reference', STOP_LINE);
    return { kind: 'extends', decorators, keyword, path, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  private extensionConfig(decorators: S.Decorator[]): S.ExtensionConfigAssignment {
    const keyword = this.take();
    const alias = this.expectIdentifier('BCP202', 'Expected an extension alias name at this location.', STOP_NAME);
    const withKeyword = this.expectKeyword('with', STOP_LINE);
    const config =
      withKeyword && this.types[this.pos] === T.LeftBrace
        ? this.object(ALLOW_COMPLEX)
        : this.fail('BCP018', 'Expected the "{" character at this location.', STOP_LINE);
    return { kind: 'extensionConfig', decorators, keyword, alias, withKeyword, config, start: this.startOf(decorators, keyword), end: this.prevEnd() };
  }

  // ------------------------------------------------------------ lists

  /*
   * Objects, arrays, object types, tuples and import lists separate their elements by one comma or by newlines
   * (Bicep.Core HandleArrayOrObjectElements); calls and type arguments by commas, with newlines allowed around them
   * (HandleFunctionElements). Each list parser loops inline so that a nesting level costs few stack frames:
   *   if (this.listStart(close, boundary)) do { ...parse one element... } while (this.listNext(close, boundary));
   * A bad element costs at most its own line.
   */

  /** After the opening bracket: true when an element follows. */
  private listStart(close: T, boundary: boolean): boolean {
    if (this.types[this.pos] === close) return false;
    this.skipNewlines();
    const t = this.types[this.pos];
    return t !== close && t !== T.EndOfFile && !(boundary && this.declarationAtLineStart());
  }

  /** After an element: consumes the separator; true when another element follows. */
  private listNext(close: T, boundary: boolean): boolean {
    const types = this.types;
    const t = types[this.pos];
    if (t === close || t === T.EndOfFile) return false;
    if (t === T.NewLine) {
      this.skipNewlines();
    } else if (t === T.Comma) {
      this.pos++;
      if (types[this.pos] === T.NewLine) {
        this.missing('BCP238', 'Unexpected new line character after a comma.');
        this.skipNewlines();
      }
    } else {
      this.missing('BCP236', 'Expected a new line or comma character at this location.');
    }
    const u = types[this.pos];
    return u !== close && u !== T.EndOfFile && !(boundary && this.declarationAtLineStart());
  }

  /** After the opening bracket of arguments: true when an argument follows. */
  private argumentsStart(close: T): boolean {
    if (this.types[this.pos] === close) return false;
    this.skipNewlines();
    const t = this.types[this.pos];
    return t !== close && t !== T.EndOfFile && !this.declarationAtLineStart();
  }

  /** After an argument: consumes the separator; true when another argument follows (also after a trailing comma). */
  private argumentsNext(close: T): boolean {
    const types = this.types;
    const t = types[this.pos];
    if (t === close || t === T.EndOfFile) return false;
    if (t === T.NewLine) {
      let q = this.pos;
      while (types[q] === T.NewLine) q++;
      // Leave the newline for the missing-bracket error when the file ends here.
      if (types[q] === T.EndOfFile) return false;
      if (types[q] !== close) this.missing('BCP237', 'Expected a comma character at this location.');
      this.skipNewlines();
      return types[this.pos] !== close && !this.declarationAtLineStart();
    }
    if (t === T.Comma) {
      this.pos++;
      this.skipNewlines();
      // After a trailing comma the argument is reported missing.
      return types[this.pos] !== T.EndOfFile && !this.declarationAtLineStart();
    }
    this.missing('BCP236', 'Expected a new line or comma character at this location.');
    return !this.declarationAtLineStart();
  }

  /** An element that consumed nothing is skipped up to the next separator, so that lists always advance. */
  private progress<N extends S.Node>(element: N, p0: number, stop: TokenSet): N | S.ErrorNode {
    if (this.pos !== p0 || stop[this.types[this.pos]]) return element;
    return this.fail('BCP009', element.kind === 'error' ? element.message : 'Unexpected token.', stop);
  }

  /** The `:` of a property: true when found (after skipping stray tokens on its line). */
  private colon(): boolean {
    if (this.types[this.pos] === T.Colon) {
      this.pos++;
      return true;
    }
    return this.expectChar(T.Colon, ':', STOP_OBJECT_ITEM) !== undefined;
  }

  /** Consumes the closing bracket; false (reported) when it is missing. */
  private closed(type: T, char: string): boolean {
    if (this.types[this.pos] === type) {
      this.pos++;
      return true;
    }
    this.missing('BCP018', `Expected the "${char}" character at this location.`);
    return false;
  }

  private close(type: T, char: string): S.Token | undefined {
    if (this.types[this.pos] === type) return this.take();
    this.missing('BCP018', `Expected the "${char}" character at this location.`);
    return undefined;
  }

  /**
   * A declaration keyword at the very start of a line inside a bracket means the closing bracket is missing:
   * the bracket ends there and the declaration is parsed as one.
   */
  private declarationAtLineStart(): boolean {
    const p = this.pos;
    if (p === 0 || this.types[p - 1] !== T.NewLine || this.ends[p - 1] !== this.starts[p] || this.types[p] !== T.Identifier) return false;
    const next = this.types[p + 1];
    switch (this.tokenText(p)) {
      case 'param':
      case 'var':
      case 'output':
      case 'module':
      case 'type':
      case 'func':
      case 'metadata':
      case 'assert':
      case 'test':
      case 'resource':
      case 'extensionConfig':
        return next === T.Identifier;
      case 'targetScope':
        return next === T.Assignment;
      case 'import':
        return next === T.LeftBrace || next === T.Asterisk || next === T.StringComplete;
      case 'extension':
      case 'provider':
      case 'using':
      case 'extends':
        return next === T.StringComplete || next === T.Identifier;
      default:
        return false;
    }
  }

  // ------------------------------------------------------------ expressions

  /**
   * An expression: operands joined by binary operators, then an optional ternary.
   * Kept small, with the rarer parts in their own methods: its frame is on the stack once per nesting level.
   */
  expression(flags: number): S.Expression {
    if (this.depth >= MAX_DEPTH) return this.tooDeep();
    this.depth++;
    let result = this.operand(flags);
    if (PRECEDENCE[this.types[this.pos]] > 0) result = this.binary(result, flags);
    const t = this.types[this.pos];
    if (t === T.Question || (t === T.NewLine && this.after(T.Question))) result = this.ternary(result, flags);
    this.depth--;
    return result;
  }

  /** Binary operators by precedence climbing with explicit stacks, left-associative. */
  private binary(first: S.Expression, flags: number): S.Expression {
    const types = this.types;
    const operands: S.Expression[] = [first];
    const operators: number[] = [];
    let prec: number;
    while ((prec = PRECEDENCE[types[this.pos]]) > 0) {
      while (operators.length > 0 && PRECEDENCE[types[operators[operators.length - 1]]] >= prec) this.reduce(operands, operators);
      operators.push(this.pos++);
      operands.push(this.operand(flags));
    }
    while (operators.length > 0) this.reduce(operands, operators);
    return operands[0];
  }

  /** `condition ? whenTrue : whenFalse`, where `?` and `:` may start lines. */
  private ternary(condition: S.Expression, flags: number): S.TernaryExpression {
    this.skipNewlines();
    const question = this.take();
    const whenTrue = this.expression(flags);
    if (this.types[this.pos] === T.NewLine && this.after(T.Colon)) this.skipNewlines();
    const colon = this.expectChar(T.Colon, ':', STOP_CLOSE_PAREN);
    const whenFalse = colon ? this.expression(flags) : this.missingExpression();
    return {
      kind: 'ternary',
      condition,
      question,
      whenTrue,
      colon,
      whenFalse,
      start: condition.start,
      end: Math.max(whenFalse.end, colon ? colon.end : whenTrue.end),
    };
  }

  /** Whether `type` follows the newlines at the current token. */
  private after(type: T): boolean {
    let p = this.pos;
    while (this.types[p] === T.NewLine) p++;
    return this.types[p] === type;
  }

  private reduce(operands: S.Expression[], operators: number[]): void {
    const p = operators.pop()!;
    const right = operands.pop()!;
    const left = operands.pop()!;
    const type = this.types[p] as T;
    const operatorToken: S.Token = { kind: 'token', type, start: this.starts[p], end: this.ends[p] };
    operands.push({ kind: 'binary', operator: OPERATOR[type], operatorToken, left, right, start: left.start, end: Math.max(right.end, operatorToken.end) });
  }

  /** A string, integer, `true`, `false` or `null`: the same in expressions and types. */
  private literal(): S.StringExpression | S.IntegerLiteral | S.BooleanLiteral | S.NullLiteral {
    const p = this.pos;
    switch (this.types[p]) {
      case T.Integer:
        return this.integer();
      case T.TrueKeyword:
      case T.FalseKeyword:
        this.pos++;
        return { kind: 'boolean', value: this.types[p] === T.TrueKeyword, start: this.starts[p], end: this.ends[p] };
      case T.NullKeyword:
        this.pos++;
        return { kind: 'null', start: this.starts[p], end: this.ends[p] };
      default:
        return this.string();
    }
  }

  private missingExpression(): S.ErrorNode {
    return this.missing('BCP009', 'Expected a literal value, an array, an object, a parenthesized expression, or a function call at this location.');
  }

  /**
   * An optional prefix `!` or `-`, a primary expression and its postfix operators (member, index, call, `::`, `!`).
   * As in the official parser a prefix applies to a postfix expression: `!!x` and `--1` are errors.
   */
  private operand(flags: number): S.Expression {
    const types = this.types;
    let prefix: S.Token | undefined;
    if (types[this.pos] === T.Exclamation || types[this.pos] === T.Minus) prefix = this.take();
    const p = this.pos;
    let current: S.Expression;
    switch (types[p]) {
      case T.Identifier: {
        const next = types[p + 1];
        if (next === T.LeftParen) current = this.call(undefined, this.identifier(), flags);
        else if (next === T.Arrow) {
          const name = this.identifier();
          current = this.lambda([name], name.start);
        } else {
          this.pos++;
          current = { kind: 'variableAccess', name: this.name(this.starts[p], this.ends[p]), start: this.starts[p], end: this.ends[p] };
        }
        break;
      }
      case T.StringComplete:
      case T.StringLeftPiece:
      case T.Integer:
      case T.TrueKeyword:
      case T.FalseKeyword:
      case T.NullKeyword:
        current = this.literal();
        break;
      case T.LeftBrace:
        if (!(flags & ALLOW_COMPLEX)) this.complexNotAllowed();
        current = this.object(flags | ALLOW_COMPLEX);
        break;
      case T.LeftSquare:
        if (!(flags & ALLOW_COMPLEX)) this.complexNotAllowed();
        current = this.forAhead() ? this.forExpression(flags | ALLOW_COMPLEX, false) : this.array();
        break;
      case T.LeftParen:
        current = this.parenthesizedOrLambda(flags);
        break;
      default:
        current = STOP_EXPR[types[p]]
          ? this.missingExpression()
          : this.fail('BCP009', 'Expected a literal value, an array, an object, a parenthesized expression, or a function call at this location.', STOP_EXPR);
    }
    if (POSTFIX[types[this.pos]]) current = this.postfix(current, flags);
    if (!prefix) return current;
    return {
      kind: 'unary',
      operator: prefix.type === T.Minus ? '-' : '!',
      operatorToken: prefix,
      operand: current,
      start: prefix.start,
      end: Math.max(current.end, prefix.end),
    };
  }

  /** Member, index, call, `::` and `!` after a primary expression. */
  private postfix(current: S.Expression, flags: number): S.Expression {
    const types = this.types;
    for (;;) {
      switch (types[this.pos]) {
        case T.LeftSquare: {
          const openBracket = this.take();
          let safe = false;
          let fromEnd = false;
          if (types[this.pos] === T.Question) {
            safe = true;
            this.pos++;
          }
          if (types[this.pos] === T.Hat) {
            fromEnd = true;
            this.pos++;
          }
          const index =
            types[this.pos] === T.RightSquare ? this.missing('BCP117', 'An empty indexer is not allowed. Specify a valid expression.') : this.expression(flags);
          const closeBracket = this.close(T.RightSquare, ']');
          current = {
            kind: 'indexAccess',
            base: current,
            openBracket,
            safe,
            fromEnd,
            index,
            closeBracket,
            start: current.start,
            end: closeBracket ? closeBracket.end : Math.max(index.end, openBracket.end),
          };
          if (!closeBracket) return current;
          break;
        }
        case T.Dot: {
          const dot = this.starts[this.pos++];
          let safe = false;
          let safeStart = 0;
          if (types[this.pos] === T.Question) {
            safe = true;
            safeStart = this.starts[this.pos];
            this.pos++;
          }
          if (types[this.pos] === T.Identifier && types[this.pos + 1] !== T.LeftParen) {
            const p = this.pos++;
            const property: S.Identifier = { kind: 'identifier', name: this.name(this.starts[p], this.ends[p]), start: this.starts[p], end: this.ends[p] };
            current = { kind: 'memberAccess', base: current, dot: token(T.Dot, dot, dot + 1), safe, property, start: current.start, end: property.end };
            break;
          }
          const property = types[this.pos] === T.Identifier ? this.identifier() : this.missingProperty();
          if (types[this.pos] === T.LeftParen) {
            if (safe)
              this.report(
                'BCP322',
                'The `.?` (safe dereference) operator may not be used on instance function invocations.',
                safeStart,
                property.end,
                this.pos,
              );
            current = this.call(current, property, flags);
          } else {
            current = {
              kind: 'memberAccess',
              base: current,
              dot: token(T.Dot, dot, dot + 1),
              safe,
              property,
              start: current.start,
              end: property.missing ? dot + 1 + (safe ? 1 : 0) : property.end,
            };
          }
          break;
        }
        case T.DoubleColon: {
          const colons = this.take();
          const property = types[this.pos] === T.Identifier ? this.identifier() : this.missingProperty();
          current = { kind: 'resourceAccess', base: current, property, start: current.start, end: property.missing ? colons.end : property.end };
          break;
        }
        case T.Exclamation: {
          const bang = this.take();
          current = { kind: 'nonNull', base: current, start: current.start, end: bang.end };
          break;
        }
        default:
          return current;
      }
    }
  }

  /** `[` followed by the `for` keyword (newlines allowed between). */
  private forAhead(): boolean {
    let q = this.pos + 1;
    while (this.types[q] === T.NewLine) q++;
    return this.keywordAt(q, 'for');
  }

  private complexNotAllowed(): void {
    const p = this.pos;
    this.report('BCP087', 'Array and object literals are not allowed here.', this.starts[p], this.ends[p], p);
  }

  private integer(): S.IntegerLiteral {
    const p = this.pos++;
    const text = this.tokenText(p);
    let zeros = 0;
    while (zeros < text.length - 1 && text.charCodeAt(zeros) === 48) zeros++;
    const digits = zeros ? text.slice(zeros) : text;
    if (digits.length > 20 || (digits.length === 20 && digits > '18446744073709551615')) {
      this.report('BCP010', 'Expected a valid 64-bit signed integer.', this.starts[p], this.ends[p], this.pos);
    }
    return { kind: 'integer', text, value: Number(text), start: this.starts[p], end: this.ends[p] };
  }

  /** `name(args)` or, with `base`, `base.name(args)`; the current token is `(`. */
  private call(base: S.Expression | undefined, name: S.Identifier, flags: number): S.CallExpression {
    const open = this.starts[this.pos++];
    let args = NO_EXPRESSIONS;
    if (this.argumentsStart(T.RightParen)) {
      const scratch = this.scratch;
      const base = scratch.length;
      do {
        const p0 = this.pos;
        scratch.push(this.progress(this.expression(flags), p0, STOP_ARG));
      } while (this.argumentsNext(T.RightParen));
      args = scratch.slice(base) as S.Expression[];
      scratch.length = base;
    }
    const closed = this.closed(T.RightParen, ')');
    const end = this.prevEnd();
    const namespace: S.Identifier | undefined =
      base && base.kind === 'variableAccess' ? { kind: 'identifier', name: base.name, start: base.start, end: base.end } : undefined;
    const openParen = token(T.LeftParen, open, open + 1);
    const closeParen = closed ? token(T.RightParen, end - 1, end) : undefined;
    return { kind: 'call', base, namespace, name, openParen, args, closeParen, start: base ? base.start : name.start, end };
  }

  private lambda(params: S.Identifier[], start: number): S.LambdaExpression {
    const arrow = this.take();
    this.newlinesBeforeBody();
    const body = this.expression(ALLOW_COMPLEX);
    return { kind: 'lambda', params, arrow, body, start, end: Math.max(body.end, arrow.end) };
  }

  /** A lambda body may start on the next line, unless that line starts a declaration. */
  private newlinesBeforeBody(): void {
    if (this.types[this.pos] !== T.NewLine) return;
    let p = this.pos;
    while (this.types[p] === T.NewLine) p++;
    if (!(this.types[p] === T.Identifier && DECLARATION_KEYWORDS.has(this.tokenText(p)))) this.pos = p;
  }

  /** After an item of a parenthesized list: consumes a comma; true when another item follows. */
  private parenthesizedNext(newlines: boolean): boolean {
    if (newlines) this.skipNewlines();
    if (this.types[this.pos] !== T.Comma) return false;
    this.pos++;
    if (newlines) this.skipNewlines();
    return this.types[this.pos] !== T.RightParen && !this.declarationAtLineStart();
  }

  private parenthesizedClose(): S.Token | undefined {
    if (this.declarationAtLineStart()) {
      this.missing('BCP018', 'Expected the ")" character at this location.');
      return undefined;
    }
    return this.expectChar(T.RightParen, ')', STOP_CLOSE_PAREN);
  }

  /** `(expression)` or the parameters of a lambda `(a, b) => ...`. */
  private parenthesizedOrLambda(flags: number): S.Expression {
    const open = this.take();
    const items: S.Expression[] = [];
    this.skipNewlines();
    if (this.types[this.pos] !== T.RightParen && !this.declarationAtLineStart()) {
      do items.push(this.expression(flags));
      while (this.parenthesizedNext(true));
    }
    const close = this.parenthesizedClose();
    if (this.types[this.pos] === T.Arrow) {
      const params: S.Identifier[] = [];
      for (const item of items) {
        if (item.kind === 'variableAccess') params.push({ kind: 'identifier', name: item.name, start: item.start, end: item.end });
        else if (item.kind !== 'error') this.report('BCP015', 'Expected a variable identifier at this location.', item.start, item.end, this.pos);
      }
      return this.lambda(params, open.start);
    }
    return { kind: 'parenthesized', expression: this.singleItem(open, items), start: open.start, end: close ? close.end : this.prevEnd() };
  }

  private singleItem<N extends S.Expression | S.TypeExpression>(open: S.Token, items: N[]): N | S.ErrorNode {
    if (items.length === 1) return items[0];
    const message = 'Parentheses must contain exactly one expression.';
    const start = items.length ? items[0].start : open.end;
    const end = items.length ? items[items.length - 1].end : open.end;
    this.report('BCP243', message, start, end, this.pos);
    return { kind: 'error', message, children: items, start, end };
  }

  /** `(a string, b int) string => body` of a `func`. */
  private typedLambda(): S.TypedLambdaExpression {
    const open = this.take();
    const params: (S.TypedLambdaParameter | S.ErrorNode)[] = [];
    this.skipNewlines();
    if (this.types[this.pos] !== T.RightParen && !this.declarationAtLineStart()) {
      do params.push(this.typedParameter());
      while (this.parenthesizedNext(true));
    }
    this.parenthesizedClose();
    const returnType = this.typeExpression();
    const arrow = this.expectChar(T.Arrow, '=>', STOP_LINE);
    if (arrow) this.newlinesBeforeBody();
    const body = arrow ? this.expression(ALLOW_COMPLEX) : this.missingExpression();
    return { kind: 'typedLambda', params, returnType, arrow, body, start: open.start, end: this.prevEnd() };
  }

  private typedParameter(): S.TypedLambdaParameter | S.ErrorNode {
    if (this.types[this.pos] !== T.Identifier) {
      return STOP_EXPR[this.types[this.pos]]
        ? this.missing('BCP015', 'Expected a variable identifier at this location.')
        : this.fail('BCP015', 'Expected a variable identifier at this location.', STOP_EXPR);
    }
    const name = this.identifier();
    const type = this.typeExpression();
    return { kind: 'typedParameter', name, type, start: name.start, end: Math.max(type.end, name.end) };
  }

  private array(): S.ArrayExpression {
    const start = this.starts[this.pos++];
    const scratch = this.scratch;
    const base = scratch.length;
    if (this.listStart(T.RightSquare, true)) {
      do {
        const p0 = this.pos;
        scratch.push(this.progress(this.types[this.pos] === T.Ellipsis ? this.spread() : this.expression(ALLOW_COMPLEX), p0, STOP_ARRAY_ITEM));
      } while (this.listNext(T.RightSquare, true));
    }
    const items = scratch.slice(base) as (S.Expression | S.SpreadExpression)[];
    scratch.length = base;
    const closed = this.closed(T.RightSquare, ']');
    const end = this.prevEnd();
    return { kind: 'array', open: token(T.LeftSquare, start, start + 1), items, close: closed ? token(T.RightSquare, end - 1, end) : undefined, start, end };
  }

  private spread(): S.SpreadExpression {
    const ellipsis = this.take();
    const expression = this.expression(ALLOW_COMPLEX);
    return { kind: 'spread', ellipsis, expression, start: ellipsis.start, end: Math.max(expression.end, ellipsis.end) };
  }

  object(flags: number): S.ObjectExpression {
    const start = this.starts[this.pos++];
    const scratch = this.scratch;
    const base = scratch.length;
    const types = this.types;
    if (this.listStart(T.RightBrace, true)) {
      do {
        const p0 = this.pos;
        const t = types[this.pos];
        let item: S.ObjectExpression['properties'][number];
        if (flags & ALLOW_RESOURCES && (t === T.At || (this.keywordAt(this.pos, 'resource') && types[this.pos + 1] === T.Identifier))) {
          item = this.statement(true) as S.ResourceDeclaration | S.MissingDeclaration | S.ErrorNode;
        } else if (t === T.Ellipsis) {
          item = this.spread();
        } else {
          let key: S.StringExpression | S.ErrorNode | undefined;
          let keyText: string | undefined;
          const keyStart = this.starts[this.pos];
          let keyEnd: number;
          if (t === T.Identifier) {
            keyText = this.name(keyStart, this.ends[this.pos]);
            keyEnd = this.ends[this.pos++];
          } else {
            if (t === T.StringComplete || t === T.StringLeftPiece) {
              key = this.string();
              keyText = key.value;
            } else {
              key = STOP_KEY[t]
                ? this.missing('BCP022', 'Expected a property name at this location.')
                : this.fail('BCP022', 'Expected a property name at this location.', STOP_KEY);
            }
            keyEnd = key.end;
          }
          const colon = this.colon();
          const value = colon ? this.expression(ALLOW_COMPLEX) : this.missingExpression();
          const k: S.ObjectProperty['key'] = key ?? { kind: 'identifier', name: keyText!, start: keyStart, end: keyEnd };
          item = { kind: 'property', key: k, keyText, value, start: k.start, end: Math.max(value.end, keyEnd) };
        }
        scratch.push(this.progress(item, p0, STOP_OBJECT_ITEM));
      } while (this.listNext(T.RightBrace, true));
    }
    const properties = scratch.slice(base) as S.ObjectExpression['properties'];
    scratch.length = base;
    const closed = this.closed(T.RightBrace, '}');
    const end = this.prevEnd();
    return {
      kind: 'object',
      open: token(T.LeftBrace, start, start + 1),
      properties,
      close: closed ? token(T.RightBrace, end - 1, end) : undefined,
      start,
      end,
    };
  }

  private forExpression(flags: number, resourceContext: boolean): S.ForExpression {
    const open = this.take();
    this.skipNewlines();
    const forKeyword = this.take();
    const types = this.types;
    let item: S.Identifier;
    let index: S.Identifier | undefined;
    if (types[this.pos] === T.Identifier) {
      item = this.identifier();
    } else if (types[this.pos] === T.LeftParen) {
      const blockOpen = this.take();
      const items: S.Expression[] = [];
      if (types[this.pos] !== T.RightParen) {
        do items.push(this.expression(0));
        while (this.parenthesizedNext(false));
      }
      const blockClose = this.parenthesizedClose();
      const names: S.Identifier[] = [];
      for (const e of items) {
        if (e.kind === 'variableAccess') names.push({ kind: 'identifier', name: e.name, start: e.start, end: e.end });
        else if (e.kind !== 'error') this.report('BCP136', 'Expected a loop item variable identifier at this location.', e.start, e.end, this.pos);
      }
      if (items.length !== 2) {
        const end = blockClose ? blockClose.end : this.prevEnd();
        this.report(
          'BCP249',
          `Expected loop variable block to consist of exactly 2 elements (item variable and index variable), but found ${items.length}.`,
          blockOpen.start,
          end,
          this.pos,
        );
      }
      item = names[0] ?? this.missingIdentifier(blockOpen.end);
      index = names[1];
    } else {
      this.missing('BCP162', 'Expected a loop item variable identifier or "(" at this location.');
      item = this.missingIdentifier(this.starts[this.pos]);
    }
    const inKeyword = this.expectKeyword('in', STOP_FOR);
    const iterable = inKeyword ? this.expression(ALLOW_COMPLEX) : this.missingExpression();
    const colon = this.expectChar(T.Colon, ':', STOP_FOR);
    let body: S.Expression;
    if (!colon) body = this.missingExpression();
    else if (!resourceContext) body = this.expression(flags | ALLOW_COMPLEX);
    else if (types[this.pos] === T.LeftBrace) body = this.object(flags);
    else if (this.keywordAt(this.pos, 'if')) body = this.ifCondition(flags, true);
    else body = this.fail('BCP167', 'Expected the "{" character or the "if" keyword at this location.', STOP_FOR);
    this.skipNewlines();
    const close = this.expectChar(T.RightSquare, ']', STOP_LINE);
    return { kind: 'for', open, forKeyword, item, index, inKeyword, iterable, colon, body, close, start: open.start, end: close ? close.end : this.prevEnd() };
  }

  private ifCondition(flags: number, insideFor: boolean): S.IfCondition {
    const keyword = this.take();
    let condition: S.Expression;
    if (this.types[this.pos] === T.LeftParen) {
      const open = this.take();
      const items: S.Expression[] = [];
      this.skipNewlines();
      if (this.types[this.pos] !== T.RightParen && !this.declarationAtLineStart()) {
        do items.push(this.expression(flags & ~ALLOW_RESOURCES));
        while (this.parenthesizedNext(true));
      }
      this.parenthesizedClose();
      condition = this.singleItem(open, items);
    } else {
      condition = this.fail('BCP018', 'Expected the "(" character at this location.', insideFor ? STOP_IF_CONDITION_FOR : STOP_IF_CONDITION);
    }
    const body =
      this.types[this.pos] === T.LeftBrace
        ? this.object(flags)
        : this.fail('BCP018', 'Expected the "{" character at this location.', insideFor ? STOP_FOR : STOP_LINE);
    return { kind: 'if', keyword, condition, body, start: keyword.start, end: Math.max(body.end, keyword.end) };
  }

  /** A string literal, possibly interpolated, possibly multi-line. The current token starts it. */
  private string(): S.StringExpression {
    const types = this.types;
    const p0 = this.pos;
    const multiline = (this.flags[p0] & STRING_MULTILINE) !== 0;
    let dollars = 0;
    if (multiline) while (this.text.charCodeAt(this.starts[p0] + dollars) === 36) dollars++;
    let unterminated = (this.flags[p0] & STRING_UNTERMINATED) !== 0;
    this.pos++;
    if (types[p0] === T.StringComplete) {
      this.segmentRange(p0, multiline, dollars);
      const a = this.segmentStart;
      const b = this.segmentEnd;
      const escaped = !multiline && (this.flags[p0] & STRING_HAS_ESCAPES) !== 0;
      const value = escaped ? decodeEscapes(this.text, a, b) : this.text.slice(a, b);
      const node: S.StringExpression = {
        kind: 'string',
        multiline,
        segments: [new Segment(value, a, b, escaped ? this.text : undefined)],
        expressions: NO_EXPRESSIONS,
        value,
        start: this.starts[p0],
        end: this.ends[p0],
      };
      if (unterminated) node.unterminated = true;
      return node;
    }
    const segments: S.StringSegment[] = [this.segment(p0, multiline, dollars)];
    const expressions: S.Expression[] = [];
    for (;;) {
      let e = this.expression(0);
      let t = types[this.pos];
      if (t !== T.StringMiddlePiece && t !== T.StringRightPiece && t !== T.NewLine && t !== T.EndOfFile) {
        e = this.fail('BCP064', 'Found unexpected tokens in interpolated expression.', STOP_HOLE, [e]);
        t = types[this.pos];
      }
      expressions.push(e);
      if (t !== T.StringMiddlePiece && t !== T.StringRightPiece) {
        const at = this.starts[this.pos];
        this.report(
          'BCP003',
          'The string at this location is not terminated. Terminate the string with a single quote character.',
          this.starts[p0],
          at,
          this.pos,
        );
        segments.push(new Segment('', at, at, undefined));
        unterminated = true;
        break;
      }
      const p = this.pos++;
      segments.push(this.segment(p, multiline, dollars));
      if (this.flags[p] & STRING_UNTERMINATED) unterminated = true;
      if (t === T.StringRightPiece) break;
    }
    const node: S.StringExpression = { kind: 'string', multiline, segments, expressions, start: this.starts[p0], end: this.prevEnd() };
    if (unterminated) node.unterminated = true;
    return node;
  }

  /** Sets segmentStart/segmentEnd to the raw characters of string token `p` between its delimiters. */
  private segmentRange(p: number, multiline: boolean, dollars: number): void {
    const t = this.types[p];
    const s = this.starts[p];
    const e = this.ends[p];
    const f = this.flags[p];
    const closing = t === T.StringComplete || t === T.StringRightPiece;
    const opening = t === T.StringComplete || t === T.StringLeftPiece;
    let a: number;
    let b: number;
    if (e === s) {
      a = b = s;
    } else if (!multiline) {
      a = s + 1;
      b = closing ? (f & STRING_UNTERMINATED ? e : e - 1) : e - 2;
    } else {
      a = opening ? s + dollars + 3 : s + 1;
      b = closing ? (f & STRING_UNTERMINATED ? e : e - 3) : e - dollars - 1;
      if (opening && a < b) {
        // As the official compiler does, drop the newline right after the opening quotes.
        if (this.text.charCodeAt(a) === 13) a++;
        if (a < b && this.text.charCodeAt(a) === 10) a++;
      }
    }
    this.segmentStart = a;
    this.segmentEnd = b < a ? a : b;
  }

  private segment(p: number, multiline: boolean, dollars: number): Segment {
    this.segmentRange(p, multiline, dollars);
    const a = this.segmentStart;
    const b = this.segmentEnd;
    const escaped = !multiline && (this.flags[p] & STRING_HAS_ESCAPES) !== 0;
    const text = escaped ? decodeEscapes(this.text, a, b) : this.text.slice(a, b);
    return new Segment(text, a, b, escaped ? this.text : undefined);
  }

  // ------------------------------------------------------------ types

  /** A type, with unions (`'a' | 'b'`, an optional leading `|`, members on following lines). */
  typeExpression(): S.TypeExpression {
    if (this.depth >= MAX_DEPTH) return this.tooDeep();
    this.depth++;
    let result: S.TypeExpression;
    if (this.unionSeparator()) result = this.union(undefined);
    else {
      result = this.typeOperand();
      if (this.unionSeparator()) result = this.union(result);
    }
    this.depth--;
    return result;
  }

  /** The rest of a union after its first member (undefined when the union starts with `|`). */
  private union(first: S.TypeExpression | undefined): S.UnionType {
    const members: S.TypeExpression[] = [];
    let start: number;
    if (first) {
      members.push(first);
      start = first.start;
    } else {
      this.skipNewlines();
      start = this.starts[this.pos];
    }
    while (this.unionSeparator()) {
      this.skipNewlines();
      this.pos++;
      members.push(
        this.types[this.pos] === T.NewLine
          ? this.missing('BCP300', 'Expected a type literal at this location. Please specify a concrete value or a reference to a literal type.')
          : this.typeOperand(),
      );
    }
    return { kind: 'unionType', members, start, end: this.prevEnd() };
  }

  /** `|`, possibly on the next line. */
  private unionSeparator(): boolean {
    const t = this.types[this.pos];
    return t === T.Pipe || (t === T.NewLine && this.types[this.pos + 1] === T.Pipe);
  }

  /** An optional `!`/`-`, a primary type, its postfix (`[]`, `[*]`, `[0]`, `.p`, `.*`, `<...>`) and then `?`/`!`. */
  private typeOperand(): S.TypeExpression {
    const types = this.types;
    let prefix: S.Token | undefined;
    if (types[this.pos] === T.Exclamation || types[this.pos] === T.Minus) prefix = this.take();
    const p = this.pos;
    let current: S.TypeExpression;
    switch (types[p]) {
      case T.Identifier: {
        const name = this.identifier();
        current =
          types[this.pos] === T.LeftChevron
            ? this.parameterizedType(undefined, name)
            : { kind: 'typeReference', name: name.name, start: name.start, end: name.end };
        break;
      }
      case T.StringComplete:
      case T.StringLeftPiece:
      case T.Integer:
      case T.TrueKeyword:
      case T.FalseKeyword:
      case T.NullKeyword:
        current = this.literal();
        break;
      case T.LeftBrace:
        current = this.objectType();
        break;
      case T.LeftSquare:
        current = this.tupleType();
        break;
      case T.LeftParen: {
        const open = this.take();
        const items: S.TypeExpression[] = [];
        if (types[this.pos] !== T.RightParen) {
          do items.push(this.typeExpression());
          while (this.parenthesizedNext(false));
        }
        const close = this.parenthesizedClose();
        current = { kind: 'parenthesizedType', type: this.singleItem(open, items), start: open.start, end: close ? close.end : this.prevEnd() };
        break;
      }
      default: {
        const message =
          'Expected a type at this location. Please specify a valid type expression or one of the following types: "array", "bool", "int", "object", "string".';
        current = STOP_TYPE[types[p]] ? this.missing('BCP279', message) : this.fail('BCP279', message, STOP_TYPE);
      }
    }
    if (TYPE_POSTFIX[types[this.pos]]) current = this.typePostfix(current);
    if (prefix)
      current = {
        kind: 'unaryType',
        operator: prefix.type === T.Minus ? '-' : '!',
        operand: current,
        start: prefix.start,
        end: Math.max(current.end, prefix.end),
      };
    for (;;) {
      const t = types[this.pos];
      if (t === T.Question) {
        const q = this.take();
        current = { kind: 'nullableType', base: current, start: current.start, end: q.end };
      } else if (t === T.Exclamation) {
        const b = this.take();
        current = { kind: 'nonNullableType', base: current, start: current.start, end: b.end };
      } else {
        return current;
      }
    }
  }

  /** `[]`, `[*]`, `[0]`, `.p`, `.*` and `.name<...>` after a primary type. */
  private typePostfix(current: S.TypeExpression): S.TypeExpression {
    const types = this.types;
    for (;;) {
      const t = types[this.pos];
      if (t === T.LeftSquare) {
        this.pos++;
        if (types[this.pos] === T.RightSquare) {
          const close = this.take();
          current = { kind: 'arrayType', item: current, start: current.start, end: close.end };
        } else if (types[this.pos] === T.Asterisk) {
          this.pos++;
          const close = this.expectChar(T.RightSquare, ']', STOP_TYPE);
          current = { kind: 'typeItemsAccess', base: current, start: current.start, end: close ? close.end : this.prevEnd() };
          if (!close) return current;
        } else {
          const index = this.expression(0);
          const close = this.expectChar(T.RightSquare, ']', STOP_TYPE);
          current = { kind: 'typeIndexAccess', base: current, index, start: current.start, end: close ? close.end : this.prevEnd() };
          if (!close) return current;
        }
      } else if (t === T.Dot) {
        const dot = this.take();
        if (types[this.pos] === T.Asterisk) {
          const star = this.take();
          current = { kind: 'typeAdditionalPropertiesAccess', base: current, start: current.start, end: star.end };
          continue;
        }
        const property = types[this.pos] === T.Identifier ? this.identifier() : this.missingProperty();
        if (types[this.pos] === T.LeftChevron) current = this.parameterizedType(current, property);
        else current = { kind: 'typeMemberAccess', base: current, property, start: current.start, end: property.missing ? dot.end : property.end };
      } else {
        return current;
      }
    }
  }

  /** `name<args>`; the current token is `<`. */
  private parameterizedType(base: S.TypeExpression | undefined, name: S.Identifier): S.ParameterizedType {
    this.pos++;
    const args: S.TypeExpression[] = [];
    if (this.argumentsStart(T.RightChevron)) {
      do {
        const p0 = this.pos;
        args.push(this.progress(this.typeExpression(), p0, STOP_TYPE_ARG));
      } while (this.argumentsNext(T.RightChevron));
    }
    const close = this.close(T.RightChevron, '>');
    return { kind: 'parameterizedType', base, name, args, start: base ? base.start : name.start, end: close ? close.end : this.prevEnd() };
  }

  private objectType(): S.ObjectType {
    const open = this.take();
    const properties: S.ObjectType['properties'] = [];
    const types = this.types;
    if (this.listStart(T.RightBrace, true)) {
      do {
        const p0 = this.pos;
        const decorators = this.decorators();
        const t = types[this.pos];
        const start = decorators.length ? decorators[0].start : this.starts[this.pos];
        let item: S.ObjectTypeProperty | S.ObjectTypeAdditionalProperties;
        if (t === T.Asterisk) {
          const star = this.take();
          const colon = this.colon();
          const value = colon ? this.typeExpression() : this.missing('BCP279', 'Expected a type at this location.');
          item = { kind: 'objectTypeAdditionalProperties', decorators, star, value, start, end: Math.max(value.end, star.end) };
        } else {
          let key: S.ObjectTypeProperty['key'];
          let keyText: string | undefined;
          if (t === T.Identifier) {
            key = this.identifier();
            keyText = key.name;
          } else if (t === T.StringComplete || t === T.StringLeftPiece) {
            key = this.string();
            keyText = key.value;
          } else {
            const message = 'Expected an identifier, a string, or an asterisk at this location.';
            key = STOP_KEY[t] ? this.missing('BCP317', message) : this.fail('BCP317', message, STOP_KEY);
          }
          const colon = this.colon();
          const value = colon ? this.typeExpression() : this.missing('BCP279', 'Expected a type at this location.');
          item = { kind: 'objectTypeProperty', decorators, key, keyText, value, start, end: Math.max(value.end, key.end) };
        }
        properties.push(this.progress(item, p0, STOP_OBJECT_ITEM));
      } while (this.listNext(T.RightBrace, true));
    }
    const close = this.close(T.RightBrace, '}');
    return { kind: 'objectType', properties, start: open.start, end: close ? close.end : this.prevEnd() };
  }

  private tupleType(): S.TupleType {
    const open = this.take();
    const items: S.TupleType['items'] = [];
    if (this.listStart(T.RightSquare, true)) {
      do {
        const p0 = this.pos;
        const decorators = this.decorators();
        const value = this.typeExpression();
        const item: S.TupleTypeItem = {
          kind: 'tupleTypeItem',
          decorators,
          value,
          start: decorators.length ? decorators[0].start : value.start,
          end: value.end,
        };
        items.push(this.progress(item, p0, STOP_ARRAY_ITEM));
      } while (this.listNext(T.RightSquare, true));
    }
    const close = this.close(T.RightSquare, ']');
    return { kind: 'tupleType', items, start: open.start, end: close ? close.end : this.prevEnd() };
  }
}

function mergeErrors(a: S.ParseError[], b: S.ParseError[]): S.ParseError[] {
  return [...a, ...b].sort((x, y) => x.start - y.start);
}
