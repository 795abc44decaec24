import * as assert from 'node:assert/strict';
import { durationHours, expiryCases, parseDate } from '../server/src/engine/facts/token-lifetime';
import { get } from '../server/src/engine/values';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

describe('registration token lifetime', () => {
  it('reads ISO 8601 durations as dateTimeAdd takes them', () => {
    assert.equal(durationHours('PT8H', 'iso'), 8);
    assert.equal(durationHours('P30D', 'iso'), 720);
    assert.equal(durationHours('P1W', 'iso'), 168);
    assert.equal(durationHours('P1DT12H', 'iso'), 36);
    assert.equal(durationHours('PT90M', 'iso'), 1.5);
    assert.equal(durationHours('-P1D', 'iso'), -24);
    assert.equal(durationHours('p2d', 'iso'), 48);
    assert.equal(durationHours(' PT8H ', 'iso'), 8);
    for (const bad of ['P', 'PT', 'P1DT', '30D', 'P1H', '8h']) assert.equal(durationHours(bad, 'iso'), undefined, bad);
  });

  it("reads Go durations as Terraform's timeadd takes them", () => {
    assert.equal(durationHours('48h', 'go'), 48);
    assert.equal(durationHours('1h30m', 'go'), 1.5);
    assert.equal(durationHours('-2h', 'go'), -2);
    assert.equal(durationHours('90m', 'go'), 1.5);
    // Go has no day unit: timeadd fails on it, so it is not a duration.
    for (const bad of ['30d', 'PT8H', 'h', '']) assert.equal(durationHours(bad, 'go'), undefined, bad);
  });

  it('reads dates as ARM and Terraform write them, UTC unless an offset is written', () => {
    assert.equal(parseDate('2022-01-01T23:40:52Z'), Date.UTC(2022, 0, 1, 23, 40, 52));
    assert.equal(parseDate('2025-02-12 00:00:00Z'), Date.UTC(2025, 1, 12));
    assert.equal(parseDate('2025-02-12'), Date.UTC(2025, 1, 12));
    assert.equal(parseDate('2025-02-12T10:00:00+02:00'), Date.UTC(2025, 1, 12, 8));
    assert.equal(parseDate('2025-02-12T10:00:00.1234567Z'), Date.UTC(2025, 1, 12, 10));
    for (const bad of ['2025-13-01', 'tomorrow', '12/02/2025', '']) assert.equal(parseDate(bad), undefined, bad);
  });

  it('follows utcNow() through a parameter default and dateTimeAdd, and stays silent on a parameter without one', async () => {
    const ws = new Workspace(await grammars());
    const uri = '/lifetime/main.bicep';
    ws.set(
      uri,
      [
        "param baseTime string = utcNow('u')",
        'param supplied string',
        "resource a 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {",
        "  name: 'a'",
        "  properties: { registrationInfo: { expirationTime: dateTimeAdd(dateTimeAdd(baseTime, 'P1D'), 'PT12H') } }",
        '}',
        "resource b 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {",
        "  name: 'b'",
        "  properties: { registrationInfo: { expirationTime: dateTimeAdd(supplied, 'P1D') } }",
        '}',
        '',
      ].join('\n'),
    );
    const [a, b] = ws.document(uri)!.resources.map((r) => get(r.body, 'properties', 'registrationInfo', 'expirationTime')!);
    const graph = ws.graph();
    assert.deepEqual(
      expiryCases(a, graph).map((x) => (x.kind === 'after' ? { hours: x.hours, site: !!x.site } : x)),
      // Two durations added: no single literal for a fix to shorten.
      [{ hours: 36, site: false }],
    );
    assert.deepEqual(expiryCases(b, graph), []);
  });
});
