import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AvdsecConfig, emptyConfig, parseConfig } from '../../server/src/engine/config';
import type { Grammars } from '../../server/src/engine/parse';
import { loadGrammars } from '../../server/src/host/grammars';
import { RULE_IDS } from '../../server/src/engine/registry';
import { Workspace } from '../../server/src/engine/workspace';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

export function grammars(): Promise<Grammars> {
  return loadGrammars(path.join(ROOT, 'grammars'));
}

/** Engine URIs in tests are forward-slash absolute paths, as the CLI makes them. */
export function uriOf(file: string): string {
  return file.split(path.sep).join('/');
}

export function readConfig(dir: string): AvdsecConfig {
  const file = path.join(dir, '.avdsec.json');
  if (!fs.existsSync(file)) return emptyConfig();
  const { config, problems } = parseConfig(fs.readFileSync(file, 'utf8'), RULE_IDS);
  if (problems.length) throw new Error(`${file}: ${problems.map((p) => p.message).join('; ')}`);
  return config;
}

/** A workspace of the given files, with their texts (possibly rewritten, e.g. markers stripped). */
export async function workspaceOf(files: Map<string, string>): Promise<Workspace> {
  const ws = new Workspace(await grammars());
  for (const [file, text] of files) ws.set(uriOf(file), text);
  return ws;
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}
