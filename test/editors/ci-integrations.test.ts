import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Sarif from 'sarif';
import { parse as parseYaml } from 'yaml';
import { EXAMPLES } from './cases';
import { missingPrerequisite, which } from './support/prereqs';
import { ROOT } from './support/vsix';

/**
 * The GitHub Action (action.yml), the Azure Pipelines template (templates/azure-pipelines/avdsec.yml) and the pre-commit
 * hook (.pre-commit-hooks.yaml), each run as its host runs it: the scripts are their files' own text, run with bash in a
 * workspace holding a copy of examples/, with the inputs passed the way the host passes them. And the packed package
 * they install: it installs without a warning, and npx runs it.
 */

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TARBALL = `avdsec-${VERSION}.tgz`;
const RULE = 'pooled-host-local-admin';

/** This process's environment without what `npm run` adds (npm_config_*, npm_package_*…): a runner has none of it. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|GITHUB_|RUNNER_|AGENT_|BUILD_|SYSTEM_)/i.test(k)));
  return { ...env, NO_COLOR: '1', npm_config_update_notifier: 'false', ...extra };
}

function run(cmd: string, args: string[], cwd: string, env = cleanEnv(), timeout = 180_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The files a clone of this repository would hold now: tracked and new ones, nothing ignored (no node_modules, no dist). */
function copySources(dest: string): void {
  const files = ok(run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT), 'git ls-files').split('\0');
  for (const f of files.filter(Boolean)) {
    const from = path.join(ROOT, f);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    fs.cpSync(from, path.join(dest, f), { verbatimSymlinks: true });
  }
}

/** A temporary folder, removed after the run. */
const temps: string[] = [];
function temp(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `avdsec-ci-${name}-`));
  temps.push(dir);
  return dir;
}

/** A workspace as a CI job checks it out: a copy of examples/ (and the packed avdsec beside it, as a downloaded release asset). */
function workspace(tarball?: string): string {
  const dir = temp('workspace');
  fs.cpSync(EXAMPLES, path.join(dir, 'examples'), { recursive: true });
  if (tarball) fs.copyFileSync(tarball, path.join(dir, TARBALL));
  return dir;
}

/** A configuration that turns the error-level rule of the examples off: a scan that honours it finds nothing at error. */
function writeConfig(dir: string, rel: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), JSON.stringify({ rules: { [RULE]: 'off' } }));
}

let validateSarif: ((log: unknown) => boolean) & { errors?: unknown };
function readSarif(file: string): Sarif.Log {
  if (!validateSarif) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validateSarif = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'vendor', 'sarif-schema-2.1.0.json'), 'utf8')));
  }
  const log = JSON.parse(fs.readFileSync(file, 'utf8')) as Sarif.Log;
  assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors));
  return log;
}

/** The files of the SARIF results of a rule, as code scanning shows them (relative to the checkout). */
function resultFiles(log: Sarif.Log, ruleId = RULE): string[] {
  return log.runs[0].results!.filter((r) => r.ruleId === ruleId).map((r) => r.locations![0].physicalLocation!.artifactLocation!.uri!);
}

/** The examples' error-level findings, one per language, where a scan of the workspace puts them. */
const EXAMPLE_ERRORS = ['examples/arm/azuredeploy.json', 'examples/bicep/main.bicep', 'examples/terraform/rbac.tf'];

