import { LEVELS, type Finding, type Fix, type FixIntent, type RelatedInfo } from './model';

type SetRdp = Extract<FixIntent, { kind: 'set-rdp-property' }>;

/**
 * Reports each decision several rules share once (see FindingGroup): the findings of one group at one place become
 * one, under the first of their rules in `order` (the catalog's), at the most severe of their levels, with each rule's
 * related information under its id, each rule's fixes, and one preferred fix that applies all of theirs when they edit
 * the same RDP string. A group with one finding left (the others' rules off or suppressed) stays as it is.
 */
export function mergeGroups(findings: Finding[], order: readonly string[]): Finding[] {
  const rank = new Map(order.map((id, i) => [id, i]));
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.group || f.suppressed) continue;
    const k = `${f.group.key}\u0000${f.uri}\u0000${f.range.start}:${f.range.end}`;
    const members = groups.get(k);
    if (members) members.push(f);
    else groups.set(k, [f]);
  }
  const merged = new Map<Finding, Finding | null>();
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    members.sort((a, b) => (rank.get(a.ruleId) ?? Infinity) - (rank.get(b.ruleId) ?? Infinity));
    const [lead] = members;
    merged.set(lead, merge(members));
    for (const m of members.slice(1)) merged.set(m, null);
  }
  const out: Finding[] = [];
  for (const f of findings) {
    const m = merged.get(f);
    if (m === null) continue;
    const { group: _, ...plain } = m ?? f;
    out.push(plain);
  }
  return out;
}

function merge(members: Finding[]): Finding {
  const [lead] = members;
  const level = LEVELS[Math.min(...members.map((m) => LEVELS.indexOf(m.level)))];
  const preferred = members.map((m) => m.fixes.find((x) => x.preferred)?.intent);
  const sets = preferred.filter((i): i is SetRdp => i?.kind === 'set-rdp-property' && !i.without?.length);
  const all: Fix[] =
    sets.length === members.length && sets.every((s) => s.resource === sets[0].resource)
      ? [
          {
            title: `Turn them all off (${sets.flatMap((s) => [`${s.name}:${s.value}`, ...(s.also ?? []).map((a) => `${a.name}:${a.value}`)]).join('; ')})`,
            preferred: true,
            intent: {
              kind: 'set-rdp-property',
              resource: sets[0].resource,
              name: sets[0].name,
              value: sets[0].value,
              also: [...(sets[0].also ?? []), ...sets.slice(1).flatMap((s) => [{ name: s.name, value: s.value }, ...(s.also ?? [])])],
            },
          },
        ]
      : [];
  return {
    ...lead,
    level,
    message: lead.group!.message(members.flatMap((m) => m.group!.items)),
    alsoRules: members.slice(1).map((m) => m.ruleId),
    related: related(members),
    // A member's own fix for all its properties is part of the one above.
    fixes: [
      ...all,
      ...members.flatMap((m) =>
        m.fixes.filter((x) => !(all.length && x.intent.kind === 'set-rdp-property' && x.intent.also?.length)).map((x) => ({ ...x, preferred: false })),
      ),
    ],
  };
}

/** Each rule's related information under its id; what they share (the case, where the value is used) once. */
function related(members: Finding[]): RelatedInfo[] {
  const shared = (message: string) => message.startsWith('Case: ') || message === 'The value is used here';
  return distinctRelated(members.flatMap((m) => m.related.map((r) => (shared(r.message) ? r : { ...r, message: `[${m.ruleId}] ${r.message}` }))));
}

/** Related information, each place with its message once, in order. */
function distinctRelated(all: readonly RelatedInfo[]): RelatedInfo[] {
  const seen = new Set<string>();
  return all.filter((r) => {
    const k = `${r.uri}\u0000${r.range.start}:${r.range.end}\u0000${r.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * One finding for one rule's decision at one place: the same message at the same range, reached through several cases
 * (each parameters file of a template whose default is the value) or several resources (a module called twice, the
 * value written in the module). The first stays, with the related information and fixes the others add.
 */
export function mergeRepeats(findings: Finding[]): Finding[] {
  // By where they start, then the same rule, level, end and message: no key string per finding (a template has 1,000).
  const byStart = new Map<number, Finding[][]>();
  let repeats = false;
  for (const f of findings) {
    if (f.suppressed) continue;
    let lists = byStart.get(f.range.start);
    if (!lists) byStart.set(f.range.start, (lists = []));
    const same = lists.find(([g]) => g.ruleId === f.ruleId && g.level === f.level && g.range.end === f.range.end && g.uri === f.uri && g.message === f.message);
    if (same) {
      same.push(f);
      repeats = true;
    } else lists.push([f]);
  }
  if (!repeats) return findings;
  const merged = new Map<Finding, Finding | null>();
  for (const same of [...byStart.values()].flat()) {
    if (same.length < 2) continue;
    const [lead, ...rest] = same;
    const seenFixes = new Set<string>();
    const fixes = same
      .flatMap((f) => f.fixes)
      .filter((x) => {
        const k = JSON.stringify(x);
        if (seenFixes.has(k)) return false;
        seenFixes.add(k);
        return true;
      });
    // Copies: the findings themselves are shared with the rule results cached for other documents.
    merged.set(lead, { ...lead, related: distinctRelated(same.flatMap((f) => f.related)), fixes });
    for (const f of rest) merged.set(f, null);
  }
  const out: Finding[] = [];
  for (const f of findings) {
    const m = merged.get(f);
    if (m !== null) out.push(m ?? f);
  }
  return out;
}
