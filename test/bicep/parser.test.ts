import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lex } from '../../server/src/engine/adapters/bicep/lexer';
import { parseBicep } from '../../server/src/engine/adapters/bicep/parser';
import * as S from '../../server/src/engine/adapters/bicep/syntax';
import { children, nodeAt, tokenAt, walk } from '../../server/src/engine/adapters/bicep/visit';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'bicep-parser');

function fixture(name: string): { text: string; program: S.Program } {
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  return { text, program: parseBicep(text, { params: name.endsWith('.bicepparam') }) };
}

function all(program: S.Program): S.Node[] {
  const out: S.Node[] = [];
  walk(program, (n) => {
    out.push(n);
  });
  return out;
}

function statement<K extends S.Statement['kind']>(program: S.Program, kind: K, name?: string): Extract<S.Statement, { kind: K }> {
  const found = program.statements.find((s) => s.kind === kind && (name === undefined || ('name' in s && s.name.name === name)));
  assert.ok(found, `no ${kind} ${name ?? ''}`);
  return found as Extract<S.Statement, { kind: K }>;
}

/** The value of `var name = ...` in a program. */
function varValue(program: S.Program, name: string): S.Expression {
  return statement(program, 'var', name).value;
}

function parseExpression(source: string): S.Expression {
  const program = parseBicep(`var x = ${source}\n`);
  assert.deepEqual(program.errors, [], source);
  return varValue(program, 'x');
}

const slice = (text: string, r: S.Range) => text.slice(r.start, r.end);

/** A compact rendering of an expression tree, to check shapes and precedence. */
function show(e: S.Expression | S.SpreadExpression): string {
  switch (e.kind) {
    case 'binary':
      return `(${show(e.left)} ${e.operator} ${show(e.right)})`;
    case 'unary':
      return `(${e.operator}${show(e.operand)})`;
    case 'ternary':
      return `(${show(e.condition)} ? ${show(e.whenTrue)} : ${show(e.whenFalse)})`;
    case 'variableAccess':
      return e.name;
    case 'integer':
      return e.text;
    case 'boolean':
      return String(e.value);
    case 'null':
      return 'null';
    case 'string':
      return `'${e.segments.map((s) => s.text).join('${…}')}'`;
    case 'memberAccess':
      return `${show(e.base)}${e.safe ? '.?' : '.'}${e.property.name}`;
    case 'indexAccess':
      return `${show(e.base)}[${e.safe ? '?' : ''}${e.fromEnd ? '^' : ''}${show(e.index)}]`;
    case 'call':
      return `${e.base ? show(e.base) + '.' : ''}${e.name.name}(${e.args.map(show).join(', ')})`;
    case 'nonNull':
      return `${show(e.base)}!`;
    case 'parenthesized':
      return `(${show(e.expression)})`;
    case 'lambda':
      return `(${e.params.map((p) => p.name).join(', ')}) => ${show(e.body)}`;
    case 'array':
      return `[${e.items.map(show).join(', ')}]`;
    case 'spread':
      return `...${show(e.expression)}`;
    case 'object':
      return `{${e.properties.map((p) => (p.kind === 'property' ? `${p.keyText}: ${show(p.value)}` : p.kind === 'spread' ? show(p) : p.kind)).join(', ')}}`;
    case 'resourceAccess':
      return `${show(e.base)}::${e.property.name}`;
    default:
      return e.kind;
  }
}

