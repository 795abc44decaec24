/** The levels a rule can be set to, in `.avdsec.json` and in the editor-only `avdsec.rules` setting. */
export type RuleLevelSetting = 'off' | 'hint' | 'info' | 'warning' | 'error';
export const RULE_LEVEL_SETTINGS: readonly RuleLevelSetting[] = ['off', 'hint', 'info', 'warning', 'error'];

/** Editor settings under `avdsec.` (package.json contributes the same keys; a test keeps them in sync). */
export interface Settings {
  enable: boolean;
  /** Read by the client, which asks the server for the fix-all action before a save; the server ignores it. */
  fixOnSave: boolean;
  /** Rule levels for the editor only, applied over those of `.avdsec.json` (the CLI never reads them). */
  rules: Record<string, RuleLevelSetting>;
}

export const DEFAULT_SETTINGS: Settings = { enable: true, fixOnSave: false, rules: {} };

/** The settings the extension contributes, with their JSON schema (the source of truth for package.json). */
export const SETTINGS_SCHEMA = {
  'avdsec.enable': {
    type: 'boolean',
    default: true,
    scope: 'resource',
    description: 'Check Bicep, ARM JSON and Terraform files for insecure Azure Virtual Desktop settings.',
  },
  'avdsec.fixOnSave': {
    type: 'boolean',
    default: false,
    scope: 'resource',
    description: 'Apply every preferred avdsec fix of a file when it is saved (not when it is saved automatically after a delay).',
  },
  'avdsec.rules': {
    type: 'object',
    default: {},
    scope: 'resource',
    additionalProperties: {
      type: 'string',
      enum: ['off', 'hint', 'info', 'warning', 'error'],
    },
    markdownDescription:
      'Rule levels for this editor only, over those of `.avdsec.json`: a rule id and `off`, `hint`, `info`, `warning` or `error`, for example `{"rdp-media-redirection": "off"}`. The CLI ignores this setting, so CI keeps the levels of `.avdsec.json`.',
  },
  'avdsec.trace.server': {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: 'off',
    scope: 'window',
    description: 'Traces the communication between VS Code and the avdsec language server.',
  },
} as const;
