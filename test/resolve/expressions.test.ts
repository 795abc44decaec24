import * as assert from 'node:assert/strict';
import { cases, get, knownString, MAX_CASES, MAX_FUNCTION_CALLS } from '../../server/src/engine/values';
import { Workspace } from '../../server/src/engine/workspace';
import { grammars } from '../harness/engine';

/**
 * What avdsec can see in each language: an expression that Azure would evaluate to a known string must give that
 * string; one that depends on something unknown must stay unknown (undefined here), never a guess.
 */
type Case = [expression: string, expected: string | undefined | string[]];

async function rdpOf(files: Record<string, string>, uri: string): Promise<string | undefined | string[]> {
  const ws = new Workspace(await grammars());
  for (const [u, t] of Object.entries(files)) ws.set(u, t);
  const doc = ws.document(uri)!;
  assert.deepEqual(doc.syntaxErrors, [], `${uri}: ${JSON.stringify(doc.syntaxErrors)}`);
  const hp = doc.resources.find((r) => r.type.toLowerCase() === 'microsoft.desktopvirtualization/hostpools');
  assert.ok(hp, 'no host pool');
  const v = get(hp.body, 'properties', 'customRdpProperty');
  assert.ok(v, 'no customRdpProperty');
  const all = cases(v);
  return all.length > 1 ? all.map((c) => knownString(c.value) ?? '?') : knownString(v);
}

const ARM_CASES: Case[] = [
  ["[concat('a:i:1;', 'b:i:0')]", 'a:i:1;b:i:0'],
  ["[format('{0};{1}', 'a:i:1', parameters('known'))]", 'a:i:1;x:i:1'],
  ["[if(equals(parameters('known'), 'x:i:1'), 'yes', 'no')]", 'yes'],
  ["[if(equals(parameters('free'), 'x'), 'yes', 'no')]", ['yes', 'no']],
  ["[toLower('ENABLERDSAADAUTH:i:1')]", 'enablerdsaadauth:i:1'],
  ["[coalesce(null(), parameters('known'))]", 'x:i:1'],
  ["[coalesce(parameters('free'), 'a')]", undefined],
  ["[if(contains(variables('obj'), 'rdp'), variables('obj').rdp, 'none')]", 'o:i:1'],
  ["[union(variables('obj'), createObject('rdp', 'u:i:1')).rdp]", 'u:i:1'],
  ["[parameters('free')]", undefined],
  ["[concat(parameters('free'), ';a:i:1')]", undefined],
  // Lambdas over a known array, as Bicep compiles its own.
  ["[join(map(variables('list'), lambda('x', concat(lambdaVariables('x'), ';'))), '')]", 'k:i:1;l:i:1;'],
  ["[join(map(variables('list'), lambda('x', 'i', format('{0}{1}', lambdaVariables('x'), lambdaVariables('i')))), ';')]", 'k:i:10;l:i:11'],
  ["[join(filter(variables('list'), lambda('x', not(equals(lambdaVariables('x'), 'k:i:1')))), ';')]", 'l:i:1'],
  ["[first(filter(variables('list'), lambda('x', equals(lambdaVariables('x'), 'l:i:1'))))]", 'l:i:1'],
  ["[join(filter(variables('list'), lambda('x', equals(lambdaVariables('x'), parameters('free')))), ';')]", undefined],
  ["[reduce(variables('list'), '', lambda('cur', 'next', concat(lambdaVariables('cur'), lambdaVariables('next'), ';')))]", 'k:i:1;l:i:1;'],
  ["[toObject(variables('list'), lambda('x', lambdaVariables('x')), lambda('x', 'o:i:1'))['l:i:1']]", 'o:i:1'],
  [
    "[join(map(variables('list'), lambda('x', join(map(variables('list'), lambda('y', concat(lambdaVariables('x'), lambdaVariables('y')))), '|'))), ';')]",
    'k:i:1k:i:1|k:i:1l:i:1;l:i:1k:i:1|l:i:1l:i:1',
  ],
  ["[join(sort(variables('list'), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b')))), ';')]", undefined],
  ["[lambdaVariables('x')]", undefined],
  ["[if(startsWith(parameters('known'), 'X:'), 'yes:i:1', 'no:i:1')]", 'yes:i:1'],
  ["[format('n:i:{0}', length(variables('list')))]", 'n:i:2'],
  ["[substring(parameters('known'), 0, 5)]", 'x:i:1'],
  ["[join(take(variables('list'), 1), ';')]", 'k:i:1'],
  ["[format('n:i:{0}', length(range(0, 20000)))]", undefined],
  ['[json(\'{"rdp": "j:i:1"}\').rdp]', 'j:i:1'],
  ["[padLeft('7', 3, '0')]", '007'],
];

