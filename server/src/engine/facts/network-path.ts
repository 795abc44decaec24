import { typeOf } from '../graph/resources';
export { typeOf } from '../graph/resources';
import type { AvdGraph, SessionHostNode } from '../graph';
import { isAvdAgentExtension, parentNameOf, resourceName } from '../graph';
import { unwrap } from '../graph/identity';
import { type Targets, targetsOf } from '../graph/targets';
import type { Document, ObjectValue, Resource, Value } from '../model';
import { parseResourceId } from '../resource-id';
import { arrayItems, get, getPath, isAbsent, knownString, splitString } from '../values';
import { displayName } from './host-pools';

/**
 * The network path of session hosts: each host's network interfaces, the subnets they are in, and what those apply
 * (network security groups, route tables, NAT gateways), across modules. ARM, Bicep and azapi resources are read in
 * their ARM shape; Terraform network resources keep their HCL attribute names (the mapping table leaves them out), and
 * Terraform ties subnets and interfaces to security groups and route tables with association resources.
 */

/** Resource types (lower case) by what they are, in ARM and in Terraform. */
export const NET = {
  nic: ['microsoft.network/networkinterfaces', 'terraform:azurerm_network_interface'],
  nsg: ['microsoft.network/networksecuritygroups', 'terraform:azurerm_network_security_group'],
  nsgRule: ['microsoft.network/networksecuritygroups/securityrules', 'terraform:azurerm_network_security_rule'],
  vnet: ['microsoft.network/virtualnetworks', 'terraform:azurerm_virtual_network'],
  subnet: ['microsoft.network/virtualnetworks/subnets', 'terraform:azurerm_subnet'],
  publicIp: ['microsoft.network/publicipaddresses', 'terraform:azurerm_public_ip'],
  routeTable: ['microsoft.network/routetables', 'terraform:azurerm_route_table'],
  route: ['microsoft.network/routetables/routes', 'terraform:azurerm_route'],
  natGateway: ['microsoft.network/natgateways', 'terraform:azurerm_nat_gateway'],
  scaleSet: [
    'microsoft.compute/virtualmachinescalesets',
    'terraform:azurerm_windows_virtual_machine_scale_set',
    'terraform:azurerm_linux_virtual_machine_scale_set',
    'terraform:azurerm_orchestrated_virtual_machine_scale_set',
    'terraform:azurerm_virtual_machine_scale_set',
  ],
  scaleSetExtension: ['microsoft.compute/virtualmachinescalesets/extensions', 'terraform:azurerm_virtual_machine_scale_set_extension'],
} as const;

/** The ARM type of each Terraform network type, for ids written as text. */
const ARM_OF: Record<string, string> = {
  'terraform:azurerm_network_interface': NET.nic[0],
  'terraform:azurerm_network_security_group': NET.nsg[0],
  'terraform:azurerm_virtual_network': NET.vnet[0],
  'terraform:azurerm_public_ip': NET.publicIp[0],
  'terraform:azurerm_route_table': NET.routeTable[0],
  'terraform:azurerm_nat_gateway': NET.natGateway[0],
};

const SUBNET_NSG = 'terraform:azurerm_subnet_network_security_group_association';
const NIC_NSG = 'terraform:azurerm_network_interface_security_group_association';
const SUBNET_ROUTE_TABLE = 'terraform:azurerm_subnet_route_table_association';
const SUBNET_NAT = 'terraform:azurerm_subnet_nat_gateway_association';

export function isType(r: Resource, types: readonly string[]): boolean {
  return types.includes(typeOf(r));
}

/** A resource read with Terraform's attribute names (not mapped to ARM paths). */
export function hclShaped(r: Resource): boolean {
  return typeOf(r).startsWith('terraform:');
}

/**
 * What a reference (an id, a module output, a Terraform association) leads to: the resources it can be, whether it can
 * also be nothing (null, an empty string, a case of a ternary), and whether some case cannot be followed.
 */
export interface Link<T> {
  items: T[];
  none: boolean;
  unknown: boolean;
  /** Where the reference is written, when it is written on the resource that links (not a Terraform association). */
  at?: Value;
  /** The association resource that writes it (Terraform). */
  by?: Resource;
}

