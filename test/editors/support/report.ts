import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './vsix';

/** The overview's sections, in the order every form of it shows them (server/src/engine/overview.ts). */
export const SECTION_TITLES = [
  'Trust level',
  'Identity',
  'Authentication',
  'RDP redirections',
  'Network path',
  'Session host hardening',
  'Secrets',
  'Monitoring',
];
/** The columns of the report's summary table: the pool, then one per section. */
export const SUMMARY_HEADS = [
  'Host pool',
  'Declared at',
  'Type',
  'Findings',
  'Trust',
  'Identity',
  'Auth',
  'Redirection',
  'Network',
  'Hosts',
  'Secrets',
  'Logs',
];

/** A host pool as the Markdown report's summary table lists it: what the HTML report and the editor are held to. */
export interface ReportedPool {
  /** As written, without quotes (hp-finance), or how it is named ("(named by parameter x)"). */
  name: string;
  /** Relative to the folder the report was made in, forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  type: string;
  /** "1 error, 3 warnings, 5 infos, 4 hints" or "no findings". */
  findings: string;
  /** The state of each section, in SECTION_TITLES order: "error", "good", "unknown", "not in this code"... */
  sections: string[];
}

/** Runs the built CLI's `report` in `cwd`; returns its standard output. */
export function report(cwd: string, args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'report', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`avdsec report ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** The host pools under `target`, from the summary table of `avdsec report --format markdown` run in `cwd`. */
export function reportedPools(cwd: string, target = '.'): ReportedPool[] {
  const md = report(cwd, [target, '--format', 'markdown']);
  const pools: ReportedPool[] = [];
  for (const row of md.split('\n')) {
    const m = /^\| (.+?) \| \[.+?\]\((.+?)#L(\d+)\) \| ([^|]+) \| ([^|]+) \|(.*)\|$/.exec(row);
    if (!m) continue;
    // Each section's cell is an icon and the state's words ("🔴 error", "➖ not in this code").
    const sections = m[6].split('|').map((c) => c.trim().replace(/^\S+\s+/, ''));
    pools.push({ name: m[1].replace(/\\(.)/g, '$1'), file: decodeURI(m[2]), line: Number(m[3]), type: m[4].trim(), findings: m[5].trim(), sections });
  }
  return pools;
}
