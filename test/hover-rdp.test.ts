import * as assert from 'node:assert/strict';
import { hoverAt } from '../server/src/engine/hover';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

async function rdpHover(rdp: string): Promise<string> {
  const text = `param extra string\nresource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp'\n  properties: {\n    hostPoolType: 'Pooled'\n    customRdpProperty: ${rdp}\n  }\n}\n`;
  const ws = new Workspace(await grammars());
  ws.set('/w/main.bicep', text);
  const h = hoverAt(ws.document('/w/main.bicep')!, ws.graph(), text.indexOf('customRdpProperty: ') + 'customRdpProperty: '.length + 2);
  assert.ok(h, 'no hover');
  return h.markdown;
}

describe('hover on an RDP string', () => {
  it('decodes each property into a row: value, meaning and security note', async () => {
    const md = await rdpHover("'drivestoredirect:s:*;redirectclipboard:i:0'");
    assert.match(md, /\| `drivestoredirect` \| `\*` \| [^|]+ \| [^|]*(leave|readable)[^|]* \|/);
    assert.match(md, /\| `redirectclipboard` \| `0` \|/);
  });

  it('lists the judged properties that are absent, with the default they take', async () => {
    const md = await rdpHover("'drivestoredirect:s:'");
    assert.match(md, /Absent, so the host pool default applies/);
    assert.match(md, /\| `usbdevicestoredirect` \| `\*` \|/);
    assert.match(md, /\| `enablerdsaadauth` \| `0` \|/);
    assert.doesNotMatch(md, /\| `drivestoredirect` \| `\*` \|/);
  });

  it('assumes no default when part of the string is computed', async () => {
    const md = await rdpHover("'drivestoredirect:s:;${extra}'");
    assert.doesNotMatch(md, /Absent, so/);
    assert.match(md, /computed/);
  });
});
