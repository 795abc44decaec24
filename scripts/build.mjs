// Bundles the extension client, the language server and the CLI with esbuild, and copies the grammars
// from their pinned npm packages into grammars/ after checking each file against grammars/grammars.json.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function copyGrammars() {
  const manifest = JSON.parse(readFileSync(join(root, 'grammars', 'grammars.json'), 'utf8'));
  for (const g of manifest.files) {
    // Some packages (web-tree-sitter) do not export ./package.json, so find the folder through node_modules.
    const pkgDir = join(root, 'node_modules', g.package);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (pkg.version !== g.version) {
      throw new Error(`${g.package} is ${pkg.version} but grammars.json pins ${g.version}`);
    }
    const from = join(pkgDir, g.path);
    const sha = createHash('sha256').update(readFileSync(from)).digest('hex');
    if (sha !== g.sha256) throw new Error(`${from}: sha256 ${sha} does not match grammars.json (${g.sha256})`);
    copyFileSync(from, join(root, 'grammars', g.file));
  }
}

// web-tree-sitter ships an ESM build that esbuild picks even for CommonJS output; its createRequire then needs
// import.meta.url, which esbuild leaves empty in CJS. Give it the bundle's own file URL.
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const importMetaUrl = {
  define: { 'import.meta.url': 'importMetaUrl', AVDSEC_VERSION: JSON.stringify(version) },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  loader: { '.md': 'text' },
  // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  absWorkingDir: root,
};

async function main() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  copyGrammars();
  const entries = [
    { in: 'client/src/extension.ts', out: 'dist/extension.js', external: ['vscode'] },
    { in: 'server/src/lsp/main.ts', out: 'dist/server.js', shebang: true },
    { in: 'server/src/cli/main.ts', out: 'dist/cli.js', shebang: true },
    { in: 'server/src/cli/terraform-worker.ts', out: 'dist/terraform-worker.js' },
  ].filter((e) => existsSync(join(root, e.in)));
  await Promise.all(
    entries.map((e) =>
      build({
        ...common,
        ...importMetaUrl,
        banner: { js: (e.shebang ? '#!/usr/bin/env node\n' : '') + importMetaUrl.banner.js },
        entryPoints: [e.in],
        outfile: e.out,
        external: e.external ?? [],
      }),
    ),
  );
  for (const e of entries) if (e.shebang) chmodSync(join(root, e.out), 0o755);
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
