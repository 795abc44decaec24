/**
 * Generated inputs shaped like real AVD infrastructure code (deterministic: the same text on every run, so that results
 * compare between commits). Each generator returns files as relative path -> text.
 */

export type Files = Map<string, string>;

const RDP_BASE = [
  'audiomode:i:0',
  'audiocapturemode:i:1',
  'camerastoredirect:s:*',
  'redirectclipboard:i:0',
  'redirectprinters:i:1',
  'redirectsmartcards:i:1',
  'screen mode id:i:2',
  'use multimon:i:1',
  'enablerdsaadauth:i:1',
  'devicestoredirect:s:',
  'usbdevicestoredirect:s:',
  'drivestoredirect:s:*',
];

/** An RDP property string; `i` varies it. Ends with `drivestoredirect:s:*`, which a rule flags (the keystroke benches' sentinel). */
export function rdpString(i: number): string {
  const tokens = [...RDP_BASE];
  if (i % 3 === 1) tokens[3] = 'redirectclipboard:i:1';
  if (i % 4 === 2) tokens[8] = 'enablerdsaadauth:i:0';
  if (i % 5 === 3) tokens.splice(9, 1, 'devicestoredirect:s:*');
  return tokens.join(';');
}

const GUID_USER = '1d18fff3-a72a-46b5-b4a9-0b38a3cd7e63';
const GUID_VM_USER_LOGIN = 'fb879df8-f326-4884-b1cf-06f3ad86be52';
const GUID_VM_ADMIN_LOGIN = '1c0163c0-47e6-4577-8991-ea5c82e286e4';
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const PARAMS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';
const GENERATOR = { _generator: { name: 'bicep', version: '0.30.23.60470', templateHash: '13817180123956422931' } };

/** Pads `n` to two digits. */
const two = (n: number) => String(n).padStart(2, '0');

// ---------------------------------------------------------------------------------------------------------------
// ARM JSON: compiled Bicep, with nested deployments (inline module templates), classic or languageVersion 2.0.
// ---------------------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** Resources of a session host module (what `module sessionHosts 'session-hosts.bicep'` compiles to). */
function sessionHostResources(v2: boolean): Record<string, Json> {
  const loop = (name: string) => ({ name, count: "[length(range(0, parameters('count')))]" });
  const vmName = "format('{0}-{1}', parameters('vmPrefix'), range(0, parameters('count'))[copyIndex()])";
  return {
    nics: {
      copy: loop('nics'),
      type: 'Microsoft.Network/networkInterfaces',
      apiVersion: '2024-01-01',
      name: `[format('{0}-nic', ${vmName})]`,
      location: "[parameters('location')]",
      tags: "[parameters('tags')]",
      properties: {
        ipConfigurations: [{ name: 'ipconfig1', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: "[parameters('subnetId')]" } } }],
        enableAcceleratedNetworking: true,
      },
    },
    vms: {
      copy: loop('vms'),
      type: 'Microsoft.Compute/virtualMachines',
      apiVersion: '2024-03-01',
      name: `[${vmName}]`,
      location: "[parameters('location')]",
      tags: "[parameters('tags')]",
      identity: { type: 'SystemAssigned' },
      properties: {
        hardwareProfile: { vmSize: "[parameters('vmSize')]" },
        licenseType: 'Windows_Client',
        osProfile: {
          computerName: `[${vmName}]`,
          adminUsername: "[parameters('adminUsername')]",
          adminPassword: "[parameters('adminPassword')]",
          windowsConfiguration: { enableAutomaticUpdates: true, patchSettings: { patchMode: 'AutomaticByOS' } },
        },
        securityProfile: { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true }, encryptionAtHost: true },
        storageProfile: {
          imageReference: { publisher: 'MicrosoftWindowsDesktop', offer: 'office-365', sku: 'win11-24h2-avd-m365', version: 'latest' },
          osDisk: { createOption: 'FromImage', caching: 'ReadWrite', deleteOption: 'Delete', managedDisk: { storageAccountType: 'Premium_LRS' } },
        },
        networkProfile: {
          networkInterfaces: [
            { id: `[resourceId('Microsoft.Network/networkInterfaces', format('{0}-nic', ${vmName}))]`, properties: { deleteOption: 'Delete' } },
          ],
        },
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
      },
      dependsOn: v2 ? ['nics'] : [`[resourceId('Microsoft.Network/networkInterfaces', format('{0}-nic', ${vmName}))]`],
    },
    entraJoin: {
      copy: loop('entraJoin'),
      type: 'Microsoft.Compute/virtualMachines/extensions',
      apiVersion: '2024-03-01',
      name: `[format('{0}/{1}', ${vmName}, 'AADLoginForWindows')]`,
      location: "[parameters('location')]",
      properties: {
        publisher: 'Microsoft.Azure.ActiveDirectory',
        type: 'AADLoginForWindows',
        typeHandlerVersion: '2.0',
        autoUpgradeMinorVersion: true,
        settings: { mdmId: '0000000a-0000-0000-c000-000000000000' },
      },
      dependsOn: v2 ? ['vms'] : [`[resourceId('Microsoft.Compute/virtualMachines', ${vmName})]`],
    },
    avdAgent: {
      copy: loop('avdAgent'),
      type: 'Microsoft.Compute/virtualMachines/extensions',
      apiVersion: '2024-03-01',
      name: `[format('{0}/{1}', ${vmName}, 'Microsoft.PowerShell.DSC')]`,
      location: "[parameters('location')]",
      properties: {
        publisher: 'Microsoft.Powershell',
        type: 'DSC',
        typeHandlerVersion: '2.83',
        autoUpgradeMinorVersion: true,
        settings: {
          modulesUrl: 'https://wvdportalstorageblob.blob.core.windows.net/galleryartifacts/Configuration_1.0.02790.438.zip',
          configurationFunction: 'Configuration.ps1\\AddSessionHost',
          properties: {
            hostPoolName: "[parameters('hostPoolName')]",
            aadJoin: true,
            UseAgentDownloadEndpoint: true,
            registrationInfoTokenCredential: { UserName: 'PLACEHOLDER_DO_NOT_USE', Password: 'PrivateSettingsRef:RegistrationInfoToken' },
          },
        },
        protectedSettings: { Items: { RegistrationInfoToken: "[parameters('registrationToken')]" } },
      },
      dependsOn: v2 ? ['entraJoin'] : [`[resourceId('Microsoft.Compute/virtualMachines/extensions', ${vmName}, 'AADLoginForWindows')]`],
    },
  };
}

