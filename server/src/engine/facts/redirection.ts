import type { RedirectionProfile } from '../config';
import type { HostPoolNode } from '../graph';
import { rdpProperty } from '../knowledge/rdp-properties';
import { clip, fitting, list } from '../message';
import type { FindingGroup, Fix, FixIntent, RelatedInfo } from '../model';
import { findRdp, type RdpToken } from '../rdp';
import { fix, type Report } from '../rule';
import { cases, get } from '../values';
import { poolKinds, poolName, type RdpCase, rdpCases, rdpReport, redirectionShift, surelyAbsent, tokensOf } from './rdp';

/**
 * What the device redirection rules (drive, clipboard, USB, printers/COM/MTP, camera/microphone/location) share: each
 * judges one or more RDP properties of every host pool in focus, token by token, and reports the least secure copy
 * of each property, or the property's absence when the host pool default lets the device through.
 */

export interface Verdict {
  /** What the setting lets through, as a short verb phrase: "redirects every client drive". */
  what: string;
  /** Steps below the rule's level on top of the profile's (a specific USB device list is one lower than `*`). */
  shift?: number;
}

export interface RedirectionProperty {
  /** The RDP property, lower case. */
  name: string;
  /** What it redirects, as a short noun phrase for a finding that names several properties: "printers". */
  noun: string;
  /** A shorter one, for a finding that names the properties of several rules ("drives"). */
  short?: string;
  /** The verdict on a written token; undefined when it turns the redirection off (or is left to rdp-property-invalid). */
  judge(t: RdpToken): Verdict | undefined;
  /** The verdict when the property is absent, with the host pool default it then takes; undefined when that is safe. */
  absent?: Verdict & { default: string };
  /** What crosses the boundary, short (no final period). */
  risk(host: string): string;
  /** The fixes of a finding (the preferred one first). */
  fixes(resource: string): Fix[];
}

/** What a finding on an absent property says about where the level comes from. */
export const ABSENT_NOTE = 'unless Group Policy or Intune blocks it';

/** "the shared session host" on pooled host pools, "the session host" otherwise (personal, or type unknown). */
export function hostPhrase(c: RdpCase): string {
  const kinds = poolKinds(c.hp).map((k) => k.kind);
  return kinds.length && kinds.every((k) => k === 'pooled') ? 'the shared session host' : 'the session host';
}

/** A token's value without surrounding spaces, lower case. */
export function valueOf(t: RdpToken): string {
  return t.value.trim().toLowerCase();
}

/** A property at fault in one case of a host pool's RDP string: a token written, or the property left to its default. */
interface Fault {
  p: RedirectionProperty;
  verdict: Verdict;
  /** The token judged; undefined when the property is absent. */
  token?: RdpToken;
  shift: number;
  fixes: Fix[];
}

/**
 * The findings of a redirection rule on one host pool: one per case, naming every property at fault (written, or
 * left to a default that lets the device through), with a fix per property and a preferred one for them all.
 * Conditional properties (preview) keep a finding each: they are a decision of their own.
 */
