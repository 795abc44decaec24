/**
 * Compares avdsec's findings on Bicep sources and on the ARM templates compiled from them.
 *
 *   npx tsx --require ./test/setup.cjs scripts/agreement.ts <bicep folders, comma-separated> <compiled ARM folders> [--only-bicep <prefix>]
 *
 * Each side is scanned as its own workspace (with the folders its files need: modules, parameters files). Findings
 * are compared by rule, level, resource type and deployed name, and property; the agreement rate is the share of
 * findings, over both sides, that have a counterpart on the other side.
 */
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import { resourceName } from '../server/src/engine/graph';
import { detectLanguage } from '../server/src/engine/parse';
import { loadGrammars } from '../server/src/host/grammars';
import { knownString } from '../server/src/engine/values';
import { Workspace } from '../server/src/engine/workspace';
import { discoverFiles, readSourceFile } from '../server/src/host/files';

async function findings(root: string, only: string[] | undefined, side: 'bicep' | 'arm'): Promise<string[]> {
  const ws = new Workspace(await loadGrammars(path.join(__dirname, '..', 'grammars')));
  const { files } = await discoverFiles(root.split(','), process.cwd());
  for (const f of files) {
    const r = readSourceFile(f);
    // The Bicep side reads no ARM template and the ARM side only JSON, so that folders holding both compare cleanly.
    if (!r.ok || (side === 'arm' ? !/\.jsonc?$/i.test(f) : detectLanguage(f, r.text) === 'arm')) continue;
    ws.set(f.split(path.sep).join('/'), r.text);
  }
  const graph = ws.graph();
  const out: string[] = [];
  for (const uri of ws.uris()) {
    if (only && !only.some((o) => uri.startsWith(o))) continue;
    for (const f of ws.findings(uri, emptyConfig())) {
      const [, key, property] = f.key.split('|');
      const r = graph.byKey.get(key);
      const name = r ? `${r.type.toLowerCase()}:${knownString(resourceName(r))?.toLowerCase() ?? '(computed)'}` : key;
      out.push(`${f.ruleId} ${f.level} ${name} ${property ?? ''}`);
    }
  }
  return out.sort();
}

function multisetDiff(a: string[], b: string[]): { matched: number; onlyA: string[]; onlyB: string[] } {
  const rest = [...b];
  const onlyA: string[] = [];
  let matched = 0;
  for (const x of a) {
    const i = rest.indexOf(x);
    if (i >= 0) {
      rest.splice(i, 1);
      matched++;
    } else onlyA.push(x);
  }
  return { matched, onlyA, onlyB: rest };
}

async function main(): Promise<void> {
  const [bicepRoot, armRoot, ...rest] = process.argv.slice(2);
  if (!bicepRoot || !armRoot) {
    console.error('usage: agreement.ts <bicep folder> <arm folder> [--only-bicep <prefix>] [--only-arm <prefix>]');
    process.exit(2);
  }
  const opt = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0
      ? [
          path
            .resolve(rest[i + 1])
            .split(path.sep)
            .join('/'),
        ]
      : undefined;
  };
  const bicep = await findings(bicepRoot, opt('--only-bicep'), 'bicep');
  const arm = await findings(armRoot, opt('--only-arm'), 'arm');
  const d = multisetDiff(bicep, arm);
  const total = bicep.length + arm.length;
  console.log(`Bicep findings: ${bicep.length}, ARM findings: ${arm.length}, matched pairs: ${d.matched}`);
  console.log(`agreement: ${total ? (((2 * d.matched) / total) * 100).toFixed(1) : '100.0'}%`);
  for (const x of d.onlyA) console.log(`  only in Bicep: ${x}`);
  for (const x of d.onlyB) console.log(`  only in ARM:   ${x}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
