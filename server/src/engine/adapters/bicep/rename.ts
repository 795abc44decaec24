import type { Document, Range, TextEdit } from '../../model';
import { decoratorName } from './adapter';
import { parseBicep } from './parser';
import type { Node, VarDeclaration } from './syntax';
import { walk } from './visit';

/** The names a node declares in the file or in a part of it (statements, lambda parameters, loop variables, import aliases). */
function declared(n: Node): string[] {
  switch (n.kind) {
    case 'param':
    case 'paramAssignment':
    case 'var':
    case 'type':
    case 'func':
    case 'output':
    case 'resource':
    case 'module':
    case 'test':
    case 'metadata':
    case 'assert':
      return [n.name.name];
    case 'lambda':
      return n.params.map((p) => p.name);
    case 'typedParameter':
      return [n.name.name];
    case 'for':
      return [n.item.name, ...(n.index ? [n.index.name] : [])];
    case 'importedSymbol':
      return n.alias ? [n.alias.name] : n.name.kind === 'identifier' ? [n.name.name] : [];
    case 'wildcardImport':
    case 'extension':
      return n.alias ? [n.alias.name] : [];
    default:
      return [];
  }
}

/**
 * Renames the `var` whose value holds `offset`, at its declaration and every use (Printer.renameLocal). Not an exported
 * one (`@export()`: other files import it), nor in a file that does not parse, nor when another declaration of the file
 * (a lambda parameter, a loop variable) has the old or the new name, or the new name is read anywhere.
 */
export function renameBicepVariable(doc: Document, offset: number, rename: (name: string) => string | undefined): TextEdit[] | undefined {
  const program = parseBicep(doc.text, { params: doc.language === 'bicepparam' });
  if (program.errors.length) return undefined;
  const decl = program.statements.find((s): s is VarDeclaration => s.kind === 'var' && !s.name.missing && s.value.start <= offset && offset < s.value.end);
  if (!decl || decl.decorators.some((d) => decoratorName(d) === 'export')) return undefined;
  const name = decl.name.name;
  const to = rename(name);
  if (!to || to === name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(to)) return undefined;
  const uses: Range[] = [decl.name];
  let safe = true;
  walk(program, (n) => {
    if (!safe) return false;
    if (n.kind === 'variableAccess') {
      if (n.name === to) safe = false;
      else if (n.name === name) uses.push(n);
    }
    for (const d of declared(n)) if (d === to || (d === name && n !== decl)) safe = false;
  });
  if (!safe || uses.some((u) => doc.text.slice(u.start, u.end) !== name)) return undefined;
  return uses.map((u) => ({ uri: doc.uri, range: { start: u.start, end: u.end }, newText: to }));
}