export function redirectionReports(pool: HostPoolNode, profile: RedirectionProfile, properties: readonly RedirectionProperty[]): Report[] {
  const out: Report[] = [];
  // Setting a property edits the string in every case it can take, so it needs each case to be a string: a null
  // (Azure drops it: no RDP properties at all) or an unreadable case leaves nothing to edit. Once per pool, not per
  // case: a chain of n ternaries has n cases.
  const v = get(pool.resource.body, 'properties', 'customRdpProperty');
  const settable = !v || cases(v).every((x) => x.value.kind === 'string');
  for (const c of rdpCases(pool)) {
    const base = redirectionShift(profile, c.hp);
    if (base === undefined) continue;
    const host = hostPhrase(c);
    const faults: Fault[] = [];
    for (const p of properties) {
      const fixes = p.fixes(c.hp.key).filter((f) => settable || f.intent.kind !== 'set-rdp-property');
      const tokens = tokensOf(c, p.name);
      if (tokens.length) {
        // A token with another type letter (`redirectclipboard:s:0`) is malformed: what the client makes of it is
        // unknown, and rdp-property-invalid reports it.
        // With duplicates, which copy the client honours is undocumented: the least secure one is judged.
        let worst: { t: RdpToken; v: Verdict } | undefined;
        for (const t of tokens) {
          if (t.type !== rdpProperty(p.name)?.type) continue;
          const verdict = p.judge(t);
          if (verdict && (!worst || (verdict.shift ?? 0) > (worst.v.shift ?? 0))) worst = { t, v: verdict };
        }
        // A quick fix edits tokens where they are written; one built from pieces (a Terraform map joined with a `for`
        // expression) has no single place to edit.
        const editable = tokens.every((t) => t.range && t.uri);
        if (worst) faults.push({ p, verdict: worst.v, token: worst.t, shift: base + (worst.v.shift ?? 0), fixes: editable ? fixes : [] });
      }
      // A conditional property (preview) can turn a redirection back on for some connections, whatever the string says.
      for (const t of c.conditional ? findRdp(c.conditional, p.name) : []) {
        if (t.type !== rdpProperty(p.name)?.type || !t.range) continue;
        const verdict = p.judge(t);
        if (!verdict) continue;
        out.push(
          rdpReport(c, {
            token: t,
            message: fitting(
              `${poolName(c)} ${verdict.what} when '${clip(t.condition ?? '', 30)}' holds (conditionalRdpProperty): ${p.risk(host)}.`,
              `${poolName(c)} ${verdict.what} when '${clip(t.condition ?? '', 30)}' holds (conditionalRdpProperty).`,
            ),
            key: `${p.name}|conditional`,
            shift: base + (verdict.shift ?? 0),
          }),
        );
      }
      if (tokens.length) continue;
      if (p.absent && surelyAbsent(c, p.name)) {
        // Appending is safe when the string is written as whole tokens; one built from pieces (a `for` expression)
        // would get the new token glued into one of them.
        const editable = !c.rdp || c.rdp.tokens.every((t) => t.range && t.uri);
        // One level below the same value written out: the service's default applies, and a policy on the session hosts
        // (Group Policy, Intune) that the code does not show may block the redirection anyway.
        faults.push({ p, verdict: p.absent, shift: base + (p.absent.shift ?? 0) - 1, fixes: editable ? fixes : [] });
      }
    }
    if (faults.length === 1) out.push(single(c, faults[0], host));
    else if (faults.length > 1) out.push(merged(c, faults, host));
  }
  return out;
}

function single(c: RdpCase, f: Fault, host: string): Report {
  const pool = poolName(c);
  if (f.token) {
    const token = clip(f.token.text.trim(), 40);
    return rdpReport(c, {
      token: f.token,
      // Why it matters comes before the token, which the finding underlines anyway.
      message: fitting(
        `${pool} ${f.verdict.what} (${token}): ${f.p.risk(host)}.`,
        `${pool} ${f.verdict.what}: ${f.p.risk(host)}.`,
        `${pool} ${f.verdict.what} (${token}).`,
      ),
      key: f.p.name,
      shift: f.shift,
      fixes: f.fixes,
    });
  }
  const def = f.p.absent!.default;
  return rdpReport(c, {
    message: fitting(
      `${pool} keeps the default ${f.p.name} (${def}), so it ${f.verdict.what} ${ABSENT_NOTE}.`,
      `${pool} keeps the default ${f.p.name} (${def}), which Group Policy or Intune can override.`,
    ),
    key: f.p.name,
    shift: f.shift,
    fixes: f.fixes,
    related: [{ uri: c.hp.source.uri, range: c.at, message: `${f.p.name} is not set: ${f.p.risk(host)}` }],
    ...defaults(c, [f.p.short ?? f.p.noun]),
  });
}

/**
 * A host pool that writes no RDP properties at all made one decision for every redirection: each rule's finding on it
 * joins one group, reported once (finding-groups.ts).
 */