function asResources(v2: boolean, byName: Record<string, Json>): unknown {
  if (v2) return byName;
  // Classic templates: an array; dependsOn on a symbolic name becomes a resourceId (already written so above).
  return Object.values(byName);
}

function sessionHostTemplate(v2: boolean): Json {
  const p = (type: string, extra: Json = {}) => ({ type, ...extra });
  return {
    $schema: SCHEMA,
    ...(v2 ? { languageVersion: '2.0' } : {}),
    contentVersion: '1.0.0.0',
    metadata: GENERATOR,
    parameters: {
      hostPoolName: p('string'),
      location: p('string'),
      count: p('int', { minValue: 0, maxValue: 500 }),
      vmPrefix: p('string', { maxLength: 11 }),
      vmSize: p('string', { defaultValue: 'Standard_D4s_v5' }),
      subnetId: p('string'),
      adminUsername: p('string'),
      adminPassword: p('securestring'),
      registrationToken: p('securestring'),
      tags: p('object', { defaultValue: {} }),
    },
    resources: asResources(v2, sessionHostResources(v2)),
    outputs: {
      vmNames: {
        type: 'array',
        copy: {
          count: "[length(range(0, parameters('count')))]",
          input: "[format('{0}-{1}', parameters('vmPrefix'), range(0, parameters('count'))[copyIndex()])]",
        },
      },
    },
  };
}

