import { AVD_OBJECT_TYPES } from '../graph/links';
import { displayName } from '../facts/host-pools';
import { someDocumentMentions } from '../facts/mentions';
import { type HostPath, type IpConfig, type Link, NET, type NetworkFacts, networkFacts, type NicNode } from '../facts/network-path';
import { allowsInternetIn, ruleSet } from '../facts/security-rules';
import { caseNote, fitting, capitalize } from '../message';
import type { Fix, RelatedInfo, Resource, Value } from '../model';
import { parseResourceId } from '../resource-id';
import { type Deployment, defineRule, fix, type RuleContext } from '../rule';
import { cases, entry, get } from '../values';
import docs from './session-host-public-ip.md';

/** How every kind of public address is written: ARM `publicIPAddress` and `publicIPAddressConfiguration`, Terraform `public_ip_address_id` and `public_ip_address`. */
const PUBLIC_IP_WORDS = /publicip|public_ip/i;

function check(_deployment: Deployment, ctx: RuleContext): void {
  if (!someDocumentMentions(ctx.graph.documents, PUBLIC_IP_WORDS)) return;
  const net = networkFacts(ctx.graph);
  const seen = new Set<string>();
  for (const path of net.hostPaths()) {
    for (const { nic, at } of path.nics) {
      nic.ipConfigs.forEach((ip, index) => {
        if (!ip.publicIp) return;
        for (const c of cases(ip.publicIp)) {
          const address = publicAddress(net, ip, c.value, nic.resource);
          if (!address) continue;
          const key = `${nic.key}|ipConfiguration|${index}|${c.when}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const point = c.value.kind === 'object' && !ip.publicIpIsConfiguration ? (get(c.value, 'id') ?? c.value) : c.value;
          const blocker = blockingNsg(net, nic, ip);
          const related: RelatedInfo[] = [];
          if (c.when) related.push({ uri: nic.resource.source.uri, range: c.value.range, message: caseNote(c.when) });
          related.push(info(path.host, at, `${capitalize(path.label)} uses ${nic.label}`));
          if (address.resource) related.push(info(address.resource, undefined, `Public IP address ${displayName(address.resource)} is declared here`));
          if (blocker)
            related.push(info(blocker.link.by ?? blocker.holder, blocker.link.at, `NSG ${displayName(blocker.nsg)} lets no internet traffic in for now`));
          ctx.report({
            uri: nic.resource.source.uri,
            at: point.range,
            value: point,
            message: message(path, nic, ip),
            shift: blocker ? -1 : 0,
            related,
            key,
            fixes: removeFix(nic, ip, c.when),
          });
        }
      });
    }
  }
}

/**
 * The catalog's fix: remove the public address from the interface (`publicIPAddress`, Terraform
 * `public_ip_address_id`), where it is written as a property of its own and in every case.
 */
function removeFix(nic: NicNode, ip: IpConfig, when: string): Fix[] {
  if (ip.publicIpIsConfiguration || when) return [];
  const e = entry(get(ip.value, 'properties'), 'publicIPAddress') ?? entry(ip.value, 'public_ip_address_id');
  if (!e || e.value.origin || e.keyRange.end <= e.keyRange.start) return [];
  return [
    fix('Remove the public IP address from the interface', { kind: 'remove-entry', uri: nic.resource.source.uri, key: e.keyRange, value: e.value.range }, true),
  ];
}

function message(path: HostPath, nic: NicNode, ip: IpConfig): string {
  const why = 'it can be reached from the internet, which Azure Virtual Desktop never needs';
  if (ip.publicIpIsConfiguration) {
    return fitting(
      `${capitalize(path.label)} gives each instance a public IP address: ${why}.`,
      `${capitalize(path.label)} gives each instance a public IP address reachable from the internet.`,
    );
  }
  return fitting(
    `${capitalize(nic.label)} of ${path.label} has a public IP address: ${why}.`,
    `${capitalize(path.label)} has a public IP address: ${why}.`,
    `${capitalize(path.label)} has a public IP address reachable from the internet.`,
  );
}

/**
 * Whether a case of an IP configuration's public address is one: a public IP resource the workspace declares or reads,
 * an id of one, or a scale set's public address configuration. Null, an empty id, or a value avdsec cannot read: no.
 */
function publicAddress(net: NetworkFacts, ip: IpConfig, v: Value, from: Resource): { resource?: Resource } | undefined {
  if (v.kind === 'null') return undefined;
  if (ip.publicIpIsConfiguration) return v.kind === 'object' ? {} : undefined;
  const link = net.resolve(v, NET.publicIp, from);
  if (link.items.length) return { resource: link.items[0] };
  const id = v.kind === 'object' ? get(v, 'id') : v;
  const parsed = id && parseResourceId(id);
  return parsed?.kind === 'resource' && parsed.type?.toLowerCase() === NET.publicIp[0] ? {} : undefined;
}

/**
 * A security group on the interface's path that certainly lets nothing in from the internet (every rule readable, none
 * an inbound allow from the internet): the address is then not reachable yet, and the finding one level lower.
 */
function blockingNsg(net: NetworkFacts, nic: NicNode, ip: IpConfig): { nsg: Resource; link: Link<Resource>; holder: Resource } | undefined {
  const links: { link: Link<Resource>; holder: Resource }[] = [
    { link: net.nicNsg(nic), holder: nic.resource },
    ...ip.subnet.items.map((s) => ({ link: net.subnetNsg(s), holder: s.resource })),
  ];
  for (const { link, holder } of links) {
    if (link.unknown || link.none || link.items.length !== 1) continue;
    const set = ruleSet(net, link.items[0]);
    if (set.open || set.hidden.length) continue;
    if (set.rules.every((r) => allowsInternetIn(r) === false)) return { nsg: link.items[0], link, holder };
  }
  return undefined;
}

function info(r: Resource, v: Value | undefined, message: string): RelatedInfo {
  return { uri: r.source.uri, range: v && v.range.end > v.range.start ? v.range : r.source.headRange, message };
}

export default defineRule({
  id: 'session-host-public-ip',
  title: 'Session hosts should not have public IP addresses',
  level: 'error',
  severity: 'high',
  boundary: ['network'],
  summary: 'Finds public IP addresses on the network interfaces of session hosts (VMs linked to a host pool, scale sets that run the AVD agent).',
  docs,
  appliesTo: 'deployment',
  // The network path to session hosts: of an AVD object, only its name and links, which an edit that keeps the links keeps.
  reads: (type) => !AVD_OBJECT_TYPES.has(type),
  check,
});