function emptyLink<T>(): Link<T> {
  return { items: [], none: false, unknown: false };
}

function merge<T>(into: Link<T>, from: Link<T>): void {
  for (const x of from.items) if (!into.items.includes(x)) into.items.push(x);
  into.none ||= from.none;
  into.unknown ||= from.unknown;
}

/** A subnet: a subnet resource, or an item of a virtual network's `subnets` list. */
export interface SubnetNode {
  key: string;
  /** The subnet resource, or the virtual network that declares it inline. */
  resource: Resource;
  /** The subnet's own object: the resource body, or its item in the virtual network's list. */
  body: ObjectValue;
  inline: boolean;
  /** The API version the subnet is written with (the virtual network's for an inline subnet). */
  apiVersion?: string;
  /** "subnet 'snet-hosts'". */
  label: string;
  /** Where a finding about the subnet as a whole points. */
  anchor: Value | undefined;
}

/** A network interface: a NIC resource, or a NIC configuration written inline on a VM or scale set. */
export interface NicNode {
  key: string;
  resource: Resource;
  body: ObjectValue;
  inline: boolean;
  /** "NIC 'nic-avd-0'". */
  label: string;
  ipConfigs: IpConfig[];
  /** Some IP configuration may be hidden (a list built from a parameter, a dynamic block). */
  ipConfigsComplete: boolean;
}

export interface IpConfig {
  value: ObjectValue;
  subnet: Link<SubnetNode>;
  /**
   * The public address the configuration asks for, as written: ARM `publicIPAddress` (`{ id }`) or a scale set's
   * `publicIPAddressConfiguration`, Terraform `public_ip_address_id` or a scale set's `public_ip_address` block.
   */
  publicIp?: Value;
  /** The public address is a configuration (a scale set's, a VM's inline NIC): each instance gets its own address. */
  publicIpIsConfiguration: boolean;
}

/** A session host (a VM the graph links to a host pool, or a scale set that runs the AVD agent) and its interfaces. */
export interface HostPath {
  host: Resource;
  /** "session host 'vm-avd-0'" or "session host scale set 'vmss-avd'". */
  label: string;
  nics: { nic: NicNode; at: Value }[];
  /** Every interface the host lists was followed. */
  complete: boolean;
}

/** A security group that applies to a host's traffic, and how: through the subnet or on the interface. */
export interface NsgUse {
  path: HostPath;
  nic: NicNode;
  subnet?: SubnetNode;
  via: 'subnet' | 'nic';
  link: Link<Resource>;
}

export class NetworkFacts {
  private readonly targets: Targets;
  private readonly subnetNodes = new Map<string, SubnetNode>();
  private readonly nicNodes = new Map<string, NicNode>();
  private readonly byType = new Map<string, Resource[]>();
  private paths?: HostPath[];
  private associations?: Map<string, Map<string, Link<Resource>>>;
  /** Associations whose subnet or interface cannot be followed, by association type. */
  private readonly loose = new Set<string>();

  constructor(private readonly graph: AvdGraph) {
    this.targets = targetsOf(graph.documents);
    for (const r of graph.byKey.values()) {
      const t = typeOf(r);
      let list = this.byType.get(t);
      if (!list) this.byType.set(t, (list = []));
      list.push(r);
    }
  }

  ofType(types: readonly string[] | string): Resource[] {
    return (typeof types === 'string' ? [types] : types).flatMap((t) => this.byType.get(t) ?? []);
  }

  /** The resource an existing declaration stands for, when the workspace deploys it. */
  deployed(r: Resource): Resource {
    return this.targets.deployed(r);
  }

  /** Session hosts with the interfaces they use. */
  hostPaths(): HostPath[] {
    if (this.paths) return this.paths;
    const paths: HostPath[] = [];
    for (const h of this.graph.sessionHosts) {
      // Scale sets are read below, from their own network profile.
      if (h.kind === 'scaleSet') continue;
      if (h.vm.source.existing || !registers(h)) continue;
      paths.push(this.vmPath(h.vm));
    }
    for (const ss of this.ofType(NET.scaleSet)) if (!ss.source.existing && this.runsAvdAgent(ss)) paths.push(this.scaleSetPath(ss));
    return (this.paths = paths);
  }

