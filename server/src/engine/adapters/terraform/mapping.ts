/**
 * How Terraform resources map onto the ARM-shaped model: one table for azurerm, azuread, azapi and msgraph.
 * An attribute maps to an ARM property path; attributes without a mapping keep their HCL name at the top of the body,
 * where no rule reads them by mistake.
 */
export interface TfMapping {
  armType: string;
  /** HCL attribute (or nested block) name → ARM path in the body. */
  attrs: Record<string, string[]>;
  /** Attributes whose string value holds JSON (e.g. `settings = jsonencode({...})` or a heredoc): read as an object. */
  json?: string[];
  /** Name rewriting for nested blocks' attributes (`included_applications` → `includeApplications`). */
  nested?: (name: string) => string;
  /**
   * Computed attributes that ARM keeps on another resource: a reference to `attribute` reads the resource that the
   * attribute `of` names (by id), at `path`.
   */
  reads?: Record<string, { of: string; path: string[] }>;
  /**
   * A resource that ARM writes as an item of another resource's list: the value of the attribute `value` is added to
   * the array at `path` of the resource whose id the attribute `into` references.
   */
  joins?: TfJoin;
}

export interface TfJoin {
  into: string;
  path: string[];
  value: string;
}

const COMMON: Record<string, string[]> = {
  name: ['name'],
  location: ['location'],
  resource_group_name: ['resourceGroupName'],
  tags: ['tags'],
};

