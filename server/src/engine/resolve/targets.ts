import type { Language } from '../model';
import { dirOf, isAutoTfvars, resolveRelative } from './paths';

/**
 * The templates a parameters file may serve, nearest first: by the usual naming (`x.parameters.json`,
 * `x.parameters.prod.json`, `x.prod.parameters.json`, `prod.x.parameters.json`), in its own folder and, when it sits in
 * a `parameters` folder (or one below it), in the folder that holds that `parameters` folder. A name that says no
 * template serves `azuredeploy`, `main` or `template` there.
 */
export function parametersFileTargets(uri: string): string[] {
  const slash = uri.lastIndexOf('/');
  const dir = uri.slice(0, slash + 1);
  const name = uri.slice(slash + 1);
  const m = /^(.*?)\.parameters(?:\.[^.]+)?\.jsonc?$/i.exec(name);
  const bases: string[] = [];
  if (m && m[1]) {
    const segs = m[1].split('.');
    // The whole prefix, then its first part (`x.prod`), then its last (`prod.x`).
    for (const b of [m[1], segs[0], segs[segs.length - 1]]) if (b && !bases.includes(b)) bases.push(b);
  } else bases.push('azuredeploy', 'main', 'template');
  const dirs = [dir];
  const parts = dir.split('/');
  const at = parametersFolder(parts.slice(0, -1));
  if (at > 0) for (let i = parts.length - 2; i >= at; i--) dirs.push(parts.slice(0, i).join('/') + '/');
  return dirs.flatMap((d) => bases.flatMap((b) => [`${d}${b}.json`, `${d}${b}.bicep`]));
}

/**
 * The templates an ARM deployment's `templateLink` may name, nearest first: a `relativePath` beside the caller, or a
 * URL (a repository's raw files, a storage account) read as the path it ends with, in the caller's folder and the
 * folders above it (`.../ARM-wvd-templates/nestedtemplates/vm.json` is `nestedtemplates/vm.json` of a checkout of that
 * repository). Only paths of two segments or more are looked for above the caller's own folder.
 */
export function linkedTemplateTargets(callerUri: string, link: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(link)) {
    const t = resolveRelative(callerUri, link);
    return t ? [t] : [];
  }
  const path = link.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
  const segs = path.split('/').filter((s) => s && s !== '.' && s !== '..');
  if (!segs.length || !/\.jsonc?$/i.test(segs[segs.length - 1])) return [];
  const dirs: string[] = [];
  for (let d = dirOf(callerUri); d && !dirs.includes(d); d = dirOf(d)) dirs.push(d);
  const out: string[] = [];
  for (let k = Math.min(segs.length, 6); k >= 1; k--) {
    const suffix = segs.slice(-k).join('/');
    for (const [i, d] of dirs.entries()) if (k >= 2 || i === 0) out.push(`${d}/${suffix}`);
  }
  return [...new Set(out)];
}

/** A parameters file's name for messages: from its `parameters` folder on when it sits in one (`parameters/prod.parameters.json`). */
export function parametersFileLabel(uri: string): string {
  const parts = uri.split('/');
  const at = parametersFolder(parts.slice(0, -1));
  return at > 0 ? parts.slice(at).join('/') : parts[parts.length - 1];
}

/** The index of the nearest folder named `parameters` (or `params`) among a path's folders; -1 when there is none. */
function parametersFolder(folders: string[]): number {
  for (let i = folders.length - 1; i > 0; i--) if (/^param(eter)?s$/i.test(folders[i])) return i;
  return -1;
}

/**
 * The templates a file may pass values to, read from its text without parsing (module paths, `using`, the naming
 * of parameters files): the workspace uses them to know which documents to read again when this one changes. The
 * adapters decide what the values are; a stray match here only costs an extra re-read. Paths stop at the end of
 * their line, so that lines of unclosed quotes cannot make each match scan the rest of the file.
 */
export function declaredTargets(uri: string, language: Language, text: string): string[] {
  const out = new Set<string>();
  const add = (t: string | undefined) => t && out.add(t);
  switch (language) {
    case 'bicep':
    case 'bicepparam':
      for (const m of text.matchAll(/^[ \t]*(?:module\s+[A-Za-z_][\w]*|using)\s+'([^'$\r\n]+)'/gm)) add(resolveRelative(uri, m[1]));
      break;
    case 'arm-parameters':
      parametersFileTargets(uri).forEach(add);
      break;
    case 'terraform':
      // The first `source` after each `module "name"` line, before the next top-level block.
      for (const m of text.matchAll(
        /^[ \t]*module[ \t]+"([^"\r\n]+)"[^\r\n]*\r?\n((?:(?![ \t]*(?:module|resource|data|variable|output|locals|provider|terraform)\b)[^\r\n]*\r?\n){0,40}?)[ \t]*source[ \t]*=[ \t]*"([^"\r\n]+)"/gm,
      ))
        add(terraformModuleDir(dirOf(uri), m[1], m[3]));
      break;
    case 'tfvars':
      if (!isAutoTfvars(uri)) add(`${dirOf(uri)}/`);
      break;
    default:
      break;
  }
  return [...out];
}

/**
 * The folder (`dir/`) a Terraform module block's `source` reads, for a caller in `callerDir`: a local path beside the
 * caller, or where `terraform init` puts a registry or git module: `.terraform/modules/<key>` of the root module, the
 * key being the module's name, prefixed by its caller's key for modules inside a fetched module (`hosts.vm`), and a
 * `//subdir` of the source below it. Whether init has fetched it is the workspace's to find out.
 */
export function terraformModuleDir(callerDir: string, name: string, source: string): string | undefined {
  if (source.startsWith('./') || source.startsWith('../')) {
    const t = resolveRelative(`${callerDir}/x`, source);
    return t ? `${t.replace(/\/$/, '')}/` : undefined;
  }
  const fetched = /^(.*?)\/\.terraform\/modules\/([^/]+)/.exec(callerDir);
  const root = fetched ? fetched[1] : callerDir;
  const key = fetched ? `${fetched[2]}.${name}` : name;
  const sub = /[^:/]\/\/([^?]+)/.exec(source.replace(/^[a-z0-9+]+::/i, ''))?.[1].replace(/\/+$/, '');
  return `${root}/.terraform/modules/${key}${sub ? `/${sub}` : ''}/`;
}
