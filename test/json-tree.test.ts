import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Node, type ParseError, parseTree } from 'jsonc-parser';
import { parseJson } from '../server/src/engine/adapters/arm/json';

/** Every .json file under `dir`. */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFiles(p));
    else if (entry.name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** Where two trees differ, as a path and the two values; undefined when they are the same node for node. */
function difference(a: Node | undefined, b: Node | undefined, at = '$'): string | undefined {
  if (!a || !b) return a === b ? undefined : `${at}: ${a ? 'node' : 'none'} against ${b ? 'node' : 'none'}`;
  for (const k of ['type', 'offset', 'length', 'value', 'colonOffset'] as const)
    if (a[k] !== b[k]) return `${at}.${k}: ${String(a[k])} against ${String(b[k])}`;
  if (!!a.children !== !!b.children) return `${at}.children: ${!!a.children} against ${!!b.children}`;
  const ka = a.children ?? [];
  const kb = b.children ?? [];
  if (ka.length !== kb.length) return `${at}.children.length: ${ka.length} against ${kb.length}`;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i].parent !== a) return `${at}[${i}].parent is not its parent`;
    const d = difference(ka[i], kb[i], `${at}[${i}]`);
    if (d) return d;
  }
  return undefined;
}

const OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true };

function check(text: string, label: string): void {
  const raw: ParseError[] = [];
  const expected = parseTree(text, raw, OPTIONS);
  const { root, errors } = parseJson(text);
  assert.equal(difference(root, expected), undefined, label);
  assert.equal(root?.parent, undefined, label);
  assert.deepEqual(
    errors.map((e) => e.range.start),
    raw.map((e) => e.offset),
    label,
  );
}

describe('ARM JSON tree', () => {
  const files = jsonFiles(path.join(__dirname, 'fixtures'));

  it('is the tree jsonc-parser builds, node for node, on every JSON fixture', () => {
    assert.ok(files.length > 100, `${files.length} fixtures`);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      // parseJson blanks a leading BOM; parseTree reads it as a symbol.
      check(text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text, f);
    }
  });

  it('is the same on broken text: cut anywhere, a character dropped, a quote or a bracket typed', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const samples = files.filter((f) => fs.statSync(f).size < 20_000).slice(0, 60);
    let checked = 0;
    for (const f of samples) {
      const text = fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, ' ');
      for (let k = 0; k < 12; k++) {
        const at = random(text.length + 1);
        const variants = [
          text.slice(0, at),
          text.slice(0, at) + text.slice(at + 1),
          text.slice(0, at) + '"' + text.slice(at),
          text.slice(0, at) + '{' + text.slice(at),
          text.slice(0, at) + ',]' + text.slice(at),
        ];
        for (const v of variants) check(v, `${f} at ${at}`);
        checked += variants.length;
      }
    }
    for (const v of ['', '   ', '{', '[', '{"a"', '{"a":', '{"a": 1,', '[1,,2]', '{"a" 1}', '{,}', '// only\n', '"x"', '1 2', '{"a": {"b": [1, {"c": }]}}'])
      check(v, JSON.stringify(v));
    assert.ok(checked > 1000, `${checked} texts`);
  });
});