  private vmPath(vm: Resource): HostPath {
    const path: HostPath = { host: vm, label: `session host ${displayName(vm)}`, nics: [], complete: true };
    const listed = get(vm.body, 'properties', 'networkProfile', 'networkInterfaces') ?? get(vm.body, 'network_interface_ids');
    const items = arrayItems(listed);
    if (listed && (!items || (listed.kind === 'array' && listed.open))) path.complete = false;
    // An ARM property loop (`copy`) the model keeps unexpanded.
    if (get(vm.body, 'properties', 'networkProfile', 'copy')) path.complete = false;
    for (const item of items ?? []) {
      const at = item.kind === 'object' ? (get(item, 'id') ?? item) : item;
      const link = this.resolve(at, NET.nic, vm);
      if (link.unknown) path.complete = false;
      for (const nic of link.items) path.nics.push({ nic: this.nicNode(nic), at });
    }
    // A VM may declare its interfaces inline (networkInterfaceConfigurations, the flexible orchestration form).
    const inline = get(vm.body, 'properties', 'networkProfile', 'networkInterfaceConfigurations');
    this.inlineNics(vm, inline, path);
    return path;
  }

  private scaleSetPath(ss: Resource): HostPath {
    const path: HostPath = { host: ss, label: `session host scale set ${displayName(ss)}`, nics: [], complete: true };
    this.inlineNics(ss, get(ss.body, 'properties', 'virtualMachineProfile', 'networkProfile', 'networkInterfaceConfigurations'), path);
    for (const e of blocks(ss.body, 'network_interface')) this.addInlineNic(ss, e, path);
    return path;
  }

  private inlineNics(host: Resource, list: Value | undefined, path: HostPath): void {
    if (!list) return;
    const items = arrayItems(list);
    if (!items || (list.kind === 'array' && list.open)) path.complete = false;
    for (const item of items ?? []) if (item.kind === 'object') this.addInlineNic(host, item, path);
  }

  private addInlineNic(host: Resource, o: ObjectValue, path: HostPath): void {
    const key = `${host.key}|nic@${o.range.start}`;
    let n = this.nicNodes.get(key);
    if (!n) {
      const name = get(o, 'name');
      n = { key, resource: host, body: o, inline: true, label: `the NIC configuration${nameText(name)}`, ipConfigs: [], ipConfigsComplete: true };
      this.readIpConfigs(n, host);
      this.nicNodes.set(key, n);
    }
    path.nics.push({ nic: n, at: o });
  }

  /** Whether a scale set registers its instances with a host pool: the AVD agent's DSC extension, or a script that passes a registration token. */
  private runsAvdAgent(ss: Resource): boolean {
    const inline = [
      ...(arrayItems(get(ss.body, 'properties', 'virtualMachineProfile', 'extensionProfile', 'extensions')) ?? []),
      ...blocks(ss.body, 'extension'),
    ];
    const children = this.ofType(NET.scaleSetExtension).filter((e) => {
      const parent = get(e.body, 'parent') ?? get(e.body, 'virtual_machine_scale_set_id');
      if (parent && this.resolve(parent, NET.scaleSet, e).items.includes(ss)) return true;
      const parentName = parentNameOf(e);
      return !!parentName && this.targets.nearestNamed(typeOf(ss), parentName, e) === ss;
    });
    return [...inline, ...children.map((c) => c.body)].some((x) => x.kind === 'object' && isAvdAgent(x));
  }

  /** A NIC resource as a node (once per resource). */
  nicNode(nic: Resource): NicNode {
    let n = this.nicNodes.get(nic.key);
    if (!n) {
      n = { key: nic.key, resource: nic, body: nic.body, inline: false, label: `NIC ${displayName(nic)}`, ipConfigs: [], ipConfigsComplete: true };
      this.readIpConfigs(n, nic);
      this.nicNodes.set(nic.key, n);
    }
    return n;
  }

