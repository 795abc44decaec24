import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, type Settings } from '../protocol/settings';

/** Per-document settings pulled from the client (`workspace/configuration`), cached until the client says they changed. */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<Settings>>();
  supported = false;

  constructor(private readonly connection: Connection) {}

  get(uri: string): Promise<Settings> {
    if (!this.supported) return Promise.resolve(DEFAULT_SETTINGS);
    let s = this.cache.get(uri);
    if (!s) {
      s = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'avdsec' })
        .then((v: Partial<Settings> | null) => ({ ...DEFAULT_SETTINGS, ...(v ?? {}) }))
        .catch(() => DEFAULT_SETTINGS);
      this.cache.set(uri, s);
    }
    return s;
  }

  clear(): void {
    this.cache.clear();
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
