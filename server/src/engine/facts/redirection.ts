import type { RedirectionProfile } from '../config';
import type { HostPoolNode } from '../graph';
import { rdpProperty } from '../knowledge/rdp-properties';
import type { Fix, FixIntent } from '../model';
import { findRdp, type RdpToken } from '../rdp';
import { fix, type Report } from '../rule';
import { cases, get } from '../values';
import { absentPhrase, poolKinds, poolName, type RdpCase, rdpCases, rdpReport, redirectionShift, shown, surelyAbsent, tokensOf, whenSuffix } from './rdp';

/**
 * What the device redirection rules (drive, clipboard, USB, printers/COM/MTP, camera/microphone/location) share: each
 * judges one or more RDP properties of every host pool in focus, token by token, and reports the least secure copy
 * of each property, or the property's absence when the host pool default lets the device through.
 */

export interface Verdict {
  /** What the setting lets through, as a verb phrase: "redirects every client drive". */
  what: string;
  /** Steps below the rule's level on top of the profile's (a specific USB device list is one lower than `*`). */
  shift?: number;
}

export interface RedirectionProperty {
  /** The RDP property, lower case. */
  name: string;
  /** The verdict on a written token; undefined when it turns the redirection off (or is left to rdp-property-invalid). */
  judge(t: RdpToken): Verdict | undefined;
  /** The verdict when the property is absent, with the host pool default it then takes; undefined when that is safe. */
  absent?: Verdict & { default: string };
  /** What crosses the boundary, after the colon of the message (no final period). */
  risk(host: string): string;
  /** The fixes of a finding (the preferred one first). */
  fixes(resource: string): Fix[];
}

/** What a finding on an absent property adds: where the level comes from. */
export const ABSENT_NOTE = 'Group Policy or Intune on the session hosts can still block it.';

/** "the shared session host" on pooled host pools, "the session host" otherwise (personal, or type unknown). */
export function hostPhrase(c: RdpCase): string {
  const kinds = poolKinds(c.hp).map((k) => k.kind);
  return kinds.length && kinds.every((k) => k === 'pooled') ? 'the shared session host' : 'the session host';
}

/** A token's value without surrounding spaces, lower case. */
export function valueOf(t: RdpToken): string {
  return t.value.trim().toLowerCase();
}

/** The findings of a redirection rule on one host pool: one per case and property. */
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
    const absent: { p: RedirectionProperty; report: Report }[] = [];
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
          const v = p.judge(t);
          if (v && (!worst || (v.shift ?? 0) > (worst.v.shift ?? 0))) worst = { t, v };
        }
        // A quick fix edits tokens where they are written; one built from pieces (a Terraform map joined with a `for`
        // expression) has no single place to edit.
        const editable = tokens.every((t) => t.range && t.uri);
        if (worst) {
          out.push(
            rdpReport(c, {
              token: worst.t,
              message: `${poolName(c)} ${worst.v.what} (${shown(worst.t.text)})${whenSuffix(c)}: ${p.risk(host)}.`,
              key: p.name,
              shift: base + (worst.v.shift ?? 0),
              fixes: editable ? fixes : [],
            }),
          );
        }
      }
      // A conditional property (preview) can turn a redirection back on for some connections, whatever the string says.
      for (const t of c.conditional ? findRdp(c.conditional, p.name) : []) {
        if (t.type !== rdpProperty(p.name)?.type || !t.range) continue;
        const v = p.judge(t);
        if (!v) continue;
        out.push(
          rdpReport(c, {
            token: t,
            message: `${poolName(c)} ${v.what} when the condition '${t.condition ?? ''}' holds (conditionalRdpProperty ${shown(t.text)})${whenSuffix(c)}: ${p.risk(host)}.`,
            key: `${p.name}|conditional`,
            shift: base + (v.shift ?? 0),
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
        absent.push({
          p,
          report: rdpReport(c, {
            message: `${poolName(c)} ${absentPhrase(c, p.name, p.absent.default)}, which ${p.absent.what}${whenSuffix(c)}: ${p.risk(host)}. ${ABSENT_NOTE}`,
            key: p.name,
            shift: base + (p.absent.shift ?? 0) - 1,
            fixes: editable ? fixes : [],
          }),
        });
      }
    }
    out.push(...(absent.length > 1 ? [merged(c, absent, host)] : absent.map((a) => a.report)));
  }
  return out;
}

/**
 * One finding for the properties a host pool leaves to their defaults, naming each: one decision (write them), with a
 * fix per property and one, preferred, that writes them all.
 */
function merged(c: RdpCase, absent: { p: RedirectionProperty; report: Report }[], host: string): Report {
  const names = absent.map((a) => a.p.name);
  const defaults = absent.map((a) => a.p.absent!.default).join(', ');
  const what = list(absent.map((a) => a.p.absent!.what.replace(/^redirects /, '')));
  const risks = absent.map((a) => a.p.risk(host)).join('; ');
  const phrase = c.rdp
    ? `does not set ${list(names, 'or')}, so they keep the host pool defaults (${defaults})`
    : `sets no RDP properties, so ${list(names)} keep the host pool defaults (${defaults})`;
  const each = absent.flatMap((a) => a.report.fixes ?? []);
  const sets = each.map((f) => f.intent).filter((i): i is Extract<FixIntent, { kind: 'set-rdp-property' }> => i.kind === 'set-rdp-property');
  const all: Fix[] =
    sets.length === absent.length
      ? [
          fix(
            `Turn them all off (${sets.map((i) => `${i.name}:${i.value}`).join(';')})`,
            { ...sets[0], also: sets.slice(1).map((i) => ({ name: i.name, value: i.value })) },
            true,
          ),
        ]
      : [];
  return {
    ...absent[0].report,
    message: `${poolName(c)} ${phrase}, which redirect ${what}${whenSuffix(c)}: ${risks}. ${ABSENT_NOTE}`,
    key: `${c.hp.key}|properties.customRdpProperty|${names.join('+')}|${c.when}`,
    shift: Math.max(...absent.map((a) => a.report.shift ?? 0)),
    fixes: [...all, ...each.map((f) => ({ ...f, preferred: false }))],
  };
}

/** "a, b and c" */
function list(items: string[], last = 'and'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}