function armTemplate(expr: string): string {
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { known: { type: 'string', defaultValue: 'x:i:1' }, free: { type: 'string' } },
    variables: { obj: { rdp: 'o:i:1' }, list: ['k:i:1', 'l:i:1'] },
    resources: [
      {
        type: 'Microsoft.DesktopVirtualization/hostPools',
        apiVersion: '2024-04-03',
        name: 'hp',
        properties: { hostPoolType: 'Pooled', customRdpProperty: expr },
      },
    ],
  });
}

const BICEP_CASES: Case[] = [
  ["'${known};a:i:1'", 'x:i:1;a:i:1'],
  ['free ?? known', undefined],
  // An optional parameter may still be given at deployment: unknown, not null.
  ['nothing ?? known', undefined],
  ['obj.?missing ?? known', 'x:i:1'],
  ['obj.rdp', 'o:i:1'],
  ["obj['rdp']", 'o:i:1'],
  ['list[1]', 'l:i:1'],
  ["contains(obj, 'rdp') ? obj.rdp : 'none'", 'o:i:1'],
  ["union(obj, { rdp: 'u:i:1' }).rdp", 'u:i:1'],
  ["toLower('A:I:1')", 'a:i:1'],
  ["join(split('a:i:1,b:i:0', ','), ';')", 'a:i:1;b:i:0'],
  ["join([for p in list: '${p};'], '')", 'k:i:1;l:i:1;'],
  ["known == 'x:i:1' ? 'yes' : 'no'", 'yes'],
  ["free == 'x' ? 'yes' : 'no'", ['yes', 'no']],
  ["'${free};a:i:1'", undefined],
  // Lambdas over a known list.
  ["join(map(list, x => '${x};'), '')", 'k:i:1;l:i:1;'],
  ["join(map(list, (x, i) => '${x}${i}'), ';')", 'k:i:10;l:i:11'],
  ["join(filter(list, x => x != 'k:i:1'), ';')", 'l:i:1'],
  ["first(filter(list, x => x == 'l:i:1'))", 'l:i:1'],
  // Whether an item is kept depends on a parameter not known here: the list's items are not known either.
  ["join(filter(list, x => x == free), ';')", undefined],
  ["reduce(list, '', (cur, next) => '${cur}${next};')", 'k:i:1;l:i:1;'],
  ["toObject(list, x => x, x => 'o:i:1')['l:i:1']", 'o:i:1'],
  ["toObject(list, x => free)['l:i:1']", undefined],
  ["join(sort(list, (a, b) => a < b), ';')", undefined],
  // Strings and lists by length and position, as ARM reads them (startsWith and indexOf ignore case).
  ["startsWith(known, 'X:') ? 'yes:i:1' : 'no:i:1'", 'yes:i:1'],
  ["'n:i:${length(list)}'", 'n:i:2'],
  ["'n:i:${length(free)}'", undefined],
  ['substring(known, 0, 5)', 'x:i:1'],
  // Past the end Azure fails the deployment: nothing to judge.
  ['substring(known, 2, 10)', undefined],
  ["join(take(list, 1), ';')", 'k:i:1'],
  ["join(skip(list, 1), ';')", 'l:i:1'],
  ["'n:i:${length(range(0, 3))}'", 'n:i:3'],
  // Azure refuses a range of more than 10,000.
  ["'n:i:${length(range(0, 20000))}'", undefined],
  ["padLeft('7', 3, '0')", '007'],
  ["'n:i:${indexOf(known, 'I')}'", 'n:i:2'],
  ['json(\'{"rdp": "j:i:1"}\').rdp', 'j:i:1'],
  ["join(flatten([list, ['m:i:1']]), ';')", 'k:i:1;l:i:1;m:i:1'],
  ["join(objectKeys(obj), ';')", 'rdp'],
  ["'n:i:${max(1, 3)}'", 'n:i:3'],
];

