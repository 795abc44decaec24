import { type AvdsecConfig, optionValues, shiftLevel } from './config';
import { assignmentNote, enforcingAssignment, policiesOf } from './facts/policy-assignments';
import type { AvdGraph } from './graph';
import { type CarriedStep, touchedBy } from './graph/carried';
import type { Document, Finding, Range, Resource, Suppression } from './model';
import { movedReport } from './moved-reports';
import type { TextChange } from './text-changes';
import { lastAtOrBefore, lineIndexOf } from './positions';
import type { Deployment, Report, Rule, RuleContext, SubjectKind, Subjects } from './rule';
import { RULES, RULE_IDS } from './registry';
import { mergeGroups, mergeRepeats } from './finding-groups';

/** Meta finding for a suppression comment that names no known rule. */
export const INVALID_SUPPRESSION = 'invalid-suppression';

type NodeKind = Exclude<SubjectKind, 'deployment'>;

/** The resource that declares a subject: it says which document the subject is in, and whether it is `existing`. */
const DECLARED_BY: { [K in NodeKind]: (s: Subjects[K]) => Resource } = {
  hostPool: (s) => s.resource,
  sessionHost: (s) => s.vm,
  roleAssignment: (s) => s.resource,
  appGroup: (s) => s.resource,
  application: (s) => s.resource,
  workspace: (s) => s.resource,
  caPolicy: (s) => s,
};

const LISTS: { [K in NodeKind]: (g: AvdGraph) => readonly Subjects[K][] } = {
  hostPool: (g) => g.hostPools,
  sessionHost: (g) => g.sessionHosts,
  roleAssignment: (g) => g.roleAssignments,
  appGroup: (g) => g.appGroups,
  application: (g) => g.applications,
  workspace: (g) => g.workspaces,
  caPolicy: (g) => g.caPolicies,
};

/**
 * Subjects of one kind by the document that declares them, without `existing` ones (they are judged where they are
 * deployed). Keyed by the graph's list itself: a graph swapped in place after an edit keeps its lists of nodes, and
 * replaces the lists whose items it replaces.
 */
const byDocument = new WeakMap<readonly unknown[], Map<string, unknown[]>>();

function subjectsOf<K extends NodeKind>(graph: AvdGraph, kind: K, focus: ReadonlySet<string> | undefined): Subjects[K][] {
  const list = LISTS[kind](graph);
  let index = byDocument.get(list) as Map<string, Subjects[K][]> | undefined;
  if (!index) {
    index = new Map();
    const declaredBy = DECLARED_BY[kind] as (s: Subjects[K]) => Resource;
    for (const s of list) {
      const r = declaredBy(s);
      if (r.source.existing) continue;
      const mine = index.get(r.source.uri);
      if (mine) mine.push(s);
      else index.set(r.source.uri, [s]);
    }
    byDocument.set(list, index);
  }
  if (!focus) return [...index.values()].flat();
  return [...focus].flatMap((uri) => index.get(uri) ?? []);
}

/** The workspace as one deployment (until deployments are told apart); once per version of the graph's documents. */
const deployments = new WeakMap<readonly Document[], Deployment>();

function deploymentOf(graph: AvdGraph): Deployment {
  let d = deployments.get(graph.documents);
  if (!d || d.caPolicies !== graph.caPolicies) {
    d = { hostPools: graph.hostPools, appGroups: graph.appGroups, resources: graph.documents.flatMap((doc) => doc.resources), caPolicies: graph.caPolicies };
    deployments.set(graph.documents, d);
  }
  return d;
}

/**
 * The resource that declares the subject a finding was reported on, for findings of subject checks (not of rules about
 * the whole deployment): an edit inside that resource makes the workspace check the subject again first (quickFindings).
 */
export const subjectOfFinding = new WeakMap<Finding, string>();

/** The findings made from reports placed on a chosen subject (Report.chosen). */
export const chosenFindings = new WeakSet<Finding>();

/** Where rule checks add their time (ms per rule id) while a benchmark measures them; undefined otherwise. */
let ruleTimes: Map<string, number> | undefined;

/** Adds each rule's time in its checks to `sink` from now on (undefined stops): the benchmarks' per-rule cost table. */
export function measureRules(sink: Map<string, number> | undefined): void {
  ruleTimes = sink;
}

