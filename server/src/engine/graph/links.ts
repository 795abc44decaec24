import type { Resource, Value } from '../model';
import { entry, getPath } from '../values';

/** The ARM resource types the graph reads (lower case). */
export const TYPES = {
  hostPool: 'microsoft.desktopvirtualization/hostpools',
  appGroup: 'microsoft.desktopvirtualization/applicationgroups',
  application: 'microsoft.desktopvirtualization/applicationgroups/applications',
  workspace: 'microsoft.desktopvirtualization/workspaces',
  scalingPlan: 'microsoft.desktopvirtualization/scalingplans',
  vm: 'microsoft.compute/virtualmachines',
  extension: 'microsoft.compute/virtualmachines/extensions',
  runCommand: 'microsoft.compute/virtualmachines/runcommands',
  roleAssignment: 'microsoft.authorization/roleassignments',
  roleDefinition: 'microsoft.authorization/roledefinitions',
  resourceGroup: 'microsoft.resources/resourcegroups',
  subscription: 'microsoft.resources/subscriptions',
  caPolicy: 'microsoft.graph/conditionalaccesspolicies',
  keyVault: 'microsoft.keyvault/vaults',
  secret: 'microsoft.keyvault/vaults/secrets',
  // Entra identities: Microsoft Graph Bicep, and Terraform's azuread resources, which the model keeps unmapped.
  entraUser: 'microsoft.graph/users',
  entraGroup: 'microsoft.graph/groups',
  tfUser: 'terraform:azuread_user',
  tfGroup: 'terraform:azuread_group',
  tfGroupMember: 'terraform:azuread_group_member',
  tfInvitation: 'terraform:azuread_invitation',
} as const;

/** The AVD objects of the control plane: host pools, application groups, their applications, workspaces, scaling plans. */
export const AVD_OBJECT_TYPES: ReadonlySet<string> = new Set([TYPES.hostPool, TYPES.appGroup, TYPES.application, TYPES.workspace, TYPES.scalingPlan]);

/** Principals: the rules on a grant judge who it names (a guest, a group of everyone) by all of the principal. */
export const PRINCIPAL_TYPES = [TYPES.entraUser, TYPES.entraGroup, TYPES.tfUser, TYPES.tfGroup, TYPES.tfGroupMember, TYPES.tfInvitation] as const;

/**
 * Resources other files' findings are judged by, read whole at check time (facts/network-path.ts, private-endpoints.ts,
 * profile-storage.ts, policy-assignments.ts, diagnostic-settings.ts, image-build.ts): the network path to session hosts,
 * private endpoints, profile storage, Azure Policy assignments, diagnostic settings, Defender plans and image builds, in ARM form and as Terraform keeps them unmapped. An edit of one republishes the others.
 */
export const FACT_TYPES = [
  ...PRINCIPAL_TYPES,
  ...[
    'privateEndpoints',
    'networkInterfaces',
    'virtualNetworks',
    'virtualNetworks/subnets',
    'networkSecurityGroups',
    'networkSecurityGroups/securityRules',
    'publicIPAddresses',
    'routeTables',
    'routeTables/routes',
    'natGateways',
  ].map((t) => `microsoft.network/${t.toLowerCase()}`),
  'microsoft.storage/storageaccounts',
  'microsoft.storage/storageaccounts/fileservices/shares',
  'microsoft.authorization/policyassignments',
  'microsoft.authorization/policysetdefinitions',
  'microsoft.compute/virtualmachinescalesets',
  // A scale set's extension resources say whether it registers session hosts, and with which pool (session-hosts.ts).
  'microsoft.compute/virtualmachinescalesets/extensions',
  'microsoft.insights/diagnosticsettings',
  'microsoft.security/pricings',
  'microsoft.virtualmachineimages/imagetemplates',
  'microsoft.compute/galleries/images',
  ...[
    'private_endpoint',
    'network_interface',
    'network_interface_security_group_association',
    'virtual_network',
    'subnet',
    'subnet_network_security_group_association',
    'subnet_route_table_association',
    'subnet_nat_gateway_association',
    'network_security_group',
    'network_security_rule',
    'public_ip',
    'route_table',
    'route',
    'nat_gateway',
    'storage_account',
    'storage_account_network_rules',
    'storage_share',
    'policy_assignment',
    'resource_group_policy_assignment',
    'subscription_policy_assignment',
    'management_group_policy_assignment',
    'resource_policy_assignment',
    'policy_set_definition',
    'management_group_policy_set_definition',
    'linux_virtual_machine_scale_set',
    'windows_virtual_machine_scale_set',
    'orchestrated_virtual_machine_scale_set',
    'virtual_machine_scale_set',
    'monitor_diagnostic_setting',
    'security_center_subscription_pricing',
    'shared_image',
    'shared_image_version',
  ].map((t) => `terraform:azurerm_${t}`),
] as const;