function bicepTemplate(expr: string): string {
  return `param known string = 'x:i:1'
param free string
param nothing string?
var obj = { rdp: 'o:i:1' }
var list = ['k:i:1', 'l:i:1']

resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp'
  properties: {
    hostPoolType: 'Pooled'
    customRdpProperty: ${expr}
  }
}
`;
}

const TF_CASES: Case[] = [
  ['"${var.known};a:i:1"', 'x:i:1;a:i:1'],
  ['join(";", ["a:i:1", var.known])', 'a:i:1;x:i:1'],
  ['format("%s;%s", "a:i:1", var.known)', 'a:i:1;x:i:1'],
  ['lookup(var.map, "rdp", "none")', 'm:i:1'],
  ['lookup(var.map, "missing", "none")', 'none'],
  ['merge(var.map, { rdp = "g:i:1" }).rdp', 'g:i:1'],
  ['coalesce("", var.known)', 'x:i:1'],
  ['var.on ? "yes" : "no"', 'yes'],
  ['var.free == "x" ? "yes" : "no"', ['yes', 'no']],
  ['local.shared', 's:i:1'],
  ['join(";", [for k, v in var.map : "${k}:${v}"])', 'rdp:m:i:1'],
  ['var.free', undefined],
  ['"${var.free};a:i:1"', undefined],
];

function tfTemplate(expr: string): string {
  return `variable "known" {
  default = "x:i:1"
}
variable "free" {}
variable "on" {
  default = true
}
variable "map" {
  default = { rdp = "m:i:1" }
}
resource "azurerm_virtual_desktop_host_pool" "hp" {
  name                  = "hp"
  type                  = "Pooled"
  custom_rdp_properties = ${expr}
}
`;
}

