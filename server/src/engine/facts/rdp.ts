import type { RedirectionProfile } from '../config';
import type { HostPoolNode } from '../graph';
import type { FindingGroup, Fix, Range, RelatedInfo, Resource, StringValue, Value } from '../model';
import { lastAtOrBefore } from '../positions';
import { findRdp, parseConditionalRdpString, parseRdpString, type RdpString, type RdpToken } from '../rdp';
import { caseNote } from '../message';
import type { Report } from '../rule';
import { cases, get, isAbsent } from '../values';
import { displayName, poolTypeCases } from './host-pools';

/** What the RDP property rules share: each host pool's RDP string in each case it can take, and where to report. */

export interface RdpCase {
  pool: HostPoolNode;
  hp: Resource;
  /** The string, or undefined when the host pool sets no RDP properties (then every property takes its default). */
  value?: StringValue;
  rdp?: RdpString;
  /** "when x is 'y'" when the string is one of several cases (a ternary, parameter files), else ''. */
  when: string;
  /** The null or absent value's range when there is no string. */
  at: Range;
  /** The value to pass to `report` so a finding moves to where the string is written. */
  source?: Value;
  /** The host pool's conditional RDP properties (preview `conditionalRdpProperty`), which may override the string. */
  conditional?: RdpString;
}

/**
 * A host pool's RDP string, one per case it can take. A string built from an unknown value still yields its known
 * tokens (`rdp.hasUnknown` says the rest may hide anything); a value that is not a string at all (an object in a
 * preview API, an unknown parameter) yields nothing: unknown stays silent.
 */
export function rdpCases(pool: HostPoolNode): readonly RdpCase[] {
  // Several rules judge each pool's string: parse it once per resource (an edit swaps the node's resource in place).
  let out = casesByResource.get(pool.resource);
  if (out?.[0]?.pool !== pool && out?.length) out = undefined;
  if (!out) casesByResource.set(pool.resource, (out = expandRdpCases(pool)));
  return out;
}

const casesByResource = new WeakMap<Resource, RdpCase[]>();

/**
 * Where a case of a property's value is used in the host pool's document: its own range when it is written there (a
 * ternary's branch), else the property's (a case that one of several parameters files or callers passes is written in
 * that file, and its range is that file's).
 */
export function useSite(property: Value, c: Value, uri: string): Range {
  return c !== property && c.origin && c.origin.uri !== uri ? property.range : c.range;
}

function expandRdpCases(pool: HostPoolNode): RdpCase[] {
  const out: RdpCase[] = [];
  const hp = pool.resource;
  const cond = get(hp.body, 'properties', 'conditionalRdpProperty');
  const conditional = cond?.kind === 'string' ? parseConditionalRdpString(cond) : undefined;
  const v = get(hp.body, 'properties', 'customRdpProperty');
  if (!v) {
    if (isAbsent(hp.body, 'properties', 'customRdpProperty')) out.push({ pool, hp, when: '', at: hp.source.headRange, conditional });
    return out;
  }
  for (const c of cases(v)) {
    const at = useSite(v, c.value, hp.source.uri);
    if (c.value.kind === 'null') out.push({ pool, hp, when: c.when, at, source: c.value, conditional });
    else if (c.value.kind === 'string') out.push({ pool, hp, value: c.value, rdp: parseRdpString(c.value), when: c.when, at, source: c.value, conditional });
  }
  return out;
}

/** The tokens that set a property in a case (several when duplicated), empty when it is absent. */
export function tokensOf(c: RdpCase, name: string): RdpToken[] {
  return c.rdp ? findRdp(c.rdp, name) : [];
}

/**
 * Whether a property is absent in a case *for sure*: not written, and no unknown part of the string could hold it.
 * A string with an unknown part may set anything, so its absence is not known.
 */
export function surelyAbsent(c: RdpCase, name: string): boolean {
  return !tokensOf(c, name).length && !c.rdp?.hasUnknown;
}

export type PoolKind = 'pooled' | 'personal' | 'unknown';

/** Whether the host pool is pooled, personal, or either (unknown type); with a suffix naming the cases when it varies. */
export function poolKinds(hp: Resource): { kind: PoolKind; when: string }[] {
  return poolTypeCases(hp).map((c) => ({ kind: c.type === 'pooled' ? 'pooled' : c.type === 'personal' ? 'personal' : 'unknown', when: c.when }));
}

