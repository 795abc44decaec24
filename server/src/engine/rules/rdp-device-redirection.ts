import { defineRule, fix } from '../rule';
import docs from './rdp-device-redirection.md';
import { type RedirectionProperty, redirectionReports, valueOf } from '../facts/redirection';

const PRINTERS: RedirectionProperty = {
  name: 'redirectprinters',
  noun: 'printers',
  judge: (t) => (valueOf(t) === '1' ? { what: 'redirects client printers' } : undefined),
  absent: { default: '1', what: 'redirects client printers' },
  risk: (host) => `documents can leave ${host} on printers of unmanaged clients`,
  fixes: (resource) => [
    fix('Turn off printer redirection (redirectprinters:i:0)', { kind: 'set-rdp-property', resource, name: 'redirectprinters', value: 'i:0' }, true),
  ],
};

const COM_PORTS: RedirectionProperty = {
  name: 'redirectcomports',
  noun: 'COM ports',
  judge: (t) => (valueOf(t) === '1' ? { what: 'redirects client COM ports' } : undefined),
  absent: { default: '1', what: 'redirects client COM ports' },
  risk: (host) => `serial devices of unmanaged clients can exchange data with ${host}`,
  fixes: (resource) => [
    fix('Turn off COM port redirection (redirectcomports:i:0)', { kind: 'set-rdp-property', resource, name: 'redirectcomports', value: 'i:0' }, true),
  ],
};

const EVERY_DEVICE = 'redirects every client MTP/PTP device (phones, cameras)';

const DEVICES: RedirectionProperty = {
  name: 'devicestoredirect',
  noun: 'MTP/PTP devices',
  short: 'MTP devices',
  judge(t) {
    const v = valueOf(t);
    if (v === '') return undefined;
    if (v === '*' || v.split(';').some((d) => d.trim() === '*')) return { what: EVERY_DEVICE };
    if (v === 'dynamicdevices') return { what: 'redirects client MTP/PTP devices plugged in later' };
    return { what: 'redirects the listed client MTP/PTP devices' };
  },
  absent: { default: '*', what: EVERY_DEVICE },
  risk: (host) => `files can move between ${host} and phones or cameras of clients`,
  fixes: (resource) => [
    fix('Turn off MTP and PTP device redirection (devicestoredirect:s:)', { kind: 'set-rdp-property', resource, name: 'devicestoredirect', value: 's:' }, true),
  ],
};

export default defineRule({
  id: 'rdp-device-redirection',
  title: 'Host pools should not redirect printers, COM ports and MTP or PTP devices',
  level: 'info',
  severity: 'low',
  boundary: ['data-egress', 'user'],
  summary: 'Finds host pools whose RDP properties redirect client printers, serial (COM) ports or MTP/PTP devices (set on, or absent).',
  docs,
  appliesTo: 'hostPool',
  local: true,
  judges: [PRINTERS.name, COM_PORTS.name, DEVICES.name],
  check(pool, ctx) {
    for (const r of redirectionReports(pool, ctx.settings.redirectionProfile, [PRINTERS, COM_PORTS, DEVICES])) ctx.report(r);
  },
});
