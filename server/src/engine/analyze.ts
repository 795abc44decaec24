import { type AvdsecConfig, shiftLevel } from './config';
import type { AvdGraph } from './graph';
import type { Document, Finding, Range } from './model';
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

/** The findings published for one document: its own, minus suppressed ones and those inside syntax errors. */
export function documentFindings(all: Finding[], doc: Document): Finding[] {
  const out: Finding[] = [];
  const suppressed = new Map<number, Set<string>>();
  for (const s of doc.suppressions) {
    let set = suppressed.get(s.line);
    if (!set) suppressed.set(s.line, (set = new Set()));
    s.ruleIds.forEach((id, i) => {
      set!.add(id);
      if (!RULE_IDS.has(id)) {
        out.push({
          ruleId: INVALID_SUPPRESSION,
          level: 'warning',
          message: `Unknown rule id '${id}' in avdsec-disable-next-line; run 'avdsec rules' for the list.`,
          uri: doc.uri,
          range: s.idRanges[i],
          related: [],
          fixes: [],
          key: `${INVALID_SUPPRESSION}|${doc.uri}|${s.idRanges[i].start}`,
        });
      }
    });
  }
  const seen = new Set<string>();
  let lines: LineIndex | undefined;
  for (const f of all) {
    if (f.uri !== doc.uri) continue;
    if (doc.syntaxErrors.some((e) => overlaps(e.range, f.range))) continue;
    if (suppressed.size && suppressed.get((lines ??= new LineIndex(doc.text)).position(f.range.start).line)?.has(f.ruleId)) continue;
    if (seen.has(f.key)) continue;
    seen.add(f.key);
    out.push(f);
  }
  return out.sort((a, b) => a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId));
}
