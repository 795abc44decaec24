import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { avdsec, examplesTree } from './run';

describe('CLI report', () => {
  it('writes the overview of every host pool as Markdown: a summary table, then each pool with links to its findings', async () => {
    const dir = examplesTree();
    const r = await avdsec(['report', 'examples'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^# Azure Virtual Desktop security overview$/m);
    // One row per host pool of the examples (Bicep, ARM, Terraform), linked to its declaration.
    const rows = r.stdout
      .split('\n')
      .filter((l) =>
        /^\| hp-finance-pooled \| \[examples\/(arm|bicep|terraform)\/[^\]]+:\d+\]\(examples\/(arm|bicep|terraform)\/[^)]+#L\d+\) \| pooled \|/.test(l),
      );
    assert.equal(rows.length, 3);
    assert.match(r.stdout, /🔴 `pooled-host-local-admin` at \[examples\/bicep\/main\.bicep:\d+\]\(examples\/bicep\/main\.bicep#L\d+\)/);
  });

  it('writes a page to a file, with links relative to the file and no script', async () => {
    const dir = examplesTree();
    const r = await avdsec(['report', 'examples', '--format', 'html', '--output', 'out/report.html'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    const html = fs.readFileSync(path.join(dir, 'out', 'report.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /href="\.\.\/examples\/bicep\/main\.bicep#L\d+"/);
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
  });

  it('refuses an unknown format', async () => {
    const r = await avdsec(['report', '--format', 'pdf'], examplesTree());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /html, markdown/);
  });
});
