import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES } from '../server/src/engine/registry';
import { ServerWorkspace } from '../server/src/lsp/workspace';
import { tempTree } from './cli/run';
import { bicepHostPool, grammars } from './harness/engine';

const POOL = (rdp: string) => bicepHostPool(`'hp-app'`, rdp);

const LOCAL = new Set<string>(RULES.filter((r) => r.local).map((r) => r.id));

/** ServerWorkspace.openingFindings, the answer to a document opened while the workspace is read (lsp/opening.test.ts runs it in the server). */
describe('opening answers: a document judged on its neighbourhood', () => {
  async function opened(files: Record<string, string>, open: string): Promise<{ ws: ServerWorkspace; uri: string }> {
    const dir = tempTree(files);
    const ws = new ServerWorkspace(await grammars(), { info: () => undefined, warn: () => undefined });
    await ws.index([pathToFileURL(dir).href]);
    const uri = pathToFileURL(path.join(dir, open)).href;
    ws.opened(uri, 'bicep', 1, files[open]);
    return { ws, uri };
  }

  it('reads the files beside it and the modules it calls, and runs only the local rules', async () => {
    const main = `param rdp string = 'drivestoredirect:s:*'\n\nmodule pool '../modules/pool.bicep' = {\n  name: 'pool'\n  params: {\n    rdp: rdp\n  }\n}\n`;
    const { ws, uri } = await opened({ 'app/main.bicep': main, 'modules/pool.bicep': `param rdp string\n\n${POOL('rdp')}` }, 'app/main.bicep');
    try {
      const answer = ws.openingFindings(uri, ws.configFor(uri))!;
      assert.deepEqual([...answer.texts.keys()].map((u) => u.slice(u.lastIndexOf('/', u.lastIndexOf('/') - 1) + 1)).sort(), [
        'app/main.bicep',
        'modules/pool.bicep',
      ]);
      assert.ok(answer.findings.some((f) => f.ruleId === 'rdp-drive-redirection' && f.uri === uri));
      assert.deepEqual(
        answer.findings.filter((f) => !LOCAL.has(f.ruleId)),
        [],
      );
      // The whole workspace's check has the rules that judge absences too.
      assert.ok(ws.engine.findings(uri, ws.configFor(uri)).some((f) => !LOCAL.has(f.ruleId)));
    } finally {
      ws.engine.dispose();
    }
  });

  it('gives no answer for a document over the size limit, or a neighbourhood of more than 400 files', async () => {
    const big = { '.avdsec.json': '{ "maxFileSizeMB": 0.001 }', 'main.bicep': POOL(`'drivestoredirect:s:*;${'x'.repeat(2000)}'`) };
    const a = await opened(big, 'main.bicep');
    try {
      assert.equal(a.ws.openingFindings(a.uri, a.ws.configFor(a.uri)), undefined);
    } finally {
      a.ws.engine.dispose();
    }
    for (const [siblings, answered] of [
      [399, true],
      [400, false],
    ] as const) {
      const crowded: Record<string, string> = { 'main.bicep': POOL(`'drivestoredirect:s:*'`) };
      for (let i = 0; i < siblings; i++) crowded[`vars-${i}.bicepparam`] = `using 'main.bicep'\n`;
      const b = await opened(crowded, 'main.bicep');
      try {
        const answer = b.ws.openingFindings(b.uri, b.ws.configFor(b.uri));
        assert.equal(answer?.findings.some((f) => f.ruleId === 'rdp-drive-redirection') ?? false, answered, `${siblings} files beside it`);
      } finally {
        b.ws.engine.dispose();
      }
    }
  });
});