  private readIpConfigs(n: NicNode, from: Resource): void {
    const hcl = hclShaped(from);
    if (!hcl) {
      const list = get(n.body, 'properties', 'ipConfigurations');
      const items = arrayItems(list);
      if (!items || (list?.kind === 'array' && list.open)) n.ipConfigsComplete = false;
      for (const item of items ?? []) {
        if (item.kind !== 'object') {
          n.ipConfigsComplete = false;
          continue;
        }
        const publicIp = get(item, 'properties', 'publicIPAddress') ?? get(item, 'properties', 'publicIPAddressConfiguration');
        n.ipConfigs.push({
          value: item,
          subnet: this.subnets(get(item, 'properties', 'subnet'), from),
          publicIp,
          publicIpIsConfiguration: !!get(item, 'properties', 'publicIPAddressConfiguration'),
        });
      }
      return;
    }
    if (n.body.open) n.ipConfigsComplete = false;
    for (const b of blocks(n.body, 'ip_configuration')) {
      const block = get(b, 'public_ip_address');
      n.ipConfigs.push({
        value: b,
        subnet: this.subnets(get(b, 'subnet_id'), from),
        publicIp: get(b, 'public_ip_address_id') ?? block,
        publicIpIsConfiguration: !!block,
      });
    }
  }

  /** The security group applied on an interface. */
  nicNsg(n: NicNode): Link<Resource> {
    if (!hclShaped(n.resource))
      return this.linkAt(get(n.body, 'properties', 'networkSecurityGroup'), NET.nsg, n.resource, n.body, ['properties', 'networkSecurityGroup']);
    const written = get(n.body, 'network_security_group_id');
    if (written || n.inline) return this.linkAt(written, NET.nsg, n.resource, n.body, ['network_security_group_id']);
    return this.associated(NIC_NSG, n);
  }

  /** The security group applied on a subnet. */
  subnetNsg(s: SubnetNode): Link<Resource> {
    if (!hclShaped(s.resource))
      return this.linkAt(get(s.body, 'properties', 'networkSecurityGroup'), NET.nsg, s.resource, s.body, ['properties', 'networkSecurityGroup']);
    // azurerm 1.x and 2.x wrote the group on the subnet itself.
    const written = get(s.body, 'network_security_group_id');
    if (written) return this.linkAt(written, NET.nsg, s.resource, s.body, ['network_security_group_id']);
    return this.associated(SUBNET_NSG, s);
  }

  subnetRouteTable(s: SubnetNode): Link<Resource> {
    if (!hclShaped(s.resource)) return this.linkAt(get(s.body, 'properties', 'routeTable'), NET.routeTable, s.resource, s.body, ['properties', 'routeTable']);
    const written = get(s.body, 'route_table_id');
    if (written) return this.linkAt(written, NET.routeTable, s.resource, s.body, ['route_table_id']);
    return this.associated(SUBNET_ROUTE_TABLE, s);
  }

  subnetNatGateway(s: SubnetNode): Link<Resource> {
    if (!hclShaped(s.resource)) return this.linkAt(get(s.body, 'properties', 'natGateway'), NET.natGateway, s.resource, s.body, ['properties', 'natGateway']);
    return this.associated(SUBNET_NAT, s);
  }

  /** What a property of a resource links to: nothing when it is certainly absent, unknown when it cannot be read. */
  private linkAt(v: Value | undefined, types: readonly string[], from: Resource, holder: ObjectValue, path: string[]): Link<Resource> {
    if (!v) {
      const link = emptyLink<Resource>();
      if (isAbsent(holder, ...path) && !(from.source.existing && holder === from.body)) link.none = true;
      else link.unknown = true;
      return link;
    }
    return { ...this.resolve(v, types, from), at: v };
  }

