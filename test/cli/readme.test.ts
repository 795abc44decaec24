// The README is the Marketplace page and a user's first read: its example runs as shown, its links lead somewhere, and
// every link to the repository names the repository package.json names.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPOSITORY_URL } from '../../server/src/engine/rule';
import { ROOT } from '../harness/engine';
import { avdsec, tempTree } from './run';

const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const README = read('README.md');

/** The Markdown files users read, in the repository and in the packages. */
function userDocs(): string[] {
  const docs = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md'];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.md')) docs.push(rel);
    }
  };
  walk('docs');
  return docs;
}

describe('README and the documents for users', () => {
  it('gives the two commands for a fresh machine on its first screen', () => {
    const firstScreen = README.split('\n').slice(0, 30).join('\n');
    assert.match(firstScreen, /^npm ci && npm run scan\b/m);
    assert.match(firstScreen, /^npm ci && npm test\b/m);
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts.scan, /scan examples\b/);
  });

  it('shows the output its example gives', async function () {
    this.timeout(60_000);
    const source = /<!-- readme-example: (\S+) -->\n```bicep\n([\s\S]*?)```/.exec(README);
    const shown = /<!-- readme-example-output: avdsec (.*?) -->\n```console\n\$ avdsec .*\n([\s\S]*?)```/.exec(README);
    assert.ok(source && shown, 'the example and its output are marked in the README');
    const dir = tempTree({ [source[1]]: source[2] });
    const r = await avdsec([...shown[1].split(' '), '--color', 'never'], dir);
    assert.equal(r.stdout, shown[2]);
  });

  it('has relative links that lead to files of the repository', () => {
    const broken: string[] = [];
    for (const doc of userDocs()) {
      const text = read(doc).replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].replace(/#.*$/, '');
        if (!target || /^[a-z]+:/i.test(target)) continue;
        if (!fs.existsSync(path.join(ROOT, path.dirname(doc), decodeURI(target)))) broken.push(`${doc}: ${m[1]}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('points every link to the repository at the one package.json names', () => {
    const pkg = JSON.parse(read('package.json')) as { repository: { url: string }; bugs: { url: string }; homepage: string };
    const repo = pkg.repository.url.replace(/\.git$/, '');
    assert.equal(REPOSITORY_URL, repo);
    const [owner, name] = new URL(repo).pathname.slice(1).split('/');
    assert.ok(pkg.bugs.url.startsWith(`${repo}/`) && pkg.homepage.startsWith(repo));
    const files = [...userDocs(), 'package.json', 'action.yml', '.pre-commit-hooks.yaml', 'schemas/avdsec.schema.json'].filter((f) =>
      fs.existsSync(path.join(ROOT, f)),
    );
    const elsewhere: string[] = [];
    for (const f of files) {
      for (const m of read(f).matchAll(/https:\/\/(?:github\.com|raw\.githubusercontent\.com)\/([\w.-]+)\/([\w.-]+)/g)) {
        // Links to other projects (Microsoft's docs, actions used in a workflow) are fine; links to avdsec must be to its repository.
        if (/avdsec/i.test(m[1] + m[2]) && (m[1] !== owner || m[2] !== name)) elsewhere.push(`${f}: ${m[0]}`);
      }
    }
    assert.deepEqual(elsewhere, []);
  });

  it('never tells users to fetch avdsec from the npm registry, where it is not published yet', () => {
    const offending: string[] = [];
    for (const doc of [...userDocs(), 'action.yml', 'templates/azure-pipelines/avdsec.yml'].filter((f) => fs.existsSync(path.join(ROOT, f)))) {
      read(doc)
        .split('\n')
        .forEach((line, i) => {
          if (/npx (--yes )?avdsec(@|\s|$)|npm (install|i) (--global |-g )?avdsec(@|\s|$)/.test(line) && !/when (it is )?published|once published/i.test(line))
            offending.push(`${doc}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offending, []);
  });

  it('keeps contributor material out of the README', () => {
    assert.doesNotMatch(README, /\bFAIL\b|ARCHITECTURE\.md|\.\.\/shared|npm run bench/);
    for (const doc of ['CONTRIBUTING.md', 'CHANGELOG.md', 'SECURITY.md', 'docs/performance.md']) assert.ok(fs.existsSync(path.join(ROOT, doc)), doc);
    const security = read('SECURITY.md');
    assert.match(security, /## Reporting a vulnerability/);
    assert.match(security, /Use the network\./);
    assert.match(security, /Run code from the workspace\./);
  });
});
