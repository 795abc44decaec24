import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../../server/src/cli/report';
import { avdsec, avdsecProcess, tempTree } from './run';

const POOLED_ARM = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cli', 'pooled.json'), 'utf8');
const levelOf = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id)?.level;

describe('CLI configuration', () => {
  it('follows extends from the nearest .avdsec.json, and from --config', async () => {
    // One repository: `extends` reads inside the git repository of what is scanned.
    const dir = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'org/base.json': '{ "rules": { "host-pool-sso-disabled": "error", "pooled-host-local-admin": "info" } }',
      'repo/infra/pooled.json': POOLED_ARM,
      'repo/.avdsec.json': '{ "extends": "../org/base.json", "rules": { "pooled-host-local-admin": "warning" } }',
      'ci.json': '{ "extends": ["org/base.json"] }',
    });
    const nearest = JSON.parse((await avdsec(['scan', 'repo', '--format', 'json'], dir)).stdout) as Report;
    assert.deepEqual(nearest.errors, []);
    assert.equal(levelOf(nearest, 'host-pool-sso-disabled'), 'error');
    assert.equal(levelOf(nearest, 'pooled-host-local-admin'), 'warning');
    const explicit = JSON.parse((await avdsec(['scan', 'repo', '--format', 'json', '--config', 'ci.json'], dir)).stdout) as Report;
    assert.equal(levelOf(explicit, 'pooled-host-local-admin'), 'info');
  });

  it('reports a cycle in extends as a configuration error with file, line and column, and scans on', async () => {
    const dir = tempTree({
      'pooled.json': POOLED_ARM,
      '.avdsec.json': '{\n  "extends": "base.json",\n  "rules": { "host-pool-sso-disabled": "error" }\n}\n',
      'base.json': '{\n  "rules": {},\n  "extends": ["./.avdsec.json"]\n}\n',
    });
    const r = await avdsec(['scan', '.', '--format', 'json'], dir);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.errors, [
      {
        file: 'base.json',
        message: 'line 3, column 15: "extends" makes a cycle (.avdsec.json -> base.json -> .avdsec.json); "./.avdsec.json" is not read again',
      },
    ]);
    assert.equal(levelOf(report, 'host-pool-sso-disabled'), 'error');
    const text = (await avdsec(['scan', '.', '--no-color'], dir)).stdout;
    assert.match(text, /^base\.json\(3,15\): error "extends" makes a cycle/m);
  });

  it('points each problem at its key or value, in every file of the chain', async () => {
    const dir = tempTree({
      'pooled.json': POOLED_ARM,
      '.avdsec.json': '{\n  "extends": "shared.json",\n  "rules": {\n    "host-pool-sso-disabled": "loud"\n  },\n  "exclud": []\n}\n',
      'shared.json': '{ "redirectionProfile": "lax", "extends": "nowhere.json" }',
    });
    const report = JSON.parse((await avdsec(['scan', '.', '--format', 'json'], dir)).stdout) as Report;
    assert.deepEqual(report.errors.map((e) => `${e.file}: ${e.message}`).sort(), [
      '.avdsec.json: line 4, column 31: Rule "host-pool-sso-disabled": level must be one of off, hint, info, warning, error',
      '.avdsec.json: line 6, column 3: Unknown setting "exclud" in the configuration (expected extends, rules, exclude, parameterFiles, redirectionProfile, maxFileSizeMB, compiledTemplates)',
      'shared.json: line 1, column 25: "redirectionProfile" must be "strict", "balanced" or "off"',
      'shared.json: line 1, column 43: "extends": cannot read "nowhere.json": no such file',
    ]);
  });

  it('skips files over maxFileSizeMB with an error that says so; large JSON files that are no template are not mentioned', async () => {
    const dir = tempTree({
      '.avdsec.json': '{ "maxFileSizeMB": 0.001 }',
      'big/pooled.json': POOLED_ARM,
      'big/data.json': JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => i) }),
      'big/main.bicep': `// ${'x'.repeat(1100)}\nparam location string\n`,
      'small/.avdsec.json': '{ "maxFileSizeMB": 1 }',
      'small/pooled.json': POOLED_ARM,
    });
    const r = await avdsec(['scan', '.', '--format', 'json'], dir);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.errors, [
      { file: 'big/main.bicep', message: 'file is 1.1 KB, over the 1 KB limit; not checked (raise "maxFileSizeMB" in .avdsec.json to check it)' },
      { file: 'big/pooled.json', message: 'file is 2.2 KB, over the 1 KB limit; not checked (raise "maxFileSizeMB" in .avdsec.json to check it)' },
    ]);
    assert.deepEqual([...new Set(report.findings.map((f) => f.file))], ['small/pooled.json']);
    assert.equal(report.summary.files, 1);
    const sarif = JSON.parse((await avdsec(['scan', '.', '--format', 'sarif'], dir)).stdout);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text);
    assert.ok(
      notes.some((t: string) => t.includes('over the 1 KB limit')),
      JSON.stringify(notes),
    );
  });
});

