import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CONFIG_FILE_NAME, emptyConfig } from '../engine/config';
import { renderFix } from '../engine/fix';
import type { Finding, Level, Range } from '../engine/model';
import { detectLanguage } from '../engine/parse';
import { loadGrammars } from '../host/grammars';
import { mcsbControlsOf } from '../engine/knowledge/mcsb';
import { META_RULES } from '../engine/meta-rules';
import { overviewHtml, overviewMarkdown } from '../engine/overview-render';
import { RULES } from '../engine/registry';
import { VERSION } from '../engine/version';
import { Workspace } from '../engine/workspace';
import { ConfigResolver, scanRoots } from '../host/config-files';
import { type Discovered, discoverFiles, grammarsDir, isInside, readSourceFile } from '../host/files';
import { resolveRoots, type ScanRoot, writeFixedFile } from '../host/fixed-files';
import { Repositories, tooWide } from '../host/repositories';
import { applyFixes, unifiedDiff } from './fix';
import { graphJson, graphText } from './graph';
import { starterConfig } from './init';
import { TerraformAhead, TerraformThreads } from './terraform-threads';
import { atLeast, formatJson, type Report, type ReportError, type ReportNote, Reporter } from './report';
import { formatSarif, type SarifDetail, type SarifFix } from './sarif';
import { escapeControls, formatText } from './text';

/** Exit codes of the CLI contract. */
const EXIT = { ok: 0, findings: 1, fatal: 2 } as const;

class UsageError extends Error {}

/** Where the CLI writes: a stream of the process, or anything that takes text. */
export interface CliOutput {
  write(text: string): unknown;
  /** A terminal: text output is colored (unless --color never, or NO_COLOR) and the help wraps at its width. */
  isTTY?: boolean;
  columns?: number;
}

/** What the CLI touches of its process: the standard streams, the working directory and its environment; nothing else of it. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Absolute: relative paths of the command line are resolved against it, and the report's paths are relative to it. */
  cwd: string;
  /** The environment variables the output depends on (NO_COLOR, TERM); none when absent. */
  env?: Readonly<Record<string, string | undefined>>;
}

type ColorWhen = 'auto' | 'always' | 'never';

interface ScanOptions {
  format: 'text' | 'json' | 'sarif';
  output?: string;
  config?: string;
  failOn: Level | 'never';
  /** Findings below it are neither reported nor counted for --fail-on. */
  minLevel: Level;
  failOnParseError?: boolean;
  quiet?: boolean;
  color: boolean;
  fix?: boolean;
  fixDryRun?: boolean;
  showSuppressed?: boolean;
  /** Threads: Terraform files may be parsed on jobs - 1 workers (TerraformAhead). */
  jobs?: number;
}

/**
 * Whether standard output gets colors: `--color always|never` (`--no-color` is never), else (auto) when it is a
 * terminal and neither NO_COLOR (any value but empty, https://no-color.org) nor TERM=dumb says otherwise.
 */
function useColor(when: ColorWhen | boolean | undefined, io: CliIo): boolean {
  if (when === false || when === 'never') return false;
  if (when === 'always') return true;
  return !!io.stdout.isTTY && !io.env?.NO_COLOR && io.env?.TERM !== 'dumb';
}

/** Engine URIs are forward-slash paths, whatever the OS. */
function toUri(file: string): string {
  return file.split(path.sep).join('/');
}

function fromUri(uri: string): string {
  return uri.split('/').join(path.sep);
}

function emit(out: string, opts: ScanOptions, io: CliIo): void {
  if (opts.output) {
    const file = path.resolve(io.cwd, opts.output);
    // CI writes reports into folders that may not exist yet (an artifact staging folder).
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, out);
  } else io.stdout.write(out);
}

/** The files of the command line, found and read with their configuration, in a workspace of their own. */
interface Loaded {
  ws: Workspace;
  roots: ScanRoot[];
  reporter: Reporter;
  texts: Map<string, string>;
  configOf: Map<string, ReturnType<ConfigResolver['forFile']>>;
  errors: ReportError[];
  skipped: ReportNote[];
  /** When files were named: the only ones reported on (the others were read as their deployment's context). */
  reported?: Set<string>;
}