  /** What Terraform association resources of a type tie to a subnet or interface (by its node key). */
  private associated(type: string, of: { key: string; resource: Resource }): Link<Resource> {
    const found = this.associationIndex().get(type)?.get(of.key);
    if (found) return found;
    const link = emptyLink<Resource>();
    // An association whose subnet or interface cannot be followed may be this one's; a subnet the configuration only
    // reads (a data source) is associated where it is managed.
    if (this.loose.has(type) || of.resource.source.existing) link.unknown = true;
    else link.none = true;
    return link;
  }

  private associationIndex(): Map<string, Map<string, Link<Resource>>> {
    if (this.associations) return this.associations;
    const index = new Map<string, Map<string, Link<Resource>>>();
    const spec: [string, string, string, readonly string[], boolean][] = [
      [SUBNET_NSG, 'subnet_id', 'network_security_group_id', NET.nsg, true],
      [SUBNET_ROUTE_TABLE, 'subnet_id', 'route_table_id', NET.routeTable, true],
      [SUBNET_NAT, 'subnet_id', 'nat_gateway_id', NET.natGateway, true],
      [NIC_NSG, 'network_interface_id', 'network_security_group_id', NET.nsg, false],
    ];
    for (const [type, from, to, types, subnet] of spec) {
      const byKey = new Map<string, Link<Resource>>();
      index.set(type, byKey);
      for (const a of this.ofType(type)) {
        if (a.source.existing) continue;
        const keys = subnet ? this.subnets(get(a.body, from), a) : this.resolve(get(a.body, from), NET.nic, a);
        if (keys.unknown || keys.none) this.loose.add(type);
        const target = get(a.body, to);
        const link: Link<Resource> = { ...this.resolve(target, types, a), at: target, by: a };
        for (const k of keys.items.map((x) => x.key)) {
          const existing = byKey.get(k);
          if (existing) merge(existing, link);
          else byKey.set(k, link);
        }
      }
    }
    return (this.associations = index);
  }

  /** The resources of some types a value points at (an id, a reference, a module output, `{ id }`), in each of its cases. */
  resolve(v: Value | undefined, types: readonly string[], from: Resource, depth = 0): Link<Resource> {
    const link = emptyLink<Resource>();
    v = unwrap(this.targets.outputs.resolve(v));
    if (!v) {
      link.none = true;
      return link;
    }
    if (depth > 8) {
      link.unknown = true;
      return link;
    }
    if (v.kind === 'null' || knownString(v) === '') {
      link.none = true;
      return link;
    }
    if (v.kind === 'choice') {
      for (const o of v.options) merge(link, this.resolve(o.value, types, from, depth + 1));
      return link;
    }
    if (v.kind === 'object') return this.resolve(get(v, 'id'), types, from, depth + 1);
    for (const t of types) {
      const r = this.targets.target(v, t, from) ?? this.terraformById(v, t, from);
      if (r) {
        link.items.push(r);
        return link;
      }
    }
    link.unknown = true;
    return link;
  }

  /**
   * A Terraform resource named by a literal Azure resource id (`"/subscriptions/.../networkSecurityGroups/nsg"`, as
   * exported configurations write them): the resource of the matching Terraform type with that name.
   */
  private terraformById(v: Value, type: string, from: Resource): Resource | undefined {
    if (!type.startsWith('terraform:') || v.kind !== 'string') return undefined;
    const id = parseResourceId(v);
    const arm = id?.kind === 'resource' ? id.type?.toLowerCase() : undefined;
    if (!arm || ARM_OF[type] !== arm) return undefined;
    return this.targets.nearestNamed(type, id!.names[id!.names.length - 1], from);
  }

  /** The subnets a value points at: a subnet resource, an item of a virtual network's list, an id of either. */
  subnets(v: Value | undefined, from: Resource, depth = 0): Link<SubnetNode> {
    const link = emptyLink<SubnetNode>();
    const at = v;
    v = unwrap(this.targets.outputs.resolve(v));
    if (!v || v.kind === 'null' || knownString(v) === '') {
      link.none = true;
      return link;
    }
    if (depth > 8) {
      link.unknown = true;
      return link;
    }
    if (v.kind === 'choice') {
      for (const o of v.options) merge(link, this.subnets(o.value, from, depth + 1));
      return link;
    }
    if (v.kind === 'object') return { ...this.subnets(get(v, 'id'), from, depth + 1), at };
    const found = this.subnetOf(v, from);
    if (found) link.items.push(found);
    else link.unknown = true;
    return { ...link, at };
  }

