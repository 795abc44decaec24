import Ajv from 'ajv';
import { parse as parseJsonc } from 'jsonc-parser';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { starterConfig } from '../server/src/cli/init';
import { mergeLayers, parseConfig, parseConfigLayer } from '../server/src/engine/config';
import { RULE_IDS, RULES, ruleById } from '../server/src/engine/rules/index';
import { ConfigResolver, loadConfigFile } from '../server/src/host/config-files';

const options = (id: string) => Object.keys(ruleById(id)?.options ?? {});

/** The text each problem points at, with its message. */
function pointed(text: string): string[] {
  return parseConfig(text, RULE_IDS, options).problems.map((p) => `${text.slice(p.offset, p.offset + p.length)} | ${p.message}`);
}

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-config-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('.avdsec.json', () => {
  const dirs: string[] = [];
  const temp = (files: Record<string, string>) => {
    const d = tree(files);
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  describe('problems point at the key or value at fault', () => {
    it('unknown rule ids at the key, bad levels at the value', () => {
      const text = `{
  // comment
  "rules": {
    "no-such-rule": "error",
    "host-pool-sso-disabled": "loud",
    "pooled-host-local-admin": { "level": 3, "adminPrincipals": ["x"], "adminPrincipal": [] },
    "mfa-conditional-access-missing": true
  }
}`;
      assert.deepEqual(pointed(text), [
        '"no-such-rule" | Unknown rule id "no-such-rule" in the configuration',
        '"loud" | Rule "host-pool-sso-disabled": level must be one of off, hint, info, warning, error',
        '3 | Rule "pooled-host-local-admin": level must be one of off, hint, info, warning, error',
        '"adminPrincipal" | Rule "pooled-host-local-admin" has no option "adminPrincipal" (its options: adminPrincipals)',
        'true | Rule "mfa-conditional-access-missing": expected a level or an object',
      ]);
      // What is valid still applies.
      assert.deepEqual(parseConfig(text, RULE_IDS, options).config.rules['pooled-host-local-admin'], { options: { adminPrincipals: ['x'] } });
    });

    it('settings with the wrong shape, and unknown settings, at their value or key', () => {
      const text = '{ "rules": [], "exclude": "legacy", "redirectionProfile": "lax", "extends": 3, "maxFileSizeMB": 0, "rulez": {}, "$schema": "x" }';
      assert.deepEqual(pointed(text), [
        '[] | "rules" must be an object of rule ids',
        '"legacy" | "exclude" must be an array of glob patterns',
        '"lax" | "redirectionProfile" must be "strict", "balanced" or "off"',
        '3 | "extends" must be a path to another configuration file, or a list of them',
        '0 | "maxFileSizeMB" must be a number of megabytes above 0 and at most 64',
        '"rulez" | Unknown setting "rulez" in the configuration (expected extends, rules, exclude, redirectionProfile, maxFileSizeMB)',
      ]);
    });

    it('maxFileSizeMB: a number of megabytes, 10 by default, later files winning', () => {
      assert.equal(parseConfig('{}', RULE_IDS).config.maxFileSizeMB, 10);
      assert.equal(parseConfig('{ "maxFileSizeMB": 2.5 }', RULE_IDS).config.maxFileSizeMB, 2.5);
      assert.deepEqual(pointed('{ "maxFileSizeMB": "8MB" }'), ['"8MB" | "maxFileSizeMB" must be a number of megabytes above 0 and at most 64']);
      assert.deepEqual(pointed('{ "maxFileSizeMB": 65 }'), ['65 | "maxFileSizeMB" must be a number of megabytes above 0 and at most 64']);
      assert.equal(mergeLayers([{ rules: {}, extends: [], maxFileSizeMB: 4 }, { rules: {}, extends: [] }]).maxFileSizeMB, 4);
      assert.equal(mergeLayers([{ rules: {}, extends: [], maxFileSizeMB: 4 }, { rules: {}, extends: [], maxFileSizeMB: 1 }]).maxFileSizeMB, 1);
    });

    it('syntax errors where the parser stops, and a non-object at the root', () => {
      const text = '{\n  "rules": { "host-pool-sso-disabled": "error" ,, }\n}';
      const [p] = parseConfig(text, RULE_IDS).problems;
      assert.equal(text.slice(0, p.offset).split('\n').length, 2);
      assert.match(p.message, /in the configuration file$/);
      assert.deepEqual(pointed('[1, 2]'), ['[1, 2] | The configuration must be a JSON object']);
    });

    it('option names are not checked when the caller does not say which exist (the rules test harness)', () => {
      assert.deepEqual(parseConfig('{ "rules": { "host-pool-sso-disabled": { "anything": 1 } } }', RULE_IDS).problems, []);
    });
  });

  describe('layers', () => {
    it('records extends as written, a path or a list', () => {
      const one = parseConfigLayer('{ "extends": "../base.json" }', RULE_IDS).layer.extends;
      assert.deepEqual(one.map((e) => e.path), ['../base.json']);
      const text = '{ "extends": ["a.json", "b.json"] }';
      const many = parseConfigLayer(text, RULE_IDS).layer.extends;
      assert.deepEqual(many.map((e) => text.slice(e.offset, e.offset + e.length)), ['"a.json"', '"b.json"']);
    });

    it('merge in order, later winning; rules merge per rule id, level and options apart', () => {
      const layer = (t: string) => parseConfigLayer(t, RULE_IDS).layer;
      const merged = mergeLayers([
        layer('{ "rules": { "pooled-host-local-admin": { "level": "warning", "adminPrincipals": ["a"] }, "host-pool-sso-disabled": "error" }, "exclude": ["x/**"], "redirectionProfile": "strict" }'),
        layer('{ "rules": { "pooled-host-local-admin": "error", "mfa-conditional-access-missing": { "managedOutsideRepository": true } } }'),
        layer('{ "rules": { "host-pool-sso-disabled": "off" }, "exclude": ["y/**"] }'),
      ]);
      assert.deepEqual(merged.rules, {
        'pooled-host-local-admin': { level: 'error', options: { adminPrincipals: ['a'] } },
        'host-pool-sso-disabled': { level: 'off', options: {} },
        'mfa-conditional-access-missing': { options: { managedOutsideRepository: true } },
      });
      assert.deepEqual(merged.exclude, ['y/**']);
      assert.equal(merged.redirectionProfile, 'strict');
    });
  });

  describe('files and extends', () => {
    it('reads the files it extends, relative to itself, later winning and itself last', () => {
      const dir = temp({
        'org/base.json': '{ "rules": { "host-pool-sso-disabled": "error", "pooled-host-local-admin": { "adminPrincipals": ["helpdesk"] } }, "redirectionProfile": "strict" }',
        'org/relaxed.json': '{ "rules": { "host-pool-sso-disabled": "info" } }',
        'repo/.avdsec.json': '{ "extends": ["../org/base.json", "../org/relaxed.json"], "rules": { "pooled-host-local-admin": "warning" } }',
      });
      const c = loadConfigFile(path.join(dir, 'repo/.avdsec.json'));
      assert.deepEqual(c.problems, []);
      assert.equal(c.config.rules['host-pool-sso-disabled'].level, 'info');
      assert.deepEqual(c.config.rules['pooled-host-local-admin'], { level: 'warning', options: { adminPrincipals: ['helpdesk'] } });
      assert.equal(c.config.redirectionProfile, 'strict');
      assert.deepEqual(c.sources!.map((f) => path.relative(dir, f)).sort(), ['org/base.json', 'org/relaxed.json', path.join('repo', '.avdsec.json')].sort());
    });

    it('follows extends through several files, and a file extended twice is no cycle', () => {
      const dir = temp({
        'd.json': '{ "rules": { "host-pool-sso-disabled": "error" } }',
        'b.json': '{ "extends": "d.json" }',
        'c.json': '{ "extends": "./d.json", "redirectionProfile": "off" }',
        'a.json': '{ "extends": ["b.json", "c.json"] }',
      });
      const c = loadConfigFile(path.join(dir, 'a.json'));
      assert.deepEqual(c.problems, []);
      assert.equal(c.config.rules['host-pool-sso-disabled'].level, 'error');
      assert.equal(c.config.redirectionProfile, 'off');
    });

    it('reports a cycle at the extends entry that closes it, and does not loop', () => {
      const dir = temp({
        'a.json': '{\n  "extends": "b.json",\n  "rules": { "host-pool-sso-disabled": "error" }\n}',
        'b.json': '{\n  "extends": ["a.json"],\n  "redirectionProfile": "strict"\n}',
        'self.json': '{ "extends": "self.json" }',
      });
      const c = loadConfigFile(path.join(dir, 'a.json'));
      assert.deepEqual(
        c.problems.map((p) => ({ ...p, file: path.basename(p.file) })),
        [{ file: 'b.json', line: 2, column: 15, message: '"extends" makes a cycle (a.json -> b.json -> a.json); "a.json" is not read again' }],
      );
      assert.equal(c.config.rules['host-pool-sso-disabled'].level, 'error');
      assert.equal(c.config.redirectionProfile, 'strict');
      assert.equal(loadConfigFile(path.join(dir, 'self.json')).problems.length, 1);
    });

    it('reports a missing file in extends at its entry, and problems of an extended file in that file', () => {
      const dir = temp({
        'base.json': '{\n  "rules": {\n    "nope": "error"\n  }\n}',
        '.avdsec.json': '{ "extends": ["base.json", "missing.json"] }',
      });
      const c = loadConfigFile(path.join(dir, '.avdsec.json'));
      assert.deepEqual(
        c.problems.map((p) => `${path.basename(p.file)}:${p.line}:${p.column}: ${p.message}`),
        ['base.json:3:5: Unknown rule id "nope" in the configuration', '.avdsec.json:1:28: "extends": cannot read "missing.json": no such file'],
      );
    });

    it('takes exclude patterns relative to the file that wrote them', () => {
      const dir = temp({
        'shared/base.json': '{ "exclude": ["legacy/**"] }',
        'repo/.avdsec.json': '{ "extends": "../shared/base.json" }',
        'other/.avdsec.json': '{ "extends": "../shared/base.json", "exclude": ["old/**"] }',
      });
      const repo = loadConfigFile(path.join(dir, 'repo/.avdsec.json'));
      assert.ok(repo.isExcluded(path.join(dir, 'shared/legacy/a.bicep')));
      assert.ok(!repo.isExcluded(path.join(dir, 'repo/legacy/a.bicep')));
      const other = loadConfigFile(path.join(dir, 'other/.avdsec.json'));
      assert.ok(other.isExcluded(path.join(dir, 'other/old/a.bicep')));
      assert.ok(!other.isExcluded(path.join(dir, 'shared/legacy/a.bicep')), 'a later exclude replaces the earlier one');
    });

    it('lists each problem once when several configurations extend the same file', () => {
      const dir = temp({
        'base.json': '{ "rules": { "nope": "error" } }',
        'a/.avdsec.json': '{ "extends": "../base.json" }',
        'b/.avdsec.json': '{ "extends": "../base.json" }',
      });
      const resolver = new ConfigResolver();
      resolver.forFile(path.join(dir, 'a/main.bicep'));
      resolver.forFile(path.join(dir, 'b/main.bicep'));
      assert.equal(resolver.problems().length, 1);
    });
  });

  describe('the starter file of avdsec init', () => {
    it('parses with no problems and changes nothing', () => {
      const { config, problems } = parseConfig(starterConfig(), RULE_IDS, options);
      assert.deepEqual(problems, []);
      assert.deepEqual(config, parseConfig('{}', RULE_IDS).config);
    });

    it('lists every rule at its default level, with its options; uncommented it still parses', () => {
      const text = starterConfig();
      for (const r of RULES) {
        assert.ok(text.includes(`// "${r.id}": "${r.level}",`), r.id);
        for (const o of Object.keys(r.options ?? {})) assert.ok(text.includes(`Option "${o}"`), `${r.id} option ${o}`);
      }
      const uncommented = text.replace(/^(\s*)\/\/ ("[^"]+": .*,)$/gm, '$1$2');
      const { config, problems } = parseConfig(uncommented, RULE_IDS, options);
      assert.deepEqual(problems, []);
      for (const r of RULES) assert.equal(config.rules[r.id]?.level, r.level, r.id);
      assert.deepEqual(config.exclude, ['legacy/**']);
      assert.equal(config.redirectionProfile, 'balanced');
    });

    it('keeps CRLF when asked', () => {
      assert.ok(!starterConfig('\r\n').replace(/\r\n/g, '').includes('\n'));
      assert.deepEqual(parseConfig(starterConfig('\r\n'), RULE_IDS, options).problems, []);
    });
  });
});

describe('the .avdsec.json schema (schemas/avdsec.schema.json)', () => {
  it('accepts the starter file of avdsec init, commented and uncommented, and extends', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'schemas', 'avdsec.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const text = starterConfig();
    for (const t of [text, text.replace(/^(\s*)\/\/ ("[^"]+": .*,)$/gm, '$1$2'), '{ "extends": "../base.json" }', '{ "extends": ["a.json", "b.json"] }']) {
      assert.ok(validate(parseJsonc(t, [], { allowTrailingComma: true })), JSON.stringify(validate.errors));
    }
    assert.ok(!validate({ extends: 3 }));
  });
});
