import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RULES } from '../../server/src/engine/registry';
import { renderDocs, staleDocs } from '../../scripts/docs';
import { ROOT } from '../harness/engine';
import { avdsec, examplesTree } from './run';

const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

function readDoc(rel: string): string {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8');
}

/** The avdsec command lines of a CI script: the arguments after `avdsec@<version>`, and that version. */
function avdsecCommands(script: string): { version: string; args: string[] }[] {
  return script
    .split('\n')
    .map((line) => /\bnpx --yes avdsec@(\S+) (.*)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ version: m[1], args: m[2].trim().split(/\s+/) }));
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function validSarif(file: string): void {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readDoc('schemas/vendor/sarif-schema-2.1.0.json')));
  assert.ok(validate(JSON.parse(fs.readFileSync(file, 'utf8'))), JSON.stringify(validate.errors));
}

describe('docs/', () => {
  it('is what `npm run docs` writes from the rule registry and the rule .md files', () => {
    const { outdated, orphaned } = staleDocs();
    assert.deepEqual({ outdated, orphaned }, { outdated: [], orphaned: [] }, 'run `npm run docs`');
  });

  it('has a page per rule, with its documentation, and an index of them all', () => {
    const docs = renderDocs();
    const index = docs.get('docs/rules/README.md')!;
    for (const r of RULES) {
      const page = docs.get(`docs/rules/${r.id}.md`)!;
      assert.match(page, new RegExp(`^# ${r.id}$`, 'm'));
      assert.ok(page.includes(`| Default level | \`${r.level}\` |`), r.id);
      for (const heading of r.docs.match(/^## .*$/gm) ?? []) assert.ok(page.includes(`\n${heading}\n`), `${r.id}: ${heading}`);
      for (const o of Object.keys(r.options ?? {})) assert.ok(page.includes(`| Option \`${o}\` |`), `${r.id}: option ${o}`);
      assert.ok(index.includes(`| [\`${r.id}\`](${r.id}.md) | ${r.level} |`), `the index lists ${r.id}`);
    }
  });

  describe('CI examples', () => {
    it('docs/ci.md shows both workflow files as they are', () => {
      const page = readDoc('docs/ci.md');
      for (const f of ['github-actions.yml', 'azure-pipelines.yml']) {
        assert.ok(page.includes(`<!-- include: ci/${f} -->\n\`\`\`yaml\n${readDoc(`docs/ci/${f}`).trimEnd()}\n\`\`\`\n`), f);
      }
    });

    it('GitHub Actions: scans to SARIF with the pinned version and uploads that file with upload-sarif', () => {
      const wf = parseYaml(readDoc('docs/ci/github-actions.yml'));
      const job = wf.jobs.avdsec;
      assert.equal(job.permissions['security-events'], 'write');
      const steps = job.steps as { run?: string; uses?: string; with?: Record<string, unknown>; if?: string }[];
      const scans = steps.flatMap((s) => (s.run ? avdsecCommands(s.run) : []));
      assert.equal(scans.length, 1);
      const [scan] = scans;
      assert.equal(scan.version, VERSION);
      assert.equal(scan.args[0], 'scan');
      assert.equal(option(scan.args, '--format'), 'sarif');
      const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
      assert.match(upload.uses!, /@v\d+$/);
      assert.equal(upload.with!.sarif_file, option(scan.args, '--output'));
      assert.ok(steps.indexOf(upload) > steps.findIndex((s) => s.run?.includes('avdsec')));
      assert.match(upload.if!, /!cancelled\(\)/, 'the upload runs when the scan failed the job');
    });

    it('Azure Pipelines: writes SARIF into the folder it publishes as CodeAnalysisLogs, and gates on errors', () => {
      const pipeline = parseYaml(readDoc('docs/ci/azure-pipelines.yml'));
      const steps = pipeline.steps as { script?: string; task?: string; inputs?: Record<string, string>; condition?: string }[];
      const commands = steps.flatMap((s) => (s.script ? avdsecCommands(s.script) : []));
      assert.ok(commands.every((c) => c.version === VERSION && c.args[0] === 'scan'));
      const sarif = commands.find((c) => option(c.args, '--format') === 'sarif')!;
      const gate = commands.find((c) => option(c.args, '--fail-on') === 'error')!;
      assert.ok(sarif && gate);
      const publish = steps.find((s) => s.task?.startsWith('PublishBuildArtifacts@'))!;
      assert.equal(publish.inputs!.ArtifactName, 'CodeAnalysisLogs');
      assert.equal(path.posix.dirname(option(sarif.args, '--output')!), publish.inputs!.PathtoPublish);
      assert.equal(publish.condition, 'succeededOrFailed()');
    });

    it('the command lines run as written with this version of the CLI', async () => {
      const scripts = [
        ...(parseYaml(readDoc('docs/ci/github-actions.yml')).jobs.avdsec.steps as { run?: string }[]).map((s) => s.run ?? ''),
        ...(parseYaml(readDoc('docs/ci/azure-pipelines.yml')).steps as { script?: string }[]).map((s) => s.script ?? ''),
      ];
      const dir = examplesTree();
      for (const { args } of scripts.flatMap(avdsecCommands)) {
        const resolved = args.map((a) => a.replace('$(Build.ArtifactStagingDirectory)', 'staging'));
        const r = await avdsec(resolved, dir);
        // The examples hold findings at the error level: a gate on errors fails, --fail-on never does not.
        assert.equal(r.status, option(resolved, '--fail-on') === 'never' ? 0 : 1, `${resolved.join(' ')}: ${r.stderr}`);
        const out = option(resolved, '--output');
        if (out && option(resolved, '--format') === 'sarif') validSarif(path.join(dir, out));
      }
    });
  });
});
