import * as assert from 'node:assert/strict';
import { avdsec } from './run';

/**
 * The bundled examples are the README's main job: each language's insecure deployment shows the three headline rules.
 * Pinned exactly for those rules, so a change in what avdsec reports on them is a decision, not an accident (the RDP
 * rules report on the examples too; their own fixtures pin them).
 */
const HEADLINE = new Set(['pooled-host-local-admin', 'host-pool-sso-disabled', 'mfa-conditional-access-missing']);
const EXPECTED = [
  'examples/arm/azuredeploy.json:25:15 mfa-conditional-access-missing warning',
  'examples/arm/azuredeploy.json:36:30 host-pool-sso-disabled warning',
  'examples/arm/azuredeploy.json:164:29 pooled-host-local-admin error',
  'examples/bicep/main.bicep:35:19 mfa-conditional-access-missing warning',
  'examples/bicep/main.bicep:45:24 host-pool-sso-disabled warning',
  'examples/bicep/main.bicep:194:23 pooled-host-local-admin error',
  'examples/terraform/main.tf:13:10 mfa-conditional-access-missing warning',
  'examples/terraform/main.tf:23:30 host-pool-sso-disabled warning',
  'examples/terraform/rbac.tf:17:26 pooled-host-local-admin error',
];

interface JsonFinding {
  ruleId: string;
  level: string;
  file: string;
  range: { start: { line: number; column: number } };
  fixes: { title: string }[];
}

describe('the bundled examples', () => {
  it('show each headline rule in each language, exactly', async () => {
    const r = await avdsec(['scan', 'examples', '--format', 'json', '--fail-on', 'never']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { findings: JsonFinding[]; errors: unknown[]; summary: { files: number } };
    assert.deepEqual(out.errors, []);
    assert.equal(out.summary.files, 6);
    const got = out.findings.filter((f) => HEADLINE.has(f.ruleId)).map((f) => `${f.file}:${f.range.start.line}:${f.range.start.column} ${f.ruleId} ${f.level}`);
    assert.deepEqual(got, EXPECTED);
    for (const f of out.findings.filter((x) => HEADLINE.has(x.ruleId))) assert.ok(f.fixes.length > 0, `${f.file}: ${f.ruleId} offers a fix`);
  });

  it('fail the default gate (errors) as a CI job would', async () => {
    const r = await avdsec(['scan', 'examples']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /findings \(3 errors, /);
  });
});
