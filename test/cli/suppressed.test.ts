import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../../server/src/cli/report';
import { avdsec, tempTree } from './run';

const POOLED_ARM = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cli', 'pooled.json'), 'utf8');
const RULE = 'pooled-host-local-admin';
const SUPPRESSED = POOLED_ARM.replace(/^(\s*)("roleDefinitionId")/m, `$1// avdsec-disable-next-line ${RULE} -- helpdesk group, reviewed 2026-11\n$1$2`);

describe('CLI --show-suppressed', () => {
  it('hides suppressed findings by default and lists them, marked, with the flag (JSON)', async () => {
    const dir = tempTree({ 'pooled.json': SUPPRESSED });
    const plain = await avdsec(['scan', '.', '--format', 'json'], dir);
    const report = JSON.parse(plain.stdout) as Report;
    assert.deepEqual(
      report.findings.filter((f) => f.ruleId === RULE),
      [],
    );
    assert.deepEqual(Object.keys(report.summary), ['files', 'findings', 'byLevel']);
    assert.ok(report.findings.every((f) => !('suppressed' in f)));

    const shown = await avdsec(['scan', '.', '--format', 'json', '--show-suppressed'], dir);
    assert.equal(shown.status, plain.status, 'suppressed findings never change the exit code');
    const all = JSON.parse(shown.stdout) as Report;
    const s = all.findings.filter((f) => f.ruleId === RULE);
    assert.equal(s.length, 1);
    assert.deepEqual(s[0].suppressed, { kind: 'next-line', reason: 'helpdesk group, reviewed 2026-11' });
    assert.deepEqual(Object.keys(s[0]), ['ruleId', 'level', 'message', 'file', 'range', 'fixes', 'related', 'suppressed']);
    assert.equal(all.summary.findings, report.summary.findings, 'summary.findings counts what is not suppressed');
    assert.equal(all.summary.suppressed, all.findings.filter((f) => f.suppressed).length);
    assert.equal(all.findings.length, report.findings.length + all.summary.suppressed!);
  });

  it('gives a reason of null when the comment has none, and the kind of suppression', async () => {
    const dir = tempTree({ 'pooled.json': `// avdsec-disable-file ${RULE}\n${POOLED_ARM}` });
    const all = JSON.parse((await avdsec(['scan', '.', '--format', 'json', '--show-suppressed'], dir)).stdout) as Report;
    assert.deepEqual(all.findings.find((f) => f.ruleId === RULE)!.suppressed, { kind: 'file', reason: null });
  });

  it('marks them in text as "suppressed: <reason>" and counts them apart', async () => {
    const dir = tempTree({ 'pooled.json': SUPPRESSED });
    const r = await avdsec(['scan', '.', '--show-suppressed', '--no-color'], dir);
    const lines = r.stdout.split('\n');
    const i = lines.findIndex((l) => l.includes(`: error ${RULE}: `));
    assert.ok(i >= 0, r.stdout);
    assert.equal(lines[i + 1], '    suppressed: helpdesk group, reviewed 2026-11');
    assert.match(lines.filter(Boolean).pop()!, /, 1 suppressed\.$/);
    assert.doesNotMatch((await avdsec(['scan', '.', '--no-color'], dir)).stdout, /suppressed/);
  });
});
