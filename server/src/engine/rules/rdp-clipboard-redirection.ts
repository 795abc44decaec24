import { defineRule, fix } from '../rule';
import docs from './rdp-clipboard-redirection.md';
import { type RedirectionProperty, redirectionReports, valueOf } from '../facts/redirection';

const SHARED = 'shares the clipboard with the client both ways';

const CLIPBOARD: RedirectionProperty = {
  name: 'redirectclipboard',
  noun: 'the clipboard',
  // 0 turns it off; values other than 0 and 1 are left to rdp-property-invalid.
  judge: (t) => (valueOf(t) === '1' ? { what: SHARED } : undefined),
  absent: { default: '1', what: SHARED },
  risk: (host) => `data can be copied out of ${host} and into it`,
  // RDP properties cannot limit the clipboard to one direction: that is a session host policy (see the rule's doc).
  fixes: (resource) => [
    fix('Turn off clipboard redirection (redirectclipboard:i:0)', { kind: 'set-rdp-property', resource, name: 'redirectclipboard', value: 'i:0' }, true),
  ],
};

export default defineRule({
  id: 'rdp-clipboard-redirection',
  title: 'Host pools should not share the clipboard with clients',
  level: 'warning',
  severity: 'medium',
  boundary: ['data-egress', 'user'],
  summary: 'Finds host pools whose RDP properties share the clipboard between client and session (redirectclipboard:i:1, or absent).',
  docs,
  appliesTo: 'hostPool',
  local: true,
  judges: [CLIPBOARD.name],
  check(pool, ctx) {
    for (const r of redirectionReports(pool, ctx.settings.redirectionProfile, [CLIPBOARD])) ctx.report(r);
  },
});