/** Finds the files of `paths` (default: the current folder), reads them into a workspace and runs `use` on it. */
async function withFiles<T>(paths: string[], configOption: string | undefined, io: CliIo, use: (loaded: Loaded) => Promise<T> | T, jobs?: number): Promise<T> {
  const configFile = configOption ? path.resolve(io.cwd, configOption) : undefined;
  if (configFile && !fs.existsSync(configFile)) throw new UsageError(`configuration file not found: ${configOption}`);
  const targets = paths.length ? paths : ['.'];
  const resolver = new ConfigResolver(scanRoots(targets, io.cwd, configFile), configFile);
  const found = discoverFiles(targets, io.cwd);
  if (found.missing.length) throw new UsageError(`no such file or folder: ${found.missing.join(', ')}`);
  const roots = resolveRoots(targets, io.cwd);
  const named = namedFiles(targets, io.cwd);
  const repositories = new Repositories();
  const context = named.length ? withContext(found, named, io.cwd, repositories) : undefined;

  const ws = new Workspace(await loadGrammars(grammarsDir(__dirname)));
  // Repositories scanned together (`avdsec scan repo-a repo-b`) are projects of their own.
  ws.setProjects((uri) => repositories.of(fromUri(uri)));
  // A process that runs the CLI several times (the tests) must not fill the WebAssembly memory with the trees of past runs.
  try {
    const read = await readFiles(ws, context?.found ?? found, resolver, io.cwd, jobs ?? defaultJobs());
    if (!context) return await use({ ws, roots, ...read });
    const reported = new Set(context.reported.map(toUri));
    // Only what concerns the files scanned: the context's own errors and skipped files are another scan's to report.
    const names = new Set(
      [...found.files, ...found.errors.map((e) => e.file), ...found.skipped.map((e) => e.file)].map((f) => read.reporter.relative(toUri(f))),
    );
    const mine = (n: { file: string; kind?: string }) => n.kind === 'config' || names.has(n.file);
    return await use({ ws, roots, ...read, errors: read.errors.filter(mine), skipped: read.skipped.filter(mine), reported });
  } finally {
    ws.dispose();
  }
}

async function scan(paths: string[], opts: ScanOptions, io: CliIo): Promise<number> {
  if (opts.fix && opts.fixDryRun) throw new UsageError('use --fix or --fix-dry-run, not both');
  if (opts.fixDryRun && opts.format !== 'text') throw new UsageError('--fix-dry-run prints a diff; it cannot be combined with --format json or sarif');
  return withFiles(paths, opts.config, io, (loaded) => check(loaded, opts, io), opts.jobs);
}

/** The files (not folders) among the paths of the command line, absolute. */
function namedFiles(targets: readonly string[], cwd: string): string[] {
  return targets.map((p) => path.resolve(cwd, p)).filter((abs) => fs.statSync(abs, { throwIfNoEntry: false })?.isFile());
}

/**
 * Where the deployment of a named file may be: the repository it is in (the nearest folder with `.git`), else the
 * current folder when the file is inside it, else its own folder. Nothing outside is read. The file system's root and
 * the home folder are never taken whole as a context (a container's working directory is often `/`).
 */
function contextRoot(file: string, cwd: string, repositories: Repositories): string {
  const git = repositories.gitFolder(file);
  // A home folder kept in git (dotfiles) is no repository of infrastructure code.
  if (git) return tooWide(git) ? path.dirname(file) : git;
  return isInside(file, cwd) && !tooWide(cwd) ? cwd : path.dirname(file);
}

/**
 * Named files are checked in the repository they are in, as an editor checks a file in its workspace folder: the
 * modules they call and the files that call them, parameters and variables files, their Terraform directory, and the
 * resources other files link to by name all count. Findings are reported only in the files found under the given paths.
 */
function withContext(found: Discovered, named: string[], cwd: string, repositories: Repositories): { found: Discovered; reported: string[] } {
  const context = discoverFiles([...new Set(named.map((f) => contextRoot(f, cwd, repositories)))], cwd).files;
  return { found: { ...found, files: [...new Set([...found.files, ...context])].sort() }, reported: found.files };
}