/** One host pool module (compiled): host pool, app groups, workspace, role assignments, diagnostics, and a nested session host deployment. */
function poolTemplate(i: number, v2: boolean): Json {
  const hp = "[resourceId('Microsoft.DesktopVirtualization/hostPools', parameters('hostPoolName'))]";
  const dag = "[resourceId('Microsoft.DesktopVirtualization/applicationGroups', format('{0}-dag', parameters('hostPoolName')))]";
  const resources: Record<string, Json> = {
    hostPool: {
      type: 'Microsoft.DesktopVirtualization/hostPools',
      apiVersion: '2024-04-03',
      name: "[parameters('hostPoolName')]",
      location: "[parameters('location')]",
      tags: "[parameters('tags')]",
      properties: {
        hostPoolType: "[parameters('hostPoolType')]",
        loadBalancerType: "[if(equals(parameters('hostPoolType'), 'Pooled'), 'BreadthFirst', 'Persistent')]",
        personalDesktopAssignmentType: "[if(equals(parameters('hostPoolType'), 'Personal'), 'Automatic', null())]",
        maxSessionLimit: 12 + (i % 8),
        preferredAppGroupType: 'Desktop',
        startVMOnConnect: true,
        validationEnvironment: false,
        customRdpProperty: rdpString(i),
        publicNetworkAccess: 'EnabledForClientsOnly',
        registrationInfo: { expirationTime: "[dateTimeAdd(parameters('baseTime'), 'PT8H')]", registrationTokenOperation: 'Update' },
        agentUpdate: { type: 'Scheduled', useSessionHostLocalTime: true, maintenanceWindows: [{ dayOfWeek: 'Saturday', hour: 2 }] },
      },
    },
    desktopAppGroup: {
      type: 'Microsoft.DesktopVirtualization/applicationGroups',
      apiVersion: '2024-04-03',
      name: "[format('{0}-dag', parameters('hostPoolName'))]",
      location: "[parameters('location')]",
      properties: { applicationGroupType: 'Desktop', hostPoolArmPath: hp, friendlyName: `Desktop ${i}` },
      dependsOn: v2 ? ['hostPool'] : [hp],
    },
    remoteAppGroup: {
      type: 'Microsoft.DesktopVirtualization/applicationGroups',
      apiVersion: '2024-04-03',
      name: "[format('{0}-rag', parameters('hostPoolName'))]",
      location: "[parameters('location')]",
      properties: { applicationGroupType: 'RemoteApp', hostPoolArmPath: hp, friendlyName: `Apps ${i}` },
      dependsOn: v2 ? ['hostPool'] : [hp],
    },
    workspace: {
      type: 'Microsoft.DesktopVirtualization/workspaces',
      apiVersion: '2024-04-03',
      name: "[format('ws-{0}', parameters('hostPoolName'))]",
      location: "[parameters('location')]",
      properties: {
        applicationGroupReferences: [dag, "[resourceId('Microsoft.DesktopVirtualization/applicationGroups', format('{0}-rag', parameters('hostPoolName')))]"],
        publicNetworkAccess: 'Enabled',
      },
      dependsOn: v2 ? ['desktopAppGroup', 'remoteAppGroup'] : [dag],
    },
    diagnostics: {
      type: 'Microsoft.Insights/diagnosticSettings',
      apiVersion: '2021-05-01-preview',
      scope: `[format('Microsoft.DesktopVirtualization/hostPools/{0}', parameters('hostPoolName'))]`,
      name: 'diag',
      properties: { workspaceId: "[parameters('logAnalyticsWorkspaceId')]", logs: [{ categoryGroup: 'allLogs', enabled: true }] },
      dependsOn: v2 ? ['hostPool'] : [hp],
    },
    desktopUsers: {
      copy: { name: 'desktopUsers', count: "[length(parameters('userGroupIds'))]" },
      type: 'Microsoft.Authorization/roleAssignments',
      apiVersion: '2022-04-01',
      scope: `[format('Microsoft.DesktopVirtualization/applicationGroups/{0}', format('{0}-dag', parameters('hostPoolName')))]`,
      name: `[guid(${dag.slice(1, -1)}, parameters('userGroupIds')[copyIndex()], '${GUID_USER}')]`,
      properties: {
        roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${GUID_USER}')]`,
        principalId: "[parameters('userGroupIds')[copyIndex()]]",
        principalType: 'Group',
      },
      dependsOn: v2 ? ['desktopAppGroup'] : [dag],
    },
    vmLogin: {
      copy: { name: 'vmLogin', count: "[length(parameters('userGroupIds'))]" },
      type: 'Microsoft.Authorization/roleAssignments',
      apiVersion: '2022-04-01',
      name: `[guid(resourceGroup().id, parameters('userGroupIds')[copyIndex()], '${i % 9 === 4 ? GUID_VM_ADMIN_LOGIN : GUID_VM_USER_LOGIN}')]`,
      properties: {
        roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${i % 9 === 4 ? GUID_VM_ADMIN_LOGIN : GUID_VM_USER_LOGIN}')]`,
        principalId: "[parameters('userGroupIds')[copyIndex()]]",
        principalType: 'Group',
      },
    },
    sessionHosts: {
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: "[format('sessionHosts-{0}', parameters('hostPoolName'))]",
      properties: {
        expressionEvaluationOptions: { scope: 'inner' },
        mode: 'Incremental',
        parameters: {
          hostPoolName: { value: "[parameters('hostPoolName')]" },
          location: { value: "[parameters('location')]" },
          count: { value: "[parameters('sessionHostCount')]" },
          vmPrefix: { value: `[take(format('avd${i}{0}', uniqueString(resourceGroup().id)), 11)]` },
          subnetId: { value: "[parameters('subnetId')]" },
          adminUsername: { value: "[parameters('adminUsername')]" },
          adminPassword: { value: "[parameters('adminPassword')]" },
          registrationToken: {
            value: v2 ? "[reference('hostPool').registrationInfo.token]" : `[reference(${hp.slice(1, -1)}, '2024-04-03').registrationInfo.token]`,
          },
          tags: { value: "[parameters('tags')]" },
        },
        template: sessionHostTemplate(v2),
      },
      dependsOn: v2 ? ['hostPool'] : [hp],
    },
  };
  return {
    $schema: SCHEMA,
    ...(v2 ? { languageVersion: '2.0' } : {}),
    contentVersion: '1.0.0.0',
    metadata: GENERATOR,
    parameters: {
      hostPoolName: { type: 'string', metadata: { description: 'Name of the host pool.' } },
      hostPoolType: { type: 'string', defaultValue: 'Pooled', allowedValues: ['Pooled', 'Personal'] },
      location: { type: 'string' },
      sessionHostCount: { type: 'int', defaultValue: 2 + (i % 5) },
      subnetId: { type: 'string' },
      adminUsername: { type: 'string' },
      adminPassword: { type: 'securestring' },
      userGroupIds: { type: 'array' },
      logAnalyticsWorkspaceId: { type: 'string' },
      baseTime: { type: 'string', defaultValue: "[utcNow('u')]" },
      tags: { type: 'object', defaultValue: {} },
    },
    resources: asResources(v2, resources),
    outputs: { hostPoolId: { type: 'string', value: hp } },
  };
}

function poolDeployment(i: number, v2: boolean): Json {
  return {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name: `[format('pool-{0}', '${i}')]`,
    properties: {
      expressionEvaluationOptions: { scope: 'inner' },
      mode: 'Incremental',
      parameters: {
        hostPoolName: { value: `[format('{0}-${two(i % 100)}-${i}', parameters('hostPoolPrefix'))]` },
        hostPoolType: { value: i % 6 === 5 ? 'Personal' : "[parameters('hostPoolType')]" },
        location: { value: "[parameters('location')]" },
        sessionHostCount: { value: 2 + (i % 4) },
        subnetId: { value: "[parameters('subnetId')]" },
        adminUsername: { value: "[parameters('adminUsername')]" },
        adminPassword: { value: "[parameters('adminPassword')]" },
        userGroupIds: { value: "[parameters('userGroupIds')]" },
        logAnalyticsWorkspaceId: { value: "[parameters('logAnalyticsWorkspaceId')]" },
        tags: { value: "[union(variables('commonTags'), createObject('pool', '" + i + "'))]" },
      },
      template: poolTemplate(i, v2),
    },
  };
}

