import { Language as TsLanguage, Parser } from 'web-tree-sitter';
import type { Language } from './model';

/** The tree-sitter grammars the engine needs (Terraform); Bicep and ARM JSON have their own parsers. */
export interface Grammars {
  terraform: TsLanguage;
  newParser(language: TsLanguage): Parser;
}

let grammarsPromise: Promise<Grammars> | undefined;
let grammarsDir: string | undefined;

/**
 * Loads the grammars from `dir`, the folder that holds `web-tree-sitter.wasm` and the grammar wasm files
 * (the entry point passes it in; the engine never computes paths). Loads once per process.
 */
export function loadGrammars(dir: string): Promise<Grammars> {
  if (grammarsPromise && grammarsDir === dir) return grammarsPromise;
  grammarsDir = dir;
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  const join = (f: string) => (dir.endsWith(sep) ? dir + f : dir + sep + f);
  grammarsPromise = (async () => {
    await Parser.init({ locateFile: (file: string) => join(file) });
    const terraform = await TsLanguage.load(join('tree-sitter-terraform.wasm'));
    return {
      terraform,
      newParser(language: TsLanguage): Parser {
        const p = new Parser();
        p.setLanguage(language);
        return p;
      },
    };
  })();
  grammarsPromise.catch(() => {
    grammarsPromise = undefined;
  });
  return grammarsPromise;
}

const ARM_TEMPLATE_SCHEMA = /deploymentTemplate\.json/i;
const ARM_PARAMETERS_SCHEMA = /deploymentParameters\.json/i;

/** Extension of a path or URI, lower-case, with the dot; handles `.tfvars` and `.bicepparam`. */
function extensionOf(uri: string): string {
  const slash = Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\'));
  const base = uri.slice(slash + 1).toLowerCase();
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot);
}

/** The language of a file by name, before reading it. JSON needs its text: see `detectLanguage`. */
export function languageByName(uri: string): Language | 'json' | undefined {
  switch (extensionOf(uri)) {
    case '.bicep':
      return 'bicep';
    case '.bicepparam':
      return 'bicepparam';
    case '.tf':
      return 'terraform';
    case '.tfvars':
      return 'tfvars';
    case '.json':
    case '.jsonc':
      return 'json';
    default:
      return undefined;
  }
}

/**
 * The language of a file, or undefined when avdsec does not read it. JSON is an ARM template or parameter file
 * only when its `$schema` says so, whatever the file is called.
 */
export function detectLanguage(uri: string, text: string): Language | undefined {
  const byName = languageByName(uri);
  if (byName !== 'json') return byName;
  // Only the head of the file is searched: the $schema comes first in practice, and huge data files stay cheap.
  const head = text.slice(0, 4096);
  const m = /"\$schema"\s*:\s*"([^"]*)"/.exec(head);
  if (!m) return looksLikeConditionalAccess(text) ? 'graph-json' : undefined;
  if (ARM_TEMPLATE_SCHEMA.test(m[1])) return 'arm';
  if (ARM_PARAMETERS_SCHEMA.test(m[1])) return 'arm-parameters';
  return undefined;
}

/** A Microsoft Graph Conditional Access policy (or a list of them): its grant controls and application conditions. */
function looksLikeConditionalAccess(text: string): boolean {
  if (text.length > 2_000_000) return false;
  return (
    /"@odata\.type"\s*:\s*"#microsoft\.graph\.conditionalAccessPolicy"/.test(text) ||
    (/"grantControls"\s*:/.test(text) && /"includeApplications"\s*:/.test(text))
  );
}