/** Reads the files found into the workspace: what was read, with its configuration, and what was not. */
async function readFiles(ws: Workspace, found: Discovered, resolver: ConfigResolver, cwd: string, jobs: number): Promise<Omit<Loaded, 'ws' | 'roots'>> {
  const texts = new Map<string, string>();
  const configOf = new Map<string, ReturnType<ConfigResolver['forFile']>>();
  const reporter = new Reporter(toUri(cwd), (uri) => texts.get(uri));
  // What discovery did not read, unless the configuration excludes it anyway.
  const notes = (list: { file: string; message: string }[]): ReportNote[] =>
    list.filter((e) => !resolver.forFile(e.file).isExcluded(e.file)).map((e) => ({ file: reporter.relative(toUri(e.file)), message: e.message }));
  const errors: ReportError[] = notes(found.errors);
  const skipped = notes(found.skipped);
  ws.setParameterFiles((uri) => {
    const file = fromUri(uri);
    return resolver.forFile(file).parameterTemplates(file).map(toUri);
  });

  const sources: { uri: string; text: string; cfg: ReturnType<ConfigResolver['forFile']> }[] = [];
  for (const file of found.files) {
    const cfg = resolver.forFile(file);
    if (cfg.isExcluded(file)) continue;
    const uri = toUri(file);
    const read = readSourceFile(file, cfg.config.maxFileSizeMB);
    if (!read.ok) {
      // A .json file with binary content, or too large and not starting like a template, is most likely no ARM
      // template: say nothing about it.
      if (!/\.jsonc?$/i.test(file) || !(read.binary || (read.tooLarge && !read.isSource))) errors.push({ file: reporter.relative(uri), message: read.message });
      continue;
    }
    sources.push({ uri, text: read.text, cfg });
  }
  const worker = jobs > 1 ? TerraformThreads.workerFile(__dirname) : undefined;
  const ahead = worker
    ? TerraformAhead.start(
        worker,
        grammarsDir(__dirname),
        jobs - 1,
        sources.filter((s) => Workspace.isTerraform(detectLanguage(s.uri, s.text))).map((s) => s.text),
        sources.reduce((n, s) => n + s.text.length, 0),
      )
    : undefined;
  ws.setPreparsedTerraform(ahead?.lookup);
  try {
    for (const { uri, text, cfg } of sources) {
      await ahead?.ready(text);
      if (ws.set(uri, text)) {
        texts.set(uri, text);
        configOf.set(uri, cfg);
      }
      // After a file aborted the Terraform parser, the next one waits for its replacement (at once when it is ready).
      await ws.grammars.ready();
    }
  } finally {
    ws.setPreparsedTerraform(undefined);
    await ahead?.close();
  }
  for (const p of resolver.problems()) {
    errors.push({ file: reporter.relative(toUri(p.file)), message: p.message, ...(p.line ? { line: p.line, column: p.column } : {}), kind: 'config' });
  }
  return { reporter, texts, configOf, errors, skipped };
}

/** `--jobs N` of the commands that read files. */
function jobsOption(): Option {
  return new Option(
    '-j, --jobs <n>',
    'threads to use: when Terraform is a third or more of what is read, its files are parsed on the others (default: the cores, at most 4; 1: one thread)',
  ).argParser((v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('a whole number from 1 to 64');
    return n;
  });
}

