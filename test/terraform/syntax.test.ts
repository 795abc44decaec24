// The copy of tree-sitter's Terraform trees the adapter reads (SyntaxTree): the same nodes, with the same values, as
// web-tree-sitter's own Node gives, whichever walk copied it (the host's direct calls or the public TreeCursor).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Node, Tree } from 'web-tree-sitter';
import { guardHcl } from '../../server/src/engine/adapters/terraform/guard';
import { cursorWalk, type SyntaxNode, SyntaxTree } from '../../server/src/engine/adapters/terraform/syntax';
import type { Grammars } from '../../server/src/engine/parse';
import { grammars, listFiles, FIXTURES } from '../harness/engine';

/** Texts with what a copy must carry over: errors, missing tokens, comments, heredocs, templates, non-ASCII text. */
const CRAFTED = [
  '',
  'resource "azurerm_virtual_desktop_host_pool" "hp" {\n  name = "hp-ü-😀"\n  custom_rdp_properties = "drivestoredirect:s:*;"\n}\n',
  'locals {\n  a = { for k, v in var.m : k => v if v != null }\n  b = [for x in local.l : upper(x)]\n  c = var.x ? "a" : "b"\n}\n',
  'variable "x" {\n  default = <<-EOT\n    ${var.y} and %{ if true }yes%{ endif }\n  EOT\n}\n# a comment\n/* block */\n',
  'resource "a" "b" {\n  name = \n}\n',
  'resource "a" "b" {\n  tags = { a = "1", b = [1, 2,\n',
  'locals { x = (((1 + 2) * 3) }',
  'module "m" { source = "./m"\n  for_each = toset(["a"])\n  value = each.key\n',
  '}}}} ]]] resource "x" "y" { a = "b" }',
];

/** The crafted texts and the Terraform fixtures, as the adapter parses them (after the guard; hostile ones refused). */
function texts(): string[] {
  const fixtures = listFiles(FIXTURES)
    .filter((f) => /\.(tf|tfvars)$/.test(f))
    .map((f) => fs.readFileSync(f, 'utf8'));
  return [...CRAFTED, ...fixtures].flatMap((t) => {
    const guard = guardHcl(t);
    return guard.ok ? [guard.text] : [];
  });
}

function copy(g: Grammars, native: Tree, text: string, quick: boolean): SyntaxTree {
  const walk = quick ? g.walk(native, () => assert.fail('the host has no quick walk')) : cursorWalk(native);
  return new SyntaxTree(text, g.terraform.types, walk);
}

/** Compares a copied node with tree-sitter's, and their children, down the whole tree (a stack: trees can be deep). */
function same(root: SyntaxNode, nativeRoot: Node, label: string): void {
  const fields = (n: SyntaxNode | Node) => [n.type, n.startIndex, n.endIndex, n.isNamed, n.isMissing, n.hasError, n.text];
  const errors = nativeRoot.hasError;
  const stack: [SyntaxNode, Node, string][] = [[root, nativeRoot, label]];
  while (stack.length) {
    const [copied, node, where] = stack.pop()!;
    assert.deepEqual(fields(copied), fields(node), where);
    const kids = node.children.filter((c): c is Node => !!c);
    assert.equal(copied.children.length, kids.length, `${where}: children`);
    assert.deepEqual(
      copied.namedChildren.map((c) => c.startIndex),
      node.namedChildren.filter((c): c is Node => !!c).map((c) => c.startIndex),
      `${where}: named children`,
    );
    // tree-sitter's parent and next sibling are found by offsets, which error recovery's empty nodes throw off (a sibling
    // skipped or none found; in the web-tree-sitter pinned, reading them in such a tree can even corrupt its memory). The
    // copy follows the tree, and the adapter (print.ts, rename.ts) reads the copy's.
    if (!errors) {
      assert.equal(copied.nextNamedSibling?.startIndex, node.nextNamedSibling?.startIndex, `${where}: next named sibling`);
      assert.equal(copied.parent?.startIndex, node.parent?.startIndex, `${where}: parent`);
    }
    for (const c of copied.children) assert.deepEqual(fields(c.parent!), fields(copied), `${where}: parent of a child`);
    kids.forEach((k, i) => stack.push([copied.children[i]!, k, `${where}/${i}:${k.type}`]));
  }
}

describe('terraform: the copy of a syntax tree (SyntaxTree)', function () {
  let g: Grammars;
  before(async () => {
    g = await grammars();
  });

  for (const quick of [true, false]) {
    it(`has tree-sitter's nodes and values, copied by ${quick ? "the host's direct calls" : 'the public TreeCursor'}`, () => {
      const parser = g.newParser();
      let nodes = 0;
      for (const [k, text] of texts().entries()) {
        const native = parser.parse(text)!;
        try {
          const tree = copy(g, native, text, quick);
          nodes += tree.count();
          same(tree.rootNode, native.rootNode, `text ${k}`);
          assert.deepEqual(
            tree.rootNode.descendantsOfType('comment').map((c) => c.startIndex),
            native.rootNode.descendantsOfType('comment').map((c) => c.startIndex),
          );
          // Every offset of short texts, a sample of long ones: the innermost node there, as tree-sitter finds it. In a tree
          // with errors tree-sitter also weighs nodes it does not show (an empty one may lose to the error around it).
          if (native.rootNode.hasError) continue;
          const step = Math.max(1, Math.floor(text.length / 200));
          for (let i = 0; i <= text.length; i += step) {
            const a = tree.rootNode.descendantForIndex(i)!;
            const b = native.rootNode.descendantForIndex(i)!;
            assert.deepEqual([a.type, a.startIndex, a.endIndex], [b.type, b.startIndex, b.endIndex], `text ${k}, index ${i}`);
          }
        } finally {
          native.delete();
        }
      }
      parser.delete();
      assert.ok(nodes > 10_000, `only ${nodes} nodes compared`);
    });
  }

  it('is the same tree when made again from its arrays (a tree parsed on a worker thread)', () => {
    const parser = g.newParser();
    for (const [k, text] of texts().entries()) {
      const native = parser.parse(text)!;
      try {
        const arrays = structuredClone(copy(g, native, text, true).arrays());
        same(new SyntaxTree(text, g.terraform.types, arrays).rootNode, native.rootNode, `text ${k}`);
      } finally {
        native.delete();
      }
    }
    parser.delete();
  });
});
