import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adaptBicep } from '../../server/src/engine/adapters/bicep/adapter';
import { bicepLinkNeutralEdit } from '../../server/src/engine/adapters/bicep/link-neutral';
import { parseBicep, Segment } from '../../server/src/engine/adapters/bicep/parser';
import { patchBicep } from '../../server/src/engine/adapters/bicep/patch';
import type { Program, StringExpression } from '../../server/src/engine/adapters/bicep/syntax';
import { walk } from '../../server/src/engine/adapters/bicep/visit';
import { emptyConfig } from '../../server/src/engine/config';
import type { TextChange } from '../../server/src/engine/text-changes';
import { Workspace } from '../../server/src/engine/workspace';
import { FIXTURES, grammars } from '../harness/engine';

/** Everything a reader of the tree can see: nodes, places, decoded strings and their source maps, tokens, trivia. */
function shape(p: Program): string {
  const { count, types, starts, ends } = p.tokens;
  const maps: string[] = [];
  const segments = (v: unknown): void => {
    if (v instanceof Segment) maps.push(`${v.verbatim} ${v.offsets.join(',')}`);
    else if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) for (const k in v) segments((v as Record<string, unknown>)[k]);
  };
  segments(p.statements);
  return [
    JSON.stringify({ statements: p.statements, comments: p.comments, directives: p.directives, eof: p.eof, end: p.end }),
    Array.from(types.subarray(0, count)).join(','),
    Array.from(starts.subarray(0, count)).join(','),
    Array.from(ends.subarray(0, count)).join(','),
    maps.join('\n'),
  ].join('\n');
}

const apply = (text: string, c: TextChange) => text.slice(0, c.start) + c.newText + text.slice(c.oldEnd);

/** The plain strings of a file whose content an edit could patch: non-empty, single-line, no interpolation. */
function strings(program: Program): StringExpression[] {
  const out: StringExpression[] = [];
  walk(program, (n) => {
    if (n.kind === 'string' && !n.expressions.length && !n.multiline && !n.unterminated && n.end - n.start > 2) out.push(n);
  });
  return out;
}

/** Edits of a string's content: typing at its start, middle and end, deleting, replacing, pasting a longer text. */
function editsOf(s: StringExpression): TextChange[] {
  const a = s.start + 1;
  const b = s.end - 1;
  const mid = (a + b) >> 1;
  return [
    { start: a, oldEnd: a, newText: 'x' },
    { start: mid, oldEnd: mid, newText: 'y' },
    { start: b, oldEnd: b, newText: 'z' },
    { start: mid, oldEnd: mid + 1, newText: '' },
    { start: a, oldEnd: b, newText: 'replaced:i:1;' },
    { start: mid, oldEnd: mid + 1, newText: '\u00e9\u{1F600}' },
  ].filter((c) => c.oldEnd <= b);
}

const bicepFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? bicepFiles(p) : e.name.endsWith('.bicep') ? [p] : [];
  });

