import { AVD_OBJECT_TYPES } from '../graph/links';
import { displayName } from '../facts/host-pools';
import { hclShaped, type Link, NET, type NetworkFacts, networkFacts, type NsgUse } from '../facts/network-path';
import {
  coversDestination,
  coversPort,
  coversProtocol,
  field,
  fieldPath,
  internetSources,
  isAllow,
  isInbound,
  type Port,
  ruleName,
  ruleSet,
  type RuleSet,
  type SecurityRule,
  shadows,
  subnetPrefixes,
} from '../facts/security-rules';
import { fitting, capitalize } from '../message';
import type { Fix, FixIntent, RelatedInfo, Resource, Value } from '../model';
import { type Deployment, defineRule, fix, type RuleContext } from '../rule';
import { cases, knownString } from '../values';
import docs from './inbound-rdp-from-internet.md';

/** What Azure Virtual Desktop hosts listen on: RDP, and RDP Shortpath for managed networks. */
const RDP: Port = { protocol: 'tcp', port: 3389 };
const SHORTPATH: Port = { protocol: 'udp', port: 3390 };

/** A session host an NSG rule exposes, and an NSG on the same path that still blocks it (when one does). */
interface Exposure {
  use: NsgUse;
  ports: Port[];
  blockedBy?: { nsg: Resource; link: Link<Resource>; holder: Resource; via: 'subnet' | 'nic' };
}

function check(_deployment: Deployment, ctx: RuleContext): void {
  const net = networkFacts(ctx.graph);
  // No security group anywhere: no rule to open a port, and no need to follow every host's interfaces.
  if (!net.ofType(NET.nsg).length) return;
  const uses = new Map<Resource, NsgUse[]>();
  for (const path of net.hostPaths()) {
    for (const use of net.nsgUses(path)) {
      for (const nsg of use.link.items) {
        const list = uses.get(nsg);
        if (list) list.push(use);
        else uses.set(nsg, [use]);
      }
    }
  }
  const sets = new Map<Resource, RuleSet>();
  const setOf = (nsg: Resource) => {
    let s = sets.get(nsg);
    if (!s) sets.set(nsg, (s = ruleSet(net, nsg)));
    return s;
  };
  for (const [nsg, list] of uses) {
    const set = setOf(nsg);
    // A rule hidden in a list avdsec cannot read may deny the traffic first.
    if (set.open) continue;
    for (const rule of set.rules) {
      const sources = internetSources(rule);
      if (!sources.values.length || isAllow(rule) !== true || isInbound(rule) !== true) continue;
      const exposures: Exposure[] = [];
      for (const use of list) {
        const ranges = rangesOf(use);
        const ports = [RDP, SHORTPATH].filter((p) => opens(rule, set, p, ranges));
        if (!ports.length) continue;
        exposures.push({ use, ports, blockedBy: blockedElsewhere(net, use, ports, setOf) });
      }
      if (exposures.length) report(ctx, rule, nsg, sources.values[0], exposures);
    }
  }
}

/** The address prefixes of the subnets the host's interface is in (where a rule's destination must reach). */
function rangesOf(use: NsgUse): string[] {
  const subnets = use.subnet ? [use.subnet] : use.nic.ipConfigs.flatMap((ip) => ip.subnet.items);
  return subnets.flatMap((s) => subnetPrefixes(s.body, hclShaped(s.resource)));
}

/** Whether an allow rule certainly lets internet traffic to `port` through its group: no rule before it denies it. */
function opens(rule: SecurityRule, set: RuleSet, port: Port, ranges: string[]): boolean {
  if (coversProtocol(rule, port.protocol) !== true || coversPort(rule, port.port) !== true || coversDestination(rule, ranges) !== true) return false;
  return [...set.rules, ...set.hidden].every((other) => shadows(other, rule, port, ranges) === false);
}

/**
 * Inbound traffic passes the subnet's group and then the interface's: another group on the same path that certainly
 * lets none of these ports in from the internet still blocks it.
 */
function blockedElsewhere(net: NetworkFacts, use: NsgUse, ports: Port[], setOf: (nsg: Resource) => RuleSet): Exposure['blockedBy'] {
  const others: { link: Link<Resource>; holder: Resource; via: 'subnet' | 'nic' }[] =
    use.via === 'subnet'
      ? [{ link: net.nicNsg(use.nic), holder: use.nic.resource, via: 'nic' }]
      : use.nic.ipConfigs.flatMap((ip) => ip.subnet.items.map((s) => ({ link: net.subnetNsg(s), holder: s.resource, via: 'subnet' as const })));
  for (const o of others) {
    if (o.link.unknown || o.link.none || o.link.items.length !== 1) continue;
    const nsg = o.link.items[0];
    if (use.link.items.includes(nsg)) continue;
    const set = setOf(nsg);
    if (set.open || set.hidden.length) continue;
    const ranges = rangesOf(use);
    const anyOpen = ports.some((p) =>
      set.rules.some((r) => {
        const src = internetSources(r);
        if (isAllow(r) === false || isInbound(r) === false || (!src.values.length && !src.maybe)) return false;
        return coversProtocol(r, p.protocol) !== false && coversPort(r, p.port) !== false && coversDestination(r, ranges) !== false;
      }),
    );
    if (!anyOpen) return { nsg, ...o };
  }
  return undefined;
}

