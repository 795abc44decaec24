import type { ObjectValue, Resource, Value } from '../model';
import { resourceName } from '../graph';
import { arrayItems, cases, get, knownString, splitString } from '../values';
import { blocks, hclShaped, NET, type NetworkFacts } from './network-path';

/**
 * Network security group rules as avdsec reads them: inline (`securityRules`, Terraform `security_rule` blocks) or
 * declared apart (`networkSecurityGroups/securityRules`, `azurerm_network_security_rule`), and what they let through.
 */

export interface SecurityRule {
  /** The security group that holds the rule, or the rule's own resource. */
  owner: Resource;
  /** The rule's object: an item of the group's list, a block, or the rule resource's body. */
  value: ObjectValue;
  standalone: boolean;
}

export interface RuleSet {
  rules: SecurityRule[];
  /** Rules that may belong to the group but cannot be placed (a list built from a parameter, a parent not known). */
  hidden: SecurityRule[];
  /** Some rule may be hidden as a whole (a dynamic block, an open list): what it does cannot be told. */
  open: boolean;
}

/** ARM property names of a rule, with Terraform's. */
const HCL: Record<string, string> = {
  priority: 'priority',
  direction: 'direction',
  access: 'access',
  protocol: 'protocol',
  sourceAddressPrefix: 'source_address_prefix',
  sourceAddressPrefixes: 'source_address_prefixes',
  sourceApplicationSecurityGroups: 'source_application_security_group_ids',
  destinationAddressPrefix: 'destination_address_prefix',
  destinationAddressPrefixes: 'destination_address_prefixes',
  destinationApplicationSecurityGroups: 'destination_application_security_group_ids',
  destinationPortRange: 'destination_port_range',
  destinationPortRanges: 'destination_port_ranges',
};

export type RuleField = keyof typeof HCL;

/** Where a field of a rule is, in the rule's object. */
export function fieldPath(rule: SecurityRule, field: RuleField): string[] {
  return hclShaped(rule.owner) ? [HCL[field]] : ['properties', field];
}

export function field(rule: SecurityRule, f: RuleField): Value | undefined {
  return get(rule.value, ...fieldPath(rule, f));
}

/** A rule's name: its `name`, the last segment of a `nsg/rule` resource name. */
export function ruleName(rule: SecurityRule): string | undefined {
  const name = rule.standalone ? resourceName(rule.owner) : get(rule.value, 'name');
  if (name?.kind !== 'string') return undefined;
  const segs = splitString(name, '/');
  return knownString(segs[segs.length - 1]);
}

/** The rules of a security group, inline and declared apart. */
export function ruleSet(net: NetworkFacts, nsg: Resource): RuleSet {
  const set: RuleSet = { rules: [], hidden: [], open: false };
  if (hclShaped(nsg)) {
    if (nsg.body.open) set.open = true;
    for (const e of nsg.body.entries) if (e.key === 'security_rule' && e.value.kind !== 'object' && (e.value.kind !== 'array' || e.value.open)) set.open = true;
    for (const b of blocks(nsg.body, 'security_rule')) set.rules.push({ owner: nsg, value: b, standalone: false });
  } else {
    const list = get(nsg.body, 'properties', 'securityRules');
    const items = arrayItems(list);
    if (list && (!items || (list.kind === 'array' && list.open))) set.open = true;
    if (!list && nsg.source.existing) set.open = true;
    for (const item of items ?? []) {
      if (item.kind === 'object') set.rules.push({ owner: nsg, value: item, standalone: false });
      else set.open = true;
    }
  }
  const children = net.children(nsg, NET.nsgRule, 'network_security_group_name');
  for (const c of children.items) set.rules.push({ owner: c, value: c.body, standalone: true });
  for (const c of children.loose) set.hidden.push({ owner: c, value: c.body, standalone: true });
  return set;
}

/** Sources that stand for any address on the internet. */
const INTERNET = new Set(['*', 'internet', '0.0.0.0/0', 'any', '::/0']);
/** Destinations that cover every address of a virtual network. */
const ANY_DESTINATION = new Set(['*', 'any', '0.0.0.0/0', 'virtualnetwork', '::/0']);

