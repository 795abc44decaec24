import * as assert from 'node:assert/strict';
import { adaptBicep } from '../../server/src/engine/adapters/bicep/adapter';
import { bicepPrinter } from '../../server/src/engine/adapters/bicep/print';
import type { Document, Resource, Value } from '../../server/src/engine/model';
import { applyTextEdits } from '../../server/src/engine/fix';
import { get, knownString } from '../../server/src/engine/values';

function adapt(text: string): Document {
  return adaptBicep('/w/main.bicep', text, 1, 'bicep');
}

function resource(doc: Document, symbol: string): Resource {
  const r = doc.resources.find((x) => x.source.symbol === symbol);
  assert.ok(r, `no resource ${symbol} in ${doc.resources.map((x) => x.source.symbol).join(', ')}`);
  return r;
}

function at(doc: Document, v: { range: { start: number; end: number } } | undefined): string {
  assert.ok(v);
  return doc.text.slice(v.range.start, v.range.end);
}

const POOL = `targetScope = 'resourceGroup'

@allowed([
  'Pooled'
  'Personal'
])
param poolType string
param rdpBase string = 'audiomode:i:0'
param extra string
var rdp = '\${rdpBase};redirectclipboard:i:0'

resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp-\${toLower('ABC')}'
  location: resourceGroup().location
  properties: {
    hostPoolType: poolType
    loadBalancerType: poolType == 'Pooled' ? 'BreadthFirst' : 'Persistent'
    customRdpProperty: '\${rdp};\${extra}'
    description: 'it\\'s "fine" 😀'
  }
}

resource existingPool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' existing = {
  name: 'hp-old'
}

resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = [for i in range(0, 2): {
  name: 'vm-\${i}'
  location: resourceGroup().location

  resource aad 'extensions' = {
    name: 'AADLoginForWindows'
    properties: {
      publisher: 'Microsoft.Azure.ActiveDirectory'
      type: 'AADLoginForWindows'
    }
  }
}]

resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (poolType == 'Pooled') {
  name: guid(resourceGroup().id, 'x')
  scope: hp
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '1c0163c0-47e6-4577-8991-ea5c82e286e4')
    principalId: extra
  }
}
`;

