import type { AvdGraph } from '../graph';
import { targetsOf } from '../graph/targets';
import type { ObjectEntry, Range, Resource, Value } from '../model';
import { cases, entry, get, knownString } from '../values';

/**
 * When a host pool registration token expires, read from the expiration its deployment writes: a date known now (a
 * literal, or a literal plus durations), or a time after the deployment runs (`dateTimeAdd(utcNow(), 'P30D')`,
 * `timeadd(timestamp(), "48h")`, a Terraform `time_rotating` or `time_offset`). Anything else is not known.
 */
export type Expiry =
  /** Known now: epoch milliseconds. */
  | { kind: 'date'; at: number; when: string }
  /** `hours` after the deployment runs; `site` is where the one duration it adds is written, when a fix can edit it. */
  | { kind: 'after'; hours: number; site?: DurationSite; when: string };

/** Where a lifetime's duration is written, so that a fix can shorten it. */
export type DurationSite =
  /**
   * A string literal: ISO 8601 (`dateTimeAdd`) or Go (`timeadd`) syntax. `ranges` are where it may be written with its
   * quotes, most likely first (adapters map a literal's text with or without its quotes).
   */
  | { kind: 'literal'; uri: string; ranges: Range[]; text: string; syntax: 'iso' | 'go' }
  /** A number attribute of a `time_rotating` (`rotation_days = 30`) or `time_offset` (`offset_days = 7`). */
  | { kind: 'attribute'; uri: string; entry: ObjectEntry; prefix: 'rotation' | 'offset' };

const HOUR = 3_600_000;
/** Cases of one value followed through; more are not judged (a value of many conditions stays silent). */
const MAX_CASES = 16;

/** The time the rule judges against. The engine reads the clock here only: a literal date's meaning depends on it. */
export function currentTime(): number {
  return Date.now();
}

/** The host pool a Terraform `azurerm_virtual_desktop_host_pool_registration_info` names by its `hostpool_id`. */
export function registrationInfoPool(info: Resource, graph: AvdGraph): Resource | undefined {
  return targetsOf(graph.documents).target(get(info.body, 'hostpool_id'), 'microsoft.desktopvirtualization/hostpools', info);
}

/** The expiry of a registration token written as `v`, in each case the value can take; empty when not known. */
export function expiryCases(v: Value, graph: AvdGraph): Expiry[] {
  return instant(v, graph, '', 0).slice(0, MAX_CASES);
}

interface Instant {
  /** Epoch milliseconds, or hours after the deployment runs. */
  base: 'date' | 'deployment';
  value: number;
  /** The durations added, with where each is written. */
  sites: (DurationSite | undefined)[];
  when: string;
}

const and = (a: string, b: string) => (a && b ? `${a} and ${b}` : a || b);

function instant(v: Value, graph: AvdGraph, when: string, depth: number): Expiry[] {
  return instants(v, graph, when, depth).map((i) =>
    i.base === 'date'
      ? { kind: 'date', at: i.value, when: i.when }
      : { kind: 'after', hours: i.value, site: i.sites.length === 1 ? i.sites[0] : undefined, when: i.when },
  );
}

function instants(v: Value, graph: AvdGraph, when: string, depth: number): Instant[] {
  if (depth > 8) return [];
  const out: Instant[] = [];
  for (const c of cases(v)) {
    const w = and(when, c.when);
    const x = c.value;
    if (x.kind === 'string') {
      const text = knownString(x);
      const at = text === undefined ? undefined : parseDate(text);
      if (at !== undefined) out.push({ base: 'date', value: at, sites: [], when: w });
    } else if (x.kind === 'unknown' && x.time) {
      const { base, add } = x.time;
      const from: Instant[] = base ? instants(base, graph, w, depth + 1) : [{ base: 'deployment', value: 0, sites: [], when: w }];
      if (!add) {
        out.push(...from);
        continue;
      }
      // Terraform's timeadd reads Go durations; ARM's dateTimeAdd ISO 8601 ones.
      const syntax = x.text?.startsWith('timeadd') ? 'go' : 'iso';
      for (const f of from) {
        for (const d of cases(add)) {
          const hours = durationHours(knownString(d.value), syntax);
          if (hours === undefined) continue;
          out.push({
            base: f.base,
            value: f.base === 'date' ? f.value + hours * HOUR : f.value + hours,
            sites: [...f.sites, literalSite(d.value, syntax)],
            when: and(f.when, d.when),
          });
        }
      }
    } else if (x.kind === 'ref') {
      out.push(...timeResource(x, graph, w, depth));
    }
    if (out.length > MAX_CASES) break;
  }
  return out;
}

/** Where a duration string is written: the value in place, or the default or variable it was read from. */
function literalSite(v: Value, syntax: 'iso' | 'go'): DurationSite | undefined {
  const text = knownString(v);
  if (text === undefined || v.kind !== 'string' || v.parts.length !== 1 || v.parts[0].kind !== 'text') return undefined;
  const source = v.parts[0].source;
  const uri = v.origin?.uri ?? source?.uri;
  if (!uri) return undefined;
  const ranges: Range[] = [v.origin?.range ?? v.range];
  if (source && source.uri === uri) ranges.push({ start: source.start - 1, end: source.end + 1 }, { start: source.start, end: source.end });
  return { kind: 'literal', uri, ranges, text, syntax };
}

const ROTATION: Record<string, number> = { minutes: 1 / 60, hours: 1, days: 24, months: 730, years: 8760 };
const OFFSET: Record<string, number> = { seconds: 1 / 3600, ...ROTATION };

