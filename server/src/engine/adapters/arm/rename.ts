import type { Document, Range, TextEdit } from '../../model';
import { type JsonNode, nodeRange, parseJson, props } from './json';

/** `variables('name')` in an ARM expression, and any other call of variables() (a computed name). */
const READ = /\bvariables\s*\(\s*(?:'((?:[^']|'')*)'\s*\))?/gi;

/**
 * Renames the template variable whose value holds `offset`, at its key in `variables` and at every `variables('name')`
 * of the file's expressions (Printer.renameLocal). Names compare without case, as ARM compares them. Not when the file
 * does not parse, the name is declared in more than one `variables` object (nested templates with an inner scope), the
 * new name is declared or read, or an expression reads a variable by a computed name.
 */
export function renameArmVariable(doc: Document, offset: number, rename: (name: string) => string | undefined): TextEdit[] | undefined {
  if (doc.language !== 'arm') return undefined;
  const { root, errors } = parseJson(doc.text);
  if (!root || errors.length) return undefined;
  const declarations: { key: string; keyNode: JsonNode; value: JsonNode }[] = [];
  const expressions: JsonNode[] = [];
  const stack: JsonNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    // The variables of the template and of nested templates: objects that also hold `resources`.
    const entries = n.type === 'object' ? props(n) : [];
    const vars = entries.some((p) => p.key === 'resources') ? entries.find((p) => p.key === 'variables' && p.value.type === 'object') : undefined;
    if (vars) declarations.push(...props(vars.value));
    if (n.type === 'string' && typeof n.value === 'string' && n.value.startsWith('[') && !n.value.startsWith('[[')) expressions.push(n);
    for (const c of n.children ?? []) stack.push(c);
  }
  const decl = declarations.find((d) => d.value.offset <= offset && offset < d.value.offset + d.value.length);
  if (!decl) return undefined;
  const name = decl.key;
  const to = rename(name);
  // `copy` declares the variables of its loop, not one of its own.
  if (!to || to === name || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(to) || name.toLowerCase() === 'copy') return undefined;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (declarations.some((d) => d !== decl && (same(d.key, name) || same(d.key, to)))) return undefined;
  const keyRange = nodeRange(decl.keyNode);
  // The key as written between its quotes: only a plain one (no escapes).
  if (doc.text.slice(keyRange.start, keyRange.end) !== `"${name}"`) return undefined;
  const uses: Range[] = [{ start: keyRange.start + 1, end: keyRange.end - 1 }];
  for (const e of expressions) {
    const raw = doc.text.slice(e.offset, e.offset + e.length);
    for (const m of raw.matchAll(READ)) {
      if (m[1] === undefined) return undefined;
      if (same(m[1], to)) return undefined;
      if (!same(m[1], name)) continue;
      const at = e.offset + m.index! + m[0].indexOf("'") + 1;
      uses.push({ start: at, end: at + m[1].length });
    }
  }
  return uses.map((range) => ({ uri: doc.uri, range, newText: to }));
}