  private subnetOf(v: Value, from: Resource): SubnetNode | undefined {
    if (v.kind === 'ref') {
      const target = v.target ? this.graph.byKey.get(v.target) : undefined;
      if (!target) return v.targetId ? this.subnetOf(v.targetId, from) : undefined;
      const r = this.targets.deployed(target);
      if (isType(r, NET.subnet)) {
        // `vnet::subnet` declared `existing` under a virtual network the workspace deploys: its item of the list.
        if (!r.source.existing) return this.subnetNode(r);
        const vnet = this.parentVnet(r);
        return (vnet && this.subnetInVnet(vnet, lastSegment(resourceName(r)))) ?? this.subnetNode(r);
      }
      // `vnet.properties.subnets[0].id`: an item of the virtual network's own list.
      const path = v.path.map((p) => p.toLowerCase());
      if (isType(r, NET.vnet) && path[0] === 'properties' && path[1] === 'subnets' && /^\d+$/.test(path[2] ?? '')) {
        const item = arrayItems(get(r.body, 'properties', 'subnets'))?.[Number(path[2])];
        return item?.kind === 'object' ? this.inlineSubnet(r, item) : undefined;
      }
      return undefined;
    }
    if (v.kind !== 'string') return undefined;
    // `'${vnet.id}/subnets/snet-hosts'`
    const [head, ...rest] = v.parts;
    const tail = rest.length === 1 && rest[0].kind === 'text' ? /^\/subnets\/([^/]+)$/i.exec(rest[0].text) : null;
    if (head?.kind === 'hole' && tail) {
      const vnet = this.resolve(head.value, NET.vnet, from).items[0];
      return vnet && this.subnetInVnet(vnet, { kind: 'string', parts: [{ kind: 'text', text: tail[1] }], range: v.range });
    }
    const id = parseResourceId(v);
    if (id?.kind !== 'resource' || id.type?.toLowerCase() !== NET.subnet[0] || id.names.length !== 2) return undefined;
    const [vnetName, subnetName] = id.names;
    const vnet = this.targets.nearestNamed(NET.vnet[0], vnetName, from);
    if (vnet) return this.subnetInVnet(vnet, subnetName);
    // Terraform: an `azurerm_subnet` of that name in a virtual network of that name.
    if (from.source.language === 'terraform') {
      const named = this.targets
        .named(NET.subnet[1], subnetName)
        .filter((s) => !s.source.existing && this.sameName(get(s.body, 'virtual_network_name'), vnetName));
      if (named.length === 1) return this.subnetNode(named[0]);
    }
    // A subnet resource whose `vnet/subnet` name says both, its virtual network not declared here.
    for (const s of this.ofType(NET.subnet[0])) {
      if (!s.source.existing && this.sameName(lastSegment(resourceName(s)), subnetName) && this.sameName(parentNameOf(s), vnetName)) return this.subnetNode(s);
    }
    return undefined;
  }

  /** The virtual network a subnet resource belongs to: its `parent`, or the first segment of its `vnet/subnet` name. */
  private parentVnet(s: Resource): Resource | undefined {
    const parent = get(s.body, 'parent');
    if (parent) return this.resolve(parent, NET.vnet, s).items[0];
    const name = parentNameOf(s);
    return name ? this.targets.nearestNamed(NET.vnet[0], name, s) : undefined;
  }

  /** A subnet of a virtual network by name: a subnet resource of its own, else an item of the network's list. */
  private subnetInVnet(vnet: Resource, name: Value | undefined): SubnetNode | undefined {
    for (const s of this.ofType(NET.subnet[0])) {
      if (s.source.existing || !this.sameName(lastSegment(resourceName(s)), name)) continue;
      if (this.parentVnet(s) === vnet) return this.subnetNode(s);
    }
    for (const item of arrayItems(get(vnet.body, 'properties', 'subnets')) ?? []) {
      if (item.kind === 'object' && this.sameName(get(item, 'name'), name)) return this.inlineSubnet(vnet, item);
    }
    return undefined;
  }

