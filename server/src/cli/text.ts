import type { Report } from './report';

const LABEL = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' } as const;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional controls escaped as JSON escapes
 * them (`\n`, `\u001b`): a file name or a value from a file under review must not start a line of its own, color the
 * terminal or reorder what is shown.
 */
export function escapeControls(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex -- the control characters are what this escapes
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * `file(line,col): level rule-id: message`, one finding per line, then the errors and a summary. `quiet`: the findings
 * alone (the caller says what could not be read elsewhere).
 */
export function formatText(report: Report, color: boolean, { quiet = false }: { quiet?: boolean } = {}): string {
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const esc = escapeControls;
  const lines: string[] = [];
  for (const f of report.findings) {
    const level = f.suppressed
      ? paint('2', LABEL[f.level])
      : f.level === 'error'
        ? paint('31', LABEL.error)
        : f.level === 'warning'
          ? paint('33', LABEL.warning)
          : paint('36', LABEL[f.level]);
    lines.push(`${esc(f.file)}(${f.range.start.line},${f.range.start.column}): ${level} ${f.ruleId}: ${esc(f.message)}`);
    if (f.suppressed) lines.push(`    ${paint('2', `suppressed: ${esc(f.suppressed.reason ?? `no reason given (${f.suppressed.kind} suppression)`)}`)}`);
    for (const r of f.related) lines.push(`    ${esc(r.file)}(${r.range.start.line},${r.range.start.column}): ${esc(r.message)}`);
    if (f.fixes.length && !f.suppressed) lines.push(`    fix: ${esc(f.fixes.map((x) => x.title).join(' | '))}`);
  }
  if (quiet) return lines.length ? lines.join('\n') + '\n' : '';
  for (const e of report.errors) lines.push(`${esc(e.file)}${e.line ? `(${e.line},${e.column})` : ''}: ${paint('31', 'error')} ${esc(e.message)}`);
  for (const s of report.skipped) lines.push(`${esc(s.file)}: ${paint('2', 'skipped')} ${esc(s.message)}`);
  const active = report.findings.filter((f) => !f.suppressed);
  const counts = (['error', 'warning', 'info', 'hint'] as const)
    .map((l) => [l, active.filter((f) => f.level === l).length] as const)
    .filter(([, n]) => n > 0)
    .map(([l, n]) => `${n} ${l}${n === 1 ? '' : 's'}`);
  const suppressed = report.summary.suppressed;
  const configProblems = report.errors.filter((e) => e.kind === 'config').length;
  const fileErrors = report.errors.length - configProblems;
  const plural = (n: number, what: string) => (n ? `, ${n} ${what}${n === 1 ? '' : 's'}` : '');
  lines.push(
    `${report.summary.files} file${report.summary.files === 1 ? '' : 's'} scanned, ${report.summary.findings} finding${report.summary.findings === 1 ? '' : 's'}` +
      (counts.length ? ` (${counts.join(', ')})` : '') +
      (suppressed ? `, ${suppressed} suppressed` : '') +
      plural(fileErrors, 'file error') +
      plural(configProblems, 'configuration problem') +
      (report.skipped.length ? `, ${report.skipped.length} skipped` : '') +
      '.',
  );
  return lines.join('\n') + '\n';
}