/** Threads a scan uses unless told (--jobs): the cores this process may use, at most four. */
function defaultJobs(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** Checks the files read, fixes them when asked to, and writes the report; returns the exit code. */
function check({ ws, roots, reporter, texts, configOf, errors, skipped, reported }: Loaded, opts: ScanOptions, io: CliIo): number {
  const { cwd } = io;
  const uris = reported ? ws.uris().filter((u) => reported.has(u)) : ws.uris();
  const config = (uri: string) => configOf.get(uri)!.config;
  // The errors so far, configuration problems aside, are files that could not be read; syntax errors are counted below.
  let unparsed = errors.filter((e) => e.kind !== 'config').length;
  const note = (line: string) => {
    if (!opts.quiet) io.stderr.write(`avdsec: ${line}\n`);
  };

  let dryRun: { diff: string; count: string } | undefined;
  if (opts.fix || opts.fixDryRun) {
    const outcome = applyFixes(ws, uris, config);
    for (const uri of outcome.broken)
      errors.push({ file: reporter.relative(uri), message: 'a fix left a syntax error in this file, so the fixes that edit it were not applied' });
    const changed = [...outcome.changed].sort(([a], [b]) => a.localeCompare(b));
    const count = `${outcome.applied} fix${outcome.applied === 1 ? '' : 'es'} in ${changed.length} file${changed.length === 1 ? '' : 's'}`;
    if (opts.fixDryRun) {
      const paint = (code: string, line: string) => (opts.color && !opts.output ? `\u001b[${code}m${line}\u001b[0m` : line);
      const diff = changed
        .map(([uri, c]) => unifiedDiff(reporter.relative(uri), c.before, c.after))
        .join('')
        .replace(/^([-+@].*)$/gm, (line) => paint(line.startsWith('@@') ? '36' : line.startsWith('+') ? '32' : '31', line));
      // The workspace now holds the fixed texts: what follows judges them as a scan of the fixed files would.
      dryRun = { diff, count };
    } else {
      let refused = 0;
      for (const [uri, c] of changed) {
        const written = writeFixedFile(fromUri(uri), c.before, c.after, roots);
        if (written.ok) texts.set(uri, c.after);
        else {
          // The report is about the text that was read, without the fixes that were not written.
          ws.set(uri, c.before);
          errors.push({ file: reporter.relative(uri), message: written.message });
          refused++;
        }
      }
      note(`applied ${count}${refused ? `, but ${refused} file${refused === 1 ? ' was' : 's were'} not written (see the errors)` : ''}`);
    }
  }

  const findings: Finding[] = [];
  for (const uri of uris) {
    const doc = ws.document(uri)!;
    const fatal = doc.syntaxErrors.find((e) => e.fatal);
    if (fatal) errors.push({ file: reporter.relative(uri), message: fatal.message.replace(/^avdsec did not read this file: /, 'not checked: ') });
    else if (doc.syntaxErrors.length) {
      const first = doc.syntaxErrors[0];
      const at = reporter.range(uri, first.range).start;
      const n = doc.syntaxErrors.length;
      errors.push({
        file: reporter.relative(uri),
        message: `${n} syntax error${n === 1 ? '' : 's'}, the first at line ${at.line}, column ${at.column}: ${first.message}; the rest of the file was still checked`,
      });
    }
    if (doc.syntaxErrors.length) unparsed++;
    for (const f of ws.findings(uri, config(uri), { includeSuppressed: !!opts.showSuppressed && !dryRun }))
      if (atLeast(f.level, opts.minLevel)) findings.push(f);
  }
  findings.sort((a, b) => a.uri.localeCompare(b.uri) || a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId));

  const active = findings.filter((f) => !f.suppressed);
  const fails = (opts.failOn !== 'never' && active.some((f) => atLeast(f.level, opts.failOn as Level))) || (!!opts.failOnParseError && unparsed > 0);
  const code = fails ? EXIT.findings : EXIT.ok;
  const problem = (e: ReportError) => `avdsec: ${escapeControls(e.file)}${e.line ? `(${e.line},${e.column})` : ''}: ${escapeControls(e.message)}\n`;

  if (dryRun) {
    emit(dryRun.diff, opts, io);
    note(
      `--fix-dry-run: would apply ${dryRun.count}; ${active.length} finding${active.length === 1 ? '' : 's'} would remain ` +
        `(exit code ${code}, as a scan of the fixed files would give)`,
    );
    for (const e of errors) io.stderr.write(problem(e));
    return code;
  }

  const byLevel = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of active) byLevel[f.level]++;
  const report: Report = {
    tool: { name: 'avdsec', version: VERSION },
    findings: findings.map((f) => reporter.finding(f)),
    errors,
    skipped,
    summary: {
      files: uris.length,
      findings: active.length,
      byLevel,
      ...(opts.showSuppressed ? { suppressed: findings.length - active.length } : {}),
    },
  };
  if (opts.format === 'json') emit(formatJson(report), opts, io);
  else if (opts.format === 'sarif') {
    const rootUri = toUri(cwd) + '/';
    const ctx = ws.fixContext();
    const details: SarifDetail[] = findings.map((f) => ({
      identity: f.key.split(rootUri).join(''),
      fixes: f.fixes.flatMap((x): SarifFix[] => {
        const set = x.intent.kind === 'set-config' ? undefined : renderFix(x.intent, ctx);
        if (!set || set.creates.length || !set.edits.length || set.edits.some((e) => !texts.has(e.uri) || (reported && !reported.has(e.uri)))) return [];
        return [
          { title: x.title, changes: set.edits.map((e) => ({ file: reporter.relative(e.uri), range: reporter.range(e.uri, e.range), text: e.newText })) },
        ];
      }),
    }));
    emit(formatSarif(report, details, pathToFileURL(cwd + path.sep).href), opts, io);
  } else {
    emit(formatText(report, opts.color && !opts.output, { quiet: !!opts.quiet }), opts, io);
    // --quiet keeps the findings alone in the output; what could not be read still gets said, on standard error.
    if (opts.quiet) for (const e of errors) io.stderr.write(problem(e));
  }

  return code;
}