  /** Two names that are the same at some hop of where they lead (a module's parameter, an output, a literal). */
  private sameName(a: Value | undefined, b: Value | undefined): boolean {
    a = this.nameOf(a);
    b = this.nameOf(b);
    if (!a || !b) return false;
    const ka = this.targets.outputs.chainKeys(a);
    const kb = new Set(this.targets.outputs.chainKeys(b));
    return ka.some((k) => kb.has(k));
  }

  /** A name read from a resource (`azurerm_virtual_network.x.name`, `vnet.name`) is that resource's name. */
  private nameOf(v: Value | undefined): Value | undefined {
    const u = unwrap(v);
    if (u?.kind !== 'ref' || !u.target || u.path.length !== 1 || u.path[0].toLowerCase() !== 'name') return v;
    const r = this.graph.byKey.get(u.target);
    return (r && resourceName(r)) ?? v;
  }

  private subnetNode(r: Resource): SubnetNode {
    let n = this.subnetNodes.get(r.key);
    if (!n) {
      const own = nameText(lastSegment(resourceName(r)));
      n = {
        key: r.key,
        resource: r,
        body: r.body,
        inline: false,
        apiVersion: r.apiVersion,
        label: own ? `subnet${own}` : `subnet ${displayName(r)}`,
        anchor: undefined,
      };
      this.subnetNodes.set(r.key, n);
    }
    return n;
  }

  private inlineSubnet(vnet: Resource, item: ObjectValue): SubnetNode {
    const key = `${vnet.key}|subnet@${item.range.start}`;
    let n = this.subnetNodes.get(key);
    if (!n) {
      const name = get(item, 'name');
      n = { key, resource: vnet, body: item, inline: true, apiVersion: vnet.apiVersion, label: `subnet${nameText(name)}`, anchor: name ?? item };
      this.subnetNodes.set(key, n);
    }
    return n;
  }

  /** Security groups on a host's path: on each interface and on the subnet of each of its IP configurations. */
  nsgUses(path: HostPath): NsgUse[] {
    const out: NsgUse[] = [];
    for (const { nic } of path.nics) {
      out.push({ path, nic, via: 'nic', link: this.nicNsg(nic) });
      for (const ip of nic.ipConfigs) for (const subnet of ip.subnet.items) out.push({ path, nic, subnet, via: 'subnet', link: this.subnetNsg(subnet) });
    }
    return out;
  }

  /** The subnets a host's interfaces are in. */
  subnetsOf(path: HostPath): { subnet: SubnetNode; nic: NicNode; ip: IpConfig }[] {
    const out: { subnet: SubnetNode; nic: NicNode; ip: IpConfig }[] = [];
    for (const { nic } of path.nics) for (const ip of nic.ipConfigs) for (const subnet of ip.subnet.items) out.push({ subnet, nic, ip });
    return out;
  }

  /**
   * Resources of some types that name `parent` as theirs: by `parent`, by a `parent/child` name, or by a Terraform
   * `<parent>_name` attribute. `loose`: those whose parent cannot be told, which may be this one's.
   */
  children(parent: Resource, types: readonly string[], parentAttribute: string): { items: Resource[]; loose: Resource[] } {
    const items: Resource[] = [];
    const loose: Resource[] = [];
    const parentTypes = [typeOf(parent)];
    // Terraform resources name Terraform parents; ARM, Bicep and azapi ones ARM parents.
    for (const c of this.ofType(types.filter((t) => t.startsWith('terraform:') === hclShaped(parent)))) {
      if (c.source.existing) continue;
      const byRef = get(c.body, 'parent');
      const byName = hclShaped(c) ? get(c.body, parentAttribute) : parentNameOf(c);
      let found: Resource | undefined;
      let unsure: boolean;
      if (byRef || byName?.kind === 'ref') {
        const l = byRef ? this.resolve(byRef, parentTypes, c) : this.resolve({ ...(byName as Extract<Value, { kind: 'ref' }>), path: ['id'] }, parentTypes, c);
        found = l.items[0];
        unsure = l.unknown;
      } else if (byName) {
        found = this.targets.nearestNamed(parentTypes[0], byName, c) ?? (this.sameName(byName, resourceName(parent)) ? parent : undefined);
        unsure = !found && knownString(unwrap(this.targets.outputs.resolve(byName))) === undefined;
      } else unsure = true;
      if (found && this.targets.deployed(found) === parent) items.push(c);
      else if (!found && unsure) loose.push(c);
    }
    return { items, loose };
  }
}

