import type { AvdGraph } from '../graph';
import { displayName } from '../facts/host-pools';
import { TF_REGISTRATION_INFO } from '../facts/registration-tokens';
import { TYPES } from '../graph/links';
import { currentTime, type DurationSite, type Expiry, expiryCases, registrationInfoPool } from '../facts/token-lifetime';
import { caseNote, fitting } from '../message';
import type { Fix, Range, RelatedInfo, Resource, Value } from '../model';
import { type Deployment, defineRule, fix, type RuleContext } from '../rule';
import { arrayItems, cases, get, knownString } from '../values';
import docs from './registration-token-long-lived.md';

const OPTIONS = {
  maxHours: {
    type: 'number',
    default: 24,
    minimum: 1,
    description:
      'The longest a host pool registration token may stay valid, in hours after the deployment runs (for a date written out, after the check runs).',
  },
} as const;

const HOUR = 3_600_000;
/** The service refuses an expiration less than an hour or more than 30 days away (its error message says so). */
const SERVICE_MAX_HOURS = 30 * 24;
/** What the fix shortens a lifetime to, within the configured maximum: a working day, as Microsoft's AVM module does. */
const FIX_HOURS = 8;

/** An expiration a deployment writes for a host pool's registration token. */
interface Written {
  resource: Resource;
  /** The host pool, when it is known (a Terraform registration_info names it by id). */
  pool?: Resource;
  value: Value;
  when: string;
}

const and = (a: string, b: string) => (a && b ? `${a} and ${b}` : a || b);

function expirations(r: Resource, graph: AvdGraph): Written[] {
  if (r.source.existing) return [];
  const type = r.type.toLowerCase();
  if (type === TF_REGISTRATION_INFO) {
    const v = get(r.body, 'expiration_date');
    return v ? [{ resource: r, pool: registrationInfoPool(r, graph), value: v, when: '' }] : [];
  }
  if (type !== 'microsoft.desktopvirtualization/hostpools') return [];
  const out: Written[] = [];
  if (r.source.nativeType === 'azurerm_virtual_desktop_host_pool') {
    // azurerm 2.x wrote the token's expiration in the pool's own block; the mapping leaves it by its HCL name.
    const block = get(r.body, 'registration_info');
    for (const b of arrayItems(block) ?? (block ? [block] : [])) {
      const v = get(b, 'expiration_date');
      if (v) out.push({ resource: r, pool: r, value: v, when: '' });
    }
    return out;
  }
  const info = get(r.body, 'properties', 'registrationInfo');
  for (const c of info ? cases(info) : []) {
    if (c.value.kind !== 'object') continue;
    // 'Delete' and 'None' issue no token: the expiration is not used.
    const op = knownString(get(c.value, 'registrationTokenOperation'));
    if (op !== undefined && op.trim().toLowerCase() !== 'update') continue;
    const v = get(c.value, 'expirationTime');
    if (v) out.push({ resource: r, pool: r, value: v, when: c.when });
  }
  return out;
}

