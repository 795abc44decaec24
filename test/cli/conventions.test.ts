import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../../server/src/cli/report';
import { main } from '../../server/src/cli/main';
import { CONFIG_SCHEMA_URL } from '../../server/src/cli/init';
import { INVALID_SUPPRESSION } from '../../server/src/engine/analyze';
import { META_RULES } from '../../server/src/engine/meta-rules';
import { RULES } from '../../server/src/engine/registry';
import { DOCS_BASE, REPOSITORY_URL } from '../../server/src/engine/rule';
import { renamedForRole } from '../../server/src/engine/role-names';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { parseMarkers } from '../harness/markers';
import { FIXTURES, ROOT } from '../harness/engine';
import { avdsec, CLI, type CliResult, examplesTree, tempTree } from './run';

const POOLED_ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');
const VM_ADMIN_LOGIN = '1c0163c0-47e6-4577-8991-ea5c82e286e4';
const VM_USER_LOGIN = 'fb879df8-f326-4884-b1cf-06f3ad86be52';
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
const ESC = '\u001b[';

/** The CLI in this process with a terminal or not, and an environment of its own (avdsec() has neither). */
async function term(args: string[], cwd: string, { tty = false, env = {} }: { tty?: boolean; env?: Record<string, string> } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const status = await main([process.execPath, CLI, ...args], {
    stdout: { write: (t) => (stdout += t), isTTY: tty, columns: 120 },
    stderr: { write: (t) => (stderr += t), isTTY: tty, columns: 120 },
    cwd: fs.realpathSync(cwd),
    env,
  });
  return { status, stdout, stderr };
}

const json = (r: CliResult) => JSON.parse(r.stdout) as Report;
const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');

