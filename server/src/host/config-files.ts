import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { type AvdsecConfig, type ConfigLayer, CONFIG_FILE_NAME, emptyConfig, mergeLayers, parseConfigLayer } from '../engine/config';
import { LineIndex } from '../engine/positions';
import { RULE_IDS, ruleById } from '../engine/rules/index';

/** A problem in a configuration file, at a 1-based line and UTF-16 column when it is about a place in the file. */
export interface ConfigFileProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface LoadedConfig {
  config: AvdsecConfig;
  /** The file it came from; undefined for the built-in defaults. */
  file?: string;
  problems: ConfigFileProblem[];
  /** Every file read to build it: the file itself, then the files it extends (for watchers). */
  sources?: string[];
  isExcluded(file: string): boolean;
}

const DEFAULTS: LoadedConfig = { config: emptyConfig(), problems: [], sources: [], isExcluded: () => false };

/** The option names a rule takes, for parseConfig to report others (the editor can pass it too). */
export const ruleOptionNames = (id: string): string[] => Object.keys(ruleById(id)?.options ?? {});

interface Layer {
  file: string;
  layer: ConfigLayer;
}

/** One file's text, read once per load, with its line index for problem positions. */
interface Read {
  text?: string;
  error?: string;
  lines?: LineIndex;
}

/** How picomatch reads `exclude` globs: dot files too; no extended globs and `+` as itself (see EXCLUDE_LIMITS). */
export const EXCLUDE_GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true, noextglob: true, regex: false, debug: true };

/**
 * Reads a configuration file and the files it extends (depth first, in order, so that later files and the file itself
 * win). A cycle is reported at the `extends` entry that closes it, and not followed.
 */
export function loadConfigFile(file: string): LoadedConfig {
  const problems: ConfigFileProblem[] = [];
  const layers: Layer[] = [];
  const sources: string[] = [];
  const reads = new Map<string, Read>();
  const read = (f: string): Read => {
    let r = reads.get(f);
    if (!r) {
      try {
        const text = fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
        r = { text, lines: new LineIndex(text) };
      } catch (e) {
        r = { error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message };
      }
      reads.set(f, r);
      sources.push(f);
    }
    return r;
  };
  const problemAt = (f: string, lines: LineIndex | undefined, offset: number | undefined, message: string) => {
    if (!lines || offset === undefined) return problems.push({ file: f, message });
    const p = lines.position(offset);
    problems.push({ file: f, line: p.line + 1, column: p.character + 1, message });
  };

  const visit = (f: string, stack: string[]): void => {
    const r = read(f);
    if (r.text === undefined) return;
    const { layer, problems: own } = parseConfigLayer(r.text, RULE_IDS, ruleOptionNames);
    for (const p of own) problemAt(f, r.lines, p.offset, p.message);
    for (const ref of layer.extends) {
      const target = path.resolve(path.dirname(f), ref.path);
      if (stack.includes(target) || target === f) {
        const cycle = [...stack.slice(stack.indexOf(target)), f, target].map((x) => path.basename(x));
        problemAt(f, r.lines, ref.offset, `"extends" makes a cycle (${cycle.join(' -> ')}); "${ref.path}" is not read again`);
        continue;
      }
      const base = read(target);
      if (base.text === undefined) {
        problemAt(f, r.lines, ref.offset, `"extends": cannot read "${ref.path}": ${base.error}`);
        continue;
      }
      visit(target, [...stack, f]);
    }
    layers.push({ file: f, layer });
  };

  const top = read(file);
  if (top.text === undefined) return { ...DEFAULTS, file, sources: [file], problems: [{ file, message: `cannot read the configuration: ${top.error}` }] };
  visit(file, []);

  // Exclude patterns are relative to the file that wrote them (the last one that sets `exclude`).
  const excluding = [...layers].reverse().find((l) => l.layer.exclude);
  const matchers: picomatch.Matcher[] = [];
  for (const e of excluding?.layer.exclude ?? []) {
    try {
      matchers.push(picomatch(e.pattern, EXCLUDE_GLOB_OPTIONS));
    } catch (err) {
      // With `debug`, picomatch throws what the regular expression it built says is wrong; the pattern is the user's.
      const why = ((err as Error).message ?? '').split(': ').pop();
      problemAt(excluding!.file, reads.get(excluding!.file)?.lines, e.offset, `"exclude" pattern is not a valid glob${why ? `: ${why}` : ''}`);
    }
  }
  const config = mergeLayers(layers.map((l) => l.layer));
  const base = path.dirname(excluding?.file ?? file);
  return {
    config,
    file,
    problems,
    sources,
    isExcluded: (f) => {
      if (!matchers.length) return false;
      const rel = path.relative(base, f).split(path.sep).join('/');
      return !rel.startsWith('..') && matchers.some((m) => m(rel));
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

  /** The problems of every configuration loaded so far, each once (several configurations may extend one file). */
  problems(): ConfigFileProblem[] {
    const seen = new Set<string>();
    const out: ConfigFileProblem[] = [];
    for (const c of this.byFile.values()) {
      for (const p of c.problems) {
        const k = `${p.file}\u0000${p.line}\u0000${p.column}\u0000${p.message}`;
        if (!seen.has(k)) {
          seen.add(k);
          out.push(p);
        }
      }
    }
    return out;
  }
}
