import { defineRule, fix } from '../rule';
import docs from './rdp-drive-redirection.md';
import { type RedirectionProperty, redirectionReports, valueOf } from '../facts/redirection';

const EVERY = 'redirects every client drive';

const DRIVES: RedirectionProperty = {
  name: 'drivestoredirect',
  noun: 'client drives',
  short: 'drives',
  judge(t) {
    const v = valueOf(t);
    if (v === '') return undefined;
    if (v === '*') return { what: EVERY };
    if (v === 'dynamicdrives') return { what: 'redirects client drives plugged in later' };
    // A list of drives (`C:\;E:\;`), possibly with `*` or DynamicDrives among them.
    if (v.split(';').some((d) => d.trim() === '*')) return { what: EVERY };
    return { what: 'redirects the listed client drives' };
  },
  absent: { default: '*', what: EVERY },
  risk: (host) => `files can move between ${host} and unmanaged devices`,
  fixes: (resource) => [
    fix('Turn off drive redirection (drivestoredirect:s:)', { kind: 'set-rdp-property', resource, name: 'drivestoredirect', value: 's:' }, true),
  ],
};

export default defineRule({
  id: 'rdp-drive-redirection',
  title: 'Host pools should not redirect client drives',
  level: 'warning',
  severity: 'medium',
  boundary: ['data-egress', 'user'],
  summary: 'Finds host pools whose RDP properties redirect local drives of the client (drivestoredirect other than empty, or absent).',
  docs,
  appliesTo: 'hostPool',
  local: true,
  judges: [DRIVES.name],
  check(pool, ctx) {
    for (const r of redirectionReports(pool, ctx.settings.redirectionProfile, [DRIVES])) ctx.report(r);
  },
});
