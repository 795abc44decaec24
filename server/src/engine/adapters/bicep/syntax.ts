/**
 * The concrete syntax tree of a Bicep or Bicep parameters file.
 *
 * Every node and token has `start`/`end`: UTF-16 offsets into the parsed string, end exclusive.
 * Whitespace, comments and directives are trivia: they live between tokens (see `Program.tokens`,
 * `Program.comments`, `Program.directives`), so the source is the concatenation of trivia and tokens.
 * Missing pieces are zero-length nodes (`Identifier.missing`) or `ErrorNode`s; every error is also in `Program.errors`.
 */

export enum TokenType {
  EndOfFile,
  NewLine,
  Identifier,
  Integer,
  StringComplete,
  StringLeftPiece,
  StringMiddlePiece,
  StringRightPiece,
  TrueKeyword,
  FalseKeyword,
  NullKeyword,
  LeftBrace,
  RightBrace,
  LeftParen,
  RightParen,
  LeftSquare,
  RightSquare,
  Comma,
  Dot,
  Question,
  Colon,
  Semicolon,
  Assignment,
  Plus,
  Minus,
  Asterisk,
  Slash,
  Modulo,
  Exclamation,
  LeftChevron,
  RightChevron,
  LessThanOrEqual,
  GreaterThanOrEqual,
  Equals,
  NotEquals,
  EqualsInsensitive,
  NotEqualsInsensitive,
  LogicalAnd,
  LogicalOr,
  DoubleQuestion,
  DoubleColon,
  Arrow,
  Pipe,
  Ellipsis,
  Hat,
  At,
  Unrecognized,
}

export interface Range {
  start: number;
  end: number;
}

export interface Token extends Range {
  kind: 'token';
  type: TokenType;
}

export interface ParseError extends Range {
  message: string;
  /** The code the official Bicep compiler uses for the same syntax error, e.g. BCP018. */
  code: string;
}

export interface Comment extends Range {
  text: string;
  multiline: boolean;
}

/** `#disable-next-line code1 code2`, `#disable-diagnostics ...`, `#restore-diagnostics ...` */
export interface Directive extends Range {
  kind: 'directive';
  directive: 'disable-next-line' | 'disable-diagnostics' | 'restore-diagnostics';
  codes: { text: string; start: number; end: number }[];
}

/** The lexer's tokens as parallel arrays (newlines included), for token-level lookups. */
export interface TokenStream {
  count: number;
  types: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
}

export interface Program extends Range {
  kind: 'program';
  /** True for a `.bicepparam` file. */
  params: boolean;
  text: string;
  statements: Statement[];
  errors: ParseError[];
  comments: Comment[];
  directives: Directive[];
  tokens: TokenStream;
  eof: Token;
  /**
   * Set when an edit moved this tree's nodes in place (patchBicep): the documents read from it before must not read it
   * again (their text is the old one). Their values not read yet then read as unknown.
   */
  stale?: boolean;
}

/** A name. `missing` when the source lacks it: then `name` is '' and the range is empty. */
export interface Identifier extends Range {
  kind: 'identifier';
  name: string;
  missing?: true;
}

/** Text the parser could not make sense of, or a piece that is missing (empty range). */
export interface ErrorNode extends Range {
  kind: 'error';
  message: string;
  /** Whatever was parsed before giving up (may be empty). */
  children: Node[];
}

// ---------------------------------------------------------------- statements

export interface Decorator extends Range {
  kind: 'decorator';
  at: Token;
  /** A call (`description('x')`, `sys.description('x')`), a bare name (`secure`), or an error. */
  expression: Expression;
}

interface DeclarationBase extends Range {
  decorators: Decorator[];
  keyword: Token;
}

export interface TargetScopeDeclaration extends DeclarationBase {
  kind: 'targetScope';
  assign?: Token;
  value: Expression;
}

