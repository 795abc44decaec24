import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Finding, Level } from '../engine/model';
import { loadGrammars } from '../engine/parse';
import { RULES } from '../engine/rules/index';
import { VERSION } from '../engine/version';
import { Workspace } from '../engine/workspace';
import { ConfigResolver } from '../host/config-files';
import { discoverFiles, grammarsDir, readSourceFile } from '../host/files';
import { atLeast, type Report, Reporter } from './report';
import { formatSarif } from './sarif';
import { formatText } from './text';

/** Exit codes of the CLI contract. */
const EXIT = { ok: 0, findings: 1, fatal: 2 } as const;

class UsageError extends Error {}

interface ScanOptions {
  format: 'text' | 'json' | 'sarif';
  output?: string;
  config?: string;
  failOn: Level | 'never';
  color: boolean;
}

/** Engine URIs are forward-slash paths, whatever the OS. */
function toUri(file: string): string {
  return file.split(path.sep).join('/');
}

async function scan(paths: string[], opts: ScanOptions): Promise<number> {
  const cwd = process.cwd();
  if (opts.config && !fs.existsSync(opts.config)) throw new UsageError(`configuration file not found: ${opts.config}`);
  const resolver = new ConfigResolver(opts.config);
  const { files, missing } = await discoverFiles(paths.length ? paths : ['.'], cwd);
  if (missing.length) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);

  const ws = new Workspace(await loadGrammars(grammarsDir(__dirname)));
  const texts = new Map<string, string>();
  const errors: Report['errors'] = [];
  const configOf = new Map<string, ReturnType<ConfigResolver['forFile']>>();
  const reporter = new Reporter(toUri(cwd), (uri) => texts.get(uri));

  for (const file of files) {
    const cfg = resolver.forFile(file);
    if (cfg.isExcluded(file)) continue;
    const uri = toUri(file);
    const read = readSourceFile(file);
    if (!read.ok) {
      // A .json file that cannot be read is most likely not an ARM template; say nothing about it.
      if (!/\.jsonc?$/i.test(file)) errors.push({ file: reporter.relative(uri), message: read.message });
      continue;
    }
    if (ws.set(uri, read.text)) {
      texts.set(uri, read.text);
      configOf.set(uri, cfg);
    }
  }
  for (const cfg of resolver.loaded()) {
    for (const p of cfg.problems) errors.push({ file: reporter.relative(toUri(cfg.file ?? cwd)), message: p.replace(`${cfg.file}: `, '') });
  }

  const findings: Finding[] = [];
  for (const uri of ws.uris()) {
    const doc = ws.document(uri)!;
    if (doc.syntaxErrors.length) {
      const first = doc.syntaxErrors[0];
      const at = reporter.range(uri, first.range).start;
      const n = doc.syntaxErrors.length;
      errors.push({ file: reporter.relative(uri), message: `${n} syntax error${n === 1 ? '' : 's'}, the first at line ${at.line}, column ${at.column}: ${first.message}; the rest of the file was still checked` });
    }
    findings.push(...ws.findings(uri, configOf.get(uri)!.config));
  }
  findings.sort((a, b) => a.uri.localeCompare(b.uri) || a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId));

  const report: Report = {
    tool: { name: 'avdsec', version: VERSION },
    findings: findings.map((f) => reporter.finding(f)),
    errors,
    summary: { files: texts.size, findings: findings.length },
  };
  let out: string;
  if (opts.format === 'json') out = JSON.stringify(report, null, 2) + '\n';
  else if (opts.format === 'sarif') {
    const root = pathToFileURL(cwd + path.sep).href;
    const rootUri = toUri(cwd) + '/';
    out = formatSarif(report, findings, root, (f) => `${f.key.split(rootUri).join('')}`);
  } else out = formatText(report, opts.color && !opts.output);
  if (opts.output) fs.writeFileSync(opts.output, out);
  else process.stdout.write(out);

  if (opts.failOn === 'never') return EXIT.ok;
  return findings.some((f) => atLeast(f.level, opts.failOn as Level)) ? EXIT.findings : EXIT.ok;
}

function rulesCommand(format: 'text' | 'json'): number {
  if (format === 'json') {
    const rules = RULES.map((r) => ({ id: r.id, title: r.title, level: r.level, severity: r.severity, boundary: r.boundary, summary: r.summary, helpUri: r.helpUri, options: r.options ?? {} }));
    process.stdout.write(JSON.stringify({ tool: { name: 'avdsec', version: VERSION }, rules }, null, 2) + '\n');
  } else {
    const width = Math.max(...RULES.map((r) => r.id.length));
    for (const r of RULES) process.stdout.write(`${r.id.padEnd(width)}  ${r.level.padEnd(7)}  ${r.title}\n`);
  }
  return EXIT.ok;
}

function choice<T extends string>(values: readonly T[]) {
  return (v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}`);
    return v as T;
  };
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command()
    .name('avdsec')
    .description('Security linter for Azure Virtual Desktop infrastructure code: Bicep, ARM JSON and Terraform.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('scan')
    .description('scan files and folders (default: the current folder) for insecure AVD settings')
    .argument('[paths...]', 'files or folders to scan')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('-c, --config <file>', 'use this configuration file instead of the nearest .avdsec.json')
    .addOption(new Option('--fail-on <level>', 'exit with 1 when a finding is at or above this level').argParser(choice(['error', 'warning', 'info', 'hint', 'never'] as const)).default('error'))
    .option('--no-color', 'plain text output')
    .action(async (paths: string[], opts: ScanOptions) => {
      code = await scan(paths, { ...opts, color: opts.color && !!process.stdout.isTTY });
    });

  program
    .command('rules')
    .description('list the rules')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { format: 'text' | 'json' }) => {
      code = rulesCommand(opts.format);
    });

  try {
    await program.parseAsync(argv, { from: 'node' });
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    if (err.code?.startsWith('commander.')) return EXIT.fatal;
    if (e instanceof UsageError) {
      process.stderr.write(`avdsec: ${e.message}\n`);
      return EXIT.fatal;
    }
    process.stderr.write(`avdsec: fatal error: ${(e as Error).stack ?? e}\n`);
    return EXIT.fatal;
  }
  return code;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`avdsec: fatal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = EXIT.fatal;
    },
  );
}