/** A yes/no question that may have no answer: undefined when a value it needs cannot be read. */
type Maybe = boolean | undefined;

function and(...xs: Maybe[]): Maybe {
  if (xs.some((x) => x === false)) return false;
  return xs.every((x) => x === true) ? true : undefined;
}

/** The known text of each case of a field (lower case, trimmed), or undefined when some case cannot be read. */
function texts(v: Value | undefined): string[] | undefined {
  if (!v) return undefined;
  const out: string[] = [];
  for (const c of cases(v)) {
    const s = knownString(c.value) ?? (c.value.kind === 'number' ? String(c.value.value) : undefined);
    if (s === undefined) return undefined;
    out.push(s.trim().toLowerCase());
  }
  return out;
}

/** A field that is one of some values in every case. */
function isOneOf(rule: SecurityRule, f: RuleField, values: string[]): Maybe {
  const t = texts(field(rule, f));
  if (!t) return undefined;
  return t.every((x) => values.includes(x)) ? true : t.some((x) => values.includes(x)) ? undefined : false;
}

export function isInbound(rule: SecurityRule): Maybe {
  return isOneOf(rule, 'direction', ['inbound']);
}

export function isAllow(rule: SecurityRule): Maybe {
  return isOneOf(rule, 'access', ['allow']);
}

export function isDeny(rule: SecurityRule): Maybe {
  return isOneOf(rule, 'access', ['deny']);
}

export function priorityOf(rule: SecurityRule): number | undefined {
  const v = field(rule, 'priority');
  if (v?.kind === 'number') return v.value;
  const s = knownString(v);
  return s !== undefined && /^\d+$/.test(s.trim()) ? Number(s) : undefined;
}

/** The values of a single field and its list form (`sourceAddressPrefix`, `sourceAddressPrefixes`), each item as written. */
function prefixItems(rule: SecurityRule, one: RuleField, many: RuleField): { items: Value[]; complete: boolean } {
  const items: Value[] = [];
  let complete = true;
  const single = field(rule, one);
  if (single && single.kind !== 'null') items.push(single);
  const list = field(rule, many);
  if (list && list.kind !== 'null') {
    const xs = arrayItems(list);
    if (!xs || (list.kind === 'array' && list.open)) complete = false;
    items.push(...(xs ?? []));
  }
  return { items, complete };
}

/**
 * The sources of a rule that stand for the internet, as written (each a value a finding can point at); `maybe` when a
 * source cannot be read. Application security groups are never the internet.
 */
export function internetSources(rule: SecurityRule): { values: Value[]; maybe: boolean } {
  const { items, complete } = prefixItems(rule, 'sourceAddressPrefix', 'sourceAddressPrefixes');
  const values: Value[] = [];
  let maybe = !complete;
  for (const item of items) {
    const t = texts(item);
    if (!t) maybe = true;
    else if (t.some((x) => INTERNET.has(x))) values.push(item);
  }
  if (!items.length && !field(rule, 'sourceApplicationSecurityGroups')) maybe = true;
  return { values, maybe };
}

/** Whether every source of the rule is the internet in the wide sense (what a deny must cover to shadow an allow). */
function coversInternet(rule: SecurityRule): Maybe {
  const { items } = prefixItems(rule, 'sourceAddressPrefix', 'sourceAddressPrefixes');
  if (!items.length) return field(rule, 'sourceApplicationSecurityGroups') ? false : undefined;
  let unknown = false;
  for (const item of items) {
    const t = texts(item);
    if (!t) unknown = true;
    else if (t.every((x) => INTERNET.has(x))) return true;
  }
  return unknown ? undefined : false;
}

export interface Port {
  protocol: 'tcp' | 'udp';
  port: number;
}

/** Whether the rule's protocol carries `p`. */
export function coversProtocol(rule: SecurityRule, p: Port['protocol']): Maybe {
  return isOneOf(rule, 'protocol', [p, '*', 'any']);
}