export interface MetadataDeclaration extends DeclarationBase {
  kind: 'metadata';
  name: Identifier;
  assign?: Token;
  value: Expression;
}

/** `param name type (= default)?` in a .bicep file. */
export interface ParamDeclaration extends DeclarationBase {
  kind: 'param';
  name: Identifier;
  type: TypeExpression;
  assign?: Token;
  value?: Expression;
}

/** `param name = value` in a .bicepparam file. */
export interface ParamAssignment extends DeclarationBase {
  kind: 'paramAssignment';
  name: Identifier;
  assign?: Token;
  value: Expression;
}

export interface VarDeclaration extends DeclarationBase {
  kind: 'var';
  name: Identifier;
  type?: TypeExpression;
  assign?: Token;
  value: Expression;
}

export interface TypeDeclaration extends DeclarationBase {
  kind: 'type';
  name: Identifier;
  assign?: Token;
  value: TypeExpression;
}

export interface FuncDeclaration extends DeclarationBase {
  kind: 'func';
  name: Identifier;
  lambda: TypedLambdaExpression | ErrorNode;
}

export interface OutputDeclaration extends DeclarationBase {
  kind: 'output';
  name: Identifier;
  /** A type, or `resource 'T@v'` (ResourceTypeExpression). */
  type: TypeExpression;
  assign?: Token;
  value: Expression;
}

export interface ResourceDeclaration extends DeclarationBase {
  kind: 'resource';
  name: Identifier;
  /** The `'Microsoft.X/y@2024-01-01'` string. */
  type: StringExpression | ErrorNode;
  existing?: Token;
  assign?: Token;
  /** An object, an IfCondition, a ForExpression, or an error. */
  value: Expression;
}

export interface ModuleDeclaration extends DeclarationBase {
  kind: 'module';
  name: Identifier;
  path: StringExpression | ErrorNode;
  assign?: Token;
  /** An object, an IfCondition, a ForExpression, or an error. */
  value: Expression;
}

export interface TestDeclaration extends DeclarationBase {
  kind: 'test';
  name: Identifier;
  path: StringExpression | ErrorNode;
  assign?: Token;
  value: Expression;
}

export interface AssertDeclaration extends DeclarationBase {
  kind: 'assert';
  name: Identifier;
  assign?: Token;
  value: Expression;
}

export interface ImportedSymbol extends Range {
  kind: 'importedSymbol';
  /** The exported name: an identifier, or a string for names that are not identifiers. */
  name: Identifier | StringExpression | ErrorNode;
  asKeyword?: Token;
  alias?: Identifier;
}

export interface ImportedSymbolsList extends Range {
  kind: 'importedSymbols';
  open: Token;
  symbols: (ImportedSymbol | ErrorNode)[];
  close?: Token;
}

export interface WildcardImport extends Range {
  kind: 'wildcardImport';
  star: Token;
  asKeyword?: Token;
  alias: Identifier;
}

/** `import {a, b as c} from '...'` and `import * as x from '...'` (compile-time imports). */
export interface ImportDeclaration extends DeclarationBase {
  kind: 'import';
  target: ImportedSymbolsList | WildcardImport | ErrorNode;
  fromKeyword?: Token;
  path: StringExpression | ErrorNode;
}

/** `extension 'x' with {...} as alias`; also the legacy `provider 'x'` and `import 'az@1.0.0'` (see `keyword`). */
export interface ExtensionDeclaration extends DeclarationBase {
  kind: 'extension';
  specification: StringExpression | Identifier | ErrorNode;
  withKeyword?: Token;
  config?: ObjectExpression | ErrorNode;
  asKeyword?: Token;
  alias?: Identifier;
}

/** `using './main.bicep'` or `using none` (then `path` is undefined and `none` is set), optionally `with {...}`. */
export interface UsingDeclaration extends DeclarationBase {
  kind: 'using';
  path?: StringExpression | ErrorNode;
  none?: Token;
  withKeyword?: Token;
  config?: ObjectExpression | ErrorNode;
}

