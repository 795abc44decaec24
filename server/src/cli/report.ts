import * as path from 'node:path';
import type { Finding, Level, Range } from '../engine/model';
import { LineIndex } from '../engine/positions';

/** 1-based line and UTF-16 column, as the CLI contract states. */
export interface Position {
  line: number;
  column: number;
}

export interface ReportRange {
  start: Position;
  end: Position;
}

export interface ReportFinding {
  ruleId: string;
  level: Level;
  message: string;
  file: string;
  range: ReportRange;
  fixes: { title: string }[];
  related: { file: string; range: ReportRange; message: string }[];
  /** Only with --show-suppressed, on the findings a suppression silences. */
  suppressed?: { kind: 'next-line' | 'file' | 'resource'; reason: string | null };
}

/**
 * A file the scan could not read, or a problem in a configuration file. `line` and `column` (1-based) say where, for
 * configuration problems; the JSON report folds them into the message to keep its `{file, message}` shape.
 */
export interface ReportError {
  file: string;
  message: string;
  line?: number;
  column?: number;
  /** `config`: a problem in a configuration file (SARIF toolConfigurationNotifications); otherwise a file that was not read. */
  kind?: 'config';
}

/** A file the scan left out on purpose (a symlink it does not follow), and why. */
export interface ReportNote {
  file: string;
  message: string;
}

export interface Report {
  tool: { name: 'avdsec'; version: string };
  findings: ReportFinding[];
  errors: ReportError[];
  skipped: ReportNote[];
  /**
   * `findings` never counts suppressed findings, nor those below --min-level; `byLevel` splits the same count by level;
   * `suppressed` only with --show-suppressed.
   */
  summary: { files: number; findings: number; byLevel: Record<Level, number>; suppressed?: number };
}

/** An error as the JSON outputs write it: `{file, message}`, with a configuration problem's line and column in the message. */
export function errorJson(e: ReportError): { file: string; message: string } {
  return { file: e.file, message: e.line ? `line ${e.line}, column ${e.column}: ${e.message}` : e.message };
}

/** The JSON report of the CLI contract (ARCHITECTURE.md): errors are `{file, message}`, and so are skipped files. */
export function formatJson(report: Report): string {
  return JSON.stringify({ ...report, errors: report.errors.map(errorJson) }, null, 2) + '\n';
}

/** Converts engine findings (offsets) to the CLI's report (relative paths, 1-based lines and columns): the one place it happens. */
export class Reporter {
  private readonly indexes = new Map<string, LineIndex>();

  constructor(
    private readonly cwd: string,
    private readonly textOf: (file: string) => string | undefined,
  ) {}

  relative(file: string): string {
    const rel = path.relative(this.cwd, file);
    return (rel === '' ? path.basename(file) : rel).split(path.sep).join('/');
  }

  range(file: string, r: Range): ReportRange {
    let idx = this.indexes.get(file);
    if (!idx) this.indexes.set(file, (idx = new LineIndex(this.textOf(file) ?? '')));
    const s = idx.position(r.start);
    const e = idx.position(r.end);
    return { start: { line: s.line + 1, column: s.character + 1 }, end: { line: e.line + 1, column: e.character + 1 } };
  }

  finding(f: Finding): ReportFinding {
    return {
      ruleId: f.ruleId,
      level: f.level,
      message: f.message,
      file: this.relative(f.uri),
      range: this.range(f.uri, f.range),
      fixes: f.fixes.map((x) => ({ title: x.title })),
      related: f.related.map((r) => ({ file: this.relative(r.uri), range: this.range(r.uri, r.range), message: r.message })),
      ...(f.suppressed ? { suppressed: { kind: f.suppressed.kind, reason: f.suppressed.reason ?? null } } : {}),
    };
  }
}

const ORDER: Level[] = ['hint', 'info', 'warning', 'error'];

export function atLeast(level: Level, threshold: Level): boolean {
  return ORDER.indexOf(level) >= ORDER.indexOf(threshold);
}
