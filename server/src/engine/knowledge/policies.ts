/**
 * Azure Policy built-in definitions that audit or enforce the same control as avdsec's network rules, and the built-in
 * initiatives that hold them. A definition is known by its GUID (the `name` its id ends with); display names change.
 * Read from the Azure/azure-policy repository (built-in-policies/policyDefinitions and policySetDefinitions, 2026-04).
 */
export interface PolicyInfo {
  guid: string;
  /** Display name, as the portal shows it. */
  name: string;
  /** The effect when the assignment does not set the `effect` parameter (or the fixed effect of a definition without one). */
  defaultEffect: string;
  /** The values the `effect` parameter allows; absent when the effect is fixed. */
  effects?: readonly string[];
}

/** A built-in initiative (policy set definition) and how it sets the effect of the policies of POLICIES it holds. */
export interface InitiativeInfo {
  guid: string;
  name: string;
  members: readonly InitiativeMember[];
}

export interface InitiativeMember {
  guid: string;
  /** The initiative parameter the member's effect is read from; absent when the member keeps its definition's default. */
  effectParameter?: string;
  /** The effect when the assignment does not set `effectParameter`. */
  defaultEffect: string;
}

const AUDIT_DENY = ['Audit', 'Deny', 'Disabled'] as const;
const MODIFY = ['Modify', 'Disabled'] as const;
const DINE = ['DeployIfNotExists', 'Disabled'] as const;
const AINE = ['AuditIfNotExists', 'Disabled'] as const;

