import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { ROOT } from '../harness/engine';

/** Modules a bundle loads with require(): only Node's own may be left, so that it runs from the package alone. */
function requiredModules(bundle: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, bundle), 'utf8');
  return [...new Set([...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]))];
}

// The packed tarball (its file list, and `npx avdsec` run from it) is tested with the other packages, by
// test/editors/npm-package.test.ts: packing and installing cost more than the rest of this folder's process starts.
describe('npm package: commands and bundles', () => {
  it('declares the avdsec and avdsec-language-server commands on the bundles, runnable by Node', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.bin, { avdsec: './dist/cli.js', 'avdsec-language-server': './dist/server.js' });
    assert.deepEqual(pkg.dependencies ?? {}, {}, 'everything is bundled: installing the package installs nothing else');
    for (const bin of Object.values(pkg.bin) as string[]) {
      assert.ok(fs.readFileSync(path.join(ROOT, bin), 'utf8').startsWith('#!/usr/bin/env node\n'), `${bin} starts with a shebang`);
    }
  });

  it('bundles need no vscode module, nor any module outside Node', () => {
    const builtins = new Set(builtinModules);
    for (const bundle of ['dist/cli.js', 'dist/server.js', 'dist/terraform-worker.js']) {
      const modules = requiredModules(bundle);
      assert.ok(!modules.includes('vscode'), `${bundle} requires vscode`);
      const foreign = modules.filter((m) => !builtins.has(m.replace(/^node:/, '')));
      assert.deepEqual(foreign, [], `${bundle} requires modules that are not in the package`);
    }
  });
});
