import type { Report } from './report';

const LABEL = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' } as const;

/** `file(line,col): level rule-id: message`, one finding per line, then the errors and a summary. */
export function formatText(report: Report, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  for (const f of report.findings) {
    const level = f.suppressed
      ? paint('2', LABEL[f.level])
      : f.level === 'error'
        ? paint('31', LABEL.error)
        : f.level === 'warning'
          ? paint('33', LABEL.warning)
          : paint('36', LABEL[f.level]);
    lines.push(`${f.file}(${f.range.start.line},${f.range.start.column}): ${level} ${f.ruleId}: ${f.message}`);
    if (f.suppressed) lines.push(`    ${paint('2', `suppressed: ${f.suppressed.reason ?? `no reason given (${f.suppressed.kind} suppression)`}`)}`);
    for (const r of f.related) lines.push(`    ${r.file}(${r.range.start.line},${r.range.start.column}): ${r.message}`);
    if (f.fixes.length && !f.suppressed) lines.push(`    fix: ${f.fixes.map((x) => x.title).join(' | ')}`);
  }
  for (const e of report.errors) lines.push(`${e.file}${e.line ? `(${e.line},${e.column})` : ''}: ${paint('31', 'error')} ${e.message}`);
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
      '.',
  );
  return lines.join('\n') + '\n';
}