/** `avdsec init`: a commented starter .avdsec.json in the current folder. */
function initCommand(force: boolean, io: CliIo): number {
  const file = path.join(io.cwd, CONFIG_FILE_NAME);
  if (fs.existsSync(file) && !force) throw new UsageError(`${CONFIG_FILE_NAME} already exists here; use --force to overwrite it`);
  fs.writeFileSync(file, starterConfig());
  io.stdout.write(`Wrote ${CONFIG_FILE_NAME}: every rule is listed at its default level, commented out.\n`);
  return EXIT.ok;
}

/** `avdsec report`: the overview of every host pool, as a page or as Markdown, with links to the code. */
function reportCommand({ ws, reporter, configOf, errors }: Loaded, opts: { format: 'html' | 'markdown'; output?: string }, io: CliIo): number {
  const o = ws.overview((uri) => configOf.get(uri)?.config ?? emptyConfig());
  // Links are relative to where the report is read from: its own folder when written to a file.
  const base = opts.output ? path.dirname(path.resolve(io.cwd, opts.output)) : io.cwd;
  const link = (uri: string, range: Range) => {
    const file = fromUri(uri);
    const line = reporter.range(uri, range).start.line;
    const rel = path.relative(base, file).split(path.sep).join('/');
    return { href: `${encodeURI(rel)}#L${line}`, label: `${reporter.relative(uri)}:${line}` };
  };
  const out = opts.format === 'html' ? overviewHtml(o, link, { summary: true }) : overviewMarkdown(o, link);
  emit(out, { output: opts.output } as ScanOptions, io);
  for (const e of errors) io.stderr.write(`avdsec: ${escapeControls(e.file)}: ${escapeControls(e.message)}\n`);
  return EXIT.ok;
}

function rulesCommand(format: 'text' | 'json', io: CliIo): number {
  if (format === 'json') {
    const rules = RULES.map((r) => ({
      id: r.id,
      title: r.title,
      level: r.level,
      severity: r.severity,
      boundary: r.boundary,
      summary: r.summary,
      helpUri: r.helpUri,
      options: r.options,
      mcsb: mcsbControlsOf(r.id),
    }));
    // The findings about avdsec's input (a suppression, a module cycle) after the rules: same shape, not configurable.
    const meta = META_RULES.map((m) => ({
      id: m.id,
      title: m.title,
      level: m.level,
      severity: m.severity,
      boundary: [],
      summary: m.summary,
      helpUri: m.helpUri,
      options: {},
      mcsb: [],
      configurable: false,
    }));
    io.stdout.write(JSON.stringify({ tool: { name: 'avdsec', version: VERSION }, rules: [...rules, ...meta] }, null, 2) + '\n');
  } else {
    const all = [...RULES, ...META_RULES];
    const width = Math.max(...all.map((r) => r.id.length));
    const controls = all.map((r) => mcsbControlsOf(r.id).join(','));
    const cw = Math.max(...controls.map((c) => c.length));
    all.forEach((r, i) => io.stdout.write(`${r.id.padEnd(width)}  ${r.level.padEnd(7)}  ${controls[i].padEnd(cw)}  ${r.title}\n`));
  }
  return EXIT.ok;
}

/** The help wraps at the terminal's width, and at commander's default when the output is no terminal. */
function helpWidth(out: CliOutput): number {
  return (out.isTTY ? out.columns : undefined) ?? 80;
}

