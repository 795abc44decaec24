import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../../server/src/cli/report';
import { MCSB_CONTROLS, mcsbControlsOf } from '../../server/src/engine/knowledge/mcsb';
import { META_RULES } from '../../server/src/engine/meta-rules';
import { RULES } from '../../server/src/engine/registry';
import { avdsec, tempTree } from './run';

const POOLED_ARM = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cli', 'pooled.json'), 'utf8');
/** 1-based line of the Virtual Machine Administrator Login role id in the fixture. */
const ADMIN_LINE = POOLED_ARM.split('\n').findIndex((l) => l.includes('1c0163c0-47e6-4577-8991-ea5c82e286e4')) + 1;
/** The rules the fixture is written for; other rules (the RDP catalogue grows) may report on it too. */
const HEADLINE = ['pooled-host-local-admin', 'host-pool-sso-disabled', 'mfa-conditional-access-missing'];
const headline = <T extends { ruleId: string }>(findings: T[]): T[] => findings.filter((f) => HEADLINE.includes(f.ruleId));

describe('CLI', () => {
  describe('scan', () => {
    it('writes the JSON report of the contract: relative paths, 1-based lines and UTF-16 columns', async () => {
      const dir = tempTree({ 'infra/pooled.json': POOLED_ARM });
      const r = await avdsec(['scan', 'infra', '--format', 'json'], dir);
      assert.equal(r.status, 1, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.deepEqual(Object.keys(report), ['tool', 'findings', 'errors', 'skipped', 'summary']);
      assert.equal(report.tool.name, 'avdsec');
      assert.match(report.tool.version, /^\d+\.\d+\.\d+/);
      assert.deepEqual(Object.keys(report.summary), ['files', 'findings', 'byLevel']);
      assert.equal(report.summary.files, 1);
      assert.equal(report.summary.findings, report.findings.length);
      assert.deepEqual(
        headline(report.findings)
          .map((f) => f.ruleId)
          .sort(),
        [...HEADLINE].sort(),
      );
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.skipped, []);
      const admin = report.findings.find((f) => f.ruleId === 'pooled-host-local-admin')!;
      assert.equal(admin.file, 'infra/pooled.json');
      assert.equal(admin.level, 'error');
      // The finding points at the role definition id's value, quotes included.
      const line = POOLED_ARM.split('\n')[ADMIN_LINE - 1];
      assert.deepEqual(admin.range, {
        start: { line: ADMIN_LINE, column: line.indexOf('"[subscriptionResourceId') + 1 },
        end: { line: ADMIN_LINE, column: line.lastIndexOf('"') + 2 },
      });
      assert.deepEqual(
        admin.fixes.map((f) => f.title),
        ['Use Virtual Machine User Login instead', 'Make the host pool personal'],
      );
      assert.ok(admin.related.some((x) => x.file === 'infra/pooled.json' && x.message.startsWith('Pooled host pool')));
      assert.deepEqual(Object.keys(admin), ['ruleId', 'level', 'message', 'file', 'range', 'fixes', 'related']);
    });

    it('counts columns in UTF-16 code units after non-ASCII text and keeps them with CRLF', async () => {
      const text = POOLED_ARM.replace('"hp-pooled"', '"hp-😀-é"').replace(/\n/g, '\r\n');
      const dir = tempTree({ 'a.json': '\ufeff' + text });
      const report = JSON.parse((await avdsec(['scan', '.', '--format', 'json'], dir)).stdout) as Report;
      const sso = report.findings.find((f) => f.ruleId === 'host-pool-sso-disabled')!;
      const lines = text.split('\r\n');
      const lineIndex = lines.findIndex((l) => l.includes('"customRdpProperty"'));
      assert.equal(sso.range.start.line, lineIndex + 1);
      assert.equal(sso.range.start.column, lines[lineIndex].indexOf('"audiomode') + 1);
      assert.match(sso.message, /'hp-😀-é'/);
    });

    it('exits 1 on findings at or above --fail-on, 0 below it and with never', async () => {
      const dir = tempTree({ 'pooled.json': POOLED_ARM });
      assert.equal((await avdsec(['scan', '.'], dir)).status, 1);
      assert.equal((await avdsec(['scan', '.', '--fail-on', 'never'], dir)).status, 0);
      const noAdmin = tempTree({ 'pooled.json': POOLED_ARM.replace('1c0163c0-47e6-4577-8991-ea5c82e286e4', 'fb879df8-f326-4884-b1cf-06f3ad86be52') });
      assert.equal((await avdsec(['scan', '.'], noAdmin)).status, 0);
      assert.equal((await avdsec(['scan', '.', '--fail-on', 'warning'], noAdmin)).status, 1);
      assert.equal((await avdsec(['scan', '.', '--fail-on', 'info'], noAdmin)).status, 1);
    });

    it('exits 2 on usage errors', async () => {
      const dir = tempTree({ 'pooled.json': POOLED_ARM });
      const missing = await avdsec(['scan', 'nope'], dir);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /no such file or folder: nope/);
      assert.equal((await avdsec(['scan', '.', '--format', 'xml'], dir)).status, 2);
      assert.equal((await avdsec(['scan', '.', '--fail-on', 'sometimes'], dir)).status, 2);
      assert.equal((await avdsec(['scan', '.', '--config', 'missing.json'], dir)).status, 2);
      assert.equal((await avdsec(['frobnicate'], dir)).status, 2);
    });

    it('reports bad files in errors and goes on with the others', async () => {
      const dir = tempTree({
        'pooled.json': POOLED_ARM,
        'broken.json': POOLED_ARM.slice(0, POOLED_ARM.indexOf('"resources"') + 40),
        'binary.bicep': Buffer.from([0x00, 0x01, 0xff, 0x00, 0x42]),
        'notes.json': '{ "not": "a template" }',
      });
      const r = await avdsec(['scan', '.', '--format', 'json'], dir);
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(r.status, 1);
      assert.deepEqual(report.errors.map((e) => e.file).sort(), ['binary.bicep', 'broken.json']);
      assert.match(report.errors.find((e) => e.file === 'binary.bicep')!.message, /binary/);
      assert.match(report.errors.find((e) => e.file === 'broken.json')!.message, /syntax error/);
      assert.ok(report.findings.some((f) => f.file === 'pooled.json' && f.ruleId === 'pooled-host-local-admin'));
      assert.equal(report.summary.files, 2, 'pooled.json and broken.json are templates; notes.json is not read');
    });

    it('writes text, one finding per line, and a summary', async () => {
      const dir = tempTree({ 'pooled.json': POOLED_ARM });
      const r = await avdsec(['scan', '.', '--no-color'], dir);
      const first = r.stdout.split('\n')[0];
      assert.match(first, /^pooled\.json\(\d+,\d+\): (error|warning|info|hint) [a-z-]+: /);
      const report = JSON.parse((await avdsec(['scan', '.', '--format', 'json'], dir)).stdout) as Report;
      const n = report.findings.length;
      assert.ok(r.stdout.endsWith('.\n'));
      assert.match(r.stdout.trimEnd().split('\n').pop()!, new RegExp(`^1 file scanned, ${n} findings \\(1 error, [^)]*\\)\\.$`));
      assert.equal(r.stdout.split('\n').filter((l) => /^pooled\.json\(\d+,\d+\): /.test(l)).length, n);
      assert.doesNotMatch(r.stdout, /\u001b\[/);
    });

    it('writes SARIF 2.1.0 with the rules, relative locations and stable fingerprints', async () => {
      const dir = tempTree({ 'templates/pooled.json': POOLED_ARM });
      const r = await avdsec(['scan', '.', '--format', 'sarif', '--output', 'out.sarif'], dir);
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
      const log = JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8'));
      assert.equal(log.version, '2.1.0');
      const run = log.runs[0];
      assert.deepEqual(
        run.tool.driver.rules.map((x: { id: string }) => x.id),
        [...RULES, ...META_RULES].map((x) => x.id),
      );
      for (const rule of run.tool.driver.rules.slice(0, RULES.length)) {
        assert.ok(rule.helpUri && rule.help.markdown && rule.shortDescription.text && rule.properties['security-severity']);
      }
      assert.deepEqual(
        headline(run.results)
          .map((x: { ruleId: string }) => x.ruleId)
          .sort(),
        [...HEADLINE].sort(),
      );
      const res = run.results.find((x: { ruleId: string }) => x.ruleId === 'pooled-host-local-admin');
      assert.equal(res.level, 'error');
      assert.equal(res.ruleIndex, 0);
      assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'templates/pooled.json');
      assert.equal(res.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.equal(res.locations[0].physicalLocation.region.startLine, ADMIN_LINE);
      assert.match(res.partialFingerprints['avdsecFinding/v1'], /^[0-9a-f]{64}$/);
      // Moving the finding down a line keeps its fingerprint.
      fs.writeFileSync(path.join(dir, 'templates/pooled.json'), '\n' + POOLED_ARM);
      await avdsec(['scan', '.', '--format', 'sarif', '--output', 'out2.sarif'], dir);
      const moved = JSON.parse(fs.readFileSync(path.join(dir, 'out2.sarif'), 'utf8')).runs[0].results.find(
        (x: { ruleId: string }) => x.ruleId === 'pooled-host-local-admin',
      );
      assert.equal(moved.locations[0].physicalLocation.region.startLine, ADMIN_LINE + 1);
      assert.equal(moved.partialFingerprints['avdsecFinding/v1'], res.partialFingerprints['avdsecFinding/v1']);
    });

    it('reads .avdsec.json from the folder above a file, and --config instead', async () => {
      const dir = tempTree({
        'pooled.json': POOLED_ARM,
        '.avdsec.json':
          '{\n  // CA lives in the identity repository\n  "rules": { "mfa-conditional-access-missing": { "managedOutsideRepository": true }, "pooled-host-local-admin": "warning" }\n}\n',
        'strict.json': '{ "rules": { "host-pool-sso-disabled": "error" } }',
      });
      const report = JSON.parse((await avdsec(['scan', '.', '--format', 'json'], dir)).stdout) as Report;
      assert.deepEqual(
        headline(report.findings)
          .map((f) => `${f.ruleId}:${f.level}`)
          .sort(),
        ['host-pool-sso-disabled:warning', 'pooled-host-local-admin:warning'],
      );
      const strict = JSON.parse((await avdsec(['scan', '.', '--format', 'json', '--config', 'strict.json'], dir)).stdout) as Report;
      assert.deepEqual(
        headline(strict.findings)
          .map((f) => `${f.ruleId}:${f.level}`)
          .sort(),
        ['host-pool-sso-disabled:error', 'mfa-conditional-access-missing:info', 'pooled-host-local-admin:error'],
      );
    });

    it('reports configuration problems and excludes paths the configuration excludes', async () => {
      const dir = tempTree({
        'pooled.json': POOLED_ARM,
        'legacy/old.json': POOLED_ARM,
        '.avdsec.json': '{\n  "rules": { "no-such-rule": "error" },\n  "exclude": ["legacy/**"]\n}\n',
      });
      const report = JSON.parse((await avdsec(['scan', '.', '--format', 'json'], dir)).stdout) as Report;
      assert.ok(report.findings.every((f) => f.file === 'pooled.json'));
      // The JSON contract keeps errors as {file, message}: the position leads the message.
      assert.deepEqual(report.errors, [{ file: '.avdsec.json', message: 'line 2, column 14: Unknown rule id "no-such-rule" in the configuration' }]);
      const text = (await avdsec(['scan', '.', '--no-color'], dir)).stdout;
      assert.match(text, /^\.avdsec\.json\(2,14\): error Unknown rule id "no-such-rule" in the configuration$/m);
      assert.match(text, /, 1 configuration problem\.\n$/);
    });
  });

  describe('rules', () => {
    it('lists every rule with its level, its benchmark controls and its title', async () => {
      const r = await avdsec(['rules']);
      assert.equal(r.status, 0);
      const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      for (const rule of RULES) {
        const controls = mcsbControlsOf(rule.id);
        assert.ok(controls.length > 0, `${rule.id} supports a benchmark control`);
        assert.match(r.stdout, new RegExp(`^${rule.id}\\s+${rule.level}\\s+${escape(controls.join(','))}\\s+${escape(rule.title)}$`, 'm'));
      }
    });

    it('lists the rules as JSON', async () => {
      const r = JSON.parse((await avdsec(['rules', '--format', 'json'])).stdout);
      assert.deepEqual(
        r.rules.map((x: { id: string }) => x.id),
        [...RULES, ...META_RULES].map((x) => x.id),
      );
      assert.ok(r.rules.every((x: { helpUri: string }) => x.helpUri.endsWith('.md')));
      assert.deepEqual(r.rules.find((x: { id: string }) => x.id === 'host-pool-public-network').mcsb, ['NS-2']);
      assert.ok(r.rules.slice(0, RULES.length).every((x: { mcsb: string[] }) => x.mcsb.length > 0 && x.mcsb.every((c) => c in MCSB_CONTROLS)));
    });
  });
});