function portsText(rule: SecurityRule, ports: Port[]): string {
  const all = ['destinationPortRange', 'destinationPortRanges'].some((f) => {
    const v = field(rule, f as 'destinationPortRange');
    const items = v?.kind === 'array' ? v.items : v ? [v] : [];
    return items.some((i) => ['*', '0-65535', '1-65535'].includes(knownString(i)?.trim() ?? ''));
  });
  const tcp = ports.includes(RDP);
  const udp = ports.includes(SHORTPATH);
  if (all) return tcp && udp ? 'every port' : tcp ? 'every TCP port' : 'every UDP port';
  return tcp && udp ? 'RDP (TCP 3389 and UDP 3390)' : tcp ? 'RDP (TCP 3389)' : 'RDP Shortpath (UDP 3390)';
}

function report(ctx: RuleContext, rule: SecurityRule, nsg: Resource, source: Value, exposures: Exposure[]): void {
  const name = ruleName(rule);
  const ruleText = name !== undefined ? `Rule '${name.length > 40 ? name.slice(0, 39) + '…' : name}'` : 'A rule';
  const open = exposures.filter((e) => !e.blockedBy);
  const shown = open.length ? open : exposures;
  const hosts = [...new Set(shown.map((e) => e.use.path))];
  const first = hosts[0];
  const more = hosts.length > 1 ? ` and ${hosts.length - 1} more` : '';
  const what = portsText(rule, [...new Set(shown.flatMap((e) => e.ports))]);
  const message = fitting(
    `${ruleText} of NSG ${displayName(nsg)} opens ${what} on ${first.label}${more} to the internet, bypassing Azure Virtual Desktop's gateway.`,
    `${ruleText} opens ${what} on ${first.label}${more} to the internet, bypassing Azure Virtual Desktop's gateway.`,
    `${ruleText} opens ${what} on ${first.label}${more} to the internet.`,
  );
  const related: RelatedInfo[] = [...pathInfo(shown[0].use, nsg)];
  for (const e of shown) {
    if (!e.blockedBy) continue;
    const b = e.blockedBy;
    const on = b.via === 'nic' ? `on ${e.use.nic.label}` : 'on its subnet';
    related.push(at(b.link.by ?? b.holder, b.link.at, `NSG ${displayName(b.nsg)} ${on} blocks it for now`));
    break;
  }
  for (const h of hosts.slice(1, 4)) related.push(at(h.host, undefined, `${capitalize(h.label)} is behind it too`));
  ctx.report({
    uri: rule.owner.source.uri,
    at: source.range,
    value: source,
    message,
    shift: open.length ? 0 : -1,
    related,
    key: `${rule.owner.key}|securityRule|${rule.standalone ? '' : (name ?? rule.value.range.start)}`,
    fixes: fixesFor(rule, source),
  });
}

/** The path from the session host to the group, for related information: host → interface → subnet → group. */
function pathInfo(use: NsgUse, nsg: Resource): RelatedInfo[] {
  const out: RelatedInfo[] = [];
  const nicEntry = use.path.nics.find((n) => n.nic === use.nic);
  out.push(at(use.path.host, nicEntry?.at, `${capitalize(use.path.label)} uses ${use.nic.label}`));
  if (use.via === 'subnet' && use.subnet) {
    const ip = use.nic.ipConfigs.find((i) => i.subnet.items.includes(use.subnet!));
    out.push(at(use.nic.resource, ip?.subnet.at, `${capitalize(use.nic.label)} is in ${use.subnet.label}`));
    out.push(at(use.link.by ?? use.subnet.resource, use.link.at, `${capitalize(use.subnet.label)} applies NSG ${displayName(nsg)}`));
  } else {
    out.push(at(use.link.by ?? use.nic.resource, use.link.at, `${capitalize(use.nic.label)} applies NSG ${displayName(nsg)}`));
  }
  return out;
}

function at(r: Resource, v: Value | undefined, message: string): RelatedInfo {
  return { uri: r.source.uri, range: v && v.range.end > v.range.start ? v.range : r.source.headRange, message };
}

/**
 * Quick fixes for a rule: allow the virtual network only, which keeps Azure Bastion and VPN administrators working, or
 * deny the traffic.
 */
function fixesFor(rule: SecurityRule, source: Value): Fix[] {
  const fixes: Fix[] = [];
  const single = field(rule, 'sourceAddressPrefix');
  const written = (v: Value | undefined) => v?.kind === 'string' && v.parts.length === 1 && knownString(v) !== undefined;
  // A rule resource is edited through its property path; an item of a list or a repeated block through its literal.
  const set = (f: 'sourceAddressPrefix' | 'access', v: Value, to: string): FixIntent =>
    rule.standalone
      ? { kind: 'set-property', resource: rule.owner.key, path: fieldPath(rule, f), value: to }
      : { kind: 'replace-literal', uri: rule.owner.source.uri, range: v.range, from: knownString(v)!, to };
  const inPlace = (v: Value | undefined): v is Value => written(v) && (rule.standalone || (!v!.origin && v!.range.end > v!.range.start));
  if (single === source && inPlace(single) && cases(single).length === 1) {
    fixes.push(fix('Allow it from the virtual network only', set('sourceAddressPrefix', single, 'VirtualNetwork'), true));
  }
  const access = field(rule, 'access');
  if (inPlace(access)) fixes.push(fix('Deny this traffic instead', set('access', access, 'Deny'), !fixes.length));
  return fixes;
}

export default defineRule({
  id: 'inbound-rdp-from-internet',
  title: 'Session hosts should not accept RDP from the internet',
  level: 'error',
  severity: 'critical',
  boundary: ['network'],
  summary:
    'Finds network security group rules that allow RDP (TCP 3389), RDP Shortpath (UDP 3390) or every port from the internet, on a group a session host subnet or interface uses.',
  docs,
  appliesTo: 'deployment',
  // The network path to session hosts: of an AVD object, only its name and links, which an edit that keeps the links keeps.
  reads: (type) => !AVD_OBJECT_TYPES.has(type),
  check,
});