describe('CLI configuration: parameterFiles', () => {
  const TEMPLATE = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { rdp: { type: 'string', defaultValue: 'enablerdsaadauth:i:1;' } },
    resources: [
      {
        type: 'Microsoft.DesktopVirtualization/hostPools',
        apiVersion: '2024-04-03',
        name: 'hp-paired',
        location: 'westeurope',
        properties: { hostPoolType: 'Pooled', loadBalancerType: 'BreadthFirst', preferredAppGroupType: 'Desktop', customRdpProperty: "[parameters('rdp')]" },
      },
    ],
  });
  const params = (rdp: string) =>
    JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
      contentVersion: '1.0.0.0',
      parameters: { rdp: { value: rdp } },
    });
  const sso = (r: Report) => r.findings.filter((f) => f.ruleId === 'host-pool-sso-disabled').map((f) => `${f.file}: ${f.message.split(':')[0]}`);

  it('pairs parameters files with the template .avdsec.json names, relative to the file that writes it, through extends', async () => {
    const dir = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'infra/hostpool.json': TEMPLATE,
      'envs/prod/hp.json': params('enablerdsaadauth:i:0;'),
      'envs/dev/hp.json': params('enablerdsaadauth:i:1;'),
      'envs/.avdsec.json': '{ "extends": "../base.json" }',
      'base.json': '{ "parameterFiles": { "envs/*/hp.json": "infra/hostpool.json" } }',
    });
    const before = JSON.parse((await avdsec(['scan', '.', '--format', 'json'], dir)).stdout) as Report;
    assert.deepEqual(before.errors, []);
    // Without a .avdsec.json at the top, only the files under envs/ get the pairing, and that is where it matters.
    assert.deepEqual(sso(before), ["envs/prod/hp.json: Host pool 'hp-paired' turns single sign-on off (enablerdsaadauth"]);
    // The case is related information: which parameters file makes the finding.
    assert.ok(before.findings.find((f) => f.ruleId === 'host-pool-sso-disabled')!.related?.some((r) => /with parameters file prod\/hp\.json/.test(r.message)));
    fs.rmSync(path.join(dir, 'envs', '.avdsec.json'));
    const unpaired = JSON.parse((await avdsec(['scan', '.', '--format', 'json'], dir)).stdout) as Report;
    assert.deepEqual(sso(unpaired), []);
  });

  it('reports pairings it cannot use where they are written, and uses the rest', async () => {
    const dir = tempTree({
      'infra/hostpool.json': TEMPLATE,
      'prod.json': params('enablerdsaadauth:i:0;'),
      '.avdsec.json': '{\n  "parameterFiles": {\n    "": "infra/hostpool.json",\n    "*.json": 3,\n    "prod.json": "infra/hostpool.json"\n  }\n}\n',
    });
    const r = JSON.parse((await avdsec(['scan', '.', '--format', 'json'], dir)).stdout) as Report;
    assert.deepEqual(
      r.errors.map((e) => `${e.file}: ${e.message}`),
      [
        '.avdsec.json: line 3, column 5: "parameterFiles" pattern is empty',
        '.avdsec.json: line 4, column 15: "parameterFiles": "*.json" must name the template its files serve (a path relative to this file)',
      ],
    );
    assert.deepEqual(sso(r), ["prod.json: Host pool 'hp-paired' turns single sign-on off (enablerdsaadauth"]);
  });
});

