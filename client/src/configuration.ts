import type { DocumentSelector } from 'vscode-languageclient';

/** Globs of file extensions in any case (`main.Bicep`, `MAIN.TF`): VS Code's glob patterns match case by case. */
const anyCase = (ext: string) => [...ext].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');
const extensions = (list: string[]) => list.map((e) => `*.${anyCase(e)}`);

/**
 * The files avdsec reads, by VS Code language id and by file pattern, so it works with and without the Bicep and
 * HashiCorp Terraform extensions installed (each names its languages differently, and JSON templates are `json` or `jsonc`).
 */
export const documentSelector = [
  { scheme: 'file', language: 'bicep' },
  { scheme: 'file', language: 'bicep-params' },
  { scheme: 'file', language: 'terraform' },
  { scheme: 'file', language: 'terraform-vars' },
  { scheme: 'file', language: 'arm-template' },
  { scheme: 'file', language: 'json' },
  { scheme: 'file', language: 'jsonc' },
  { scheme: 'file', pattern: `**/{${extensions(['bicep', 'bicepparam', 'tf', 'tfvars']).join(',')}}` },
] satisfies DocumentSelector;

export const fileWatcherPattern = `**/{${[...extensions(['bicep', 'bicepparam', 'tf', 'tfvars', 'json', 'jsonc']), '.avdsec.json'].join(',')}}`;
