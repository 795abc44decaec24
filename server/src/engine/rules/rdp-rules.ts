import type { HostPoolNode } from '../graph';
import type { Fix, Range, RelatedInfo, Resource, StringValue, Value } from '../model';
import { findRdp, parseConditionalRdpString, parseRdpString, type RdpString, type RdpToken } from '../rdp';
import { cases, get, isAbsent } from '../values';
import type { RuleContext } from './define';
import { displayName, focusedHostPools, poolTypeCases } from './host-pools';

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
 * The RDP strings of the host pools in focus, one per case. A string built from an unknown value still yields its
 * known tokens (`rdp.hasUnknown` says the rest may hide anything); a value that is not a string at all (an object in a
 * preview API, an unknown parameter) yields nothing: unknown stays silent.
 */
export function rdpCases(ctx: RuleContext): RdpCase[] {
  const out: RdpCase[] = [];
  for (const pool of focusedHostPools(ctx)) {
    const hp = pool.resource;
    if (hp.source.existing || !ctx.inFocus(hp.source.uri)) continue;
    const cond = get(hp.body, 'properties', 'conditionalRdpProperty');
    const conditional = cond?.kind === 'string' ? parseConditionalRdpString(cond) : undefined;
    const v = get(hp.body, 'properties', 'customRdpProperty');
    if (!v) {
      if (isAbsent(hp.body, 'properties', 'customRdpProperty')) out.push({ pool, hp, when: '', at: hp.source.headRange, conditional });
      continue;
    }
    for (const c of cases(v)) {
      if (c.value.kind === 'null') out.push({ pool, hp, when: c.when, at: c.value.range, source: c.value, conditional });
      else if (c.value.kind === 'string')
        out.push({ pool, hp, value: c.value, rdp: parseRdpString(c.value), when: c.when, at: c.value.range, source: c.value, conditional });
    }
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
export function redirectionShift(ctx: RuleContext, hp: Resource): number | undefined {
  const profile = ctx.settings.redirectionProfile;
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
}

/** Reports on a token where it is written (this document or the one the value comes from), else on the string. */
export function reportRdp(ctx: RuleContext, c: RdpCase, r: RdpReport): void {
  const uri = c.hp.source.uri;
  const t = r.token;
  const onToken = t?.range && t.uri;
  const elsewhere = onToken && t!.uri !== uri;
  ctx.report({
    uri: onToken ? t!.uri! : uri,
    at: onToken ? t!.range! : c.at,
    value: onToken ? undefined : c.source,
    message: r.message,
    shift: r.shift,
    fixes: r.fixes ?? [],
    related: elsewhere ? [{ uri, range: c.at, message: 'The value is used here' }, ...(r.related ?? [])] : (r.related ?? []),
    key: `${c.hp.key}|properties.customRdpProperty|${r.key}|${c.when}`,
  });
}

/** A token's text for a message: long ones are cut, so a 100 KB value does not become a 100 KB message. */
export function shown(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** " (when …)" for messages, or ''. */
export function whenSuffix(c: RdpCase): string {
  return c.when ? ` (${c.when})` : '';
}

/** "Host pool 'x'" for messages. */
export function poolName(c: RdpCase): string {
  return `Host pool ${displayName(c.hp)}`;
}

/** A phrase for an absent property: what the user reads when the string does not mention it. */
export function absentPhrase(c: RdpCase, name: string, defaultValue: string): string {
  return c.rdp
    ? `does not set ${name}, so it keeps the host pool default (${defaultValue})`
    : `sets no RDP properties, so ${name} keeps the host pool default (${defaultValue})`;
}
