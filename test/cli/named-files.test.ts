// `avdsec scan FILE...` (what a pre-commit hook runs): the files named are checked with their repository as context,
// and only they are reported on.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../../server/src/cli/report';
import { FIXTURES } from '../harness/engine';
import { avdsec, tempTree } from './run';

const RULES = path.join(FIXTURES, 'rules');

/** The files of a rule fixture case (without the `.fixed` files), under `prefix`. */
function caseFiles(rel: string, prefix: string): Record<string, string> {
  const dir = path.join(RULES, rel);
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.fixed\./.test(e.name)) out[path.join(prefix, path.relative(dir, p))] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const scanJson = async (cwd: string, ...paths: string[]) => {
  const r = await avdsec(['scan', ...paths, '--format', 'json', '--fail-on', 'never'], cwd);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
};
const lines = (r: Report, file?: string) =>
  r.findings.filter((f) => !file || f.file === file).map((f) => `${f.file}:${f.range.start.line}: ${f.ruleId}: ${f.message}`);

/** Elsewhere in the repository: a file with findings of its own and a file with a syntax error, neither named. */
const ELSEWHERE = {
  'other/main.bicep': fs.readFileSync(path.join(RULES, 'rdp-drive-redirection', 'bicep-pooled', 'main.bicep'), 'utf8'),
  'other/broken.bicep': "resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: 'x'\n  properties: {\n",
};

describe('CLI: scan FILE... checks the named files with their repository as context', function () {
  this.timeout(120_000);

  // [fixture case, the file named]: each needs another file of its deployment to be judged right.
  const cases: [string, string, string][] = [
    ['a Terraform variables file needs its configuration', 'rdp-drive-redirection/tf-tfvars', 'terraform.tfvars'],
    ['an ARM parameters file needs its template', 'rdp-drive-redirection/arm-parameters-file', 'azuredeploy.parameters.json'],
    ['a .bicepparam file needs the template it uses', 'rdp-drive-redirection/bicep-param-files', 'prod.bicepparam'],
    ['a Bicep module needs its callers', 'pooled-host-local-admin/bicep-module-outputs', 'rbac.bicep'],
    ['an ARM linked template needs its caller', 'registration-token-exposed/arm-settings-from-module', 'extension.json'],
    ['a Terraform module needs its caller', 'registration-token-exposed/tf-module-settings', 'extension/main.tf'],
    ['a Bicep template needs the module that sets its diagnostics', 'host-pool-diagnostics-missing/bicep-setting-in-module', 'main.bicep'],
    ['an ARM template needs the linked template that sets its diagnostics', 'host-pool-diagnostics-missing/arm-setting-in-module', 'azuredeploy.json'],
    ['a Terraform configuration needs the module that sets its diagnostics', 'host-pool-diagnostics-missing/tf-setting-in-module', 'main.tf'],
  ];
  for (const [title, rel, named] of cases) {
    it(`${title} (${rel}: ${named})`, async () => {
      const repo = tempTree({ '.git/HEAD': 'ref: refs/heads/main\n', ...caseFiles(rel, 'infra/avd'), ...ELSEWHERE });
      const file = `infra/avd/${named}`;
      const whole = await scanJson(repo, 'infra/avd');
      // Run from the named file's folder too: the context is the repository, wherever the scan starts.
      const one = await scanJson(repo, file);
      assert.deepEqual(lines(one), lines(whole, file));
      assert.equal(one.summary.files, 1);
      assert.deepEqual(one.errors, [], 'the syntax error of a file not named is not reported');
      const fromInside = await scanJson(path.join(repo, path.dirname(file)), path.basename(named));
      assert.deepEqual(
        lines(fromInside).map((l) => l.replace(/^[^:]*/, '')),
        lines(whole, file).map((l) => l.replace(/^[^:]*/, '')),
      );
      // Alone, the file is judged differently: the context is what makes the result right.
      const alone = await scanJson(tempTree({ [path.basename(named)]: fs.readFileSync(path.join(repo, file), 'utf8') }), '.');
      assert.notDeepEqual(
        lines(alone).map((l) => l.replace(/^[^:]*/, '')),
        lines(one).map((l) => l.replace(/^[^:]*/, '')),
      );
    });
  }

  it('reports a named file and a named folder together, and nothing of the rest of the repository', async () => {
    const repo = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      ...caseFiles('rdp-drive-redirection/tf-tfvars', 'tf'),
      ...ELSEWHERE,
      'pool/main.bicep': ELSEWHERE['other/main.bicep'],
    });
    const r = await scanJson(repo, 'tf/terraform.tfvars', 'pool');
    assert.deepEqual([...new Set(r.findings.map((f) => f.file))].sort(), ['pool/main.bicep', 'tf/terraform.tfvars']);
    assert.equal(r.summary.files, 2);
  });

  it('without a repository, takes the current folder as context when the file is inside it', async () => {
    const dir = tempTree(caseFiles('registration-token-exposed/bicep-module-parameter', 'avd'));
    const whole = await scanJson(dir, '.');
    const one = await scanJson(dir, 'avd/hosts.bicep');
    assert.ok(lines(one).length > 0);
    assert.deepEqual(lines(one), lines(whole, 'avd/hosts.bicep'));
  });

  it("never takes the home folder whole as a named file's context, not even as a repository: only the file's own folder", async () => {
    // The caller in the home folder links to the module in a folder below it.
    const files = caseFiles('registration-token-exposed/arm-settings-from-module', '');
    const home = tempTree({
      'main.json': files['main.json'].replace('"relativePath": "extension.json"', '"relativePath": "avd/extension.json"'),
      'avd/extension.json': files['extension.json'],
      // A home folder kept in git (dotfiles) is no repository either.
      '.git/HEAD': 'ref: refs/heads/main\n',
    });
    const saved = process.env.HOME;
    process.env.HOME = fs.realpathSync(home);
    try {
      const whole = await scanJson(home, '.');
      assert.ok(lines(whole, 'avd/extension.json').length > 0, 'the caller makes the module report');
      // From the home folder, the module alone: its caller is not read, so it is judged as it is on its own.
      const named = await scanJson(home, 'avd/extension.json');
      const alone = await scanJson(tempTree({ 'extension.json': files['extension.json'] }), '.');
      assert.deepEqual(
        lines(named).map((l) => l.replace(/^[^:]*/, '')),
        lines(alone).map((l) => l.replace(/^[^:]*/, '')),
      );
      assert.notDeepEqual(lines(named), lines(whole, 'avd/extension.json'));
    } finally {
      if (saved === undefined) delete process.env.HOME;
      else process.env.HOME = saved;
    }
  });

  it('says so in its help', async () => {
    const r = await avdsec(['scan', '--help']);
    assert.match(
      r.stdout.replace(/\s+/g, ' '),
      /A file named here is checked with the rest of its repository as context .* findings are reported only in the files and folders given/,
    );
  });
});
