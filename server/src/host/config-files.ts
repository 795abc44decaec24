import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { type AvdsecConfig, type ConfigLayer, CONFIG_FILE_NAME, emptyConfig, mergeLayers, type OptionSpec, parseConfigLayer } from '../engine/config';
import { LineIndex } from '../engine/positions';
import { RULE_IDS, ruleById } from '../engine/registry';
import { isInside, MAX_CONFIG_BYTES } from './files';
import { readRegularFile } from './regular-files';
import { Repositories } from './repositories';

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
  /** The configuration files it was built from: the file itself, then the files it extends that were read. */
  sources?: string[];
  /** Every file its `extends` names, read or not (one missing or not yet valid may be fixed): a change to one loads it again. */
  dependencies?: string[];
  isExcluded(file: string): boolean;
  /** The templates `parameterFiles` pairs a parameters file with (absolute paths), nearest configuration file first. */
  parameterTemplates(file: string): string[];
}

const DEFAULTS: LoadedConfig = {
  config: emptyConfig(),
  problems: [],
  sources: [],
  dependencies: [],
  isExcluded: () => false,
  parameterTemplates: () => [],
};

/** The options a rule takes, for parseConfig to check (the editor can pass it too). */
export const ruleOptions = (id: string): Readonly<Record<string, OptionSpec>> | undefined => ruleById(id)?.options;

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
 * The folders `extends` may read from (absolute): a configuration from a repository under review must not read the
 * rest of the machine. Both the paths as given and their real paths count, so a symlink out of them is refused.
 */
export class ConfigRoots {
  private readonly real: string[];

  constructor(private readonly folders: readonly string[]) {
    this.real = folders.map((f) => realpath(f) ?? f);
  }

  /** Why `file` may not be read (`outside the workspace`, `no such file`), or undefined when it may. */
  refusal(file: string): string | undefined {
    // Checked on the path as written first, so that nothing is learnt about files outside (not even whether they exist).
    if (!this.holds(file)) return 'outside the workspace';
    const real = realpath(file);
    if (real === undefined) return 'no such file';
    return this.real.some((f) => isInside(real, f)) ? undefined : 'outside the workspace';
  }

  /**
   * Whether `file` is inside the roots as written but a symlink out of them (a `.avdsec.json` of the repository that
   * points at a file of the machine). A file outside the roots as written (above them) is the machine's own.
   */
  escapes(file: string): boolean {
    if (!this.holds(file)) return false;
    const real = realpath(file);
    return real !== undefined && !this.real.some((f) => isInside(real, f));
  }

  /** Whether a path is inside the roots as written (or as resolved). */
  holds(file: string): boolean {
    return this.folders.some((f) => isInside(file, f)) || this.real.some((f) => isInside(file, f));
  }
}

/**
 * The roots of a scan: each scanned folder (a scanned file's own folder), the git repository it is in (the nearest
 * folder above with a `.git` entry: a shared configuration often sits at the top of the repository), and the folder of
 * `--config`.
 */
export function scanRoots(paths: readonly string[], cwd: string, configFile?: string): ConfigRoots {
  const folders = new Set<string>();
  const repositories = new Repositories();
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    const dir = fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory() ? abs : path.dirname(abs);
    folders.add(dir);
    const git = repositories.gitFolderAt(dir);
    if (git) folders.add(git);
  }
  if (configFile) folders.add(path.dirname(path.resolve(cwd, configFile)));
  return new ConfigRoots([...folders]);
}