/**
 * The level shift of a redirection finding under the profile in .avdsec.json: `strict` keeps the rule's level on
 * every host pool; `balanced` keeps it on pooled ones and lowers it by one on personal ones (and on those whose type
 * is unknown); `off` reports nothing (undefined).
 */
export function redirectionShift(profile: RedirectionProfile, hp: Resource): number | undefined {
  if (profile === 'off') return undefined;
  if (profile === 'strict') return 0;
  const kinds = poolKinds(hp).map((k) => k.kind);
  return kinds.includes('pooled') ? 0 : -1;
}

export interface RdpReport {
  message: string;
  /** The token the finding is about; without it the finding goes on the string (or the host pool when it has none). */
  token?: RdpToken;
  key: string;
  shift: number;
  fixes?: Fix[];
  related?: RelatedInfo[];
  group?: FindingGroup;
}

/** A finding on a token where it is written (this document or the one the value comes from), else on the string. */
export function rdpReport(c: RdpCase, r: RdpReport): Report {
  const uri = c.hp.source.uri;
  const t = r.token;
  const onToken = t?.range && t.uri;
  const elsewhere = onToken && t!.uri !== uri;
  return {
    uri: onToken ? t!.uri! : uri,
    at: onToken ? t!.range! : c.at,
    value: onToken ? undefined : c.source,
    message: r.message,
    shift: r.shift,
    fixes: r.fixes ?? [],
    // The case goes with the finding as related information, where the case's value is used: the message stays short.
    related: [
      ...(elsewhere ? [{ uri, range: c.at, message: 'The value is used here' }] : []),
      ...(c.when ? [{ uri, range: c.at, message: caseNote(c.when) }] : []),
      ...(r.related ?? []),
    ],
    key: `${c.hp.key}|properties.customRdpProperty|${r.key}|${c.when}`,
    ...(r.group ? { group: r.group } : {}),
  };
}

/**
 * Whether a token's characters are written in one piece of source (one literal, one variable): only then can a fix
 * replace it, and a finding underline it. A token run together from two values spans code between them.
 */
export function inOnePiece(c: RdpCase, t: RdpToken): boolean {
  const r = t.range;
  // A token whose characters come from several places has a range from the first to the last of them, which may run
  // backwards or be shorter than its text.
  if (!r || !t.uri || !c.value || r.end - r.start < t.text.length) return false;
  const pieces = piecesOf(c.value).get(t.uri);
  if (!pieces) return false;
  // The last piece that starts at or before the token; the widest end among it and those before says whether one covers it.
  const at = lastAtOrBefore(pieces.starts, (x) => x, r.start);
  return at >= 0 && pieces.maxEnds[at] >= r.end;
}

/** The source ranges of a string's literal parts per file, sorted by start, with the widest end so far. */
const pieceIndex = new WeakMap<StringValue, Map<string, { starts: number[]; maxEnds: number[] }>>();

function piecesOf(v: StringValue): Map<string, { starts: number[]; maxEnds: number[] }> {
  let index = pieceIndex.get(v);
  if (index) return index;
  const byUri = new Map<string, Range[]>();
  for (const p of v.parts) {
    if (p.kind !== 'text' || !p.source) continue;
    const list = byUri.get(p.source.uri);
    const range = { start: p.source.start, end: p.source.end };
    if (list) list.push(range);
    else byUri.set(p.source.uri, [range]);
  }
  index = new Map();
  for (const [uri, ranges] of byUri) {
    ranges.sort((a, b) => a.start - b.start);
    const maxEnds: number[] = [];
    ranges.forEach((x, i) => maxEnds.push(Math.max(x.end, i ? maxEnds[i - 1] : -Infinity)));
    index.set(uri, { starts: ranges.map((x) => x.start), maxEnds });
  }
  pieceIndex.set(v, index);
  return index;
}

/** A token's text for a message: long ones are cut, so a 100 KB value does not become a 100 KB message. */
export function shown(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** "Host pool 'x'" for messages. */
export function poolName(c: RdpCase): string {
  return `Host pool ${displayName(c.hp)}`;
}
