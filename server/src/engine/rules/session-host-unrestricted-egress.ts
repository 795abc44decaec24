import { AVD_OBJECT_TYPES } from '../graph/links';
import { displayName } from '../facts/host-pools';
import { blocks, hclShaped, type HostPath, NET, type NetworkFacts, networkFacts, type NicNode, type SubnetNode } from '../facts/network-path';
import { caseNote, fitting, capitalize } from '../message';
import type { RelatedInfo, Resource, Value } from '../model';
import { type Deployment, defineRule, type RuleContext } from '../rule';
import { arrayItems, cases, get, isAbsent, knownBoolean, knownString } from '../values';
import docs from './session-host-unrestricted-egress.md';

const OPTIONS = {
  required: {
    type: 'boolean',
    default: false,
    description:
      'Set to true to report session host subnets that keep default outbound access and send no 0.0.0.0/0 route to a firewall or network virtual appliance (off by default: egress is often filtered by means the code does not show, such as a secured Virtual WAN hub).',
  },
} as const;

/** The first API version whose new virtual networks have private subnets (`defaultOutboundAccess` false) by default. */
const PRIVATE_BY_DEFAULT = '2025-07-01';

/** Next hops that send traffic through something that can filter it: a firewall or appliance, or an on-premises gateway. */
const FILTERING_HOPS = new Set(['virtualappliance', 'virtualnetworkgateway']);

interface Outbound {
  /** `on`: written true (in some case); `default`: absent, and the API version (or provider) keeps it on. */
  state: 'on' | 'default';
  value?: Value;
  when?: string;
}

function check(_deployment: Deployment, ctx: RuleContext<typeof OPTIONS>): void {
  if (!ctx.options.required) return;
  const net = networkFacts(ctx.graph);
  const bySubnet = new Map<SubnetNode, { path: HostPath; nic: NicNode; at?: Value }[]>();
  for (const path of net.hostPaths()) {
    for (const { subnet, nic, ip } of net.subnetsOf(path)) {
      const list = bySubnet.get(subnet);
      const entry = { path, nic, at: ip.subnet.at };
      if (!list) bySubnet.set(subnet, [entry]);
      else if (!list.some((e) => e.path === path)) list.push(entry);
    }
  }
  for (const [subnet, users] of bySubnet) {
    if (subnet.resource.source.existing) continue;
    const outbound = defaultOutbound(subnet);
    if (!outbound) continue;
    const routes = net.subnetRouteTable(subnet);
    if (routes.unknown) continue;
    const filtered = routes.items.map((rt) => sendsToFirewall(net, rt));
    // A route table whose routes cannot all be read may hold the firewall route.
    if (filtered.some((f) => f === undefined)) continue;
    if (routes.items.length && !routes.none && filtered.every((f) => f === true)) continue;
    report(ctx, net, subnet, users, outbound, routes.items);
  }
}

/** Whether the subnet keeps default outbound access, and why; undefined when it is off or cannot be read. */
function defaultOutbound(subnet: SubnetNode): Outbound | undefined {
  const hcl = hclShaped(subnet.resource);
  const path = hcl ? ['default_outbound_access_enabled'] : ['properties', 'defaultOutboundAccess'];
  const v = get(subnet.body, ...path);
  if (v) {
    const on = cases(v).find((c) => knownBoolean(c.value) === true);
    if (!on || cases(v).some((c) => knownBoolean(c.value) === undefined)) return undefined;
    return { state: 'on', value: on.value, when: on.when || undefined };
  }
  if (!isAbsent(subnet.body, ...path)) return undefined;
  // Terraform's azurerm keeps default outbound access on unless the attribute says otherwise.
  if (!hcl && (subnet.apiVersion ?? '') >= PRIVATE_BY_DEFAULT) return undefined;
  return { state: 'default' };
}

/**
 * Whether a route table sends 0.0.0.0/0 to a firewall, appliance or gateway: its inline routes (`routes`, Terraform
 * `route` blocks) and route resources of its own. Undefined when a route cannot be read.
 */