export interface ExtendsDeclaration extends DeclarationBase {
  kind: 'extends';
  path: StringExpression | ErrorNode;
}

/** `extensionConfig alias with {...}` in a .bicepparam file. */
export interface ExtensionConfigAssignment extends DeclarationBase {
  kind: 'extensionConfig';
  alias: Identifier;
  withKeyword?: Token;
  config: ObjectExpression | ErrorNode;
}

/** Decorators followed by no declaration. */
export interface MissingDeclaration extends Range {
  kind: 'missingDeclaration';
  decorators: Decorator[];
}

export type Declaration =
  | TargetScopeDeclaration
  | MetadataDeclaration
  | ParamDeclaration
  | ParamAssignment
  | VarDeclaration
  | TypeDeclaration
  | FuncDeclaration
  | OutputDeclaration
  | ResourceDeclaration
  | ModuleDeclaration
  | TestDeclaration
  | AssertDeclaration
  | ImportDeclaration
  | ExtensionDeclaration
  | UsingDeclaration
  | ExtendsDeclaration
  | ExtensionConfigAssignment;

export type Statement = Declaration | MissingDeclaration | ErrorNode;

// ---------------------------------------------------------------- expressions

export interface StringSegment extends Range {
  /** The decoded text (escapes resolved; for a multi-line string, without the newline after the opening quotes). */
  text: string;
  /** Source offset of each decoded character, plus one for the end: `offsets.length === text.length + 1`. Made when first read. */
  readonly offsets: number[];
  /** No escapes: the text is the source between `start` and `end`, and `offsets[i] === start + i`. */
  readonly verbatim: boolean;
}

/**
 * A string: `'a${b}c'` or a multi-line `'''...'''` (`$'''...${x}...'''` interpolates).
 * `segments.length === expressions.length + 1`; segment i comes before expression i.
 * Segment ranges cover the raw characters between the delimiters (`'`, `${`, `}`).
 */
export interface StringExpression extends Range {
  kind: 'string';
  multiline: boolean;
  segments: StringSegment[];
  expressions: Expression[];
  /** The decoded value when there is no interpolation. */
  value?: string;
  /** The closing quote is missing (the lexer reported it). */
  unterminated?: true;
}

export interface IntegerLiteral extends Range {
  kind: 'integer';
  text: string;
  /** May lose precision beyond 2^53; `text` is exact. */
  value: number;
}

export interface BooleanLiteral extends Range {
  kind: 'boolean';
  value: boolean;
}

export interface NullLiteral extends Range {
  kind: 'null';
}

/** A reference to a parameter, variable, resource, module, loop variable, lambda parameter or namespace. */
export interface VariableAccess extends Range {
  kind: 'variableAccess';
  name: string;
}

/** `f(x)`, `az.resourceGroup()`, `sys.concat(a, b)`, `res.getSecret('x')`. */
export interface CallExpression extends Range {
  kind: 'call';
  /** For `base.name(...)`: the expression before the dot. */
  base?: Expression;
  /** When `base` is a bare name (`az`, `sys`, an imported namespace or a resource): that name. */
  namespace?: Identifier;
  name: Identifier;
  openParen: Token;
  args: Expression[];
  closeParen?: Token;
}

/** `a.b` and `a.?b` */
export interface MemberAccess extends Range {
  kind: 'memberAccess';
  base: Expression;
  dot: Token;
  safe: boolean;
  property: Identifier;
}

/** `a[i]`, `a[?i]`, `a[^i]` */
export interface IndexAccess extends Range {
  kind: 'indexAccess';
  base: Expression;
  openBracket: Token;
  safe: boolean;
  fromEnd: boolean;
  index: Expression;
  closeBracket?: Token;
}

/** `parent::child` */
export interface ResourceAccess extends Range {
  kind: 'resourceAccess';
  base: Expression;
  property: Identifier;
}

