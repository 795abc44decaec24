import * as assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../../server/src/engine/model';
import { diagnosticData, findingKey } from '../../server/src/lsp/diagnostics';

const URI = 'file:///home/user/avd/hostpools/main.json';

const finding = (ruleId: string, key: string): Finding => ({
  ruleId,
  level: 'warning',
  message: 'm',
  uri: URI,
  range: { start: 0, end: 1 },
  related: [],
  fixes: [],
  key,
});

describe('the data a diagnostic carries back to the server (lsp/diagnostics.ts)', () => {
  const keys: [string, string][] = [
    // A resource of the document: the usual form.
    ['rdp-drive-redirection', `rdp-drive-redirection|${URI}#hp/0|properties.customRdpProperty|drivestoredirect|`],
    // About the whole deployment: the folder, not the document.
    ['mfa-conditional-access-missing', 'mfa-conditional-access-missing|file:///home/user/avd/|conditional-access'],
    // Another document's resource (a module's).
    ['pooled-host-local-admin', 'pooled-host-local-admin|file:///home/user/avd/modules/rbac.bicep#ra|properties.roleDefinitionId|'],
    // A rule that failed.
    ['host-pool-sso-disabled', 'host-pool-sso-disabled|crash'],
    // A key that does not start with its rule (none does today): carried whole.
    ['workspace-public-network', `other|${URI}`],
  ];
  for (const [ruleId, key] of keys) {
    it(`finds the key again: ${key}`, () => {
      const data = diagnosticData(finding(ruleId, key), URI);
      const d: Diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'm', code: ruleId, data };
      assert.equal(findingKey(JSON.parse(JSON.stringify(d)) as Diagnostic, URI), key);
      // Neither the rule id nor the document's URI is sent twice.
      if (key.startsWith(`${ruleId}|`)) assert.ok(!JSON.stringify(data).includes(ruleId), JSON.stringify(data));
      assert.ok(!JSON.stringify(data).includes(URI) || !key.startsWith(`${ruleId}|${URI}`), JSON.stringify(data));
    });
  }

  it('reads the whole key of diagnostics published before (data.key), and nothing from other data', () => {
    const base = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'm', code: 'rdp-drive-redirection' };
    assert.equal(findingKey({ ...base, data: { key: 'a|b' } }, URI), 'a|b');
    assert.equal(findingKey({ ...base, data: { k: 5 } }, URI), undefined);
    assert.equal(findingKey({ ...base }, URI), undefined);
    assert.equal(findingKey({ ...base, code: 7, data: { k: '#x' } }, URI), undefined);
  });
});