describe('CLI configuration from a repository under review', function () {
  this.timeout(120_000);
  const LEAKS = ['root:', 'outsideSecretKey', 'hunter2', 'secretToken'];
  const noLeak = (out: string) => {
    for (const leak of LEAKS) assert.ok(!out.includes(leak), `${leak} in ${out}`);
  };

  it('reports empty and catastrophic exclude patterns at their item, and scans with the rest of the configuration', async () => {
    const config = '{ "exclude": ["", "*a*a*a*a*a*a*a*a*b", "legacy/**"], "rules": { "host-pool-sso-disabled": "error" } }';
    const dir = tempTree({
      '.avdsec.json': config,
      'pooled.json': POOLED_ARM,
      'legacy/pooled.json': POOLED_ARM,
      [`${'a'.repeat(200)}/pooled.json`]: POOLED_ARM,
    });
    const started = Date.now();
    // In a process of its own, as each run that could block: stuck in this one, it would hang the test run, not fail it.
    const r = avdsecProcess(['scan', '.', '--format', 'json'], dir);
    assert.ok(Date.now() - started < 30_000);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.errors, [
      { file: '.avdsec.json', message: `line 1, column ${config.indexOf('""') + 1}: "exclude" pattern is empty` },
      { file: '.avdsec.json', message: `line 1, column ${config.indexOf('"*a') + 1}: "exclude" pattern is too complex: more than 3 wildcards (* or **)` },
    ]);
    assert.deepEqual([...new Set(report.findings.map((f) => f.file))].sort(), [`${'a'.repeat(200)}/pooled.json`, 'pooled.json']);
    assert.equal(levelOf(report, 'host-pool-sso-disabled'), 'error');
    const text = (await avdsec(['scan', '.', '--no-color'], dir)).stdout;
    assert.match(text, new RegExp(`^\\.avdsec\\.json\\(1,${config.indexOf('""') + 1}\\): error "exclude" pattern is empty$`, 'm'));
  });

  it('refuses extends outside the repository, to FIFOs, devices and symlinks out, promptly, and shows nothing of those files', () => {
    const outside = tempTree({ 'base.json': '{ "rules": { "outsideSecretKey": "off" } }' });
    const dir = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'infra/pooled.json': POOLED_ARM,
      'package.json': '{ "name": "app", "secretToken": "hunter2" }',
    });
    execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
    fs.symlinkSync(path.join(outside, 'base.json'), path.join(dir, 'link.json'));
    const targets = ['/etc/passwd', '../fifo.json', '/dev/zero', path.join(outside, 'base.json'), '../link.json', '../package.json', '../missing.json'];
    fs.writeFileSync(path.join(dir, 'infra', '.avdsec.json'), JSON.stringify({ extends: targets, rules: { 'host-pool-sso-disabled': 'error' } }));
    const started = Date.now();
    const outputs = (['json', 'text', 'sarif'] as const).map((format) => avdsecProcess(['scan', 'infra', '--format', format], dir));
    assert.ok(Date.now() - started < 60_000);
    for (const r of outputs) {
      assert.equal(r.status, 1, r.stderr);
      noLeak(r.stdout + r.stderr);
    }
    const report = JSON.parse(outputs[0].stdout) as Report;
    assert.deepEqual(
      report.errors.map((e) => e.message.replace(/^line 1, column \d+: /, '')),
      [
        '"extends": cannot read "/etc/passwd": outside the workspace',
        '"extends": cannot read "../fifo.json": not a regular file (FIFO)',
        '"extends": cannot read "/dev/zero": outside the workspace',
        `"extends": cannot read "${path.join(outside, 'base.json')}": outside the workspace`,
        '"extends": cannot read "../link.json": outside the workspace',
        '"extends": "../package.json" is not an avdsec configuration file',
        '"extends": cannot read "../missing.json": no such file',
      ],
    );
    assert.equal(levelOf(report, 'host-pool-sso-disabled'), 'error');
    const sarif = JSON.parse(outputs[2].stdout);
    assert.equal(sarif.runs[0].invocations[0].toolConfigurationNotifications.length, targets.length);
  });

  it('reads extends only inside the scanned folders, their git repository and the folder of --config', async () => {
    const dir = tempTree({
      'org/base.json': '{ "rules": { "host-pool-sso-disabled": "error" } }',
      'repo/infra/pooled.json': POOLED_ARM,
      'repo/infra/.avdsec.json': '{ "extends": "../../org/base.json" }',
      'ci/strict.json': '{ "extends": "shared.json" }',
      'ci/shared.json': '{ "rules": { "host-pool-sso-disabled": "info" } }',
    });
    const refused = JSON.parse((await avdsec(['scan', 'repo/infra', '--format', 'json'], dir)).stdout) as Report;
    assert.deepEqual(
      refused.errors.map((e) => e.message),
      ['line 1, column 14: "extends": cannot read "../../org/base.json": outside the workspace'],
    );
    // The folder of --config is part of the workspace.
    const explicit = JSON.parse((await avdsec(['scan', 'repo/infra', '--format', 'json', '--config', 'ci/strict.json'], dir)).stdout) as Report;
    assert.deepEqual(explicit.errors, []);
    assert.equal(levelOf(explicit, 'host-pool-sso-disabled'), 'info');
    // So is the git repository of a scanned folder.
    fs.mkdirSync(path.join(dir, '.git'));
    const inRepo = JSON.parse((await avdsec(['scan', 'repo/infra', '--format', 'json'], dir)).stdout) as Report;
    assert.deepEqual(inRepo.errors, []);
    assert.equal(levelOf(inRepo, 'host-pool-sso-disabled'), 'error');
  });

  it('does not read a .avdsec.json of the repository that is a symlink out of it', async () => {
    const outside = tempTree({ 'config.json': '{ "auths": { "registry": "outsideSecretKey" }, "rules": {} }' });
    const dir = tempTree({ '.git/HEAD': 'ref: refs/heads/main\n', 'infra/pooled.json': POOLED_ARM });
    fs.symlinkSync(path.join(outside, 'config.json'), path.join(dir, 'infra', '.avdsec.json'));
    const r = await avdsec(['scan', 'infra', '--format', 'json'], dir);
    assert.equal(r.status, 1, r.stderr);
    noLeak(r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.errors, [{ file: 'infra/.avdsec.json', message: 'cannot read the configuration: a symlink to a file outside the workspace' }]);
    assert.ok(report.findings.length);
  });

  it('reads .avdsec.json and --config only as regular files of at most 1 MB', async () => {
    const dir = tempTree({ 'pooled.json': POOLED_ARM, 'big.json': `{ "rules": {} ${' '.repeat(1024 * 1024)}}` });
    const big = JSON.parse((await avdsec(['scan', '.', '--format', 'json', '--config', 'big.json'], dir)).stdout) as Report;
    assert.deepEqual(big.errors, [{ file: 'big.json', message: 'cannot read the configuration: over the 1 MB limit' }]);
    execFileSync('mkfifo', [path.join(dir, '.avdsec.json')]);
    const r = avdsecProcess(['scan', '.', '--format', 'json'], dir);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.errors, [
      { file: '.avdsec.json', message: 'not a regular file (FIFO); not read' },
      { file: '.avdsec.json', message: 'cannot read the configuration: not a regular file (FIFO)' },
    ]);
    assert.ok(report.findings.length);
  });
});