export const POLICIES: readonly PolicyInfo[] = [
  // Desktop Virtualization
  {
    guid: 'c25dcf31-878f-4eba-98eb-0818fdc6a334',
    name: 'Azure Virtual Desktop hostpools should disable public network access',
    defaultEffect: 'Audit',
    effects: AUDIT_DENY,
  },
  {
    guid: 'a22065a3-3b04-46ff-b84c-2d30e5c300d0',
    name: 'Azure Virtual Desktop hostpools should disable public network access only on session hosts',
    defaultEffect: 'Audit',
    effects: AUDIT_DENY,
  },
  {
    guid: '2a0913ff-51e7-47b8-97bb-ea17127f7c8d',
    name: 'Configure Azure Virtual Desktop hostpools to disable public network access',
    defaultEffect: 'Modify',
    effects: MODIFY,
  },
  {
    guid: 'e84e8a9a-f43e-46e3-9458-bbcfb2d7e429',
    name: 'Configure Azure Virtual Desktop hostpools to disable public network access only for session hosts',
    defaultEffect: 'Modify',
    effects: MODIFY,
  },
  {
    guid: '87ac3038-c07a-4b92-860d-29e270a4f3cd',
    name: 'Azure Virtual Desktop workspaces should disable public network access',
    defaultEffect: 'Audit',
    effects: AUDIT_DENY,
  },
  {
    guid: 'ce6ebf1d-0b94-4df9-9257-d8cacc238b4f',
    name: 'Configure Azure Virtual Desktop workspaces to disable public network access',
    defaultEffect: 'Modify',
    effects: MODIFY,
  },
  {
    guid: 'ca950cd7-02f7-422e-8c23-91ff40f169c1',
    name: 'Azure Virtual Desktop service should use private link',
    defaultEffect: 'Audit',
    effects: ['Audit', 'Disabled'],
  },
  {
    guid: '7b331e6b-6096-4395-a754-758a64505f19',
    name: 'Configure Azure Virtual Desktop hostpools with private endpoints',
    defaultEffect: 'DeployIfNotExists',
    effects: DINE,
  },
  {
    guid: '02aa841c-42e8-492f-a43d-1f2c67e58d41',
    name: 'Configure Azure Virtual Desktop workspaces with private endpoints',
    defaultEffect: 'DeployIfNotExists',
    effects: DINE,
  },
  {
    guid: '9427df23-0f42-4e1e-bf99-a6133d841c4a',
    name: 'Configure Azure Virtual Desktop hostpool resources to use private DNS zones',
    defaultEffect: 'DeployIfNotExists',
    effects: DINE,
  },
  {
    guid: '34804460-d88b-4922-a7ca-537165e060ed',
    name: 'Configure Azure Virtual Desktop workspace resources to use private DNS zones',
    defaultEffect: 'DeployIfNotExists',
    effects: DINE,
  },
  // Network and Security Center (Defender for Cloud assessments)
  { guid: '83a86a26-fd1f-447c-b59d-e51f44264114', name: 'Network interfaces should not have public IPs', defaultEffect: 'Deny' },
  {
    guid: '22730e10-96f6-4aac-ad84-9383d35b5917',
    name: 'Management ports should be closed on your virtual machines',
    defaultEffect: 'AuditIfNotExists',
    effects: AINE,
  },
  {
    guid: 'b0f33259-77d7-4c9e-aac6-3aabcfae693c',
    name: 'Management ports of virtual machines should be protected with just-in-time network access control',
    defaultEffect: 'AuditIfNotExists',
    effects: AINE,
  },
  {
    guid: '9daedab3-fb2d-461e-b861-71790eead4f6',
    name: 'All network ports should be restricted on network security groups associated to your virtual machine',
    defaultEffect: 'AuditIfNotExists',
    effects: AINE,
  },
  {
    guid: 'f6de0be7-9a8a-4b8a-b349-43cf02d22f7c',
    name: 'Internet-facing virtual machines should be protected with network security groups',
    defaultEffect: 'AuditIfNotExists',
    effects: AINE,
  },
  {
    guid: 'fc5e4038-4584-4632-8c85-c0448d374b2c',
    name: '[Preview]: All Internet traffic should be routed via your deployed Azure Firewall',
    defaultEffect: 'AuditIfNotExists',
    effects: AINE,
  },
  // Storage
  { guid: 'b2982f36-99f2-4db5-8eff-283140c09693', name: 'Storage accounts should disable public network access', defaultEffect: 'Audit', effects: AUDIT_DENY },
  {
    guid: 'a06d0189-92e8-4dba-b0c4-08d7669fce7d',
    name: 'Configure storage accounts to disable public network access',
    defaultEffect: 'Modify',
    effects: MODIFY,
  },
  { guid: '34c877ad-507e-4c82-993e-3452a6e0ad3c', name: 'Storage accounts should restrict network access', defaultEffect: 'Audit', effects: AUDIT_DENY },
  {
    guid: '2a1a9cdf-e04d-429a-8416-3bfb72a1b26f',
    name: 'Storage accounts should restrict network access using virtual network rules',
    defaultEffect: 'Audit',
    effects: AUDIT_DENY,
  },
  { guid: '6edd7eda-6dd8-40f7-810d-67160c639cd9', name: 'Storage accounts should use private link', defaultEffect: 'AuditIfNotExists', effects: AINE },
  {
    guid: '9f766f00-8d11-464e-80e1-4091d7874074',
    name: 'Configure Storage account to use a private link connection',
    defaultEffect: 'DeployIfNotExists',
    effects: DINE,
  },
  {
    guid: '8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54',
    name: 'Storage accounts should prevent shared key access',
    defaultEffect: 'Audit',
    effects: AUDIT_DENY,
  },
  // Session host hardening and monitoring (issue 18)
  {
    guid: 'c95b54ad-0614-4633-ab29-104b01235cbf',
    name: 'Virtual Machine should have TrustedLaunch enabled',
    defaultEffect: 'Audit',
    effects: ['Audit', 'Disabled'],
  },
  {
    guid: 'b03bb370-5249-4ea4-9fce-2552e87e45fa',
    name: 'Disks and OS image should support TrustedLaunch',
    defaultEffect: 'Audit',
    effects: ['Audit', 'Disabled'],
  },
  {
    guid: '97566dd7-78ae-4997-8b36-1c7bfe0d8121',
    name: '[Preview]: Secure Boot should be enabled on supported Windows virtual machines',
    defaultEffect: 'Audit',
    effects: ['Audit', 'Disabled'],
  },
  {
    guid: '1c30f9cd-b84c-49cc-aa2c-9288447cc3b3',
    name: '[Preview]: vTPM should be enabled on supported virtual machines',
    defaultEffect: 'Audit',
    effects: ['Audit', 'Disabled'],
  },
  {
    guid: 'e494853f-93c3-4e44-9210-d12f61a64b34',
    name: '[Preview]: Configure supported virtual machines to automatically enable vTPM',
    defaultEffect: 'DeployIfNotExists',
    effects: DINE,
  },
  {
    guid: '1cb4d9c2-f88f-4069-bee0-dba239a57b09',
    name: '[Preview]: Guest Attestation extension should be installed on supported Windows virtual machines',
    defaultEffect: 'AuditIfNotExists',
    effects: AINE,
  },
  {
    guid: 'fc4d8e41-e223-45ea-9bf5-eada37891d87',
    name: 'Virtual machines and virtual machine scale sets should have encryption at host enabled',
    defaultEffect: 'Audit',
    effects: AUDIT_DENY,
  },
  { guid: '4da35fc9-c9e7-4960-aec9-797fe7d9051d', name: 'Azure Defender for servers should be enabled', defaultEffect: 'AuditIfNotExists', effects: AINE },
  {
    guid: '8e86a5b6-b9bd-49d1-8e21-4bb8a0862222',
    name: 'Configure Azure Defender for servers to be enabled',
    defaultEffect: 'DeployIfNotExists',
    effects: DINE,
  },
  {
    guid: '5f57b753-04b4-4e5e-aa31-c8888984497a',
    name: 'Configure Microsoft Defender for Servers plan (P1 OR P2)',
    defaultEffect: 'DeployIfNotExists',
    effects: DINE,
  },
  {
    guid: '9905ca54-1471-49c6-8291-7582c04cd4d4',
    name: 'Set prerequisite for Scheduling recurring updates on Azure virtual machines.',
    defaultEffect: 'DeployIfNotExists',
    effects: DINE,
  },
  {
    guid: 'ba0df93e-e4ac-479a-aac2-134bbae39a1a',
    name: 'Schedule recurring updates using Azure Update Manager',
    defaultEffect: 'DeployIfNotExists',
    effects: DINE,
  },
  {
    guid: 'f85bf3e0-d513-442e-89c3-1784ad63382b',
    name: 'System updates should be installed on your machines (powered by Update Center)',
    defaultEffect: 'AuditIfNotExists',
    effects: AINE,
  },
  {
    guid: 'a7c668bd-3327-474f-8fb5-8146e3e40e40',
    name: 'Enable logging by category group for Host pools (microsoft.desktopvirtualization/hostpools) to Log Analytics',
    defaultEffect: 'DeployIfNotExists',
    effects: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
  },
  {
    guid: '059e6dd0-544a-4c93-abad-b3ad77667339',
    name: 'Enable logging by category group for Host pools (microsoft.desktopvirtualization/hostpools) to Event Hub',
    defaultEffect: 'DeployIfNotExists',
    effects: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
  },
  {
    guid: 'f55ffc18-72c5-479c-a998-dc6806a6fa89',
    name: 'Enable logging by category group for Host pools (microsoft.desktopvirtualization/hostpools) to Storage',
    defaultEffect: 'DeployIfNotExists',
    effects: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
  },
  {
    guid: '867c08d5-bc47-404d-9a1b-0aec7a8d34eb',
    name: 'Enable logging by category group for Workspaces (microsoft.desktopvirtualization/workspaces) to Log Analytics',
    defaultEffect: 'DeployIfNotExists',
    effects: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
  },
  {
    guid: 'b4545446-0cac-4af5-b591-61544b66e802',
    name: 'Enable logging by category group for Workspaces (microsoft.desktopvirtualization/workspaces) to Event Hub',
    defaultEffect: 'DeployIfNotExists',
    effects: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
  },
  {
    guid: 'e6acdfc4-25e3-4b36-9b0c-5c5743edd1b7',
    name: 'Enable logging by category group for Workspaces (microsoft.desktopvirtualization/workspaces) to Storage',
    defaultEffect: 'DeployIfNotExists',
    effects: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
  },
  {
    guid: '99b3bfad-aef0-476d-ae98-40861f8eae22',
    name: 'Enable logging by category group for Application groups (microsoft.desktopvirtualization/applicationgroups) to Log Analytics',
    defaultEffect: 'DeployIfNotExists',
    effects: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
  },
  {
    guid: '3372b9c2-d179-4190-9f0c-e6f6304d0e93',
    name: 'Enable logging by category group for Application groups (microsoft.desktopvirtualization/applicationgroups) to Event Hub',
    defaultEffect: 'DeployIfNotExists',
    effects: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
  },
  {
    guid: '6af023b1-4841-4b54-8f3d-69caa4e558cb',
    name: 'Enable logging by category group for Application groups (microsoft.desktopvirtualization/applicationgroups) to Storage',
    defaultEffect: 'DeployIfNotExists',
    effects: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
  },
];

