import * as assert from 'node:assert/strict';
import { unknownCall, valueKey } from '../../server/src/engine/resolve/functions';
import type { Value } from '../../server/src/engine/model';
import { get, str } from '../../server/src/engine/values';
import { Workspace } from '../../server/src/engine/workspace';
import { grammars } from '../harness/engine';

const at = { start: 0, end: 0 };

describe('keys of unknown values', () => {
  it('pairs up calls written alike, and keys no call whose arguments are long', () => {
    const a = unknownCall('uniqueString', [str('rg-avd', at)], at);
    const b = unknownCall('uniqueString', [str('rg-avd', at)], at);
    assert.ok(a.kind === 'unknown' && a.key && b.kind === 'unknown' && a.key === b.key);
    assert.notEqual(unknownCall('uniqueString', [str('rg-other', at)], at).kind === 'unknown' && a.key, undefined);
    const long = unknownCall('json', [str('1'.repeat(5000), at)], at);
    assert.ok(long.kind === 'unknown' && long.key === undefined, 'a 5,000-character argument keys nothing');
    // A value's own key keeps its long text: equality of known values does not depend on the call key's limit.
    assert.ok(valueKey(str('1'.repeat(5000), at)).length > 5000);
  });

  it('gives the unknown items of a loop over a long literal no key of that length', async () => {
    const big = JSON.stringify(Array.from({ length: 2000 }, (_, i) => i));
    const ws = new Workspace(await grammars());
    ws.set(
      '/t/main.bicep',
      `var b = [for i in range(0, 50): json('${big}')]\nresource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'hp'\n  location: 'westeurope'\n  properties: {\n    items: b\n  }\n}\n`,
    );
    const hp = ws.document('/t/main.bicep')!.resources[0];
    const b = get(hp.body, 'properties', 'items');
    assert.ok(b?.kind === 'array' && b.items.length === 50, 'fifty items');
    // Each call's result is larger than the turns its loop has left: unknown.
    const unknowns = b.items.filter((v: Value) => v.kind === 'unknown');
    assert.equal(unknowns.length, 50);
    for (const v of unknowns) assert.ok(v.kind === 'unknown' && (v.key?.length ?? 0) < 100, `key of ${v.key?.length} characters`);
    ws.dispose();
  });
});
