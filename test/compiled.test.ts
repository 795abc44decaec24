import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import { resourceName } from '../server/src/engine/graph';
import { knownString } from '../server/src/engine/values';
import { Workspace } from '../server/src/engine/workspace';
import { FIXTURES, grammars, listFiles, uriOf } from './harness/engine';

/**
 * A Bicep deployment and the ARM template `bicep build` makes of it (module → nested deployment with inner scope,
 * loops → copy, symbols → names) must give the same findings: same rule, level, resource, property and message.
 */
async function findingsOf(dir: string): Promise<string[]> {
  const ws = new Workspace(await grammars());
  for (const f of listFiles(dir)) ws.set(uriOf(f), fs.readFileSync(f, 'utf8'));
  const graph = ws.graph();
  const out: string[] = [];
  for (const uri of ws.uris()) {
    for (const f of ws.findings(uri, emptyConfig())) {
      const [, resourceKey, property] = f.key.split('|');
      const r = graph.byKey.get(resourceKey);
      // Symbols differ between the two (Bicep names, ARM indexes); the deployed name and type do not.
      const name = r ? `${r.type}:${knownString(resourceName(r)) ?? '(computed name)'}` : resourceKey;
      out.push(`${f.ruleId} ${f.level} ${name} ${property} ${f.message}`);
    }
  }
  return out.sort();
}

describe('Bicep and its compiled ARM agree', () => {
  it('reports the same findings on a Bicep deployment with a module and on its compiled template', async () => {
    const bicep = await findingsOf(path.join(FIXTURES, 'compiled', 'bicep'));
    const arm = await findingsOf(path.join(FIXTURES, 'compiled', 'arm'));
    for (const id of ['pooled-host-local-admin', 'host-pool-sso-disabled', 'mfa-conditional-access-missing']) {
      assert.ok(
        bicep.some((f) => f.startsWith(`${id} `)),
        `${id} is reported on the Bicep side`,
      );
    }
    assert.deepEqual(arm, bicep);
  });
});
