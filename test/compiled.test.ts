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
      // A finding about a whole deployment (no Conditional Access policy) is keyed by the file that deploys it.
      const name = r ? `${r.type}:${knownString(resourceName(r)) ?? '(computed name)'}` : resourceKey.includes('#') ? resourceKey : '(deployment)';
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

describe('a compiled template beside its Bicep source', () => {
  async function both(): Promise<Workspace> {
    const ws = new Workspace(await grammars());
    for (const dir of ['bicep', 'arm']) for (const f of listFiles(path.join(FIXTURES, 'compiled', dir))) ws.set(uriOf(f), fs.readFileSync(f, 'utf8'));
    return ws;
  }
  const all = (ws: Workspace, config = emptyConfig()) => ws.uris().flatMap((u) => ws.findings(u, config));

  it('reports what both say once, on the Bicep source, with the compiled location as related information', async () => {
    const ws = await both();
    try {
      const findings = all(ws);
      const compiled = uriOf(path.join(FIXTURES, 'compiled', 'arm', 'main.json'));
      assert.deepEqual(
        findings.filter((f) => f.uri === compiled),
        [],
      );
      const bicep = findings.filter((f) => f.uri.endsWith('.bicep'));
      assert.equal(bicep.length, findings.length);
      assert.ok(bicep.length > 0);
      for (const f of bicep)
        assert.deepEqual(
          f.related.filter((r) => r.uri === compiled).map((r) => r.message),
          ['Compiled into main.json'],
          `${f.ruleId}: ${f.message}`,
        );
      // "report" (repositories that deploy only the JSON) keeps both, as two deployments.
      const report = all(ws, { ...emptyConfig(), compiledTemplates: 'report' });
      assert.equal(report.length, 2 * findings.length);
      assert.ok(report.every((f) => !f.related.some((r) => r.message.startsWith('Compiled into'))));
    } finally {
      ws.dispose();
    }
  });

  it('keeps on the compiled copy what its source does not say', async () => {
    const ws = await both();
    try {
      const compiled = uriOf(path.join(FIXTURES, 'compiled', 'arm', 'main.json'));
      // The copy was edited by hand after compiling: its clipboard redirection is on, the source's is not.
      const text = ws.text(compiled)!;
      assert.ok(text.includes('redirectclipboard:i:0'));
      ws.set(compiled, text.replace('redirectclipboard:i:0', 'redirectclipboard:i:1'), 2);
      assert.deepEqual(
        ws.findings(compiled, emptyConfig()).map((f) => f.ruleId),
        ['rdp-clipboard-redirection'],
      );
    } finally {
      ws.dispose();
    }
  });
});
