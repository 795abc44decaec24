import { applyPatch, parsePatch } from 'diff';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../../server/src/cli/report';
import { decodeText, encodeText } from '../../server/src/host/encoding';
import { FIXTURES } from '../harness/engine';
import { parseMarkers } from '../harness/markers';
import { avdsec, CLI, type CliResult, examplesTree, snapshot, tempTree } from './run';

const POOLED_ARM = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cli', 'pooled.json'), 'utf8');
const VM_ADMIN_LOGIN = '1c0163c0-47e6-4577-8991-ea5c82e286e4';
const VM_USER_LOGIN = 'fb879df8-f326-4884-b1cf-06f3ad86be52';
/** Rules whose preferred fixes edit in place on the examples (the MFA rule's create a file or write the config). */
const FIXED_BY_EDITS = ['host-pool-sso-disabled', 'pooled-host-local-admin'];

async function jsonScan(dir: string, extra: string[] = []): Promise<Report> {
  const r = await avdsec(['scan', '.', '--format', 'json', '--fail-on', 'never', ...extra], dir);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

/** `avdsec scan . --fix` in `dir`, with `file` changed (see meanwhile.cjs) right after the scan has read it. */
function fixWhileChanged(dir: string, file: string, env: { AVDSEC_TEST_LINK?: string } = {}): CliResult {
  const args = ['--require', path.join(__dirname, 'meanwhile.cjs'), CLI, 'scan', '.', '--fix', '--format', 'json', '--fail-on', 'never'];
  const r = spawnSync(process.execPath, args, {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, AVDSEC_TEST_FILE: path.join(dir, file), ...env },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The files a unified diff describes, patched: path (without `b/`) -> new text. */
function patched(dir: string, diff: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of parsePatch(diff)) {
    assert.equal(p.oldFileName, p.newFileName!.replace(/^b\//, 'a/'));
    const file = p.newFileName!.replace(/^b\//, '');
    const result = applyPatch(fs.readFileSync(path.join(dir, file), 'utf8'), p);
    assert.notEqual(result, false, `${file}: the patch applies`);
    out.set(file, result as string);
  }
  return out;
}

describe('CLI fixes', () => {
  it('--fix-dry-run prints a unified diff of the preferred fixes and changes nothing', async () => {
    const dir = examplesTree();
    const before = snapshot(dir);
    const r = await avdsec(['scan', 'examples', '--fix-dry-run', '--no-color'], dir);
    assert.notEqual(r.status, 2, r.stderr);
    assert.deepEqual(snapshot(dir), before);
    assert.match(r.stdout, /^--- a\/examples\//);
    assert.match(r.stderr, /would apply \d+ fix(es)? in \d+ files?; \d+ findings? would remain/);
    const files = patched(dir, r.stdout);
    for (const f of ['examples/arm/azuredeploy.json', 'examples/bicep/main.bicep', 'examples/terraform/main.tf', 'examples/terraform/rbac.tf'])
      assert.ok(files.has(f), f);
    assert.match(files.get('examples/bicep/main.bicep')!, /enablerdsaadauth:i:1/);
    assert.match(files.get('examples/arm/azuredeploy.json')!, new RegExp(VM_USER_LOGIN));
    assert.match(files.get('examples/terraform/rbac.tf')!, /role_definition_name = "Virtual Machine User Login"/);
    // git takes the diff as it is.
    const git = spawnSync('git', ['apply', '--check', '-'], { cwd: dir, input: r.stdout, encoding: 'utf8' });
    if (!git.error) assert.equal(git.status, 0, git.stderr);
  });

  it('--fix writes what the dry run showed, reports what remains, and a second run has nothing left to fix', async () => {
    const dir = examplesTree();
    const preview = (await avdsec(['scan', 'examples', '--fix-dry-run', '--no-color'], dir)).stdout;
    const expected = patched(dir, preview);
    const before = await jsonScan(dir);
    assert.ok(before.findings.some((f) => FIXED_BY_EDITS.includes(f.ruleId)));

    const r = await avdsec(['scan', 'examples', '--fix', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^avdsec: applied \d+ fix(es)? in 4 files\n$/);
    for (const [file, text] of expected) assert.equal(fs.readFileSync(path.join(dir, file), 'utf8'), text, file);
    // The report is the scan after fixing: the fixed findings are gone, the others remain.
    const after = JSON.parse(r.stdout) as Report;
    assert.deepEqual(
      after.findings.filter((f) => FIXED_BY_EDITS.includes(f.ruleId)),
      [],
    );
    assert.equal(after.findings.filter((f) => f.ruleId === 'mfa-conditional-access-missing').length, 3);
    assert.deepEqual(after, await jsonScan(dir));
    // The preferred MFA fix for Terraform would create a policy file: --fix leaves that to the user.
    assert.ok(!fs.existsSync(path.join(dir, 'examples/terraform/conditional-access.tf')));

    const again = await avdsec(['scan', 'examples', '--fix-dry-run'], dir);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /would apply 0 fixes in 0 files/);
  });

  it('--fix keeps the byte order mark and CRLF line ends, and leaves suppressed findings alone', async () => {
    const crlf = '\ufeff' + POOLED_ARM.replace(/\n/g, '\r\n');
    const suppressed = POOLED_ARM.replace(
      /^(\s*)("roleDefinitionId")/m,
      '$1// avdsec-disable-next-line pooled-host-local-admin -- helpdesk group, reviewed\n$1$2',
    );
    const dir = tempTree({ 'a/pooled.json': crlf, 'b/pooled.json': suppressed });
    const r = await avdsec(['scan', '.', '--fix', '--fail-on', 'never'], dir);
    assert.equal(r.status, 0, r.stderr);
    const a = fs.readFileSync(path.join(dir, 'a/pooled.json'), 'utf8');
    assert.ok(a.startsWith('\ufeff'));
    assert.doesNotMatch(a, /[^\r]\n/);
    assert.ok(a.includes(VM_USER_LOGIN) && !a.includes(VM_ADMIN_LOGIN));
    assert.match(a, /enablerdsaadauth:i:1/);
    const b = fs.readFileSync(path.join(dir, 'b/pooled.json'), 'utf8');
    assert.ok(b.includes(VM_ADMIN_LOGIN), 'the suppressed grant is not fixed');
    assert.match(b, /enablerdsaadauth:i:1/);
  });

  it('--fix leaves a file edited while it ran as it is, says so, and fixes the others', () => {
    const dir = tempTree({ 'a/pooled.json': POOLED_ARM, 'b/pooled.json': POOLED_ARM });
    const r = fixWhileChanged(dir, 'a/pooled.json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'a/pooled.json'), 'utf8'), POOLED_ARM + '// edited meanwhile\n');
    assert.ok(fs.readFileSync(path.join(dir, 'b/pooled.json'), 'utf8').includes(VM_USER_LOGIN));
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.errors, [{ file: 'a/pooled.json', message: 'changed since it was read; not fixed' }]);
    // The file not written keeps its findings in the report.
    assert.deepEqual(
      report.findings.filter((f) => f.ruleId === 'pooled-host-local-admin').map((f) => f.file),
      ['a/pooled.json'],
    );
    assert.match(r.stderr, /^avdsec: applied \d+ fixes in 2 files, but 1 file was not written \(see the errors\)\n$/);
  });

  it('--fix does not write through a symbolic link put in place of a file while it ran', () => {
    const dir = tempTree({ 'scanned/pooled.json': POOLED_ARM, 'scanned/other/pooled.json': POOLED_ARM, 'elsewhere/pooled.json': POOLED_ARM });
    const outside = path.join(dir, 'elsewhere/pooled.json');
    const r = fixWhileChanged(path.join(dir, 'scanned'), 'pooled.json', { AVDSEC_TEST_LINK: outside });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(outside, 'utf8'), POOLED_ARM);
    assert.ok(fs.readFileSync(path.join(dir, 'scanned/other/pooled.json'), 'utf8').includes(VM_USER_LOGIN));
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.errors, [{ file: 'pooled.json', message: 'reached through a symbolic link that leads outside the scanned folders; not fixed' }]);
  });

  it('--fix writes a UTF-16 LE file back in UTF-16 LE, fixed as its UTF-8 twin is', async () => {
    const annotated = fs.readFileSync(path.join(FIXTURES, 'rules', 'host-pool-sso-disabled', 'bicep-bom-unicode', 'main.bicep'), 'utf8');
    const bad = parseMarkers(annotated)
      .text.replace(/^\ufeff/, '')
      .replace(/\n/g, '\r\n');
    const dir = tempTree({ 'utf8/main.bicep': bad, 'utf16/main.bicep': encodeText(bad, 'utf16le') });
    const r = await avdsec(['scan', '.', '--fix', '--format', 'json', '--fail-on', 'never'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Report).errors, []);
    const fixed = fs.readFileSync(path.join(dir, 'utf8/main.bicep'), 'utf8');
    assert.notEqual(fixed, bad);
    assert.deepEqual(decodeText(fs.readFileSync(path.join(dir, 'utf16/main.bicep'))), { text: fixed, encoding: 'utf16le' });
  });

  it('refuses --fix with --fix-dry-run, and --fix-dry-run with a JSON or SARIF report', async () => {
    const dir = tempTree({ 'pooled.json': POOLED_ARM });
    const before = snapshot(dir);
    const both = await avdsec(['scan', '.', '--fix', '--fix-dry-run'], dir);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--fix or --fix-dry-run, not both/);
    assert.equal((await avdsec(['scan', '.', '--fix-dry-run', '--format', 'json'], dir)).status, 2);
    assert.deepEqual(snapshot(dir), before);
  });
});
