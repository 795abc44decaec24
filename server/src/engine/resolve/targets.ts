import type { Language } from '../model';
import { dirOf, isAutoTfvars, resolveRelative } from './paths';

/** The templates a parameters file may serve, by the usual naming: `x.parameters.json`, `x.parameters.prod.json`, `x.prod.parameters.json`. */
export function parametersFileTargets(uri: string): string[] {
  const slash = uri.lastIndexOf('/');
  const dir = uri.slice(0, slash + 1);
  const name = uri.slice(slash + 1);
  const m = /^(.*?)(?:\.[^.]+)?\.parameters(?:\.[^.]+)?\.jsonc?$/i.exec(name) ?? /^(.*?)\.parameters(?:\.[^.]+)?\.jsonc?$/i.exec(name);
  const bases = m && m[1] ? [m[1]] : ['azuredeploy', 'main', 'template'];
  const exact = /^(.*?)\.parameters(?:\.[^.]+)?\.jsonc?$/i.exec(name)?.[1];
  if (exact && !bases.includes(exact)) bases.unshift(exact);
  return bases.flatMap((b) => [`${dir}${b}.json`, `${dir}${b}.bicep`]);
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
      for (const m of text.matchAll(/^[ \t]*source\s*=\s*"(\.\.?\/[^"\r\n]*)"/gm)) {
        const t = resolveRelative(`${dirOf(uri)}/x`, m[1]);
        if (t) add(`${t.replace(/\/$/, '')}/`);
      }
      break;
    case 'tfvars':
      if (!isAutoTfvars(uri)) add(`${dirOf(uri)}/`);
      break;
    default:
      break;
  }
  return [...out];
}
