import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig } from '../server/src/engine/config';
import type { Finding } from '../server/src/engine/model';
import { bicepHostPool, FIXTURES, grammars, listFiles, uriOf } from './harness/engine';
import { Workspace } from '../server/src/engine/workspace';
import { RULES } from '../server/src/engine/registry';

const POOL = bicepHostPool;

const TF_POOL = `resource "azurerm_virtual_desktop_host_pool" "this" {
  name                  = var.name
  location              = "westeurope"
  resource_group_name   = var.resource_group_name
  type                  = "Pooled"
  load_balancer_type    = "BreadthFirst"
  custom_rdp_properties = var.rdp_properties
}
`;

/**
 * A workspace of several deployments that pass values down: two rule fixtures with a module, a chain of three Bicep
 * modules under a parameters file, an ARM template with its parameters file, and a Terraform root that calls two
 * modules and takes a variables file.
 */
function files(): Map<string, string> {
  const out = new Map<string, string>();
  for (const dir of ['host-pool-sso-disabled/bicep-module-argument', 'host-pool-sso-disabled/tf-module', 'pooled-host-local-admin/bicep-module']) {
    for (const file of listFiles(path.join(FIXTURES, 'rules', dir))) {
      if (!/\.fixed\./.test(file))
        out.set(`/ws/fixtures/${dir}/${uriOf(path.relative(path.join(FIXTURES, 'rules', dir), file))}`, fs.readFileSync(file, 'utf8'));
    }
  }
  out.set('/ws/chain/main.bicepparam', `using 'main.bicep'\nparam rdp = 'audiomode:i:0;'\n`);
  out.set('/ws/chain/main.bicep', `param rdp string\nmodule a 'a.bicep' = {\n  name: 'a'\n  scope: resourceGroup('rg-chain')\n  params: { rdp: rdp }\n}\n`);
  out.set('/ws/chain/a.bicep', `param rdp string\nmodule b 'b.bicep' = {\n  name: 'b'\n  params: { rdp: '\${rdp}redirectclipboard:i:0;' }\n}\n`);
  out.set('/ws/chain/b.bicep', `param rdp string\nmodule c 'c.bicep' = {\n  name: 'c'\n  params: { name: 'hp-chain', rdp: rdp }\n}\n`);
  out.set('/ws/chain/c.bicep', `param name string\nparam rdp string\n${POOL('name', 'rdp')}`);
  out.set('/ws/arm/azuredeploy.json', fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8'));
  out.set(
    '/ws/arm/azuredeploy.parameters.json',
    JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: {} }),
  );
  out.set(
    '/ws/tf/main.tf',
    `module "pool" {\n  source = "./modules/pool"\n  name = "hp-tf"\n  resource_group_name = var.rg\n  rdp_properties = var.rdp\n}\nmodule "hosts" {\n  source = "./modules/hosts"\n  pool = module.pool.id\n  resource_group_name = var.rg\n}\n`,
  );
  out.set('/ws/tf/variables.tf', `variable "rg" {\n  type = string\n}\nvariable "rdp" {\n  type = string\n}\n`);
  out.set('/ws/tf/terraform.tfvars', `rg = "rg-tf"\n`);
  out.set('/ws/tf/prod.tfvars', `rdp = "audiomode:i:0;"\n`);
  out.set('/ws/tf/modules/pool/main.tf', TF_POOL);
  out.set(
    '/ws/tf/modules/pool/variables.tf',
    `variable "name" {\n  type = string\n}\nvariable "resource_group_name" {\n  type = string\n}\nvariable "rdp_properties" {\n  type = string\n}\noutput "id" {\n  value = azurerm_virtual_desktop_host_pool.this.id\n}\n`,
  );
  out.set(
    '/ws/tf/modules/hosts/main.tf',
    `variable "pool" {\n  type = string\n}\nvariable "resource_group_name" {\n  type = string\n}\nresource "azurerm_role_assignment" "users" {\n  scope                = var.pool\n  role_definition_name = "Desktop Virtualization User"\n  principal_id         = "00000000-0000-0000-0000-000000000001"\n}\n`,
  );
  return out;
}