function armTop(v2: boolean, pools: number): Json {
  const resources: Record<string, Json> = {};
  for (let i = 0; i < pools; i++) resources[`pool${i}`] = poolDeployment(i, v2);
  return {
    $schema: SCHEMA,
    ...(v2 ? { languageVersion: '2.0' } : {}),
    contentVersion: '1.0.0.0',
    metadata: { ...GENERATOR, description: 'AVD landing zone: host pools, application groups, workspaces and session hosts.' },
    parameters: {
      location: { type: 'string', defaultValue: '[resourceGroup().location]' },
      hostPoolPrefix: { type: 'string', defaultValue: 'hp-avd', metadata: { description: 'Prefix of every host pool name.' } },
      hostPoolType: { type: 'string', defaultValue: 'Pooled', allowedValues: ['Pooled', 'Personal'] },
      subnetId: { type: 'string' },
      adminUsername: { type: 'string', defaultValue: 'avdadmin' },
      adminPassword: { type: 'securestring' },
      userGroupIds: { type: 'array', defaultValue: ['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002'] },
      logAnalyticsWorkspaceId: { type: 'string' },
    },
    variables: { commonTags: { environment: 'prod', workload: 'avd', costCenter: '4711' } },
    resources: asResources(v2, resources),
  };
}

/** A compiled-Bicep ARM template of about `bytes` characters: `pools` nested host pool deployments, each nesting a session host deployment. */
export function armTemplate(bytes: number, v2: boolean): string {
  const size = (n: number) => JSON.stringify(armTop(v2, n), null, 2).length;
  const one = size(1);
  const per = size(2) - one;
  const pools = Math.max(1, Math.round((bytes - one) / per) + 1);
  return JSON.stringify(armTop(v2, pools), null, 2) + '\n';
}

export function armParameters(i: number): string {
  return (
    JSON.stringify(
      {
        $schema: PARAMS_SCHEMA,
        contentVersion: '1.0.0.0',
        parameters: {
          hostPoolPrefix: { value: `hp-team${i}` },
          subnetId: {
            value: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-avd/subnets/snet-${i}`,
          },
          adminPassword: {
            reference: {
              keyVault: { id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-avd' },
              secretName: 'admin',
            },
          },
          logAnalyticsWorkspaceId: {
            value: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/law-avd',
          },
        },
      },
      null,
      2,
    ) + '\n'
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Bicep: a host pool file with decorators, types, variables, loops, conditions, modules and RDP strings.
// ---------------------------------------------------------------------------------------------------------------

const BICEP_HEADER = `metadata description = 'AVD host pools of the landing zone: pools, application groups, workspaces, session hosts.'
targetScope = 'resourceGroup'

@description('Location of every resource.')
param location string = resourceGroup().location

@description('Resource id of the subnet the session hosts join.')
param subnetId string

@description('Local administrator of the session hosts.')
param adminUsername string = 'avdadmin'

@description('Entra groups allowed on the desktops.')
param userGroupIds array = []

@description('Log Analytics workspace for the diagnostics of every host pool.')
param logAnalyticsWorkspaceId string

@description('Start of the registration token lifetime; leave the default.')
param baseTime string = utcNow('u')

type poolKind = 'Pooled' | 'Personal'

type appGroupSpec = {
  @description('Suffix of the application group name.')
  name: string
  type: 'Desktop' | 'RemoteApp'
  friendlyName: string?
}

var desktopVirtualizationUserRoleId = '${GUID_USER}'
var virtualMachineUserLoginRoleId = '${GUID_VM_USER_LOGIN}'
var virtualMachineAdministratorLoginRoleId = '${GUID_VM_ADMIN_LOGIN}'
var commonTags = {
  environment: 'prod'
  workload: 'avd'
  costCenter: '4711'
}
`;

function bicepPool(i: number): string {
  const p = `pool${i}`;
  const admin = i % 9 === 4;
  const loopModule = i % 3 === 0;
  return `
// ---------------------------------------------------------------------------------------------------------------
// Host pool ${i}
// ---------------------------------------------------------------------------------------------------------------

@description('Name of host pool ${i}.')
@minLength(3)
@maxLength(64)
param ${p}Name string = 'hp-\${uniqueString(resourceGroup().id)}-${i}'

@description('Kind of host pool ${i}.')
@allowed([
  'Pooled'
  'Personal'
])
param ${p}Type string = '${i % 6 === 5 ? 'Personal' : 'Pooled'}'

@minValue(0)
@maxValue(500)
param ${p}SessionHostCount int = ${2 + (i % 5)}

@secure()
param ${p}AdminPassword string

param ${p}Tags object = {
  pool: '${i}'
  owner: 'euc-team-${i % 7}'
}

var ${p}AppGroups appGroupSpec[] = [
  {
    name: 'dag'
    type: 'Desktop'
    friendlyName: 'Desktop ${i}'
  }
  {
    name: 'rag'
    type: 'RemoteApp'
  }
]
var ${p}VmPrefix = take('avd${i}\${uniqueString(resourceGroup().id, ${p}Name)}', 11)
var ${p}Kind poolKind = ${p}Type == 'Personal' ? 'Personal' : 'Pooled'

resource ${p} 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: ${p}Name
  location: location
  tags: union(commonTags, ${p}Tags)
  properties: {
    hostPoolType: ${p}Kind
    loadBalancerType: ${p}Type == 'Pooled' ? 'BreadthFirst' : 'Persistent'
    personalDesktopAssignmentType: ${p}Type == 'Personal' ? 'Automatic' : null
    maxSessionLimit: ${12 + (i % 8)}
    preferredAppGroupType: 'Desktop'
    startVMOnConnect: true
    validationEnvironment: false
    customRdpProperty: '${rdpString(i)}'
    publicNetworkAccess: 'EnabledForClientsOnly'
    registrationInfo: {
      expirationTime: dateTimeAdd(baseTime, 'PT8H')
      registrationTokenOperation: 'Update'
    }
    agentUpdate: {
      type: 'Scheduled'
      useSessionHostLocalTime: true
      maintenanceWindows: [
        {
          dayOfWeek: 'Saturday'
          hour: ${i % 6}
        }
      ]
    }
  }
}

resource ${p}AppGroup 'Microsoft.DesktopVirtualization/applicationGroups@2024-04-03' = [for ag in ${p}AppGroups: {
  name: '\${${p}Name}-\${ag.name}'
  location: location
  tags: commonTags
  properties: {
    applicationGroupType: ag.type
    hostPoolArmPath: ${p}.id
    friendlyName: ag.?friendlyName ?? '\${ag.name} ${i}'
  }
}]

resource ${p}Workspace 'Microsoft.DesktopVirtualization/workspaces@2024-04-03' = {
  name: 'ws-\${${p}Name}'
  location: location
  properties: {
    applicationGroupReferences: [for (ag, idx) in ${p}AppGroups: ${p}AppGroup[idx].id]
  }
}

resource ${p}Diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag'
  scope: ${p}
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

resource ${p}DesktopUsers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (groupId, idx) in userGroupIds: if (!empty(groupId)) {
  name: guid(${p}AppGroup[0].id, groupId, desktopVirtualizationUserRoleId)
  scope: ${p}AppGroup[0]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', desktopVirtualizationUserRoleId)
    principalId: groupId
    principalType: 'Group'
  }
}]

resource ${p}Login 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for groupId in userGroupIds: {
  name: guid(resourceGroup().id, groupId, ${admin ? 'virtualMachineAdministratorLoginRoleId' : 'virtualMachineUserLoginRoleId'}, '${i}')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ${admin ? 'virtualMachineAdministratorLoginRoleId' : 'virtualMachineUserLoginRoleId'})
    principalId: groupId
    principalType: 'Group'
  }
}]

