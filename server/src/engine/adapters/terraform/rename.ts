import type { SyntaxNode as Node } from './syntax';
import type { Document, Range, TextEdit } from '../../model';
import { bodyOf, type HclAttribute, items, namedChildren, nodeRange } from './hcl';
import type { TerraformProject } from './project';

/** What one file of a module directory declares in its `locals` blocks, and where it reads `local.<name>`. */
function localsOf(root: Node): { declared: HclAttribute[]; reads: Map<string, Range[]> } {
  const declared = items(bodyOf(root))
    .blocks.filter((b) => b.type === 'locals' && !b.labels.length)
    .flatMap((b) => items(b.body).attributes);
  const reads = new Map<string, Range[]>();
  // A stack, not recursion: a chain of operators makes a tree as deep as it is long.
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'variable_expr' && n.text === 'local') {
      const attr = n.nextNamedSibling;
      const id = attr?.type === 'get_attr' ? namedChildren(attr).find((c) => c.type === 'identifier') : undefined;
      // `local` alone, or `local[...]`: a read avdsec cannot name.
      if (!id) reads.set('', [...(reads.get('') ?? []), nodeRange(n)]);
      else reads.set(id.text, [...(reads.get(id.text) ?? []), nodeRange(id)]);
    }
    for (const c of namedChildren(n)) stack.push(c);
  }
  return { declared, reads };
}

/**
 * Renames the local whose value holds `offset`, in its `locals` block and at every `local.<name>` of the file
 * (Printer.renameLocal). Locals belong to the module directory: not when another file of it that avdsec read uses the
 * local, declares the new name or reads it, nor when a file of it does not parse.
 */
export function renameTerraformLocal(
  project: TerraformProject,
  doc: Document,
  offset: number,
  rename: (name: string) => string | undefined,
): TextEdit[] | undefined {
  const root = doc.language === 'terraform' ? project.tree(doc.uri)?.rootNode : undefined;
  if (!root || root.hasError) return undefined;
  const own = localsOf(root);
  const decl = own.declared.find((a) => a.value.startIndex <= offset && offset < a.value.endIndex);
  if (!decl) return undefined;
  const name = decl.name;
  const to = rename(name);
  if (!to || to === name || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(to)) return undefined;
  if (own.declared.some((a) => a !== decl && (a.name === name || a.name === to)) || own.reads.has(to) || own.reads.has('')) return undefined;
  for (const uri of project.siblings(doc.uri)) {
    if (!uri.endsWith('.tf')) continue;
    const other = project.tree(uri)?.rootNode;
    if (!other || other.hasError) return undefined;
    const theirs = localsOf(other);
    if (theirs.declared.some((a) => a.name === name || a.name === to) || theirs.reads.has(name) || theirs.reads.has(to) || theirs.reads.has(''))
      return undefined;
  }
  return [nodeRange(decl.nameNode), ...(own.reads.get(name) ?? [])].map((range) => ({ uri: doc.uri, range, newText: to }));
}
