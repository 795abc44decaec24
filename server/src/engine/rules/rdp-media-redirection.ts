import { defineRule, fix } from '../rule';
import docs from './rdp-media-redirection.md';
import { type RedirectionProperty, redirectionReports, valueOf } from '../facts/redirection';

// Absent is safe for all three: no camera, no microphone (audiocapturemode 0) and no location by default.

const CAMERA: RedirectionProperty = {
  name: 'camerastoredirect',
  noun: 'cameras',
  judge(t) {
    const v = valueOf(t);
    if (v === '') return undefined;
    if (v.split(';').some((d) => d.trim() === '*')) return { what: 'redirects every client camera' };
    return { what: 'redirects the listed client cameras' };
  },
  risk: (host) => `apps on ${host} can see through the client's cameras`,
  fixes: (resource) => [fix('Remove camera redirection (camerastoredirect)', { kind: 'remove-rdp-property', resource, name: 'camerastoredirect' }, true)],
};

const MICROPHONE: RedirectionProperty = {
  name: 'audiocapturemode',
  noun: 'the microphone',
  judge: (t) => (valueOf(t) === '1' ? { what: 'redirects the client microphone' } : undefined),
  risk: (host) => `apps on ${host} can record sound around the user`,
  fixes: (resource) => [
    fix('Turn off microphone redirection (audiocapturemode:i:0)', { kind: 'set-rdp-property', resource, name: 'audiocapturemode', value: 'i:0' }, true),
  ],
};

const LOCATION: RedirectionProperty = {
  name: 'redirectlocation',
  noun: 'the location',
  judge: (t) => (valueOf(t) === '1' ? { what: 'redirects the client location' } : undefined),
  risk: (host) => `apps on ${host} can learn where the user is`,
  fixes: (resource) => [
    fix('Turn off location redirection (redirectlocation:i:0)', { kind: 'set-rdp-property', resource, name: 'redirectlocation', value: 'i:0' }, true),
  ],
};

export default defineRule({
  id: 'rdp-media-redirection',
  title: 'Host pools should not redirect cameras, microphones or location without need',
  level: 'hint',
  severity: 'low',
  boundary: ['data-egress', 'user'],
  summary: 'Finds host pools whose RDP properties redirect client cameras, the microphone or the client location.',
  docs,
  appliesTo: 'hostPool',
  local: true,
  judges: [CAMERA.name, MICROPHONE.name, LOCATION.name],
  check(pool, ctx) {
    for (const r of redirectionReports(pool, ctx.settings.redirectionProfile, [CAMERA, MICROPHONE, LOCATION])) ctx.report(r);
  },
});
