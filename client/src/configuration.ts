import type { DocumentSelector } from 'vscode-languageclient';

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
  { scheme: 'file', pattern: '**/*.{bicep,bicepparam,tf,tfvars}' },
] satisfies DocumentSelector;

export const fileWatcherPattern = '**/{*.bicep,*.bicepparam,*.tf,*.tfvars,*.json,*.jsonc,.avdsec.json}';
