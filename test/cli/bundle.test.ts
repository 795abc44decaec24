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

  it('exits 2 with the usage on standard error when run bare', () => {
    const bare = avdsecProcess([]);
    assert.equal(bare.status, 2);
    assert.equal(bare.stdout, '');
    assert.match(bare.stderr, /^Usage: avdsec \[options\] \[command\]\n/);
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

/** `avdsec-language-server` asked for help or its version answers, as a command does, instead of waiting for an editor. */
describe('language server bundle (dist/server.js) from a shell', () => {
  const SERVER = path.join(ROOT, 'dist', 'server.js');
  const server = (args: string[]) => spawnSync(process.execPath, [SERVER, ...args], { encoding: 'utf8', timeout: 60_000, input: '' });

  it('prints its usage with --help and its version with --version, and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const help = server([flag]);
      assert.equal(help.status, 0, help.stderr);
      assert.equal(help.stderr, '');
      assert.match(help.stdout, /^Usage: avdsec-language-server --stdio \| --node-ipc \| --socket=<port> \| --pipe=<name>\n/);
    }
    for (const flag of ['--version', '-V']) {
      const version = server([flag]);
      assert.equal(version.status, 0, version.stderr);
      assert.equal(version.stdout, `${VERSION}\n`);
    }
  });

  it('exits 2 with the usage on standard error, and no stack trace, when no transport is given', () => {
    const r = server([]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^avdsec-language-server: no transport given/);
    assert.match(r.stderr, /Usage: avdsec-language-server/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
