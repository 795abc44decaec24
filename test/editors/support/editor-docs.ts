// docs/editors.md is what users copy into their editors: the editor tests run its code blocks rather than copies of
// them, and install the server the way that page says (the packed tarball, `npm install --global`).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './vsix';

export const EDITORS_DOC = path.join(ROOT, 'docs', 'editors.md');

export interface DocBlock {
  /** The fence's info string: lua, toml, elisp. */
  lang: string;
  code: string;
}

/** Every block of docs/editors.md marked `<!-- test: NAME -->` on the line before its fence, by name. */
export function docBlocks(): Map<string, DocBlock> {
  const text = fs.readFileSync(EDITORS_DOC, 'utf8').replace(/\r\n/g, '\n');
  const blocks = new Map<string, DocBlock>();
  for (const m of text.matchAll(/^<!-- test: ([\w.-]+) -->\n```(\w+)\n([\s\S]*?)\n```$/gm)) {
    if (blocks.has(m[1])) throw new Error(`docs/editors.md marks two blocks "${m[1]}"`);
    blocks.set(m[1], { lang: m[2], code: `${m[3]}\n` });
  }
  return blocks;
}

/** The marked block `name` of docs/editors.md, which must be in language `lang`. */
export function docBlock(name: string, lang: string): string {
  const block = docBlocks().get(name);
  if (!block) throw new Error(`docs/editors.md has no block marked <!-- test: ${name} --> before its fence`);
  if (block.lang !== lang) throw new Error(`docs/editors.md block "${name}" is ${block.lang}, expected ${lang}`);
  return block.code;
}

let installed: { bin: string; prefix: string } | undefined;

/**
 * `npm install --global ./avdsec-<version>.tgz` as docs/editors.md tells users, into a temporary prefix (removed when
 * the test run ends), from the tarball `npm pack` makes of this build. Returns the folder that holds
 * `avdsec-language-server`, for the editors' PATH. Packed and installed once per test run.
 */
export function installedServer(): { bin: string; prefix: string } {
  if (installed) return installed;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-global-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const npm = (args: string[], cwd: string) => {
    // --ignore-scripts: pack what `npm run build` made (the test run builds first), without building again.
    const r = spawnSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
    return r.stdout;
  };
  const [pack] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT)) as { filename: string }[];
  const prefix = path.join(dir, 'prefix');
  npm(['install', '--global', '--prefix', prefix, `./${pack.filename}`], dir);
  const bin = path.join(prefix, 'bin');
  if (!fs.existsSync(path.join(bin, 'avdsec-language-server'))) {
    throw new Error(`npm install --global put no avdsec-language-server in ${bin}: ${fs.readdirSync(bin).join(', ')}`);
  }
  installed = { bin, prefix };
  return installed;
}

/** The environment an editor gets when the server is installed as docs/editors.md says: its bin folder first on PATH. */
export function envWithServer(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { bin } = installedServer();
  return { ...process.env, ...extra, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
}
