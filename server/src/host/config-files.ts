import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { type AvdsecConfig, CONFIG_FILE_NAME, emptyConfig, parseConfig } from '../engine/config';
import { RULE_IDS } from '../engine/rules/index';

export interface LoadedConfig {
  config: AvdsecConfig;
  /** The file it came from; undefined for the built-in defaults. */
  file?: string;
  problems: string[];
  isExcluded(file: string): boolean;
}

const DEFAULTS: LoadedConfig = { config: emptyConfig(), problems: [], isExcluded: () => false };

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { ...DEFAULTS, file, problems: [`${file}: cannot read the configuration: ${(e as Error).message}`] };
  }
  const { config, problems } = parseConfig(text, RULE_IDS);
  const base = path.dirname(file);
  const match = config.exclude.length ? picomatch(config.exclude, { dot: true }) : undefined;
  return {
    config,
    file,
    problems: problems.map((p) => `${file}: ${p.message}`),
    isExcluded: (f) => {
      if (!match) return false;
      const rel = path.relative(base, f).split(path.sep).join('/');
      return !rel.startsWith('..') && match(rel);
    },
  };
}

/**
 * Finds the `.avdsec.json` that applies to a file by walking up from its folder (as the Bicep linter finds
 * bicepconfig.json), caching each folder's answer.
 */
export class ConfigResolver {
  private readonly byDir = new Map<string, LoadedConfig>();
  private readonly byFile = new Map<string, LoadedConfig>();

  constructor(private readonly explicit?: string) {}

  forFile(file: string): LoadedConfig {
    if (this.explicit) return this.load(path.resolve(this.explicit));
    return this.forDir(path.dirname(path.resolve(file)));
  }

  private forDir(dir: string): LoadedConfig {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    let result: LoadedConfig;
    if (fs.existsSync(candidate)) result = this.load(candidate);
    else {
      const parent = path.dirname(dir);
      result = parent === dir ? DEFAULTS : this.forDir(parent);
    }
    this.byDir.set(dir, result);
    return result;
  }

  private load(file: string): LoadedConfig {
    let c = this.byFile.get(file);
    if (!c) this.byFile.set(file, (c = loadConfigFile(file)));
    return c;
  }

  /** Forgets cached answers (the LSP calls this when a configuration file changes). */
  clear(): void {
    this.byDir.clear();
    this.byFile.clear();
  }

  /** Every configuration loaded so far. */
  loaded(): LoadedConfig[] {
    return [...this.byFile.values()];
  }
}