/**
 * Runs every enabled rule over its subjects in focus (the documents whose findings are wanted: every document when
 * `focus` is undefined) and applies the configured levels. `documentFindings` narrows the result to one document and
 * applies that document's suppressions. A rule about the whole deployment runs once per graph version and config; each
 * focus gets its findings in the focus.
 */
export function runRules(
  graph: AvdGraph,
  config: AvdsecConfig,
  rules: readonly Rule[] = RULES,
  focus?: ReadonlySet<string>,
  /** Only the subjects these resources declare, and no rule about the whole deployment (quickFindings). */
  only?: ReadonlySet<string>,
): Finding[] {
  const findings: Finding[] = [];
  const run = (rule: Rule) => {
    const rc = config.rules[rule.id];
    if (rc?.level === 'off') return;
    const base = rc?.level ?? rule.level;
    const ctx = contextOf(graph, config, rules, rule);
    if (rule.appliesTo === 'deployment') {
      if (only) return;
      // Each document's check asks for the same deployment: judge it once per graph version and config, then hand
      // each focus its share (the editor checks documents one by one: 1,000 files would judge it 1,000 times).
      const judged = deploymentReports(rule, graph, deploymentOf(graph), config, rules, ctx);
      const uris = focus ?? judged.byUri.keys();
      for (const uri of uris) for (const r of judged.byUri.get(uri) ?? []) findings.push(finding(rule, base, r));
      if (judged.crash) findings.push(crashFinding(rule, graph, judged.crash));
      return;
    }
    let declaredBy = '';
    const context = ctx((r) => {
      const f = finding(rule, base, r);
      subjectOfFinding.set(f, declaredBy);
      if (r.chosen) chosenFindings.add(f);
      findings.push(f);
    });
    let crash: Error | undefined;
    const kinds: readonly NodeKind[] = typeof rule.appliesTo === 'string' ? [rule.appliesTo] : rule.appliesTo;
    for (const kind of kinds) {
      const declaring = DECLARED_BY[kind] as (s: Subjects[typeof kind]) => Resource;
      for (const subject of subjectsOf(graph, kind, focus)) {
        declaredBy = declaring(subject).key;
        if (only && !only.has(declaredBy)) continue;
        try {
          rule.check(subject, context);
        } catch (e) {
          // One rule's bug on one subject must not cost the user the rest of the findings.
          crash ??= e as Error;
        }
      }
    }
    if (crash) findings.push(crashFinding(rule, graph, crash));
  };
  for (const rule of rules) {
    if (!ruleTimes) run(rule);
    else {
      const started = performance.now();
      run(rule);
      ruleTimes.set(rule.id, (ruleTimes.get(rule.id) ?? 0) + performance.now() - started);
    }
  }
  return findings;
}

/** What a rule's checks see: the graph, its options, and where its reports go. */
function contextOf(graph: AvdGraph, config: AvdsecConfig, rules: readonly Rule[], rule: Rule): (report: (r: Report) => void) => RuleContext {
  const rc = config.rules[rule.id];
  const enabled = (id: string) => rules.some((r) => r.id === id) && config.rules[id]?.level !== 'off';
  const settings = { redirectionProfile: config.redirectionProfile ?? 'balanced' };
  // A control the workspace also enforces by Azure Policy: every finding of the rule is one level lower and names the
  // assignment (the rule page, the hover and SARIF name the policies).
  const enforced = policiesOf(rule.id).length ? enforcingAssignment(graph, rule.id) : undefined;
  return (report) => ({
    graph,
    options: optionValues(rule.options, rc?.options) as RuleContext['options'],
    settings,
    ruleEnabled: enabled,
    report: enforced ? (r) => report({ ...r, shift: (r.shift ?? 0) - 1, related: [...(r.related ?? []), assignmentNote(enforced)] }) : report,
  });
}

/**
 * Judges a rule about the whole deployment now, as the first runRules with these rules and this config would, which
 * then finds it judged: a host checking a large workspace judges them one at a time, with other work in between.
 */
export function judgeDeployment(graph: AvdGraph, config: AvdsecConfig, rule: Rule, rules: readonly Rule[] = RULES): void {
  if (rule.appliesTo !== 'deployment' || config.rules[rule.id]?.level === 'off') return;
  deploymentReports(rule, graph, deploymentOf(graph), config, rules, contextOf(graph, config, rules, rule));
}