${
  loopModule
    ? `module ${p}Hosts 'modules/session-hosts.bicep' = [for batch in range(0, 2): if (${p}SessionHostCount > 0) {
  name: 'hosts-\${${p}Name}-\${batch}'
  params: {
    hostPoolName: ${p}.name
    location: location
    count: ${p}SessionHostCount / 2
    vmPrefix: '\${${p}VmPrefix}\${batch}'
    subnetId: subnetId
    adminUsername: adminUsername
    adminPassword: ${p}AdminPassword
    registrationToken: ${p}.listRegistrationTokens().value[0].token
    tags: {
      ...commonTags
      batch: string(batch)
    }
  }
}]`
    : `module ${p}Hosts 'modules/session-hosts.bicep' = if (${p}SessionHostCount > 0) {
  name: 'hosts-\${${p}Name}'
  params: {
    hostPoolName: ${p}.name
    location: location
    count: ${p}SessionHostCount
    vmPrefix: ${p}VmPrefix
    subnetId: subnetId
    adminUsername: adminUsername
    adminPassword: ${p}AdminPassword
    registrationToken: ${p}.listRegistrationTokens().value[0].token
    tags: union(commonTags, ${p}Tags)
  }
}`
}

output ${p}Id string = ${p}.id
output ${p}AppGroupIds array = [for (ag, idx) in ${p}AppGroups: ${p}AppGroup[idx].id]
`;
}

/** A Bicep host pool file of about `bytes` characters (unit 0's `customRdpProperty` literal is the keystroke target). */
export function bicepHostPools(bytes: number): string {
  const parts = [BICEP_HEADER];
  let size = BICEP_HEADER.length;
  for (let i = 0; size < bytes; i++) {
    const u = bicepPool(i);
    parts.push(u);
    size += u.length;
  }
  return parts.join('');
}

export const BICEP_SESSION_HOSTS_MODULE = `@description('Host pool the session hosts register to.')
param hostPoolName string
param location string
@minValue(0)
param count int
@maxLength(11)
param vmPrefix string
param vmSize string = 'Standard_D4s_v5'
param subnetId string
param adminUsername string
@secure()
param adminPassword string
@secure()
param registrationToken string
param tags object = {}

resource nics 'Microsoft.Network/networkInterfaces@2024-01-01' = [for i in range(0, count): {
  name: '\${vmPrefix}-\${i}-nic'
  location: location
  tags: tags
  properties: {
    enableAcceleratedNetworking: true
    ipConfigurations: [
      {
        name: 'ipconfig1'
        properties: {
          privateIPAllocationMethod: 'Dynamic'
          subnet: {
            id: subnetId
          }
        }
      }
    ]
  }
}]

resource vms 'Microsoft.Compute/virtualMachines@2024-03-01' = [for i in range(0, count): {
  name: '\${vmPrefix}-\${i}'
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    hardwareProfile: {
      vmSize: vmSize
    }
    licenseType: 'Windows_Client'
    osProfile: {
      computerName: '\${vmPrefix}-\${i}'
      adminUsername: adminUsername
      adminPassword: adminPassword
    }
    securityProfile: {
      securityType: 'TrustedLaunch'
      encryptionAtHost: true
      uefiSettings: {
        secureBootEnabled: true
        vTpmEnabled: true
      }
    }
    storageProfile: {
      imageReference: {
        publisher: 'MicrosoftWindowsDesktop'
        offer: 'office-365'
        sku: 'win11-24h2-avd-m365'
        version: 'latest'
      }
      osDisk: {
        createOption: 'FromImage'
        managedDisk: {
          storageAccountType: 'Premium_LRS'
        }
      }
    }
    networkProfile: {
      networkInterfaces: [
        {
          id: nics[i].id
        }
      ]
    }
  }
}]

resource entraJoin 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = [for i in range(0, count): {
  parent: vms[i]
  name: 'AADLoginForWindows'
  location: location
  properties: {
    publisher: 'Microsoft.Azure.ActiveDirectory'
    type: 'AADLoginForWindows'
    typeHandlerVersion: '2.0'
    autoUpgradeMinorVersion: true
  }
}]