describe('bicep adapter', () => {
  it('reads resources with their ARM type, api version, head range and flags', () => {
    const doc = adapt(POOL);
    assert.deepEqual(doc.syntaxErrors, []);
    const hp = resource(doc, 'hp');
    assert.equal(hp.type, 'Microsoft.DesktopVirtualization/hostPools');
    assert.equal(hp.apiVersion, '2024-04-03');
    assert.equal(at(doc, { range: hp.source.headRange }), "'Microsoft.DesktopVirtualization/hostPools@2024-04-03'");
    assert.equal(hp.source.deploymentScope, 'resourceGroup');
    assert.equal(resource(doc, 'existingPool').source.existing, true);
    assert.equal(resource(doc, 'vm').source.loop, true);
    assert.equal(resource(doc, 'ra').source.conditional, true);
    const child = resource(doc, 'vm::aad');
    assert.equal(child.type, 'Microsoft.Compute/virtualMachines/extensions');
    const parent = get(child.body, 'parent');
    assert.deepEqual(parent?.kind === 'ref' && parent.target, '/w/main.bicep#vm');
  });

  it('resolves parameters, variables, interpolation and functions, keeping source maps', () => {
    const doc = adapt(POOL);
    const hp = resource(doc, 'hp');
    assert.equal(knownString(get(hp.body, 'name')), 'hp-abc');
    const rdp = get(hp.body, 'properties', 'customRdpProperty')!;
    assert.equal(rdp.kind, 'string');
    const parts = rdp.kind === 'string' ? rdp.parts : [];
    assert.equal(parts[0].kind === 'text' && parts[0].text, 'audiomode:i:0');
    // Text that comes from the parameter default points at the default, in this file.
    const src = parts[0].kind === 'text' ? parts[0].source : undefined;
    assert.equal(doc.text.slice(src!.start, src!.end), 'audiomode:i:0');
    assert.equal(parts[parts.length - 1].kind, 'hole', 'the unknown parameter stays a hole');
    const description = get(hp.body, 'properties', 'description')!;
    assert.equal(knownString(description), 'it\'s "fine" 😀');
    const d = description.kind === 'string' && description.parts[0].kind === 'text' ? description.parts[0].source! : undefined;
    assert.equal(doc.text.slice(d!.offsets![5], d!.offsets![11]), '"fine"');
  });

  it('turns an @allowed parameter without default into a choice, and a ternary on it into per-option values', () => {
    const doc = adapt(POOL);
    const hp = resource(doc, 'hp');
    const type = get(hp.body, 'properties', 'hostPoolType')!;
    assert.equal(type.kind, 'choice');
    assert.deepEqual(type.kind === 'choice' && type.options.map((o) => [knownString(o.value), o.when]), [
      ['Pooled', "when poolType is 'Pooled'"],
      ['Personal', "when poolType is 'Personal'"],
    ]);
    assert.equal(at(doc, type), 'poolType');
  });

  it('reads role assignments: scope as a symbol reference, role GUID inside subscriptionResourceId', () => {
    const doc = adapt(POOL);
    const ra = resource(doc, 'ra');
    const scope = get(ra.body, 'scope') as Value;
    assert.deepEqual(scope.kind === 'ref' && scope.target, '/w/main.bicep#hp');
    const role = get(ra.body, 'properties', 'roleDefinitionId')!;
    assert.equal(role.kind, 'string');
    assert.match(role.kind === 'string' ? role.parts.map((p) => (p.kind === 'text' ? p.text : '?')).join('') : '', /1c0163c0-47e6-4577-8991-ea5c82e286e4$/);
  });

  it('reads subscription-scoped files', () => {
    const doc = adapt(`targetScope = 'subscription'\nresource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: 'x'\n}\n`);
    assert.equal(resource(doc, 'ra').source.deploymentScope, 'subscription');
  });

  it('keeps the declarations that parse when a line is broken, and reports the error', () => {
    const doc = adapt(`resource a 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'a'
  properties: {
    hostPoolType: = 'Pooled'
    customRdpProperty: 'audiomode:i:0'
  }
}
resource b 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'b'
}
`);
    assert.ok(doc.syntaxErrors.length > 0);
    assert.equal(knownString(get(resource(doc, 'a').body, 'properties', 'customRdpProperty')), 'audiomode:i:0');
    assert.equal(knownString(get(resource(doc, 'b').body, 'name')), 'b');
  });

  it('never throws on binary or truncated input', () => {
    for (const text of ["\u0000\u0001resource x {{{ '\u0007", POOL.slice(0, 300), "'''", '@', 'resource']) {
      const doc = adapt(text);
      assert.ok(Array.isArray(doc.resources));
    }
  });

  it('reads avdsec suppression comments', () => {
    const doc = adapt(
      `// avdsec-disable-next-line host-pool-sso-disabled -- SSO needs Entra join first\nresource a 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'a'\n}\n`,
    );
    assert.deepEqual(
      doc.suppressions.map((s) => [s.line, s.ruleIds, s.reason]),
      [[1, ['host-pool-sso-disabled'], 'SSO needs Entra join first']],
    );
  });

  it('prints: escapes strings and adds an absent property where it belongs', () => {
    assert.equal(bicepPrinter.escapeStringText("it's ${x}\\"), "it\\'s \\${x}\\\\");
    const text = `resource a 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'a'\n  properties: {\n    hostPoolType: 'Pooled'\n  }\n}\n`;
    const doc = adapt(text);
    const edits = bicepPrinter.addProperty(doc, resource(doc, 'a'), ['properties', 'customRdpProperty'], 'enablerdsaadauth:i:1;')!;
    assert.equal(
      applyTextEdits(text, edits),
      text.replace("hostPoolType: 'Pooled'\n", "hostPoolType: 'Pooled'\n    customRdpProperty: 'enablerdsaadauth:i:1;'\n"),
    );
    const bare = `resource a 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'a'\n}\n`;
    const doc2 = adapt(bare);
    const edits2 = bicepPrinter.addProperty(doc2, resource(doc2, 'a'), ['properties', 'customRdpProperty'], 'x:i:1;')!;
    assert.equal(applyTextEdits(bare, edits2), bare.replace("name: 'a'\n", "name: 'a'\n  properties: {\n    customRdpProperty: 'x:i:1;'\n  }\n"));
  });

  it('lists registry modules as not followed, without an error', () => {
    const doc = adapt(
      `module hp 'br/public:avm/res/desktop-virtualization/host-pool:0.8.0' = {\n  name: 'hp'\n  params: {\n    name: 'hp'\n  }\n}\nmodule local './hosts.bicep' = {\n  name: 'hosts'\n  params: {\n    count: 2\n  }\n}\n`,
    );
    assert.deepEqual(doc.syntaxErrors, []);
    assert.deepEqual(
      doc.facts.unresolvedModules?.map((m) => m.reference),
      ['br/public:avm/res/desktop-virtualization/host-pool:0.8.0'],
    );
    assert.deepEqual(
      doc.facts.inputs?.map((i) => [i.targets, i.label, [...i.values.keys()]]),
      [[['/w/hosts.bicep'], "module 'local' in main.bicep", ['count']]],
    );
  });
});
