/**
 * Scans a folder of real AVD code and prints what avdsec makes of it, per language: files, files with parse errors,
 * findings per rule, how often the values the headline rules read are unknown, and time.
 *
 *   npm run corpus -- <folder> [--json]
 */
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import { typeIs } from '../server/src/engine/graph';
import type { Value } from '../server/src/engine/model';
import { loadGrammars } from '../server/src/host/grammars';
import { cases, get, isKnown } from '../server/src/engine/values';
import { Workspace } from '../server/src/engine/workspace';
import { discoverFiles, readSourceFile } from '../server/src/host/files';

interface LanguageStats {
  files: number;
  parseErrors: number;
  unreadable: number;
}

/** The properties the headline rules read, by resource type. */
const WATCHED: [string, string[]][] = [
  ['microsoft.desktopvirtualization/hostpools', ['properties', 'hostPoolType']],
  ['microsoft.desktopvirtualization/hostpools', ['properties', 'customRdpProperty']],
  ['microsoft.authorization/roleassignments', ['properties', 'roleDefinitionId']],
  ['microsoft.authorization/roleassignments', ['scope']],
];

function known(v: Value): boolean {
  return cases(v).every((c) => isKnown(c.value) || c.value.kind === 'ref' || c.value.kind === 'object');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const dirs = args.filter((a) => !a.startsWith('--'));
  if (!dirs.length) {
    console.error('usage: npm run corpus -- <folder> [--json]');
    process.exit(2);
  }
  const started = performance.now();
  const ws = new Workspace(await loadGrammars(path.join(__dirname, '..', 'grammars')));
  const { files } = await discoverFiles(dirs, process.cwd());
  const stats = new Map<string, LanguageStats>();
  const slot = (lang: string) => {
    let s = stats.get(lang);
    if (!s) stats.set(lang, (s = { files: 0, parseErrors: 0, unreadable: 0 }));
    return s;
  };
  const crashes: string[] = [];
  const parseErrorFiles: string[] = [];
  for (const f of files) {
    const r = readSourceFile(f);
    if (!r.ok) {
      slot(path.extname(f) || 'other').unreadable++;
      continue;
    }
    try {
      ws.set(f.split(path.sep).join('/'), r.text);
    } catch (e) {
      crashes.push(`${f}: ${(e as Error).message}`);
    }
  }
  const readMs = performance.now() - started;
  const byRule = new Map<string, number>();
  const unresolved = { registry: 0, missing: 0 };
  const watched = WATCHED.map(([type, p]) => ({ what: `${type.split('/')[1]}.${p.join('.')}`, total: 0, unknown: 0 }));
  for (const uri of ws.uris()) {
    try {
      const doc = ws.document(uri)!;
      const s = slot(doc.language);
      s.files++;
      if (doc.syntaxErrors.length) {
        s.parseErrors++;
        parseErrorFiles.push(`${uri}: ${doc.syntaxErrors[0].message}`);
      }
      unresolved.registry += doc.facts.unresolvedModules?.length ?? 0;
      for (const input of doc.facts.inputs ?? [])
        if (!input.targets.some((t) => (t.endsWith('/') ? ws.uris().some((u) => u.startsWith(t)) : ws.has(t)))) unresolved.missing++;
      for (const r of doc.resources) {
        WATCHED.forEach(([type, p], i) => {
          if (!typeIs(r, type) || r.source.existing) return;
          const v = get(r.body, ...p);
          if (!v) return;
          watched[i].total++;
          if (!known(v)) watched[i].unknown++;
        });
      }
      for (const f of ws.findings(uri, emptyConfig())) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    } catch (e) {
      crashes.push(`${uri}: ${(e as Error).stack ?? e}`);
    }
  }
  const totalMs = performance.now() - started;
  const report = {
    folders: dirs,
    languages: Object.fromEntries([...stats].sort()),
    findings: Object.fromEntries([...byRule].sort()),
    unknownRate: watched.map((w) => ({ property: w.what, values: w.total, unknown: w.unknown, rate: w.total ? +(w.unknown / w.total).toFixed(3) : 0 })),
    unresolvedModules: unresolved,
    crashes,
    parseErrorFiles,
    timeMs: { read: Math.round(readMs), total: Math.round(totalMs) },
  };
  if (json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`avdsec corpus: ${dirs.join(', ')}`);
    console.log('\nlanguage        files  parse errors  unreadable');
    for (const [lang, s] of Object.entries(report.languages))
      console.log(`${lang.padEnd(14)} ${String(s.files).padStart(6)} ${String(s.parseErrors).padStart(13)} ${String(s.unreadable).padStart(11)}`);
    console.log('\nfindings per rule');
    for (const [rule, n] of Object.entries(report.findings)) console.log(`  ${rule.padEnd(34)} ${n}`);
    console.log('\nunknown values the headline rules read');
    for (const u of report.unknownRate) console.log(`  ${u.property.padEnd(40)} ${u.unknown}/${u.values} unknown (${(u.rate * 100).toFixed(1)}%)`);
    console.log(`\nmodule references not followed: ${unresolved.registry} registry or remote, ${unresolved.missing} local targets not in the folder`);
    console.log(`\ncrashes: ${crashes.length}`);
    for (const c of crashes) console.log(`  ${c}`);
    if (parseErrorFiles.length) console.log('\nfiles with parse errors');
    for (const p of parseErrorFiles) console.log(`  ${p}`);
    console.log(`\ntime: ${report.timeMs.total} ms (reading ${report.timeMs.read} ms)`);
  }
  process.exit(crashes.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
