import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../../server/src/cli/report';
import { FIXTURES, ROOT } from '../harness/engine';
import { avdsecProcess, CLI, tempTree } from './run';

const POOLED_ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

/**
 * The other CLI tests run its main in the test process, from the sources: these run the built bundle in a process of
 * its own, as users and CI do (its shebang, the version the bundler sets, the grammars beside it, the exit code).
 */
describe('CLI bundle (dist/cli.js) in a process of its own', () => {
  it('runs from its shebang and prints the version of package.json, and the help, to standard output', () => {
    const version = spawnSync(CLI, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout, `${VERSION}\n`);
    const help = avdsecProcess(['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.equal(help.stderr, '');
    assert.match(help.stdout, /^Usage: avdsec \[options\] \[command\]\n/);
    for (const command of ['scan', 'init', 'rules']) assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
  });

  it('exits 2 on usage errors, with the message of the option parser', () => {
    const format = avdsecProcess(['scan', '.', '--format', 'xml'], tempTree({ 'pooled.json': POOLED_ARM }));
    assert.equal(format.status, 2);
    assert.match(format.stderr, /^error: option '-f, --format <format>' argument 'xml' is invalid/);
  });

  it('scans Bicep, ARM JSON and Terraform to JSON with the grammars beside it', () => {
    const r = avdsecProcess(['scan', 'examples', '--format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.tool.version, VERSION);
    assert.deepEqual(report.errors, []);
    for (const lang of ['arm', 'bicep', 'terraform'])
      assert.ok(
        report.findings.some((f) => f.ruleId === 'pooled-host-local-admin' && f.file.startsWith(`examples/${lang}/`)),
        lang,
      );
  });

  // What main returns for each outcome is tested in the test process (cli.test.ts): here, that the process exits with it.
  it('writes SARIF to --output, into a folder it creates, and exits 1 on findings', () => {
    const dir = tempTree({ 'templates/pooled.json': POOLED_ARM });
    const r = avdsecProcess(['scan', '.', '--format', 'sarif', '--output', 'reports/avdsec.sarif'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    const log = JSON.parse(fs.readFileSync(path.join(dir, 'reports', 'avdsec.sarif'), 'utf8'));
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs[0].tool.driver.version, VERSION);
    assert.ok(log.runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'pooled-host-local-admin'));
  });
});
