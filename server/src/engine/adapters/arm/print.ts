import { findNodeAtOffset, getNodePath } from 'jsonc-parser';
import { modifyJson } from '../../json-edit';
import type { Document, Resource, TextEdit } from '../../model';
import type { Printer } from '../../printer';
import { parseJson } from './json';

function indentation(text: string): { insertSpaces: boolean; tabSize: number } {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return { insertSpaces: true, tabSize: 2 };
  if (m[1].startsWith('\t')) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: Math.min(m[1].length, 8) };
}

export const armPrinter: Printer = {
  escapeStringText(text: string): string {
    return JSON.stringify(text).slice(1, -1);
  },

  addProperty(doc: Document, resource: Resource, path: string[], value: string | number | boolean): TextEdit[] | undefined {
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

  lineComment: '//',

  suppressionComment(ruleId: string): string {
    return `// avdsec-disable-next-line ${ruleId}`;
  },
};