describe('expressions each language resolves, and those it leaves unknown', () => {
  for (const [expr, want] of ARM_CASES) {
    it(`ARM ${expr}`, async () => assert.deepEqual(await rdpOf({ '/w/t.json': armTemplate(expr) }, '/w/t.json'), want));
  }
  for (const [expr, want] of BICEP_CASES) {
    it(`Bicep ${expr}`, async () => assert.deepEqual(await rdpOf({ '/w/main.bicep': bicepTemplate(expr) }, '/w/main.bicep'), want));
  }
  for (const [expr, want] of TF_CASES) {
    it(`Terraform ${expr}`, async () =>
      assert.deepEqual(await rdpOf({ '/w/main.tf': tfTemplate(expr), '/w/locals.tf': 'locals {\n  shared = "s:i:1"\n}\n' }, '/w/main.tf'), want));
  }

  it('ARM copy loops, conditions and nested deployments with inner and outer scope', async () => {
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { rdp: { type: 'string', defaultValue: 'outer:i:1' } },
      resources: [
        { type: 'Microsoft.Compute/virtualMachines', apiVersion: '2024-03-01', name: "[format('vm-{0}', copyIndex())]", copy: { name: 'vms', count: 2 } },
        { type: 'Microsoft.Compute/virtualMachines', apiVersion: '2024-03-01', name: 'maybe', condition: "[equals(parameters('rdp'), 'x')]" },
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'inner',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            parameters: { rdp: { value: "[concat(parameters('rdp'), ';inner:i:1')]" } },
            template: {
              $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
              contentVersion: '1.0.0.0',
              parameters: { rdp: { type: 'string' } },
              resources: [
                {
                  type: 'Microsoft.DesktopVirtualization/hostPools',
                  apiVersion: '2024-04-03',
                  name: 'hp-inner',
                  properties: { customRdpProperty: "[parameters('rdp')]" },
                },
              ],
            },
          },
        },
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'outer',
          properties: {
            mode: 'Incremental',
            template: {
              $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
              contentVersion: '1.0.0.0',
              resources: [
                {
                  type: 'Microsoft.DesktopVirtualization/hostPools',
                  apiVersion: '2024-04-03',
                  name: 'hp-outer',
                  properties: { customRdpProperty: "[parameters('rdp')]" },
                },
              ],
            },
          },
        },
      ],
    };
    const ws = new Workspace(await grammars());
    ws.set('/w/t.json', JSON.stringify(template, null, 2));
    const doc = ws.document('/w/t.json')!;
    const vms = doc.resources.filter((r) => r.type === 'Microsoft.Compute/virtualMachines');
    assert.deepEqual(
      vms.map((r) => [r.source.loop ?? false, r.source.conditional ?? false]),
      [
        [true, false],
        [false, true],
      ],
    );
    const pools = doc.resources.filter((r) => r.type === 'Microsoft.DesktopVirtualization/hostPools');
    assert.deepEqual(
      pools.map((r) => knownString(get(r.body, 'properties', 'customRdpProperty'))),
      ['outer:i:1;inner:i:1', 'outer:i:1'],
    );
  });
});

describe('a value of more cases than avdsec follows', () => {
  // Each variable a choice between two readings of the one before: 2^n cases in n lines.
  const doubled = (n: number) =>
    Array.from({ length: n }, (_, i) => `param c${i} bool\nvar v${i + 1} = c${i} ? v${i} : v${i}`).join('\n') + `\nvar v0 = 'audiomode:i:0'\n`;
  const template = (n: number) => doubled(n) + bicepTemplate(`v${n}`);

  it(`keeps each case up to ${MAX_CASES}`, async () => {
    const got = await rdpOf({ '/w/main.bicep': template(10) }, '/w/main.bicep');
    assert.deepEqual(
      got,
      Array.from({ length: MAX_CASES }, () => 'audiomode:i:0'),
    );
  });

  it('makes a value of more cases unknown, and the values built from it know no case', async () => {
    assert.equal(await rdpOf({ '/w/main.bicep': template(11) }, '/w/main.bicep'), undefined);
    // Choices between unknowns again, past the limit: no case is known, so no rule can judge one.
    const later = await rdpOf({ '/w/main.bicep': template(60) }, '/w/main.bicep');
    assert.ok(later === undefined || (Array.isArray(later) && later.length <= MAX_CASES && later.every((c) => c === '?')), String(later));
  });
});

