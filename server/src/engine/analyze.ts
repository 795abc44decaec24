import { type AvdsecConfig, shiftLevel } from './config';
import type { AvdGraph } from './graph';
import type { Document, Finding, Range, Suppression } from './model';
import { LineIndex } from './positions';
import type { Rule } from './rules/define';
import { RULES, RULE_IDS } from './rules/index';

/** Meta finding for a suppression comment that names no known rule. */
export const INVALID_SUPPRESSION = 'invalid-suppression';

/**
 * Runs every enabled rule over the graph and applies the configured levels. The result covers the whole workspace;
 * `documentFindings` narrows it to one document and applies that document's suppressions.
 */
export function runRules(graph: AvdGraph, config: AvdsecConfig, rules: readonly Rule[] = RULES, focus?: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const enabled = (id: string) => rules.some((r) => r.id === id) && config.rules[id]?.level !== 'off';
  for (const rule of rules) {
    const rc = config.rules[rule.id];
    if (rc?.level === 'off') continue;
    const base = rc?.level ?? rule.level;
    try {
      rule.check({
        graph,
        options: rc?.options ?? {},
        settings: { redirectionProfile: config.redirectionProfile ?? 'balanced' },
        ruleEnabled: enabled,
        inFocus: (uri) => !focus || focus.has(uri),
        focus: focus ? [...focus] : undefined,
        report: (r) => {
          const origin = r.value?.origin;
          const moved = origin && origin.uri && origin.uri !== r.uri && origin.range.end > origin.range.start ? origin : undefined;
          findings.push({
            ruleId: rule.id,
            level: shiftLevel(base, r.shift ?? 0),
            message: r.message,
            uri: moved ? moved.uri : r.uri,
            range: moved ? moved.range : r.at,
            related: moved ? [{ uri: r.uri, range: r.at, message: 'The value is used here' }, ...(r.related ?? [])] : r.related ?? [],
            fixes: r.fixes ?? [],
            key: `${rule.id}|${r.key}`,
          });
        },
      });
    } catch (e) {
      // One rule's bug must not cost the user every other rule's findings.
      findings.push({
        ruleId: rule.id,
        level: 'hint',
        message: `avdsec rule ${rule.id} failed: ${(e as Error).message}`,
        uri: graph.documents[0]?.uri ?? '',
        range: { start: 0, end: 0 },
        related: [],
        fixes: [],
        key: `${rule.id}|crash`,
      });
    }
  }
  return findings;
}

function overlaps(a: Range, b: Range): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export interface DocumentFindingsOptions {
  /** Also return the findings a suppression silenced, marked `suppressed` (CLI `--show-suppressed`, SARIF). */
  includeSuppressed?: boolean;
  /** Report suppressions that silence nothing, for rules that ran (`enabled`); off when only some rules ran. */
  reportUnused?: { enabled: (ruleId: string) => boolean };
}

/** The range to delete to remove one rule id from a suppression, or the whole comment (and its line when alone on it). */
function removalRange(text: string, s: Suppression, idIndex: number | undefined): Range {
  if (idIndex !== undefined && s.ruleIds.length > 1) {
    const r = s.idRanges[idIndex];
    let { start, end } = r;
    // Take the separator after the id (or before it, for the last one).
    const after = /^\s*,?\s*/.exec(text.slice(end))![0];
    if (idIndex < s.ruleIds.length - 1) end += after.length;
    else {
      const before = /\s*,?\s*$/.exec(text.slice(0, start))![0];
      start -= before.length;
      if (s.scope !== 'resource') start += before.endsWith(' ') && !before.includes(',') ? 1 : 0;
    }
    return { start, end };
  }
  let { start, end } = s.range;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEndIdx = text.indexOf('\n', end);
  const lineEnd = lineEndIdx < 0 ? text.length : lineEndIdx + 1;
  if (!text.slice(lineStart, start).trim() && !text.slice(end, lineEnd).trim()) {
    start = lineStart;
    end = lineEnd;
  }
  return { start, end };
}

function suppressionFinding(doc: Document, s: Suppression, idIndex: number, message: string): Finding {
  const range = s.idRanges[idIndex] ?? s.range;
  return {
    ruleId: INVALID_SUPPRESSION,
    level: 'hint',
    message,
    uri: doc.uri,
    range,
    related: [],
    fixes: [{ title: 'Remove this suppression', preferred: true, intent: { kind: 'remove-suppression', uri: doc.uri, range: removalRange(doc.text, s, s.ruleIds.length > 1 ? idIndex : undefined) } }],
    key: `${INVALID_SUPPRESSION}|${doc.uri}|${range.start}`,
  };
}

/** The findings published for one document: its own, minus suppressed ones and those inside syntax errors. */
export function documentFindings(all: Finding[], doc: Document, options: DocumentFindingsOptions = {}): Finding[] {
  const out: Finding[] = [];
  const used = new Set<string>();
  const known = (id: string) => RULE_IDS.has(id);
  doc.suppressions.forEach((s) => {
    s.ruleIds.forEach((id, i) => {
      if (!known(id)) out.push(suppressionFinding(doc, s, i, `Unknown rule id '${id}' in this suppression; run 'avdsec rules' for the list.`));
    });
  });
  let lines: LineIndex | undefined;
  const lineOfOffset = (o: number) => (lines ??= new LineIndex(doc.text)).position(o).line;
  const suppressor = (f: Finding): { s: Suppression; index: number } | undefined => {
    for (let index = 0; index < doc.suppressions.length; index++) {
      const s = doc.suppressions[index];
      if (!s.ruleIds.includes(f.ruleId)) continue;
      const scope = s.scope ?? 'next-line';
      if (scope === 'file') return { s, index };
      if (scope === 'resource' && s.within && f.range.start >= s.within.start && f.range.end <= s.within.end) return { s, index };
      if (scope === 'next-line' && lineOfOffset(f.range.start) === s.line) return { s, index };
    }
    return undefined;
  };
  const seen = new Set<string>();
  for (const f of all) {
    if (f.uri !== doc.uri) continue;
    if (doc.syntaxErrors.some((e) => overlaps(e.range, f.range))) continue;
    if (seen.has(f.key)) continue;
    seen.add(f.key);
    const by = doc.suppressions.length ? suppressor(f) : undefined;
    if (by) {
      used.add(`${by.index}:${f.ruleId}`);
      if (options.includeSuppressed) out.push({ ...f, suppressed: { kind: by.s.scope ?? 'next-line', reason: by.s.reason } });
      continue;
    }
    out.push(f);
  }
  if (options.reportUnused) {
    doc.suppressions.forEach((s, si) => {
      s.ruleIds.forEach((id, i) => {
        if (!known(id) || !options.reportUnused!.enabled(id) || used.has(`${si}:${id}`)) return;
        out.push(suppressionFinding(doc, s, i, `This suppression of ${id} silences nothing: no ${id} finding is ${s.scope === 'file' ? 'in this file' : s.scope === 'resource' ? 'on this resource' : 'on the next line'}.`));
      });
    });
  }
  return out.sort((a, b) => a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId));
}
