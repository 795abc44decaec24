import type { HostPoolNode } from '../graph';
import type { Fix, Range, RelatedInfo, Value } from '../model';
import { findRdp, parseRdpString } from '../rdp';
import { cases, get, isAbsent, knownString } from '../values';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './host-pool-sso-disabled.md';
import { displayName, joinLadder } from '../facts/host-pools';
import { useSite } from '../facts/rdp';
import { caseNote, clip, fitting } from '../message';

const ID = 'host-pool-sso-disabled';
const PROPERTY = 'enablerdsaadauth';

interface JoinVerdict {
  shift: number;
  why: string;
  related: RelatedInfo[];
}

/** The level ladder (facts/host-pools.ts joinLadder), with why single sign-on matters at each step. */
function joinVerdict(pool: HostPoolNode): JoinVerdict {
  const ladder = joinLadder(pool);
  if (ladder.shift === 0) return { shift: 0, why: 'users of its Entra joined hosts type their password at every connection', related: ladder.evidence };
  if (ladder.adOnly) return { shift: -2, why: 'its hosts are joined only to Active Directory, where it also needs hybrid join', related: [] };
  return { shift: -1, why: 'users of Entra or hybrid joined hosts type their password at every connection', related: [] };
}

function check(pool: HostPoolNode, ctx: RuleContext): void {
  const hp = pool.resource;
  const verdict = joinVerdict(pool);
  // Host pools that use the legacy AD FS single sign-on already have SSO; moving to Entra SSO is advice, not a gap.
  const adfs = knownString(get(hp.body, 'properties', 'ssoadfsAuthority')) || get(hp.body, 'properties', 'ssoClientId');
  const shift = adfs ? Math.min(verdict.shift, -1) : verdict.shift;
  const fixes: Fix[] = [
    fix('Enable Microsoft Entra single sign-on (enablerdsaadauth:i:1)', { kind: 'set-rdp-property', resource: hp.key, name: PROPERTY, value: 'i:1' }, true),
  ];
  const base = { uri: hp.source.uri, shift, related: verdict.related, fixes };
  const rdp = get(hp.body, 'properties', 'customRdpProperty');

  if (!rdp) {
    if (!isAbsent(hp.body, 'properties', 'customRdpProperty')) return;
    ctx.report({
      ...base,
      at: hp.source.headRange,
      message: said(
        `Host pool ${displayName(hp)} sets no RDP properties, so single sign-on is off`,
        verdict.why,
        `Host pool ${displayName(hp)} has single sign-on off`,
      ),
      key: `${hp.key}|properties.customRdpProperty`,
    });
    return;
  }
  for (const c of cases(rdp)) {
    if (c.value.kind === 'null') {
      // Azure drops a property set to null: the host pool gets no RDP properties at all.
      const at = useSite(rdp, c.value, hp.source.uri);
      ctx.report({
        ...base,
        fixes: [],
        at,
        value: c.value,
        related: [...withCase(hp.source.uri, at, c.when), ...base.related],
        message: said(
          `Host pool ${displayName(hp)} sets no RDP properties, so single sign-on is off`,
          verdict.why,
          `Host pool ${displayName(hp)} has single sign-on off`,
        ),
        key: `${hp.key}|properties.customRdpProperty|${c.when}`,
      });
    } else checkString(ctx, c.value, useSite(rdp, c.value, hp.source.uri), c.when, hp.key, displayName(hp), base, verdict.why);
  }
}

function checkString(
  ctx: RuleContext,
  v: Value,
  /** Where the value is used in the host pool's document. */
  site: Range,
  when: string,
  key: string,
  name: string,
  base: { uri: string; shift: number; related: RelatedInfo[]; fixes: Fix[] },
  why: string,
): void {
  // A property built from values we cannot read (a parameter without default, an object in preview APIs) stays silent.
  if (v.kind !== 'string') return;
  const rdp = parseRdpString(v);
  const tokens = findRdp(rdp, PROPERTY);
  const bad = tokens.filter((t) => !(t.type === 'i' && t.value.trim() === '1'));
  if (bad.length) {
    // With duplicates, which one the client honours is undocumented: the least secure one is reported.
    const t = bad[0];
    // The token may be written in another document (a parameters file, a module argument): report it there.
    const elsewhere = t.range && t.uri && t.uri !== base.uri;
    ctx.report({
      ...base,
      uri: elsewhere ? t.uri! : base.uri,
      at: t.range && (t.uri === base.uri || elsewhere) ? t.range : site,
      related: [...(elsewhere ? [{ uri: base.uri, range: site, message: 'The value is used here' }] : []), ...withCase(base.uri, site, when), ...base.related],
      value: elsewhere ? undefined : v,
      message: said(`Host pool ${name} turns single sign-on off (${clip(t.text.trim(), 40)})`, why, `Host pool ${name} turns single sign-on off`),
      key: `${key}|properties.customRdpProperty|${when}`,
    });
    return;
  }
  if (tokens.length || rdp.hasUnknown) return;
  if (findRdp(rdp, 'targetisaadjoined').some((t) => t.value.trim() === '1') && ctx.ruleEnabled('legacy-entra-password-sign-in')) return;
  ctx.report({
    ...base,
    at: site,
    value: v,
    related: [...withCase(base.uri, site, when), ...base.related],
    message: said(`Host pool ${name} does not set ${PROPERTY}:i:1, so single sign-on is off`, why, `Host pool ${name} has single sign-on off`),
    key: `${key}|properties.customRdpProperty|${when}`,
  });
}

/** What was found, with why it matters when both fit in one short sentence (else the shorter finding, with the why). */
function said(found: string, why: string, short: string): string {
  return fitting(`${found}: ${why}.`, `${short}: ${why}.`, `${found}.`);
}

function withCase(uri: string, range: Range, when: string): RelatedInfo[] {
  return when ? [{ uri, range, message: caseNote(when) }] : [];
}

export default defineRule({
  id: ID,
  title: 'Host pools should use Microsoft Entra single sign-on',
  level: 'warning',
  severity: 'medium',
  boundary: ['identity'],
  summary: 'Finds host pools whose RDP properties leave Microsoft Entra single sign-on (enablerdsaadauth:i:1) off.',
  docs,
  appliesTo: 'hostPool',
  local: true,
  judges: [PROPERTY],
  check,
});