interface Judged {
  /** What the rule's checks read of the configuration (configReads): the judgement holds while it is the same. */
  reads: string;
  /** The policy assignment that enforces the rule (its reports are one level lower and name it). */
  enforced: Resource | undefined;
  byUri: Map<string, Report[]>;
  crash?: Error;
}

/**
 * Per deployment (a version of the documents) and rule, its judgements. Not per configuration object: a host may read
 * the same configuration into a new object (the CLI per folder, a bench per keystroke), and what the checks read of it
 * is what decides.
 */
const judgedDeployments = new WeakMap<Deployment, Map<Rule, Judged[]>>();

/** Judgements kept per deployment and rule: one per configuration that differs in what the rule reads. */
const KEPT_JUDGEMENTS = 4;

/** What a rule's checks read of a configuration, as text: its options, the shared settings, the rules that run. */
function configReads(rule: Rule, config: AvdsecConfig, rules: readonly Rule[]): string {
  let byRules = readsCache.get(config);
  if (!byRules) readsCache.set(config, (byRules = new WeakMap()));
  let byRule = byRules.get(rules);
  if (!byRule) byRules.set(rules, (byRule = new Map()));
  let reads = byRule.get(rule);
  if (reads === undefined) {
    const enabled = rules.filter((r) => config.rules[r.id]?.level !== 'off').map((r) => r.id);
    reads = JSON.stringify([optionValues(rule.options, config.rules[rule.id]?.options), config.redirectionProfile ?? 'balanced', enabled]);
    byRule.set(rule, reads);
  }
  return reads;
}

const readsCache = new WeakMap<AvdsecConfig, WeakMap<readonly Rule[], Map<Rule, string>>>();

function deploymentReports(
  rule: Rule,
  graph: AvdGraph,
  deployment: Deployment,
  config: AvdsecConfig,
  rules: readonly Rule[],
  ctx: (report: (r: Report) => void) => RuleContext,
): Judged {
  let byRule = judgedDeployments.get(deployment);
  if (!byRule) judgedDeployments.set(deployment, (byRule = new Map()));
  let kept = byRule.get(rule);
  if (!kept) byRule.set(rule, (kept = []));
  const reads = configReads(rule, config, rules);
  const enforced = policiesOf(rule.id).length ? enforcingAssignment(graph, rule.id)?.assignment : undefined;
  const cached = kept.find((j) => j.reads === reads && j.enforced === enforced);
  if (cached) return cached;
  let judged = carriedJudgement(rule, graph, reads, enforced);
  if (!judged) {
    const byUri = new Map<string, Report[]>();
    judged = { reads, enforced, byUri };
    try {
      rule.check(
        deployment,
        ctx((r) => {
          const list = byUri.get(r.uri);
          if (list) list.push(r);
          else byUri.set(r.uri, [r]);
        }),
      );
    } catch (e) {
      judged.crash = e as Error;
    }
  }
  kept.unshift(judged);
  if (kept.length > KEPT_JUDGEMENTS) kept.pop();
  return judged;
}

/**
 * The rule's judgement of the documents before the graph's last swap (graph/carried.ts), with its places moved through
 * the edits, when the rule reads none of the resources around them (RuleDefinition.reads). Undefined when there is no
 * such judgement, the rule may read an edited resource, or a report cannot be moved: a place or fix inside the edits.
 */
function carriedJudgement(rule: Rule, graph: AvdGraph, reads: string, enforced: Resource | undefined): Judged | undefined {
  if (!rule.reads) return undefined;
  const carried = graph.carried;
  const changed = carried?.changed;
  if (!carried || !changed) return undefined;
  // This swap, then the burst before it: the judgement of the version before this swap, or before the burst.
  const steps: CarriedStep[] = [{ judged: deploymentJudgements(carried.from), touched: touchedBy(changed), changes: carried.changes }];
  if (carried.earlier) steps.unshift(carried.earlier);
  for (let i = steps.length - 1; i >= 0; i--) {
    for (const t of steps[i].touched) if (rule.reads(t.type, t.properties)) return undefined;
    const judged = steps[i].judged as Map<Rule, Judged[]> | undefined;
    const prior = judged?.get(rule)?.find((j) => j.reads === reads && j.enforced === enforced);
    if (prior)
      return moved(
        prior,
        carried.uri,
        steps.slice(i).flatMap((s) => s.changes),
      );
  }
  return undefined;
}