/** A path in a resource body; keys compare case-insensitively (DSC's `HostPoolName` is read as `hostPoolName`). */
export type Path = readonly string[];

/**
 * What links what: per resource type, each value the graph reads and the paths it is read at, in the order they are
 * tried. The graph reads resource bodies only through this table; the link facts, the link signature and the edit checks
 * of the incremental path (linksProperty) are derived from it. `any` applies to every resource.
 */
export const LINKS = {
  any: {
    /** Ids and names point at it: a role assignment's scope, a token's host pool, a child resource's `parent/child` name. */
    name: [['name']],
    resourceGroup: [['resourceGroupName']],
  },
  [TYPES.hostPool]: {
    /** Not a link: what other documents' findings read of a pool (pooled or personal). */
    poolType: [['properties', 'hostPoolType']],
  },
  [TYPES.appGroup]: {
    hostPool: [['properties', 'hostPoolArmPath']],
  },
  [TYPES.application]: {
    /** Bicep's `parent` and a nested ARM child; else the `appGroup/app` name says it. */
    appGroup: [['parent']],
  },
  [TYPES.workspace]: {
    /** The ids of the application groups the workspace publishes. */
    appGroups: [['properties', 'applicationGroupReferences']],
  },
  [TYPES.vm]: {
    /** The tag the Azure portal writes on the session hosts it deploys. */
    hostPool: [['tags', 'cm-resource-parent']],
    /** Not a link: the network path to a host starts at its NICs, which findings in other files are judged by. */
    networkInterfaces: [['properties', 'networkProfile']],
  },
  [TYPES.extension]: {
    parent: [['parent']],
    vm: [['properties', 'virtualMachineId']],
    /** DSC's registration: the token, or the pool's name. Terraform configurations pass the token in protected settings. */
    registrationToken: [
      ['properties', 'protectedSettings', 'Items', 'RegistrationInfoToken'],
      ['properties', 'protectedSettings', 'properties', 'registrationInfoToken'],
      ['properties', 'settings', 'properties', 'registrationInfoToken'],
    ],
    hostPool: [['properties', 'settings', 'properties', 'hostPoolName']],
    /** Which extension it is: the join type and the AVD agent (DSC) are told from these. */
    publisher: [['properties', 'publisher']],
    extensionType: [['properties', 'type']],
    aadJoin: [['properties', 'settings', 'properties', 'aadJoin']],
    dscFunction: [['properties', 'settings', 'configurationFunction']],
    dscModules: [['properties', 'settings', 'modulesUrl']],
    /** A script that registers the VM (Custom Script, DSC) may read the pool's registration token anywhere in its settings. */
    anyToken: [
      ['properties', 'settings'],
      ['properties', 'protectedSettings'],
    ],
  },
  [TYPES.runCommand]: {
    parent: [['parent']],
    /** A run command that registers the VM passes the token as one of its (protected) parameters or in its script. */
    anyToken: [
      ['properties', 'parameters'],
      ['properties', 'protectedParameters'],
      ['properties', 'source'],
    ],
  },
  [TYPES.roleAssignment]: {
    scope: [['scope']],
    roleDefinitionId: [['properties', 'roleDefinitionId']],
    roleDefinitionName: [['properties', 'roleDefinitionName']],
    principal: [['properties', 'principalId']],
  },
  [TYPES.roleDefinition]: {
    roleName: [['properties', 'roleName']],
  },
  [TYPES.secret]: {
    /** A registration token written to a vault is read back by `kv.getSecret(name)` or a Key Vault reference. */
    value: [['properties', 'value']],
    vault: [['parent'], ['properties', 'keyVaultId']],
  },
  [TYPES.caPolicy]: {
    /** Read whole: whether policies cover AVD is judged on all of it. */
    policy: [[]],
  },
  ...(Object.fromEntries(FACT_TYPES.map((t) => [t, { fact: [[]] }])) as Record<(typeof FACT_TYPES)[number], { fact: readonly Path[] }>),
} as const satisfies Record<string, Record<string, readonly Path[]>>;

