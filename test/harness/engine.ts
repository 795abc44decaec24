import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AvdsecConfig, emptyConfig } from '../../server/src/engine/config';
import type { Grammars } from '../../server/src/engine/parse';
import { ConfigRoots, loadConfigFile } from '../../server/src/host/config-files';
import { loadGrammars } from '../../server/src/host/grammars';
import { Workspace } from '../../server/src/engine/workspace';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

/**
 * A pooled host pool in Bicep; `name` and `rdp` are Bicep expressions (a quoted string, a parameter's name), and no RDP
 * string is written when `rdp` is undefined. `symbol` names the resource (`hp`); `lines` are more lines of its
 * properties, before the RDP string.
 */
export const bicepHostPool = (name: string, rdp: string | undefined, o: { symbol?: string; lines?: readonly string[] } = {}) =>
  `resource ${o.symbol ?? 'hp'} 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: ${name}
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
${[...(o.lines ?? []), ...(rdp === undefined ? [] : [`customRdpProperty: ${rdp}`])].map((l) => `    ${l}\n`).join('')}  }
}
`;

export function grammars(): Promise<Grammars> {
  return loadGrammars(path.join(ROOT, 'grammars'));
}

/** Engine URIs in tests are forward-slash absolute paths, as the CLI makes them. */
export function uriOf(file: string): string {
  return file.split(path.sep).join('/');
}

/**
 * The configuration of a folder that is one workspace (a rule fixture case), read by the host as the CLI reads it, so
 * that its `exclude` patterns leave out the same files.
 */
export function readFolderConfig(dir: string): { config: AvdsecConfig; isExcluded(file: string): boolean; parameterTemplates(file: string): string[] } {
  const file = path.join(dir, '.avdsec.json');
  if (!fs.existsSync(file)) return { config: emptyConfig(), isExcluded: () => false, parameterTemplates: () => [] };
  const loaded = loadConfigFile(file, new ConfigRoots([dir]));
  if (loaded.problems.length) throw new Error(`${file}: ${loaded.problems.map((p) => p.message).join('; ')}`);
  return { config: loaded.config, isExcluded: (f) => loaded.isExcluded(f), parameterTemplates: (f) => loaded.parameterTemplates(f) };
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
