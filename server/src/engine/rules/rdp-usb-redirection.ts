import { defineRule, fix } from '../rule';
import docs from './rdp-usb-redirection.md';
import { type RedirectionProperty, redirectionReports, valueOf } from '../facts/redirection';

const EVERY = 'redirects every client USB device';

const USB: RedirectionProperty = {
  name: 'usbdevicestoredirect',
  noun: 'USB devices',
  judge(t) {
    const v = valueOf(t);
    if (v === '') return undefined;
    if (v.split(';').some((d) => d.trim() === '*')) return { what: EVERY };
    // Device setup class GUIDs or instance IDs: a deliberate choice (a signature pad, a scanner), one level lower.
    return { what: 'redirects the listed client USB devices', shift: -1 };
  },
  absent: { default: '*', what: EVERY },
  risk: (host) => `data can leave ${host} on USB storage, and rogue devices can reach it`,
  fixes: (resource) => [
    fix('Turn off USB redirection (usbdevicestoredirect:s:)', { kind: 'set-rdp-property', resource, name: 'usbdevicestoredirect', value: 's:' }, true),
  ],
};

export default defineRule({
  id: 'rdp-usb-redirection',
  title: 'Host pools should not redirect USB devices opaquely',
  level: 'warning',
  severity: 'medium',
  boundary: ['data-egress', 'user', 'network'],
  summary: 'Finds host pools whose RDP properties pass client USB devices to the session at a low level (usbdevicestoredirect other than empty, or absent).',
  docs,
  appliesTo: 'hostPool',
  local: true,
  judges: [USB.name],
  check(pool, ctx) {
    for (const r of redirectionReports(pool, ctx.settings.redirectionProfile, [USB])) ctx.report(r);
  },
});
