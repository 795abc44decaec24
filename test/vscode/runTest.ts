// The classic VS Code extension test: mocha inside a real VS Code (Electron) extension host, launched by
// @vscode/test-electron. It needs a machine that can download VS Code (the test-electron download), so it is not part
// of `npm test` or CI here; run it with `npm run test:vscode` (env VSCODE_VERSION picks the version, default "stable";
// VSCODE_EXECUTABLE uses an installed VS Code instead of downloading one).
// The suite (suite/*.spec.ts) is bundled with esbuild first: the extension host loads plain JavaScript.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'out', 'vscode-test');

async function bundleSuite(): Promise<string> {
  const suite = path.join(__dirname, 'suite');
  const entryPoints = fs
    .readdirSync(suite)
    .filter((f) => f === 'index.ts' || f.endsWith('.spec.ts'))
    .map((f) => path.join(suite, f));
  fs.rmSync(OUT, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    // vscode is the host's; mocha is loaded from the repository's node_modules (it does dynamic requires).
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(OUT, 'index.js');
}

async function main(): Promise<void> {
  const extensionTestsPath = await bundleSuite();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-vscode-test-'));
  const workspace = path.join(tmp, 'examples');
  fs.cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
  try {
    await runTests({
      ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
      extensionDevelopmentPath: ROOT,
      extensionTestsPath,
      extensionTestsEnv: { AVDSEC_TEST_WORKSPACE: workspace },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        path.join(tmp, 'user-data'),
      ],
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
