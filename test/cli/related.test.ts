import * as assert from 'node:assert/strict';
import { avdsec, tempTree } from './run';

const params = (rdp: string) =>
  JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
    contentVersion: '1.0.0.0',
    parameters: { rdpProperties: { value: rdp } },
  });

describe('a finding in one of several parameters files', () => {
  it('says where the template uses the value: its line in the template, not the line of the value in the parameters file', async () => {
    const dir = tempTree({
      'main.bicep': `param rdpProperties string = 'enablerdsaadauth:i:1;'

resource hostPool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-used-here'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
    customRdpProperty: rdpProperties
  }
}
`,
      'parameters/dev.main.parameters.json': params('enablerdsaadauth:i:1;'),
      'parameters/prod.main.parameters.json': params('enablerdsaadauth:i:0;'),
    });
    const r = await avdsec(['scan', '--format', 'json', '--fail-on', 'never'], dir);
    const report = JSON.parse(r.stdout) as {
      findings: { ruleId: string; file: string; related: { file: string; range: { start: { line: number; column: number } }; message: string }[] }[];
    };
    const sso = report.findings.filter((f) => f.ruleId === 'host-pool-sso-disabled');
    assert.deepEqual(
      sso.map((f) => f.file),
      ['parameters/prod.main.parameters.json'],
    );
    const used = sso[0].related.find((x) => x.message === 'The value is used here')!;
    assert.deepEqual([used.file, used.range.start], ['main.bicep', { line: 10, column: 24 }]);
    // The same for the findings of the RDP rules, in both parameters files.
    for (const f of report.findings.filter((x) => x.ruleId === 'rdp-drive-redirection')) {
      const u = f.related.find((x) => x.message === 'The value is used here')!;
      assert.deepEqual([u.file, u.range.start], ['main.bicep', { line: 10, column: 24 }], f.file);
    }
  });
});