/** What the rules about the deployment judged of a version of the documents, as an opaque record (Carried.earlier). */
export function deploymentJudgements(documents: readonly Document[]): object | undefined {
  const d = deployments.get(documents);
  return d && judgedDeployments.get(d);
}

/** A judgement of the text before `changes` (edits of `uri`), moved through them; undefined when a report cannot be. */
function moved(prior: Judged, uri: string, changes: readonly TextChange[]): Judged | undefined {
  const byUri = new Map<string, Report[]>();
  for (const [u, list] of prior.byUri) {
    const out: Report[] = [];
    for (const r of list) {
      const m = movedReport(r, uri, changes);
      if (!m) return undefined;
      out.push(m);
    }
    byUri.set(u, out);
  }
  return { reads: prior.reads, enforced: prior.enforced, byUri, ...(prior.crash ? { crash: prior.crash } : {}) };
}

function crashFinding(rule: Rule, graph: AvdGraph, e: Error): Finding {
  return {
    ruleId: rule.id,
    level: 'hint',
    message: `avdsec rule ${rule.id} failed: ${e.message}`,
    uri: graph.documents[0]?.uri ?? '',
    range: { start: 0, end: 0 },
    related: [],
    fixes: [],
    key: `${rule.id}|crash`,
  };
}

/** A report as a finding: the configured level shifted by the report's ladder, moved to where its value is written. */
function finding(rule: Rule, base: Finding['level'], r: Report): Finding {
  const origin = r.value?.origin;
  const moved = origin && origin.uri && origin.uri !== r.uri && origin.range.end > origin.range.start ? origin : undefined;
  return {
    ruleId: rule.id,
    level: shiftLevel(base, r.shift ?? 0),
    message: r.message,
    uri: moved ? moved.uri : r.uri,
    range: moved ? moved.range : r.at,
    related: moved ? [{ uri: r.uri, range: r.at, message: 'The value is used here' }, ...(r.related ?? [])] : (r.related ?? []),
    fixes: r.fixes ?? [],
    key: `${rule.id}|${r.key}`,
    ...(r.group ? { group: r.group } : {}),
  };
}

export interface DocumentFindingsOptions {
  /** Also return the findings a suppression silenced, marked `suppressed` (CLI `--show-suppressed`, SARIF). */
  includeSuppressed?: boolean;
  /** Report suppressions that silence nothing, for rules that ran (`enabled`); off when only some rules ran. */
  reportUnused?: { enabled: (ruleId: string) => boolean };
}

const isSpace = (c: string | undefined) => c !== undefined && c.trim() === '' && c !== '';

/**
 * The range to delete to remove one rule id from a suppression, or the whole comment (and its line when alone on it).
 * Scans outward from the id, so each removal costs the length of what it removes, not of the text before it.
 */
function removalRange(doc: Document, s: Suppression, idIndex: number | undefined): Range {
  const { text } = doc;
  if (idIndex !== undefined && s.ruleIds.length > 1) {
    let { start, end } = s.idRanges[idIndex];
    // Take the separator after the id (spaces, a comma, spaces), or before it for the last one.
    if (idIndex < s.ruleIds.length - 1) {
      while (isSpace(text[end])) end++;
      if (text[end] === ',') end++;
      while (isSpace(text[end])) end++;
    } else {
      const idStart = start;
      while (isSpace(text[start - 1])) start--;
      const comma = text[start - 1] === ',';
      if (comma) {
        start--;
        while (isSpace(text[start - 1])) start--;
      }
      if (s.scope !== 'resource' && !comma && start < idStart && text[idStart - 1] === ' ') start++;
    }
    return { start, end };
  }
  let { start, end } = s.range;
  const lines = lineIndexOf(doc);
  const line = lines.position(start).line;
  const lineStart = lines.lineStart(line);
  const lineEnd = lines.lineEnd(lines.position(end).line);
  let a = start;
  while (a > lineStart && isSpace(text[a - 1])) a--;
  let b = end;
  while (b < lineEnd && isSpace(text[b])) b++;
  if (a === lineStart && b === lineEnd) {
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
    fixes: [
      {
        title: 'Remove this suppression',
        preferred: true,
        intent: { kind: 'remove-suppression', uri: doc.uri, range: removalRange(doc, s, s.ruleIds.length > 1 ? idIndex : undefined) },
      },
    ],
    key: `${INVALID_SUPPRESSION}|${doc.uri}|${range.start}`,
  };
}

