import * as assert from 'node:assert/strict';
import { emptyConfig } from '../server/src/engine/config';
import { applyTextEdits, renderFix } from '../server/src/engine/fix';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

const SSO = 'host-pool-sso-disabled';

async function findingsOf(uri: string, text: string, includeSuppressed = false) {
  const ws = new Workspace(await grammars());
  ws.set(uri, text);
  return { ws, findings: ws.findings(uri, emptyConfig(), { includeSuppressed }) };
}

const bicepPool = `resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp'
  properties: {
    hostPoolType: 'Pooled'
    customRdpProperty: 'audiomode:i:0;'
  }
}
`;

const tfPool = `resource "azurerm_virtual_desktop_host_pool" "hp" {
  name                  = "hp"
  type                  = "Pooled"
  custom_rdp_properties = "audiomode:i:0;"
}
`;

function armPool(extra = ''): string {
  return `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.DesktopVirtualization/hostPools",
      "apiVersion": "2024-04-03",
      "name": "hp",${extra}
      "properties": {
        "hostPoolType": "Pooled",
        "customRdpProperty": "audiomode:i:0;"
      }
    }
  ]
}
`;
}

describe('suppressions', () => {
  it('avdsec-disable-file silences a rule in the whole file; the CLI can still list it as suppressed', async () => {
    const text = `// avdsec-disable-file ${SSO} -- SSO comes with the Entra join migration in Q3\n${bicepPool}`;
    assert.ok(!(await findingsOf('/w/main.bicep', text)).findings.some((f) => f.ruleId === SSO));
    const shown = (await findingsOf('/w/main.bicep', text, true)).findings.find((f) => f.ruleId === SSO);
    assert.deepEqual(shown?.suppressed, { kind: 'file', reason: 'SSO comes with the Entra join migration in Q3' });
  });

  it('avdsec-disable-next-line works with # and // in Terraform and /* */ in ARM JSON', async () => {
    for (const marker of ['#', '//']) {
      const text = tfPool.replace('  custom_rdp_properties', `  ${marker} avdsec-disable-next-line ${SSO}\n  custom_rdp_properties`);
      assert.ok(!(await findingsOf('/w/main.tf', text)).findings.some((f) => f.ruleId === SSO), marker);
    }
    const arm = armPool().replace('        "customRdpProperty"', `        /* avdsec-disable-next-line ${SSO} */\n        "customRdpProperty"`);
    assert.ok(!(await findingsOf('/w/t.json', arm)).findings.some((f) => f.ruleId === SSO));
  });

  it('ARM resources can carry the suppression in metadata.avdsec', async () => {
    const text = armPool(`\n      "metadata": { "avdsec": { "suppress": ["${SSO}"], "reason": "kiosk pool, no Entra users" } },`);
    const { findings } = await findingsOf('/w/t.json', text, true);
    assert.deepEqual(findings.find((f) => f.ruleId === SSO)?.suppressed, { kind: 'resource', reason: 'kiosk pool, no Entra users' });
  });

  it('reports an unknown rule id as a hint whose fix removes the comment line', async () => {
    const text = `// avdsec-disable-next-line host-pool-sso-disabld\n${bicepPool}`;
    const { ws, findings } = await findingsOf('/w/main.bicep', text);
    const bad = findings.find((f) => f.ruleId === 'invalid-suppression')!;
    assert.equal(bad.level, 'hint');
    assert.match(bad.message, /Unknown rule id 'host-pool-sso-disabld'/);
    assert.equal(text.slice(bad.range.start, bad.range.end), 'host-pool-sso-disabld');
    const set = renderFix(bad.fixes[0].intent, ws.fixContext())!;
    assert.equal(applyTextEdits(text, set.edits), bicepPool);
  });

  it('reports a suppression that silences nothing, and removes just that id from a list', async () => {
    const text = `// avdsec-disable-next-line pooled-host-local-admin, ${SSO}\nparam x string\n${bicepPool}`;
    const { ws, findings } = await findingsOf('/w/main.bicep', text);
    const unused = findings.filter((f) => f.ruleId === 'invalid-suppression');
    assert.deepEqual(
      unused.map((f) => text.slice(f.range.start, f.range.end)),
      ['pooled-host-local-admin', SSO],
    );
    assert.match(unused[1].message, /silences nothing/);
    const fixed = applyTextEdits(text, renderFix(unused[1].fixes[0].intent, ws.fixContext())!.edits);
    assert.equal(fixed.split('\n')[0], '// avdsec-disable-next-line pooled-host-local-admin');
  });

  it('the disable-for-this-file fix writes the language comment at the top', async () => {
    const { ws } = await findingsOf('/w/main.tf', tfPool);
    const set = renderFix({ kind: 'suppress-file', ruleId: SSO, uri: '/w/main.tf' }, ws.fixContext())!;
    assert.equal(applyTextEdits(tfPool, set.edits), `# avdsec-disable-file ${SSO}\n${tfPool}`);
    const after = ws;
    after.set('/w/main.tf', applyTextEdits(tfPool, set.edits));
    assert.ok(!after.findings('/w/main.tf', emptyConfig()).some((f) => f.ruleId === SSO || f.ruleId === 'invalid-suppression'));
  });
});
