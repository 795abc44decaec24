import { bicepHostPool } from './engine';

/**
 * Inputs written to make a linter slow rather than wrong: long runs of whitespace and repeated tokens where a regex
 * might backtrack, format strings made of `{0:` and `%0`, huge RDP values, thousands of suppression comments, deep
 * nesting and many resources, in each language. Each generator fills about `size` characters, so a test can check
 * that the time to analyze grows with the size of the input and not faster.
 */
export interface AdversarialInput {
  name: string;
  /** File name (its extension decides the language); the text is about `size` characters. */
  file: string;
  text: string;
}

type Generator = (size: number) => { file: string; text: string };

const repeatTo = (unit: string, size: number) => unit.repeat(Math.max(1, Math.floor(size / unit.length)));

const bicepPool = (rdp: string, name = 'hp') => bicepHostPool(`'${name}'`, rdp);

const armTemplate = (resources: string, extra = '') => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",${extra}
  "resources": [${resources}]
}
`;

const armPool = (rdp: string, name = 'hp') => `{
      "type": "Microsoft.DesktopVirtualization/hostPools",
      "apiVersion": "2024-04-03",
      "name": "${name}",
      "location": "westeurope",
      "properties": { "hostPoolType": "Pooled", "loadBalancerType": "BreadthFirst", "preferredAppGroupType": "Desktop", "customRdpProperty": ${rdp} }
    }`;

const tfPool = (rdp: string, name = 'hp') => `resource "azurerm_virtual_desktop_host_pool" "${name}" {
  name                     = "${name}"
  location                 = "westeurope"
  resource_group_name      = "rg-avd"
  type                     = "Pooled"
  load_balancer_type       = "BreadthFirst"
  preferred_app_group_type = "Desktop"
  custom_rdp_properties    = ${rdp}
}
`;

/** RDP values (the text inside the string) that stress the RDP tokenizer and the rules that read its tokens. */
const RDP_VALUES: Record<string, (size: number) => string> = {
  'letters without a colon': (n) => repeatTo('a', n),
  'letters and spaces without a colon': (n) => repeatTo('a ', n),
  'a name, spaces and no type': (n) => `redirectclipboard${' '.repeat(n)}:`,
  'a name, spaces and no colon': (n) => `redirectclipboard${' '.repeat(n)}x`,
  'a string value of letters': (n) => `x:s:${repeatTo('a', n)}`,
  'a string value of letters and spaces': (n) => `x:s:${repeatTo('a ', n)}:i:`,
  'a string value of name:s: heads': (n) => `x:s:${repeatTo('ab:s', n)}`,
  'an integer value followed by spaces': (n) => `audiomode:i:1${' '.repeat(n)}x`,
  'tokens set again with other values': (n) => repeatTo('audiomode:i:0;audiomode:i:1;', n),
  'unknown property names': (n) => repeatTo('redirectclipbord:i:1;', n),
  semicolons: (n) => repeatTo(';', n),
  'drive list items': (n) => `drivestoredirect:s:${repeatTo('C:\\;', n)}`,
};

const bicepString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const jsonString = (s: string) => JSON.stringify(s);

/** How many times the doubled-string inputs double their string. */
const DOUBLINGS = 60;

/** Levels of a value read many times at each level, and how many readings each level has in an input of `n` characters. */
const WIDE_LEVELS = 4;
const wide = (n: number, levels = WIDE_LEVELS) => Math.max(2, Math.floor(n / (levels * 16)));

const GENERATORS: Record<string, Generator> = {
  // Suppression comments: many, with long runs of whitespace and separators between the rule ids.
  'bicep: 10,000 suppressions': (n) => ({
    file: 'main.bicep',
    text: bicepPool(`'audiomode:i:0;'`) + repeatTo('// avdsec-disable-next-line rdp-drive-redirection, no-such-rule -- why\nvar x = 1\n', n - 400),
  }),
  'bicep: suppression ids separated by whitespace runs': (n) => ({
    file: 'main.bicep',
    text: `${bicepPool(`'audiomode:i:0;'`)}// avdsec-disable-next-line no-such-rule${' '.repeat(n / 2)},${' '.repeat(n / 2)}other-unknown\nvar y = 1\n`,
  }),
  'bicep: whitespace before a suppression': (n) => ({
    file: 'main.bicep',
    text: `${bicepPool(`'audiomode:i:0;'`)}${' '.repeat(n)}// avdsec-disable-next-line a,b ,c\n`,
  }),
  'arm: 10,000 suppressions on one line': (n) => ({
    file: 'azuredeploy.json',
    text: armTemplate(armPool(`"audiomode:i:0;"`)).replace('"contentVersion"', `${repeatTo('/* avdsec-disable-next-line nope */ ', n)}"contentVersion"`),
  }),
  'terraform: 10,000 suppressions': (n) => ({
    file: 'main.tf',
    text: tfPool(`"audiomode:i:0;"`) + repeatTo('# avdsec-disable-next-line rdp-drive-redirection,  ,  no-such-rule\nlocals { a = 1 }\n', n - 400),
  }),

  // format() strings that a regex could backtrack over.
  "bicep: format('{0:{0:…')": (n) => ({ file: 'main.bicep', text: bicepPool(`format('${repeatTo('{0:', n)}', 'x')`) }),
  "bicep: format('{{{{…')": (n) => ({ file: 'main.bicep', text: bicepPool(`format('${repeatTo('{', n)}0', 'x')`) }),
  "arm: format('{0:{0:…')": (n) => ({ file: 'azuredeploy.json', text: armTemplate(armPool(jsonString(`[format('${repeatTo('{0:', n)}', 'x')]`))) }),
  'terraform: format("%0%0…")': (n) => ({ file: 'main.tf', text: tfPool(`format("${repeatTo('%0', n)}", "x")`) }),
  'terraform: format("%000…")': (n) => ({ file: 'main.tf', text: tfPool(`format("%${repeatTo('0', n)}", "x")`) }),
  'terraform: format("%-+# 0…")': (n) => ({ file: 'main.tf', text: tfPool(`format("%${repeatTo('-+# 0', n)}1", "x")`) }),

  // Long whitespace runs where the grammar allows them.
  'bicep: whitespace runs between tokens': (n) => ({
    file: 'main.bicep',
    text: bicepPool(`'audiomode:i:0;'`).replace(/ /g, ' '.repeat(Math.max(1, Math.floor(n / 120)))),
  }),
  'arm: whitespace runs between tokens': (n) => ({
    file: 'azuredeploy.json',
    text: armTemplate(armPool(`"audiomode:i:0;"`).replace(/ /g, ' '.repeat(Math.max(1, Math.floor(n / 150))))),
  }),
  'terraform: whitespace runs between tokens': (n) => ({
    file: 'main.tf',
    text: tfPool(`"audiomode:i:0;"`).replace(/ {2,}/g, ' '.repeat(Math.max(1, Math.floor(n / 60)))),
  }),
  'arm: whitespace runs inside an expression': (n) => ({
    file: 'azuredeploy.json',
    text: armTemplate(armPool(jsonString(`[concat(${' '.repeat(n / 2)}'a'${' '.repeat(n / 2)}, 'b')]`))),
  }),

  // Strings built of many pieces.
  'bicep: 10,000 interpolations in an RDP string': (n) => ({
    file: 'main.bicep',
    text: `param p string\n${bicepPool(`'${repeatTo('${p}audiomode:i:0;', n)}'`)}`,
  }),
  'terraform: 10,000 interpolations in an RDP string': (n) => ({
    file: 'main.tf',
    text: `variable "p" {\n  type = string\n}\n${tfPool(`"${repeatTo('${var.p}audiomode:i:0;', n)}"`)}`,
  }),
  'terraform: a heredoc of many lines': (n) => ({ file: 'main.tf', text: tfPool(`<<-EOT\n${repeatTo('    audiomode:i:0;\n', n)}EOT`) }),

  // Lines the link scan reads before parsing, each opening a quote it never closes.
  'bicep: unclosed module paths': (n) => ({ file: 'main.bicep', text: bicepPool(`'audiomode:i:0;'`) + repeatTo("module m './x\n", n) }),
  'terraform: unclosed module sources': (n) => ({ file: 'main.tf', text: tfPool(`"audiomode:i:0;"`) + repeatTo('source = "./x\n', n) }),

  // Arrays and strings of more pieces than a function call takes arguments.
  'arm: concat of a huge array': (n) => ({
    file: 'azuredeploy.json',
    text: armTemplate(
      armPool(jsonString(`[string(length(concat(variables('big'), variables('big'))))]`)),
      `\n  "variables": { "big": [${repeatTo('1,', n / 2)}1] },`,
    ),
  }),
  'bicep: a string of many pieces': (n) => ({
    file: 'main.bicep',
    text: `param p string\nvar big = [${repeatTo("'a'\n", n / 2)}]\n${bicepPool(`join(concat(big, big), '\${p}')`)}`,
  }),

  // Deep nesting, below and above each parser's depth limit, and long chains of operators (a tree as deep, no brackets).
  'bicep: a long chain of operators': (n) => ({
    file: 'main.bicep',
    text: `var x = ${repeatTo('1 % ', n / 2)}1\nvar y = ${repeatTo('1 % ', n / 2)}}\n${bicepPool(`'audiomode:i:\${x};'`)}`,
  }),
  'terraform: a long chain of operators': (n) => ({
    file: 'main.tf',
    text: tfPool(`"audiomode:i:\${local.x};"`) + `locals {\n  x = ${repeatTo('1 % ', n / 2)}1\n  y = ${repeatTo('1 % ', n / 2)}}\n}\n`,
  }),
  'arm: a long chain of operators': (n) => ({ file: 'azuredeploy.json', text: armTemplate(armPool(jsonString(`[concat(${repeatTo("'a', ", n / 2)}'b')]`))) }),
  // A chain of conditionals: a value with as many cases as links (found by the fuzzer, seed 303: each case's phrase
  // named every condition before it, and each RDP case re-expanded the chain).
  'bicep: a chain of ternaries in an RDP value': (n) => ({
    file: 'main.bicep',
    text: `param s bool\n${bicepPool(`${repeatTo("s ? 'audiomode:i:0;' : ", n)}'x'`)}`,
  }),
  'terraform: a chain of conditionals in an RDP value': (n) => ({
    file: 'main.tf',
    text: `variable "s" {\n  type = bool\n}\n${tfPool(`${repeatTo('var.s ? "audiomode:i:0;" : ', n)}"x"`)}`,
  }),
  // Conditions nested in an object, each on a parameter of several allowed values (found by the fuzzer, seed 4009): each
  // case of each condition holds the cases below it, a value shared by many, and its key spelled each one out.
  'bicep: nested conditions on an allowed parameter': (n) => {
    const depth = Math.max(1, Math.floor(n / 90));
    const open = "identitySolution == 'EntraId' ? true : {\n  minimumTlsVersion: 'TLS1_2'\n  allowSharedKeyAccess: ";
    return {
      file: 'main.bicep',
      text: `@allowed([\n  'ADDS'\n  'EntraKerberos'\n  'EntraId'\n])\nparam identitySolution string\n${bicepPool(`'audiomode:i:0;'`)}resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'stprofiles'\n  location: 'westeurope'\n  kind: 'FileStorage'\n  properties: {\n    allowSharedKeyAccess: ${open.repeat(depth)}false${'\n}'.repeat(depth)}\n  }\n}\n`,
    };
  },
  'arm: nested conditions on an allowed parameter': (n) => {
    const depth = Math.max(1, Math.floor(n / 110));
    const open = "if(equals(parameters('identitySolution'), 'EntraId'), true(), createObject('minimumTlsVersion', 'TLS1_2', 'allowSharedKeyAccess', ";
    const storage = `{ "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "stprofiles", "location": "westeurope", "kind": "FileStorage", "properties": { "allowSharedKeyAccess": ${jsonString(`[${open.repeat(depth)}false()${'))'.repeat(depth)}]`)} } }`;
    return {
      file: 'azuredeploy.json',
      text: armTemplate(
        `${armPool(`"audiomode:i:0;"`)}, ${storage}`,
        `\n  "parameters": { "identitySolution": { "type": "string", "allowedValues": ["ADDS", "EntraKerberos", "EntraId"] } },`,
      ),
    };
  },
  'terraform: nested conditions on an allowed variable': (n) => {
    const depth = Math.max(1, Math.floor(n / 90));
    const open = 'var.identity == "EntraId" ? true : {\n  min_tls_version = "TLS1_2"\n  shared_access_key_enabled = ';
    return {
      file: 'main.tf',
      text: `variable "identity" {\n  type = string\n  validation {\n    condition     = contains(["ADDS", "EntraKerberos", "EntraId"], var.identity)\n    error_message = "unknown"\n  }\n}\n${tfPool(`"audiomode:i:0;"`)}resource "azurerm_storage_account" "st" {\n  name                     = "stprofiles"\n  resource_group_name      = "rg-avd"\n  location                 = "westeurope"\n  account_kind             = "FileStorage"\n  account_tier             = "Premium"\n  account_replication_type = "LRS"\n  shared_access_key_enabled = ${open.repeat(depth)}false${'\n}'.repeat(depth)}\n}\n`,
    };
  },
  // A string that each variable doubles: 60 lines ask for 2^60 characters (the rest of the input is padding).
  'bicep: a string doubled by each variable': (n) => {
    const vars = Array.from({ length: DOUBLINGS }, (_, i) => `var s${i + 1} = '\${s${i}}\${s${i}}'`).join('\n');
    const text = `var s0 = 'ab'\n${vars}\n${bicepPool(`'audiomode:i:0;\${s${DOUBLINGS}}'`)}`;
    return { file: 'main.bicep', text: text + repeatTo('// padding\n', n - text.length) };
  },
  'arm: a string doubled by each variable': (n) => {
    const vars = Array.from({ length: DOUBLINGS }, (_, i) => `"s${i + 1}": "[concat(variables('s${i}'), variables('s${i}'))]"`).join(',\n    ');
    const text = armTemplate(
      armPool(jsonString(`[concat('audiomode:i:0;', variables('s${DOUBLINGS}'))]`)),
      `\n  "variables": {\n    "s0": "ab",\n    ${vars}\n  },`,
    );
    return { file: 'azuredeploy.json', text: text + repeatTo(' ', n - text.length) };
  },
  'terraform: a string doubled by each local': (n) => {
    const locals = Array.from({ length: DOUBLINGS }, (_, i) => `  s${i + 1} = "\${local.s${i}}\${local.s${i}}"`).join('\n');
    const text = `locals {\n  s0 = "ab"\n${locals}\n}\n${tfPool(`"audiomode:i:0;\${local.s${DOUBLINGS}}"`)}`;
    return { file: 'main.tf', text: text + repeatTo('# padding\n', n - text.length) };
  },
  // A value that each variable makes a choice between two readings of the one before: 2^60 cases in 60 lines (a 40-line
  // Bicep file held a scan for minutes). Read where rules take each case: an RDP string, a token's expiry.
  'bicep: a choice doubled by each variable': (n) => {
    const lines = Array.from({ length: DOUBLINGS }, (_, i) => `param c${i} bool\nvar v${i + 1} = c${i} ? v${i} : v${i}`).join('\n');
    const v = `v${DOUBLINGS}`;
    const text = `var v0 = 'audiomode:i:0;'\n${lines}\n${bicepHostPool("'hp'", v, { lines: [`registrationInfo: { expirationTime: ${v}, registrationTokenOperation: 'Update' }`] })}`;
    return { file: 'main.bicep', text: text + repeatTo('// padding\n', n - text.length) };
  },
  'arm: a choice doubled by each variable': (n) => {
    const params = Array.from({ length: DOUBLINGS }, (_, i) => `"c${i}": { "type": "bool" }`).join(', ');
    const vars = Array.from({ length: DOUBLINGS }, (_, i) => `"v${i + 1}": "[if(parameters('c${i}'), variables('v${i}'), variables('v${i}'))]"`).join(
      ',\n    ',
    );
    const text = armTemplate(
      armPool(jsonString(`[variables('v${DOUBLINGS}')]`)),
      `\n  "parameters": { ${params} },\n  "variables": {\n    "v0": "audiomode:i:0;",\n    ${vars}\n  },`,
    );
    return { file: 'azuredeploy.json', text: text + repeatTo(' ', n - text.length) };
  },
  'terraform: a choice doubled by each local': (n) => {
    const vars = Array.from({ length: DOUBLINGS }, (_, i) => `variable "c${i}" {\n  type = bool\n}`).join('\n');
    const locals = Array.from({ length: DOUBLINGS }, (_, i) => `  v${i + 1} = var.c${i} ? local.v${i} : local.v${i}`).join('\n');
    const text = `${vars}\nlocals {\n  v0 = "audiomode:i:0;"\n${locals}\n}\n${tfPool(`local.v${DOUBLINGS}`)}resource "azurerm_virtual_desktop_host_pool_registration_info" "ri" {\n  hostpool_id     = azurerm_virtual_desktop_host_pool.hp.id\n  expiration_date = local.v${DOUBLINGS}\n}\n`;
    return { file: 'main.tf', text: text + repeatTo('# padding\n', n - text.length) };
  },
  // User-defined functions that each call the next twice (2^60 calls if each were evaluated), called all over the file.
  'bicep: functions that each call the next twice': (n) => {
    const funcs = Array.from({ length: DOUBLINGS }, (_, i) => `func f${i}(s string) string => '\${f${i + 1}(s)}\${f${i + 1}(s)}'`).join('\n');
    const head = `${funcs}\nfunc f${DOUBLINGS}(s string) string => s\n${bicepPool("'${f0('audiomode:i:0;')}${calls[0]}'")}`;
    return { file: 'main.bicep', text: `${head}var calls = [\n${repeatTo("  f0('a')\n", n - head.length)}]\n` };
  },
  'arm: functions that each call the next twice': (n) => {
    const members = Array.from(
      { length: DOUBLINGS },
      (_, i) =>
        `"f${i}": { "parameters": [{ "name": "s", "type": "string" }], "output": { "type": "string", "value": "[concat(avd.f${i + 1}(parameters('s')), avd.f${i + 1}(parameters('s')))]" } }`,
    ).join(',\n        ');
    const last = `"f${DOUBLINGS}": { "parameters": [{ "name": "s", "type": "string" }], "output": { "type": "string", "value": "[parameters('s')]" } }`;
    const functions = `\n  "functions": [{ "namespace": "avd", "members": {\n        ${members},\n        ${last} } }],`;
    const head = armTemplate(armPool(jsonString("[avd.f0('audiomode:i:0;')]")), functions);
    const calls = `\n  "variables": { "calls": [${repeatTo(`"[avd.f0('a')]", `, n - head.length)}"x"] },`;
    return { file: 'azuredeploy.json', text: armTemplate(armPool(jsonString("[concat(avd.f0('audiomode:i:0;'), variables('calls')[0])]")), functions + calls) };
  },
  // An array that each variable doubles (V8 aborted the process at 2^27 items: no exception to catch).
  'bicep: an array doubled by each variable (concat)': (n) => {
    const vars = Array.from({ length: DOUBLINGS }, (_, i) => `var a${i + 1} = concat(a${i}, a${i})`).join('\n');
    const text = `var a0 = ['audiomode:i:0;']\n${vars}\n${bicepPool(`join(a${DOUBLINGS}, '')`)}`;
    return { file: 'main.bicep', text: text + repeatTo('// padding\n', n - text.length) };
  },
  'bicep: an array doubled by each variable (spread)': (n) => {
    const vars = Array.from({ length: DOUBLINGS }, (_, i) => `var a${i + 1} = [...a${i}, ...a${i}]`).join('\n');
    const text = `var a0 = ['audiomode:i:0;']\n${vars}\n${bicepPool(`join(a${DOUBLINGS}, '')`)}`;
    return { file: 'main.bicep', text: text + repeatTo('// padding\n', n - text.length) };
  },
  'arm: an array doubled by each variable': (n) => {
    const vars = Array.from({ length: DOUBLINGS }, (_, i) => `"a${i + 1}": "[concat(variables('a${i}'), variables('a${i}'))]"`).join(',\n    ');
    const text = armTemplate(
      armPool(jsonString(`[join(variables('a${DOUBLINGS}'), '')]`)),
      `\n  "variables": {\n    "a0": ["audiomode:i:0;"],\n    ${vars}\n  },`,
    );
    return { file: 'azuredeploy.json', text: text + repeatTo(' ', n - text.length) };
  },
  'terraform: a list doubled by each local': (n) => {
    const locals = Array.from({ length: DOUBLINGS }, (_, i) => `  a${i + 1} = concat(local.a${i}, local.a${i})`).join('\n');
    const text = `locals {\n  a0 = ["audiomode:i:0;"]\n${locals}\n}\n${tfPool(`join("", local.a${DOUBLINGS})`)}`;
    return { file: 'main.tf', text: text + repeatTo('# padding\n', n - text.length) };
  },
  // Loops inside loops over lists of 8,192 items, and a function over such a list in each turn: 67 million turns.
  'bicep: nested loops over long lists': (n) => {
    const vars = Array.from({ length: 13 }, (_, i) => `var a${i + 1} = concat(a${i}, a${i})`).join('\n');
    const text = `var a0 = ['x']\n${vars}\nvar p = [for x in a13: [for y in a13: '\${x}\${y}']]\nvar q = [for x in a13: join(a13, ',')]\n${bicepPool(`'audiomode:i:\${length(p)};\${q[0]}'`)}`;
    return { file: 'main.bicep', text: text + repeatTo('// padding\n', n - text.length) };
  },
  'bicep: lambdas nested over long lists': (n) => {
    const vars = Array.from({ length: 13 }, (_, i) => `var a${i + 1} = concat(a${i}, a${i})`).join('\n');
    const head = `var a0 = ['x']\n${vars}\nvar p = map(a13, x => map(a13, y => '\${x}\${y}'))\nvar q = filter(a13, x => length(filter(a13, y => y == x)) > 0)\n`;
    const r = "var r = reduce(range(0, 60), ['x'], (cur, next) => concat(cur, cur))\nvar o = toObject(a13, x => x, x => map(a13, y => y))\n";
    const text = `${head}${r}${bicepPool(`'audiomode:i:\${length(p)};\${q[0]};\${length(r)};\${o.x[0]}'`)}`;
    return { file: 'main.bicep', text: text + repeatTo('// padding\n', n - text.length) };
  },
  'arm: lambdas nested over long lists': (n) => {
    const vars = Array.from({ length: 13 }, (_, i) => `"a${i + 1}": "[concat(variables('a${i}'), variables('a${i}'))]"`).join(',\n    ');
    const lambdas = [
      `"p": "[map(variables('a13'), lambda('x', map(variables('a13'), lambda('y', concat(lambdaVariables('x'), lambdaVariables('y'))))))]"`,
      `"q": "[filter(variables('a13'), lambda('x', not(empty(filter(variables('a13'), lambda('y', equals(lambdaVariables('y'), lambdaVariables('x'))))))))]"`,
      `"r": "[reduce(range(0, 60), createArray('x'), lambda('cur', 'next', concat(lambdaVariables('cur'), lambdaVariables('cur'))))]"`,
    ].join(',\n    ');
    const rdp = jsonString("[format('audiomode:i:{0};{1};{2}', length(variables('p')), variables('q')[0], length(variables('r')))]");
    const text = armTemplate(armPool(rdp), `\n  "variables": {\n    "a0": ["x"],\n    ${vars},\n    ${lambdas}\n  },`);
    return { file: 'azuredeploy.json', text: text + repeatTo(' ', n - text.length) };
  },
  // Functions whose result is much larger than their arguments (`range`, `json`, `padLeft`), called in long loops.
  'bicep: results larger than their arguments, in loops': (n) => {
    const big = JSON.stringify(Array.from({ length: 2000 }, (_, i) => i));
    const head = `var a = [for i in range(0, 10000): range(0, 10000)]\nvar b = [for i in range(0, 10000): json('${big}')]\nvar c = [for i in range(0, 10000): padLeft('x', 1000000, '0')]\n`;
    const text = head + bicepPool("'audiomode:i:${length(a)}${length(b)}${length(c)};'");
    return { file: 'main.bicep', text: text + repeatTo('// padding\n', n - text.length) };
  },
  'arm: results larger than their arguments, in loops': (n) => {
    const big = JSON.stringify(Array.from({ length: 2000 }, (_, i) => i));
    const vars = [
      `"a": "[map(range(0, 10000), lambda('i', range(0, 10000)))]"`,
      `"b": ${jsonString(`[map(range(0, 10000), lambda('i', json('${big}')))]`)}`,
      `"c": "[map(range(0, 10000), lambda('i', padLeft('x', 1000000, '0')))]"`,
    ].join(',\n    ');
    const rdp = jsonString("[format('audiomode:i:{0}{1}{2}', length(variables('a')), length(variables('b')), length(variables('c')))]");
    const text = armTemplate(armPool(rdp), `\n  "variables": {\n    ${vars}\n  },`);
    return { file: 'azuredeploy.json', text: text + repeatTo(' ', n - text.length) };
  },
  // A long literal in the body of a loop over a long list: read once per item, it must not cost its length each time.
  'bicep: a long literal in a loop': (n) => {
    const vars = Array.from({ length: 13 }, (_, i) => `var a${i + 1} = concat(a${i}, a${i})`).join('\n');
    const head = `var a0 = ['x']\n${vars}\n${bicepPool("'audiomode:i:0;${p[0]}'")}var p = [for x in a13: '`;
    return { file: 'main.bicep', text: `${head}${repeatTo('a', n - head.length - 4)}']\n` };
  },
  'arm: a long literal in a lambda': (n) => {
    const head = armTemplate(
      armPool(jsonString("[concat('audiomode:i:0;', variables('p')[0])]")),
      '\n  "variables": { "p": "[map(range(0, 8192), lambda(\'i\', \'',
    );
    const tail = '\')))]" },';
    const text = armTemplate(
      armPool(jsonString("[concat('audiomode:i:0;', variables('p')[0])]")),
      `\n  "variables": { "p": "[map(range(0, 8192), lambda('i', '${repeatTo("a''", n - head.length - tail.length)}'))]" },`,
    );
    return { file: 'azuredeploy.json', text };
  },
  'terraform: nested loops over long lists': (n) => {
    const locals = Array.from({ length: 13 }, (_, i) => `  a${i + 1} = concat(local.a${i}, local.a${i})`).join('\n');
    const text = `locals {\n  a0 = ["x"]\n${locals}\n  p = [for x in local.a13 : [for y in local.a13 : "\${x}\${y}"]]\n  q = [for x in local.a13 : join(",", local.a13)]\n}\n${tfPool(`"audiomode:i:\${length(local.p)};\${local.q[0]}"`)}`;
    return { file: 'main.tf', text: text + repeatTo('# padding\n', n - text.length) };
  },
  // A value that each variable reads three times, in the bodies rules walk (extension settings, a script's
  // environment): 3^40 paths to its leaves, which walks followed one by one.
  'bicep: a value shared at each level, in walked bodies': (n) => {
    const vars = Array.from({ length: DOUBLINGS }, (_, i) => `var v${i + 1} = { l: v${i}, r: v${i}, commandToExecute: v${i} }`).join('\n');
    const text = `var v0 = { a: 'x', password: 'P@ssw0rd!' }\n${vars}\n${bicepPool(`'audiomode:i:0;'`)}resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {\n  name: 'vm'\n  location: 'westeurope'\n  properties: v${DOUBLINGS}\n}\nresource ext 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = {\n  parent: vm\n  name: 'dsc'\n  location: 'westeurope'\n  properties: {\n    publisher: 'Microsoft.Powershell'\n    type: 'DSC'\n    typeHandlerVersion: '2.73'\n    settings: v${DOUBLINGS}\n    protectedSettings: v${DOUBLINGS}\n  }\n}\nresource script 'Microsoft.Resources/deploymentScripts@2023-08-01' = {\n  name: 'ds'\n  location: 'westeurope'\n  kind: 'AzurePowerShell'\n  properties: {\n    azPowerShellVersion: '11.0'\n    retentionInterval: 'PT1H'\n    environmentVariables: [v${DOUBLINGS}]\n  }\n}\n`;
    return { file: 'main.bicep', text: text + repeatTo('// padding\n', n - text.length) };
  },
  'arm: a value shared at each level, in walked bodies': (n) => {
    const vars = Array.from(
      { length: DOUBLINGS },
      (_, i) => `"v${i + 1}": { "l": "[variables('v${i}')]", "r": "[variables('v${i}')]", "commandToExecute": "[variables('v${i}')]" }`,
    ).join(',\n    ');
    const ext = `{ "type": "Microsoft.Compute/virtualMachines/extensions", "apiVersion": "2024-03-01", "name": "vm/dsc", "location": "westeurope", "properties": { "publisher": "Microsoft.Powershell", "type": "DSC", "typeHandlerVersion": "2.73", "settings": "[variables('v${DOUBLINGS}')]", "protectedSettings": "[variables('v${DOUBLINGS}')]" } }`;
    const text = armTemplate(
      `${armPool(`"audiomode:i:0;"`)}, ${ext}`,
      `\n  "variables": {\n    "v0": { "a": "x", "password": "P@ssw0rd!" },\n    ${vars}\n  },`,
    );
    return { file: 'azuredeploy.json', text: text + repeatTo(' ', n - text.length) };
  },
  'terraform: a value shared at each level, in walked bodies': (n) => {
    const locals = Array.from({ length: DOUBLINGS }, (_, i) => `  v${i + 1} = { l = local.v${i}, r = local.v${i}, commandToExecute = local.v${i} }`).join('\n');
    const text = `locals {\n  v0 = { a = "x", password = "P@ssw0rd!" }\n${locals}\n}\n${tfPool(`"audiomode:i:0;"`)}resource "azurerm_virtual_machine_extension" "ext" {\n  name                 = "dsc"\n  virtual_machine_id   = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"\n  publisher            = "Microsoft.Powershell"\n  type                 = "DSC"\n  type_handler_version = "2.73"\n  settings             = jsonencode(local.v${DOUBLINGS})\n  protected_settings   = jsonencode(local.v${DOUBLINGS})\n}\nresource "azapi_resource" "script" {\n  type      = "Microsoft.Resources/deploymentScripts@2023-08-01"\n  name      = "ds"\n  parent_id = "/subscriptions/x/resourceGroups/rg"\n  body      = { kind = "AzurePowerShell", properties = { environmentVariables = [local.v${DOUBLINGS}] } }\n}\n`;
    return { file: 'main.tf', text: text + repeatTo('# padding\n', n - text.length) };
  },
  // A value that holds a registration token, read by each variable many times (as wide as the input allows) at each of
  // a few levels: a walk that follows each path, or that asks again for each reading, is polynomial of a high degree
  // (a 100 KB template ran out of memory).
  'bicep: a token in a value read many times at each level': (n) => {
    const width = wide(n);
    const vars = Array.from(
      { length: WIDE_LEVELS },
      (_, i) => `var v${i + 1} = {\n${Array.from({ length: width }, (_, j) => `  k${j}: v${i}`).join('\n')}\n}`,
    ).join('\n');
    const v = `v${WIDE_LEVELS}`;
    return {
      file: 'main.bicep',
      text: `${bicepPool(`'audiomode:i:0;'`)}var v0 = { a: 'x', token: hp.properties.registrationInfo.token }\n${vars}\nresource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {\n  name: 'vm'\n  location: 'westeurope'\n  tags: ${v}\n  properties: ${v}\n}\nresource ext 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = {\n  parent: vm\n  name: 'dsc'\n  location: 'westeurope'\n  properties: {\n    publisher: 'Microsoft.Powershell'\n    type: 'DSC'\n    typeHandlerVersion: '2.73'\n    settings: ${v}\n    protectedSettings: ${v}\n  }\n}\nresource script 'Microsoft.Resources/deploymentScripts@2023-08-01' = {\n  name: 'ds'\n  location: 'westeurope'\n  kind: 'AzurePowerShell'\n  properties: {\n    azPowerShellVersion: '11.0'\n    retentionInterval: 'PT1H'\n    environmentVariables: [${v}]\n  }\n}\noutput o object = ${v}\n`,
    };
  },
  'arm: a token in a value read many times at each level': (n) => {
    const width = wide(n);
    const vars = Array.from(
      { length: WIDE_LEVELS },
      (_, i) => `"v${i + 1}": { ${Array.from({ length: width }, (_, j) => `"k${j}": "[variables('v${i}')]"`).join(', ')} }`,
    ).join(',\n    ');
    const v = `"[variables('v${WIDE_LEVELS}')]"`;
    const token = `"[reference(resourceId('Microsoft.DesktopVirtualization/hostPools', 'hp'), '2024-04-03').registrationInfo.token]"`;
    const vm = `{ "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-03-01", "name": "vm", "location": "westeurope", "tags": ${v}, "properties": ${v} }`;
    const ext = `{ "type": "Microsoft.Compute/virtualMachines/extensions", "apiVersion": "2024-03-01", "name": "vm/dsc", "location": "westeurope", "properties": { "publisher": "Microsoft.Powershell", "type": "DSC", "typeHandlerVersion": "2.73", "settings": ${v}, "protectedSettings": ${v} } }`;
    return {
      file: 'azuredeploy.json',
      text: armTemplate(
        `${armPool(`"audiomode:i:0;"`)}, ${vm}, ${ext}`,
        `\n  "variables": {\n    "v0": { "a": "x", "token": ${token} },\n    ${vars}\n  },\n  "outputs": { "o": { "type": "object", "value": ${v} } },`,
      ),
    };
  },
  'terraform: a token in a value read many times at each level': (n) => {
    const width = wide(n);
    const locals = Array.from(
      { length: WIDE_LEVELS },
      (_, i) => `  v${i + 1} = {\n${Array.from({ length: width }, (_, j) => `    k${j} = local.v${i}`).join('\n')}\n  }`,
    ).join('\n');
    const v = `local.v${WIDE_LEVELS}`;
    return {
      file: 'main.tf',
      text: `${tfPool(`"audiomode:i:0;"`)}resource "azurerm_virtual_desktop_host_pool_registration_info" "ri" {\n  hostpool_id     = azurerm_virtual_desktop_host_pool.hp.id\n  expiration_date = "2030-01-01T00:00:00Z"\n}\nlocals {\n  v0 = { a = "x", token = azurerm_virtual_desktop_host_pool_registration_info.ri.token }\n${locals}\n}\nresource "azurerm_virtual_machine_extension" "ext" {\n  name                 = "dsc"\n  virtual_machine_id   = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"\n  publisher            = "Microsoft.Powershell"\n  type                 = "DSC"\n  type_handler_version = "2.73"\n  settings             = jsonencode(${v})\n  protected_settings   = jsonencode(${v})\n  tags                 = ${v}\n}\nresource "azapi_resource" "script" {\n  type      = "Microsoft.Resources/deploymentScripts@2023-08-01"\n  name      = "ds"\n  parent_id = "/subscriptions/x/resourceGroups/rg"\n  body      = { kind = "AzurePowerShell", properties = { environmentVariables = [${v}] } }\n}\noutput "o" {\n  value = ${v}\n}\n`,
    };
  },
  // The same without a token, ten levels deep, in tags: each tag asked again whether it holds one.
  'bicep: a value read many times at each level, in tags': (n) => {
    const width = wide(n, 10);
    const vars = Array.from({ length: 10 }, (_, i) => `var v${i + 1} = {\n${Array.from({ length: width }, (_, j) => `  k${j}: v${i}`).join('\n')}\n}`).join(
      '\n',
    );
    return {
      file: 'main.bicep',
      text: `${bicepPool(`'audiomode:i:0;'`)}var v0 = { a: 'x' }\n${vars}\nresource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {\n  name: 'vm'\n  location: 'westeurope'\n  tags: v10\n}\n`,
    };
  },
  'arm: a value read many times at each level, in tags': (n) => {
    const width = wide(n, 10);
    const vars = Array.from(
      { length: 10 },
      (_, i) => `"v${i + 1}": { ${Array.from({ length: width }, (_, j) => `"k${j}": "[variables('v${i}')]"`).join(', ')} }`,
    ).join(',\n    ');
    const vm = `{ "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-03-01", "name": "vm", "location": "westeurope", "tags": "[variables('v10')]" }`;
    return {
      file: 'azuredeploy.json',
      text: armTemplate(`${armPool(`"audiomode:i:0;"`)}, ${vm}`, `\n  "variables": {\n    "v0": { "a": "x" },\n    ${vars}\n  },`),
    };
  },
  'terraform: a value read many times at each level, in tags': (n) => {
    const width = wide(n, 10);
    const locals = Array.from(
      { length: 10 },
      (_, i) => `  v${i + 1} = {\n${Array.from({ length: width }, (_, j) => `    k${j} = local.v${i}`).join('\n')}\n  }`,
    ).join('\n');
    return {
      file: 'main.tf',
      text: `${tfPool(`"audiomode:i:0;"`)}locals {\n  v0 = { a = "x" }\n${locals}\n}\nresource "azurerm_network_security_group" "nsg" {\n  name                = "nsg"\n  location            = "westeurope"\n  resource_group_name = "rg"\n  tags                = local.v10\n}\n`,
    };
  },
  'bicep: deep arrays': (n) => ({ file: 'main.bicep', text: `var x = ${repeatTo('[', n / 2)}${repeatTo(']', n / 2)}\n${bicepPool(`'audiomode:i:0;'`)}` }),
  'bicep: deep parentheses, unclosed': (n) => ({ file: 'main.bicep', text: `${bicepPool(`'audiomode:i:0;'`)}var x = ${repeatTo('(', n)}` }),
  'arm: deep arrays': (n) => ({
    file: 'azuredeploy.json',
    text: armTemplate(armPool(`"audiomode:i:0;"`), `\n  "variables": { "x": ${repeatTo('[', n / 2)}${repeatTo(']', n / 2)} },`),
  }),
  'arm: deep expression': (n) => ({
    file: 'azuredeploy.json',
    text: armTemplate(armPool(jsonString(`[${repeatTo('concat(', n / 8)}'a'${repeatTo(')', n / 8)}]`))),
  }),
  'terraform: deep braces, unclosed': (n) => ({ file: 'main.tf', text: `${tfPool(`"audiomode:i:0;"`)}${repeatTo('{', n)}` }),
  'terraform: deep lists': (n) => ({
    file: 'main.tf',
    text: `${tfPool(`"audiomode:i:0;"`)}locals {\n  x = ${repeatTo('[', n / 2)}${repeatTo(']', n / 2)}\n}\n`,
  }),
  'terraform: deep parentheses, unclosed': (n) => ({ file: 'main.tf', text: `${tfPool(`"audiomode:i:0;"`)}locals {\n  x = ${repeatTo('(', n)}` }),

  // Many resources in one file: the graph and the rules must not compare every pair.
  'bicep: thousands of host pools and grants': (n) => {
    const unit = (i: number) =>
      bicepPool(`'audiomode:i:0;'`, `hp${i}`).replace('resource hp ', `resource hp${i} `) +
      `resource ra${i} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid('${i}')\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '1c0163c0-47e6-4577-8991-ea5c82e286e4')\n    principalId: 'p${i}'\n  }\n}\n`;
    const out: string[] = [];
    let len = 0;
    for (let i = 0; len < n; i++) {
      const u = unit(i);
      out.push(u);
      len += u.length;
    }
    return { file: 'main.bicep', text: out.join('') };
  },
  'terraform: thousands of host pools': (n) => {
    const out: string[] = [];
    let len = 0;
    for (let i = 0; len < n; i++) {
      const u = tfPool(`"audiomode:i:0;"`, `hp${i}`);
      out.push(u);
      len += u.length;
    }
    return { file: 'main.tf', text: out.join('') };
  },
};