type Suppressor = (f: Finding) => { s: Suppression; index: number } | undefined;

/** The first of several suppressions (lowest index) per rule id. */
function firstByRule(into: Map<string, number>, s: Suppression, index: number): void {
  for (const id of s.ruleIds) if (!into.has(id)) into.set(id, index);
}

/**
 * The first suppression (in the document's order) that silences a finding: next-line ones by line and rule, file ones
 * by rule, resource ones (ARM metadata) through the chain of resources around the finding. Each lookup costs a
 * logarithm, not a scan of every suppression, so thousands of findings and suppressions in one file stay linear.
 */
function suppressionIndex(doc: Document): Suppressor {
  if (!doc.suppressions.length) return () => undefined;
  const byLine = new Map<number, Map<string, number>>();
  const fileWide = new Map<string, number>();
  const resources: { index: number; within: Range; ids: Set<string>; parent: number }[] = [];
  doc.suppressions.forEach((s, index) => {
    const scope = s.scope ?? 'next-line';
    if (scope === 'file') firstByRule(fileWide, s, index);
    else if (scope === 'resource' && s.within) resources.push({ index, within: s.within, ids: new Set(s.ruleIds), parent: -1 });
    else if (scope === 'next-line') {
      let m = byLine.get(s.line);
      if (!m) byLine.set(s.line, (m = new Map()));
      firstByRule(m, s, index);
    }
  });
  resources.sort((a, b) => a.within.start - b.within.start || b.within.end - a.within.end);
  const open: number[] = [];
  resources.forEach((r, i) => {
    while (open.length && resources[open[open.length - 1]].within.end < r.within.end) open.pop();
    r.parent = open.length ? open[open.length - 1] : -1;
    open.push(i);
  });
  const lines = lineIndexOf(doc);
  return (f) => {
    let best = fileWide.get(f.ruleId);
    const consider = (index: number | undefined) => {
      if (index !== undefined && (best === undefined || index < best)) best = index;
    };
    if (byLine.size) consider(byLine.get(lines.position(f.range.start).line)?.get(f.ruleId));
    // The last resource that starts at or before the finding, then outward through the resources around it.
    let at = lastAtOrBefore(resources, (r) => r.within.start, f.range.start);
    for (; at >= 0; at = resources[at].parent) {
      const r = resources[at];
      if (r.ids.has(f.ruleId) && f.range.start >= r.within.start && f.range.end <= r.within.end) consider(r.index);
    }
    return best === undefined ? undefined : { s: doc.suppressions[best], index: best };
  };
}

/** Whether a range overlaps one of the syntax errors, by binary search over the errors sorted by start. */
function syntaxErrorOverlap(doc: Document): (r: Range) => boolean {
  if (!doc.syntaxErrors.length) return () => false;
  const errors = doc.syntaxErrors.map((e) => e.range).sort((a, b) => a.start - b.start);
  const maxEnd: number[] = [];
  errors.forEach((e, i) => maxEnd.push(Math.max(e.end, i ? maxEnd[i - 1] : -Infinity)));
  return (r) => {
    const i = lastAtOrBefore(errors, (e) => e.start, r.end);
    return i >= 0 && maxEnd[i] >= r.start;
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
  const suppressor = suppressionIndex(doc);
  const inSyntaxError = syntaxErrorOverlap(doc);
  const seen = new Set<string>();
  for (const f of all) {
    if (f.uri !== doc.uri) continue;
    if (inSyntaxError(f.range)) continue;
    if (seen.has(f.key)) continue;
    seen.add(f.key);
    const by = suppressor(f);
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
        out.push(
          suppressionFinding(
            doc,
            s,
            i,
            `This suppression of ${id} silences nothing: no ${id} finding is ${s.scope === 'file' ? 'in this file' : s.scope === 'resource' ? 'on this resource' : 'on the next line'}.`,
          ),
        );
      });
    });
  }
  return mergeGroups(mergeRepeats(out), RULE_ORDER).sort((a, b) => a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId));
}

const RULE_ORDER = RULES.map((r) => r.id);