function sendsToFirewall(net: NetworkFacts, rt: Resource): boolean | undefined {
  const hcl = hclShaped(rt);
  const objects: { value: Value; hcl: boolean }[] = [];
  let unknown = rt.source.existing || (hcl && rt.body.open);
  if (hcl) objects.push(...blocks(rt.body, 'route').map((b) => ({ value: b as Value, hcl: true })));
  else {
    const list = get(rt.body, 'properties', 'routes');
    const items = arrayItems(list);
    if (list && (!items || (list.kind === 'array' && list.open))) unknown = true;
    objects.push(...(items ?? []).map((value) => ({ value, hcl: false })));
  }
  const children = net.children(rt, NET.route, 'route_table_name');
  objects.push(...children.items.map((c) => ({ value: c.body as Value, hcl: hclShaped(c) })));
  for (const o of objects) {
    const prefix = knownString(o.hcl ? get(o.value, 'address_prefix') : get(o.value, 'properties', 'addressPrefix'));
    const hop = knownString(o.hcl ? get(o.value, 'next_hop_type') : get(o.value, 'properties', 'nextHopType'));
    if (prefix === undefined || hop === undefined) {
      unknown = true;
      continue;
    }
    if (prefix.trim() === '0.0.0.0/0' && FILTERING_HOPS.has(hop.trim().toLowerCase())) return true;
  }
  if (children.loose.length) unknown = true;
  return unknown ? undefined : false;
}

function report(
  ctx: RuleContext<typeof OPTIONS>,
  net: NetworkFacts,
  subnet: SubnetNode,
  users: { path: HostPath; nic: NicNode; at?: Value }[],
  outbound: Outbound,
  routeTables: Resource[],
): void {
  const first = users[0];
  const more = users.length > 1 ? ` and ${users.length - 1} more` : '';
  const message = fitting(
    `${capitalize(subnet.label)} of ${first.path.label}${more} reaches the internet directly, not through a firewall: nothing limits what sessions send out.`,
    `${capitalize(subnet.label)} of ${first.path.label}${more} reaches the internet directly, not through a firewall.`,
    `${capitalize(subnet.label)} of session hosts reaches the internet directly, not through a firewall.`,
  );
  const anchor = outbound.value ?? subnet.anchor;
  const related: RelatedInfo[] = [];
  if (outbound.when && outbound.value) related.push({ uri: subnet.resource.source.uri, range: outbound.value.range, message: caseNote(outbound.when) });
  if (outbound.state === 'default') {
    related.push(info(subnet.resource, subnet.anchor, 'Default outbound access stays on unless the subnet turns it off'));
  }
  const nicEntry = first.path.nics.find((n) => n.nic === first.nic);
  related.push(info(first.path.host, nicEntry?.at, `${capitalize(first.path.label)} uses ${first.nic.label}`));
  related.push(info(first.nic.resource, first.at, `${capitalize(first.nic.label)} is in ${subnet.label}`));
  for (const rt of routeTables) related.push(info(rt, undefined, `Route table ${displayName(rt)} sends no 0.0.0.0/0 route to a firewall or appliance`));
  const nat = net.subnetNatGateway(subnet);
  for (const g of nat.items) related.push(info(g, undefined, `NAT gateway ${displayName(g)} gives a fixed address but filters nothing`));
  ctx.report({
    uri: subnet.resource.source.uri,
    at: anchor && anchor.range.end > anchor.range.start ? anchor.range : subnet.resource.source.headRange,
    value: outbound.value,
    message,
    // An absent property is reported one level below the same value written out.
    shift: outbound.state === 'default' ? -1 : 0,
    related,
    key: `${subnet.key}|defaultOutboundAccess`,
    fixes: [],
  });
}

function info(r: Resource, v: Value | undefined, message: string): RelatedInfo {
  return { uri: r.source.uri, range: v && v.range.end > v.range.start ? v.range : r.source.headRange, message };
}

export default defineRule({
  id: 'session-host-unrestricted-egress',
  title: 'Session host subnets should route internet traffic through a firewall',
  level: 'info',
  severity: 'low',
  boundary: ['network', 'data-egress'],
  summary:
    'When required in .avdsec.json, finds session host subnets that keep default outbound access and route no 0.0.0.0/0 traffic to a firewall or appliance.',
  docs,
  appliesTo: 'deployment',
  // The network path to session hosts: of an AVD object, only its name and links, which an edit that keeps the links keeps.
  reads: (type) => !AVD_OBJECT_TYPES.has(type),
  options: OPTIONS,
  check,
});