/** Microsoft Graph's names for the azuread provider's snake-case attributes. */
function graphName(name: string): string {
  const special: Record<string, string> = {
    client_app_types: 'clientAppTypes',
    built_in_controls: 'builtInControls',
  };
  if (special[name]) return special[name];
  const rewritten = name.replace(/^included_/, 'include_').replace(/^excluded_/, 'exclude_');
  return rewritten.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const TABLE: Record<string, TfMapping> = {
  azurerm_virtual_desktop_host_pool: {
    armType: 'Microsoft.DesktopVirtualization/hostPools',
    attrs: {
      ...COMMON,
      type: ['properties', 'hostPoolType'],
      load_balancer_type: ['properties', 'loadBalancerType'],
      custom_rdp_properties: ['properties', 'customRdpProperty'],
      personal_desktop_assignment_type: ['properties', 'personalDesktopAssignmentType'],
      maximum_sessions_allowed: ['properties', 'maxSessionLimit'],
      validate_environment: ['properties', 'validationEnvironment'],
      start_vm_on_connect: ['properties', 'startVMOnConnect'],
      preferred_app_group_type: ['properties', 'preferredAppGroupType'],
      public_network_access: ['properties', 'publicNetworkAccess'],
      friendly_name: ['properties', 'friendlyName'],
      description: ['properties', 'description'],
    },
  },
  azurerm_virtual_desktop_application_group: {
    armType: 'Microsoft.DesktopVirtualization/applicationGroups',
    attrs: {
      ...COMMON,
      host_pool_id: ['properties', 'hostPoolArmPath'],
      type: ['properties', 'applicationGroupType'],
      friendly_name: ['properties', 'friendlyName'],
      description: ['properties', 'description'],
    },
  },
  azurerm_virtual_desktop_workspace: {
    armType: 'Microsoft.DesktopVirtualization/workspaces',
    attrs: { ...COMMON, public_network_access_enabled: ['properties', 'publicNetworkAccess'], friendly_name: ['properties', 'friendlyName'] },
  },
  azurerm_virtual_desktop_workspace_application_group_association: {
    // No ARM counterpart: a workspace lists the application groups it publishes.
    armType: 'terraform:azurerm_virtual_desktop_workspace_application_group_association',
    attrs: { workspace_id: ['workspace_id'], application_group_id: ['application_group_id'] },
    joins: { into: 'workspace_id', path: ['properties', 'applicationGroupReferences'], value: 'application_group_id' },
  },
  azurerm_virtual_desktop_application: {
    armType: 'Microsoft.DesktopVirtualization/applicationGroups/applications',
    attrs: {
      name: ['name'],
      // A child resource's parent, as azapi's parent_id and Bicep's `parent` are read.
      application_group_id: ['parent'],
      path: ['properties', 'filePath'],
      command_line_argument_policy: ['properties', 'commandLineSetting'],
      command_line_arguments: ['properties', 'commandLineArguments'],
      show_in_portal: ['properties', 'showInPortal'],
      icon_path: ['properties', 'iconPath'],
      icon_index: ['properties', 'iconIndex'],
      friendly_name: ['properties', 'friendlyName'],
      description: ['properties', 'description'],
    },
  },
  azurerm_virtual_desktop_scaling_plan: {
    armType: 'Microsoft.DesktopVirtualization/scalingPlans',
    attrs: { ...COMMON, time_zone: ['properties', 'timeZone'] },
  },
  azurerm_virtual_desktop_host_pool_registration_info: {
    // No ARM counterpart: the registration token is a property of the host pool in ARM.
    armType: 'terraform:azurerm_virtual_desktop_host_pool_registration_info',
    attrs: { hostpool_id: ['hostpool_id'], expiration_date: ['expiration_date'] },
    reads: { token: { of: 'hostpool_id', path: ['properties', 'registrationInfo', 'token'] } },
  },
  azurerm_key_vault_secret: {
    armType: 'Microsoft.KeyVault/vaults/secrets',
    attrs: { name: ['name'], value: ['properties', 'value'], key_vault_id: ['properties', 'keyVaultId'], tags: ['tags'] },
  },
  azurerm_windows_virtual_machine: vm(),
  azurerm_linux_virtual_machine: vm(),
  azurerm_virtual_machine: vm(),
  azurerm_virtual_machine_extension: {
    armType: 'Microsoft.Compute/virtualMachines/extensions',
    attrs: {
      name: ['name'],
      tags: ['tags'],
      virtual_machine_id: ['properties', 'virtualMachineId'],
      publisher: ['properties', 'publisher'],
      type: ['properties', 'type'],
      type_handler_version: ['properties', 'typeHandlerVersion'],
      auto_upgrade_minor_version: ['properties', 'autoUpgradeMinorVersion'],
      settings: ['properties', 'settings'],
      protected_settings: ['properties', 'protectedSettings'],
    },
    json: ['settings', 'protected_settings'],
  },
  // Scale sets keep their type and HCL shape (facts/network-path.ts reads their blocks); these entries only let a fix
  // add the hardening attributes, under their own names.
  azurerm_windows_virtual_machine_scale_set: {
    armType: 'terraform:azurerm_windows_virtual_machine_scale_set',
    attrs: { secure_boot_enabled: ['secure_boot_enabled'], vtpm_enabled: ['vtpm_enabled'], encryption_at_host_enabled: ['encryption_at_host_enabled'] },
  },
  azurerm_orchestrated_virtual_machine_scale_set: {
    armType: 'terraform:azurerm_orchestrated_virtual_machine_scale_set',
    attrs: { encryption_at_host_enabled: ['encryption_at_host_enabled'] },
  },
  azurerm_virtual_machine_scale_set_extension: {
    armType: 'Microsoft.Compute/virtualMachineScaleSets/extensions',
    attrs: {
      name: ['name'],
      // The scale set is the extension's parent, as Bicep's `parent` is read.
      virtual_machine_scale_set_id: ['parent'],
      publisher: ['properties', 'publisher'],
      type: ['properties', 'type'],
      type_handler_version: ['properties', 'typeHandlerVersion'],
      auto_upgrade_minor_version: ['properties', 'autoUpgradeMinorVersion'],
      settings: ['properties', 'settings'],
      protected_settings: ['properties', 'protectedSettings'],
    },
    json: ['settings', 'protected_settings'],
  },
  azurerm_virtual_machine_run_command: {
    armType: 'Microsoft.Compute/virtualMachines/runCommands',
    // The VM is the run command's parent, as Bicep's `parent` is read; `source { script }` keeps its HCL names.
    attrs: { name: ['name'], location: ['location'], tags: ['tags'], virtual_machine_id: ['parent'], source: ['properties', 'source'] },
  },
  // Entra directory roles in Microsoft Graph's shape (a role assignment names the role by its template id).
  azuread_directory_role: { armType: 'Microsoft.Graph/directoryRoles', attrs: { display_name: ['displayName'], template_id: ['roleTemplateId'] } },
  azuread_directory_role_assignment: {
    armType: 'Microsoft.Graph/roleManagement/directory/roleAssignments',
    attrs: { role_id: ['roleDefinitionId'], principal_object_id: ['principalId'], directory_scope_id: ['directoryScopeId'] },
  },
  azuread_directory_role_member: {
    armType: 'Microsoft.Graph/directoryRoles/members',
    attrs: { role_object_id: ['roleObjectId'], member_object_id: ['principalId'] },
  },
  azurerm_role_assignment: {
    armType: 'Microsoft.Authorization/roleAssignments',
    attrs: {
      name: ['name'],
      scope: ['scope'],
      role_definition_id: ['properties', 'roleDefinitionId'],
      role_definition_name: ['properties', 'roleDefinitionName'],
      principal_id: ['properties', 'principalId'],
      principal_type: ['properties', 'principalType'],
      condition: ['properties', 'condition'],
      description: ['properties', 'description'],
    },
  },
  azurerm_role_definition: {
    armType: 'Microsoft.Authorization/roleDefinitions',
    // The data source takes the built-in role's display name or its GUID.
    attrs: { name: ['name'], role_definition_id: ['name'], scope: ['scope'] },
  },
  azurerm_resource_group: {
    armType: 'Microsoft.Resources/resourceGroups',
    attrs: { name: ['name'], location: ['location'], tags: ['tags'] },
  },
  azurerm_subscription: {
    armType: 'Microsoft.Resources/subscriptions',
    attrs: { subscription_id: ['subscriptionId'] },
  },
  azuread_conditional_access_policy: {
    armType: 'microsoft.graph/conditionalAccessPolicies',
    attrs: {
      display_name: ['displayName'],
      state: ['state'],
      conditions: ['conditions'],
      grant_controls: ['grantControls'],
      session_controls: ['sessionControls'],
    },
    nested: graphName,
  },
};

function vm(): TfMapping {
  return {
    armType: 'Microsoft.Compute/virtualMachines',
    attrs: {
      ...COMMON,
      size: ['properties', 'hardwareProfile', 'vmSize'],
      vm_size: ['properties', 'hardwareProfile', 'vmSize'],
      license_type: ['properties', 'licenseType'],
      identity: ['identity'],
      secure_boot_enabled: ['properties', 'securityProfile', 'uefiSettings', 'secureBootEnabled'],
      vtpm_enabled: ['properties', 'securityProfile', 'uefiSettings', 'vTpmEnabled'],
      encryption_at_host_enabled: ['properties', 'securityProfile', 'encryptionAtHost'],
    },
  };
}

export function tfMapping(nativeType: string): TfMapping | undefined {
  return TABLE[nativeType];
}

/** The Terraform attribute an ARM path of a resource type is written as (for fixes that add a property). */
export function attributeForPath(nativeType: string, path: string[]): string | undefined {
  const m = TABLE[nativeType];
  if (!m) return undefined;
  const want = path.join('.').toLowerCase();
  return Object.keys(m.attrs).find((k) => m.attrs[k].join('.').toLowerCase() === want);
}

/** `azuread_conditional_access_policy.grant_controls.authentication_strength_policy_id` is `authenticationStrength.id` in Graph. */
export const GRAPH_PATH_OVERRIDES: Record<string, string[]> = {
  authentication_strength_policy_id: ['authenticationStrength', 'id'],
};
