import { isSetTo, settableEverywhere } from '../facts/passwordless';
import { inOnePiece, poolName, rdpCases, rdpReport, tokensOf } from '../facts/rdp';
import type { HostPoolNode } from '../graph';
import { clip, fitting, list } from '../message';
import type { Fix } from '../model';
import type { RdpToken } from '../rdp';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './in-session-passwordless-blocked.md';

const ID = 'in-session-passwordless-blocked';

interface Method {
  /** The RDP property, lower case. */
  name: string;
  /** What it lets into the session, for messages and fix titles. */
  noun: string;
  /** What the user loses inside the session when it is off (no final period). */
  loss: string;
}

const METHODS: readonly Method[] = [
  { name: 'redirectsmartcards', noun: 'smart cards', loss: 'users cannot sign in with their smart card inside the session' },
  {
    name: 'redirectwebauthn',
    noun: 'passkeys and Windows Hello',
    loss: 'users cannot sign in with passkeys, security keys or Windows Hello inside the session',
  },
];

interface Blocked {
  m: Method;
  token: RdpToken;
}

function check(pool: HostPoolNode, ctx: RuleContext): void {
  for (const c of rdpCases(pool)) {
    const blocked: Blocked[] = [];
    for (const m of METHODS) {
      // Absent means the default (1): redirected. Another type letter or value is rdp-property-invalid's.
      // With duplicates, which copy the client honours is undocumented: the one that blocks is reported.
      const off = tokensOf(c, m.name).find((t) => isSetTo(t, '0'));
      if (off) blocked.push({ m, token: off });
    }
    if (!blocked.length) continue;
    const name = poolName(c);
    // `blocked` is in the order of METHODS, whatever the order of the tokens: "smart cards, passkeys and Windows Hello".
    const nouns = list(blocked.flatMap((b) => b.m.noun.split(' and ')));
    const tokens = blocked.map((b) => clip(b.token.text.trim(), 30)).join('; ');
    const each = blocked.map((b) => fixFor(pool, c.hp.key, b.m));
    const fixes: Fix[] = [];
    if (blocked.length === 1) fixes.push(...each.flat().map((f) => ({ ...f, preferred: true })));
    else {
      const names = blocked.map((b) => b.m.name);
      if (settableEverywhere(pool, names)) {
        fixes.push(
          fix(
            `Let both into the session (${names.map((n) => `${n}:i:1`).join('; ')})`,
            { kind: 'set-rdp-property', resource: c.hp.key, name: names[0], value: 'i:1', also: names.slice(1).map((n) => ({ name: n, value: 'i:1' })) },
            true,
          ),
        );
      }
      fixes.push(...each.flat());
    }
    // The finding sits on the first token written; the others are related information.
    const first = [...blocked].sort((a, b) => (a.token.range?.start ?? Infinity) - (b.token.range?.start ?? Infinity))[0];
    ctx.report(
      rdpReport(c, {
        token: inOnePiece(c, first.token) ? first.token : undefined,
        message: fitting(
          `${name} keeps ${nouns} out of the session (${tokens}): sign-ins inside it fall back to passwords.`,
          `${name} keeps ${nouns} out of the session: sign-ins inside it fall back to passwords.`,
          `${name} keeps ${nouns} out of the session (${blocked.map((b) => b.m.name).join(', ')}).`,
        ),
        key: blocked.map((b) => b.m.name).join('+'),
        shift: 0,
        fixes,
        // Each token with what it blocks; the first one's place is the finding's own, so its line would repeat it.
        related: blocked.flatMap((b) =>
          b.token.range && b.token.uri && !(b === first && inOnePiece(c, b.token))
            ? [{ uri: b.token.uri, range: b.token.range, message: `${b.token.text.trim()}: ${b.m.loss}` }]
            : [],
        ),
      }),
    );
  }
}

/** Turning one method back on, when every copy of its property can be edited in every case. */
function fixFor(pool: HostPoolNode, resource: string, m: Method): Fix[] {
  return settableEverywhere(pool, [m.name])
    ? [fix(`Let ${m.noun} into the session (${m.name}:i:1)`, { kind: 'set-rdp-property', resource, name: m.name, value: 'i:1' })]
    : [];
}

export default defineRule({
  id: ID,
  title: 'Host pools should let smart cards and passkeys into the session',
  level: 'info',
  severity: 'low',
  boundary: ['identity'],
  summary:
    'Finds host pools whose RDP properties turn smart card or WebAuthn redirection off (redirectsmartcards:i:0, redirectwebauthn:i:0), which pushes sign-ins inside the session to passwords.',
  docs,
  appliesTo: 'hostPool',
  local: true,
  judges: METHODS.map((m) => m.name),
  check,
});
