import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where scripts/setup-editors.sh puts code-server; keep in step with that script. */
export const CODE_SERVER_VERSION = '4.100.3';
export const EDITORS_CACHE = process.env.AVDSEC_EDITORS_CACHE || path.join(os.homedir(), '.cache', 'avdsec-editors');

const SETUP_HINT = 'run scripts/setup-editors.sh';

/** The absolute path of a command on PATH, or undefined. */
export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** code-server's entry point (run with node), from AVDSEC_CODE_SERVER or the setup script's cache. */
export function codeServerEntry(): string | undefined {
  const candidates = [
    process.env.AVDSEC_CODE_SERVER,
    path.join(EDITORS_CACHE, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  ];
  return candidates.find((c): c is string => !!c && fs.existsSync(c));
}

export function chromiumPath(): string | undefined {
  return process.env.AVDSEC_CHROMIUM || which('chromium') || which('chromium-browser');
}

/** Neovim 0.7 or newer (vim.lsp.start_client), or undefined with the reason. */
export function neovim(): { path: string; version: string } | { missing: string } {
  const p = process.env.AVDSEC_NVIM || which('nvim');
  if (!p) return { missing: 'nvim is not on PATH' };
  const out = execFileSync(p, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const m = /NVIM v(\d+)\.(\d+)/.exec(out);
  if (!m || (Number(m[1]) === 0 && Number(m[2]) < 7)) return { missing: `${out.trim()} is older than 0.7` };
  return { path: p, version: out.trim() };
}

/**
 * A prerequisite of the editor tests is missing. In CI (env CI set) that is an error, never a silent skip;
 * elsewhere the suite is skipped and says why.
 */
export function missingPrerequisite(ctx: Mocha.Context, what: string, hint = SETUP_HINT): never {
  const message = `${what} (${hint})`;
  if (process.env.CI) throw new Error(`editor test prerequisite missing in CI: ${message}`);
  console.log(`      skipped: ${message}`);
  ctx.skip();
}