/** "30 days", "36 hours", "45 minutes". */
function span(hours: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (hours > 48) return plural(Math.round((hours / 24) * 10) / 10, 'day');
  if (hours >= 1) return plural(Math.round(hours * 10) / 10, 'hour');
  return plural(Math.round(hours * 60), 'minute');
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

function check(deployment: Deployment, ctx: RuleContext<typeof OPTIONS>): void {
  const max = ctx.options.maxHours;
  const now = currentTime();
  // A plan's copy of a resource whose .tf declaration is here: the declaration is judged (as the graph links it).
  const declared = new Set(deployment.resources.filter((r) => r.source.language === 'terraform').map((r) => r.key));
  for (const r of deployment.resources) {
    if (r.source.declaredAt && declared.has(r.source.declaredAt)) continue;
    for (const w of expirations(r, ctx.graph)) {
      for (const x of expiryCases(w.value, ctx.graph)) judge(w, x, max, now, ctx);
    }
  }
}

function judge(w: Written, x: Expiry, max: number, now: number, ctx: RuleContext<typeof OPTIONS>): void {
  const hours = x.kind === 'date' ? (x.at - now) / HOUR : x.hours;
  const subject = w.pool ? `The registration token of host pool ${displayName(w.pool)}` : 'This host pool registration token';
  const uri = w.resource.source.uri;
  const when = and(w.when, x.when);
  const related: RelatedInfo[] = when ? [{ uri, range: w.value.range, message: caseNote(when) }] : [];
  const report = (message: string, shift: number, fixes: Fix[] = []) =>
    ctx.report({ uri, at: w.value.range, value: w.value, message, shift, related, fixes, key: `${w.resource.key}|registrationInfo.expirationTime|${when}` });
  if (x.kind === 'date' && hours <= 0) {
    // Expired: no token is issued, so no risk; the catalog reports it one level lower.
    report(
      fitting(
        `${subject} expired on ${day(x.at)}: the service rejects an expiration in the past, so the deployment will fail.`,
        `${subject} expired on ${day(x.at)}: the deployment will fail.`,
      ),
      -1,
    );
    return;
  }
  if (x.kind === 'after' && hours < 1) {
    report(
      hours <= 0
        ? fitting(
            `${subject} expires before the deployment runs: the service rejects it, so the deployment will fail.`,
            `${subject} expires before the deployment runs: the deployment will fail.`,
          )
        : fitting(
            `${subject} lasts ${span(hours)}: the service requires at least one hour, so the deployment will fail.`,
            `${subject} lasts ${span(hours)}: the deployment will fail.`,
          ),
      -1,
    );
    return;
  }
  if (hours <= max) return;
  if (hours > SERVICE_MAX_HOURS) {
    related.push({
      uri,
      range: w.value.range,
      message: 'The service also refuses more than 30 days ("ExpirationTime value must be between one hour and 30 days from now").',
    });
  }
  const lasts = x.kind === 'date' ? `lasts until ${day(x.at)}, over ${span(max)} from now` : `lasts ${span(hours)}, over ${span(max)}`;
  const message = fitting(
    `${subject} ${lasts}: whoever obtains it can register their own machines as session hosts.`,
    `${subject} ${lasts}: a leaked token registers rogue session hosts.`,
    `${subject} ${lasts}.`,
  );
  const shorten = x.kind === 'after' && x.site ? shortenFix(x.site, max, ctx.graph) : undefined;
  report(message, 0, shorten ? [shorten] : []);
}

/** Sets the one duration the lifetime is made of to a working day (or the maximum, when that is shorter). */
function shortenFix(site: DurationSite, max: number, graph: AvdGraph): Fix | undefined {
  const hours = Math.max(1, Math.min(FIX_HOURS, Math.floor(max)));
  const title = `Shorten the lifetime to ${span(hours)}`;
  const text = graph.documents.find((d) => d.uri === site.uri)?.text;
  if (text === undefined) return undefined;
  if (site.kind === 'literal') {
    const quoted = (r: Range) => /^(["'])[^"'\\]*\1$/.test(text.slice(r.start, r.end)) && text.slice(r.start + 1, r.end - 1) === site.text;
    const range = site.ranges.find(quoted);
    const to = site.syntax === 'iso' ? `PT${hours}H` : `${hours}h`;
    return range && fix(title, { kind: 'replace-literal', uri: site.uri, range, from: site.text, to }, true);
  }
  const { keyRange, value } = site.entry;
  const from = text.slice(keyRange.start, value.range.end);
  return fix(
    title,
    { kind: 'replace-entry', uri: site.uri, key: keyRange, value: value.range, from, toKey: `${site.prefix}_hours`, toValue: String(hours) },
    true,
  );
}

export default defineRule({
  id: 'registration-token-long-lived',
  title: 'Host pool registration tokens should be short-lived',
  level: 'warning',
  severity: 'medium',
  boundary: ['management-plane'],
  summary: 'Finds registration tokens whose lifetime exceeds the configured maximum, or that have already expired.',
  docs,
  appliesTo: 'deployment',
  // A host pool's registration info (azurerm 2.x: its registration_info block), a Terraform registration info, and the
  // hashicorp/time resources an expiration is read from.
  reads: (type, properties) =>
    !properties ||
    type === TF_REGISTRATION_INFO ||
    type.startsWith('terraform:time_') ||
    (type === TYPES.hostPool && (properties.has('registrationinfo') || properties.has('registration_info'))),
  options: OPTIONS,
  check,
});
