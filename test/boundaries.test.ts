import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listFiles, ROOT } from './harness/engine';

/** Module boundaries of ARCHITECTURE.md, checked on every import (rust-analyzer's tidy test). */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function resolved(file: string, spec: string): string {
  return spec.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(file), spec)).split(path.sep).join('/') : spec;
}

const ts = (dir: string) => listFiles(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts'));

describe('module boundaries', () => {
  it('the engine is pure: no vscode, no LSP library, no fs, no process, no child processes', () => {
    const banned = /^(vscode|vscode-languageserver.*|vscode-languageclient.*|node:fs|fs|node:child_process|child_process|node:process|process|node:path|path|node:os|os)$/;
    for (const f of ts('server/src/engine')) {
      for (const spec of imports(f)) assert.doesNotMatch(spec, banned, `${path.relative(ROOT, f)} imports ${spec}`);
      assert.doesNotMatch(fs.readFileSync(f, 'utf8'), /\bprocess\.(env|cwd|argv|exit)\b/, `${path.relative(ROOT, f)} uses process`);
    }
  });

  it('only lsp/ imports vscode-languageserver; only the client imports vscode and vscode-languageclient', () => {
    for (const f of [...ts('server/src'), ...ts('client/src')]) {
      const rel = path.relative(ROOT, f).split(path.sep).join('/');
      for (const spec of imports(f)) {
        if (/^vscode-languageserver(\/|$)/.test(spec)) assert.ok(rel.startsWith('server/src/lsp/'), `${rel} imports ${spec}`);
        if (spec === 'vscode' || spec.startsWith('vscode-languageclient')) assert.ok(rel.startsWith('client/src/'), `${rel} imports ${spec}`);
      }
    }
  });

  it('imports go one way: nothing imports lsp/, cli/ or client/; the client reaches the server only for protocol types', () => {
    for (const f of [...ts('server/src'), ...ts('client/src')]) {
      const rel = path.relative(ROOT, f).split(path.sep).join('/');
      for (const spec of imports(f)) {
        const target = resolved(f, spec);
        if (target.startsWith('server/src/lsp/')) assert.ok(rel.startsWith('server/src/lsp/'), `${rel} imports ${target}`);
        if (target.startsWith('server/src/cli/')) assert.ok(rel.startsWith('server/src/cli/'), `${rel} imports ${target}`);
        if (target.startsWith('client/')) assert.ok(rel.startsWith('client/'), `${rel} imports ${target}`);
        if (rel.startsWith('client/') && target.startsWith('server/')) assert.ok(target.startsWith('server/src/protocol/'), `${rel} imports ${target}`);
        if (rel.startsWith('server/src/engine/')) assert.ok(!target.startsWith('server/src/host/'), `${rel} imports ${target}`);
      }
    }
  });

  it('rules read the model, the graph and the knowledge, never a parser', () => {
    for (const f of ts('server/src/engine/rules')) {
      for (const spec of imports(f)) {
        const target = resolved(f, spec);
        assert.ok(!target.includes('/adapters/') && spec !== 'web-tree-sitter' && spec !== 'jsonc-parser', `${path.relative(ROOT, f)} imports ${spec}`);
      }
    }
  });
});