function summary(found: Finding[]): string[] {
  return found.map(
    (f) => `${f.ruleId} ${f.level} ${f.range.start}-${f.range.end} ${f.message} | ${f.related.map((r) => `${r.uri}:${r.range.start}`).join(',')}`,
  );
}

/** Counts the adapter runs per document (the workspace reads every document through its private `adapt`). */
function countAdapts(ws: Workspace): Map<string, number> {
  const counts = new Map<string, number>();
  const spy = ws as unknown as { adapt(f: { uri: string }, ...rest: unknown[]): unknown };
  const adapt = spy.adapt.bind(ws);
  spy.adapt = (f, ...rest) => {
    counts.set(f.uri, (counts.get(f.uri) ?? 0) + 1);
    return adapt(f, ...rest);
  };
  return counts;
}

/** The documents read a number of times other than `expected` (default 0) says. */
function unexpected(counts: Map<string, number>, uris: Iterable<string>, expected: Record<string, number>): string[] {
  return [...uris].filter((u) => (counts.get(u) ?? 0) !== (expected[u] ?? 0)).map((u) => `${u}: ${counts.get(u) ?? 0}`);
}

const once = (...uris: string[]) => Object.fromEntries(uris.map((u) => [u, 1]));

async function checked(): Promise<{ ws: Workspace; texts: Map<string, string>; counts: Map<string, number> }> {
  const texts = files();
  const ws = new Workspace(await grammars());
  for (const [uri, text] of texts) ws.set(uri, text);
  const counts = countAdapts(ws);
  for (const uri of texts.keys()) ws.findings(uri, emptyConfig());
  ws.linksChanged();
  counts.clear();
  return { ws, texts, counts };
}

function edit(ws: Workspace, texts: Map<string, string>, uri: string, change: (t: string) => string): void {
  texts.set(uri, change(texts.get(uri)!));
  ws.set(uri, texts.get(uri)!, 1);
}

/** The findings of every document, each asked for in `order`. */
function allFindings(ws: Workspace, order: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const uri of order) out.set(uri, summary(ws.findings(uri, emptyConfig())));
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** The findings of a workspace that never saw an edit, with documents asked for in the reverse order. */
function freshFindings(ws: Workspace, texts: Map<string, string>): Map<string, string[]> {
  const fresh = new Workspace(ws.grammars);
  for (const [uri, text] of texts) fresh.set(uri, text);
  const out = allFindings(fresh, [...texts.keys()].reverse());
  fresh.dispose();
  return out;
}

/** An edit of one file, and the documents it must read again. */
type Step = [uri: string, change: (text: string) => string, readAgain: string[]];

/**
 * Edits a workspace of `texts` step by step: after each edit the findings must be those of a fresh workspace, and the
 * documents read again exactly the step's.
 */
async function editInTurn(texts: Map<string, string>, steps: Step[]): Promise<void> {
  const ws = new Workspace(await grammars());
  for (const [uri, text] of texts) ws.set(uri, text);
  allFindings(ws, texts.keys());
  const counts = countAdapts(ws);
  for (const [uri, change, read] of steps) {
    counts.clear();
    edit(ws, texts, uri, change);
    const found = allFindings(ws, texts.keys());
    assert.deepEqual(found, freshFindings(ws, texts), `after editing ${uri}`);
    assert.deepEqual([...counts.keys()].sort(), [...read].sort(), `read again after editing ${uri}`);
  }
  ws.dispose();
}