describe('CLI conventions (issue 21)', () => {
  describe('color', () => {
    it('colors a terminal unless NO_COLOR (not empty) or TERM=dumb; --color always|never|auto and --no-color decide first', async () => {
      const dir = tempTree({ 'pooled.json': POOLED_ARM });
      const colored = async (args: string[], opts: { tty?: boolean; env?: Record<string, string> }) =>
        (await term(['scan', '.', '--fail-on', 'never', ...args], dir, opts)).stdout.includes(ESC);
      assert.equal(await colored([], { tty: true }), true);
      assert.equal(await colored([], { tty: true, env: { NO_COLOR: '1' } }), false);
      assert.equal(await colored([], { tty: true, env: { NO_COLOR: '' } }), true, 'an empty NO_COLOR is unset');
      assert.equal(await colored([], { tty: true, env: { TERM: 'dumb' } }), false);
      assert.equal(await colored([], { tty: false }), false);
      assert.equal(await colored(['--color', 'auto'], { tty: true }), true);
      assert.equal(await colored(['--color', 'always'], { tty: false, env: { NO_COLOR: '1' } }), true);
      assert.equal(await colored(['--color', 'never'], { tty: true }), false);
      assert.equal(await colored(['--no-color'], { tty: true }), false);
      const wrong = await term(['scan', '.', '--color', 'sometimes'], dir);
      assert.equal(wrong.status, 2);
      assert.match(wrong.stderr, /Allowed choices are auto, always, never/);
    });

    it('colors the --fix-dry-run diff the same way, and never a report written with --output', async () => {
      const dir = tempTree({ 'pooled.json': POOLED_ARM });
      assert.ok((await term(['scan', '.', '--fix-dry-run', '--color', 'always'], dir)).stdout.includes(ESC));
      assert.ok(!(await term(['scan', '.', '--fix-dry-run'], dir, { tty: true, env: { NO_COLOR: 'yes' } })).stdout.includes(ESC));
      await term(['scan', '.', '--color', 'always', '--output', 'out.txt'], dir);
      assert.ok(!read(dir, 'out.txt').includes(ESC));
    });
  });

  describe('--quiet and --min-level', () => {
    it('--quiet prints the findings alone, says what could not be read on standard error, and leaves JSON alone', async () => {
      const dir = tempTree({ 'pooled.json': POOLED_ARM, 'broken.json': POOLED_ARM.slice(0, 400) });
      const full = await avdsec(['scan', '.'], dir);
      const quiet = await avdsec(['scan', '.', '--quiet'], dir);
      assert.equal(quiet.status, full.status);
      const findingLines = full.stdout.split('\n').filter((l) => /^\S+\(\d+,\d+\): (error|warning|info|hint) [a-z-]+: /.test(l) || l.startsWith('    '));
      assert.equal(quiet.stdout, findingLines.join('\n') + '\n');
      assert.doesNotMatch(quiet.stdout, /scanned|^broken\.json: /m);
      assert.match(quiet.stderr, /^avdsec: broken\.json: \d+ syntax errors?/m);
      assert.equal((await avdsec(['scan', '.', '-q', '--format', 'json'], dir)).stdout, (await avdsec(['scan', '.', '--format', 'json'], dir)).stdout);
      // Notes on standard error are left out too.
      const fixed = await avdsec(['scan', 'pooled.json', '--fix', '--quiet', '--fail-on', 'never'], dir);
      assert.doesNotMatch(fixed.stderr, /applied/);
      // Nothing found, nothing printed.
      const clean = tempTree({ 'main.bicep': "param location string = 'westeurope'\n" });
      assert.equal((await avdsec(['scan', '.', '--quiet'], clean)).stdout, '');
    });

    it('--min-level leaves lower findings out of text, JSON and SARIF, and out of --fail-on', async () => {
      const dir = tempTree({ 'pooled.json': POOLED_ARM.replace(VM_ADMIN_LOGIN, VM_USER_LOGIN) });
      const all = json(await avdsec(['scan', '.', '--format', 'json'], dir));
      assert.ok(all.findings.some((f) => f.level === 'warning') && all.findings.some((f) => f.level === 'info' || f.level === 'hint'));
      const warnings = json(await avdsec(['scan', '.', '--format', 'json', '--min-level', 'warning'], dir));
      assert.deepEqual(
        warnings.findings,
        all.findings.filter((f) => f.level === 'warning' || f.level === 'error'),
      );
      assert.equal(warnings.summary.findings, warnings.findings.length);
      assert.deepEqual(warnings.summary.byLevel, { ...all.summary.byLevel, info: 0, hint: 0 });
      const sarif = JSON.parse((await avdsec(['scan', '.', '--format', 'sarif', '--min-level', 'warning'], dir)).stdout);
      assert.deepEqual(
        sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId),
        warnings.findings.map((f) => f.ruleId),
      );
      const text = (await avdsec(['scan', '.', '--min-level', 'warning'], dir)).stdout;
      assert.doesNotMatch(text, /: (info|hint) /);
      // A finding that is not shown does not fail the run.
      assert.equal((await avdsec(['scan', '.', '--fail-on', 'warning'], dir)).status, 1);
      assert.equal((await avdsec(['scan', '.', '--fail-on', 'warning', '--min-level', 'error'], dir)).status, 0);
      assert.equal((await avdsec(['scan', '.', '--min-level', 'loud'], dir)).status, 2);
    });

    it('counts the findings of each level in the JSON summary, next to the fields it had', async () => {
      const dir = tempTree({ 'pooled.json': POOLED_ARM });
      const report = json(await avdsec(['scan', '.', '--format', 'json', '--show-suppressed'], dir));
      assert.deepEqual(Object.keys(report.summary), ['files', 'findings', 'byLevel', 'suppressed']);
      assert.deepEqual(Object.keys(report.summary.byLevel), ['error', 'warning', 'info', 'hint']);
      for (const level of ['error', 'warning', 'info', 'hint'] as const)
        assert.equal(report.summary.byLevel[level], report.findings.filter((f) => f.level === level && !f.suppressed).length, level);
      assert.equal(
        Object.values(report.summary.byLevel).reduce((a, b) => a + b, 0),
        report.summary.findings,
      );
      assert.equal(report.summary.byLevel.error, 1);
    });
  });

  describe('usage', () => {
    it('bare avdsec prints the usage on standard error and exits 2', async () => {
      const r = await avdsec([]);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^Usage: avdsec \[options\] \[command\]\n/);
      assert.match(r.stderr, /^ {2}scan /m);
      // Asking for it is no error.
      assert.equal((await avdsec(['--help'])).status, 0);
      assert.equal((await avdsec(['help'])).status, 0);
    });

    it('scan --help lists the choices of --fail-on, --min-level and --color, and the new flags', async () => {
      const r = await avdsec(['scan', '--help']);
      assert.equal(r.status, 0);
      const help = r.stdout.replace(/\s+/g, ' ');
      assert.match(help, /--fail-on <level> .*?\(choices: "error", "warning", "info", "hint", "never", default: "error"\)/);
      assert.match(help, /--min-level <level> .*?\(choices: "error", "warning", "info", "hint", default: "hint"\)/);
      assert.match(help, /--color <when> .*?\(choices: "auto", "always", "never"\)/);
      for (const flag of ['--no-color', '-q, --quiet', '--fail-on-parse-error', '--fix-dry-run']) assert.ok(help.includes(flag), flag);
      assert.match(help, /--fix-dry-run .*exits as a scan of the fixed files would/);
    });
  });

  describe('--fail-on-parse-error', () => {
    it('exits 1 when a file could not be parsed or read, and not for a configuration problem', async () => {
      const ok = tempTree({ 'pooled.json': POOLED_ARM });
      const broken = tempTree({ 'pooled.json': POOLED_ARM, 'broken.json': POOLED_ARM.slice(0, 400) });
      const binary = tempTree({ 'pooled.json': POOLED_ARM, 'binary.bicep': Buffer.from([0x00, 0x01, 0xff, 0x00, 0x42]) });
      const config = tempTree({ 'pooled.json': POOLED_ARM, '.avdsec.json': '{ "rules": { "no-such-rule": "off" } }' });
      const never = ['scan', '.', '--fail-on', 'never'];
      assert.equal((await avdsec(never, broken)).status, 0, 'without the flag, errors do not change the exit code');
      assert.equal((await avdsec([...never, '--fail-on-parse-error'], broken)).status, 1);
      assert.equal((await avdsec([...never, '--fail-on-parse-error'], binary)).status, 1);
      assert.equal((await avdsec([...never, '--fail-on-parse-error'], ok)).status, 0);
      assert.equal((await avdsec([...never, '--fail-on-parse-error'], config)).status, 0);
      // The file is still listed under errors, as without the flag.
      const report = json(await avdsec([...never, '--fail-on-parse-error', '--format', 'json'], broken));
      assert.deepEqual(
        report.errors.map((e) => e.file),
        ['broken.json'],
      );
    });
  });

  describe('init', () => {
    it('writes $schema: the schema of the repository named in package.json, which accepts the key', async () => {
      const dir = tempTree({});
      assert.equal((await avdsec(['init'], dir)).status, 0);
      const text = read(dir, '.avdsec.json');
      assert.ok(text.includes(`"$schema": "${CONFIG_SCHEMA_URL}",`));
      assert.equal(REPOSITORY_URL, PKG.repository.url.replace(/\.git$/, ''));
      const [, owner, repo] = /^https:\/\/github\.com\/([^/]+)\/([^/]+)$/.exec(REPOSITORY_URL)!;
      assert.equal(CONFIG_SCHEMA_URL, `https://raw.githubusercontent.com/${owner}/${repo}/main/schemas/avdsec.schema.json`);
      const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'avdsec.schema.json'), 'utf8'));
      assert.deepEqual(schema.properties.$schema, { type: 'string' });
      const scan = json(await avdsec(['scan', '.', '--format', 'json'], dir));
      assert.deepEqual(scan.errors, []);
    });
  });

  describe('--fix-dry-run', () => {
    it('exits as a scan of the fixed files would, and says so', async () => {
      for (const failOn of ['error', 'warning']) {
        const preview = tempTree({ 'pooled.json': POOLED_ARM, 'broken.json': POOLED_ARM.slice(0, 400) });
        const dry = await avdsec(['scan', '.', '--fix-dry-run', '--fail-on', failOn], preview);
        const written = tempTree({ 'pooled.json': POOLED_ARM, 'broken.json': POOLED_ARM.slice(0, 400) });
        await avdsec(['scan', '.', '--fix', '--fail-on', 'never'], written);
        const after = await avdsec(['scan', '.', '--fail-on', failOn], written);
        assert.equal(dry.status, after.status, `--fail-on ${failOn}`);
        const remaining = json(await avdsec(['scan', '.', '--format', 'json'], written)).summary.findings;
        assert.match(
          dry.stderr,
          new RegExp(
            `^avdsec: --fix-dry-run: would apply \\d+ fix(es)? in 1 file; ${remaining} findings? would remain \\(exit code ${after.status}, as a scan of the fixed files would give\\)$`,
            'm',
          ),
        );
        // The file that does not parse is said on standard error, as the scan says it.
        assert.match(dry.stderr, /^avdsec: broken\.json: \d+ syntax error/m);
      }
      // Before the fixes, the admin grant is an error; the fixes take it away.
      const dir = tempTree({ 'pooled.json': POOLED_ARM });
      assert.equal((await avdsec(['scan', '.'], dir)).status, 1);
      assert.equal((await avdsec(['scan', '.', '--fix-dry-run'], dir)).status, 0);
      const broken = tempTree({ 'pooled.json': POOLED_ARM, 'broken.json': POOLED_ARM.slice(0, 400) });
      assert.equal((await avdsec(['scan', '.', '--fix-dry-run', '--fail-on-parse-error'], broken)).status, 1);
    });
  });

  describe('invalid-suppression and module-cycle', () => {
    const suppressed = () => tempTree({ 'main.bicep': "// avdsec-disable-next-line no-such-rule -- reviewed\nparam location string = 'westeurope'\n" });

    it('has a rule descriptor in SARIF, which its results point at', async () => {
      const log = JSON.parse((await avdsec(['scan', '.', '--format', 'sarif'], suppressed())).stdout);
      const run = log.runs[0];
      const result = run.results.find((x: { ruleId: string }) => x.ruleId === INVALID_SUPPRESSION);
      assert.ok(result);
      const d = run.tool.driver.rules[result.ruleIndex];
      assert.equal(d.id, INVALID_SUPPRESSION);
      assert.equal(d.shortDescription.text, META_RULES[0].title);
      assert.equal(d.fullDescription.text, META_RULES[0].summary);
      assert.equal(d.helpUri, `${DOCS_BASE}/invalid-suppression.md`);
      assert.match(d.help.markdown, /^# invalid-suppression\n\n## Why\n/);
      assert.equal(d.defaultConfiguration.level, 'note');
      assert.ok(!d.properties.tags.includes('security'), 'not a security finding');
      for (const [i, r] of RULES.entries()) assert.equal(run.tool.driver.rules[i].id, r.id, 'the rules keep their indexes');
      const ajv = new Ajv({ allErrors: true, strict: false });
      addFormats(ajv);
      const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/vendor/sarif-schema-2.1.0.json'), 'utf8')));
      assert.ok(validate(log), JSON.stringify(validate.errors));
    });

    it('links its diagnostics in the editor to its page', () => {
      const doc = TextDocument.create('file:///w/main.bicep', 'bicep', 1, '// avdsec-disable-file nope\n');
      for (const m of META_RULES) {
        const finding = { ruleId: m.id, level: m.level, message: 'x', uri: doc.uri, range: { start: 0, end: 4 }, related: [], fixes: [], key: m.id };
        assert.equal(toDiagnostic(finding, doc, () => undefined).codeDescription?.href, m.helpUri);
      }
    });

    it('is listed by avdsec rules, in text and JSON, as not configurable', async () => {
      const text = (await avdsec(['rules'])).stdout;
      for (const m of META_RULES) assert.match(text, new RegExp(`^${m.id}\\s+${m.level}\\s+${m.title}$`, 'm'));
      const list = JSON.parse((await avdsec(['rules', '--format', 'json'])).stdout).rules as {
        id: string;
        configurable?: boolean;
        helpUri: string;
        summary: string;
      }[];
      const meta = list.find((r) => r.id === INVALID_SUPPRESSION)!;
      assert.equal(meta.configurable, false);
      assert.equal(meta.helpUri, `${DOCS_BASE}/invalid-suppression.md`);
      assert.equal(meta.summary, META_RULES[0].summary);
      assert.ok(list.filter((r) => r.id !== INVALID_SUPPRESSION && r.id !== 'module-cycle').every((r) => r.configurable === undefined));
    });
  });

  describe('help links', () => {
    it('point at the published rule pages, docs/rules/<id>.md in the repository of package.json', () => {
      assert.equal(DOCS_BASE, `${PKG.repository.url.replace(/\.git$/, '')}/blob/main/docs/rules`);
      for (const r of [...RULES, ...META_RULES]) assert.equal(r.helpUri, `${DOCS_BASE}/${r.id}.md`);
      // The rules' pages are checked with the rest of docs/ (docs.test.ts); these are written from meta-rules.ts.
      for (const m of META_RULES) assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', `${m.id}.md`)), `docs/rules/${m.id}.md`);
    });
  });

  describe('a fix that swaps a role renames a local variable that names the old role', () => {
    it('names a role the way the identifier wrote the old one, or not at all', () => {
      const admin = 'Virtual Machine Administrator Login';
      const user = 'Virtual Machine User Login';
      const cases: [string, string | undefined][] = [
        ['virtualMachineAdministratorLoginRoleId', 'virtualMachineUserLoginRoleId'],
        ['vmAdminLogin', 'vmUserLogin'],
        ['VMAdminLoginRoleId', 'VMUserLoginRoleId'],
        ['vm_admin_login_role_id', 'vm_user_login_role_id'],
        ['VM_ADMINISTRATOR_LOGIN', 'VM_USER_LOGIN'],
        ['vm-admin-login', 'vm-user-login'],
        ['adminLoginRoleId', 'userLoginRoleId'],
        ['roleId', undefined],
        ['vmUserLogin', undefined],
      ];
      for (const [from, to] of cases) assert.equal(renamedForRole(from, admin, user), to, from);
      const power = 'Desktop Virtualization Power On Off Contributor';
      assert.equal(renamedForRole('contributorRoleId', 'Contributor', power), 'desktopVirtualizationPowerOnOffContributorRoleId');
      // vmContributor names Virtual Machine Contributor, not Contributor.
      assert.equal(renamedForRole('vmContributor', 'Contributor', power), undefined);
      assert.equal(renamedForRole('vm_contributor', 'Virtual Machine Contributor', power), 'desktop_virtualization_power_on_off_contributor');
    });

    it('Bicep var and ARM variable: the declaration and every use in the file', async () => {
      const dir = examplesTree();
      const r = await avdsec(['scan', 'examples/bicep', 'examples/arm', '--fix', '--fail-on', 'never'], dir);
      assert.equal(r.status, 0, r.stderr);
      const bicep = read(dir, 'examples/bicep/main.bicep');
      assert.doesNotMatch(bicep, /virtualMachineAdministratorLoginRoleId|1c0163c0/);
      assert.match(bicep, new RegExp(`^var virtualMachineUserLoginRoleId = '${VM_USER_LOGIN}'$`, 'm'));
      assert.equal(bicep.match(/\bvirtualMachineUserLoginRoleId\b/g)!.length, 3);
      const arm = read(dir, 'examples/arm/azuredeploy.json');
      assert.doesNotMatch(arm, /virtualMachineAdministratorLoginRoleId|1c0163c0/);
      assert.ok(arm.includes(`"virtualMachineUserLoginRoleId": "${VM_USER_LOGIN}"`));
      assert.equal(arm.match(/variables\('virtualMachineUserLoginRoleId'\)/g)!.length, 2);
      // What the fixes wrote scans clean of the finding, with no syntax error.
      const after = json(await avdsec(['scan', 'examples/bicep', 'examples/arm', '--format', 'json', '--fail-on', 'never'], dir));
      assert.deepEqual(after.errors, []);
      assert.ok(!after.findings.some((f) => f.ruleId === 'pooled-host-local-admin' && f.level === 'error'));
    });

    it('Bicep: not an exported var (other files import it), nor when the new name is taken', async () => {
      const text = fs.readFileSync(path.join(ROOT, 'examples/bicep/main.bicep'), 'utf8');
      const exported = text.replace('var virtualMachineAdministratorLoginRoleId', '@export()\nvar virtualMachineAdministratorLoginRoleId');
      const taken = text.replace(
        'var virtualMachineAdministratorLoginRoleId',
        "var virtualMachineUserLoginRoleId = 'x'\nvar virtualMachineAdministratorLoginRoleId",
      );
      for (const [name, source] of [
        ['exported', exported],
        ['taken', taken],
      ]) {
        const dir = tempTree({ 'main.bicep': source });
        await avdsec(['scan', '.', '--fix', '--fail-on', 'never'], dir);
        const fixed = read(dir, 'main.bicep');
        assert.ok(fixed.includes(`var virtualMachineAdministratorLoginRoleId = '${VM_USER_LOGIN}'`), name);
        assert.equal(fixed.match(/\bvirtualMachineAdministratorLoginRoleId\b/g)!.length, 3, name);
      }
    });

    it('Terraform local: renamed in its module directory, unless another file of it reads the local', async () => {
      const fixture = parseMarkers(fs.readFileSync(path.join(FIXTURES, 'rules/pooled-host-local-admin/tf-pooled/main.tf'), 'utf8')).text;
      const guidLine = `/providers/Microsoft.Authorization/roleDefinitions/${VM_ADMIN_LOGIN}"`;
      assert.ok(fixture.includes(guidLine));
      const main = `locals {\n  vm_admin_login_role_id = "${VM_ADMIN_LOGIN}"\n}\n\n${fixture.replace(guidLine, '/providers/Microsoft.Authorization/roleDefinitions/${local.vm_admin_login_role_id}"')}`;

      const alone = tempTree({ 'infra/main.tf': main });
      await avdsec(['scan', '.', '--fix', '--fail-on', 'never'], alone);
      const fixed = read(alone, 'infra/main.tf');
      assert.ok(fixed.includes(`locals {\n  vm_user_login_role_id = "${VM_USER_LOGIN}"\n}`));
      assert.ok(fixed.includes('roleDefinitions/${local.vm_user_login_role_id}"'));
      assert.doesNotMatch(fixed, /vm_admin_login_role_id/);

      const shared = tempTree({ 'infra/main.tf': main, 'infra/outputs.tf': 'output "admin_role" {\n  value = local.vm_admin_login_role_id\n}\n' });
      await avdsec(['scan', '.', '--fix', '--fail-on', 'never'], shared);
      const kept = read(shared, 'infra/main.tf');
      assert.ok(kept.includes(`vm_admin_login_role_id = "${VM_USER_LOGIN}"`), 'the role is still swapped');
      assert.ok(kept.includes('${local.vm_admin_login_role_id}'));
      assert.equal(read(shared, 'infra/outputs.tf'), 'output "admin_role" {\n  value = local.vm_admin_login_role_id\n}\n');
    });
  });
});
