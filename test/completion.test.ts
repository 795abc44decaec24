import * as assert from 'node:assert/strict';
import { completionsAt } from '../server/src/engine/completion';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

/** `|` marks the cursor. */
async function complete(uri: string, withCursor: string) {
  const offset = withCursor.indexOf('|');
  const text = withCursor.replace('|', '');
  const ws = new Workspace(await grammars());
  ws.set(uri, text);
  const items = completionsAt(ws.document(uri)!, offset);
  return { items, text, offset };
}

const bicep = (rdp: string) => `resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp'
  properties: {
    hostPoolType: 'Pooled'
    customRdpProperty: ${rdp}
  }
}
`;

describe('completion inside RDP strings', () => {
  it('offers property names where a property starts, replacing what is typed', async () => {
    const { items, text, offset } = await complete('/w/main.bicep', bicep("'audiomode:i:0;drive|'"));
    assert.ok(items);
    const drive = items.find((i) => i.label === 'drivestoredirect')!;
    assert.equal(drive.insertText, 'drivestoredirect:s:');
    assert.equal(text.slice(drive.range.start, drive.range.end), 'drive');
    assert.equal(drive.range.end, offset);
    assert.ok(items.some((i) => i.label === 'enablerdsaadauth'));
  });

  it('offers the allowed values after name:type:, saying which is the default', async () => {
    const { items } = await complete('/w/main.bicep', bicep("'redirectclipboard:i:|'"));
    assert.deepEqual(items!.map((i) => i.label).sort(), ['0', '1']);
    assert.match(items!.find((i) => i.label === '1')!.documentation ?? '', /default/);
  });

  it('works in ARM JSON and Terraform strings too', async () => {
    const arm = JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      resources: [
        { type: 'Microsoft.DesktopVirtualization/hostPools', apiVersion: '2024-04-03', name: 'hp', properties: { customRdpProperty: 'enablerdsaadauth:i:|' } },
      ],
    });
    assert.deepEqual((await complete('/w/t.json', arm)).items!.map((i) => i.label).sort(), ['0', '1']);
    const tf = 'resource "azurerm_virtual_desktop_host_pool" "hp" {\n  custom_rdp_properties = "audiomode:i:0;usb|"\n}\n';
    assert.ok((await complete('/w/main.tf', tf)).items!.some((i) => i.label === 'usbdevicestoredirect'));
  });

  it('offers nothing outside the RDP string or inside an interpolation', async () => {
    assert.equal((await complete('/w/main.bicep', bicep("'audiomode:i:0'").replace("hostPoolType: 'Pooled'", "hostPoolType: 'Po|oled'"))).items, undefined);
    const { items } = await complete('/w/main.bicep', `param x string\n${bicep("'audiomode:i:0;${x|}'")}`);
    assert.ok(!items || items.length === 0);
  });
});