/** The policies of each network rule, the most direct first. */
const BY_RULE: Readonly<Record<string, readonly string[]>> = {
  'host-pool-public-network': [
    'c25dcf31-878f-4eba-98eb-0818fdc6a334',
    'a22065a3-3b04-46ff-b84c-2d30e5c300d0',
    '2a0913ff-51e7-47b8-97bb-ea17127f7c8d',
    'e84e8a9a-f43e-46e3-9458-bbcfb2d7e429',
  ],
  'workspace-public-network': ['87ac3038-c07a-4b92-860d-29e270a4f3cd', 'ce6ebf1d-0b94-4df9-9257-d8cacc238b4f'],
  'private-access-without-endpoint': [
    'ca950cd7-02f7-422e-8c23-91ff40f169c1',
    '7b331e6b-6096-4395-a754-758a64505f19',
    '02aa841c-42e8-492f-a43d-1f2c67e58d41',
    '9427df23-0f42-4e1e-bf99-a6133d841c4a',
    '34804460-d88b-4922-a7ca-537165e060ed',
  ],
  // No built-in policy governs the host pool's RDP Shortpath transports.
  'shortpath-public-udp': [],
  'inbound-rdp-from-internet': [
    '22730e10-96f6-4aac-ad84-9383d35b5917',
    'b0f33259-77d7-4c9e-aac6-3aabcfae693c',
    '9daedab3-fb2d-461e-b861-71790eead4f6',
    'f6de0be7-9a8a-4b8a-b349-43cf02d22f7c',
  ],
  'session-host-public-ip': ['83a86a26-fd1f-447c-b59d-e51f44264114'],
  'profile-storage-public': [
    'b2982f36-99f2-4db5-8eff-283140c09693',
    'a06d0189-92e8-4dba-b0c4-08d7669fce7d',
    '34c877ad-507e-4c82-993e-3452a6e0ad3c',
    '2a1a9cdf-e04d-429a-8416-3bfb72a1b26f',
    '6edd7eda-6dd8-40f7-810d-67160c639cd9',
    '9f766f00-8d11-464e-80e1-4091d7874074',
  ],
  'profile-storage-shared-key': ['8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54'],
  'session-host-unrestricted-egress': ['fc5e4038-4584-4632-8c85-c0448d374b2c'],
  'session-host-not-trusted-launch': ['c95b54ad-0614-4633-ab29-104b01235cbf', 'b03bb370-5249-4ea4-9fce-2552e87e45fa'],
  'trusted-launch-incomplete': [
    '97566dd7-78ae-4997-8b36-1c7bfe0d8121',
    '1c30f9cd-b84c-49cc-aa2c-9288447cc3b3',
    'e494853f-93c3-4e44-9210-d12f61a64b34',
    '1cb4d9c2-f88f-4069-bee0-dba239a57b09',
  ],
  'encryption-at-host-disabled': ['fc4d8e41-e223-45ea-9bf5-eada37891d87'],
  'defender-for-servers-missing': ['4da35fc9-c9e7-4960-aec9-797fe7d9051d', '8e86a5b6-b9bd-49d1-8e21-4bb8a0862222', '5f57b753-04b4-4e5e-aa31-c8888984497a'],
  'automatic-patching-disabled': ['9905ca54-1471-49c6-8291-7582c04cd4d4', 'ba0df93e-e4ac-479a-aac2-134bbae39a1a', 'f85bf3e0-d513-442e-89c3-1784ad63382b'],
  'host-pool-diagnostics-missing': ['a7c668bd-3327-474f-8fb5-8146e3e40e40', '059e6dd0-544a-4c93-abad-b3ad77667339', 'f55ffc18-72c5-479c-a998-dc6806a6fa89'],
  'workspace-diagnostics-missing': [
    '867c08d5-bc47-404d-9a1b-0aec7a8d34eb',
    'b4545446-0cac-4af5-b591-61544b66e802',
    'e6acdfc4-25e3-4b36-9b0c-5c5743edd1b7',
    '99b3bfad-aef0-476d-ae98-40861f8eae22',
    '3372b9c2-d179-4190-9f0c-e6f6304d0e93',
    '6af023b1-4841-4b54-8f3d-69caa4e558cb',
  ],
};

