import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { type AvdsecConfig, emptyConfig } from '../server/src/engine/config';
import type { Grammars } from '../server/src/engine/parse';
import { Workspace } from '../server/src/engine/workspace';
import { bicepHostPool, grammars } from './harness/engine';

// Caches that outlive a document (suggestions by name, types in lower case, ARM expressions' tokens, the last results
// per config) must not keep a version of the document alive through a string cut from its text: typing would keep one
// whole text per keystroke.

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
/** Lines of padding: the text each kept version would weigh. */
const PADDING = Array.from({ length: 24_000 }, (_, i) => `// padding line ${i} ${'.'.repeat(48)}`).join('\n');

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The config of the checks: one object, as the server keeps per folder until its .avdsec.json changes. */
const CONFIG = emptyConfig();

/**
 * Replaces `length` characters at `at` with `names(k)` for k = 0..count-1, asking for the first answer after each
 * with the config `config(k)` gives, then for the findings of the full check.
 */
function typeOver(
  ws: Workspace,
  uri: string,
  at: number,
  length: number,
  count: number,
  names: (k: number) => string,
  each: (findings: readonly { ruleId: string }[]) => void = () => undefined,
  config: (k: number) => AvdsecConfig = () => CONFIG,
): void {
  for (let k = 0; k < count; k++) {
    const text = ws.text(uri)!;
    const typed = names(k);
    ws.set(uri, text.slice(0, at) + typed + text.slice(at + length), k + 2, [{ start: at, oldEnd: at + length, newText: typed }]);
    ws.linksChanged({ singleSignOn: false });
    ws.quickFindings(uri, config(k));
    each(ws.findings(uri, config(k)));
  }
}

/** Two letters that differ at each k. */
const pair = (k: number) => String.fromCharCode(97 + (k % 26)) + String.fromCharCode(97 + Math.floor(k / 26));

describe('text retention: caches keep no old version of an edited document', function () {
  this.timeout(120_000);
  let g: Grammars;
  before(async () => {
    g = await grammars();
  });

  const KEYSTROKES = 40;

  it('typing a new unknown RDP property name at each keystroke keeps no text per keystroke (suggestions by name)', () => {
    const uri = 'file:///ws/main.bicep';
    const text = `${bicepHostPool("'hp-0'", "'audiomode:i:0;redirectclipboardzz:i:0;'")}\n${PADDING}\n`;
    assert.ok(text.length > 1.5 * MB);
    const ws = new Workspace(g);
    try {
      ws.set(uri, text, 1);
      ws.linksChanged();
      ws.findings(uri, CONFIG);
      const at = text.indexOf('redirectclipboardzz') + 'redirectclipboard'.length;
      typeOver(ws, uri, at, 2, 3, (k) => pair(500 + k));
      const before = heapAfterGc();
      typeOver(ws, uri, at, 2, KEYSTROKES, pair, (findings) => {
        assert.equal(findings.filter((f) => f.ruleId === 'rdp-property-invalid').length, 1, 'the typed name is reported');
      });
      const grown = heapAfterGc() - before;
      // One kept version per keystroke would be KEYSTROKES x 1.5 MB (60 MB).
      assert.ok(grown < 12 * MB, `heap grew ${(grown / MB).toFixed(1)} MB over ${KEYSTROKES} keystrokes`);
    } finally {
      ws.dispose();
    }
  });

  it('typing in a resource type at each keystroke keeps no text per keystroke (types in lower case)', () => {
    const uri = 'file:///ws/main.bicep';
    const text = `resource st 'Microsoft.Storage/storageAccountszz@2023-01-01' = {\n  name: 'stavd'\n  location: 'westeurope'\n}\n${PADDING}\n`;
    const ws = new Workspace(g);
    try {
      ws.set(uri, text, 1);
      ws.linksChanged();
      ws.findings(uri, CONFIG);
      const at = text.indexOf('zz@');
      typeOver(ws, uri, at, 2, 3, (k) => pair(500 + k));
      const before = heapAfterGc();
      typeOver(ws, uri, at, 2, KEYSTROKES, pair);
      const grown = heapAfterGc() - before;
      assert.ok(grown < 12 * MB, `heap grew ${(grown / MB).toFixed(1)} MB over ${KEYSTROKES} keystrokes`);
    } finally {
      ws.dispose();
    }
  });

  it("typing in an ARM expression at each keystroke keeps no text per keystroke (expressions' tokens)", () => {
    const uri = 'file:///ws/azuredeploy.json';
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      metadata: { padding: PADDING.split('\n') },
      resources: [
        {
          type: 'Microsoft.DesktopVirtualization/hostPools',
          apiVersion: '2024-04-03',
          name: "[format('hp-{0}-zz', 'x')]",
          location: 'westeurope',
          properties: { hostPoolType: 'Pooled', loadBalancerType: 'BreadthFirst', preferredAppGroupType: 'Desktop' },
        },
      ],
    };
    const text = JSON.stringify(template, null, 2);
    const ws = new Workspace(g);
    try {
      ws.set(uri, text, 1);
      ws.linksChanged();
      ws.findings(uri, CONFIG);
      // The whole string is replaced, quotes and all, so the template is parsed again (typing inside it would move the
      // tree instead): each version's expression is a new one, cut from that version's text.
      const literal = (p: string) => `"[format('hp-{0}-${p}', 'x')]"`;
      const at = text.indexOf(literal('zz'));
      typeOver(ws, uri, at, literal('zz').length, 3, (k) => literal(pair(500 + k)));
      const before = heapAfterGc();
      typeOver(ws, uri, at, literal('zz').length, KEYSTROKES, (k) => literal(pair(k)));
      const grown = heapAfterGc() - before;
      assert.ok(grown < 12 * MB, `heap grew ${(grown / MB).toFixed(1)} MB over ${KEYSTROKES} keystrokes`);
    } finally {
      ws.dispose();
    }
  });

  it('a new config at each keystroke (an .avdsec.json being edited) keeps no results of the configs before it', () => {
    const uri = 'file:///ws/main.bicep';
    const text = `${bicepHostPool("'hp-0'", "'audiomode:i:0;redirectclipboardzz:i:0;'")}\n${PADDING}\n`;
    const ws = new Workspace(g);
    try {
      ws.set(uri, text, 1);
      ws.linksChanged();
      ws.findings(uri, CONFIG);
      // Each keystroke's finding names the typed property, a piece of that version of the document.
      const at = text.indexOf('redirectclipboardzz') + 'redirectclipboard'.length;
      const fresh = () => emptyConfig();
      typeOver(ws, uri, at, 2, 3, (k) => pair(500 + k), undefined, fresh);
      const before = heapAfterGc();
      typeOver(
        ws,
        uri,
        at,
        2,
        KEYSTROKES,
        pair,
        (findings) => {
          assert.equal(findings.filter((f) => f.ruleId === 'rdp-property-invalid').length, 1, 'the typed name is reported');
        },
        fresh,
      );
      const grown = heapAfterGc() - before;
      assert.ok(grown < 12 * MB, `heap grew ${(grown / MB).toFixed(1)} MB over ${KEYSTROKES} keystrokes`);
    } finally {
      ws.dispose();
    }
  });
});
