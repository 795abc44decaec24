import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../server/src/cli/report';
import { adaptTerraformPlan } from '../server/src/engine/adapters/terraform-plan/adapter';
import { emptyConfig } from '../server/src/engine/config';
import { applyFixes } from '../server/src/engine/fix-all';
import { renderFix } from '../server/src/engine/fix';
import type { Document, Finding, Resource, Value } from '../server/src/engine/model';
import { detectLanguage } from '../server/src/engine/parse';
import { get, knownString } from '../server/src/engine/values';
import { Workspace } from '../server/src/engine/workspace';
import { avdsec, snapshot, tempTree } from './cli/run';
import { FIXTURES, grammars, listFiles, uriOf } from './harness/engine';

const DIR = path.join(FIXTURES, 'terraform-plan');
const read = (rel: string) => fs.readFileSync(path.join(DIR, rel), 'utf8');
const POOLED = read('pooled/plan.json');
const RDP = read('rdp-variable/plan.json');
const PLAN_URI = '/plan/plan.json';
const PASSWORD = 'Plan-Secret-Pa55word!';

/** A plan as an object, changed by `edit`, written back as Terraform writes it (on one line). */
function edited(text: string, edit: (plan: PlanJson) => void): string {
  const plan = JSON.parse(text) as PlanJson;
  edit(plan);
  return JSON.stringify(plan);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the plan's JSON, edited in place by the tests
type PlanJson = any;

async function workspaceOf(files: Record<string, string>): Promise<Workspace> {
  const ws = new Workspace(await grammars());
  for (const [uri, text] of Object.entries(files)) ws.set(uri, text);
  return ws;
}

/** The findings of every document of a workspace, which is disposed. */
function findingsOf(ws: Workspace): Finding[] {
  try {
    return ws.uris().flatMap((u) => ws.findings(u, emptyConfig()));
  } finally {
    ws.dispose();
  }
}

async function planFindings(text: string): Promise<{ doc: Document; findings: Finding[] }> {
  const ws = await workspaceOf({ [PLAN_URI]: text });
  const doc = ws.document(PLAN_URI)!;
  return { doc, findings: findingsOf(ws) };
}

/** The .tf configuration a plan was made from, as a workspace of its files. */
async function configuration(folder: string): Promise<Workspace> {
  const files: Record<string, string> = {};
  for (const f of listFiles(path.join(DIR, folder))) files[uriOf(f)] = fs.readFileSync(f, 'utf8');
  return workspaceOf(files);
}

/**
 * What findings say. A plan names each instance of a counted resource (`'avd-sh-0'`), its configuration names them by
 * the pattern (`'avd-sh-…'`): names compare by the pattern.
 */
const said = (fs: Finding[]) => fs.map((f) => `${f.ruleId} ${f.level}: ${f.message.replace(/'([^'…]*?)\d+'/g, "'$1…'")}`).sort();
const at = (doc: Document, f: { range: { start: number; end: number } }) => doc.text.slice(f.range.start, f.range.end);

function resource(doc: Document, address: string): Resource {
  const r = doc.resources.find((x) => x.source.symbol === address);
  assert.ok(r, `no ${address} in ${doc.resources.map((x) => x.source.symbol).join(', ')}`);
  return r;
}

/** Every text a value holds, to tell that a secret is not in the model. */
function texts(v: Value | undefined, out: string[] = []): string[] {
  if (!v) return out;
  if (v.kind === 'string') {
    for (const p of v.parts) {
      if (p.kind === 'text') out.push(p.text);
      else texts(p.value, out);
    }
  } else if (v.kind === 'object') v.entries.forEach((e) => texts(e.value, out));
  else if (v.kind === 'array') v.items.forEach((i) => texts(i, out));
  else if (v.kind === 'choice') v.options.forEach((o) => texts(o.value, out));
  else if (v.kind === 'ref') texts(v.targetId, out);
  return out;
}

describe('terraform plan (terraform show -json)', () => {
  it('is told apart from other JSON by how Terraform opens it, in both of its layouts', () => {
    assert.equal(detectLanguage('/x/plan.json', POOLED), 'tfplan');
    assert.equal(detectLanguage('/x/plan.json', RDP), 'tfplan');
    // The variables come first and may be long: the planned values are found further on.
    const long = edited(RDP, (p) => (p.variables = { blob: { value: 'x'.repeat(10_000) }, ...p.variables }));
    assert.equal(detectLanguage('/x/plan.json', long), 'tfplan');
    // A state (`terraform show -json` of no plan) has values, not planned values.
    assert.equal(detectLanguage('/x/state.json', '{"format_version":"1.0","terraform_version":"1.9.8","values":{"root_module":{}}}'), undefined);
    assert.equal(detectLanguage('/x/a.json', '{"planned_values":{},"format_version":"1.2"}'), undefined);
  });

  it('reads the planned resources as the .tf blocks would give them, with references where ids come only after apply', async () => {
    const ws = await workspaceOf({ [PLAN_URI]: POOLED });
    const doc = ws.document(PLAN_URI)!;
    const key = (address: string) => `${PLAN_URI}#${address}`;
    assert.deepEqual(doc.syntaxErrors, []);
    assert.equal(doc.language, 'tfplan');
    const pool = resource(doc, 'azurerm_virtual_desktop_host_pool.pooled');
    assert.equal(pool.type, 'Microsoft.DesktopVirtualization/hostPools');
    assert.equal(knownString(get(pool.body, 'properties', 'hostPoolType')), 'Pooled');
    assert.equal(knownString(get(pool.body, 'resourceGroupName')), 'rg-avd');
    // Attributes the configuration leaves unset are null in a plan: absent, as in the .tf block.
    assert.equal(get(pool.body, 'properties', 'customRdpProperty'), undefined);
    assert.equal(at(doc, { range: pool.source.headRange }), '"azurerm_virtual_desktop_host_pool.pooled"');

    // jsonencode() output is a JSON string in the plan: read as an object whose values point into the plan's escaped text.
    const dsc = resource(doc, 'module.hosts.azurerm_virtual_machine_extension.dsc[0]');
    const poolName = get(dsc.body, 'properties', 'settings', 'properties', 'hostPoolName')!;
    assert.equal(knownString(poolName), 'hp-pooled');
    const part = poolName.kind === 'string' ? poolName.parts[0] : undefined;
    assert.ok(part?.kind === 'text' && part.source);
    assert.equal(doc.text.slice(part.source.start, part.source.end), 'hp-pooled');
    assert.ok(part.source.start > doc.text.indexOf('"planned_values"'));
    assert.equal(knownString(get(dsc.body, 'properties', 'settings', 'configurationFunction')), 'Configuration.ps1\\AddSessionHost');
    assert.deepEqual(get(dsc.body, 'properties', 'virtualMachineId'), {
      kind: 'ref',
      target: key('module.hosts.azurerm_windows_virtual_machine.host[0]'),
      path: [],
      range: get(dsc.body, 'properties', 'virtualMachineId')!.range,
    });
    // The token comes through the module's variable from the registration info, which ARM keeps on the host pool.
    const token = get(dsc.body, 'properties', 'protectedSettings');
    assert.ok(token?.kind === 'ref');
    assert.equal(token.target, key('azurerm_virtual_desktop_host_pool.pooled'));
    assert.deepEqual(token.path, ['properties', 'registrationInfo', 'token']);

    const grant = resource(doc, 'azurerm_role_assignment.helpdesk_admin');
    const scope = get(grant.body, 'scope');
    assert.ok(scope?.kind === 'ref');
    assert.equal(scope.target, key('azurerm_resource_group.avd'));
    assert.deepEqual(scope.path, ['id']);
    // Computed by the provider and not written in the configuration: absent, so the role is read from its name.
    assert.equal(get(grant.body, 'properties', 'roleDefinitionId'), undefined);

    // The same ARM types as the configuration's blocks.
    const tf = await configuration('pooled-config');
    const tfTypes = tf.documents().flatMap((d) => d.resources.map((r) => `${r.source.symbol} ${r.type}`));
    const planTypes = doc.resources.map((r) => `${r.source.symbol!.replace(/^module\.hosts\./, '').replace(/\[0\]$/, '')} ${r.type}`);
    assert.deepEqual(planTypes.sort(), tfTypes.sort());
    tf.dispose();
    ws.dispose();
  });

  it('finds what the configuration gives, at ranges in the plan', async () => {
    const { doc, findings } = await planFindings(POOLED);
    const fromTf = findingsOf(await configuration('pooled-config'));
    assert.deepEqual(said(findings), said(fromTf));
    assert.ok(findings.every((f) => f.uri === PLAN_URI));
    const admin = findings.find((f) => f.ruleId === 'pooled-host-local-admin');
    assert.ok(admin);
    assert.equal(admin.level, 'warning');
    assert.match(
      admin.message,
      /^Virtual Machine Administrator Login on a resource group makes the principal local administrators .* pooled host pool 'hp-pooled'/,
    );
    assert.equal(at(doc, admin), '"Virtual Machine Administrator Login"');
    assert.ok(admin.range.start > doc.text.indexOf('"planned_values"') && admin.range.end < doc.text.indexOf('"resource_changes"'));
    // The absent RDP properties are reported at the pool's address.
    const drives = findings.find((f) => f.ruleId === 'rdp-drive-redirection');
    assert.ok(drives && at(doc, drives) === '"azurerm_virtual_desktop_host_pool.pooled"');
  });

  it('beside the .tf configuration it was made from, judges each resource once, at its declaration in the .tf files', async () => {
    const dir = path.join(DIR, 'pooled-config');
    const files: Record<string, string> = { '/ws/plan.json': POOLED };
    for (const f of listFiles(dir)) files[`/ws/${uriOf(path.relative(dir, f))}`] = fs.readFileSync(f, 'utf8');
    const together = findingsOf(await workspaceOf(files));
    const fromTf = findingsOf(await configuration('pooled-config'));
    assert.deepEqual(said(together), said(fromTf));
    assert.ok(together.length > 0 && together.every((f) => f.uri.endsWith('.tf')));
    // The resources of a module whose .tf files are not here (a registry module not fetched) come from the plan: the
    // grant in main.tf covers the session host the plan deploys in it.
    const planOnlyModule = { ...files };
    for (const u of Object.keys(planOnlyModule)) if (u.includes('/modules/')) delete planOnlyModule[u];
    const admin = findingsOf(await workspaceOf(planOnlyModule)).find((f) => f.ruleId === 'pooled-host-local-admin');
    assert.equal(admin?.uri, '/ws/main.tf');
    assert.deepEqual(
      admin.related.filter((r) => r.message.startsWith('Session host')).map((r) => r.uri),
      ['/ws/plan.json'],
    );
  });

  it('beside the .tf configuration, gives the declarations the values it resolved, at the expressions they come from', async () => {
    const tf = fs.readFileSync(path.join(DIR, 'rdp-variable-config', 'main.tf'), 'utf8');
    const ws = await workspaceOf({ '/rv/main.tf': tf, '/rv/plan.json': RDP });
    try {
      const drives = () => ws.findings('/rv/main.tf', emptyConfig()).filter((f) => f.ruleId === 'rdp-drive-redirection');
      const [finding] = drives();
      assert.match(finding.message, /^Host pool 'hp-rdp' redirects every client drive \(drivestoredirect:s:\*\)/);
      assert.equal(tf.slice(finding.range.start, finding.range.end), 'var.rdp_properties');
      // A fix would have to write the value into the configuration where it reads a variable: none is offered.
      assert.deepEqual(finding.fixes, []);
      assert.deepEqual(ws.findings('/rv/plan.json', emptyConfig()), []);
      // An edit of the configuration is judged with the plan's values again.
      ws.set('/rv/main.tf', tf.replace('"hp-rdp"', '"hp-rdp-2"'), 2);
      assert.match(drives()[0].message, /^Host pool 'hp-rdp-2' redirects every client drive/);
    } finally {
      ws.dispose();
    }
  });

  it('links by the ids the plan knows once the resources exist', async () => {
    const rg = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-avd';
    const provider = `${rg}/providers/Microsoft.DesktopVirtualization`;
    const applied = edited(POOLED, (p) => {
      const all: PlanJson[] = [...p.planned_values.root_module.resources, ...p.planned_values.root_module.child_modules[0].resources];
      const values = (name: string) => all.find((r) => r.name === name).values;
      values('helpdesk_admin').scope = rg;
      values('users_on_app_group').scope = `${provider}/applicationGroups/ag-desktop`;
      values('desktop').host_pool_id = `${provider}/hostPools/hp-pooled`;
      values('reg').hostpool_id = `${provider}/hostPools/hp-pooled`;
      for (const ext of ['aad_login', 'dsc']) values(ext).virtual_machine_id = `${rg}/providers/Microsoft.Compute/virtualMachines/avd-sh-0`;
      for (const rc of p.resource_changes) rc.change = { ...rc.change, actions: ['no-op'], after_unknown: {} };
    });
    assert.deepEqual(said((await planFindings(applied)).findings), said((await planFindings(POOLED)).findings));
  });

  it('uses the values the plan resolved: RDP properties from a variable the configuration does not set', async () => {
    const fromTf = findingsOf(await configuration('rdp-variable-config'));
    assert.deepEqual(
      fromTf.filter((f) => f.ruleId.startsWith('rdp-')),
      [],
    );
    const { doc, findings } = await planFindings(RDP);
    const drives = findings.filter((f) => f.ruleId === 'rdp-drive-redirection');
    assert.equal(drives.length, 1);
    assert.match(drives[0].message, /^Host pool 'hp-rdp' redirects every client drive \(drivestoredirect:s:\*\)/);
    assert.equal(at(doc, drives[0]), 'drivestoredirect:s:*');
    // In the planned values, not in the variable that gave them.
    assert.ok(drives[0].range.start > doc.text.indexOf('"planned_values"'));
    assert.deepEqual(findings.map((f) => f.ruleId).sort(), [
      'host-pool-diagnostics-missing',
      'host-pool-public-network',
      'mfa-conditional-access-missing',
      'rdp-drive-redirection',
    ]);
  });

  it('reads the same from the plan on one line as pretty-printed', async () => {
    const pretty = await planFindings(POOLED);
    const compact = await planFindings(JSON.stringify(JSON.parse(POOLED)));
    const summary = (r: { doc: Document; findings: Finding[] }) => r.findings.map((f) => `${f.ruleId} ${f.level} ${at(r.doc, f)} ${f.message}`).sort();
    assert.deepEqual(summary(compact), summary(pretty));
  });

  it('stays silent where a value is known only after apply', async () => {
    // The RDP properties come from a resource created by the same apply.
    const later = edited(RDP, (p) => {
      delete p.planned_values.root_module.resources[0].values.custom_rdp_properties;
      p.resource_changes[0].change.after_unknown.custom_rdp_properties = true;
      p.configuration.root_module.resources[0].expressions.custom_rdp_properties = {
        references: ['azurerm_storage_account.profiles.primary_file_endpoint', 'azurerm_storage_account.profiles'],
      };
    });
    const { doc, findings } = await planFindings(later);
    assert.deepEqual(findings.map((f) => f.ruleId).sort(), ['host-pool-diagnostics-missing', 'host-pool-public-network', 'mfa-conditional-access-missing']);
    assert.equal(get(resource(doc, 'azurerm_virtual_desktop_host_pool.pooled').body, 'properties', 'customRdpProperty')?.kind, 'unknown');

    // A scope from a local the plan does not describe: which hosts the grant covers is not known.
    const scope = edited(POOLED, (p) => {
      const grant = p.configuration.root_module.resources.find((r: PlanJson) => r.address === 'azurerm_role_assignment.helpdesk_admin');
      grant.expressions.scope = { references: ['local.host_resource_group_id'] };
    });
    assert.ok(!(await planFindings(scope)).findings.some((f) => f.ruleId === 'pooled-host-local-admin'));
  });

  it('never throws on a truncated or malformed plan: what was read, and a syntax error', async () => {
    const cuts = [1, 2, 3, 4, 5, 6].map((i) => Math.floor((POOLED.length * i) / 7));
    // Inside the host pool's values, after an attribute the pool leaves unset: the rest of its values are not known.
    const inPool = POOLED.indexOf('"custom_rdp_properties": null,') + '"custom_rdp_properties": null,'.length;
    for (const cut of [...cuts, inPool]) {
      const { doc, findings } = await planFindings(POOLED.slice(0, cut));
      assert.ok(doc.syntaxErrors.length, `cut at ${cut}`);
      assert.ok(findings.every((f) => f.uri === PLAN_URI && f.range.end <= cut));
      if (cut === inPool) {
        assert.ok(doc.resources.some((r) => r.source.symbol === 'azurerm_virtual_desktop_host_pool.pooled'));
        assert.ok(!findings.some((f) => f.ruleId.startsWith('rdp-')));
      }
    }
    for (const text of [
      '[1, 2]',
      '{"format_version":"1.2","planned_values":"x","resource_changes":{}}',
      POOLED.replace('"planned_values": {', '"planned_values": ['),
    ]) {
      const doc = adaptTerraformPlan(PLAN_URI, text, 0);
      assert.deepEqual(doc.resources, []);
    }
    const garbled = await planFindings(POOLED.replace('"resource_changes": [', '"resource_changes": [}'));
    assert.ok(garbled.doc.syntaxErrors.length && garbled.doc.resources.length);
  });

  it('never reads or quotes a sensitive value', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.registration-token-from-state';
    // Applied before: the registration token is known, and written into the extension's protected settings.
    const known = edited(POOLED, (p) => {
      const hosts = p.planned_values.root_module.child_modules[0].resources;
      const dsc = hosts.find((r: PlanJson) => r.name === 'dsc');
      dsc.values.protected_settings = JSON.stringify({ properties: { registrationInfoToken: token } });
      const reg = p.planned_values.root_module.resources.find((r: PlanJson) => r.name === 'reg');
      reg.values.token = token;
      reg.sensitive_values = { token: true };
      for (const rc of p.resource_changes) {
        delete rc.change.after_unknown.protected_settings;
        delete rc.change.after_unknown.token;
      }
    });
    for (const text of [POOLED, known]) {
      const { doc, findings } = await planFindings(text);
      const model = doc.resources.flatMap((r) => texts(r.body)).join('\n');
      const spoken = findings.flatMap((f) => [f.message, ...f.related.map((r) => r.message), ...f.fixes.map((x) => x.title)]).join('\n');
      for (const secret of [PASSWORD, token]) {
        assert.ok(!model.includes(secret), 'a secret in the model');
        assert.ok(!spoken.includes(secret), 'a secret in a message');
      }
      assert.ok(findings.some((f) => f.ruleId === 'pooled-host-local-admin'));
    }
  });

  it('is never edited by a fix: a plan is generated, its fixes belong in the .tf files', async () => {
    const ws = await workspaceOf({ [PLAN_URI]: POOLED });
    const findings = ws.findings(PLAN_URI, emptyConfig());
    // Only fixes to the configuration are offered (as for Conditional Access managed elsewhere); none edits the plan.
    assert.ok(findings.some((f) => f.ruleId === 'pooled-host-local-admin' && !f.fixes.length));
    assert.deepEqual([...new Set(findings.flatMap((f) => f.fixes.map((x) => x.intent.kind)))], ['set-config']);
    for (const f of findings) for (const fix of f.fixes) assert.ok(!renderFix(fix.intent, ws.fixContext())?.edits.some((e) => e.uri === PLAN_URI), fix.title);
    const outcome = applyFixes(ws, [PLAN_URI], () => emptyConfig());
    assert.equal(outcome.applied, 0);
    assert.equal(ws.text(PLAN_URI), POOLED);
    ws.dispose();

    const dir = tempTree({ 'plan.json': POOLED });
    const before = snapshot(dir);
    const r = await avdsec(['scan', '.', '--format', 'json', '--fix'], dir);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.errors, []);
    assert.ok(report.findings.some((f) => f.ruleId === 'pooled-host-local-admin' && f.file === 'plan.json'));
    assert.deepEqual(snapshot(dir), before);
  });
});