/** The CLI: `argv` as Node gives it (the node binary and the script first); returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command()
    .name('avdsec')
    .description('Security linter for Azure Virtual Desktop infrastructure code: Bicep, ARM JSON and Terraform.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      getOutHelpWidth: () => helpWidth(io.stdout),
      getErrHelpWidth: () => helpWidth(io.stderr),
      // The help has no styles, so there is no color to strip (commander would ask the environment).
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    });

  program
    .command('scan')
    .description(
      'scan files and folders (default: the current folder) for insecure AVD settings. A file named here is checked with the ' +
        'rest of its repository as context (the modules it calls and the templates that call it, parameters and tfvars files, ' +
        'the other files of its Terraform directory), as the editor checks it; findings are reported only in the files and ' +
        'folders given (a pre-commit hook passes the changed files)',
    )
    .argument('[paths...]', 'files or folders to scan')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('-c, --config <file>', 'use this configuration file instead of the nearest .avdsec.json')
    .addOption(
      new Option('--fail-on <level>', 'exit with 1 when a finding is at or above this level (never: only usage and fatal errors change the exit code)')
        .choices(['error', 'warning', 'info', 'hint', 'never'])
        .default('error'),
    )
    .addOption(
      new Option('--min-level <level>', 'report only findings at or above this level: those below are left out of every format and do not count for --fail-on')
        .choices(['error', 'warning', 'info', 'hint'])
        .default('hint'),
    )
    .option('--fail-on-parse-error', 'also exit with 1 when a file could not be read or parsed (a file listed under errors, not a configuration problem)')
    .option(
      '-q, --quiet',
      'print only the findings: no summary line, no skipped files and no notes (files that could not be read still go to standard error); JSON and SARIF are unchanged',
    )
    .option('--fix', 'apply the preferred fixes to the files, then report what remains')
    .option('--fix-dry-run', 'print the preferred fixes as a unified diff and change nothing; exits as a scan of the fixed files would')
    .addOption(jobsOption())
    .option('--show-suppressed', 'also list the findings that suppression comments silence, marked as suppressed')
    .addOption(
      new Option('--color <when>', 'color the text output and the diff: auto (a terminal, unless NO_COLOR is set), always or never').choices([
        'auto',
        'always',
        'never',
      ]),
    )
    .option('--no-color', 'plain text output (--color never)')
    .action(async (paths: string[], opts: Omit<ScanOptions, 'color'> & { color?: ColorWhen | boolean }) => {
      code = await scan(paths, { ...opts, color: useColor(opts.color, io) }, io);
    });

  program
    .command('init')
    .description(`write a commented starter ${CONFIG_FILE_NAME} in the current folder`)
    .option('--force', `overwrite an existing ${CONFIG_FILE_NAME}`)
    .action((opts: { force?: boolean }) => {
      code = initCommand(!!opts.force, io);
    });

  program
    .command('graph')
    .description('show each host pool with the session hosts, application groups, role assignments and parameter files linked to it, and how')
    .argument('[paths...]', 'files or folders to read')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-c, --config <file>', 'use this configuration file instead of the nearest .avdsec.json')
    .addOption(jobsOption())
    .action(async (paths: string[], opts: { format: 'text' | 'json'; config?: string; jobs?: number }) => {
      code = await withFiles(
        paths,
        opts.config,
        io,
        ({ ws, reporter, errors }) => {
          const g = graphJson(ws.graphReport(), reporter, VERSION, errors);
          io.stdout.write(opts.format === 'json' ? JSON.stringify(g, null, 2) + '\n' : graphText(g));
          return EXIT.ok;
        },
        opts.jobs,
      );
    });

  program
    .command('report')
    .description('write a security overview of every host pool: a summary table, then per host pool its sections, a diagram and the findings behind them')
    .argument('[paths...]', 'files or folders to read')
    .addOption(
      new Option('-f, --format <format>', 'report format: html (a page with inline diagrams, no script) or markdown (for a pull request comment)')
        .choices(['html', 'markdown'])
        .default('markdown'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of standard output (links to the code are relative to its folder)')
    .option('-c, --config <file>', 'use this configuration file instead of the nearest .avdsec.json')
    .addOption(jobsOption())
    .action(async (paths: string[], opts: { format: 'html' | 'markdown'; output?: string; config?: string; jobs?: number }) => {
      code = await withFiles(paths, opts.config, io, (loaded) => reportCommand(loaded, opts, io), opts.jobs);
    });

  program
    .command('rules')
    .description('list the rules')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { format: 'text' | 'json' }) => {
      code = rulesCommand(opts.format, io);
    });

  // Bare `avdsec` is a usage error: the help goes to standard error, as for a wrong option.
  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    return EXIT.fatal;
  }
  try {
    await program.parseAsync(argv, { from: 'node' });
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    if (err.code?.startsWith('commander.')) return EXIT.fatal;
    if (e instanceof UsageError) {
      io.stderr.write(`avdsec: ${e.message}\n`);
      return EXIT.fatal;
    }
    io.stderr.write(`avdsec: fatal error: ${(e as Error).stack ?? e}\n`);
    return EXIT.fatal;
  }
  return code;
}

if (require.main === module) {
  main(process.argv, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`avdsec: fatal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = EXIT.fatal;
    },
  );
}