/** `a!` */
export interface NonNullAssertion extends Range {
  kind: 'nonNull';
  base: Expression;
}

export interface UnaryExpression extends Range {
  kind: 'unary';
  operator: '!' | '-';
  operatorToken: Token;
  operand: Expression;
}

export type BinaryOperator = '??' | '||' | '&&' | '==' | '!=' | '=~' | '!~' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export interface BinaryExpression extends Range {
  kind: 'binary';
  operator: BinaryOperator;
  operatorToken: Token;
  left: Expression;
  right: Expression;
}

export interface TernaryExpression extends Range {
  kind: 'ternary';
  condition: Expression;
  question: Token;
  whenTrue: Expression;
  colon?: Token;
  whenFalse: Expression;
}

/** `x => body`, `(a, b) => body` */
export interface LambdaExpression extends Range {
  kind: 'lambda';
  params: Identifier[];
  arrow: Token;
  body: Expression;
}

export interface TypedLambdaParameter extends Range {
  kind: 'typedParameter';
  name: Identifier;
  type: TypeExpression;
}

/** `(a string, b int) string => body`, the value of a `func` declaration. */
export interface TypedLambdaExpression extends Range {
  kind: 'typedLambda';
  params: (TypedLambdaParameter | ErrorNode)[];
  returnType: TypeExpression;
  arrow?: Token;
  body: Expression;
}

export interface ParenthesizedExpression extends Range {
  kind: 'parenthesized';
  expression: Expression;
}

export interface SpreadExpression extends Range {
  kind: 'spread';
  ellipsis: Token;
  expression: Expression;
}

export interface ArrayExpression extends Range {
  kind: 'array';
  open: Token;
  items: (Expression | SpreadExpression)[];
  close?: Token;
}

/** `key: value`. (The colon is not kept as a node: find it with tokenAt after `key.end` if needed.) */
export interface ObjectProperty extends Range {
  kind: 'property';
  key: Identifier | StringExpression | ErrorNode;
  /** The decoded key; undefined for an interpolated or missing key. */
  keyText: string | undefined;
  value: Expression;
}

export interface ObjectExpression extends Range {
  kind: 'object';
  open: Token;
  /** In source order; a resource body may hold nested child `resource` declarations. */
  properties: (ObjectProperty | SpreadExpression | ResourceDeclaration | MissingDeclaration | ErrorNode)[];
  close?: Token;
}

/** `[for item in iterable: body]`, `[for (item, index) in iterable: body]`. */
export interface ForExpression extends Range {
  kind: 'for';
  open: Token;
  forKeyword: Token;
  item: Identifier;
  index?: Identifier;
  inKeyword?: Token;
  iterable: Expression;
  colon?: Token;
  /** An expression; for resources and modules an object or an IfCondition (a filter). */
  body: Expression;
  close?: Token;
}

/** `if (condition) { ... }` of a resource, module or loop body. */
export interface IfCondition extends Range {
  kind: 'if';
  keyword: Token;
  /** The expression inside the parentheses. */
  condition: Expression;
  body: Expression;
}

export type Expression =
  | StringExpression
  | IntegerLiteral
  | BooleanLiteral
  | NullLiteral
  | VariableAccess
  | CallExpression
  | MemberAccess
  | IndexAccess
  | ResourceAccess
  | NonNullAssertion
  | UnaryExpression
  | BinaryExpression
  | TernaryExpression
  | LambdaExpression
  | ParenthesizedExpression
  | ArrayExpression
  | ObjectExpression
  | ForExpression
  | IfCondition
  | ErrorNode;

// ---------------------------------------------------------------- types

/** `string`, `int`, `myType`, `sys.string` is a TypeMemberAccess over `sys`. */
export interface TypeReference extends Range {
  kind: 'typeReference';
  name: string;
}

