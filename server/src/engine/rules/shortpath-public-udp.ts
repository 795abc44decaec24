import { displayName } from '../facts/host-pools';
import { inCase, type PublicAccessCase, publicAccessCases } from '../facts/private-endpoints';
import type { HostPoolNode } from '../graph';
import { hasShortpathProperties } from '../knowledge/network-api-versions';
import { caseNote, fitting, list } from '../message';
import type { FixIntent, RelatedInfo, Resource, Value } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { cases, get, isAbsent, knownString } from '../values';
import docs from './shortpath-public-udp.md';

/** The RDP Shortpath transports over public networks: STUN (direct UDP through NAT) and TURN (relayed UDP). */
const PUBLIC_TRANSPORTS = [
  { name: 'publicUDP', what: 'RDP Shortpath for public networks (STUN)' },
  { name: 'relayUDP', what: 'RDP Shortpath relayed through TURN' },
] as const;
const PRIVATE_LINK_SWITCH = 'allowRDPShortPathWithPrivateLink';

interface Fault {
  name: string;
  /** The value written; undefined when the property is absent (`Default`, which is on). */
  value?: Value;
  when: string;
  note: string;
}

/** The Shortpath settings at fault when the host pool's public network access is `access` (a module's caller, a parameters file). */
function faultsOf(hp: Resource, udp: boolean, access: PublicAccessCase): Fault[] {
  const faults: Fault[] = [];
  const at = (name: string) => {
    const v = get(hp.body, 'properties', name);
    return v && access.when ? inCase(v, access.when) : v;
  };
  for (const t of PUBLIC_TRANSPORTS) {
    const v = at(t.name);
    if (!v) {
      if (udp && isAbsent(hp.body, 'properties', t.name))
        faults.push({ name: t.name, when: '', note: `${t.name} is not set: its default leaves ${t.what} on` });
      continue;
    }
    for (const c of cases(v)) {
      const s = knownString(c.value)?.trim();
      if (s && ['default', 'enabled'].includes(s.toLowerCase()))
        faults.push({ name: t.name, value: c.value, when: c.when, note: `${t.name} is '${s}': ${t.what} is on` });
    }
  }
  // The switch only matters where Private Link is the path.
  const bypass = restricted(access) ? at(PRIVATE_LINK_SWITCH) : undefined;
  for (const c of bypass ? cases(bypass) : []) {
    if (knownString(c.value)?.trim().toLowerCase() === 'enabled')
      faults.push({
        name: PRIVATE_LINK_SWITCH,
        value: c.value,
        when: c.when,
        note: `${PRIVATE_LINK_SWITCH} is 'Enabled': RDP Shortpath may bypass Private Link routes`,
      });
  }
  return faults;
}

function restricted(access: PublicAccessCase): boolean {
  return !!access.mode && access.mode !== 'enabled';
}

function check(pool: HostPoolNode, ctx: RuleContext): void {
  const hp = pool.resource;
  // Only host pools of an API version (preview, or an azapi body) that has the transport settings: elsewhere they cannot be set.
  const udp = hasShortpathProperties(hp.apiVersion);
  if (udp === undefined || (!udp && !PUBLIC_TRANSPORTS.some((t) => get(hp.body, 'properties', t.name)))) return;
  // The worst case: a pool held to Private Link whose Shortpath settings open public paths, else any with such settings.
  const judged = publicAccessCases(hp).map((access) => ({ access, faults: faultsOf(hp, udp, access) }));
  const worst = judged.find((j) => restricted(j.access) && j.faults.length) ?? judged.find((j) => j.faults.length);
  if (!worst) return;
  const { access, faults } = worst;
  const held = restricted(access);
  const written = faults.filter((f) => f.value);
  const first = written[0];
  const name = displayName(hp);
  const related: RelatedInfo[] = faults.map((f) => ({
    uri: hp.source.uri,
    range: f.value?.range ?? hp.source.headRange,
    message: f.when && f.when !== access.when ? `${f.note} (${caseNote(f.when)})` : f.note,
  }));
  if (access.when) related.push({ uri: hp.source.uri, range: access.value?.range ?? hp.source.headRange, message: caseNote(access.when) });
  const names = [...new Set(faults.map((f) => f.name))];
  // One merge, not a set per property: two properties added to one object would each rewrite the last one (ARM's comma).
  const intent: FixIntent = { kind: 'merge-properties', resource: hp.key, path: ['properties'], value: Object.fromEntries(names.map((n) => [n, 'Disabled'])) };
  const message = held
    ? fitting(
        `Host pool ${name} is held to Private Link, yet RDP Shortpath may carry its sessions over public UDP paths that bypass it.`,
        `Host pool ${name} is held to Private Link, yet RDP Shortpath may use public UDP paths.`,
      )
    : fitting(
        `Host pool ${name} lets RDP Shortpath carry sessions over public UDP paths (${list(names)}), which egress controls may not see.`,
        `Host pool ${name} lets RDP Shortpath carry sessions over public UDP paths.`,
      );
  ctx.report({
    uri: hp.source.uri,
    at: first?.value?.range ?? hp.source.headRange,
    value: first?.value,
    message,
    // Shortpath is a performance feature: on a pool open to public networks it is only information.
    shift: (held ? 0 : -1) - (written.length ? 0 : 1),
    related,
    fixes: [fix('Turn off RDP Shortpath over public networks', intent, held)],
    key: `${hp.key}|shortpath-public-udp`,
  });
}

export default defineRule({
  id: 'shortpath-public-udp',
  title: 'RDP Shortpath should not open public UDP paths on privately reached host pools',
  level: 'warning',
  severity: 'medium',
  boundary: ['network'],
  summary:
    'Finds host pools whose RDP Shortpath settings (publicUDP, relayUDP, allowRDPShortPathWithPrivateLink) allow public UDP paths, a warning when the pool is held to Private Link.',
  docs,
  appliesTo: 'hostPool',
  check,
});
