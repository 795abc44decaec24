import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listVsix, packagedVsix, readVsixEntry, ROOT, type VsixEntry } from './support/vsix';

/** The VSIX must stay small: the two bundles, the grammars and a few small files. */
const MAX_VSIX_BYTES = 2 * 1024 * 1024;

function expectedFiles(): string[] {
  const grammars = JSON.parse(fs.readFileSync(path.join(ROOT, 'grammars', 'grammars.json'), 'utf8')) as { files: { file: string }[] };
  return [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/readme.md',
    'extension/LICENSE.txt',
    ...(fs.existsSync(path.join(ROOT, 'CHANGELOG.md')) ? ['extension/changelog.md'] : []),
    'extension/images/icon.png',
    'extension/dist/extension.js',
    'extension/dist/server.js',
    'extension/grammars/grammars.json',
    ...grammars.files.map((g) => `extension/grammars/${g.file}`),
    'extension/schemas/avdsec.schema.json',
  ].sort();
}

describe('extension package (vsce package --no-dependencies)', function () {
  let vsix: string;
  let entries: VsixEntry[];

  before(async () => {
    vsix = await packagedVsix();
    entries = await listVsix(vsix);
  });

  it('holds exactly the bundles, grammars, schema, icon, README, CHANGELOG, LICENSE and manifest', () => {
    assert.deepEqual(entries.map((e) => e.name).sort(), expectedFiles());
  });

  it('ships no source maps, sources, tests, examples or node_modules', () => {
    const stray = entries.filter((e) => /\.(map|ts)$|(^|\/)(node_modules|test|examples|server|client|docs|scripts)\//.test(e.name));
    assert.deepEqual(stray, []);
  });

  it('stays small', () => {
    const size = fs.statSync(vsix).size;
    assert.ok(size < MAX_VSIX_BYTES, `the VSIX is ${size} bytes (limit ${MAX_VSIX_BYTES})`);
  });

  it('has a manifest vsce and VS Code accept, and every file it points to is in the package', async () => {
    const pkg = JSON.parse(await readVsixEntry(vsix, 'extension/package.json'));
    assert.equal(pkg.engines.vscode, '^1.91.0');
    assert.equal(pkg.publisher, 'avdsec');
    assert.equal(pkg.license, 'MIT');
    assert.match(pkg.repository.url, /^https:\/\/github\.com\/avdsec\/avdsec/);
    const names = new Set(entries.map((e) => e.name));
    assert.deepEqual(pkg.categories, ['Linters', 'Azure']);
    assert.equal(pkg.preview, true);
    const referenced: string[] = [pkg.main, pkg.icon, ...(pkg.contributes.jsonValidation ?? []).map((j: { url: string }) => j.url)];
    for (const ref of referenced.filter((r) => !/^https?:/.test(r))) {
      assert.ok(names.has(`extension/${path.posix.normalize(ref)}`), `${ref} is referenced by package.json but not packaged`);
    }
    // The client starts dist/server.js from the extension folder (client/src/extension.ts).
    assert.ok(names.has('extension/dist/server.js'));
    // .avdsec.json is JSON with comments (`avdsec init` writes comments): VS Code must not flag them.
    assert.ok(pkg.contributes.languages.some((l: { id: string; filenames?: string[] }) => l.id === 'jsonc' && l.filenames?.includes('.avdsec.json')));
  });

  it('declares Workspace Trust support, since avdsec runs no code from the workspace, and no virtual workspaces', async () => {
    const pkg = JSON.parse(await readVsixEntry(vsix, 'extension/package.json'));
    assert.deepEqual(pkg.capabilities, { untrustedWorkspaces: { supported: true }, virtualWorkspaces: false });
  });

  it('contributes exactly the commands the client registers, under the "avdsec" category', async () => {
    const pkg = JSON.parse(await readVsixEntry(vsix, 'extension/package.json'));
    const contributed = (pkg.contributes.commands as { command: string; title: string; category: string }[])
      .map((c) => `${c.category}: ${c.title} (${c.command})`)
      .sort();
    assert.deepEqual(contributed, [
      'avdsec: Refresh AVD Security View (avdsec.overview.refresh)',
      'avdsec: Restart Server (avdsec.restartServer)',
      'avdsec: Reveal in Code (avdsec.reveal)',
      'avdsec: Show AVD Security Overview of This Host Pool (avdsec.showOverview)',
      'avdsec: Show Output (avdsec.showOutputChannel)',
    ]);
    const client = fs
      .readdirSync(path.join(ROOT, 'client', 'src'))
      .map((f) => fs.readFileSync(path.join(ROOT, 'client', 'src', f), 'utf8'))
      .join('\n');
    const constants = new Map([...client.matchAll(/export const (\w+) = '([^']+)'/g)].map((m) => [m[1], m[2]]));
    const registered = [...client.matchAll(/registerCommand\((?:'([^']+)'|(\w+))/g)].map((m) => m[1] ?? constants.get(m[2])).sort();
    assert.deepEqual(registered, pkg.contributes.commands.map((c: { command: string }) => c.command).sort());
  });
});