describe('workspace: one pass through the workspace', () => {
  it('reads each document once during one check, callers before the templates they pass values to', async () => {
    const texts = files();
    const ws = new Workspace(await grammars());
    for (const [uri, text] of texts) ws.set(uri, text);
    const counts = countAdapts(ws);
    ws.findings('/ws/chain/c.bicep', emptyConfig());
    const all = once(...texts.keys());
    assert.deepEqual(unexpected(counts, texts.keys(), all), []);
    const found = allFindings(ws, texts.keys());
    assert.deepEqual(unexpected(counts, texts.keys(), all), []);
    assert.deepEqual(found, freshFindings(ws, texts));
    // The values went down the chain: the host pool of c.bicep has the RDP properties main.bicepparam sets, via a.bicep.
    assert.ok(ws.findings('/ws/chain/a.bicep', emptyConfig()).some((f) => f.message.includes("Host pool 'hp-chain'")));
    ws.dispose();
  });

  it('after an edit, reads again the edited document and the templates it passes values to, once each', async () => {
    const { ws, texts, counts } = await checked();
    const cases: [string, (t: string) => string, Record<string, number>][] = [
      [
        '/ws/chain/a.bicep',
        (t) => t.replace('redirectclipboard:i:0;', 'redirectclipboard:i:1;'),
        once('/ws/chain/a.bicep', '/ws/chain/b.bicep', '/ws/chain/c.bicep'),
      ],
      [
        '/ws/chain/main.bicepparam',
        (t) => t.replace('audiomode:i:0;', 'audiomode:i:1;'),
        once('/ws/chain/main.bicepparam', '/ws/chain/main.bicep', '/ws/chain/a.bicep', '/ws/chain/b.bicep', '/ws/chain/c.bicep'),
      ],
      [
        '/ws/fixtures/host-pool-sso-disabled/bicep-module-argument/main.bicep',
        (t) => t.replace("'hp-module'", "'hp-renamed'"),
        once(
          '/ws/fixtures/host-pool-sso-disabled/bicep-module-argument/main.bicep',
          '/ws/fixtures/host-pool-sso-disabled/bicep-module-argument/modules/hostpool.bicep',
        ),
      ],
      // A Terraform directory is one configuration, but an edit that leaves its file's declarations (block names, locals,
      // variables) as they were reaches only the files that read that file's values: variables.tf and the tfvars read
      // nothing of main.tf.
      [
        '/ws/tf/main.tf',
        (t) => t.replace('"hp-tf"', '"hp-tf2"'),
        once('/ws/tf/main.tf', '/ws/tf/modules/pool/main.tf', '/ws/tf/modules/pool/variables.tf', '/ws/tf/modules/hosts/main.tf'),
      ],
      ['/ws/tf/modules/pool/main.tf', (t) => t.replace('"Pooled"', '"Personal"'), once('/ws/tf/modules/pool/main.tf')],
      // Edits that leave the values a document passes, and where they are written, as they were: its callees stay.
      ['/ws/chain/main.bicep', (t) => `${t}// the chain\n`, once('/ws/chain/main.bicep')],
      ['/ws/chain/b.bicep', (t) => `${t}output done bool = true\n`, once('/ws/chain/b.bicep')],
      [
        '/ws/tf/main.tf',
        (t) => t.replace(/resource_group_name = var.rg\n}\n$/, 'resource_group_name = var.rg\n  role = "reader"\n}\n'),
        once('/ws/tf/main.tf', '/ws/tf/modules/hosts/main.tf'),
      ],
      // A declaration added: any file of the directory may now resolve a name differently, so all are read again.
      [
        '/ws/tf/main.tf',
        (t) => `${t}\nlocals {\n  unused = "x"\n}\n`,
        once('/ws/tf/main.tf', '/ws/tf/variables.tf', '/ws/tf/terraform.tfvars', '/ws/tf/prod.tfvars'),
      ],
      // The RDP properties main.tf passes to the pool now come from a line lower; the hosts module takes nothing from prod.tfvars.
      [
        '/ws/tf/prod.tfvars',
        (t) => `# production\n${t}`,
        once('/ws/tf/prod.tfvars', '/ws/tf/main.tf', '/ws/tf/variables.tf', '/ws/tf/modules/pool/main.tf', '/ws/tf/modules/pool/variables.tf'),
      ],
    ];
    for (const [uri, change, expected] of cases) {
      edit(ws, texts, uri, change);
      const found = allFindings(ws, texts.keys());
      ws.linksChanged();
      assert.deepEqual(unexpected(counts, texts.keys(), expected), [], `after editing ${uri}`);
      assert.deepEqual(found, freshFindings(ws, texts), `after editing ${uri}`);
      counts.clear();
    }
    ws.dispose();
  });

  it('reads only the chain a document needs: its unread callers, not the rest of the workspace', async () => {
    const { ws, texts, counts } = await checked();
    edit(ws, texts, '/ws/chain/main.bicepparam', (t) => t.replace('audiomode:i:0;', 'audiomode:i:1;'));
    edit(ws, texts, '/ws/tf/prod.tfvars', (t) => t.replace('audiomode:i:0;', 'audiomode:i:1;'));
    ws.document('/ws/chain/b.bicep');
    assert.deepEqual(unexpected(counts, texts.keys(), once('/ws/chain/main.bicepparam', '/ws/chain/main.bicep', '/ws/chain/a.bicep', '/ws/chain/b.bicep')), []);
    ws.dispose();
  });

  it('an edit that leaves an object argument as it was does not read the module again, whether its entries were read or not', async () => {
    const texts = new Map([
      [
        '/ws/o/main.bicep',
        `var tags = { team: 'avd', cost: 'cc-1' }\nmodule pool 'pool.bicep' = {\n  name: 'pool'\n  params: { tags: tags, rdp: 'audiomode:i:0;' }\n}\n`,
      ],
      ['/ws/o/pool.bicep', `param tags object\nparam rdp string\n${POOL("'hp-o'", 'rdp', { lines: ['description: tags.team'] })}`],
    ]);
    const ws = new Workspace(await grammars());
    for (const [uri, text] of texts) ws.set(uri, text);
    allFindings(ws, texts.keys());
    const counts = countAdapts(ws);
    edit(ws, texts, '/ws/o/main.bicep', (t) => `${t}// a note\n`);
    assert.deepEqual(allFindings(ws, texts.keys()), freshFindings(ws, texts));
    assert.deepEqual(unexpected(counts, texts.keys(), once('/ws/o/main.bicep')), []);
    counts.clear();
    edit(ws, texts, '/ws/o/main.bicep', (t) => t.replace("'cc-1'", "'cc-2'"));
    assert.deepEqual(allFindings(ws, texts.keys()), freshFindings(ws, texts));
    assert.deepEqual(unexpected(counts, texts.keys(), once('/ws/o/main.bicep', '/ws/o/pool.bicep')), []);
    ws.dispose();
  });

  it('reads again the modules a configuration calls when another of its files changes a value it passes', async () => {
    const { ws, texts } = await checked();
    edit(ws, texts, '/ws/tf/main.tf', (t) => t.replace('rdp_properties = var.rdp', 'rdp_properties = local.rdp'));
    edit(ws, texts, '/ws/tf/variables.tf', (t) => `${t}locals {\n  rdp = "audiomode:i:0;"\n}\n`);
    ws.findings('/ws/tf/variables.tf', emptyConfig());
    edit(ws, texts, '/ws/tf/variables.tf', (t) => t.replace('audiomode:i:0;', 'enablerdsaadauth:i:1;'));
    const fresh = new Workspace(ws.grammars);
    for (const [uri, text] of texts) fresh.set(uri, text);
    for (const uri of texts.keys()) assert.deepEqual(summary(ws.findings(uri, emptyConfig())), summary(fresh.findings(uri, emptyConfig())), uri);
    assert.ok(!summary(ws.findings('/ws/tf/variables.tf', emptyConfig())).some((f) => f.startsWith('host-pool-sso-disabled')));
    ws.dispose();
    fresh.dispose();
  });

  it('in a Terraform directory, reads again the files that read an edited file, and gives the findings of a fresh workspace', async () => {
    const dir = '/ws/tfdir';
    const texts = new Map([
      [`${dir}/locals.tf`, `locals {\n  rdp = "drivestoredirect:s:*;"\n}\n`],
      [
        `${dir}/pools.tf`,
        [
          'resource "azurerm_virtual_desktop_host_pool" "a" {\n  name = "hp-a"\n  location = "westeurope"\n  resource_group_name = "rg"\n  type = "Pooled"\n  load_balancer_type = "BreadthFirst"\n  custom_rdp_properties = local.rdp\n}\n',
          'resource "azurerm_virtual_desktop_application_group" "ag" {\n  name = "ag-a"\n  location = "westeurope"\n  resource_group_name = "rg"\n  type = "Desktop"\n  host_pool_id = azurerm_virtual_desktop_host_pool.a.id\n}\n',
        ].join(''),
      ],
      [
        `${dir}/workspaces.tf`,
        'resource "azurerm_virtual_desktop_workspace" "one" {\n  name = "ws-one"\n  location = "westeurope"\n  resource_group_name = "rg"\n}\nresource "azurerm_virtual_desktop_workspace" "two" {\n  name = "ws-two"\n  location = "westeurope"\n  resource_group_name = "rg"\n  public_network_access_enabled = false\n}\n',
      ],
      [
        `${dir}/associations.tf`,
        'resource "azurerm_virtual_desktop_workspace_application_group_association" "a" {\n  workspace_id = azurerm_virtual_desktop_workspace.one.id\n  application_group_id = azurerm_virtual_desktop_application_group.ag.id\n}\n',
      ],
      [
        `${dir}/rbac.tf`,
        'resource "azurerm_role_assignment" "admins" {\n  scope = "/subscriptions/s/resourceGroups/rg"\n  role_definition_name = "Virtual Machine Administrator Login"\n  principal_id = "00000000-0000-0000-0000-000000000001"\n  description = "Admins of ${azurerm_virtual_desktop_host_pool.a.name}"\n}\n',
      ],
    ]);
    const steps: Step[] = [
      // A value another file reads (rbac.tf reads the pool's name): the reader is read again.
      [`${dir}/pools.tf`, (t) => t.replace('"hp-a"', '"hp-b"'), [`${dir}/pools.tf`, `${dir}/rbac.tf`]],
      // A value nobody else reads: the file alone.
      [`${dir}/pools.tf`, (t) => t.replace('"BreadthFirst"', '"DepthFirst"'), [`${dir}/pools.tf`, `${dir}/rbac.tf`]],
      [`${dir}/locals.tf`, (t) => t.replace('drivestoredirect:s:*;', 'drivestoredirect:s:;'), [`${dir}/locals.tf`, `${dir}/pools.tf`]],
      [`${dir}/rbac.tf`, (t) => t.replace('Admins of', 'Administrators of'), [`${dir}/rbac.tf`]],
      // The association now adds the group to the other workspace: where a block adds to is a declaration.
      [`${dir}/associations.tf`, (t) => t.replace('workspace.one.id', 'workspace.two.id'), [...texts.keys()]],
      // A block renamed: every file may resolve differently.
      [`${dir}/workspaces.tf`, (t) => t.replace('"one"', '"first"'), [...texts.keys()]],
    ];
    await editInTurn(texts, steps);
  });

  it('in a Terraform directory, values that read an edited file are evaluated again, through locals that read locals', async () => {
    const dir = '/ws/tfchain';
    const texts = new Map([
      [`${dir}/names.tf`, `locals {\n  prefix = "hp"\n  unused = "x"\n}\n`],
      [`${dir}/variables.tf`, `variable "rdp" {\n  default = "drivestoredirect:s:*;"\n}\n`],
      [`${dir}/locals.tf`, `locals {\n  label = "\${local.prefix}-label"\n  rdp = "\${var.rdp}audiomode:i:0;"\n}\n`],
      [
        `${dir}/pools.tf`,
        'resource "azurerm_virtual_desktop_host_pool" "a" {\n  name = "${local.prefix}-a"\n  location = "westeurope"\n  resource_group_name = "rg"\n  type = "Pooled"\n  load_balancer_type = "BreadthFirst"\n  custom_rdp_properties = local.rdp\n}\n',
      ],
      [
        `${dir}/rbac.tf`,
        'resource "azurerm_role_assignment" "admins" {\n  scope = "/subscriptions/s/resourceGroups/rg"\n  role_definition_name = "Virtual Machine Administrator Login"\n  principal_id = "00000000-0000-0000-0000-000000000001"\n  description = local.label\n}\n',
      ],
    ]);
    const steps: Step[] = [
      // local.label reads local.prefix: both are evaluated again, and the files that read either are read again.
      [`${dir}/names.tf`, (t) => t.replace('"hp"', '"pool"'), [`${dir}/names.tf`, `${dir}/pools.tf`, `${dir}/rbac.tf`]],
      // A variable's default that local.rdp reads, which the pool reads; local.label stays as it was.
      [`${dir}/variables.tf`, (t) => t.replace('drivestoredirect:s:*;', 'drivestoredirect:s:;'), [`${dir}/variables.tf`, `${dir}/pools.tf`]],
      // A local nobody reads, in a file others read: local.rdp stays as it was.
      [`${dir}/names.tf`, (t) => t.replace('"x"', '"y"'), [`${dir}/names.tf`, `${dir}/pools.tf`, `${dir}/rbac.tf`]],
      [`${dir}/pools.tf`, (t) => t.replace('"BreadthFirst"', '"DepthFirst"'), [`${dir}/pools.tf`]],
      [`${dir}/variables.tf`, (t) => t.replace('drivestoredirect:s:;', 'drivestoredirect:s:*;'), [`${dir}/variables.tf`, `${dir}/pools.tf`]],
    ];
    await editInTurn(texts, steps);
  });

  const bicepCycle = () =>
    new Map([
      ['/ws/a.bicep', `param rdp string = 'audiomode:i:0;'\nmodule b 'b.bicep' = {\n  name: 'b'\n  params: { rdp: rdp }\n}\n${POOL("'hp-a'", 'rdp')}`],
      ['/ws/b.bicep', `param rdp string = 'redirectclipboard:i:0;'\nmodule a 'a.bicep' = {\n  name: 'a'\n  params: { rdp: rdp }\n}\n`],
    ]);

  const terraformCycle = () =>
    new Map([
      ['/ws/x/main.tf', `module "y" {\n  source = "../y"\n  rdp = var.rdp\n}\n${TF_POOL}`],
      [
        '/ws/x/variables.tf',
        `variable "name" {\n  default = "hp-x"\n}\nvariable "resource_group_name" {\n  default = "rg-x"\n}\nvariable "rdp_properties" {\n  default = "audiomode:i:0;"\n}\nvariable "rdp" {\n  default = ""\n}\n`,
      ],
      ['/ws/y/main.tf', `variable "rdp" {\n  type = string\n}\nmodule "x" {\n  source = "../x"\n  rdp_properties = var.rdp\n}\n`],
    ]);

  for (const [language, cycle, closing] of [
    ['Bicep', bicepCycle, { uri: '/ws/b.bicep', path: "'a.bicep'" }],
    ['Terraform', terraformCycle, { uri: '/ws/y/main.tf', path: '"../x"' }],
  ] as const) {
    it(`reads a cycle of ${language} module calls once, in one order whichever document is asked for first, and reports the call it does not follow`, async () => {
      const g = await grammars();
      const texts = cycle();
      const found: Map<string, string[]>[] = [];
      for (const first of [...texts.keys(), ...[...texts.keys()].reverse()]) {
        const ws = new Workspace(g);
        for (const [uri, text] of texts) ws.set(uri, text);
        const counts = countAdapts(ws);
        ws.document(first);
        found.push(allFindings(ws, texts.keys()));
        assert.deepEqual(unexpected(counts, texts.keys(), once(...texts.keys())), [], `${first} first`);
        ws.dispose();
      }
      for (const f of found) assert.deepEqual(f, found[0]);
      // The call that closes the cycle (from the template that comes later by name) is reported where it is written.
      const at = texts.get(closing.uri)!.indexOf(closing.path);
      const reported = [...found[0]].flatMap(([uri, list]) => list.filter((f) => f.startsWith('module-cycle')).map((f) => `${uri} ${f}`));
      assert.deepEqual(
        reported.map((f) => f.split(' ').slice(0, 4).join(' ')),
        [`${closing.uri} module-cycle warning ${at}-${at + closing.path.length}`],
      );
      assert.match(
        reported[0],
        language === 'Bicep'
          ? /\(a\.bicep → b\.bicep → a\.bicep\) .* checks a\.bicep without/
          : /\(x\/ → y\/ → x\/\) .* checks the configuration in x\/ without/,
      );
    });
  }

  it('an edit that closes or opens a cycle gives the findings of a fresh workspace, and republishes the call it reports', async () => {
    const g = await grammars();
    const texts = bicepCycle();
    const open = texts.get('/ws/b.bicep')!.replace(/module a[^]*?\n}\n/, '');
    const closed = texts.get('/ws/b.bicep')!;
    texts.set('/ws/b.bicep', open);
    const ws = new Workspace(g);
    for (const [uri, text] of texts) ws.set(uri, text);
    allFindings(ws, texts.keys());
    ws.linksChanged();
    ws.takeTouched();
    for (const [uri, text] of [
      ['/ws/b.bicep', closed],
      ['/ws/a.bicep', texts.get('/ws/a.bicep')!.replace("'audiomode:i:0;'", "'audiomode:i:1;'")],
      ['/ws/b.bicep', open],
    ]) {
      edit(ws, texts, uri, () => text);
      ws.linksChanged();
      assert.ok(ws.takeTouched().has('/ws/b.bicep'), `after editing ${uri}`);
      assert.deepEqual(allFindings(ws, texts.keys()), freshFindings(ws, texts), `after editing ${uri}`);
    }
    ws.dispose();
  });

  it('a template that appears or goes takes the values of a parameters file from the template that had them', async () => {
    const texts = new Map([
      ['/ws/p/main.bicep', `param rdp string\n${POOL("'hp-p'", 'rdp')}`],
      [
        '/ws/p/parameters/main.parameters.json',
        JSON.stringify({
          $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
          contentVersion: '1.0.0.0',
          parameters: { rdp: { value: 'enablerdsaadauth:i:1;redirectclipboard:i:0;redirectprinters:i:0;' } },
        }),
      ],
    ]);
    const template = JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [],
    });
    const ws = new Workspace(await grammars());
    for (const [uri, text] of texts) ws.set(uri, text);
    const before = allFindings(ws, texts.keys());
    texts.set('/ws/p/parameters/main.json', template);
    ws.set('/ws/p/parameters/main.json', template);
    const added = allFindings(ws, texts.keys());
    assert.deepEqual(added, freshFindings(ws, texts));
    // The values go to the template beside the parameters file now (parameters/main.json, nearer than ../main.bicep):
    // main.bicep's host pool no longer takes the RDP properties written in the parameters file.
    assert.ok(before.get('/ws/p/parameters/main.parameters.json')!.some((f) => f.startsWith('rdp-drive-redirection')));
    assert.deepEqual(added.get('/ws/p/parameters/main.parameters.json'), []);
    texts.delete('/ws/p/parameters/main.json');
    ws.delete('/ws/p/parameters/main.json');
    assert.deepEqual(allFindings(ws, texts.keys()), before);
    ws.dispose();
  });
});

