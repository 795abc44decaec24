import Ajv from 'ajv';
import { parse as parseJsonc } from 'jsonc-parser';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { starterConfig } from '../server/src/cli/init';
import { excludePatternProblem, mergeLayers, parseConfig, parseConfigLayer } from '../server/src/engine/config';
import { RULE_IDS, RULES, ruleById } from '../server/src/engine/registry';
import { ConfigResolver, ConfigRoots, loadConfigFile } from '../server/src/host/config-files';

const options = (id: string) => ruleById(id)?.options;

/** The text each problem points at, with its message. */
function pointed(text: string): string[] {
  return parseConfig(text, RULE_IDS, options).problems.map((p) => `${text.slice(p.offset, p.offset + p.length)} | ${p.message}`);
}

/** A configuration file of a temporary tree, loaded with the tree as the workspace. */
const load = (dir: string, rel: string) => loadConfigFile(path.join(dir, rel), new ConfigRoots([dir]));

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
        '"rulez" | Unknown setting "rulez" in the configuration (expected extends, rules, exclude, parameterFiles, redirectionProfile, maxFileSizeMB, compiledTemplates)',
      ]);
    });

    it('maxFileSizeMB: a number of megabytes, 10 by default, later files winning', () => {
      assert.equal(parseConfig('{}', RULE_IDS).config.maxFileSizeMB, 10);
      assert.equal(parseConfig('{ "maxFileSizeMB": 2.5 }', RULE_IDS).config.maxFileSizeMB, 2.5);
      assert.deepEqual(pointed('{ "maxFileSizeMB": "8MB" }'), ['"8MB" | "maxFileSizeMB" must be a number of megabytes above 0 and at most 64']);
      assert.deepEqual(pointed('{ "maxFileSizeMB": 65 }'), ['65 | "maxFileSizeMB" must be a number of megabytes above 0 and at most 64']);
      assert.equal(
        mergeLayers([
          { rules: {}, extends: [], maxFileSizeMB: 4 },
          { rules: {}, extends: [] },
        ]).maxFileSizeMB,
        4,
      );
      assert.equal(
        mergeLayers([
          { rules: {}, extends: [], maxFileSizeMB: 4 },
          { rules: {}, extends: [], maxFileSizeMB: 1 },
        ]).maxFileSizeMB,
        1,
      );
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
      assert.deepEqual(
        one.map((e) => e.path),
        ['../base.json'],
      );
      const text = '{ "extends": ["a.json", "b.json"] }';
      const many = parseConfigLayer(text, RULE_IDS).layer.extends;
      assert.deepEqual(
        many.map((e) => text.slice(e.offset, e.offset + e.length)),
        ['"a.json"', '"b.json"'],
      );
    });

    it('merge in order, later winning; rules merge per rule id, level and options apart', () => {
      const layer = (t: string) => parseConfigLayer(t, RULE_IDS).layer;
      const merged = mergeLayers([
        layer(
          '{ "rules": { "pooled-host-local-admin": { "level": "warning", "adminPrincipals": ["a"] }, "host-pool-sso-disabled": "error" }, "exclude": ["x/**"], "redirectionProfile": "strict" }',
        ),
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
        'org/base.json':
          '{ "rules": { "host-pool-sso-disabled": "error", "pooled-host-local-admin": { "adminPrincipals": ["helpdesk"] } }, "redirectionProfile": "strict" }',
        'org/relaxed.json': '{ "rules": { "host-pool-sso-disabled": "info" } }',
        'repo/.avdsec.json': '{ "extends": ["../org/base.json", "../org/relaxed.json"], "rules": { "pooled-host-local-admin": "warning" } }',
      });
      const c = load(dir, 'repo/.avdsec.json');
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
      const c = load(dir, 'a.json');
      assert.deepEqual(c.problems, []);
      assert.equal(c.config.rules['host-pool-sso-disabled'].level, 'error');
      assert.equal(c.config.redirectionProfile, 'off');
      assert.deepEqual(
        c.sources!.map((f) => path.basename(f)),
        ['a.json', 'b.json', 'd.json', 'c.json'],
      );
    });

    it('reports a cycle at the extends entry that closes it, and does not loop', () => {
      const dir = temp({
        'a.json': '{\n  "extends": "b.json",\n  "rules": { "host-pool-sso-disabled": "error" }\n}',
        'b.json': '{\n  "extends": ["a.json"],\n  "redirectionProfile": "strict"\n}',
        'self.json': '{ "extends": "self.json" }',
      });
      const c = load(dir, 'a.json');
      assert.deepEqual(
        c.problems.map((p) => ({ ...p, file: path.basename(p.file) })),
        [{ file: 'b.json', line: 2, column: 15, message: '"extends" makes a cycle (a.json -> b.json -> a.json); "a.json" is not read again' }],
      );
      assert.equal(c.config.rules['host-pool-sso-disabled'].level, 'error');
      assert.equal(c.config.redirectionProfile, 'strict');
      assert.equal(load(dir, 'self.json').problems.length, 1);
    });

    it('reports a missing file in extends at its entry, and problems of an extended file in that file', () => {
      const dir = temp({
        'base.json': '{\n  "rules": {\n    "nope": "error"\n  }\n}',
        '.avdsec.json': '{ "extends": ["base.json", "missing.json"] }',
      });
      const c = load(dir, '.avdsec.json');
      assert.deepEqual(
        c.problems.map((p) => `${path.basename(p.file)}:${p.line}:${p.column}: ${p.message}`),
        ['base.json:3:5: Unknown rule id "nope" in the configuration', '.avdsec.json:1:28: "extends": cannot read "missing.json": no such file'],
      );
    });

    it('takes exclude patterns relative to the file that wrote them', () => {
      const dir = temp({
        'common/base.json': '{ "exclude": ["legacy/**"] }',
        'repo/.avdsec.json': '{ "extends": "../common/base.json" }',
        'other/.avdsec.json': '{ "extends": "../common/base.json", "exclude": ["old/**"] }',
      });
      const repo = load(dir, 'repo/.avdsec.json');
      assert.ok(repo.isExcluded(path.join(dir, 'common/legacy/a.bicep')));
      assert.ok(!repo.isExcluded(path.join(dir, 'repo/legacy/a.bicep')));
      const other = load(dir, 'other/.avdsec.json');
      assert.ok(other.isExcluded(path.join(dir, 'other/old/a.bicep')));
      assert.ok(!other.isExcluded(path.join(dir, 'common/legacy/a.bicep')), 'a later exclude replaces the earlier one');
    });

    it('lists each problem once when several configurations extend the same file', () => {
      const dir = temp({
        'base.json': '{ "rules": { "nope": "error" } }',
        'a/.avdsec.json': '{ "extends": "../base.json" }',
        'b/.avdsec.json': '{ "extends": "../base.json" }',
      });
      const resolver = new ConfigResolver(new ConfigRoots([dir]));
      resolver.forFile(path.join(dir, 'a/main.bicep'));
      resolver.forFile(path.join(dir, 'b/main.bicep'));
      assert.equal(resolver.problems().length, 1);
    });
  });

  describe('exclude patterns', () => {
    const WORST = {
      nestedExtglob: '+(a|aa)+(a|aa)',
      starExtglob: '*(a|aa)*(a|aa)c',
      manyStars: '*a*a*a*a*a*a*a*a*b',
      manyBraces: `${'{a,aa}'.repeat(30)}b`,
    };

    it('reports empty, misshapen and too complex patterns at their item; the other patterns still apply', () => {
      const text = JSON.stringify({ exclude: ['', 3, 'legacy/**', WORST.nestedExtglob, WORST.manyStars, WORST.manyBraces, 'x'.repeat(300)] });
      assert.deepEqual(pointed(text), [
        '"" | "exclude" pattern is empty',
        '3 | "exclude" must be an array of glob patterns',
        `"${WORST.nestedExtglob}" | "exclude" pattern uses an extended glob such as +(…) or !(…), which avdsec does not support: use braces, {a,b}`,
        `"${WORST.manyStars}" | "exclude" pattern is too complex: more than 3 wildcards (* or **)`,
        `"${WORST.manyBraces}" | "exclude" pattern is too complex: more than 64 alternatives from braces or parentheses`,
        `"${'x'.repeat(300)}" | "exclude" pattern is too complex: longer than 256 characters`,
      ]);
      assert.deepEqual(parseConfig(text, RULE_IDS).config.exclude, ['legacy/**']);
    });

    it('says why a pattern is too complex; ordinary patterns pass', () => {
      for (const p of [
        'legacy/**',
        '**/*.test.bicep',
        '{a,b}/**',
        '**/legacy/**/*.bicep',
        'modules/*-old-*.bicep',
        '**/*.{bicep,bicepparam,tf,tfvars}',
        '\\*\\*\\*\\*',
        '(old|legacy)/**',
      ]) {
        assert.equal(excludePatternProblem(p), undefined, p);
      }
      const why: Record<string, string> = {
        [WORST.starExtglob]: 'uses an extended glob',
        '!(keep)/**': 'uses an extended glob',
        '*a*a*b': 'is too complex: more than 2 wildcards (*) in one path segment',
        '**/a/**/a/**/b': 'is too complex: more than 2 ** (any number of folders)',
        '**/*a/*b/*': 'is too complex: more than 3 wildcards (* or **)',
        '{**/a,b}/**': 'is too complex: ** must be a whole path segment (a/**/b), outside braces',
        'a**/b': 'is too complex: ** must be a whole path segment',
        // A star right after an escaped one is a wildcard of its own.
        '\\**\\**\\**\\**': 'is too complex: more than 3 wildcards (* or **)',
        '{a,b,c,d}{a,b,c,d}{a,b,c,d,e}': 'is too complex: more than 64 alternatives',
        '{a,{b,{c,d}}}{e,f}{g,h}{i,j}{k,l}{m,n}': 'is too complex: more than 64 alternatives',
      };
      for (const [p, reason] of Object.entries(why)) assert.ok(excludePatternProblem(p)?.startsWith(reason), `${p}: ${excludePatternProblem(p)}`);
      assert.equal(excludePatternProblem('{a,{b,{c,d}}}{e,f}{g,h}{i,j}'), undefined, '4 x 2 x 2 x 2 = 32 alternatives');
    });

    it('refuses a catastrophic pattern quickly, and ordinary ones still match, relative to the file, on paths of 4,096 characters', () => {
      const dir = temp({ '.avdsec.json': JSON.stringify({ exclude: [...Object.values(WORST), 'legacy/**', '**/*.test.bicep', '{a,b}/**', '[z-a]'] }) });
      const started = Date.now();
      const c = load(dir, '.avdsec.json');
      // Without the bounds each of these paths takes picomatch's regular expressions from 0.3 s to minutes.
      for (const p of ['a'.repeat(48), `${'a'.repeat(30)}/`.repeat(2) + 'a', 'a'.repeat(32)]) assert.equal(c.isExcluded(path.join(dir, p)), false);
      assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
      for (const p of [`${'a'.repeat(254)}b/`.repeat(16), 'x/'.repeat(2047) + 'c', 'a'.repeat(4096)]) assert.equal(c.isExcluded(path.join(dir, p)), false);
      assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
      assert.ok(c.isExcluded(path.join(dir, 'legacy', 'old.bicep')));
      assert.ok(c.isExcluded(path.join(dir, ...'x/y'.split('/'), 'main.test.bicep')));
      assert.ok(c.isExcluded(path.join(dir, 'b', 'main.tf')));
      assert.ok(c.isExcluded(path.join(dir, `${'a'.repeat(254)}/`.repeat(15), 'main.test.bicep')));
      assert.ok(!c.isExcluded(path.join(dir, 'c', 'main.bicep')));
      assert.deepEqual(
        c.problems.map((p) => `${p.line}:${p.column} ${p.message.replace(/:.*/, '')}`),
        [
          '1:13 "exclude" pattern uses an extended glob such as +(…) or !(…), which avdsec does not support',
          '1:30 "exclude" pattern uses an extended glob such as +(…) or !(…), which avdsec does not support',
          '1:48 "exclude" pattern is too complex',
          '1:69 "exclude" pattern is too complex',
          `1:${JSON.stringify({ exclude: [...Object.values(WORST), 'legacy/**', '**/*.test.bicep', '{a,b}/**'] }).length} "exclude" pattern is not a valid glob`,
        ],
      );
      assert.match(c.problems[4].message, /Range out of order in character class$/);
    });
  });

  describe('extends reads only avdsec configurations inside the workspace', () => {
    /** The one problem loading `.avdsec.json` with this `extends` gives, after checking that nothing of the file it names shows. */
    function refusal(dir: string, target: string, leaks: string[] = []): string {
      fs.writeFileSync(path.join(dir, '.avdsec.json'), JSON.stringify({ extends: target, rules: { 'host-pool-sso-disabled': 'error' } }));
      const started = Date.now();
      const c = load(dir, '.avdsec.json');
      assert.ok(Date.now() - started < 2000, `${target}: ${Date.now() - started} ms`);
      for (const leak of leaks) assert.ok(!JSON.stringify(c.problems).includes(leak), `${target}: ${JSON.stringify(c.problems)}`);
      assert.equal(c.config.rules['host-pool-sso-disabled'].level, 'error', 'the file itself still applies');
      assert.deepEqual(c.sources, [path.join(dir, '.avdsec.json')]);
      assert.equal(c.problems.length, 1, JSON.stringify(c.problems));
      assert.equal(c.problems[0].line, 1);
      assert.equal(c.problems[0].column, 12);
      return c.problems[0].message;
    }

    it('refuses files outside the workspace, also through a symlink, without telling whether they exist', () => {
      const dir = temp({});
      const outside = temp({ 'base.json': '{ "rules": { "secretRuleName": "off" } }' });
      fs.symlinkSync(path.join(outside, 'base.json'), path.join(dir, 'link.json'));
      assert.equal(refusal(dir, '/etc/passwd', ['root:']), '"extends": cannot read "/etc/passwd": outside the workspace');
      assert.equal(refusal(dir, '/etc/no-such-file'), '"extends": cannot read "/etc/no-such-file": outside the workspace');
      assert.equal(
        refusal(dir, path.join(outside, 'base.json'), ['secretRuleName']),
        `"extends": cannot read "${path.join(outside, 'base.json')}": outside the workspace`,
      );
      assert.equal(
        refusal(dir, `../${path.basename(outside)}/base.json`, ['secretRuleName']),
        `"extends": cannot read "../${path.basename(outside)}/base.json": outside the workspace`,
      );
      assert.equal(refusal(dir, 'link.json', ['secretRuleName']), '"extends": cannot read "link.json": outside the workspace');
      assert.equal(refusal(dir, 'missing.json'), '"extends": cannot read "missing.json": no such file');
    });

    it('refuses FIFOs, devices, folders and files over 1 MB without blocking on them or reading them whole', () => {
      const dir = temp({ 'big.json': `{ "rules": {} ${' '.repeat(1024 * 1024)}}` });
      execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
      fs.mkdirSync(path.join(dir, 'folder.json'));
      assert.equal(refusal(dir, 'fifo.json'), '"extends": cannot read "fifo.json": not a regular file (FIFO)');
      assert.equal(refusal(dir, 'folder.json'), '"extends": cannot read "folder.json": not a regular file (folder)');
      assert.equal(refusal(dir, 'big.json'), '"extends": cannot read "big.json": over the 1 MB limit');
      assert.equal(refusal(dir, '/dev/zero'), '"extends": cannot read "/dev/zero": outside the workspace');
      // A device inside the workspace (here the workspace is /dev itself).
      const c = loadConfigFile(path.join(dir, '.avdsec.json'), new ConfigRoots([dir, '/dev']));
      assert.deepEqual(
        c.problems.map((p) => p.message),
        ['"extends": cannot read "/dev/zero": not a regular file (character device)'],
      );
    });

    it('reports a file that is no avdsec configuration at the entry, and nothing of its content', () => {
      const dir = temp({
        'package.json': '{ "name": "app", "secretToken": "hunter2", "rules": {} }',
        'broken.json': '{ "rules": { "hunter2": ',
        'list.json': '["hunter2"]',
        'env.json': 'API_KEY=hunter2\n',
      });
      for (const f of ['package.json', 'broken.json', 'list.json', 'env.json']) {
        assert.equal(refusal(dir, f, ['hunter2', 'secretToken', 'name']), `"extends": "${f}" is not an avdsec configuration file`);
      }
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
