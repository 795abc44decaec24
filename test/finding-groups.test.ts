import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AvdsecConfig, emptyConfig } from '../server/src/engine/config';
import { applyFixes } from '../server/src/engine/fix-all';
import type { Finding } from '../server/src/engine/model';
import { Workspace } from '../server/src/engine/workspace';
import { FIXTURES, grammars, uriOf } from './harness/engine';

/**
 * A host pool that writes no RDP properties made one decision for every redirection (drives, clipboard, USB, other
 * devices): the redirection rules' findings on it are reported as one, under the first rule in catalog order.
 */
const REDIRECTION = ['rdp-drive-redirection', 'rdp-clipboard-redirection', 'rdp-usb-redirection', 'rdp-device-redirection', 'rdp-media-redirection'];

const BICEP = `resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-pooled'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
  }
}
`;

const ARM = JSON.stringify(
  {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      {
        type: 'Microsoft.DesktopVirtualization/hostPools',
        apiVersion: '2024-04-03',
        name: 'hp-pooled',
        location: 'westeurope',
        properties: { hostPoolType: 'Pooled', loadBalancerType: 'BreadthFirst', preferredAppGroupType: 'Desktop' },
      },
    ],
  },
  null,
  2,
);

const TF = `resource "azurerm_virtual_desktop_host_pool" "hp" {
  name                = "hp-pooled"
  location            = "westeurope"
  resource_group_name = "rg-avd"
  type                = "Pooled"
  load_balancer_type  = "BreadthFirst"
}
`;

const FILES: Record<string, string> = { bicep: '/w/bicep/main.bicep', arm: '/w/arm/azuredeploy.json', tf: '/w/tf/main.tf' };
const TEXTS: Record<string, string> = { bicep: BICEP, arm: ARM, tf: TF };

async function workspace(lang: string, text = TEXTS[lang]): Promise<{ ws: Workspace; uri: string }> {
  const ws = new Workspace(await grammars());
  const uri = uriOf(FILES[lang]);
  ws.set(uri, text);
  return { ws, uri };
}

const redirections = (fs: Finding[]) => fs.filter((f) => REDIRECTION.includes(f.ruleId));

function withRules(levels: Record<string, 'off'>): AvdsecConfig {
  const config = emptyConfig();
  for (const [id, level] of Object.entries(levels)) config.rules[id] = { level, options: {} };
  return config;
}