/** Whether anything is at `f` (a dangling symlink too); true when that cannot be told, so that the caller looks closer. */
function hasEntry(f: string): boolean {
  try {
    return fs.lstatSync(f, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return true;
  }
}

function realpath(f: string): string | undefined {
  try {
    return fs.realpathSync(f);
  } catch {
    return undefined;
  }
}

/**
 * Reads a configuration file and the files it extends (depth first, in order, so that later files and the file itself
 * win). A cycle is reported at the `extends` entry that closes it, and not followed. `extends` reads only regular
 * files of at most 1 MB inside `roots`, and only avdsec configurations: anything else is reported at the entry, and
 * nothing of its content is (it may be any file of the repository).
 */
export function loadConfigFile(file: string, roots: ConfigRoots): LoadedConfig {
  const problems: ConfigFileProblem[] = [];
  const layers: Layer[] = [];
  const sources: string[] = [];
  const dependencies = new Set<string>();
  const reads = new Map<string, Read>();
  const read = (f: string): Read => {
    let r = reads.get(f);
    if (!r) {
      const bytes = readRegularFile(f, MAX_CONFIG_BYTES);
      if (bytes.ok) {
        const text = bytes.bytes.toString('utf8').replace(/^\uFEFF/, '');
        r = { text, lines: new LineIndex(text) };
      } else r = { error: bytes.reason };
      reads.set(f, r);
    }
    return r;
  };
  const problemAt = (f: string, lines: LineIndex | undefined, offset: number | undefined, message: string) => {
    if (!lines || offset === undefined) return problems.push({ file: f, message });
    const p = lines.position(offset);
    problems.push({ file: f, line: p.line + 1, column: p.character + 1, message });
  };

  const visit = (f: string, text: string, lines: LineIndex, stack: string[]): void => {
    // A file extended twice (a diamond, no cycle) is one source.
    if (!sources.includes(f)) sources.push(f);
    const { layer, problems: own } = parseConfigLayer(text, RULE_IDS, ruleOptions);
    for (const p of own) problemAt(f, lines, p.offset, p.message);
    for (const ref of layer.extends) {
      const target = path.resolve(path.dirname(f), ref.path);
      const refused = (why: string) => problemAt(f, lines, ref.offset, `"extends": cannot read "${ref.path}": ${why}`);
      dependencies.add(target);
      if (stack.includes(target) || target === f) {
        const cycle = [...stack.slice(stack.indexOf(target)), f, target].map((x) => path.basename(x));
        problemAt(f, lines, ref.offset, `"extends" makes a cycle (${cycle.join(' -> ')}); "${ref.path}" is not read again`);
        continue;
      }
      const outside = roots.refusal(target);
      if (outside) {
        refused(outside);
        continue;
      }
      const base = read(target);
      if (base.text === undefined) {
        refused(base.error!);
        continue;
      }
      if (!parseConfigLayer(base.text, RULE_IDS).isConfig) {
        problemAt(f, lines, ref.offset, `"extends": "${ref.path}" is not an avdsec configuration file`);
        continue;
      }
      visit(target, base.text, base.lines!, [...stack, f]);
    }
    layers.push({ file: f, layer });
  };

  const top = read(file);
  if (top.text === undefined) return { ...DEFAULTS, file, sources: [file], problems: [{ file, message: `cannot read the configuration: ${top.error}` }] };
  visit(file, top.text, top.lines!, []);

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
  // Each pairing is relative to the file that writes it; the file itself (last) wins over those it extends.
  const pairings: { dir: string; match: picomatch.Matcher; template: string }[] = [];
  for (const l of [...layers].reverse()) {
    for (const p of l.layer.parameterFiles ?? []) {
      try {
        const dir = path.dirname(l.file);
        pairings.push({ dir, match: picomatch(p.glob, EXCLUDE_GLOB_OPTIONS), template: path.resolve(dir, p.template) });
      } catch (err) {
        const why = ((err as Error).message ?? '').split(': ').pop();
        problemAt(l.file, reads.get(l.file)?.lines, p.offset, `"parameterFiles" pattern is not a valid glob${why ? `: ${why}` : ''}`);
      }
    }
  }
  const config = mergeLayers(layers.map((l) => l.layer));
  const base = path.dirname(excluding?.file ?? file);
  return {
    config,
    file,
    problems,
    sources,
    dependencies: [...dependencies],
    isExcluded: (f) => {
      if (!matchers.length) return false;
      const rel = path.relative(base, f).split(path.sep).join('/');
      return !rel.startsWith('..') && matchers.some((m) => m(rel));
    },
    parameterTemplates: (f) => {
      const out: string[] = [];
      for (const p of pairings) {
        const rel = path.relative(p.dir, f).split(path.sep).join('/');
        if (!rel.startsWith('..') && p.match(rel) && !out.includes(p.template)) out.push(p.template);
      }
      return out;
    },
  };
}

/**
 * Finds the `.avdsec.json` that applies to a file by walking up from its folder (as the Bicep linter finds
 * bicepconfig.json) to the top of the roots (the workspace folder, the repository), caching each folder's answer. A
 * configuration above the roots is not the workspace's: a folder such as /tmp is anybody's to write in.
 */
export class ConfigResolver {
  private readonly byDir = new Map<string, LoadedConfig>();
  private readonly byFile = new Map<string, LoadedConfig>();

  /** `roots`: the folders the files `extends` names must be in; `explicit`: the one configuration for every file (`--config`). */
  constructor(
    private readonly roots: ConfigRoots,
    private readonly explicit?: string,
  ) {}

  forFile(file: string): LoadedConfig {
    if (this.explicit) return this.load(path.resolve(this.explicit));
    return this.forDir(path.dirname(path.resolve(file)));
  }

  private forDir(dir: string): LoadedConfig {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    // Most folders have none: one lstat, where realpath would throw (a scan asks for every folder it reads files in).
    const present = hasEntry(candidate);
    let result: LoadedConfig;
    if (present && this.roots.escapes(candidate)) {
      const message = 'cannot read the configuration: a symlink to a file outside the workspace';
      this.byFile.set(candidate, (result = { ...DEFAULTS, file: candidate, sources: [candidate], problems: [{ file: candidate, message }] }));
    } else if (!this.roots.holds(dir)) result = DEFAULTS;
    else if (present && fs.existsSync(candidate)) result = this.load(candidate);
    else {
      const parent = path.dirname(dir);
      result = parent === dir ? DEFAULTS : this.forDir(parent);
    }
    this.byDir.set(dir, result);
    return result;
  }

  private load(file: string): LoadedConfig {
    let c = this.byFile.get(file);
    if (!c) this.byFile.set(file, (c = loadConfigFile(file, this.roots)));
    return c;
  }

  /** Whether a configuration file of the workspace is a symlink out of it, never to be read (see ConfigRoots.escapes). */
  escapes(file: string): boolean {
    return this.roots.escapes(file);
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
