import { findNodeAtLocation, findNodeAtOffset, getNodePath, type Node as JsonNode } from 'jsonc-parser';
import { modifyJson } from '../../json-edit';
import type { Document, FixObject, Resource, TextEdit } from '../../model';
import type { Printer } from '../../printer';
import { parseJson } from './json';
import { renameArmVariable } from './rename';

function indentation(text: string): { insertSpaces: boolean; tabSize: number } {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return { insertSpaces: true, tabSize: 2 };
  if (m[1].startsWith('\t')) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: Math.min(m[1].length, 8) };
}

export const armPrinter: Printer = {
  renameLocal: renameArmVariable,
  escapeStringText(text: string): string {
    return JSON.stringify(text).slice(1, -1);
  },

  addProperty(doc: Document, resource: Resource, path: string[], value: string | number | boolean | FixObject): TextEdit[] | undefined {
    const { root } = parseJson(doc.text);
    if (!root) return undefined;
    let node = findNodeAtOffset(root, resource.source.range.start + 1, true);
    while (node && !(node.type === 'object' && node.offset === resource.source.range.start)) node = node.parent;
    if (!node) return undefined;
    const formattingOptions = { ...indentation(doc.text), eol: doc.text.includes('\r\n') ? '\r\n' : '\n' };
    let edits: ReturnType<typeof modifyJson>;
    try {
      edits = modifyJson(doc.text, [...getNodePath(node), ...path], value, formattingOptions);
    } catch {
      // jsonc-parser refuses a path through a value of another kind (found by the fuzzer: a damaged file where the
      // resource's `properties` is a string): no fix then.
      return undefined;
    }
    return edits.map((e) => ({ uri: doc.uri, range: { start: e.offset, end: e.offset + e.length }, newText: e.content }));
  },

  secureParameter(doc: Document, name: string, keepDefault?: boolean): TextEdit[] | undefined {
    const { root } = parseJson(doc.text);
    const params = root && findNodeAtLocation(root, ['parameters']);
    const keyOf = (p: JsonNode) => String(p.children?.[0]?.value ?? '').toLowerCase();
    const decl = params?.children?.find((p) => keyOf(p) === name.toLowerCase())?.children?.[1];
    const type = decl?.children?.find((p) => keyOf(p) === 'type')?.children?.[1];
    if (!decl || decl.type !== 'object' || type?.type !== 'string') return undefined;
    const secure = ({ string: 'securestring', object: 'secureObject', securestring: '', secureobject: '' } as Record<string, string>)[
      String(type.value).toLowerCase()
    ];
    if (secure === undefined) return undefined;
    const edits: TextEdit[] = [];
    if (secure) edits.push({ uri: doc.uri, range: { start: type.offset + 1, end: type.offset + type.length - 1 }, newText: secure });
    // The default goes with the comma that separates it: up to the next property, or from the end of the one before.
    const siblings = decl.children ?? [];
    const at = keepDefault ? -1 : siblings.findIndex((p) => keyOf(p) === 'defaultvalue');
    if (at >= 0) {
      const def = siblings[at];
      const next = siblings[at + 1];
      const prev = siblings[at - 1];
      const range = next
        ? { start: def.offset, end: next.offset }
        : prev
          ? { start: prev.offset + prev.length, end: def.offset + def.length }
          : { start: def.offset, end: def.offset + def.length };
      edits.push({ uri: doc.uri, range, newText: '' });
    }
    return edits;
  },

  objectProperty(_resource: Resource, path: string[], lines: string[], indent: string, eol: string): string | undefined {
    const key = path[path.length - 1];
    return key === undefined ? undefined : `${JSON.stringify(key)}: {${eol}${lines.join(`,${eol}`)}${eol}${indent}}`;
  },

  registrationTokenReference(doc: Document, at: { start: number; end: number }, pool: Resource, poolDoc: Document): TextEdit[] | undefined {
    return armTokenReference(doc, at, pool, poolDoc);
  },

  secureOutput(doc: Document, name: string): TextEdit[] | undefined {
    const { root } = parseJson(doc.text);
    const keyOf = (p: JsonNode) => String(p.children?.[0]?.value ?? '').toLowerCase();
    const decl = (root && findNodeAtLocation(root, ['outputs']))?.children?.find((p) => keyOf(p) === name.toLowerCase())?.children?.[1];
    const type = decl?.children?.find((p) => keyOf(p) === 'type')?.children?.[1];
    const secure =
      type?.type === 'string' ? ({ string: 'securestring', object: 'secureObject' } as Record<string, string>)[String(type.value).toLowerCase()] : undefined;
    return type && secure ? [{ uri: doc.uri, range: { start: type.offset + 1, end: type.offset + type.length - 1 }, newText: secure }] : undefined;
  },

  lineComment: '//',

  suppressionComment(ruleId: string): string {
    return `// avdsec-disable-next-line ${ruleId}`;
  },
};

/**
 * `"eyJ…"` written in the template that deploys `pool` -> `"[listRegistrationTokens(resourceId(…hostPools, <its name>),
 * '<version>').value[0].token]"`, the name written as the pool's is (a literal or an expression), never in a loop.
 */
function armTokenReference(doc: Document, at: { start: number; end: number }, pool: Resource, poolDoc: Document): TextEdit[] | undefined {
  const text = doc.text;
  if (doc.uri !== poolDoc.uri || pool.source.loop || text[at.start - 1] !== '"' || text[at.end] !== '"') return undefined;
  const name = pool.body.entries.find((e) => e.key.toLowerCase() === 'name')?.value;
  const written = name ? text.slice(name.range.start, name.range.end) : '';
  const literal = /^"([^"\\[\]']+)"$/.exec(written)?.[1];
  const expression = /^"\[(?!\[)(.+)\]"$/s.exec(written)?.[1] ?? (literal && `'${literal}'`);
  // listRegistrationTokens exists from API version 2023-09-05.
  const version = pool.apiVersion && /^\d{4}-\d\d-\d\d(-preview)?$/.test(pool.apiVersion) && pool.apiVersion >= '2023-09-05' ? pool.apiVersion : '2023-09-05';
  if (!expression || expression.includes('\n')) return undefined;
  const reference = `[listRegistrationTokens(resourceId('Microsoft.DesktopVirtualization/hostPools', ${expression}), '${version}').value[0].token]`;
  return [{ uri: doc.uri, range: { start: at.start - 1, end: at.end + 1 }, newText: `"${reference}"` }];
}