/** `resourceInput<'T@v'>`, `resourceOutput<'T@v'>.properties`, `resource<'T@v'>`; `base` for `sys.resourceInput<...>`. */
export interface ParameterizedType extends Range {
  kind: 'parameterizedType';
  base?: TypeExpression;
  name: Identifier;
  args: TypeExpression[];
}

/** `T.property` */
export interface TypeMemberAccess extends Range {
  kind: 'typeMemberAccess';
  base: TypeExpression;
  property: Identifier;
}

/** `T[0]` */
export interface TypeIndexAccess extends Range {
  kind: 'typeIndexAccess';
  base: TypeExpression;
  index: Expression;
}

/** `T[*]` (the item type of an array type) */
export interface TypeItemsAccess extends Range {
  kind: 'typeItemsAccess';
  base: TypeExpression;
}

/** `T.*` (the type of additional properties) */
export interface TypeAdditionalPropertiesAccess extends Range {
  kind: 'typeAdditionalPropertiesAccess';
  base: TypeExpression;
}

/** `T[]` */
export interface ArrayType extends Range {
  kind: 'arrayType';
  item: TypeExpression;
}

/** `T?` */
export interface NullableType extends Range {
  kind: 'nullableType';
  base: TypeExpression;
}

/** `T!` */
export interface NonNullableType extends Range {
  kind: 'nonNullableType';
  base: TypeExpression;
}

/** `'a' | 'b'` (a leading `|` is allowed) */
export interface UnionType extends Range {
  kind: 'unionType';
  members: TypeExpression[];
}

export interface ObjectTypeProperty extends Range {
  kind: 'objectTypeProperty';
  decorators: Decorator[];
  key: Identifier | StringExpression | ErrorNode;
  keyText: string | undefined;
  value: TypeExpression;
}

/** `*: T` */
export interface ObjectTypeAdditionalProperties extends Range {
  kind: 'objectTypeAdditionalProperties';
  decorators: Decorator[];
  star: Token;
  value: TypeExpression;
}

export interface ObjectType extends Range {
  kind: 'objectType';
  properties: (ObjectTypeProperty | ObjectTypeAdditionalProperties | ErrorNode)[];
}

export interface TupleTypeItem extends Range {
  kind: 'tupleTypeItem';
  decorators: Decorator[];
  value: TypeExpression;
}

export interface TupleType extends Range {
  kind: 'tupleType';
  items: (TupleTypeItem | ErrorNode)[];
}

export interface ParenthesizedType extends Range {
  kind: 'parenthesizedType';
  type: TypeExpression;
}

/** `-1` or `!true` as a literal type. */
export interface UnaryType extends Range {
  kind: 'unaryType';
  operator: '!' | '-';
  operand: TypeExpression;
}

/** `resource 'T@v'` as the type of a param or output (an output may omit the string). */
export interface ResourceTypeExpression extends Range {
  kind: 'resourceType';
  keyword: Token;
  type?: StringExpression | ErrorNode;
}

export type TypeExpression =
  | TypeReference
  | ParameterizedType
  | TypeMemberAccess
  | TypeIndexAccess
  | TypeItemsAccess
  | TypeAdditionalPropertiesAccess
  | ArrayType
  | NullableType
  | NonNullableType
  | UnionType
  | ObjectType
  | TupleType
  | ParenthesizedType
  | UnaryType
  | ResourceTypeExpression
  | StringExpression
  | IntegerLiteral
  | BooleanLiteral
  | NullLiteral
  | ErrorNode;

export type Node =
  | Program
  | Token
  | Identifier
  | Decorator
  | Statement
  | ImportedSymbol
  | ImportedSymbolsList
  | WildcardImport
  | Expression
  | ObjectProperty
  | SpreadExpression
  | TypedLambdaExpression
  | TypedLambdaParameter
  | TypeExpression
  | ObjectTypeProperty
  | ObjectTypeAdditionalProperties
  | TupleTypeItem;
