import { joinLadder, type JoinLadder } from '../facts/host-pools';
import { isSetTo, settableEverywhere } from '../facts/passwordless';
import { inOnePiece, poolName, rdpCases, rdpReport, tokensOf } from '../facts/rdp';
import type { HostPoolNode } from '../graph';
import { fitting } from '../message';
import type { Fix } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './legacy-entra-password-sign-in.md';

const ID = 'legacy-entra-password-sign-in';
const LEGACY = 'targetisaadjoined';
const SSO = 'enablerdsaadauth';

function check(pool: HostPoolNode, ctx: RuleContext): void {
  let ladder: JoinLadder | undefined;
  for (const c of rdpCases(pool)) {
    // The same test as host-pool-sso-disabled's, which stays quiet on these strings while this rule runs: one finding.
    const legacy = tokensOf(c, LEGACY).find((t) => t.value.trim() === '1');
    if (!legacy) continue;
    const sso = tokensOf(c, SSO);
    // Single sign-on on: the legacy property is then unused.
    if (sso.length && sso.every((t) => isSetTo(t, '1'))) continue;
    // enablerdsaadauth written with another value: host-pool-sso-disabled reports that token, and its fix is the one needed.
    if (sso.length && ctx.ruleEnabled('host-pool-sso-disabled')) continue;
    // A part of the string that avdsec cannot read may turn single sign-on on.
    if (!sso.length && c.rdp?.hasUnknown) continue;

    ladder ??= joinLadder(pool);
    const name = poolName(c);
    const hosts = ladder.shift === 0 ? 'its Entra joined hosts' : 'Entra joined hosts';
    const token = legacy.text.trim();
    const useSso = settableEverywhere(pool, [SSO], [LEGACY])
      ? [
          fix(`Use single sign-on instead (${SSO}:i:1, no ${LEGACY})`, {
            kind: 'set-rdp-property',
            resource: c.hp.key,
            name: SSO,
            value: 'i:1',
            without: [LEGACY],
          }),
        ]
      : [];
    const remove = settableEverywhere(pool, [], [LEGACY]) ? [fix(`Remove ${LEGACY}`, { kind: 'remove-rdp-property', resource: c.hp.key, name: LEGACY })] : [];
    // On hosts joined only to Active Directory the property does nothing: removing it is the fix; single sign-on
    // would need hybrid join, which code does not show.
    const fixes: Fix[] = ladder.adOnly
      ? [...remove.map((f) => ({ ...f, preferred: true })), ...useSso.map((f) => ({ ...f, preferred: false }))]
      : useSso.map((f) => ({ ...f, preferred: true }));
    const message = ladder.adOnly
      ? fitting(
          `${name} sets ${token}, which has no effect on its session hosts joined only to Active Directory.`,
          `${name} sets ${LEGACY}, which has no effect on hosts joined only to Active Directory.`,
        )
      : fitting(
          `${name} uses the legacy password-only sign-in (${token}): users of ${hosts} type their password at every connection.`,
          `${name} uses the legacy password-only sign-in: users of ${hosts} type their password at every connection.`,
          `${name} uses the legacy password-only sign-in (${token}).`,
        );
    ctx.report(
      rdpReport(c, {
        token: inOnePiece(c, legacy) ? legacy : undefined,
        message,
        key: LEGACY,
        shift: ladder.shift,
        fixes,
        related: ladder.evidence,
      }),
    );
  }
}

export default defineRule({
  id: ID,
  title: 'Host pools should not use the legacy Entra password sign-in (targetisaadjoined)',
  level: 'warning',
  severity: 'medium',
  boundary: ['identity'],
  summary: 'Finds host pools whose RDP properties use targetisaadjoined:i:1 (password-only sign-in to Entra joined hosts) instead of single sign-on.',
  docs,
  appliesTo: 'hostPool',
  local: true,
  judges: [LEGACY],
  check,
});
