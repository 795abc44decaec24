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

  it('reports the same findings when user-defined functions and lambdas build the values (`__bicep` functions, lambda())', async () => {
    const bicep = await findingsOf(path.join(FIXTURES, 'compiled-functions', 'bicep'));
    const arm = await findingsOf(path.join(FIXTURES, 'compiled-functions', 'arm'));
    // The name comes from one function, the RDP string from another over a filtered list: the SSO property is kept,
    // audiomode is filtered out, clipboard redirection stays.
    const clipboard = bicep.find((f) => f.startsWith('rdp-clipboard-redirection '));
    assert.ok(clipboard?.includes("Host pool 'hp-prod'"), String(clipboard));
    assert.ok(!bicep.some((f) => f.startsWith('host-pool-sso-disabled ')), bicep.join('\n'));
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

describe('a compiled template published under another name', () => {
  it('is paired with the Bicep file that declares the same parameters, and reports nothing its source says', async () => {
    const ws = new Workspace(await grammars());
    try {
      for (const f of listFiles(path.join(FIXTURES, 'compiled', 'bicep'))) ws.set(uriOf(f), fs.readFileSync(f, 'utf8'));
      const text = fs.readFileSync(path.join(FIXTURES, 'compiled', 'arm', 'main.json'), 'utf8');
      // avdaccelerator publishes workload/bicep/brownfield/x/deploy.bicep as workload/arm/brownfield/deployX.json.
      const published = uriOf(path.join(FIXTURES, 'compiled', 'published', 'deployMain.json'));
      ws.set(published, text);
      const findings = ws.uris().flatMap((u) => ws.findings(u, emptyConfig()));
      assert.ok(findings.length > 0);
      assert.deepEqual(
        findings.filter((f) => f.uri === published).map((f) => f.message),
        [],
      );
      assert.ok(findings.every((f) => f.related.some((r) => r.uri === published && r.message === 'Compiled into deployMain.json')));
      // A template with other parameters is not its copy: it reports on its own.
      ws.set(published, text.replace('"hostPoolName"', '"poolName"').replace("parameters('hostPoolName')", "parameters('poolName')"));
      assert.ok(ws.findings(published, emptyConfig()).length > 0);
    } finally {
      ws.dispose();
    }
  });
});

describe('a classic compiled template (resources by index)', () => {
  it('is matched with its source by rule and property when the two name the host pool differently', async () => {
    const ws = new Workspace(await grammars());
    try {
      for (const f of listFiles(path.join(FIXTURES, 'compiled-nested'))) ws.set(uriOf(f), fs.readFileSync(f, 'utf8'));
      const copy = uriOf(path.join(FIXTURES, 'compiled-nested', 'arm', 'main.json'));
      const report = ws.findings(copy, { ...emptyConfig(), compiledTemplates: 'report' });
      const source = ws
        .uris()
        .filter((u) => u !== copy)
        .flatMap((u) => ws.findings(u, emptyConfig()));
      // The copy alone says the same things in other words: its host pool has no symbol, and its name is an expression.
      assert.ok(report.length >= 4);
      const sourceMessages = new Set(source.map((f) => f.message));
      assert.ok(report.filter((f) => f.ruleId !== 'mfa-conditional-access-missing').every((f) => !sourceMessages.has(f.message)));
      assert.deepEqual(ws.findings(copy, emptyConfig()), []);
      assert.deepEqual(
        source.filter((f) => !f.related.some((r) => r.uri === copy && r.message === 'Compiled into main.json')).map((f) => f.ruleId),
        [],
      );
    } finally {
      ws.dispose();
    }
  });
});