export const INITIATIVES: readonly InitiativeInfo[] = [
  {
    guid: '1f3afdf9-d0c9-4c3d-847f-89da613e70a8',
    name: 'Microsoft cloud security benchmark',
    members: [
      {
        guid: '34c877ad-507e-4c82-993e-3452a6e0ad3c',
        effectParameter: 'disableUnrestrictedNetworkToStorageAccountMonitoringEffect',
        defaultEffect: 'Disabled',
      },
      {
        guid: '2a1a9cdf-e04d-429a-8416-3bfb72a1b26f',
        effectParameter: 'storageAccountsShouldRestrictNetworkAccessUsingVirtualNetworkRulesMonitoringEffect',
        defaultEffect: 'Audit',
      },
      {
        guid: '6edd7eda-6dd8-40f7-810d-67160c639cd9',
        effectParameter: 'storageAccountShouldUseAPrivateLinkConnectionMonitoringEffect',
        defaultEffect: 'AuditIfNotExists',
      },
      { guid: '22730e10-96f6-4aac-ad84-9383d35b5917', effectParameter: 'restrictAccessToManagementPortsMonitoringEffect', defaultEffect: 'AuditIfNotExists' },
      { guid: 'b0f33259-77d7-4c9e-aac6-3aabcfae693c', effectParameter: 'jitNetworkAccessMonitoringEffect', defaultEffect: 'AuditIfNotExists' },
      { guid: '9daedab3-fb2d-461e-b861-71790eead4f6', effectParameter: 'nextGenerationFirewallMonitoringEffect', defaultEffect: 'AuditIfNotExists' },
      {
        guid: 'f6de0be7-9a8a-4b8a-b349-43cf02d22f7c',
        effectParameter: 'networkSecurityGroupsOnVirtualMachinesMonitoringEffect',
        defaultEffect: 'AuditIfNotExists',
      },
      { guid: 'fc5e4038-4584-4632-8c85-c0448d374b2c', effectParameter: 'AzureFirewallEffect', defaultEffect: 'AuditIfNotExists' },
    ],
  },
  {
    guid: 'e3ec7e09-768c-4b64-882c-fcada3772047',
    name: '[Preview]: Microsoft cloud security benchmark v2',
    members: [
      { guid: 'c25dcf31-878f-4eba-98eb-0818fdc6a334', defaultEffect: 'Audit' },
      { guid: 'a22065a3-3b04-46ff-b84c-2d30e5c300d0', defaultEffect: 'Audit' },
      { guid: '87ac3038-c07a-4b92-860d-29e270a4f3cd', defaultEffect: 'Audit' },
      { guid: 'ca950cd7-02f7-422e-8c23-91ff40f169c1', defaultEffect: 'Audit' },
      { guid: 'b2982f36-99f2-4db5-8eff-283140c09693', defaultEffect: 'Audit' },
      {
        guid: '34c877ad-507e-4c82-993e-3452a6e0ad3c',
        effectParameter: 'disableUnrestrictedNetworkToStorageAccountMonitoringEffect',
        defaultEffect: 'Disabled',
      },
      { guid: '2a1a9cdf-e04d-429a-8416-3bfb72a1b26f', defaultEffect: 'Audit' },
      { guid: '6edd7eda-6dd8-40f7-810d-67160c639cd9', defaultEffect: 'AuditIfNotExists' },
      { guid: '22730e10-96f6-4aac-ad84-9383d35b5917', defaultEffect: 'AuditIfNotExists' },
      { guid: 'b0f33259-77d7-4c9e-aac6-3aabcfae693c', defaultEffect: 'AuditIfNotExists' },
      { guid: '9daedab3-fb2d-461e-b861-71790eead4f6', defaultEffect: 'AuditIfNotExists' },
      { guid: 'f6de0be7-9a8a-4b8a-b349-43cf02d22f7c', defaultEffect: 'AuditIfNotExists' },
      { guid: 'fc5e4038-4584-4632-8c85-c0448d374b2c', defaultEffect: 'AuditIfNotExists' },
    ],
  },
];

