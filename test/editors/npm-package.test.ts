import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLES } from './cases';
import { ROOT } from './support/vsix';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npm(args: string[], cwd = ROOT) {
  // --ignore-scripts: pack what `npm run build` made (the test run builds first), without building again.
  const r = spawnSync(NPM, [...args, '--ignore-scripts'], { cwd, encoding: 'utf8', timeout: 120_000, shell: process.platform === 'win32' });
  assert.equal(r.status, 0, `npm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** What `npm install avdsec` and `npx avdsec` get: the packed tarball, run as npx runs it (the commands and the bundles' requires are checked by test/cli/package.test.ts). */
describe('npm package (npm pack, npx avdsec)', function () {
  this.timeout(120_000);
  /** The tarball, packed once: its file list is checked, and it is run as npx runs it. */
  let tmp: string;
  let pack: { filename: string; files: { path: string }[] };

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-npx-'));
    [pack] = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp])) as (typeof pack)[];
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('packs the bundles (the CLI, its Terraform worker, the server), the grammars, the schema, README and LICENSE, and nothing else', () => {
    const files = pack.files.map((f) => f.path).sort();
    const grammars = (JSON.parse(fs.readFileSync(path.join(ROOT, 'grammars', 'grammars.json'), 'utf8')) as { files: { file: string }[] }).files.map(
      (g) => `grammars/${g.file}`,
    );
    assert.ok(grammars.some((g) => g.endsWith('.wasm')));
    const expected = [
      'LICENSE',
      'README.md',
      ...(fs.existsSync(path.join(ROOT, 'CHANGELOG.md')) ? ['CHANGELOG.md'] : []),
      'dist/cli.js',
      'dist/server.js',
      'dist/terraform-worker.js',
      'grammars/grammars.json',
      ...grammars,
      'package.json',
      'schemas/avdsec.schema.json',
    ].sort();
    assert.deepEqual(files, expected);
  });

  it('runs as `npx avdsec scan` from the packed tarball, away from this repository', () => {
    const tarball = path.join(tmp, pack.filename);
    const work = path.join(tmp, 'work');
    fs.cpSync(EXAMPLES, path.join(work, 'examples'), { recursive: true });
    const cache = path.join(tmp, 'cache');
    const scan = spawnSync(
      NPM,
      ['exec', '--yes', '--prefer-offline', '--cache', cache, `--package=${tarball}`, '--', 'avdsec', 'scan', 'examples', '--format', 'json'],
      { cwd: work, encoding: 'utf8', timeout: 120_000, shell: process.platform === 'win32' },
    );
    assert.equal(scan.status, 1, scan.stderr);
    const report = JSON.parse(scan.stdout) as { findings: { ruleId: string; file: string }[]; errors: unknown[] };
    assert.deepEqual(report.errors, []);
    // Terraform needs the packed grammars; Bicep and ARM JSON the bundle alone.
    for (const lang of ['arm', 'bicep', 'terraform']) {
      assert.ok(
        report.findings.some((f) => f.ruleId === 'pooled-host-local-admin' && f.file.startsWith(`examples/${lang}/`)),
        lang,
      );
    }
    // The command npx installed, run again from where it put it (a second npx would install nothing new).
    const [installed] = fs.readdirSync(path.join(cache, '_npx')).map((d) => path.join(cache, '_npx', d, 'node_modules', '.bin', 'avdsec'));
    assert.ok(fs.existsSync(installed), installed);
    const rules = spawnSync(installed, ['rules'], { cwd: work, encoding: 'utf8', timeout: 60_000, shell: process.platform === 'win32' });
    assert.equal(rules.status, 0, rules.stderr);
    assert.match(rules.stdout, /^pooled-host-local-admin\s/m);
  });
});
