// What the editor tests check, per language: edit here when the examples move or grow.
// Paths are relative to the repository's examples/ folder, which each test copies to a temporary folder first.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './support/vsix';

export const HEADLINE_RULES = ['pooled-host-local-admin', 'host-pool-sso-disabled', 'mfa-conditional-access-missing'];

export interface EditorCase {
  language: string;
  /** The file to open, relative to examples/ ("dir/*.ext": the file of dir that contains `hover.after`). */
  file: string;
  /** Rules that must be reported, with their messages, for the files of this file's folder. */
  rules: string[];
  /** The hover is asked for on the first `on` after the first `after` in the file (one character into `on`). */
  hover: { after: string; on: string };
}

export const CASES: EditorCase[] = [
  { language: 'ARM JSON', file: 'arm/azuredeploy.json', rules: HEADLINE_RULES, hover: { after: '"hostPoolType"', on: '"Pooled"' } },
  { language: 'Bicep', file: 'bicep/main.bicep', rules: HEADLINE_RULES, hover: { after: 'hostPoolType', on: "'Pooled'" } },
  { language: 'Terraform', file: 'terraform/*.tf', rules: HEADLINE_RULES, hover: { after: 'azurerm_virtual_desktop_host_pool', on: '"Pooled"' } },
];

/** The hover on a pooled host pool's type explains the multi-session boundary (server/src/engine/hover.ts). */
export const HOVER_TEXT = /Pooled host pool: many users share each multi-session host/;
export const SSO_RULE = 'host-pool-sso-disabled';
export const SSO_FIX_TITLE = 'Enable Microsoft Entra single sign-on';
export const SSO_FIXED_TEXT = 'enablerdsaadauth:i:1';

export const EXAMPLES = path.join(ROOT, 'examples');

/** The files avdsec reads, by extension. */
export const SOURCE_FILE = /\.(bicep|bicepparam|tf|tfvars|json|jsonc)$/;

/** A finding as `avdsec scan --format json` reports it: the editors must show what the engine finds. */
export interface Finding {
  ruleId: string;
  level: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  file: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/** Runs the built CLI over a folder; file paths in the findings are relative to it, with forward slashes. */
export function scan(dir: string): Finding[] {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'scan', '.', '--format', 'json', '--fail-on', 'never'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`avdsec scan failed (${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
}

/** 1-based line and UTF-16 column of an offset, as VS Code's status bar and the CLI count them. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** The case's file, relative to `workspace` with forward slashes, or undefined when it does not exist (yet). */
export function resolveCaseFile(workspace: string, c: EditorCase): string | undefined {
  if (!c.file.includes('*')) return fs.existsSync(path.join(workspace, c.file)) ? c.file : undefined;
  const dir = path.posix.dirname(c.file);
  const ext = path.posix.extname(c.file);
  const abs = path.join(workspace, dir);
  if (!fs.existsSync(abs)) return undefined;
  const hit = fs
    .readdirSync(abs)
    .filter((f) => f.endsWith(ext))
    .sort()
    .find((f) => fs.readFileSync(path.join(abs, f), 'utf8').includes(c.hover.after));
  return hit ? `${dir}/${hit}` : undefined;
}

/** Where to ask for the hover in a case's file: 1-based line and column. */
export function hoverPosition(workspace: string, file: string, c: EditorCase): { line: number; column: number } {
  const text = fs.readFileSync(path.join(workspace, file), 'utf8');
  const anchor = text.indexOf(c.hover.after);
  if (anchor < 0) throw new Error(`${c.hover.after} is not in examples/${file}`);
  const at = text.indexOf(c.hover.on, anchor);
  if (at < 0) throw new Error(`${c.hover.on} does not follow ${c.hover.after} in examples/${file}`);
  return lineColumn(text, at + 1);
}
