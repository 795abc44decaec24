import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CATALOG, catalogEntry } from '../server/src/engine/rule-catalog';
import { RULES } from '../server/src/engine/registry';
import { SETTINGS_SCHEMA } from '../server/src/protocol/settings';
import { FIXTURES, listFiles, ROOT } from './harness/engine';

const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');

describe('project conventions', () => {
  it('every rule is in the catalog at its default level, and has its rule file and doc', () => {
    for (const r of RULES) {
      assert.equal(catalogEntry(r.id)?.level, r.level, `${r.id} (${r.level}) is not in the catalog with that level`);
      assert.ok(fs.existsSync(path.join(ROOT, 'server/src/engine/rules', `${r.id}.md`)), `${r.id}.md is missing`);
      assert.ok(fs.existsSync(path.join(ROOT, 'server/src/engine/rules', `${r.id}.ts`)), `${r.id}.ts is missing`);
    }
  });

  it('every rule file is registered, exactly once', () => {
    const files = fs
      .readdirSync(path.join(ROOT, 'server/src/engine/rules'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.slice(0, -3))
      .sort();
    assert.deepEqual(RULES.map((r) => r.id).sort(), files);
    assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length);
  });

  it('the catalog numbers and ids are unique and kebab-case', () => {
    assert.equal(new Set(CATALOG.map((e) => e.catalog)).size, CATALOG.length);
    assert.equal(new Set(CATALOG.map((e) => e.id)).size, CATALOG.length);
    for (const e of CATALOG) assert.match(e.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  it('every rule doc has the fixed headings and links to Microsoft', () => {
    for (const r of RULES) {
      for (const h of ['## Why', '## How to fix', '## Bad and good', '## References']) assert.ok(r.docs.includes(h), `${r.id}.md lacks "${h}"`);
      assert.match(r.docs, /https:\/\/learn\.microsoft\.com\//, `${r.id}.md links no Microsoft page`);
      for (const lang of ['bicep', 'json', 'hcl']) assert.ok(r.docs.includes('```' + lang), `${r.id}.md has no ${lang} example`);
    }
  });

  it('every rule has fixtures in Bicep, ARM JSON and Terraform', () => {
    for (const r of RULES) {
      const files = listFiles(path.join(FIXTURES, 'rules', r.id));
      for (const ext of ['.bicep', '.json', '.tf']) {
        assert.ok(
          files.some((f) => f.endsWith(ext) && !f.includes('.fixed.') && !f.endsWith('.avdsec.json')),
          `${r.id} has no ${ext} fixture`,
        );
      }
    }
  });

  it('rule titles, messages style: titles are sentences without a final period', () => {
    for (const r of RULES) {
      assert.match(r.title, /^[A-Z]/);
      assert.doesNotMatch(r.title, /\.$/);
      assert.match(r.summary, /\.$/);
    }
  });

  it('package.json contributes exactly the settings of protocol/settings.ts', () => {
    const pkg = JSON.parse(read('package.json'));
    assert.deepEqual(pkg.contributes.configuration.properties, SETTINGS_SCHEMA);
  });

  it('the .avdsec.json schema knows every rule and its options', () => {
    const schema = JSON.parse(read('schemas/avdsec.schema.json'));
    const rules = schema.properties.rules.properties;
    assert.deepEqual(Object.keys(rules).sort(), RULES.map((r) => r.id).sort());
    for (const r of RULES) {
      const objectForm = rules[r.id].anyOf[1].properties;
      assert.deepEqual(Object.keys(objectForm).sort(), ['level', ...Object.keys(r.options ?? {})].sort(), `${r.id} options`);
    }
  });

  it('the grammars are the pinned npm packages, byte for byte', () => {
    const manifest = JSON.parse(read('grammars/grammars.json'));
    const pkg = JSON.parse(read('package.json'));
    for (const g of manifest.files) {
      assert.equal(pkg.devDependencies[g.package] ?? pkg.dependencies?.[g.package], g.version, `${g.package} is pinned to ${g.version} in package.json`);
      const installed = JSON.parse(read(`node_modules/${g.package}/package.json`));
      assert.equal(installed.version, g.version);
      const bytes = fs.readFileSync(path.join(ROOT, 'grammars', g.file));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), g.sha256, `grammars/${g.file}`);
    }
  });

  it('every dependency is pinned to an exact version', () => {
    const pkg = JSON.parse(read('package.json'));
    for (const [name, v] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) assert.match(String(v), /^\d+\.\d+\.\d+$/, `${name}@${v}`);
  });
});