interface StepResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Writes a step's script to a file and runs it with bash, as a runner does (`bash --noprofile --norc [-eo pipefail] file`). */
function runScript(script: string, flags: string[], cwd: string, env: NodeJS.ProcessEnv, scripts: string): StepResult {
  const file = path.join(scripts, `step-${fs.readdirSync(scripts).length}.sh`);
  fs.writeFileSync(file, script);
  const r = run('bash', ['--noprofile', '--norc', ...flags, file], cwd, env, 240_000);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// ---- GitHub Actions

interface ActionStep {
  id?: string;
  name?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const action = () => parseYaml(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Action;

/** name=value lines of a GITHUB_OUTPUT file (the action writes no multi-line value). */
function readOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const i = line.indexOf('=');
    assert.ok(i > 0 && !line.includes('<<'), `GITHUB_OUTPUT line: ${line}`);
    outputs[line.slice(0, i)] = line.slice(i + 1);
  }
  return outputs;
}

interface ActionRun {
  /** The exit code of the first step that failed, else 0: the job's step result. */
  status: number;
  log: string;
  outputs: Record<string, string>;
}

/**
 * Runs action.yml's composite steps as GitHub's runner does: each `run:` script (the file's own text) with
 * `bash --noprofile --norc -eo pipefail`, in the workspace, its `env:` evaluated from the inputs (defaults for those not
 * given) and from earlier steps' outputs, GITHUB_ACTION_PATH, RUNNER_TEMP and GITHUB_OUTPUT set; the steps after a
 * failed one do not run. Returns the action's outputs evaluated from its steps'.
 */
function runAction(actionPath: string, ws: string, given: Record<string, string>): ActionRun {
  const a = action();
  assert.equal(a.runs.using, 'composite');
  for (const name of Object.keys(given)) assert.ok(name in a.inputs, `action.yml has no input ${name}`);
  const inputs = Object.fromEntries(Object.entries(a.inputs).map(([name, i]) => [name, given[name] ?? i.default ?? '']));
  const stepOutputs: Record<string, Record<string, string>> = {};
  const evaluate = (value: string) =>
    value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
      const input = /^inputs\.([\w-]+)$/.exec(expr);
      if (input) return inputs[input[1]];
      const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
      if (output) return stepOutputs[output[1]]?.[output[2]] ?? '';
      throw new Error(`expression the test does not evaluate: ${expr}`);
    });
  const runner = temp('runner');
  const scripts = path.join(runner, 'scripts');
  fs.mkdirSync(scripts);
  let status = 0;
  let log = '';
  for (const step of a.runs.steps) {
    assert.ok(step.run, `a step that is not a script: ${step.name ?? step.uses}`);
    assert.equal(step.shell, 'bash');
    assert.doesNotMatch(step.run, /\$\{\{/, `${step.name}: an expression in the script text (pass it through env)`);
    const outputFile = path.join(runner, `output-${step.id ?? 'step'}`);
    fs.writeFileSync(outputFile, '');
    const env = cleanEnv({
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION_PATH: actionPath,
      GITHUB_WORKSPACE: ws,
      RUNNER_TEMP: runner,
      GITHUB_OUTPUT: outputFile,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v))])),
    });
    const r = runScript(step.run, ['-eo', 'pipefail'], ws, env, scripts);
    log += r.stdout + r.stderr;
    if (step.id) stepOutputs[step.id] = readOutputs(outputFile);
    if (r.status !== 0) {
      status = r.status;
      break;
    }
  }
  const outputs = Object.fromEntries(Object.entries(a.outputs).map(([name, o]) => [name, evaluate(o.value)]));
  return { status, log, outputs };
}

// ---- Azure Pipelines

interface PipelineStep {
  task?: string;
  bash?: string;
  script?: string;
  displayName?: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
}
interface Template {
  parameters: { name: string; type: string; default?: string; values?: string[] }[];
  steps: PipelineStep[];
}

const template = () => parseYaml(fs.readFileSync(path.join(ROOT, 'templates', 'azure-pipelines', 'avdsec.yml'), 'utf8')) as Template;

/**
 * Runs the template's script steps as an Azure Pipelines agent does: `${{ parameters.x }}` expanded at compile time
 * (a value outside a parameter's `values` is refused), then each `bash:` script (`bash --noprofile --norc file`) in the
 * sources folder with its env, whose `$(Build.ArtifactStagingDirectory)` macros the agent expands; the steps after a
 * failed one do not run. Tasks (UseNode) are the agent's own and are not run here.
 */
function runTemplate(ws: string, given: Record<string, string>): { status: number; log: string; staging: string } {
  const t = template();
  const params = Object.fromEntries(t.parameters.map((p) => [p.name, p]));
  for (const [name, value] of Object.entries(given)) {
    assert.ok(params[name], `the template has no parameter ${name}`);
    if (params[name].values) assert.ok(params[name].values.includes(value), `${name}: ${value} is not one of its values`);
  }
  for (const p of t.parameters) assert.ok(p.name in given || p.default !== undefined, `parameter ${p.name} is required`);
  const agent = temp('agent');
  const staging = path.join(agent, 'a');
  const agentTemp = path.join(agent, '_temp');
  const scripts = path.join(agent, 'scripts');
  for (const d of [staging, agentTemp, scripts]) fs.mkdirSync(d);
  const macros: Record<string, string> = { 'Build.ArtifactStagingDirectory': staging, 'Agent.TempDirectory': agentTemp, 'Build.SourcesDirectory': ws };
  const compile = (value: string) =>
    value.replace(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g, (_, name: string) => {
      assert.ok(params[name], `unknown parameter ${name}`);
      return given[name] ?? String(params[name].default ?? '');
    });
  const expandMacros = (value: string) => value.replace(/\$\(([\w.]+)\)/g, (whole, name: string) => macros[name] ?? whole);
  let status = 0;
  let log = '';
  for (const step of t.steps) {
    if (step.task) continue;
    const script = step.bash;
    assert.ok(script !== undefined, `${step.displayName}: a step that is neither a task nor a bash script`);
    assert.doesNotMatch(script, /\$\{\{|\$\(\w+\.\w+\)/, `${step.displayName}: a parameter or macro in the script text (pass it through env)`);
    const env = cleanEnv({
      TF_BUILD: 'True',
      AGENT_TEMPDIRECTORY: agentTemp,
      BUILD_ARTIFACTSTAGINGDIRECTORY: staging,
      BUILD_SOURCESDIRECTORY: ws,
      SYSTEM_DEFAULTWORKINGDIRECTORY: ws,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expandMacros(compile(String(v)))])),
    });
    const r = runScript(script, [], ws, env, scripts);
    log += r.stdout + r.stderr;
    if (r.status !== 0) {
      status = r.status;
      break;
    }
  }
  return { status, log, staging };
}

