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

/** The avdsec command lines of a CI script run from the packed package: the arguments after `avdsec`, and its version. */
function avdsecCommands(script: string): { version: string; args: string[] }[] {
  return script
    .split('\n')
    .map((line) => /\bnpx --yes --package \.\/avdsec-(\d\S*)\.tgz avdsec (.*)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => !!m && !m[2].includes('['))
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

    it('GitHub Actions: runs the action of this release to SARIF and uploads that file with upload-sarif', () => {
      const wf = parseYaml(readDoc('docs/ci/github-actions.yml'));
      const job = wf.jobs.avdsec;
      assert.equal(job.permissions['security-events'], 'write');
      const steps = job.steps as { run?: string; uses?: string; with?: Record<string, string>; if?: string }[];
      assert.ok(!steps.some((s) => s.run?.includes('avdsec')), 'the scan is the action, not a command from the registry');
      const scans = steps.filter((s) => s.uses?.startsWith('avdsec/avdsec@'));
      assert.equal(scans.length, 1);
      const [scan] = scans;
      assert.equal(scan.uses, `avdsec/avdsec@v${VERSION}`);
      const inputs = (parseYaml(readDoc('action.yml')) as { inputs: Record<string, unknown> }).inputs;
      for (const name of Object.keys(scan.with ?? {})) assert.ok(name in inputs, `action.yml has no input ${name}`);
      assert.equal(scan.with!.format, 'sarif');
      const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
      assert.match(upload.uses!, /@v\d+$/);
      assert.equal(upload.with!.sarif_file, scan.with!.output);
      assert.ok(steps.indexOf(upload) > steps.indexOf(scan));
      assert.match(upload.if!, /!cancelled\(\)/, 'the upload runs when the scan failed the job');
    });

    it('Azure Pipelines: the template of this release writes SARIF into the folder published as CodeAnalysisLogs, and gates on errors', () => {
      const pipeline = parseYaml(readDoc('docs/ci/azure-pipelines.yml'));
      const repo = (pipeline.resources.repositories as { repository: string; name: string; ref: string }[]).find((r) => r.name === 'avdsec/avdsec')!;
      assert.equal(repo.ref, `refs/tags/v${VERSION}`);
      const steps = pipeline.steps as {
        template?: string;
        task?: string;
        inputs?: Record<string, string>;
        parameters?: Record<string, string>;
        condition?: string;
      }[];
      const scan = steps.find((s) => s.template === `templates/azure-pipelines/avdsec.yml@${repo.repository}`)!;
      const template = parseYaml(readDoc('templates/azure-pipelines/avdsec.yml')) as { parameters: { name: string; default?: string; values?: string[] }[] };
      const params = new Map(template.parameters.map((p) => [p.name, p]));
      for (const [name, value] of Object.entries(scan.parameters!)) {
        assert.ok(params.has(name), `the template has no parameter ${name}`);
        assert.ok(!params.get(name)!.values || params.get(name)!.values!.includes(value), `${name}: ${value}`);
      }
      assert.ok(scan.parameters!.package.endsWith(`/releases/download/v${VERSION}/avdsec-${VERSION}.tgz`), scan.parameters!.package);
      assert.equal(scan.parameters!.failOn, 'error');
      const output = scan.parameters!.output ?? params.get('output')!.default!;
      assert.equal(scan.parameters!.format ?? params.get('format')!.default, 'sarif');
      const publish = steps.find((s) => s.task?.startsWith('PublishBuildArtifacts@'))!;
      assert.equal(publish.inputs!.ArtifactName, 'CodeAnalysisLogs');
      assert.equal(path.posix.dirname(output), publish.inputs!.PathtoPublish);
      assert.equal(publish.condition, 'succeededOrFailed()');
    });

    it('the command lines of docs/ci.md run as written with this version of the CLI', async () => {
      const blocks = [...readDoc('docs/ci.md').matchAll(/^```(?:yaml|sh)\n([^]*?)^```$/gm)].map((m) => m[1]);
      const commands = blocks.flatMap(avdsecCommands);
      assert.ok(commands.length > 0);
      const dir = examplesTree();
      for (const { version, args } of commands) {
        assert.equal(version, VERSION);
        assert.equal(args[0], 'scan');
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