for (const [label, value] of Object.entries(RDP_VALUES)) {
  GENERATORS[`bicep: RDP value of ${label}`] = (n) => ({ file: 'main.bicep', text: bicepPool(bicepString(value(n))) });
  GENERATORS[`arm: RDP value of ${label}`] = (n) => ({ file: 'azuredeploy.json', text: armTemplate(armPool(jsonString(value(n)))) });
  GENERATORS[`terraform: RDP value of ${label}`] = (n) => ({
    file: 'main.tf',
    text: tfPool(jsonString(value(n)).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{')),
  });
}

/** Every adversarial input, each about `size` characters (RDP values are capped at `rdpSize`, as the catalog's 100 KB). */
export function adversarialInputs(size: number, rdpSize = Math.min(size, 100_000)): AdversarialInput[] {
  return Object.entries(GENERATORS).map(([name, g]) => {
    const { file, text } = g(name.includes('RDP value') ? rdpSize : size);
    return { name, file, text };
  });
}

export const ADVERSARIAL_NAMES = Object.keys(GENERATORS);

/** One adversarial input by its index in ADVERSARIAL_NAMES (the fuzzer picks them at random). */
export function adversarialInput(index: number, size: number): AdversarialInput {
  const name = ADVERSARIAL_NAMES[index % ADVERSARIAL_NAMES.length];
  const { file, text } = GENERATORS[name](size);
  return { name, file, text };
}