describe('Bicep parser', () => {
  describe('fixtures', () => {
    const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.bicep') || f.endsWith('.bicepparam'));

    for (const file of files) {
      it(`parses ${file} with zero errors`, () => {
        const { program } = fixture(file);
        assert.deepEqual(program.errors, []);
        assert.ok(program.statements.length > 0);
      });

      it(`gives ${file} nested, ordered ranges and a lossless token stream`, () => {
        const { text, program } = fixture(file);
        walk(program, (node, parent) => {
          assert.ok(node.start <= node.end, `${node.kind} has start > end`);
          if (parent)
            assert.ok(
              parent.start <= node.start && node.end <= parent.end,
              `${node.kind} [${node.start},${node.end}) escapes ${parent.kind} [${parent.start},${parent.end})`,
            );
          const kids = children(node);
          for (let i = 1; i < kids.length; i++)
            assert.ok(kids[i - 1].end <= kids[i].start, `children of ${node.kind} overlap: ${kids[i - 1].kind}, ${kids[i].kind}`);
        });
        // Between tokens there is only trivia: whitespace, comments and directives.
        const trivia = [...program.comments, ...program.directives].sort((a, b) => a.start - b.start);
        const { count, starts, ends } = program.tokens;
        let previous = 0;
        let t = 0;
        for (let i = 0; i < count; i++) {
          let gap = '';
          let at = previous;
          while (t < trivia.length && trivia[t].start < starts[i]) {
            gap += text.slice(at, trivia[t].start);
            at = trivia[t].end;
            t++;
          }
          gap += text.slice(at, starts[i]);
          assert.match(gap, /^[ \t\uFEFF]*$/, `unexpected text before token ${i} at ${starts[i]}: ${JSON.stringify(gap)}`);
          previous = ends[i];
        }
        assert.equal(previous, text.length);
      });
    }

    it('covers every statement, expression and type kind', () => {
      const kinds = new Set<string>();
      for (const file of files) for (const n of all(fixture(file).program)) kinds.add(n.kind);
      const expected = [
        // statements
        'targetScope',
        'metadata',
        'import',
        'extension',
        'param',
        'paramAssignment',
        'var',
        'type',
        'func',
        'output',
        'resource',
        'module',
        'assert',
        'using',
        'extends',
        'decorator',
        'importedSymbols',
        'importedSymbol',
        'wildcardImport',
        // expressions
        'string',
        'integer',
        'boolean',
        'null',
        'variableAccess',
        'call',
        'memberAccess',
        'indexAccess',
        'resourceAccess',
        'nonNull',
        'unary',
        'binary',
        'ternary',
        'lambda',
        'typedLambda',
        'typedParameter',
        'parenthesized',
        'array',
        'object',
        'property',
        'spread',
        'for',
        'if',
        // types
        'typeReference',
        'parameterizedType',
        'typeMemberAccess',
        'typeIndexAccess',
        'typeItemsAccess',
        'typeAdditionalPropertiesAccess',
        'arrayType',
        'nullableType',
        'nonNullableType',
        'unionType',
        'objectType',
        'objectTypeProperty',
        'objectTypeAdditionalProperties',
        'tupleType',
        'tupleTypeItem',
        'parenthesizedType',
        'unaryType',
        'resourceType',
      ];
      assert.deepEqual(
        expected.filter((k) => !kinds.has(k)),
        [],
      );
    });
  });

  describe('declarations', () => {
    const { text, program } = fixture('declarations.bicep');

    it('reads resources: name, type string, existing, nested children, conditions and loops', () => {
      const hostPool = statement(program, 'resource', 'hostPool');
      assert.equal(hostPool.type.kind, 'string');
      assert.equal((hostPool.type as S.StringExpression).value, 'Microsoft.DesktopVirtualization/hostPools@2024-04-03');
      assert.equal(slice(text, hostPool.name), 'hostPool');
      assert.equal(hostPool.value.kind, 'object');
      assert.equal(hostPool.existing, undefined);

      const vnet = statement(program, 'resource', 'existingVnet');
      assert.ok(vnet.existing);
      assert.equal(slice(text, vnet.existing), 'existing');
      const subnet = (vnet.value as S.ObjectExpression).properties.find((p) => p.kind === 'resource') as S.ResourceDeclaration;
      assert.equal(subnet.name.name, 'subnet');
      assert.ok(subnet.existing);

      const storage = statement(program, 'resource', 'storageAccount');
      const fileServices = (storage.value as S.ObjectExpression).properties.find((p) => p.kind === 'resource') as S.ResourceDeclaration;
      assert.equal(fileServices.decorators.length, 1);
      assert.equal(slice(text, fileServices.decorators[0]), '@batchSize(1)');
      const share = (fileServices.value as S.ObjectExpression).properties.find((p) => p.kind === 'resource') as S.ResourceDeclaration;
      assert.equal((share.type as S.StringExpression).value, 'shares');

      const conditional = statement(program, 'resource', 'conditional');
      assert.equal(conditional.value.kind, 'if');
      const condition = conditional.value as S.IfCondition;
      assert.equal(show(condition.condition), "(hostPoolType == 'Pooled')");
      assert.equal(condition.body.kind, 'object');
      assert.equal(statement(program, 'resource', 'onNextLine').value.kind, 'if');

      const loop = statement(program, 'resource', 'sessionHosts').value as S.ForExpression;
      assert.equal(loop.kind, 'for');
      assert.equal(loop.item.name, 'name');
      assert.equal(loop.index?.name, 'i');
      assert.equal(show(loop.iterable), 'zones');
      assert.equal(loop.body.kind, 'object');

      const filtered = statement(program, 'resource', 'filtered').value as S.ForExpression;
      assert.equal(filtered.index, undefined);
      assert.equal(filtered.body.kind, 'if');
      assert.equal(show((filtered.body as S.IfCondition).condition), '(!empty(id))');
    });

    it('reads modules with paths, conditions and loops', () => {
      assert.equal((statement(program, 'module', 'hostPoolModule').path as S.StringExpression).value, './hostpool.bicep');
      assert.equal(statement(program, 'module', 'registryModule').value.kind, 'if');
      const loop = statement(program, 'module', 'loopModule').value as S.ForExpression;
      assert.deepEqual([loop.item.name, loop.index?.name], ['zone', 'index']);
    });

    it('reads params with decorators, defaults, nullable and resource types', () => {
      const name = statement(program, 'param', 'hostPoolName');
      assert.deepEqual(
        name.decorators.map((d) => slice(text, d)),
        ["@description('Name of the host pool.')", '@minLength(3)', '@maxLength(64)'],
      );
      const call = name.decorators[0].expression as S.CallExpression;
      assert.equal(call.name.name, 'description');
      assert.equal((call.args[0] as S.StringExpression).value, 'Name of the host pool.');

      const qualified = statement(program, 'param', 'hostPoolType').decorators[0].expression as S.CallExpression;
      assert.equal(qualified.namespace?.name, 'sys');
      assert.equal(qualified.name.name, 'description');

      const type = statement(program, 'param', 'hostPoolType');
      assert.equal((type.type as S.TypeReference).name, 'string');
      assert.equal((type.value as S.StringExpression).value, 'Pooled');
      assert.equal(statement(program, 'param', 'adminPassword').value, undefined);
      assert.equal(statement(program, 'param', 'optionalName').type.kind, 'nullableType');
      const storage = statement(program, 'param', 'storage').type as S.ResourceTypeExpression;
      assert.equal(storage.kind, 'resourceType');
      assert.equal((storage.type as S.StringExpression).value, 'Microsoft.Storage/storageAccounts@2023-01-01');
      const sku = statement(program, 'param', 'sku').type as S.UnionType;
      assert.deepEqual(
        sku.members.map((m) => (m as S.StringExpression).value),
        ['Standard_LRS', 'Premium_LRS'],
      );
      const input = statement(program, 'param', 'hostPoolInput').type as S.TypeMemberAccess;
      assert.equal(input.kind, 'typeMemberAccess');
      assert.equal((input.base as S.ParameterizedType).name.name, 'resourceInput');
    });

    it('reads typed variables, types, functions, outputs and asserts', () => {
      assert.equal(statement(program, 'var', 'plain').type, undefined);
      assert.equal((statement(program, 'var', 'typed').type as S.TypeReference).name, 'string');

      const settings = statement(program, 'type', 'settings').value as S.ObjectType;
      const [nameProp, quoted, nested, additional] = settings.properties as [
        S.ObjectTypeProperty,
        S.ObjectTypeProperty,
        S.ObjectTypeProperty,
        S.ObjectTypeAdditionalProperties,
      ];
      assert.equal(nameProp.keyText, 'name');
      assert.deepEqual(
        nameProp.decorators.map((d) => slice(text, d)),
        ["@description('The name')", '@minLength(1)'],
      );
      assert.equal(quoted.keyText, 'quoted-key');
      assert.equal(quoted.value.kind, 'nullableType');
      assert.equal(nested.value.kind, 'objectType');
      assert.equal(additional.kind, 'objectTypeAdditionalProperties');

      assert.equal(statement(program, 'type', 'leadingPipe').value.kind, 'unionType');
      assert.equal((statement(program, 'type', 'leadingPipe').value as S.UnionType).members.length, 2);
      assert.equal(statement(program, 'type', 'tuple').value.kind, 'tupleType');
      assert.equal(statement(program, 'type', 'negative').value.kind, 'unaryType');
      assert.equal(statement(program, 'type', 'hostPoolOutput').value.kind, 'parameterizedType');
      assert.equal((statement(program, 'type', 'anyResource').value as S.ParameterizedType).name.name, 'resource');
      assert.equal(statement(program, 'type', 'indexed').value.kind, 'typeIndexAccess');
      assert.equal(statement(program, 'type', 'items').value.kind, 'typeItemsAccess');
      assert.equal(statement(program, 'type', 'additional').value.kind, 'typeAdditionalPropertiesAccess');
      assert.equal(statement(program, 'type', 'parenthesized').value.kind, 'arrayType');
      assert.equal(statement(program, 'type', 'nonNullable').value.kind, 'nonNullableType');
      assert.equal(statement(program, 'type', 'nestedArrays').value.kind, 'arrayType');

      const greet = statement(program, 'func', 'greet').lambda as S.TypedLambdaExpression;
      assert.equal(greet.kind, 'typedLambda');
      assert.deepEqual(
        greet.params.map((p) => (p as S.TypedLambdaParameter).name.name),
        ['name'],
      );
      assert.equal((greet.returnType as S.TypeReference).name, 'string');
      assert.equal(greet.body.kind, 'string');

      const output = statement(program, 'output', 'hostPoolResource');
      assert.equal(output.type.kind, 'resourceType');
      assert.equal(show(statement(program, 'output', 'hostPoolId').value), 'hostPool.id');
      assert.equal((statement(program, 'output', 'untypedResource').type as S.ResourceTypeExpression).type, undefined);

      assert.equal(show(statement(program, 'assert', 'nameIsShort').value), '(length(hostPoolName) < 24)');
      assert.equal(show(statement(program, 'targetScope').value), "'resourceGroup'");
      assert.equal(statement(program, 'metadata', 'owner').value.kind, 'object');
    });

    it('reads every form of import and extension', () => {
      const imports = program.statements.filter((s): s is S.ImportDeclaration => s.kind === 'import');
      const wildcard = imports[0].target as S.WildcardImport;
      assert.equal(wildcard.kind, 'wildcardImport');
      assert.equal(wildcard.alias.name, 'types');
      assert.equal((imports[0].path as S.StringExpression).value, './types.bicep');
      const list = imports[1].target as S.ImportedSymbolsList;
      assert.deepEqual(
        list.symbols.map((s) => [((s as S.ImportedSymbol).name as S.Identifier).name, (s as S.ImportedSymbol).alias?.name]),
        [
          ['roleIds', undefined],
          ['tagsType', 'tags'],
        ],
      );
      const multiline = (imports[2].target as S.ImportedSymbolsList).symbols as S.ImportedSymbol[];
      assert.equal((multiline[1].name as S.StringExpression).value, 'strange-name');
      assert.equal(multiline[1].alias?.name, 'strange');

      const extensions = program.statements.filter((s): s is S.ExtensionDeclaration => s.kind === 'extension');
      assert.deepEqual(
        extensions.map((e) => [
          slice(text, e.keyword),
          e.specification.kind === 'identifier' ? e.specification.name : (e.specification as S.StringExpression).value,
          e.config?.kind,
          e.alias?.name,
        ]),
        [
          ['import', 'az@1.0.0', undefined, undefined],
          ['import', 'kubernetes@1.0.0', 'object', 'k8s'],
          ['extension', 'microsoftGraphV1', undefined, undefined],
          ['extension', 'br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:0.1.8-preview', undefined, 'graph'],
          ['extension', 'kubernetes', 'object', 'k8s2'],
          ['provider', 'sys@1.0.0', undefined, undefined],
          ['provider', 'kubernetes@1.0.0', 'object', 'k8s3'],
        ],
      );
      assert.equal(extensions[0].decorators.length, 1);
    });
  });

  describe('expressions', () => {
    const { text, program } = fixture('expressions.bicep');

    it('follows Bicep operator precedence and associativity', () => {
      assert.equal(show(parseExpression('1 + 2 * 3 == 7 || false ?? true')), '((((1 + (2 * 3)) == 7) || false) ?? true)');
      assert.equal(show(parseExpression('a ?? b || c && d == e < f + g * h')), '(a ?? (b || (c && (d == (e < (f + (g * h)))))))');
      assert.equal(show(parseExpression('1 - 2 - 3')), '((1 - 2) - 3)');
      assert.equal(show(parseExpression('a && b || c && d')), '((a && b) || (c && d))');
      assert.equal(show(parseExpression('a =~ b != c !~ d')), '(((a =~ b) != c) !~ d)');
      assert.equal(show(parseExpression('-a.b * !c[0]')), '((-a.b) * (!c[0]))');
      assert.equal(show(parseExpression('a ? b : c ? d : e')), '(a ? b : (c ? d : e))');
      assert.equal(show(parseExpression('a || b ? c + 1 : d')), '((a || b) ? (c + 1) : d)');
      assert.equal(show(parseExpression('x!.y')), 'x!.y');
      assert.equal(show(parseExpression('(1 + 2) * 3')), '(((1 + 2)) * 3)');
    });

    it('reads member, index, safe and non-null access, calls and namespaces', () => {
      assert.equal(show(varValue(program, 'safeMember')), 'config.?settings.?value');
      assert.equal(show(varValue(program, 'safeIndex')), 'items[?5]');
      assert.equal(show(varValue(program, 'fromEnd')), 'items[^1]');
      assert.equal(show(varValue(program, 'nonNull')), 'config.?settings!.value');
      const namespaced = varValue(program, 'namespaced') as S.MemberAccess;
      const rg = namespaced.base as S.CallExpression;
      assert.equal(rg.namespace?.name, 'az');
      assert.equal(rg.name.name, 'resourceGroup');
      assert.equal((varValue(program, 'sysCall') as S.CallExpression).namespace?.name, 'sys');
      assert.equal((varValue(program, 'call') as S.CallExpression).namespace, undefined);
      assert.equal(show(varValue(program, 'multiLineCall')), 'union(config, {extra: true})');
      assert.equal(show(varValue(program, 'resourceAccess')), 'parentResource::child.id');
      assert.equal(show(varValue(program, 'dynamicKey')), "config['key-${…}']");
    });

    it('reads lambdas, ternaries across lines, spreads and loops', () => {
      assert.equal(show(varValue(program, 'lambdaSingle')), 'map(items, (item) => item.name)');
      assert.equal(show(varValue(program, 'lambdaMulti')), 'reduce(items, 0, (total, item) => (total + item))');
      assert.equal(show(varValue(program, 'lambdaNoArgs')), "() => 'constant'");
      assert.equal(show(varValue(program, 'lambdaNextLine')), 'filter(items, (item) => item.enabled)');
      assert.equal(show(varValue(program, 'ternaryLines')), "((length(items) > 1) ? 'many' : 'one')");
      assert.equal(show(varValue(program, 'spreadObject')), '{...config, extra: true}');
      assert.equal(show(varValue(program, 'spreadArray')), '[...items, 4]');
      const loop = varValue(program, 'indexedLoop') as S.ForExpression;
      assert.deepEqual([loop.item.name, loop.index?.name, loop.body.kind], ['item', 'i', 'object']);
      assert.equal((varValue(program, 'loopNewlines') as S.ForExpression).kind, 'for');
      const nested = varValue(program, 'nestedLoop') as S.ForExpression;
      assert.equal(nested.body.kind, 'for');
      assert.equal(show(varValue(program, 'singleLineObject')), "{a: 1, b: 'two', c: [1, 2]}");
      assert.equal(show(varValue(program, 'multiLineArray')), "[1, 'two', [3]]");
    });

    it('decodes escapes and keeps the source offset of every character', () => {
      const s = varValue(program, 'escapes') as S.StringExpression;
      assert.equal(s.expressions.length, 0);
      assert.equal(s.value, "back\\slash 'quote' new\nline ret\rurn tab\t dollar$ hole${notAHole} unicode\u{1F600}A");
      const [segment] = s.segments;
      assert.equal(segment.verbatim, false);
      assert.equal(segment.offsets.length, segment.text.length + 1);
      assert.equal(segment.start, s.start + 1);
      assert.equal(segment.end, s.end - 1);
      assert.equal(segment.offsets[segment.text.length], segment.end);
      // Each decoded character maps to the source that produced it.
      const sourceOf = (i: number) => text.slice(segment.offsets[i], segment.offsets[i + 1]);
      assert.equal(sourceOf(segment.text.indexOf('\\')), '\\\\');
      assert.equal(sourceOf(segment.text.indexOf("'")), "\\'");
      assert.equal(sourceOf(segment.text.indexOf('\n')), '\\n');
      assert.equal(sourceOf(segment.text.indexOf('$')), '\\$');
      assert.equal(sourceOf(segment.text.lastIndexOf('A')), '\\u{41}');
      assert.equal(text.slice(segment.offsets[segment.text.indexOf('\u{1F600}')], segment.offsets[segment.text.indexOf('\u{1F600}') + 2]), '\\u{1F600}');
      assert.equal(sourceOf(0), 'b');
    });

    it('splits interpolated strings into decoded segments around the holes', () => {
      const s = varValue(program, 'interpolated') as S.StringExpression;
      assert.deepEqual(
        s.segments.map((g) => g.text),
        ['audiomode:i:0;', ';enablerdsaadauth:i:', ''],
      );
      assert.equal(s.expressions.length, 2);
      assert.equal(show(s.expressions[0]), 'name');
      assert.equal(s.expressions[1].kind, 'ternary');
      assert.equal(s.value, undefined);
      for (const g of s.segments) {
        assert.equal(g.verbatim, true);
        assert.equal(text.slice(g.start, g.end), g.text);
        assert.deepEqual(
          g.offsets,
          Array.from({ length: g.text.length + 1 }, (_, i) => g.start + i),
        );
      }
      // A fix can replace exactly one RDP property inside the string.
      const g = s.segments[1];
      const from = g.text.indexOf('enablerdsaadauth');
      const edited = text.slice(0, g.offsets[from]) + 'targetisaadjoined' + text.slice(g.offsets[from + 'enablerdsaadauth'.length]);
      const reparsed = parseBicep(edited);
      assert.deepEqual(reparsed.errors, []);
      assert.equal((varValue(reparsed, 'interpolated') as S.StringExpression).segments[1].text, ';targetisaadjoined:i:');

      const nested = varValue(program, 'nestedInterpolation') as S.StringExpression;
      assert.equal(nested.expressions[0].kind, 'string');
      assert.deepEqual(
        (nested.expressions[0] as S.StringExpression).segments.map((x) => x.text),
        ['inner ', ''],
      );
    });

    it('reads multi-line strings without escapes, and their interpolated form', () => {
      const m = varValue(program, 'multiline') as S.StringExpression;
      assert.equal(m.multiline, true);
      assert.equal(m.value, "first line\n  'quotes' and ${not interpolated} and \\n not escaped\n");
      assert.equal(text.slice(m.segments[0].start, m.segments[0].end), m.value);
      assert.equal((varValue(program, 'multilineOneLine') as S.StringExpression).value, 'single');
      const i = varValue(program, 'interpolatedMultiline') as S.StringExpression;
      assert.deepEqual(
        i.segments.map((g) => g.text),
        ['Hello ', '!\n'],
      );
      assert.equal(show(i.expressions[0]), 'name');
      const d = varValue(program, 'doubleDollarMultiline') as S.StringExpression;
      assert.deepEqual(
        d.segments.map((g) => g.text),
        ['${literal} and ', '\n'],
      );
    });

    it('keys object properties by their decoded names', () => {
      const o = varValue(program, 'multiLineObject') as S.ObjectExpression;
      const props = o.properties as S.ObjectProperty[];
      assert.deepEqual(
        props.map((p) => p.keyText),
        ['a', 'quoted key', undefined, 'nested'],
      );
      assert.equal(props[0].key.kind, 'identifier');
      assert.equal(props[1].key.kind, 'string');
      assert.equal(slice(text, props[1].key), "'quoted key'");
    });

    it('collects comments and directives', () => {
      const { text: t, program: p } = fixture('directives.bicep');
      assert.deepEqual(
        p.comments.map((c) => [c.text, c.multiline]),
        [
          ['// A line comment', false],
          ['/* A block comment */', true],
          ['// a comment after the codes', false],
        ],
      );
      assert.deepEqual(
        p.directives.map((d) => [d.directive, d.codes.map((c) => c.text)]),
        [
          ['disable-next-line', ['no-unused-params', 'BCP081']],
          ['disable-diagnostics', ['no-hardcoded-env-urls', 'no-unused-vars']],
          ['restore-diagnostics', ['no-hardcoded-env-urls', 'no-unused-vars']],
          ['disable-next-line', ['BCP037']],
        ],
      );
      for (const d of p.directives) for (const c of d.codes) assert.equal(slice(t, c), c.text);
      assert.equal(slice(t, p.directives[3]), '#disable-next-line BCP037');
      assert.deepEqual(
        p.statements.map((s) => s.kind),
        ['param', 'var', 'param'],
      );
      const expressionsComments = program.comments.map((c) => c.text);
      assert.ok(expressionsComments.includes('/* multi\n     line */'));
    });
  });

  describe('.bicepparam', () => {
    it('reads using, param assignments, variables, imports and types', () => {
      const { program } = fixture('params.bicepparam');
      assert.equal(program.params, true);
      const using = statement(program, 'using');
      assert.equal((using.path as S.StringExpression).value, './main.bicep');
      const names = program.statements.filter((s): s is S.ParamAssignment => s.kind === 'paramAssignment').map((p) => p.name.name);
      assert.deepEqual(names, ['hostPoolName', 'hostPoolType', 'count', 'tags', 'zones', 'rdp', 'fromEnv']);
      assert.equal(statement(program, 'paramAssignment', 'hostPoolName').decorators.length, 1);
      assert.equal((statement(program, 'var', 'typedVar').type as S.TypeReference).name, 'string');
      assert.equal(program.statements.filter((s) => s.kind === 'import').length, 2);
      assert.equal(statement(program, 'type', 'local').value.kind, 'unionType');
    });

    it('reads using none and extends', () => {
      const none = statement(fixture('using-none.bicepparam').program, 'using');
      assert.equal(none.path, undefined);
      assert.ok(none.none);
      const ext = statement(fixture('extends.bicepparam').program, 'extends');
      assert.equal((ext.path as S.StringExpression).value, './shared.bicepparam');
    });

    it('reports declarations of the other file kind', () => {
      assert.deepEqual(
        parseBicep("resource r 'A/b@1' = {}\n", { params: true }).errors.map((e) => e.code),
        ['BCP337'],
      );
      assert.deepEqual(
        parseBicep("using './main.bicep'\n").errors.map((e) => e.code),
        ['BCP007'],
      );
      assert.deepEqual(parseBicep('param x = 1\n', { params: true }).errors, []);
      assert.deepEqual(
        parseBicep('param x = 1\n').errors.map((e) => e.code),
        ['BCP279'],
      );
    });
  });

  describe('ranges', () => {
    it('counts UTF-16 offsets through a BOM, CRLF and characters outside the BMP', () => {
      const text = "\uFEFFparam name string = 'h\u00e9llo 😀 ${x}'\r\n// 🚀 comment\r\nvar after = 'ok'\r\n";
      const program = parseBicep(text);
      assert.deepEqual(program.errors, []);
      const param = statement(program, 'param', 'name');
      assert.equal(param.start, 1);
      assert.equal(param.keyword.start, 1);
      assert.equal(param.name.start, 7);
      assert.equal(param.name.end, 11);
      const value = param.value as S.StringExpression;
      assert.equal(slice(text, value), "'h\u00e9llo 😀 ${x}'");
      assert.equal(value.segments[0].text, 'h\u00e9llo 😀 ');
      // The emoji is two UTF-16 code units.
      assert.equal(value.segments[0].end - value.segments[0].start, 9);
      assert.equal(slice(text, value.expressions[0]), 'x');
      const after = statement(program, 'var', 'after');
      assert.equal(slice(text, after), "var after = 'ok'");
      assert.equal(after.start, text.indexOf('var after'));
      assert.equal(slice(text, program.comments[0]), '// 🚀 comment');
      assert.equal(program.end, text.length);
      assert.equal(program.eof.start, text.length);
    });

    it('finds the innermost node or token at an offset', () => {
      const text = "resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  properties: {\n    customRdpProperty: 'audiomode:i:0'\n  }\n}\n";
      const program = parseBicep(text);
      const atRdp = nodeAt(program, text.indexOf('audiomode'));
      assert.equal(atRdp.kind, 'string');
      assert.equal(slice(text, atRdp), "'audiomode:i:0'");
      const atKey = nodeAt(program, text.indexOf('customRdpProperty') + 3);
      assert.equal(atKey.kind, 'identifier');
      const atKeyword = nodeAt(program, 2);
      assert.equal(atKeyword.kind, 'token');
      assert.equal(slice(text, atKeyword), 'resource');
      const token = tokenAt(program, text.indexOf('properties'));
      assert.equal(token?.type, S.TokenType.Identifier);
      assert.equal(tokenAt(program, text.indexOf('{') - 1), undefined);
    });
  });

  describe('error recovery', () => {
    function errorsOf(text: string) {
      const program = parseBicep(text);
      for (const e of program.errors) {
        assert.ok(e.message.length > 0);
        assert.ok(e.code.startsWith('BCP'));
        assert.ok(0 <= e.start && e.start <= e.end && e.end <= text.length, `bad range ${e.start}-${e.end}`);
      }
      return program;
    }

    it('keeps the properties after a bad line in an object', () => {
      const text =
        "resource hp 'A/b@2020-01-01' = {\n  name: 'hp'\n  location: = = garbage\n  @@@ what\n  properties: {\n    customRdpProperty: 'audiomode:i:0'\n  }\n}\nvar next = 1\n";
      const program = errorsOf(text);
      assert.ok(program.errors.length >= 1);
      assert.ok(
        program.errors.every((e) => text.slice(0, e.start).split('\n').length <= 4),
        'errors stay on the bad lines',
      );
      const body = statement(program, 'resource', 'hp').value as S.ObjectExpression;
      const keys = body.properties.filter((p): p is S.ObjectProperty => p.kind === 'property').map((p) => p.keyText);
      assert.deepEqual(keys, ['name', 'location', 'properties']);
      assert.equal(statement(program, 'var', 'next').name.name, 'next');
    });

    it('keeps the next declaration after a broken one', () => {
      const text = "param 123 = \nvar = 'x'\nresource r = {\n  name: 'r'\n}\noutput o string = 'ok'\n";
      const program = errorsOf(text);
      assert.ok(program.errors.length >= 3);
      assert.equal(statement(program, 'output', 'o').name.name, 'o');
      const r = statement(program, 'resource', 'r');
      assert.equal(r.type.kind, 'error');
      assert.deepEqual(
        (r.value as S.ObjectExpression).properties.map((p) => (p as S.ObjectProperty).keyText),
        ['name'],
      );
      assert.equal(statement(program, 'var').name.missing, true);
    });

    it('ends an object whose closing brace is missing at the next declaration', () => {
      const text = 'var a = {\n  x: 1\n\nparam b string\n';
      const program = errorsOf(text);
      assert.deepEqual(
        program.errors.map((e) => e.code),
        ['BCP018'],
      );
      assert.equal(program.errors[0].start, text.indexOf('\n\nparam'));
      assert.equal(statement(program, 'param', 'b').name.name, 'b');
      assert.deepEqual(
        ((varValue(program, 'a') as S.ObjectExpression).properties as S.ObjectProperty[]).map((p) => p.keyText),
        ['x'],
      );
    });

    it('survives a missing closing brace at the end of the file', () => {
      const text = "resource r 'A/b@2020-01-01' = {\n  name: 'r'\n  properties: {\n    a: [\n      1\n";
      const program = errorsOf(text);
      assert.ok(program.errors.length > 0);
      const body = statement(program, 'resource', 'r').value as S.ObjectExpression;
      assert.equal(body.close, undefined);
      const props = ((body.properties[1] as S.ObjectProperty).value as S.ObjectExpression).properties as S.ObjectProperty[];
      assert.equal(show(props[0].value), '[1]');
    });

    it('reports an unterminated string and keeps its text', () => {
      const program = errorsOf("var a = 'abc\nvar b = 'ok'\nvar c = '''never closed\n");
      assert.deepEqual(
        program.errors.map((e) => e.code),
        ['BCP004', 'BCP140'],
      );
      const a = varValue(program, 'a') as S.StringExpression;
      assert.equal(a.value, 'abc');
      assert.equal(a.unterminated, true);
      assert.equal((varValue(program, 'b') as S.StringExpression).value, 'ok');
      assert.equal((varValue(program, 'c') as S.StringExpression).unterminated, true);
      const hole = errorsOf("var d = 'x${y\nvar e = 1\n");
      assert.ok(hole.errors.length > 0);
      assert.equal(show(varValue(hole, 'e')), '1');
      const eof = errorsOf("var f = 'x${y");
      assert.ok(eof.errors.length > 0);
    });

    it('reports stray tokens, bad escapes and double quotes', () => {
      assert.deepEqual(errorsOf('var a = "x"\n').errors[0].code, 'BCP103');
      assert.deepEqual(
        errorsOf("var a = 'a\\qb'\n").errors.map((e) => e.code),
        ['BCP006'],
      );
      assert.deepEqual(
        errorsOf("var a = '\\u{110000}'\n").errors.map((e) => e.code),
        ['BCP133'],
      );
      assert.deepEqual(
        errorsOf('var a = 1 2\n').errors.map((e) => e.code),
        ['BCP019'],
      );
      assert.deepEqual(
        errorsOf('} ] )\nvar a = 1\n').errors.map((e) => e.code),
        ['BCP007'],
      );
      assert.deepEqual(
        errorsOf("var a = '${ {a: 1} }'\n").errors.map((e) => e.code),
        ['BCP087'],
      );
      assert.deepEqual(
        errorsOf('var a = !!true\n').errors.map((e) => e.code),
        ['BCP009'],
      );
      assert.deepEqual(
        errorsOf('var a = [\n  1,\n  2\n]\n').errors.map((e) => e.code),
        ['BCP238'],
      );
      assert.deepEqual(
        errorsOf('var a = 99999999999999999999999\n').errors.map((e) => e.code),
        ['BCP010'],
      );
      assert.deepEqual(
        errorsOf("@description('x')\n").errors.map((e) => e.code),
        ['BCP147'],
      );
      assert.deepEqual(
        errorsOf('/* open').errors.map((e) => e.code),
        ['BCP002'],
      );
      assert.deepEqual(
        errorsOf('#disable-next-line\nvar a = 1\n').errors.map((e) => e.code),
        ['BCP226'],
      );
    });

    it('never throws on garbage', () => {
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const alphabet = '{}[]()\'$:,.?!=<>|&\n\r\t @#"\\/*+-%~^abcdefxyz019 \u00e9\u{1F600}\u0000\uFFFF';
      const valid = fs.readFileSync(path.join(FIXTURES, 'declarations.bicep'), 'utf8') + fs.readFileSync(path.join(FIXTURES, 'expressions.bicep'), 'utf8');
      for (let round = 0; round < 300; round++) {
        let text: string;
        if (round % 3 === 0) {
          text = Array.from({ length: 200 + Math.floor(random() * 800) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
        } else if (round % 3 === 1) {
          // Binary garbage, as a file read with the wrong encoding would give.
          text = Array.from({ length: 500 }, () => String.fromCharCode(Math.floor(random() * 65536))).join('');
        } else {
          // A valid file with a few characters deleted or inserted: truncated strings, brackets, keywords.
          const chars = valid.split('');
          for (let k = 0; k < 5; k++) {
            const at = Math.floor(random() * chars.length);
            if (random() < 0.5) chars.splice(at, 1 + Math.floor(random() * 20));
            else chars.splice(at, 0, alphabet[Math.floor(random() * alphabet.length)]);
          }
          text = chars.join('');
        }
        const program = errorsOf(text);
        walk(program, (n, parent) => {
          if (parent) assert.ok(parent.start <= n.start && n.end <= parent.end, `round ${round}: ${n.kind} escapes ${parent.kind}`);
        });
        if (round % 3 === 2) assert.ok(program.statements.length > 10, `round ${round}: partial tree kept`);
      }
    });

    it('lexes every prefix of a file without throwing', () => {
      const text = fs.readFileSync(path.join(FIXTURES, 'expressions.bicep'), 'utf8');
      for (let i = 0; i < text.length; i += 7) {
        const prefix = text.slice(0, i);
        errorsOf(prefix);
        errorsOf(prefix + '\n}');
        assert.equal(lex(prefix).starts[lex(prefix).count - 1], prefix.length);
      }
    });
  });

  describe('size and depth', () => {
    function depthOf(node: S.Node, kind: S.Node['kind']): number {
      let depth = 0;
      let current: S.Node | undefined = node;
      while (current) {
        if (current.kind === kind) depth++;
        current = children(current).find((c) => c.kind === kind || c.kind === 'property' || c.kind === 'parenthesized' || c.kind === 'objectTypeProperty');
        if (current && current.kind === 'property') current = current.value;
        if (current && current.kind === 'objectTypeProperty') current = current.value;
      }
      return depth;
    }

    it('parses 1,000 levels of nested arrays, objects, parentheses, calls and object types', () => {
      const n = 1000;
      const cases: [string, S.Node['kind']][] = [
        [`var x = ${'['.repeat(n)}1${']'.repeat(n)}`, 'array'],
        [`var x = ${'{ a: '.repeat(n)}1${' }'.repeat(n)}`, 'object'],
        [`var x = ${'{\n  a: '.repeat(n)}1${'\n}'.repeat(n)}`, 'object'],
        [`var x = ${'('.repeat(n)}1${')'.repeat(n)}`, 'parenthesized'],
        [`var x = ${'f('.repeat(n)}1${')'.repeat(n)}`, 'call'],
        [`type x = ${'{ a: '.repeat(n)}string${' }'.repeat(n)}`, 'objectType'],
        [`var x = ${"'${".repeat(n)}1${"}'".repeat(n)}`, 'string'],
      ];
      for (const [text, kind] of cases) {
        const program = parseBicep(text);
        assert.deepEqual(program.errors, [], kind);
        const value = (program.statements[0] as S.VarDeclaration | S.TypeDeclaration).value;
        if (kind === 'call' || kind === 'string') {
          let depth = 0;
          let e: S.Expression = value as S.Expression;
          while (e.kind === kind) {
            depth++;
            e = e.kind === 'call' ? e.args[0] : (e as S.StringExpression).expressions[0];
          }
          assert.equal(depth, n, kind);
        } else {
          assert.equal(depthOf(value, kind), n, kind);
        }
      }
    });

    it('reports nesting too deep to parse instead of overflowing the stack', () => {
      for (const n of [5_000, 100_000]) {
        const program = parseBicep(`var x = ${'['.repeat(n)}1${']'.repeat(n)}\nvar after = 1\n`);
        assert.ok(program.errors.length > 0);
        assert.equal(show(varValue(program, 'after')), '1');
      }
      const unbalanced = parseBicep('var x = ' + '{ a: ['.repeat(50_000));
      assert.ok(unbalanced.errors.length > 0);
    });

    it('does not throw when the caller has used most of the stack', () => {
      const text = `var x = ${'['.repeat(1000)}1${']'.repeat(1000)}\nvar after = 1\n`;
      let deepest = 0;
      const recurse = (n: number): S.Program | undefined => {
        try {
          const inner = recurse(n + 1);
          if (inner) return inner;
        } catch {
          deepest = n;
        }
        // Near the caller's limit: parse with little stack left.
        return n === deepest - 50 ? parseBicep(text) : undefined;
      };
      const program = recurse(0);
      assert.ok(program);
      assert.ok(program.errors.length > 0);
      assert.equal(show(varValue(program, 'after')), '1');
    });

    it('parses a 5 MB file', () => {
      const unit = fs.readFileSync(path.join(FIXTURES, 'declarations.bicep'), 'utf8').replace(/^targetScope.*$/m, '');
      const parts: string[] = [];
      let size = 0;
      for (let i = 0; size < 5e6; i++) {
        const part = unit.replace(/\b(hostPool|storageAccount|sessionHosts|existingVnet|conditional|filtered)\b/g, `$1${i}`);
        parts.push(part);
        size += part.length;
      }
      const text = parts.join('\n');
      const program = parseBicep(text);
      assert.deepEqual(program.errors, []);
      assert.ok(program.statements.length > 1000);
      assert.equal(program.end, text.length);
    });
  });
});
