import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { securitySeverity } from '../../server/src/engine/rule';
import { mcsbControlsOf } from '../../server/src/engine/knowledge/mcsb';
import { META_RULES } from '../../server/src/engine/meta-rules';
import { RULES } from '../../server/src/engine/registry';
import { ROOT } from '../harness/engine';
import { avdsec, examplesTree } from './run';

const POOLED_ARM = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cli', 'pooled.json'), 'utf8');
const SUPPRESSED = POOLED_ARM.replace(/^(\s*)("roleDefinitionId")/m, '$1// avdsec-disable-next-line pooled-host-local-admin -- helpdesk group, reviewed\n$1$2');

/** The official SARIF 2.1.0 schema (OASIS, Errata 01: JSON Schema draft-04), vendored unchanged. */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'vendor', 'sarif-schema-2.1.0.json'), 'utf8'));
  assert.equal(schema.$schema, 'http://json-schema.org/draft-04/schema#');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

async function sarifOf(dir: string, args: string[] = []): Promise<Sarif.Log> {
  const r = await avdsec(['scan', '.', '--format', 'sarif', '--output', 'out.sarif', ...args], dir);
  assert.notEqual(r.status, 2, r.stderr);
  return JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as Sarif.Log;
}

/** Applies SARIF replacements (1-based lines, UTF-16 columns) to a file's text. */
function applyReplacements(text: string, replacements: Sarif.Replacement[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (line: number, column: number) => starts[line - 1] + column - 1;
  const spans = replacements.map((r) => {
    const d = r.deletedRegion;
    return { start: offset(d.startLine!, d.startColumn!), end: offset(d.endLine!, d.endColumn!), text: r.insertedContent?.text ?? '' };
  });
  let out = text;
  for (const s of spans.sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

describe('CLI SARIF', () => {
  const validate = sarifValidator();

  it('is valid SARIF 2.1.0 against the official schema, with findings, suppressions, fixes and notifications', async () => {
    const dir = examplesTree({
      'suppressed/pooled.json': SUPPRESSED,
      'broken.bicep': Buffer.from([0x00, 0x01, 0x02]),
      '.avdsec.json': '{\n  "rules": { "no-such-rule": "error" }\n}\n',
    });
    for (const args of [[], ['--show-suppressed']]) {
      const log = await sarifOf(dir, args);
      assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
      const run = log.runs[0];
      assert.ok(run.results!.length > 0);
      assert.ok(run.results!.some((r) => r.fixes?.length));
      assert.ok(run.results!.some((r) => r.relatedLocations?.length));
      assert.equal(
        run.results!.some((r) => r.suppressions),
        args.length > 0,
      );
    }
    const plain = examplesTree();
    assert.ok(validate(await sarifOf(plain)), JSON.stringify(validate.errors, null, 2));
  });

  it('describes every rule of the registry: descriptions, help in markdown, security-severity and tags', async () => {
    const log = await sarifOf(examplesTree());
    const rules = log.runs[0].tool.driver.rules!;
    assert.deepEqual(
      rules.map((r) => r.id),
      [...RULES, ...META_RULES].map((r) => r.id),
    );
    const level = { error: 'error', warning: 'warning', info: 'note', hint: 'note' } as const;
    for (const [i, rule] of RULES.entries()) {
      const d = rules[i];
      assert.equal(d.shortDescription!.text, rule.title);
      assert.equal(d.fullDescription!.text, rule.summary);
      assert.equal(d.help!.markdown, rule.docs);
      assert.ok(d.help!.text.length > 0);
      assert.equal(d.helpUri, rule.helpUri);
      assert.equal(d.defaultConfiguration!.level, level[rule.level]);
      assert.equal(d.properties!['security-severity'], securitySeverity(rule.severity));
      const tags = d.properties!.tags!;
      assert.ok(tags.includes('security'), `${rule.id} is tagged security`);
      for (const b of rule.boundary) assert.ok(tags.includes(b), `${rule.id} is tagged with its boundary ${b}`);
    }
    for (const r of log.runs[0].results!) assert.equal(rules[r.ruleIndex!].id, r.ruleId);
  });

  it('maps every rule to the Microsoft cloud security benchmark controls it supports, as a taxonomy', async () => {
    const run = (await sarifOf(examplesTree())).runs[0];
    const [taxonomy] = run.taxonomies!;
    assert.equal(taxonomy.name, 'MCSB');
    const taxa = taxonomy.taxa!.map((t) => t.id);
    for (const [i, rule] of RULES.entries()) {
      const rel = run.tool.driver.rules![i].relationships!;
      assert.deepEqual(
        rel.map((x) => x.target.id),
        [...mcsbControlsOf(rule.id)],
      );
      for (const x of rel) {
        assert.equal(taxa[x.target.index!], x.target.id);
        assert.equal(x.target.toolComponent!.name, 'MCSB');
      }
    }
    assert.deepEqual(
      run.tool.driver.rules!.find((r) => r.id === 'host-pool-diagnostics-missing')!.relationships!.map((x) => x.target.id),
      ['LT-4'],
    );
  });

  it('uses URIs relative to %SRCROOT%, which points at the working folder, and UTF-16 columns', async () => {
    const dir = examplesTree();
    const run = (await sarifOf(dir)).runs[0];
    assert.equal(run.originalUriBaseIds!['%SRCROOT%'].uri, pathToFileURL(fs.realpathSync(dir) + path.sep).href);
    assert.equal(run.columnKind, 'utf16CodeUnits');
    const locations = run.results!.flatMap((r) => [...r.locations!, ...(r.relatedLocations ?? [])]);
    for (const l of locations) {
      assert.equal(l.physicalLocation!.artifactLocation!.uriBaseId, '%SRCROOT%');
      assert.match(l.physicalLocation!.artifactLocation!.uri!, /^examples\/(arm|bicep|terraform)\/[\w.-]+$/);
    }
  });

  it('keeps fingerprints from the finding identity: the same wherever the checkout is, different per finding', async () => {
    const a = (await sarifOf(examplesTree())).runs[0].results!;
    const b = (await sarifOf(examplesTree())).runs[0].results!;
    const prints = (rs: Sarif.Result[]) => rs.map((r) => r.partialFingerprints!['avdsecFinding/v1']);
    assert.deepEqual(prints(a), prints(b));
    assert.equal(new Set(prints(a)).size, a.length);
  });

  it('carries fixes as replacements that, applied to the file, make the change', async () => {
    const dir = examplesTree();
    const results = (await sarifOf(dir)).runs[0].results!;
    const sso = results.find(
      (r) => r.ruleId === 'host-pool-sso-disabled' && r.locations![0].physicalLocation!.artifactLocation!.uri === 'examples/bicep/main.bicep',
    )!;
    const fix = sso.fixes![0];
    assert.match(fix.description!.text!, /^Enable Microsoft Entra single sign-on/);
    const [change] = fix.artifactChanges;
    assert.equal(change.artifactLocation.uriBaseId, '%SRCROOT%');
    const file = path.join(dir, change.artifactLocation.uri!);
    const fixed = applyReplacements(fs.readFileSync(file, 'utf8'), change.replacements!);
    assert.match(fixed, /var rdpProperties = '[^']*enablerdsaadauth:i:1;'/);
    // Fixes that only write the configuration (the MFA rule's "managed outside this repository") have no edits to carry.
    const mfa = results.find(
      (r) => r.ruleId === 'mfa-conditional-access-missing' && r.locations![0].physicalLocation!.artifactLocation!.uri === 'examples/bicep/main.bicep',
    )!;
    assert.equal(mfa.fixes, undefined);
  });

  it('lists suppressed findings with an inSource suppression and its justification', async () => {
    const dir = examplesTree({ 'suppressed/pooled.json': SUPPRESSED });
    const without = (await sarifOf(dir)).runs[0].results!;
    assert.ok(without.every((r) => !r.suppressions));
    assert.ok(
      !without.some((r) => r.ruleId === 'pooled-host-local-admin' && r.locations![0].physicalLocation!.artifactLocation!.uri === 'suppressed/pooled.json'),
    );
    const shown = (await sarifOf(dir, ['--show-suppressed'])).runs[0].results!;
    const s = shown.filter((r) => r.suppressions);
    assert.equal(s.length, 1);
    assert.equal(s[0].ruleId, 'pooled-host-local-admin');
    assert.deepEqual(s[0].suppressions, [{ kind: 'inSource', status: 'accepted', justification: 'helpdesk group, reviewed' }]);
  });

  it('reports configuration problems as configuration notifications with their place, unread files as execution notifications', async () => {
    const dir = examplesTree({ 'broken.bicep': Buffer.from([0x00, 0x01]), '.avdsec.json': '{\n  "rules": { "no-such-rule": "error" }\n}\n' });
    const inv = (await sarifOf(dir)).runs[0].invocations![0];
    assert.deepEqual(inv.toolConfigurationNotifications, [
      {
        level: 'error',
        message: { text: 'Unknown rule id "no-such-rule" in the configuration' },
        locations: [{ physicalLocation: { artifactLocation: { uri: '.avdsec.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 14 } } }],
      },
    ]);
    assert.deepEqual(
      inv.toolExecutionNotifications!.map((n) => n.locations![0].physicalLocation!.artifactLocation!.uri),
      ['broken.bicep'],
    );
  });
});