describe('one finding for a host pool that writes no RDP properties', () => {
  for (const lang of ['bicep', 'arm', 'tf']) {
    it(`${lang}: reports the redirection rules once, under the first rule, naming what each covers`, async () => {
      const { ws, uri } = await workspace(lang);
      try {
        const found = redirections(ws.findings(uri, emptyConfig()));
        assert.equal(found.length, 1, found.map((f) => `${f.ruleId}: ${f.message}`).join('\n'));
        const [f] = found;
        assert.equal(f.ruleId, 'rdp-drive-redirection');
        assert.deepEqual(f.alsoRules, ['rdp-clipboard-redirection', 'rdp-usb-redirection', 'rdp-device-redirection']);
        assert.equal(f.level, 'info');
        assert.equal(
          f.message,
          "Host pool 'hp-pooled' sets no RDP properties, so drives, the clipboard, USB devices and more redirect by default unless Group Policy or Intune blocks them.",
        );
        // Every rule and property keeps its line, so nothing the separate findings said is lost.
        const lines = f.related.map((r) => r.message.replace(/:.*$/, ''));
        assert.deepEqual(lines, [
          '[rdp-drive-redirection] drivestoredirect is not set',
          '[rdp-clipboard-redirection] redirectclipboard is not set',
          '[rdp-usb-redirection] usbdevicestoredirect is not set',
          '[rdp-device-redirection] redirectprinters is not set (default 1)',
          '[rdp-device-redirection] redirectcomports is not set (default 1)',
          '[rdp-device-redirection] devicestoredirect is not set (default *)',
        ]);
        const preferred = f.fixes.filter((x) => x.preferred);
        assert.equal(preferred.length, 1);
        assert.equal(
          preferred[0].title,
          'Turn them all off (drivestoredirect:s:; redirectclipboard:i:0; usbdevicestoredirect:s:; redirectprinters:i:0; redirectcomports:i:0; devicestoredirect:s:)',
        );
        // Each rule's own fixes stay, one property at a time; no member's own "all" fix repeats the one above.
        assert.deepEqual(
          f.fixes.filter((x) => !x.preferred).map((x) => x.title),
          [
            'Turn off drive redirection (drivestoredirect:s:)',
            'Turn off clipboard redirection (redirectclipboard:i:0)',
            'Turn off USB redirection (usbdevicestoredirect:s:)',
            'Turn off printer redirection (redirectprinters:i:0)',
            'Turn off COM port redirection (redirectcomports:i:0)',
            'Turn off MTP and PTP device redirection (devicestoredirect:s:)',
          ],
        );
      } finally {
        ws.dispose();
      }
    });

    it(`${lang}: the preferred fix writes every property, and nothing of the group is found after it`, async () => {
      const { ws, uri } = await workspace(lang);
      try {
        const outcome = applyFixes(ws, [uri], () => withRules({}));
        const after = outcome.changed.get(uri)?.after ?? '';
        for (const token of [
          'drivestoredirect:s:',
          'redirectclipboard:i:0',
          'usbdevicestoredirect:s:',
          'redirectprinters:i:0',
          'redirectcomports:i:0',
          'devicestoredirect:s:',
        ])
          assert.ok(after.includes(token), `${token} in\n${after}`);
        assert.deepEqual(redirections(ws.findings(uri, emptyConfig())), []);
      } finally {
        ws.dispose();
      }
    });
  }

  it('leads with the next rule when the first is off, and names only the rules that run', async () => {
    const { ws, uri } = await workspace('bicep');
    try {
      const found = redirections(ws.findings(uri, withRules({ 'rdp-drive-redirection': 'off', 'rdp-device-redirection': 'off' })));
      assert.equal(found.length, 1);
      assert.equal(found[0].ruleId, 'rdp-clipboard-redirection');
      assert.ok(found[0].related.every((r) => /^\[rdp-(clipboard|usb)-redirection\]/.test(r.message)));
    } finally {
      ws.dispose();
    }
  });

  it('a suppression of one rule takes only that rule out of the group', async () => {
    const text = `// avdsec-disable-next-line rdp-drive-redirection\n${BICEP}`;
    const { ws, uri } = await workspace('bicep', text);
    try {
      const found = ws.findings(uri, emptyConfig());
      assert.deepEqual(
        redirections(found).map((f) => f.ruleId),
        ['rdp-clipboard-redirection'],
      );
      assert.ok(!redirections(found)[0].related.some((r) => r.message.startsWith('[rdp-drive-redirection]')));
      // The suppression silenced something: no "silences nothing" finding.
      assert.deepEqual(
        found.filter((f) => f.ruleId === 'invalid-suppression'),
        [],
      );
    } finally {
      ws.dispose();
    }
  });

  it('keeps separate findings when the host pool writes an RDP string (each omission is a choice of its own)', async () => {
    const text = BICEP.replace("preferredAppGroupType: 'Desktop'", "preferredAppGroupType: 'Desktop'\n    customRdpProperty: 'audiomode:i:0;'");
    const { ws, uri } = await workspace('bicep', text);
    try {
      const ids = redirections(ws.findings(uri, emptyConfig())).map((f) => f.ruleId);
      assert.deepEqual(ids.sort(), ['rdp-clipboard-redirection', 'rdp-device-redirection', 'rdp-drive-redirection', 'rdp-usb-redirection']);
    } finally {
      ws.dispose();
    }
  });
});

describe('one finding for one decision reached through several cases', () => {
  it("reports a module's default once, with every caller that takes it (Terraform optional() defaults)", async () => {
    const g = await grammars();
    const ws = new Workspace(g);
    const dir = path.join(FIXTURES, 'rules', 'rdp-clipboard-redirection', 'tf-optional-defaults');
    for (const rel of ['main.tf', 'modules/pool/main.tf']) ws.set(uriOf(path.join(dir, rel)), fs.readFileSync(path.join(dir, rel), 'utf8'));
    try {
      const uri = uriOf(path.join(dir, 'modules/pool/main.tf'));
      const clipboard = ws.findings(uri, emptyConfig()).filter((f) => f.ruleId === 'rdp-clipboard-redirection');
      // Finance leaves rdp_properties out and sales passes null: both take the default, one decision in one place.
      assert.equal(clipboard.length, 1);
      const cases = clipboard[0].related.map((r) => r.message).join('\n');
      assert.match(cases, /finance/);
      assert.match(cases, /sales/);
      assert.doesNotMatch(cases, /engineering/);
      assert.equal(clipboard[0].fixes.filter((x) => x.preferred).length, 1);
    } finally {
      ws.dispose();
    }
  });
});
