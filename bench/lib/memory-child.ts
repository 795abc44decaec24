/**
 * Child process of memory.bench.ts (run with --expose-gc): 10,000 edits on one Workspace, as an editor session sends
 * them (incremental changes; findings of the edited file after every 4th, as a debouncing server asks), with memory
 * sampled after full GCs.
 * Prints one JSON line: { samples: [{ edits, live, heapUsed, external, rss }], hwm }.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TextChange } from '../../server/src/engine/workspace';
import { engine, GRAMMARS } from './bundle';
import { procMemory } from './measure';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
/** Findings are asked after every 4th edit: a 200 ms debounce with a keystroke every 50 ms. */
const CHECK_EVERY = 4;

interface Edited {
  uri: string;
  text: string;
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 10_000);
  const every = Number(process.argv[3] ?? 1000);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const { Workspace, emptyConfig, loadGrammars } = engine();
  const grammars = await loadGrammars(GRAMMARS);
  const ws = new Workspace(grammars);
  const config = emptyConfig();
  const files: Edited[] = [];
  for (const rel of [
    'bicep/main.bicep',
    'arm/azuredeploy.json',
    'terraform/main.tf',
    'terraform/variables.tf',
    'terraform/rbac.tf',
    'terraform/providers.tf',
  ]) {
    const uri = `/bench/memory/${rel}`;
    const text = fs.readFileSync(path.join(EXAMPLES, rel), 'utf8');
    ws.set(uri, text);
    // Edited: the files with an RDP string (characters are typed into it) or the host pool's name.
    if (text.includes('audiomode:i:0')) files.push({ uri, text });
  }
  for (const u of ws.uris()) ws.findings(u, config);

  const samples: { edits: number; live: number; heapUsed: number; external: number; rss: number }[] = [];
  const sample = (edits: number) => {
    gc();
    gc();
    const m = process.memoryUsage();
    samples.push({ edits, live: m.heapUsed + m.external, heapUsed: m.heapUsed, external: m.external, rss: m.rss });
  };
  const versions = new Map<string, number>();
  let sinceCheck = 0;
  const apply = (f: Edited, change: TextChange) => {
    f.text = f.text.slice(0, change.start) + change.newText + f.text.slice(change.oldEnd);
    const v = (versions.get(f.uri) ?? 0) + 1;
    versions.set(f.uri, v);
    ws.set(f.uri, f.text, v, [change]);
    // An editor's server debounces: while the user types, it checks after some of the edits, not each.
    if (++sinceCheck >= CHECK_EVERY) {
      sinceCheck = 0;
      ws.findings(f.uri, config);
    }
  };
  const inserted = new Set<Edited>();
  for (let k = 1; k <= total; k++) {
    const f = files[k % files.length];
    const round = Math.floor(k / files.length);
    const name = f.text.indexOf('hp-finance-poo');
    if (round % 50 === 25 && name >= 0) {
      // Rename the host pool, and back 50 rounds later: links change, so the graph is built again.
      const now = f.text.slice(name, name + 17);
      apply(f, { start: name, oldEnd: name + 17, newText: now === 'hp-finance-pooled' ? 'hp-finance-poolex' : 'hp-finance-pooled' });
    } else {
      // Type a character into the RDP string, then delete it the next time: the text stays the same size.
      const at = f.text.indexOf('audiomode:i:0');
      if (inserted.delete(f)) apply(f, { start: at - 1, oldEnd: at, newText: '' });
      else {
        inserted.add(f);
        apply(f, { start: at, oldEnd: at, newText: 'x' });
      }
    }
    if (k === Math.min(500, total) || k % every === 0) sample(k);
  }
  process.stdout.write(JSON.stringify({ samples, hwm: procMemory()?.hwm }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
