import { inOnePiece, poolName, rdpCases, rdpReport, tokensOf } from '../facts/rdp';
import { fitting } from '../message';
import type { HostPoolNode } from '../graph';
import type { Fix } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './rdp-nla-disabled.md';

const ID = 'rdp-nla-disabled';
const PROPERTY = 'enablecredsspsupport';

function check(pool: HostPoolNode, ctx: RuleContext): void {
  for (const c of rdpCases(pool)) {
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
    ctx.report(
      rdpReport(c, {
        token: inOnePiece(c, off) ? off : undefined,
        message: fitting(
          `${poolName(c)} turns CredSSP off (${PROPERTY}:i:0): without Network Level Authentication, hosts start sign-in before the user proves who they are.`,
          `${poolName(c)} turns CredSSP off (${PROPERTY}:i:0), so Network Level Authentication is off.`,
        ),
        key: PROPERTY,
        shift: 0,
        fixes,
      }),
    );
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
  appliesTo: 'hostPool',
  local: true,
  judges: [PROPERTY],
  check,
});