describe('Bicep: a tree patched after typing in a string (patchBicep)', () => {
  it('equals the tree parsed again, for edits of the link-neutral strings of every fixture', function () {
    this.timeout(60_000);
    let patched = 0;
    let declined = 0;
    const seen = new Set<string>();
    for (const file of bicepFiles(FIXTURES)) {
      const text = fs.readFileSync(file, 'utf8');
      if (seen.has(text)) continue;
      seen.add(text);
      const probe = parseBicep(text);
      if (probe.errors.length) continue;
      // The strings the graph does not link by, and a few it does (declined): a few of each per file keeps it quick.
      const all = strings(probe);
      const neutral = all.filter((s) => bicepLinkNeutralEdit(probe, s.start + 1, s.start + 1));
      const linked = all.filter((s) => !neutral.includes(s));
      for (const s of [...neutral.slice(0, 1), ...linked.slice(0, 1)]) {
        for (const edit of neutral.includes(s) ? editsOf(s) : editsOf(s).slice(0, 1)) {
          const before = parseBicep(text);
          const after = apply(text, edit);
          const tree = patchBicep(before, after, edit);
          if (!tree) {
            declined++;
            // Declined only when the string is one the graph links by, or the edit is not plain.
            assert.ok(
              !bicepLinkNeutralEdit(parseBicep(text), edit.start, edit.oldEnd) || /['\\${}\r\n]/.test(text.slice(edit.start, edit.oldEnd)),
              `${file}: declined ${JSON.stringify(edit)}`,
            );
            continue;
          }
          patched++;
          assert.equal(tree.text, after);
          assert.ok(before.stale && !tree.stale);
          assert.equal(shape(tree), shape(parseBicep(after)), `${path.relative(FIXTURES, file)}: ${JSON.stringify(edit)} in ${text.slice(s.start, s.end)}`);
          // The next keystroke patches the patched tree (moved by the lists of places the first patch found).
          const second = { start: edit.start, oldEnd: edit.start, newText: 'w' };
          const again = patchBicep(tree, apply(after, second), second);
          assert.ok(again, `${path.relative(FIXTURES, file)}: a second edit after ${JSON.stringify(edit)}`);
          assert.equal(shape(again), shape(parseBicep(apply(after, second))), `${path.relative(FIXTURES, file)}: a second edit after ${JSON.stringify(edit)}`);
        }
      }
    }
    // The fixtures type into many RDP strings and descriptions, and decline names, types and module paths.
    assert.ok(patched > 2000, `patched ${patched}`);
    assert.ok(declined > 300, `declined ${declined}`);
  });

  it('keeps escapes, and lets a second edit patch the patched tree', () => {
    const text =
      "resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp'\n  properties: {\n    description: 'it\\'s \\u{1F600} shared'\n    customRdpProperty: 'audiomode:i:0;'\n  }\n}\n";
    let tree = parseBicep(text);
    let now = text;
    for (const edit of [
      { start: text.indexOf('shared'), oldEnd: text.indexOf('shared'), newText: 'very ' },
      { start: text.indexOf('audiomode') + 11, oldEnd: text.indexOf('audiomode') + 12, newText: '2' },
    ]) {
      const at = edit.start + (now.length - text.length);
      const c = { ...edit, start: at, oldEnd: at + (edit.oldEnd - edit.start) };
      now = apply(now, c);
      const next = patchBicep(tree, now, c);
      assert.ok(next, `patched ${JSON.stringify(c)}`);
      assert.equal(shape(next), shape(parseBicep(now)));
      tree = next;
    }
    assert.ok(tree.statements.length === 1 && now.includes("'it\\'s \\u{1F600} very shared'"));
  });

  it('declines names, module paths, parameter files and trees with errors', () => {
    const text =
      "module m './hosts.bicep' = {\n  name: 'hosts'\n  params: { rdp: 'x' }\n}\nresource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp'\n}\n";
    for (const needle of ['hosts.bicep', "'hosts'", "'hp'", 'DesktopVirtualization']) {
      const at = text.indexOf(needle) + 2;
      assert.equal(
        patchBicep(parseBicep(text), apply(text, { start: at, oldEnd: at, newText: 'q' }), { start: at, oldEnd: at, newText: 'q' }),
        undefined,
        needle,
      );
    }
    const broken = text.replace("name: 'hp'", "name: 'hp'\n  properties: { description: 'a' ");
    const at = broken.indexOf("'a'") + 1;
    assert.equal(patchBicep(parseBicep(broken), apply(broken, { start: at, oldEnd: at, newText: 'q' }), { start: at, oldEnd: at, newText: 'q' }), undefined);
  });

  it('leaves the document read from the tree before the edit unknown where it had not read it yet', () => {
    const text =
      "resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp'\n  properties: {\n    customRdpProperty: 'audiomode:i:0;'\n  }\n}\n";
    const tree = parseBicep(text);
    const old = adaptBicep('file:///m.bicep', text, 1, 'bicep', { program: tree });
    const entry = (key: string) => old.resources[0].body.entries.find((e) => e.key === key)?.value;
    const name = entry('name');
    assert.ok(name?.kind === 'string' && name.parts[0].kind === 'text' && name.parts[0].text === 'hp');
    const at = text.indexOf('audiomode') + 11;
    const edit = { start: at, oldEnd: at + 1, newText: '2' };
    assert.ok(patchBicep(tree, apply(text, edit), edit));
    // What was read stays; what was not is unknown, not the new text read at the old version's places.
    assert.equal(entry('name'), name);
    assert.equal(entry('properties')?.kind, 'unknown');
  });

  it('a workspace typing into an RDP string patches the tree and finds what a fresh workspace finds', async () => {
    const g = await grammars();
    const text = fs.readFileSync(path.join(FIXTURES, 'rules', 'rdp-clipboard-redirection', 'bicep-pooled', 'main.bicep'), 'utf8');
    const uri = '/ws/main.bicep';
    const ws = new Workspace(g);
    try {
      ws.set(uri, text);
      const config = emptyConfig();
      ws.findings(uri, config);
      const at = text.indexOf('redirectclipboard:i:') + 'redirectclipboard:i:'.length;
      let now = text;
      for (const [k, c] of ['0', '1'].entries()) {
        const edit = { start: at, oldEnd: at + 1, newText: c };
        now = apply(now, edit);
        const tree = (ws as unknown as { files: Map<string, { bicep?: Program }> }).files.get(uri)!.bicep!;
        ws.set(uri, now, k + 2, [edit]);
        assert.ok(tree.stale, 'the tree was patched, not parsed again');
        const fresh = new Workspace(g);
        try {
          fresh.set(uri, now);
          const seen = (w: Workspace) => w.findings(uri, config).map((f) => [f.ruleId, f.range, f.message].join(' '));
          assert.deepEqual(seen(ws), seen(fresh));
        } finally {
          fresh.dispose();
        }
      }
    } finally {
      ws.dispose();
    }
  });
});