// ---- pre-commit

const GIT_USER = ['-c', 'user.name=avdsec test', '-c', 'user.email=test@avdsec.invalid'];

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
}

interface Precommit {
  /** A git repository with a Bicep file with an error (bad/) and one without (good/), and a .pre-commit-config.yaml. */
  repo: string;
  env: NodeJS.ProcessEnv;
  /** `pre-commit install-hooks`: what `pre-commit install` and the first commit do, installing the hook's environment. */
  install: StepResult;
}

/**
 * A repository that uses the hook as docs/ci.md says (`repo:` this repository, here the clean copy; `rev: v<version>`),
 * and pre-commit's installation of it (in the background: its output goes to a file, so a test blocked in spawnSync
 * meanwhile cannot stall it).
 */
async function installPrecommit(hookRepo: string): Promise<Precommit> {
  const repo = temp('precommit-repo');
  const fixtures = path.join(ROOT, 'test', 'fixtures', 'rules', RULE);
  for (const [dir, fixture] of [
    ['bad', 'bicep-pooled'],
    ['good', 'bicep-personal'],
  ]) {
    fs.mkdirSync(path.join(repo, dir));
    fs.copyFileSync(path.join(fixtures, fixture, 'main.bicep'), path.join(repo, dir, 'main.bicep'));
  }
  fs.writeFileSync(path.join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: v${VERSION}\n    hooks:\n      - id: avdsec\n`);
  const env = cleanEnv({ PRE_COMMIT_HOME: path.join(temp('precommit-home'), 'cache') });
  ok(run('git', ['init', '-q'], repo, env), 'git init');
  ok(run('git', ['add', '-A'], repo, env), 'git add');
  const log = path.join(temp('precommit-log'), 'install.log');
  const fd = fs.openSync(log, 'w');
  const child = spawn('pre-commit', ['install-hooks', '--color', 'never'], { cwd: repo, env, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const status = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => child.kill(), 280_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
  return { repo, env, install: { status, stdout: fs.readFileSync(log, 'utf8'), stderr: '' } };
}

describe('CI integrations (GitHub Action, Azure Pipelines template, pre-commit hook)', function () {
  this.timeout(300_000);
  /** avdsec packed from this build, as a release asset is (npm pack of the built checkout). */
  let tarball: string;
  /** A clean copy of this repository (no node_modules, no dist), committed in a git repository of its own, tagged v<version>. */
  let sources: string;
  let precommit: Promise<Precommit> | undefined;

  before(() => {
    const packs = temp('pack');
    // --ignore-scripts: pack what `npm run build` made (the test run builds first), without building again.
    const [pack] = JSON.parse(ok(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packs], ROOT), 'npm pack')) as { filename: string }[];
    assert.equal(pack.filename, TARBALL);
    tarball = path.join(packs, pack.filename);
    sources = temp('sources');
    copySources(sources);
    const git = (...args: string[]) => ok(run('git', [...GIT_USER, ...args], sources), `git ${args[0]}`);
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'avdsec');
    git('tag', `v${VERSION}`);
    // pre-commit's install (npm install of the whole repository, then npm pack) overlaps the GitHub Action's build.
    if (which('pre-commit')) {
      precommit = installPrecommit(sources);
      precommit.catch(() => undefined); // awaited, and reported, by its test
    }
  });

  after(async () => {
    await precommit?.catch(() => undefined);
    for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('the packed package', () => {
    const quiet = (r: SpawnSyncReturns<string>) => assert.doesNotMatch(r.stdout + r.stderr, /^npm warn/im, r.stdout + r.stderr);

    it('ships no install-time script (prepare), so npm installs it without a warning', () => {
      const manifest = JSON.parse(ok(run('tar', ['-xzOf', tarball, 'package/package.json'], ROOT), 'tar')) as { scripts: Record<string, string> };
      for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(manifest.scripts[s], undefined, s);
      const project = temp('project');
      fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-avdsec', version: '1.0.0', private: true }));
      const local = run('npm', ['install', '--no-audit', '--no-fund', tarball], project);
      ok(local, 'npm install <tgz>');
      quiet(local);
      assert.match(ok(run(path.join(project, 'node_modules', '.bin', 'avdsec'), ['--version'], project), 'avdsec --version'), new RegExp(`^${VERSION}\\b`));
      const prefix = temp('global');
      const global = run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball], project);
      ok(global, 'npm install --global <tgz>');
      quiet(global);
      assert.match(ok(run(path.join(prefix, 'bin', 'avdsec'), ['--version'], project), 'avdsec --version'), new RegExp(`^${VERSION}\\b`));
    });

    it('runs with `npx --yes --package ./avdsec-<version>.tgz avdsec`, as docs/ci.md shows', () => {
      const ws = workspace(tarball);
      const npx = run('npx', ['--yes', '--cache', path.join(temp('npx'), 'cache'), '--package', `./${TARBALL}`, 'avdsec', '--version'], ws);
      assert.match(ok(npx, 'npx avdsec --version'), new RegExp(`^${VERSION}\\b`));
      quiet(npx);
    });
  });

  describe('GitHub Action (action.yml)', () => {
    it('builds its own checkout when no package is given, scans the workspace to SARIF and fails on errors', () => {
      const ws = workspace();
      const r = runAction(sources, ws, {});
      assert.equal(r.status, 1, r.log);
      assert.deepEqual(r.outputs, { report: 'avdsec.sarif', 'exit-code': '1' });
      assert.deepEqual(resultFiles(readSarif(path.join(ws, 'avdsec.sarif'))).sort(), EXAMPLE_ERRORS);
      assert.ok(fs.existsSync(path.join(sources, 'dist', 'cli.js')), 'the action built its checkout');
    });

    it('installs a packed avdsec (package input); fail-on never passes with the same report', () => {
      const ws = workspace(tarball);
      const r = runAction(sources, ws, { package: TARBALL, 'fail-on': 'never', output: 'reports/avdsec.sarif' });
      assert.equal(r.status, 0, r.log);
      assert.deepEqual(r.outputs, { report: 'reports/avdsec.sarif', 'exit-code': '0' });
      // Workflow commands are off while avdsec writes to the log, and back on after.
      assert.match(r.log, /^::stop-commands::([0-9a-f-]{36})\n(?:.*\n)*?::\1::$/m);
      assert.deepEqual(resultFiles(readSarif(path.join(ws, 'reports', 'avdsec.sarif'))).sort(), EXAMPLE_ERRORS);
    });

    it('honours config, format and paths: the rule turned off finds nothing at error, in JSON, for the paths given', () => {
      const ws = workspace(tarball);
      writeConfig(ws, 'ci/avdsec.json');
      const r = runAction(sources, ws, {
        package: TARBALL,
        config: 'ci/avdsec.json',
        format: 'json',
        output: 'avdsec.json',
        paths: 'examples/bicep\nexamples/terraform',
      });
      assert.equal(r.status, 0, r.log);
      const report = JSON.parse(fs.readFileSync(path.join(ws, 'avdsec.json'), 'utf8')) as { findings: { ruleId: string; file: string }[] };
      assert.ok(report.findings.length > 0);
      assert.ok(!report.findings.some((f) => f.ruleId === RULE));
      assert.deepEqual([...new Set(report.findings.map((f) => f.file.split('/')[1]))].sort(), ['bicep', 'terraform']);
      // Without the configuration, the same paths fail.
      assert.equal(runAction(sources, ws, { package: TARBALL, format: 'json', output: 'avdsec.json', paths: 'examples/bicep examples/terraform' }).status, 1);
    });

    it('passes inputs as data: shell syntax runs nothing, and a path is never read as an option', () => {
      const ws = workspace(tarball);
      const bicep = fs.readFileSync(path.join(ws, 'examples', 'bicep', 'main.bicep'), 'utf8');
      const paths = runAction(sources, ws, {
        package: TARBALL,
        paths: '--fix examples/bicep $(touch pwned-paths) `touch pwned-backquote`',
        output: 'avdsec.sarif"; touch pwned-output; echo "',
      });
      assert.equal(paths.status, 2, paths.log);
      assert.equal(paths.outputs['exit-code'], '2');
      assert.match(paths.log, /no such file or folder: --fix/);
      assert.equal(fs.readFileSync(path.join(ws, 'examples', 'bicep', 'main.bicep'), 'utf8'), bicep, '--fix was not applied');
      const config = runAction(sources, ws, { package: TARBALL, config: "'; touch pwned-config; '" });
      assert.equal(config.status, 2, config.log);
      assert.match(config.log, /configuration file not found: '; touch pwned-config; '/);
      assert.deepEqual(
        fs.readdirSync(ws).filter((f) => f.startsWith('pwned')),
        [],
      );
    });
  });

  describe('Azure Pipelines template (templates/azure-pipelines/avdsec.yml)', () => {
    it('installs the packed avdsec, writes SARIF into the staging folder and fails the run on errors', () => {
      const ws = workspace(tarball);
      const r = runTemplate(ws, { package: TARBALL });
      assert.equal(r.status, 1, r.log);
      const sarif = path.join(r.staging, 'CodeAnalysisLogs', 'avdsec.sarif');
      assert.deepEqual(resultFiles(readSarif(sarif)).sort(), EXAMPLE_ERRORS);
      assert.match(r.log, new RegExp(`avdsec ${VERSION.replace(/\./g, '\\.')}`));
    });

    it('honours failOn, config, format and paths; parameters are data, not script', () => {
      const ws = workspace(tarball);
      writeConfig(ws, 'ci/avdsec.json');
      const never = runTemplate(ws, { package: TARBALL, failOn: 'never', format: 'text', output: '' });
      assert.equal(never.status, 0, never.log);
      assert.match(never.log, new RegExp(`examples/bicep/main\\.bicep\\(\\d+,\\d+\\): error ${RULE}:`));
      const configured = runTemplate(ws, { package: TARBALL, config: 'ci/avdsec.json', paths: 'examples/bicep $(touch pwned)', output: 'out/avdsec.sarif' });
      assert.equal(configured.status, 2, configured.log);
      assert.deepEqual(
        fs.readdirSync(ws).filter((f) => f.startsWith('pwned')),
        [],
      );
      const configuredOk = runTemplate(ws, { package: TARBALL, config: 'ci/avdsec.json', paths: 'examples/bicep', output: 'out/avdsec.sarif' });
      assert.equal(configuredOk.status, 0, configuredOk.log);
      const log = readSarif(path.join(ws, 'out', 'avdsec.sarif'));
      assert.deepEqual(resultFiles(log), []);
      assert.ok(log.runs[0].results!.length > 0);
    });

    it('uses Node.js from UseNode before the scripts, at the version parameter', () => {
      const t = template();
      const [first] = t.steps;
      assert.match(first.task ?? '', /^UseNode@\d+$/);
      assert.equal(first.inputs?.version, '${{ parameters.nodeVersion }}');
      assert.ok(!t.parameters.find((p) => p.name === 'package')!.default, 'the pipeline says where avdsec comes from');
    });
  });

  describe('pre-commit hook (.pre-commit-hooks.yaml)', () => {
    const hooks = () => parseYaml(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

    it('matches Bicep, Bicep parameters, ARM JSON and Terraform files, and nothing else', () => {
      const hook = hooks().find((h) => h.id === 'avdsec')!;
      const files = new RegExp(hook.files);
      for (const f of ['main.bicep', 'main.bicepparam', 'infra/main.tf', 'prod.tfvars', 'azuredeploy.json', 'azuredeploy.jsonc']) assert.match(f, files);
      for (const f of ['README.md', 'main.tf.bak', 'ci.yml', 'bicepconfig.txt']) assert.doesNotMatch(f, files);
    });

    it('installs as a Node package with the system Node.js, fails a commit of a file with an error and passes a good one', async function () {
      if (!precommit) missingPrerequisite(this, 'pre-commit is not on PATH');
      const { repo, env, install } = await precommit;
      assert.equal(install.status, 0, install.stdout);
      const runHook = (...files: string[]) => run('pre-commit', ['run', 'avdsec', '--color', 'never', '--files', ...files], repo, env);
      const both = runHook('bad/main.bicep', 'good/main.bicep');
      assert.equal(both.status, 1, both.stdout + both.stderr);
      assert.match(both.stdout, /^avdsec\.+Failed$/m);
      assert.match(both.stdout, new RegExp(`^bad/main\\.bicep\\(\\d+,\\d+\\): error ${RULE}:`, 'm'));
      assert.doesNotMatch(both.stdout, /^good\/main\.bicep\(\d+,\d+\): error/m);
      const good = runHook('good/main.bicep');
      assert.equal(good.status, 0, good.stdout + good.stderr);
      assert.match(good.stdout, /^avdsec\.+Passed$/m);
    });
  });
});
