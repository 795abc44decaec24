import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, RULE_LEVEL_SETTINGS, type RuleLevelSetting, type Settings } from '../protocol/settings';

/** Per-document settings pulled from the client (`workspace/configuration`), cached until the client says they changed. */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<Settings>>();
  supported = false;
  /** What a client without `workspace/configuration` pushed with `workspace/didChangeConfiguration` (its `avdsec` section). */
  private pushed: Settings = DEFAULT_SETTINGS;

  constructor(private readonly connection: Connection) {}

  get(uri: string): Promise<Settings> {
    if (!this.supported) return Promise.resolve(this.pushed);
    let s = this.cache.get(uri);
    if (!s) {
      s = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'avdsec' })
        .then((v: unknown) => normalize(v))
        .catch(() => DEFAULT_SETTINGS);
      this.cache.set(uri, s);
    }
    return s;
  }

  /**
   * The client says settings changed. A client that cannot be asked (Neovim 0.7 by default, some other LSP clients)
   * sends them here, the whole settings object or `{ avdsec: ... }`; the others are asked again.
   */
  changed(settings: unknown): void {
    this.cache.clear();
    if (this.supported || !settings || typeof settings !== 'object') return;
    const section = (settings as Record<string, unknown>).avdsec;
    if (section !== undefined) this.pushed = normalize(section);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}

/** What the client sent, with every value of the wrong type replaced by its default (a hand-edited settings.json may hold anything). */
export function normalize(v: unknown): Settings {
  const raw = v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  const rules: Record<string, RuleLevelSetting> = {};
  if (raw.rules && typeof raw.rules === 'object' && !Array.isArray(raw.rules)) {
    for (const [id, level] of Object.entries(raw.rules as Record<string, unknown>)) {
      if (typeof level === 'string' && (RULE_LEVEL_SETTINGS as readonly string[]).includes(level)) rules[id] = level as RuleLevelSetting;
    }
  }
  return {
    enable: typeof raw.enable === 'boolean' ? raw.enable : DEFAULT_SETTINGS.enable,
    fixOnSave: typeof raw.fixOnSave === 'boolean' ? raw.fixOnSave : DEFAULT_SETTINGS.fixOnSave,
    rules,
  };
}
