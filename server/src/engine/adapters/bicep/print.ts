import type { Document, Resource, TextEdit } from '../../model';
import type { Printer } from '../../printer';
import { bodyObject } from './adapter';
import { parseBicep } from './parser';
import type { ObjectExpression, ResourceDeclaration, Statement } from './syntax';

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\$\{/g, '\\${');
}

function literal(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${escape(value)}'` : String(value);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function findResource(statements: (Statement | ObjectExpression['properties'][number])[], start: number): ResourceDeclaration | undefined {
  for (const s of statements) {
    if (s.kind !== 'resource' || start < s.start || start >= s.end) continue;
    if (s.start === start) return s;
    const body = bodyObject(s.value);
    if (body) return findResource(body.properties, start);
  }
  return undefined;
}

/** Writes Bicep: string escapes, new object properties at the indentation of their siblings, `//` comments. */
export const bicepPrinter: Printer = {
  escapeStringText: escape,

  addProperty(doc: Document, resource: Resource, path: string[], value: string | number | boolean): TextEdit[] | undefined {
    const program = parseBicep(doc.text);
    const decl = findResource(program.statements, resource.source.range.start);
    const body = decl && bodyObject(decl.value);
    if (!body) return undefined;
    let obj: ObjectExpression = body;
    const text = doc.text;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const indentAt = (offset: number) => /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', offset - 1) + 1))![0];
    const unit = /\n( +|\t)\S/.exec(text)?.[1] ?? '  ';
    let i = 0;
    for (; i < path.length - 1; i++) {
      const p: ObjectExpression['properties'][number] | undefined = obj.properties.find(
        (x) => x.kind === 'property' && x.keyText?.toLowerCase() === path[i].toLowerCase(),
      );
      if (!p || p.kind !== 'property') break;
      if (p.value.kind !== 'object') return undefined;
      obj = p.value;
    }
    if (!obj.close) return undefined;
    const key = (k: string) => (IDENTIFIER.test(k) ? k : `'${escape(k)}'`);
    const members = obj.properties;
    const last = members[members.length - 1];
    const inner = last ? indentAt(last.start) : indentAt(obj.start) + unit;
    // Build the missing objects on the way, innermost last.
    let rest = `${key(path[path.length - 1])}: ${literal(value)}`;
    for (let j = path.length - 2; j >= i; j--) {
      const depth = unit.repeat(j - i + 1);
      rest = `${key(path[j])}: {${eol}${inner}${depth}${rest.split(eol).join(eol + unit)}${eol}${inner}${unit.repeat(j - i)}}`;
    }
    if (!text.slice(obj.open.end, obj.close.start).includes('\n')) {
      // A single-line object `{}`: open it up.
      const outer = indentAt(obj.start);
      return [{ uri: doc.uri, range: { start: obj.open.end, end: obj.close.start }, newText: `${eol}${outer}${unit}${rest}${eol}${outer}` }];
    }
    const anchor = last ? last.end : obj.open.end;
    return [{ uri: doc.uri, range: { start: anchor, end: anchor }, newText: `${eol}${inner}${rest}` }];
  },

  lineComment: '//',

  privateEndpoint(resource: Resource, groupId: string): string | undefined {
    const symbol = resource.source.symbol;
    if (!symbol || !/^[A-Za-z_]\w*$/.test(symbol) || resource.source.loop) return undefined;
    return [
      `resource ${symbol}${groupId[0].toUpperCase()}${groupId.slice(1)}Endpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {`,
      `  name: 'pe-\${${symbol}.name}-${groupId}'`,
      `  location: ${symbol}.location`,
      '  properties: {',
      '    subnet: {',
      "      id: '<the id of the subnet for private endpoints>'",
      '    }',
      '    privateLinkServiceConnections: [',
      '      {',
      `        name: '${groupId}'`,
      '        properties: {',
      `          privateLinkServiceId: ${symbol}.id`,
      `          groupIds: ['${groupId}']`,
      '        }',
      '      }',
      '    ]',
      '  }',
      '}',
    ].join('\n');
  },

  diagnosticSetting(resource: Resource): string | undefined {
    const symbol = resource.source.symbol;
    if (!symbol || !/^[A-Za-z_]\w*$/.test(symbol) || resource.source.loop) return undefined;
    return [
      `resource ${symbol}Diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {`,
      `  name: 'diag-\${${symbol}.name}'`,
      `  scope: ${symbol}`,
      '  properties: {',
      "    workspaceId: '<the id of the Log Analytics workspace>'",
      '    logs: [',
      '      {',
      "        categoryGroup: 'allLogs'",
      '        enabled: true',
      '      }',
      '    ]',
      '  }',
      '}',
    ].join('\n');
  },

  suppressionComment(ruleId: string): string {
    return `// avdsec-disable-next-line ${ruleId}`;
  },
};