describe('workspace: a full check prepared in steps (Workspace.prepare)', () => {
  const deploymentRules = new Set(RULES.filter((r) => r.appliesTo === 'deployment').map((r) => r.id));

  it('reads each document once, a step each, and the findings after it are those of a workspace that never prepared', async () => {
    const texts = files();
    const ws = new Workspace(await grammars());
    for (const [uri, text] of texts) ws.set(uri, text);
    const counts = countAdapts(ws);
    const config = emptyConfig();
    let steps = 0;
    for (const _ of ws.prepare(config)) steps++;
    const all = once(...texts.keys());
    assert.deepEqual(unexpected(counts, texts.keys(), all), []);
    // A step per document read, per document whose links are read ahead, per kind of node, per rule about the deployment.
    assert.ok(steps >= 2 * texts.size + deploymentRules.size, `${steps} steps`);
    // Each rule about the whole deployment counts its checks while the findings are asked for.
    const ran: string[] = [];
    const spied = RULES.filter((r) => deploymentRules.has(r.id)).map((r) => {
      const check = r.check;
      (r as { check: typeof check }).check = (...args: Parameters<typeof check>) => {
        ran.push(r.id);
        check(...args);
      };
      return () => void ((r as { check: typeof check }).check = check);
    });
    let found: Map<string, string[]>;
    try {
      found = new Map([...texts.keys()].sort().map((uri) => [uri, summary(ws.findings(uri, config))]));
    } finally {
      for (const restore of spied) restore();
    }
    assert.deepEqual(found, freshFindings(ws, texts));
    assert.deepEqual(unexpected(counts, texts.keys(), all), []);
    // What the steps judged is what the findings use: no rule about the whole deployment ran again.
    assert.deepEqual(ran, []);
    ws.dispose();
  });

  it('after a check, an edit that changes links (a file changed on disk) builds the graph again in steps too', async () => {
    const { ws, texts } = await checked();
    const config = emptyConfig();
    for (const uri of texts.keys()) ws.findings(uri, config);
    // The host pool of another module renamed: its session hosts and grants link by the name.
    edit(ws, texts, '/ws/fixtures/host-pool-sso-disabled/bicep-module-argument/main.bicep', (t) => t.replace("'hp-module'", "'hp-renamed'"));
    const steps = [...ws.prepare(config)].length;
    // A step per document whose links are read ahead, then the graph's kinds of node and the rules.
    assert.ok(steps > texts.size, `${steps} steps for ${texts.size} documents`);
    const graph = ws.graph();
    assert.deepEqual(
      [...texts.keys()].filter((uri) => !graph.documents.includes(ws.document(uri)!)),
      [],
    );
    assert.deepEqual(allFindings(ws, texts.keys()), freshFindings(ws, texts));
    ws.dispose();
  });

  it('an edit between the steps: the steps go on, and the findings are those of the new texts', async () => {
    const ws0 = new Workspace(await grammars());
    for (const [uri, text] of files()) ws0.set(uri, text);
    const total = [...ws0.prepare(emptyConfig())].length;
    ws0.dispose();
    // After each step: reading the documents, reading their links, linking, judging.
    for (let at = 1; at < total; at++) {
      const texts = files();
      const ws = new Workspace(await grammars());
      for (const [uri, text] of texts) ws.set(uri, text);
      const steps = ws.prepare(emptyConfig());
      for (let i = 0; i < at; i++) steps.next();
      // A host pool made personal; at every other step, a module's pool renamed too (the graph links it by another name).
      edit(ws, texts, '/ws/arm/azuredeploy.json', (t) => t.replace('"hostPoolType": "Pooled"', '"hostPoolType": "Personal"'));
      if (at % 2) edit(ws, texts, '/ws/fixtures/host-pool-sso-disabled/bicep-module-argument/main.bicep', (t) => t.replace("'hp-module'", "'hp-renamed'"));
      while (!steps.next().done);
      // The graph links the models of the new texts, not those the steps had read.
      const graph = ws.graph();
      assert.deepEqual(
        [...texts.keys()].filter((uri) => !graph.documents.includes(ws.document(uri)!)),
        [],
        `edited after step ${at}`,
      );
      assert.deepEqual(allFindings(ws, texts.keys()), freshFindings(ws, texts), `edited after step ${at}`);
      ws.dispose();
    }
  });
});
