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

  /**
   * Opens `text` at `uri`, types over `length` characters at `at` (three keystrokes first, then KEYSTROKES of
   * `names(k)`, `each` judging each keystroke's findings), and checks that the heap did not keep a version per keystroke.
   */
  function keepsNoText(o: {
    uri: string;
    text: string;
    at: number;
    length: number;
    names: (k: number) => string;
    each?: (findings: readonly { ruleId: string }[]) => void;
    config?: (k: number) => AvdsecConfig;
  }): void {
    const ws = new Workspace(g);
    try {
      ws.set(o.uri, o.text, 1);
      ws.linksChanged();
      ws.findings(o.uri, CONFIG);
      typeOver(ws, o.uri, o.at, o.length, 3, (k) => o.names(500 + k), undefined, o.config);
      const before = heapAfterGc();
      typeOver(ws, o.uri, o.at, o.length, KEYSTROKES, o.names, o.each, o.config);
      const grown = heapAfterGc() - before;
      // One kept version per keystroke would be KEYSTROKES x the text (60 MB and more).
      assert.ok(grown < 12 * MB, `heap grew ${(grown / MB).toFixed(1)} MB over ${KEYSTROKES} keystrokes`);
    } finally {
      ws.dispose();
    }
  }

  /** A host pool whose RDP string has the unknown property `redirectclipboardzz`, and where its `zz` starts. */
  const unknownProperty = () => {
    const text = `${bicepHostPool("'hp-0'", "'audiomode:i:0;redirectclipboardzz:i:0;'")}\n${PADDING}\n`;
    return { uri: 'file:///ws/main.bicep', text, at: text.indexOf('redirectclipboardzz') + 'redirectclipboard'.length };
  };
  const reported = (findings: readonly { ruleId: string }[]) =>
    assert.equal(findings.filter((f) => f.ruleId === 'rdp-property-invalid').length, 1, 'the typed name is reported');

  it('typing a new unknown RDP property name at each keystroke keeps no text per keystroke (suggestions by name)', () => {
    const doc = unknownProperty();
    assert.ok(doc.text.length > 1.5 * MB);
    keepsNoText({ ...doc, length: 2, names: pair, each: reported });
  });

  it('typing in a resource type at each keystroke keeps no text per keystroke (types in lower case)', () => {
    const text = `resource st 'Microsoft.Storage/storageAccountszz@2023-01-01' = {\n  name: 'stavd'\n  location: 'westeurope'\n}\n${PADDING}\n`;
    keepsNoText({ uri: 'file:///ws/main.bicep', text, at: text.indexOf('zz@'), length: 2, names: pair });
  });

  it("replacing an ARM expression at each keystroke keeps no text per keystroke (expressions' tokens)", () => {
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
    // The whole string is replaced, quotes and all, so the template is parsed again (typing inside it would move the
    // tree instead): each version's expression is a new one, cut from that version's text.
    const literal = (p: string) => `"[format('hp-{0}-${p}', 'x')]"`;
    keepsNoText({ uri: 'file:///ws/azuredeploy.json', text, at: text.indexOf(literal('zz')), length: literal('zz').length, names: (k) => literal(pair(k)) });
  });

  it('a new config at each keystroke (an .avdsec.json being edited) keeps no results of the configs before it', () => {
    // Each keystroke's finding names the typed property, a piece of that version of the document.
    keepsNoText({ ...unknownProperty(), length: 2, names: pair, each: reported, config: () => emptyConfig() });
  });
});