describe('user-defined functions', () => {
  const BICEP_FUNCS = `func rdp(clip int) string => 'redirectclipboard:i:\${clip}'
func pass(s string) string => s
func inner(s string) string => toLower(s)
func wrap(s string) string => '\${inner(s)};b:i:0'
func ownKnown() string => known
func loop(s string) string => loop(s)
func toUpper(s string) string => 'shadowed:i:1'
func joinAll(xs array) string => join(map(xs, x => inner(x)), ';')
`;
  const BICEP_FUNC_CASES: Case[] = [
    ['rdp(1)', 'redirectclipboard:i:1'],
    ["wrap('A:I:1')", 'a:i:1;b:i:0'],
    ['pass(known)', 'x:i:1'],
    ['pass(free)', undefined],
    // The body sees its own parameters, not the file's: `known` there is no parameter of the function.
    ['ownKnown()', undefined],
    ['loop(known)', undefined],
    // A function of the file hides the built-in of that name; `sys.` reaches the built-in.
    ["toUpper('a:i:1')", 'shadowed:i:1'],
    ["sys.toUpper('a:i:1')", 'A:I:1'],
    ['missing(known)', undefined],
    ["joinAll(['A:I:1', 'B:I:0'])", 'a:i:1;b:i:0'],
  ];
  for (const [expr, want] of BICEP_FUNC_CASES)
    it(`Bicep ${expr}`, async () => assert.deepEqual(await rdpOf({ '/w/main.bicep': BICEP_FUNCS + bicepTemplate(expr) }, '/w/main.bicep'), want));

  const armWith = (expr: string) => {
    const t = JSON.parse(armTemplate(expr));
    t.functions = [
      {
        namespace: 'avd',
        members: {
          rdp: { parameters: [{ name: 'clip', type: 'int' }], output: { type: 'string', value: "[format('redirectclipboard:i:{0}', parameters('clip'))]" } },
          pass: { parameters: [{ name: 'S', type: 'string' }], output: { type: 'string', value: "[parameters('s')]" } },
          inner: { parameters: [{ name: 's', type: 'string' }], output: { type: 'string', value: "[toLower(parameters('s'))]" } },
          wrap: { parameters: [{ name: 's', type: 'string' }], output: { type: 'string', value: "[concat(avd.inner(parameters('s')), ';b:i:0')]" } },
          literal: { parameters: [], output: { type: 'string', value: 'lit:i:1' } },
          ownKnown: { parameters: [], output: { type: 'string', value: "[parameters('known')]" } },
          loop: { parameters: [{ name: 's', type: 'string' }], output: { type: 'string', value: "[avd.loop(parameters('s'))]" } },
        },
      },
    ];
    return JSON.stringify(t);
  };
  const ARM_FUNC_CASES: Case[] = [
    ['[avd.rdp(1)]', 'redirectclipboard:i:1'],
    ["[AVD.Wrap('A:I:1')]", 'a:i:1;b:i:0'],
    ["[avd.pass(parameters('known'))]", 'x:i:1'],
    ["[avd.pass(parameters('free'))]", undefined],
    ['[avd.literal()]', 'lit:i:1'],
    // The output sees the function's parameters only, not the template's.
    ['[avd.ownKnown()]', undefined],
    ["[avd.loop(parameters('known'))]", undefined],
    ["[avd.missing(parameters('known'))]", undefined],
  ];
  for (const [expr, want] of ARM_FUNC_CASES) it(`ARM ${expr}`, async () => assert.deepEqual(await rdpOf({ '/w/t.json': armWith(expr) }, '/w/t.json'), want));

  it(`evaluates at most ${MAX_FUNCTION_CALLS} calls in a file, so functions that each call the next twice stay quick`, async () => {
    // 2^40 calls if each were evaluated.
    const chain =
      Array.from({ length: 40 }, (_, i) => `func f${i}(s string) string => '\${f${i + 1}(s)}\${f${i + 1}(s)}'`).join('\n') +
      '\nfunc f40(s string) string => s\n';
    const started = process.cpuUsage();
    assert.equal(await rdpOf({ '/w/main.bicep': chain + bicepTemplate("f0('a')") }, '/w/main.bicep'), undefined);
    const used = process.cpuUsage(started);
    assert.ok((used.user + used.system) / 1000 < 5000, `${(used.user + used.system) / 1000} ms`);
    // Within the budget the same chain is read whole: 2^10 copies of 'a'.
    const short =
      Array.from({ length: 10 }, (_, i) => `func f${i}(s string) string => '\${f${i + 1}(s)}\${f${i + 1}(s)}'`).join('\n') +
      '\nfunc f10(s string) string => s\n';
    assert.equal(await rdpOf({ '/w/main.bicep': short + bicepTemplate("f0('a')") }, '/w/main.bicep'), 'a'.repeat(1024));
  });
});
