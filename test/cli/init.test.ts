import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../server/src/engine/config';
import { RULE_IDS, RULES, ruleById } from '../../server/src/engine/registry';
import { avdsec, tempTree } from './run';

describe('CLI init', () => {
  it('writes a commented .avdsec.json that lists every rule and parses with no problems', async () => {
    const dir = tempTree({});
    const r = await avdsec(['init'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Wrote \.avdsec\.json/);
    const text = fs.readFileSync(path.join(dir, '.avdsec.json'), 'utf8');
    for (const rule of RULES) assert.ok(text.includes(`// "${rule.id}": "${rule.level}",`), rule.id);
    assert.match(text, /"exclude"/);
    assert.match(text, /"redirectionProfile"/);
    const { problems } = parseConfig(text, RULE_IDS, (id) => ruleById(id)?.options);
    assert.deepEqual(problems, []);
    // The scan reads it without a configuration problem.
    const scan = JSON.parse((await avdsec(['scan', '.', '--format', 'json'], dir)).stdout);
    assert.deepEqual(scan.errors, []);
  });

  it('refuses to overwrite an existing file unless --force', async () => {
    const dir = tempTree({ '.avdsec.json': '{ "rules": {} }\n' });
    const r = await avdsec(['init'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /\.avdsec\.json already exists here; use --force to overwrite it/);
    assert.equal(fs.readFileSync(path.join(dir, '.avdsec.json'), 'utf8'), '{ "rules": {} }\n');
    assert.equal((await avdsec(['init', '--force'], dir)).status, 0);
    assert.match(fs.readFileSync(path.join(dir, '.avdsec.json'), 'utf8'), /"rules": \{/);
  });
});