/**
 * The `hashicorp/time` resources an expiration is read from: `time_rotating.x.rotation_rfc3339` (its base plus one
 * rotation period), `time_offset.x.rfc3339` (its base plus every offset), `time_static.x.rfc3339` (its base). A base
 * not written is the time of the apply that creates the resource.
 */
function timeResource(ref: Extract<Value, { kind: 'ref' }>, graph: AvdGraph, when: string, depth: number): Instant[] {
  const r = ref.target ? graph.byKey.get(ref.target) : undefined;
  if (!r || r.source.loop || ref.path.length !== 1) return [];
  const attr = ref.path[0];
  const type = r.source.nativeType;
  const baseAttr = type === 'time_offset' ? 'base_rfc3339' : 'rfc3339';
  const base = (): Instant[] => {
    const b = get(r.body, baseAttr);
    return b ? instants(b, graph, when, depth + 1) : [{ base: 'deployment', value: 0, sites: [], when }];
  };
  const plus = (from: Instant[], hours: number, site: DurationSite | undefined): Instant[] =>
    from.map((f) => ({ ...f, value: f.base === 'date' ? f.value + hours * HOUR : f.value + hours, sites: [...f.sites, site] }));
  if (type === 'time_static' && (attr === 'rfc3339' || attr === 'id')) return base();
  if (type === 'time_rotating' && attr === 'rotation_rfc3339') {
    const fixed = get(r.body, 'rotation_rfc3339');
    if (fixed) return instants(fixed, graph, when, depth + 1);
    const periods = periodsOf(r, 'rotation', ROTATION);
    if (periods?.length !== 1) return [];
    return plus(base(), periods[0].hours, periods[0].site);
  }
  if (type === 'time_offset' && (attr === 'rfc3339' || attr === 'id')) {
    const offsets = periodsOf(r, 'offset', OFFSET);
    if (!offsets?.length) return [];
    const total = offsets.reduce((n, o) => n + o.hours, 0);
    return plus(base(), total, offsets.length === 1 ? offsets[0].site : undefined);
  }
  return [];
}

/** The `<prefix>_<unit>` number attributes of a time resource in hours; undefined when one is not known. */
function periodsOf(r: Resource, prefix: 'rotation' | 'offset', units: Record<string, number>): { hours: number; site?: DurationSite }[] | undefined {
  const out: { hours: number; site?: DurationSite }[] = [];
  for (const [unit, hours] of Object.entries(units)) {
    const e = entry(r.body, `${prefix}_${unit}`);
    if (!e) continue;
    if (e.value.kind !== 'number') return undefined;
    const inPlace = !e.value.origin && e.value.range.end > e.value.range.start;
    out.push({
      hours: e.value.value * hours,
      site: inPlace ? { kind: 'attribute', uri: r.source.uri, entry: e, prefix } : undefined,
    });
  }
  return out;
}

/**
 * A date as ARM and Terraform read it: `2022-01-01T23:40:52Z`, `2025-02-12 00:00:00Z` (`utcNow('u')`), a date alone;
 * UTC unless an offset is written. Undefined for anything else.
 */
export function parseDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)? ?([Zz]|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1, 7);
  const nums = [y, mo, d, h, mi, s].map(Number);
  if (nums[1] < 1 || nums[1] > 12 || nums[2] < 1 || nums[2] > 31 || nums[3] > 23 || nums[4] > 59 || nums[5] > 59) return undefined;
  let t = Date.UTC(nums[0], nums[1] - 1, nums[2], nums[3], nums[4], nums[5]);
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    t -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  }
  return t;
}

/**
 * A duration in hours: ISO 8601 as `dateTimeAdd` takes it (`PT8H`, `P30D`, `P1W`, `-P1D`; a month counts 730 hours, a
 * year 8760), or Go's as `timeadd` takes it (`48h`, `1h30m`, `-2h`). Undefined when it is neither.
 */
export function durationHours(text: string | undefined, syntax: 'iso' | 'go'): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  return syntax === 'iso' ? isoHours(t) : goHours(t);
}

const NUM = '(\\d+(?:[.,]\\d+)?)';
const ISO = new RegExp(`^([+-])?P(?:${NUM}Y)?(?:${NUM}M)?(?:${NUM}W)?(?:${NUM}D)?(?:T(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?$`, 'i');

function isoHours(t: string): number | undefined {
  const m = ISO.exec(t);
  if (!m || /T$/i.test(t) || !m.slice(2).some((x) => x !== undefined)) return undefined;
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i].replace(',', '.')));
  const hours = n(2) * 8760 + n(3) * 730 + n(4) * 168 + n(5) * 24 + n(6) + n(7) / 60 + n(8) / 3600;
  return m[1] === '-' ? -hours : hours;
}

const GO_UNITS: Record<string, number> = { ns: 1 / 3.6e12, us: 1 / 3.6e9, µs: 1 / 3.6e9, ms: 1 / 3.6e6, s: 1 / 3600, m: 1 / 60, h: 1 };

function goHours(t: string): number | undefined {
  if (t === '0') return 0;
  const m = /^([+-])?((?:\d+(?:\.\d*)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(t);
  if (!m) return undefined;
  let hours = 0;
  for (const p of m[2].matchAll(/(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)/g)) hours += Number(p[1]) * GO_UNITS[p[2]];
  return m[1] === '-' ? -hours : hours;
}
