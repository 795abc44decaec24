import type { Document, FixObject, Resource, TextEdit } from '../../model';
import type { Printer } from '../../printer';
import { bodyObject, decoratorName } from './adapter';
import { parseBicep } from './parser';
import { renameBicepVariable } from './rename';
import type { ObjectExpression, ParamDeclaration, ResourceDeclaration, Statement } from './syntax';

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
  renameLocal: renameBicepVariable,
  escapeStringText: escape,

  addProperty(doc: Document, resource: Resource, path: string[], value: string | number | boolean | FixObject): TextEdit[] | undefined {
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
    // The property with the missing objects on the way, its lines indented relative to its first.
    const nest = (lines: string) =>
      lines
        .split(eol)
        .map((l) => unit + l)
        .join(eol);
    const property = (k: string, v: string | number | boolean | FixObject): string =>
      typeof v === 'object'
        ? `${key(k)}: {${eol}${Object.entries(v)
            .map(([k2, v2]) => nest(property(k2, v2)))
            .join(eol)}${eol}}`
        : `${key(k)}: ${literal(v)}`;
    let rest = property(path[path.length - 1], value);
    for (let j = path.length - 2; j >= i; j--) rest = `${key(path[j])}: {${eol}${nest(rest)}${eol}}`;
    const at = (indent: string) => rest.split(eol).join(eol + indent);
    if (!text.slice(obj.open.end, obj.close.start).includes('\n')) {
      // A single-line object `{}`: open it up.
      const outer = indentAt(obj.start);
      return [{ uri: doc.uri, range: { start: obj.open.end, end: obj.close.start }, newText: `${eol}${outer}${unit}${at(outer + unit)}${eol}${outer}` }];
    }
    const anchor = last ? last.end : obj.open.end;
    return [{ uri: doc.uri, range: { start: anchor, end: anchor }, newText: `${eol}${inner}${at(inner)}` }];
  },

  secureParameter(doc: Document, name: string, keepDefault?: boolean): TextEdit[] | undefined {
    const decl = parseBicep(doc.text).statements.find((x): x is ParamDeclaration => x.kind === 'param' && x.name.name === name);
    // `@secure()` applies to strings and objects only.
    if (!decl || !/^(string|object)\??$/.test(doc.text.slice(decl.type.start, decl.type.end).trim())) return undefined;
    const edits: TextEdit[] = [];
    if (!decl.decorators.some((d) => decoratorName(d) === 'secure')) {
      const lineStart = doc.text.lastIndexOf('\n', decl.keyword.start - 1) + 1;
      const indent = doc.text.slice(lineStart, decl.keyword.start);
      if (!/^[ \t]*$/.test(indent)) return undefined;
      const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
      edits.push({ uri: doc.uri, range: { start: decl.keyword.start, end: decl.keyword.start }, newText: `@secure()${eol}${indent}` });
    }
    if (decl.value && !keepDefault) edits.push({ uri: doc.uri, range: { start: decl.type.end, end: decl.value.end }, newText: '' });
    return edits;
  },

  objectProperty(_resource: Resource, path: string[], lines: string[], indent: string, eol: string): string | undefined {
    const key = path[path.length - 1];
    return key === undefined ? undefined : `${IDENTIFIER.test(key) ? key : `'${escape(key)}'`}: {${eol}${lines.join(eol)}${eol}${indent}}`;
  },

  registrationTokenReference(doc: Document, at: { start: number; end: number }, pool: Resource, poolDoc: Document): TextEdit[] | undefined {
    const symbol = pool.source.symbol;
    const text = doc.text;
    // A string of its own ('eyJ…', not inside a longer string or a ''' string), in the file that declares the pool.
    if (doc.uri !== poolDoc.uri || pool.source.loop || !symbol || !IDENTIFIER.test(symbol)) return undefined;
    if (text[at.start - 1] !== "'" || text[at.end] !== "'" || text[at.start - 2] === "'") return undefined;
    return [{ uri: doc.uri, range: { start: at.start - 1, end: at.end + 1 }, newText: `${symbol}.listRegistrationTokens().value[0].token` }];
  },

  secureOutput(doc: Document, name: string): TextEdit[] | undefined {
    const decl = parseBicep(doc.text).statements.find((x): x is Extract<Statement, { kind: 'output' }> => x.kind === 'output' && x.name.name === name);
    if (!decl || decl.decorators.some((d) => decoratorName(d) === 'secure')) return undefined;
    if (!/^(string|object)\??$/.test(doc.text.slice(decl.type.start, decl.type.end).trim())) return undefined;
    const lineStart = doc.text.lastIndexOf('\n', decl.keyword.start - 1) + 1;
    const indent = doc.text.slice(lineStart, decl.keyword.start);
    const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
    return /^[ \t]*$/.test(indent)
      ? [{ uri: doc.uri, range: { start: decl.keyword.start, end: decl.keyword.start }, newText: `@secure()${eol}${indent}` }]
      : undefined;
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

  guestAttestation(resource: Resource): string | undefined {
    const symbol = resource.source.symbol;
    if (!symbol || !/^[A-Za-z_]\w*$/.test(symbol) || resource.source.loop) return undefined;
    if (resource.type.toLowerCase() !== 'microsoft.compute/virtualmachines') return undefined;
    return [
      `resource ${symbol}GuestAttestation 'Microsoft.Compute/virtualMachines/extensions@${resource.apiVersion ?? '2024-07-01'}' = {`,
      `  parent: ${symbol}`,
      "  name: 'GuestAttestation'",
      `  location: ${symbol}.location`,
      '  properties: {',
      "    publisher: 'Microsoft.Azure.Security.WindowsAttestation'",
      "    type: 'GuestAttestation'",
      "    typeHandlerVersion: '1.0'",
      '    autoUpgradeMinorVersion: true',
      '  }',
      '}',
    ].join('\n');
  },

  defenderPlan(doc: Document): string | undefined {
    // A pricing is a subscription's resource: only a file that targets the subscription can declare it.
    const scope = parseBicep(doc.text).statements.find((s) => s.kind === 'targetScope');
    if (!scope || scope.kind !== 'targetScope' || doc.text.slice(scope.value.start, scope.value.end) !== "'subscription'") return undefined;
    if (/\bdefenderForServers\b/.test(doc.text)) return undefined;
    return [
      "resource defenderForServers 'Microsoft.Security/pricings@2024-01-01' = {",
      "  name: 'VirtualMachines'",
      '  properties: {',
      "    pricingTier: 'Standard'",
      "    subPlan: 'P2'",
      '  }',
      '}',
    ].join('\n');
  },

  suppressionComment(ruleId: string): string {
    return `// avdsec-disable-next-line ${ruleId}`;
  },
};
