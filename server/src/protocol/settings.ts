/** Editor settings under `avdsec.` (package.json contributes the same keys; a test keeps them in sync). */
export interface Settings {
  enable: boolean;
}

export const DEFAULT_SETTINGS: Settings = { enable: true };

/** The settings the extension contributes, with their JSON schema (the source of truth for package.json). */
export const SETTINGS_SCHEMA = {
  'avdsec.enable': {
    type: 'boolean',
    default: true,
    scope: 'resource',
    description: 'Check Bicep, ARM JSON and Terraform files for insecure Azure Virtual Desktop settings.',
  },
  'avdsec.trace.server': {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: 'off',
    scope: 'window',
    description: 'Traces the communication between VS Code and the avdsec language server.',
  },
} as const;