type Table = typeof LINKS;
export type LinkedType = keyof Table;
export type LinkOf<T extends LinkedType> = keyof Table[T] & string;

/** Every path a link is read at, in the order they are tried (a link may also read all of them: `anyToken`). */
export function linkPathsOf<T extends LinkedType>(type: T, link: LinkOf<T>): readonly Path[] {
  return (LINKS[type] as Record<string, readonly Path[]>)[link];
}

/** The first value a resource (of `type`, or any resource) has for a link. */
export function linkValue<T extends LinkedType>(r: Resource, type: T, link: LinkOf<T>): Value | undefined {
  for (const p of linkPathsOf(type, link)) {
    const v = getPath(r.body, p);
    if (v) return v;
  }
  return undefined;
}

/**
 * Like linkValue, but also reads entries an unknown operand may have replaced (`union({ 'cm-resource-parent': id },
 * tags)`): for links that only say which pool a resource belongs to, never for values a rule judges.
 */
export function linkHint<T extends LinkedType>(r: Resource, type: T, link: LinkOf<T>): Value | undefined {
  const direct = linkValue(r, type, link);
  if (direct) return direct;
  for (const p of linkPathsOf(type, link)) {
    let cur: Value | undefined = r.body;
    for (const key of p) {
      if (cur?.kind !== 'object') break;
      cur = (entry(cur, key) ?? entry({ ...cur, entries: cur.overridable ?? [] }, key))?.value;
    }
    if (cur) return cur;
  }
  return undefined;
}

/** Every path the graph reads on a resource of a type (lower case), `any` included. */
export function linkPaths(type: string): Path[] {
  const out: Path[] = [];
  for (const t of ['any', type]) {
    const links: Record<string, readonly Path[]> | undefined = (LINKS as Record<string, Record<string, readonly Path[]>>)[t];
    for (const paths of Object.values(links ?? {})) out.push(...paths);
  }
  return out;
}

/**
 * Reads the values the graph links a document's resources by: building the graph then finds them evaluated. What a
 * host does ahead, one document at a time (Workspace.prepare), instead of all at once inside buildGraph.
 */
export function readLinkValues(resources: readonly Resource[]): void {
  for (const r of resources) for (const p of linkPaths(r.type.toLowerCase())) getPath(r.body, p);
}

const all = Object.values(LINKS as Record<string, Record<string, readonly Path[]>>).flatMap((links) => Object.values(links).flat());
/** Keys under `properties` the graph reads on some resource (lower case). */
const LINK_PROPERTIES: ReadonlySet<string> = new Set(all.filter((p) => p.length > 1 && p[0].toLowerCase() === 'properties').map((p) => p[1].toLowerCase()));
/** Types the graph reads all of `properties` of (or the whole body). */
const WHOLE: ReadonlySet<string> = new Set(
  Object.entries(LINKS as Record<string, Record<string, readonly Path[]>>)
    .filter(([, links]) => Object.values(links).some((paths) => paths.some((p) => p.length === 0 || (p.length === 1 && p[0].toLowerCase() === 'properties'))))
    .map(([type]) => type),
);

/**
 * Whether an edit inside `properties.<key>` of a resource of `type` may change how its document links to the rest:
 * conservatively, when the graph reads that key on a resource of any type.
 */
export function linksProperty(type: string, key: string): boolean {
  // Bicep writes the API version into the type.
  return WHOLE.has(type.split('@')[0].toLowerCase()) || WHOLE.has('any') || LINK_PROPERTIES.has(key.toLowerCase());
}