/** Whether the rule's destination ports include `port`. */
export function coversPort(rule: SecurityRule, port: number): Maybe {
  const { items, complete } = prefixItems(rule, 'destinationPortRange', 'destinationPortRanges');
  if (!items.length) return undefined;
  let unknown = !complete;
  for (const item of items) {
    const t = texts(item);
    if (!t) {
      unknown = true;
      continue;
    }
    if (t.every((x) => x.split(',').some((r) => rangeHas(r.trim(), port)))) return true;
    if (t.some((x) => x.split(',').some((r) => rangeHas(r.trim(), port)))) unknown = true;
  }
  return unknown ? undefined : false;
}

function rangeHas(range: string, port: number): boolean {
  if (range === '*' || range === 'any') return true;
  const m = /^(\d+)\s*-\s*(\d+)$/.exec(range);
  if (m) return Number(m[1]) <= port && port <= Number(m[2]);
  return /^\d+$/.test(range) && Number(range) === port;
}

/** Whether the rule's destination includes addresses of `ranges` (the host's subnet prefixes, when known). */
export function coversDestination(rule: SecurityRule, ranges: string[]): Maybe {
  if (field(rule, 'destinationApplicationSecurityGroups')) return undefined;
  const { items, complete } = prefixItems(rule, 'destinationAddressPrefix', 'destinationAddressPrefixes');
  if (!items.length) return undefined;
  let unknown = !complete;
  for (const item of items) {
    const t = texts(item);
    if (!t) {
      unknown = true;
      continue;
    }
    const hits = t.map((x) => destinationHits(x, ranges));
    if (hits.every((h) => h === true)) return true;
    if (hits.some((h) => h !== false)) unknown = true;
  }
  return unknown ? undefined : false;
}

function destinationHits(prefix: string, ranges: string[]): Maybe {
  if (ANY_DESTINATION.has(prefix)) return true;
  const cidr = parseCidr(prefix);
  // A single address is one machine (a jump host), unless it falls in the host's subnet: then it may be the host.
  if (!cidr) return false;
  if (!ranges.length) return cidr.bits < 32 ? true : undefined;
  const own = ranges.map(parseCidr).filter((c): c is Cidr => !!c);
  if (!own.length) return undefined;
  const overlaps = own.some((o) => overlap(o, cidr));
  if (!overlaps) return false;
  return cidr.bits < 32 ? true : undefined;
}

interface Cidr {
  base: number;
  bits: number;
}

function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return undefined;
  const addr = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (addr & mask) >>> 0, bits };
}

function overlap(a: Cidr, b: Cidr): boolean {
  const bits = Math.min(a.bits, b.bits);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

/**
 * Whether `deny` takes precedence over `allow` for internet traffic to `port`: an inbound deny with a lower priority
 * number whose sources, protocol, ports and destination cover it. Undefined when a value it needs cannot be read.
 */
export function shadows(deny: SecurityRule, allow: SecurityRule, port: Port, ranges: string[]): Maybe {
  if (deny === allow) return false;
  const pa = priorityOf(allow);
  const pd = priorityOf(deny);
  const before: Maybe = pa === undefined || pd === undefined ? undefined : pd < pa;
  return and(
    isDeny(deny),
    isInbound(deny),
    before,
    coversInternet(deny),
    coversProtocol(deny, port.protocol),
    coversPort(deny, port.port),
    coversDestination(deny, ranges),
  );
}

/** Whether a rule lets some internet traffic in (any port): what keeps a public address open. */
export function allowsInternetIn(rule: SecurityRule): Maybe {
  const src = internetSources(rule);
  const fromInternet: Maybe = src.values.length ? true : src.maybe ? undefined : false;
  return and(isAllow(rule), isInbound(rule), fromInternet);
}

/** The address prefixes of a subnet's object (ARM `addressPrefix(es)`, Terraform `address_prefixes`), known ones only. */
export function subnetPrefixes(subnet: ObjectValue, hcl: boolean): string[] {
  const values = hcl
    ? [get(subnet, 'address_prefix'), ...(arrayItems(get(subnet, 'address_prefixes')) ?? [])]
    : [get(subnet, 'properties', 'addressPrefix'), ...(arrayItems(get(subnet, 'properties', 'addressPrefixes')) ?? [])];
  return values.map((v) => knownString(v)).filter((s): s is string => s !== undefined);
}