/**
 * Whether a VM the graph counts as a session host shows that it registers with a host pool: linked to one, or an
 * agent extension. A DSC extension that runs another configuration (a domain controller's, whose modules come from a
 * repository with "avd" in its address) is not the agent.
 */
function registers(h: SessionHostNode): boolean {
  if (h.hostPool) return true;
  return h.extensions.some((e) => {
    if (!isAvdAgentExtension(e)) return false;
    const settings = get(e.body, 'properties', 'settings');
    if (getPath(settings, ['properties', 'hostPoolName'])) return true;
    const fn = knownString(get(settings, 'configurationFunction'));
    return fn === undefined || fn.toLowerCase().includes('addsessionhost');
  });
}

/** The last `/` segment of a name (`vnet/subnet` → `subnet`). */
function lastSegment(name: Value | undefined): Value | undefined {
  if (name?.kind !== 'string') return name;
  const segs = splitString(name, '/');
  return segs[segs.length - 1];
}

function nameText(name: Value | undefined): string {
  const s = knownString(name);
  return s !== undefined ? ` '${s.length > 44 ? s.slice(0, 43) + '…' : s}'` : '';
}

/**
 * Nested blocks of a Terraform resource by name: a block written several times is several entries of the body (the
 * attribute form `name = [{...}]` is a list).
 */
export function blocks(body: ObjectValue, name: string): ObjectValue[] {
  const out: ObjectValue[] = [];
  for (const e of body.entries) {
    if (e.key !== name) continue;
    if (e.value.kind === 'object') out.push(e.value);
    else for (const item of arrayItems(e.value) ?? []) if (item.kind === 'object') out.push(item);
  }
  return out;
}

/** The AVD agent's DSC extension (ARM `properties`, or Terraform attributes) in a scale set's extension list. */
function isAvdAgent(ext: ObjectValue): boolean {
  const publisher = knownString(get(ext, 'properties', 'publisher') ?? get(ext, 'publisher'))?.toLowerCase();
  const type = knownString(get(ext, 'properties', 'type') ?? get(ext, 'type'))?.toLowerCase();
  if (publisher !== 'microsoft.powershell' || type !== 'dsc') return false;
  const settings = get(ext, 'properties', 'settings') ?? get(ext, 'settings');
  // Terraform's `settings = jsonencode({...})` on a block the mapping table does not read is JSON text.
  const text = knownString(settings);
  let json: { properties?: { hostPoolName?: unknown }; configurationFunction?: unknown; modulesUrl?: unknown } | undefined;
  if (text !== undefined) {
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      json = undefined;
    }
  }
  if (getPath(settings, ['properties', 'hostPoolName']) || json?.properties?.hostPoolName) return true;
  const fn = knownString(get(settings, 'configurationFunction')) ?? (typeof json?.configurationFunction === 'string' ? json.configurationFunction : undefined);
  // Another configuration (a domain controller's) is not the agent, wherever its modules come from.
  if (fn !== undefined) return fn.toLowerCase().includes('addsessionhost');
  const url = (knownString(get(settings, 'modulesUrl')) ?? String(json?.modulesUrl ?? '')).toLowerCase();
  return url.includes('wvd') || url.includes('avd');
}

const facts = new WeakMap<readonly Document[], NetworkFacts>();

/** The network facts of a graph, once per version of its documents. */
export function networkFacts(graph: AvdGraph): NetworkFacts {
  let f = facts.get(graph.documents);
  if (!f) facts.set(graph.documents, (f = new NetworkFacts(graph)));
  return f;
}