resource avdAgent 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = [for i in range(0, count): {
  parent: vms[i]
  name: 'Microsoft.PowerShell.DSC'
  location: location
  dependsOn: [
    entraJoin[i]
  ]
  properties: {
    publisher: 'Microsoft.Powershell'
    type: 'DSC'
    typeHandlerVersion: '2.83'
    autoUpgradeMinorVersion: true
    settings: {
      modulesUrl: 'https://wvdportalstorageblob.blob.core.windows.net/galleryartifacts/Configuration_1.0.02790.438.zip'
      configurationFunction: 'Configuration.ps1\\\\AddSessionHost'
      properties: {
        hostPoolName: hostPoolName
        aadJoin: true
        registrationInfoTokenCredential: {
          UserName: 'PLACEHOLDER_DO_NOT_USE'
          Password: 'PrivateSettingsRef:RegistrationInfoToken'
        }
      }
    }
    protectedSettings: {
      Items: {
        RegistrationInfoToken: registrationToken
      }
    }
  }
}]

output vmNames array = [for i in range(0, count): vms[i].name]
`;

export function bicepParams(i: number, pools: number): string {
  const lines = [
    `using './main.bicep'`,
    '',
    `param subnetId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-${i}'`,
  ];
  lines.push(
    `param logAnalyticsWorkspaceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/law-avd'`,
  );
  lines.push(`param userGroupIds = [\n  '00000000-0000-0000-0000-00000000000${i % 10}'\n]`);
  for (let p = 0; p < pools; p++) {
    lines.push(`param pool${p}Name = 'hp-team${i}-${p}'`);
    lines.push(`param pool${p}AdminPassword = az.getSecret('00000000-0000-0000-0000-000000000000', 'rg-kv', 'kv-avd', 'admin${p}')`);
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------------
// Terraform: a module directory of many .tf files with variables, locals, resources, dynamic blocks.
// ---------------------------------------------------------------------------------------------------------------

const TF_PROVIDERS = `terraform {
  required_version = ">= 1.6"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.10"
    }
    azuread = {
      source  = "hashicorp/azuread"
      version = "~> 3.0"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.12"
    }
  }
}

provider "azurerm" {
  features {
    virtual_machine {
      delete_os_disk_on_deletion = true
    }
  }
}
`;

function tfVariables(pools: number[]): string {
  const out: string[] = [];
  for (const i of pools) {
    out.push(`variable "pool${i}_name" {
  type        = string
  description = "Name of host pool ${i}."
  default     = "hp-avd-${two(i % 100)}-${i}"

  validation {
    condition     = length(var.pool${i}_name) >= 3 && length(var.pool${i}_name) <= 64
    error_message = "The host pool name must have 3 to 64 characters."
  }
}

variable "pool${i}_type" {
  type        = string
  description = "Pooled or Personal."
  default     = "${i % 6 === 5 ? 'Personal' : 'Pooled'}"

  validation {
    condition     = contains(["Pooled", "Personal"], var.pool${i}_type)
    error_message = "Pooled or Personal."
  }
}

variable "pool${i}_session_host_count" {
  type    = number
  default = ${2 + (i % 5)}
}

variable "pool${i}_admin_password" {
  type      = string
  sensitive = true
}

variable "pool${i}_user_groups" {
  type        = list(string)
  description = "Entra groups given access to the desktop of pool ${i}."
  default     = ["AVD Users ${i}", "AVD Support ${i % 4}"]
}
`);
  }
  return out.join('\n');
}

function tfLocals(pools: number[]): string {
  const rows = pools.map(
    (i) => `    pool${i} = {
      rdp         = "${rdpString(i)}"
      max_session = ${12 + (i % 8)}
      vm_size     = "${i % 2 ? 'Standard_D4s_v5' : 'Standard_D8s_v5'}"
      app_groups  = ["Desktop", "RemoteApp"]
    }`,
  );
  return `locals {
  common_tags = {
    environment = "prod"
    workload    = "avd"
    cost_center = "4711"
  }

  pools = {
${rows.join('\n')}
  }

  pool_names = [for k, v in local.pools : k]
  rdp_by_pool = { for k, v in local.pools : k => v.rdp if length(v.rdp) > 0 }
}
`;
}

function tfPool(i: number): string {
  const p = `pool${i}`;
  const admin = i % 9 === 4;
  return `
# -----------------------------------------------------------------------------------------------------------------
# Host pool ${i}
# -----------------------------------------------------------------------------------------------------------------

resource "azurerm_virtual_desktop_host_pool" "${p}" {
  name                     = var.${p}_name
  location                 = azurerm_resource_group.avd.location
  resource_group_name      = azurerm_resource_group.avd.name
  type                     = var.${p}_type
  load_balancer_type       = var.${p}_type == "Pooled" ? "BreadthFirst" : "Persistent"
  maximum_sessions_allowed = local.pools["${p}"].max_session
  preferred_app_group_type = "Desktop"
  start_vm_on_connect      = true
  validate_environment     = false
  custom_rdp_properties    = "${rdpString(i)}"
  public_network_access    = "EnabledForClientsOnly"
  tags                     = merge(local.common_tags, { pool = "${i}" })

  scheduled_agent_updates {
    enabled  = true
    timezone = "W. Europe Standard Time"
    schedule {
      day_of_week = "Saturday"
      hour_of_day = ${i % 6}
    }
  }
}

resource "time_rotating" "${p}" {
  rotation_hours = 8
}

resource "azurerm_virtual_desktop_host_pool_registration_info" "${p}" {
  hostpool_id     = azurerm_virtual_desktop_host_pool.${p}.id
  expiration_date = time_rotating.${p}.rotation_rfc3339
}

resource "azurerm_virtual_desktop_application_group" "${p}" {
  for_each = toset(local.pools["${p}"].app_groups)

  name                = "\${var.${p}_name}-\${lower(each.key)}"
  location            = azurerm_resource_group.avd.location
  resource_group_name = azurerm_resource_group.avd.name
  type                = each.key
  host_pool_id        = azurerm_virtual_desktop_host_pool.${p}.id
  friendly_name       = "\${each.key} ${i}"
}

resource "azurerm_virtual_desktop_workspace" "${p}" {
  name                = "ws-\${var.${p}_name}"
  location            = azurerm_resource_group.avd.location
  resource_group_name = azurerm_resource_group.avd.name
}

resource "azurerm_virtual_desktop_workspace_application_group_association" "${p}" {
  for_each = azurerm_virtual_desktop_application_group.${p}

  workspace_id         = azurerm_virtual_desktop_workspace.${p}.id
  application_group_id = each.value.id
}

resource "azurerm_network_interface" "${p}" {
  count = var.${p}_session_host_count

  name                           = "avd${i}-\${count.index}-nic"
  location                       = azurerm_resource_group.avd.location
  resource_group_name            = azurerm_resource_group.avd.name
  accelerated_networking_enabled = true

  ip_configuration {
    name                          = "ipconfig1"
    subnet_id                     = var.subnet_id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_windows_virtual_machine" "${p}" {
  count = var.${p}_session_host_count

  name                  = "avd${i}-\${count.index}"
  location              = azurerm_resource_group.avd.location
  resource_group_name   = azurerm_resource_group.avd.name
  size                  = local.pools["${p}"].vm_size
  license_type          = "Windows_Client"
  admin_username        = var.admin_username
  admin_password        = var.${p}_admin_password
  network_interface_ids = [azurerm_network_interface.${p}[count.index].id]
  secure_boot_enabled   = true
  vtpm_enabled          = true
  encryption_at_host_enabled = true
  tags                  = local.common_tags

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }

  source_image_reference {
    publisher = "MicrosoftWindowsDesktop"
    offer     = "office-365"
    sku       = "win11-24h2-avd-m365"
    version   = "latest"
  }

  identity {
    type = "SystemAssigned"
  }

  dynamic "additional_capabilities" {
    for_each = var.${p}_session_host_count > 4 ? [1] : []
    content {
      ultra_ssd_enabled = false
    }
  }
}

resource "azurerm_virtual_machine_extension" "${p}_entra_join" {
  count = var.${p}_session_host_count

  name                       = "AADLoginForWindows"
  virtual_machine_id         = azurerm_windows_virtual_machine.${p}[count.index].id
  publisher                  = "Microsoft.Azure.ActiveDirectory"
  type                       = "AADLoginForWindows"
  type_handler_version       = "2.0"
  auto_upgrade_minor_version = true
}

resource "azurerm_virtual_machine_extension" "${p}_avd_agent" {
  count = var.${p}_session_host_count

  name                       = "Microsoft.PowerShell.DSC"
  virtual_machine_id         = azurerm_windows_virtual_machine.${p}[count.index].id
  publisher                  = "Microsoft.Powershell"
  type                       = "DSC"
  type_handler_version       = "2.83"
  auto_upgrade_minor_version = true

  settings = jsonencode({
    modulesUrl            = "https://wvdportalstorageblob.blob.core.windows.net/galleryartifacts/Configuration_1.0.02790.438.zip"
    configurationFunction = "Configuration.ps1\\\\AddSessionHost"
    properties = {
      HostPoolName = azurerm_virtual_desktop_host_pool.${p}.name
      aadJoin      = true
    }
  })

  protected_settings = jsonencode({
    properties = {
      registrationInfoToken = azurerm_virtual_desktop_host_pool_registration_info.${p}.token
    }
  })

  depends_on = [azurerm_virtual_machine_extension.${p}_entra_join]
}

data "azuread_group" "${p}_users" {
  for_each = toset(var.${p}_user_groups)

  display_name     = each.value
  security_enabled = true
}

resource "azurerm_role_assignment" "${p}_desktop_users" {
  for_each = data.azuread_group.${p}_users

  scope                = azurerm_virtual_desktop_application_group.${p}["Desktop"].id
  role_definition_name = "Desktop Virtualization User"
  principal_id         = each.value.object_id
  principal_type       = "Group"
}

resource "azurerm_role_assignment" "${p}_login" {
  for_each = data.azuread_group.${p}_users

  scope                = azurerm_resource_group.avd.id
  role_definition_name = "${admin ? 'Virtual Machine Administrator Login' : 'Virtual Machine User Login'}"
  principal_id         = each.value.object_id
  principal_type       = "Group"
}

resource "azurerm_monitor_diagnostic_setting" "${p}" {
  name                       = "diag"
  target_resource_id         = azurerm_virtual_desktop_host_pool.${p}.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category_group = "allLogs"
  }
}
`;
}

const TF_COMMON = `resource "azurerm_resource_group" "avd" {
  name     = var.resource_group_name
  location = var.location
  tags     = local.common_tags
}
`;

const TF_COMMON_VARIABLES = `variable "location" {
  type    = string
  default = "westeurope"
}

variable "resource_group_name" {
  type    = string
  default = "rg-avd"
}

variable "subnet_id" {
  type        = string
  description = "Resource id of the subnet the session hosts join."
}

variable "admin_username" {
  type    = string
  default = "avdadmin"
}

variable "log_analytics_workspace_id" {
  type = string
}
`;

/**
 * One Terraform module directory of about `bytes` characters: providers.tf, variables.tf, locals.tf, main.tf, outputs.tf and
 * pool-NN.tf files of `poolsPerFile` host pools each.
 */
export function terraformModule(bytes: number, poolsPerFile = 3): Files {
  const files: Files = new Map();
  const poolFiles: string[][] = [];
  let size = TF_PROVIDERS.length + TF_COMMON.length + TF_COMMON_VARIABLES.length;
  let n = 0;
  while (size < bytes) {
    const pools: number[] = [];
    const texts: string[] = [];
    for (let k = 0; k < poolsPerFile; k++, n++) {
      pools.push(n);
      texts.push(tfPool(n));
    }
    poolFiles.push(texts);
    size += texts.join('').length + tfVariables(pools).length + tfLocals(pools).length - 300;
  }
  const all = Array.from({ length: n }, (_, i) => i);
  files.set('providers.tf', TF_PROVIDERS);
  files.set('main.tf', TF_COMMON);
  files.set('variables.tf', TF_COMMON_VARIABLES + '\n' + tfVariables(all));
  files.set('locals.tf', tfLocals(all));
  poolFiles.forEach((texts, f) => files.set(`pool-${two(f)}.tf`, texts.join('')));
  files.set('outputs.tf', all.map((i) => `output "pool${i}_id" {\n  value = azurerm_virtual_desktop_host_pool.pool${i}.id\n}\n`).join('\n'));
  return files;
}

export function tfvars(i: number, pools: number): string {
  const lines = [
    `subnet_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-${i}"`,
  ];
  lines.push(
    'log_analytics_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/law"',
  );
  for (let p = 0; p < pools; p++) lines.push(`pool${p}_name = "hp-team${i}-${p}"`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------------
// A workspace of `count` files mixing the three languages, as a monorepo of AVD teams would.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Per team: Bicep (main, a module, a parameters file), compiled ARM (template and parameters), a Terraform module
 * directory (five files and terraform.tfvars), and two JSON files that are not ARM (ignored after a look at `$schema`).
 */
export function mixedWorkspace(count: number): Files {
  const files: Files = new Map();
  const team = (t: number) => {
    const pools = 1 + (t % 3);
    const d = `team-${String(t).padStart(3, '0')}`;
    const main = [BICEP_HEADER, ...Array.from({ length: pools }, (_, k) => bicepPool(k))].join('');
    const tfPools = Array.from({ length: pools }, (_, k) => k);
    const entries: [string, string][] = [
      [`${d}/bicep/main.bicep`, main],
      [`${d}/bicep/modules/session-hosts.bicep`, BICEP_SESSION_HOSTS_MODULE],
      [`${d}/bicep/main.bicepparam`, bicepParams(t, pools)],
      [`${d}/arm/azuredeploy.json`, JSON.stringify(armTop(t % 2 === 1, pools), null, 2) + '\n'],
      [`${d}/arm/azuredeploy.parameters.json`, armParameters(t)],
      [`${d}/terraform/providers.tf`, TF_PROVIDERS],
      [`${d}/terraform/variables.tf`, TF_COMMON_VARIABLES + '\n' + tfVariables(tfPools)],
      [`${d}/terraform/locals.tf`, tfLocals(tfPools)],
      [`${d}/terraform/main.tf`, TF_COMMON + tfPools.map(tfPool).join('')],
      [`${d}/terraform/terraform.tfvars`, tfvars(t, pools)],
      [`${d}/.vscode/settings.json`, JSON.stringify({ 'editor.formatOnSave': true, 'files.associations': { '*.json': 'jsonc' } }, null, 2) + '\n'],
      [`${d}/package.json`, JSON.stringify({ name: d, private: true, scripts: { build: 'az bicep build --file bicep/main.bicep' } }, null, 2) + '\n'],
    ];
    return entries;
  };
  for (let t = 0; files.size < count; t++) {
    for (const [p, text] of team(t)) {
      if (files.size >= count) break;
      files.set(p, text);
    }
  }
  return files;
}

export function totalBytes(files: Files): number {
  let n = 0;
  for (const t of files.values()) n += t.length;
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// The benchmark inputs (memoized: several benches use the same ones).
// ---------------------------------------------------------------------------------------------------------------

export interface BenchInput {
  /** Short id used in row names and file names. */
  id: string;
  title: string;
  files: Files;
}

const memo = new Map<string, BenchInput>();

function input(id: string, title: string, make: () => Files): BenchInput {
  let v = memo.get(id);
  if (!v) memo.set(id, (v = { id, title, files: make() }));
  return v;
}

export const inputs = {
  armClassic: () => input('arm-classic', 'ARM 2.4 MB classic', () => new Map([['main.json', armTemplate(2.4e6, false)]])),
  armV2: () => input('arm-v2', 'ARM 2.4 MB languageVersion 2.0', () => new Map([['main.json', armTemplate(2.4e6, true)]])),
  bicep: () =>
    input(
      'bicep',
      'Bicep 88 KB (+ module)',
      () =>
        new Map([
          ['main.bicep', bicepHostPools(88e3)],
          ['modules/session-hosts.bicep', BICEP_SESSION_HOSTS_MODULE],
        ]),
    ),
  terraform: () => input('terraform', 'Terraform 1 MB module', () => terraformModule(1e6)),
  mixed: () => input('mixed', '1,000-file workspace', () => mixedWorkspace(1000)),
};

/** The inputs by id (what bench/profile.ts takes), without generating them. */
export const inputsById: Record<string, () => BenchInput> = {
  'arm-classic': inputs.armClassic,
  'arm-v2': inputs.armV2,
  bicep: inputs.bicep,
  terraform: inputs.terraform,
  mixed: inputs.mixed,
};
