import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTree } from 'jsonc-parser';
import { Language, Parser } from 'web-tree-sitter';
import { emptyConfig } from '../server/src/engine/config';
import { loadGrammars } from '../server/src/host/grammars';
import { Workspace } from '../server/src/engine/workspace';
import { type Bench, type BenchRow, mbPerSecond, medianMs } from './harness';

const ROOT = path.join(__dirname, '..');
const EXAMPLE = fs.readFileSync(path.join(ROOT, 'examples', 'arm', 'azuredeploy.json'), 'utf8');

/** A compiled-Bicep-like template: the example's resources repeated in nested deployments until `bytes` is reached. */
function generate(bytes: number): string {
  const tpl = JSON.parse(EXAMPLE);
  const deployments: unknown[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const d = {
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: `avd-${i}`,
      properties: {
        expressionEvaluationOptions: { scope: 'inner' },
        mode: 'Incremental',
        parameters: {
          hostPoolName: { value: `hp-${i}` },
          subnetId: { value: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/virtualNetworks/v/subnets/s' },
          adminUsername: { value: 'avdadmin' },
          adminPassword: { value: 'x' },
          avdUsersGroupObjectId: { value: `group-${i}` },
        },
        template: tpl,
      },
    };
    deployments.push(d);
    size += JSON.stringify(d, null, 2).length;
  }
  return JSON.stringify({ $schema: tpl.$schema, contentVersion: '1.0.0.0', resources: deployments }, null, 2);
}

const bench: Bench = {
  name: 'ARM JSON: parse and analyze',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const grammars = await loadGrammars(path.join(ROOT, 'grammars'));
    // The comparison's own copy of web-tree-sitter (the engine loads its copy from grammars/).
    await Parser.init();
    const tsJson = await Language.load(path.join(ROOT, 'node_modules', 'tree-sitter-json', 'tree-sitter-json.wasm'));
    const tsParser = new Parser();
    tsParser.setLanguage(tsJson);

    for (const mb of [1, 4]) {
      const text = generate(mb * 1e6);
      const floor = await medianMs(() => parseTree(text, [], { allowTrailingComma: true }));
      const treeSitter = await medianMs(() => tsParser.parse(text)!.delete());
      rows.push({ name: `jsonc-parser parseTree, ${mb} MB (floor)`, value: mbPerSecond(text.length, floor), unit: 'MB/s' });
      rows.push({
        name: `tree-sitter-json full parse, ${mb} MB`,
        value: mbPerSecond(text.length, treeSitter),
        unit: 'MB/s',
        note: `${(treeSitter / floor).toFixed(1)}x the jsonc-parser time`,
      });
      const full = await medianMs(() => {
        const ws = new Workspace(grammars);
        ws.set('/bench/big.json', text);
        return ws.findings('/bench/big.json', emptyConfig()).length;
      });
      rows.push({ name: `adapt + graph + rules, ${mb} MB`, value: full / floor, unit: 'x floor', note: `${full.toFixed(0)} ms`, limit: { max: 8 } });
    }

    // A keystroke in one small file of a large workspace: only that file is parsed again.
    const ws = new Workspace(grammars);
    const big = generate(4e6);
    for (let i = 0; i < 5; i++) ws.set(`/bench/ws/big${i}.json`, big);
    ws.set('/bench/ws/edited.json', EXAMPLE);
    ws.findings('/bench/ws/edited.json', emptyConfig());
    const smallFloor = await medianMs(() => parseTree(EXAMPLE, [], { allowTrailingComma: true }), 20);
    let n = 0;
    const keystroke = await medianMs(() => {
      ws.set('/bench/ws/edited.json', EXAMPLE.replace('audiomode:i:0', `audiomode:i:${n++ % 3}`));
      return ws.findings('/bench/ws/edited.json', emptyConfig()).length;
    }, 20);
    rows.push({
      name: 'keystroke in a 6-file, 20 MB workspace (ratio to parsing the edited file)',
      value: keystroke / smallFloor,
      unit: 'x floor',
      note: `${keystroke.toFixed(1)} ms; parse of the edited file alone: ${smallFloor.toFixed(2)} ms`,
      limit: { max: 60 },
    });
    // Renaming the host pool changes how the file links to others: the graph is built again (not on every keystroke).
    const relink = await medianMs(() => {
      ws.set('/bench/ws/edited.json', EXAMPLE.replace('hp-finance-pooled', `hp-finance-pooled-${n++}`));
      return ws.findings('/bench/ws/edited.json', emptyConfig()).length;
    }, 5);
    rows.push({ name: 'edit that changes links, same workspace (graph rebuilt)', value: relink, unit: 'ms' });
    return rows;
  },
};

export default bench;
