import type { Fix } from '../model';
import type { RdpToken } from '../rdp';
import { defineRule, fix, type RuleContext } from './define';
import docs from './rdp-nla-disabled.md';
import { poolName, type RdpCase, rdpCases, reportRdp, tokensOf, whenSuffix } from './rdp-rules';

const ID = 'rdp-nla-disabled';
const PROPERTY = 'enablecredsspsupport';

/**
 * Whether a token is written in one piece of source (one literal or variable). A token put together from several
 * (`'enablecredsspsupport:i:${value}'` with a known value) has no single range to underline or edit: the finding then
 * goes on the string, without fixes.
 */
function inOnePiece(c: RdpCase, t: RdpToken): boolean {
  const r = t.range;
  // A token whose characters come from several places has a range from the first to the last of them, which may run
  // backwards or be shorter than its text.
  if (!r || !t.uri || !c.value || r.end - r.start < t.text.length) return false;
  return c.value.parts.some((p) => p.kind === 'text' && !!p.source && p.source.uri === t.uri && p.source.start <= r.start && r.end <= p.source.end);
}

function check(ctx: RuleContext): void {
  for (const c of rdpCases(ctx)) {
    // Absent means the default (1): CredSSP on. A token with another type letter or value is rdp-property-invalid's.
    const off = tokensOf(c, PROPERTY).find((t) => t.type === 'i' && t.value.trim() === '0');
    if (!off) continue;
    // The fixes edit every copy of the property, so each must be written in one piece.
    const editable = tokensOf(c, PROPERTY).every((t) => inOnePiece(c, t));
    const fixes: Fix[] = editable
      ? [
          fix(`Turn CredSSP back on (${PROPERTY}:i:1)`, { kind: 'set-rdp-property', resource: c.hp.key, name: PROPERTY, value: 'i:1' }, true),
          fix(`Remove ${PROPERTY} (the default is 1)`, { kind: 'remove-rdp-property', resource: c.hp.key, name: PROPERTY }),
        ]
      : [];
    reportRdp(ctx, c, {
      token: inOnePiece(c, off) ? off : undefined,
      message:
        `${poolName(c)} sets '${off.text}'${whenSuffix(c)}: clients connect without CredSSP, so Network Level Authentication ` +
        `is off and the session host starts a Windows sign-in session before the user has authenticated to it.`,
      key: PROPERTY,
      shift: 0,
      fixes,
    });
  }
}

export default defineRule({
  id: ID,
  title: 'Host pools should keep Network Level Authentication (CredSSP) on',
  level: 'warning',
  severity: 'medium',
  boundary: ['identity', 'network'],
  summary: 'Finds host pools whose RDP properties turn CredSSP off (enablecredsspsupport:i:0), which disables Network Level Authentication.',
  docs,
  check,
});