const BY_GUID = new Map(POLICIES.map((p) => [p.guid, p]));
const BY_NAME = new Map(POLICIES.map((p) => [p.name.toLowerCase(), p]));
const INITIATIVE_BY_GUID = new Map(INITIATIVES.map((i) => [i.guid, i]));
const INITIATIVE_BY_NAME = new Map(INITIATIVES.map((i) => [i.name.toLowerCase(), i]));

/** The built-in policies that audit or enforce what a rule checks (empty for a rule without any). */
export function policiesOf(ruleId: string): readonly PolicyInfo[] {
  return (BY_RULE[ruleId] ?? []).map((g) => BY_GUID.get(g)!);
}

/** The definition id of a built-in policy, as assignments write it. */
export function policyDefinitionId(guid: string): string {
  return `/providers/Microsoft.Authorization/policyDefinitions/${guid}`;
}

export function policyByGuid(guid: string): PolicyInfo | undefined {
  return BY_GUID.get(guid.toLowerCase());
}

/** Terraform's `data "azurerm_policy_definition"` finds a built-in by its display name; compared ignoring case. */
export function policyByName(name: string): PolicyInfo | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}

export function initiativeByGuid(guid: string): InitiativeInfo | undefined {
  return INITIATIVE_BY_GUID.get(guid.toLowerCase());
}

export function initiativeByName(name: string): InitiativeInfo | undefined {
  return INITIATIVE_BY_NAME.get(name.trim().toLowerCase());
}