function defaults(c: RdpCase, items: readonly string[]): { group?: FindingGroup } {
  if (c.rdp || c.value) return {};
  const pool = poolName(c);
  return {
    group: {
      key: `rdp-defaults|${c.hp.key}|${c.when}`,
      items,
      message: (items) =>
        fitting(
          `${pool} sets no RDP properties, so ${list(items)} redirect by default unless Group Policy or Intune blocks them.`,
          `${pool} sets no RDP properties, so ${items.slice(0, 3).join(', ')} and more redirect by default unless Group Policy or Intune blocks them.`,
          `${pool} sets no RDP properties, so ${items.slice(0, 3).join(', ')} and more redirect by default unless a policy blocks them.`,
          `${pool} sets no RDP properties, so ${items.length} kinds of devices redirect by default unless a policy blocks them.`,
        ),
    },
  };
}

/**
 * One finding for the properties of one case that let devices through, naming each: one decision (turn them off),
 * with a fix per property and one, preferred, that writes them all. It sits on the first token written (the others'
 * places are related information), or on the string when every property is left to its default.
 */
function merged(c: RdpCase, found: Fault[], host: string): Report {
  // Written tokens in the order of the string, then the properties left to their defaults.
  const written = found.filter((f) => f.token).sort((a, b) => (a.token!.range?.start ?? Infinity) - (b.token!.range?.start ?? Infinity));
  const absent = found.filter((f) => !f.token);
  const faults = [...written, ...absent];
  const nouns = list(faults.map((f) => f.p.noun));
  const items = [...written.map((f) => clip(f.token!.text.trim(), 30)), ...(absent.length ? [`${list(absent.map((f) => f.p.name))} by default`] : [])].join(
    '; ',
  );
  const unless = absent.length ? ` ${ABSENT_NOTE}` : '';
  const names = list(faults.map((f) => f.p.name));
  // Every wording names each property at fault; the shorter ones leave out what the tokens say and what they redirect.
  const message = fitting(
    `${poolName(c)} redirects ${nouns} (${items})${unless}.`,
    `${poolName(c)} redirects ${nouns} (${names})${unless}.`,
    `${poolName(c)} redirects devices through ${names}${unless}.`,
    `${poolName(c)} redirects devices through ${names}.`,
  );
  const uri = c.hp.source.uri;
  const related: RelatedInfo[] = faults.map((f) =>
    f.token
      ? {
          ...(f.token.range && f.token.uri ? { uri: f.token.uri, range: f.token.range } : { uri, range: c.at }),
          message: `${f.token.text.trim()}: ${f.p.risk(host)}`,
        }
      : { uri, range: c.at, message: `${f.p.name} is not set (default ${f.p.absent?.default ?? 'off'}): ${f.p.risk(host)}` },
  );
  const each = faults.flatMap((f) => f.fixes);
  const intents = faults.map((f) => f.fixes.find((x) => x.preferred)?.intent);
  const sets = intents.filter((i): i is Extract<FixIntent, { kind: 'set-rdp-property' }> => i?.kind === 'set-rdp-property');
  const removes = intents.filter((i): i is Extract<FixIntent, { kind: 'remove-rdp-property' }> => i?.kind === 'remove-rdp-property' && i.keep === undefined);
  const all: Fix[] =
    sets.length && sets.length + removes.length === faults.length
      ? [
          fix(
            `Turn them all off (${[...sets.map((i) => `${i.name}:${i.value}`), ...removes.map((i) => `no ${i.name}`)].join('; ')})`,
            {
              ...sets[0],
              also: sets.slice(1).map((i) => ({ name: i.name, value: i.value })),
              ...(removes.length ? { without: removes.map((i) => i.name) } : {}),
            },
            true,
          ),
        ]
      : [];
  const report = rdpReport(c, {
    token: written[0]?.token,
    message,
    key: faults.map((f) => f.p.name).join('+'),
    shift: Math.max(...faults.map((f) => f.shift)),
    fixes: [...all, ...each.map((f) => ({ ...f, preferred: false }))],
    // The first token's own place is the finding's: its line would repeat it.
    related: related.filter((r, i) => !(i === 0 && written[0]?.token?.range && r.range === written[0].token.range)),
    ...(written.length
      ? {}
      : defaults(
          c,
          faults.map((f) => f.p.short ?? f.p.noun),
        )),
  });
  return report;
}
