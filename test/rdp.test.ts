import * as assert from 'node:assert/strict';
import type { StringValue } from '../server/src/engine/model';
import { applyTextEdits, renderFix } from '../server/src/engine/fix';
import { parseRdpString } from '../server/src/engine/rdp';
import { get } from '../server/src/engine/values';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

/** The RDP string of the one host pool in a file, parsed, with the workspace for fixes. */
async function rdpIn(uri: string, text: string) {
  const ws = new Workspace(await grammars());
  ws.set(uri, text);
  const hp = ws.document(uri)!.resources.find((r) => r.type === 'Microsoft.DesktopVirtualization/hostPools')!;
  const v = get(hp.body, 'properties', 'customRdpProperty') as StringValue;
  assert.equal(v.kind, 'string');
  return { ws, hp, rdp: parseRdpString(v), text };
}

const bicep = (s: string) =>
  `param x string\nresource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp'\n  properties: {\n    customRdpProperty: ${s}\n  }\n}\n`;
const arm = (s: string) =>
  `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [{"type": "Microsoft.DesktopVirtualization/hostPools", "apiVersion": "2024-04-03", "name": "hp", "properties": {"customRdpProperty": ${s}}}]}`;
const hcl = (s: string) => `variable "x" {}\nresource "azurerm_virtual_desktop_host_pool" "hp" {\n  custom_rdp_properties = ${s}\n}\n`;

describe('RDP property strings', () => {
  it('reads names with spaces, string values with colons and drive lists with semicolons, and a missing trailing ;', async () => {
    const { rdp, text } = await rdpIn(
      '/w/main.bicep',
      bicep(String.raw`'use multimon:i:1;kdcproxyname:s:kdc.contoso.com:443;drivestoredirect:s:C:\\;E:\\;audiomode:i:0'`),
    );
    assert.deepEqual(
      rdp.tokens.map((t) => [t.name, t.type, t.value]),
      [
        ['use multimon', 'i', '1'],
        ['kdcproxyname', 's', 'kdc.contoso.com:443'],
        ['drivestoredirect', 's', 'C:\\;E:\\'],
        ['audiomode', 'i', '0'],
      ],
    );
    const drive = rdp.tokens[2];
    assert.equal(text.slice(drive.range!.start, drive.range!.end), String.raw`drivestoredirect:s:C:\\;E:\\`);
  });

  it('keeps duplicates and glued tokens as they are, for the rules to judge', async () => {
    const { rdp } = await rdpIn('/w/main.bicep', bicep("'redirectclipboard:i:0;audiomode:i:0redirectprinters:i:0;redirectclipboard:i:1'"));
    assert.deepEqual(
      rdp.tokens.map((t) => t.text),
      ['redirectclipboard:i:0', 'audiomode:i:0redirectprinters:i:0', 'redirectclipboard:i:1'],
    );
  });

  it('maps every token to its characters through JSON and HCL escapes', async () => {
    const a = await rdpIn('/w/t.json', arm(String.raw`"x:s:\"q\";audiomode:i:0"`));
    const t = a.rdp.tokens.find((k) => k.name === 'audiomode')!;
    assert.equal(a.text.slice(t.range!.start, t.range!.end), 'audiomode:i:0');
    const h = await rdpIn('/w/main.tf', hcl(String.raw`"x:s:\"q\";audiomode:i:0"`));
    const u = h.rdp.tokens.find((k) => k.name === 'audiomode')!;
    assert.equal(h.text.slice(u.range!.start, u.range!.end), 'audiomode:i:0');
  });

  it('never reads a property across an interpolation of an unknown value', async () => {
    const { rdp } = await rdpIn('/w/main.bicep', bicep("'audio${x}mode:i:1;redirectclipboard:i:0;${x}'"));
    assert.equal(rdp.hasUnknown, true);
    assert.deepEqual(
      rdp.tokens.map((t) => t.text),
      ['redirectclipboard:i:0'],
    );
    const tf = await rdpIn('/w/main.tf', hcl('"${var.x};enablerdsaadauth:i:0"'));
    assert.deepEqual(
      tf.rdp.tokens.map((t) => t.text),
      ['enablerdsaadauth:i:0'],
    );
  });

  it('adds a property after a trailing interpolation, never inside it', async () => {
    const { ws, hp, text } = await rdpIn('/w/main.bicep', bicep("'audiomode:i:0;${x}'"));
    const set = renderFix({ kind: 'set-rdp-property', resource: hp.key, name: 'enablerdsaadauth', value: 'i:1' }, ws.fixContext())!;
    assert.ok(set.edits.every((e) => !text.slice(0, e.range.start).endsWith('${x') && text.slice(e.range.start - 4, e.range.start) === '${x}'));
    assert.match(applyTextEdits(text, set.edits), /customRdpProperty: 'audiomode:i:0;\$\{x\};enablerdsaadauth:i:1;'/);
  });

  it('removes a property with its separator, and replaces a glued token', async () => {
    const { ws, hp, text } = await rdpIn('/w/main.tf', hcl('"camerastoredirect:s:*;audiomode:i:0redirectprinters:i:0"'));
    const remove = renderFix({ kind: 'remove-rdp-property', resource: hp.key, name: 'camerastoredirect' }, ws.fixContext())!;
    assert.match(applyTextEdits(text, remove.edits), /= "audiomode:i:0redirectprinters:i:0"/);
    const split = renderFix(
      { kind: 'replace-rdp-token', resource: hp.key, from: 'audiomode:i:0redirectprinters:i:0', to: 'audiomode:i:0;redirectprinters:i:0' },
      ws.fixContext(),
    )!;
    assert.match(applyTextEdits(text, split.edits), /= "camerastoredirect:s:\*;audiomode:i:0;redirectprinters:i:0"/);
  });

  it('removes duplicates side by side at the end of the string in one edit (found by the fuzzer, seed 202)', async () => {
    // The second copy takes the `;` after it, the last the one before it: the same `;`, so the deletions are merged.
    const { ws, hp, text } = await rdpIn('/w/main.tf', hcl('"audiomode:i:0;audiomode:i:1;audiomode:i:1"'));
    const keep = renderFix({ kind: 'remove-rdp-property', resource: hp.key, name: 'audiomode', keep: '0' }, ws.fixContext())!;
    const sorted = [...keep.edits].sort((a, b) => a.range.start - b.range.start);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].range.start >= sorted[i - 1].range.end, 'edits do not overlap');
    assert.match(applyTextEdits(text, keep.edits), /= "audiomode:i:0;"/);
  });
});
