/** Azure built-in role definitions that matter on AVD session hosts, by GUID (the only reliable identity of a role). */
export interface RoleInfo {
  guid: string;
  name: string;
  /** What the role lets its holder do on a multi-session host, in one sentence. */
  onSessionHost: string;
  /** Grants Windows local administrator on Entra-joined hosts, directly or by running code as SYSTEM. */
  localAdmin: 'direct' | 'via-management-plane' | false;
}

export const ROLES: readonly RoleInfo[] = [
  {
    guid: '1c0163c0-47e6-4577-8991-ea5c82e286e4',
    name: 'Virtual Machine Administrator Login',
    onSessionHost: 'Signs the user in to Entra-joined hosts as a member of the local Administrators group.',
    localAdmin: 'direct',
  },
  {
    guid: 'fb879df8-f326-4884-b1cf-06f3ad86be52',
    name: 'Virtual Machine User Login',
    onSessionHost: 'Signs the user in to Entra-joined hosts as a standard user.',
    localAdmin: false,
  },
  {
    guid: '602da2ba-a5c2-41da-b01d-5360126ab525',
    name: 'Virtual Machine Local User Login',
    onSessionHost: 'Signs the user in with a local account on Arc-enabled machines.',
    localAdmin: false,
  },
  {
    guid: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c',
    name: 'Virtual Machine Contributor',
    onSessionHost: 'Manages the VM: can install extensions and use Run Command, which execute as SYSTEM on the host.',
    localAdmin: 'via-management-plane',
  },
  {
    guid: '66f75aeb-eabe-4b70-9f1e-c350c4c9ad04',
    name: 'Virtual Machine Data Access Administrator',
    onSessionHost: 'Assigns the VM login roles to others, with conditions.',
    localAdmin: false,
  },
  {
    guid: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    name: 'Owner',
    onSessionHost: 'Full control of the VM, including extensions and Run Command that execute as SYSTEM.',
    localAdmin: 'via-management-plane',
  },
  {
    guid: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    name: 'Contributor',
    onSessionHost: 'Manages the VM, including extensions and Run Command that execute as SYSTEM.',
    localAdmin: 'via-management-plane',
  },
  {
    guid: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    name: 'User Access Administrator',
    onSessionHost: 'Can grant itself or others any role on the VM, including Virtual Machine Administrator Login.',
    localAdmin: false,
  },
  {
    guid: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    name: 'Role Based Access Control Administrator',
    onSessionHost: 'Can grant itself or others roles on the VM, including Virtual Machine Administrator Login, unless a condition limits it.',
    localAdmin: false,
  },
  {
    guid: '1d18fff3-a72a-46b5-b4a9-0b38a3cd7e63',
    name: 'Desktop Virtualization User',
    onSessionHost: 'Lets the user see and open the application group in the AVD feed.',
    localAdmin: false,
  },
  {
    guid: '489581de-a3bd-480d-9518-53dea7416b33',
    name: 'Desktop Virtualization Power On Contributor',
    onSessionHost: 'Lets the AVD service start deallocated hosts (Start VM on Connect).',
    localAdmin: false,
  },
  {
    guid: '40c5ff49-9181-41f8-ae61-143b0e78555e',
    name: 'Desktop Virtualization Power On Off Contributor',
    onSessionHost: 'Lets the AVD service start and stop hosts (autoscale).',
    localAdmin: false,
  },
  {
    guid: 'a959dbd1-f747-45e3-8ba6-dd80f235f97c',
    name: 'Desktop Virtualization Virtual Machine Contributor',
    onSessionHost: 'Lets the AVD service create, delete and update session hosts (session host configuration).',
    localAdmin: false,
  },
  {
    guid: '082f0a83-3be5-4ba1-904c-961cca79b387',
    name: 'Desktop Virtualization Contributor',
    onSessionHost: 'Manages AVD objects, not the VMs.',
    localAdmin: false,
  },
  { guid: '49a72310-ab8d-41df-bbb0-79b649203868', name: 'Desktop Virtualization Reader', onSessionHost: 'Reads AVD objects.', localAdmin: false },
  {
    guid: 'e307426c-f9b6-4e81-87de-d99efb3c32bc',
    name: 'Desktop Virtualization Host Pool Contributor',
    onSessionHost: 'Manages host pools, not the VMs.',
    localAdmin: false,
  },
  { guid: 'ceadfde2-b300-400a-ab7b-6143895aa822', name: 'Desktop Virtualization Host Pool Reader', onSessionHost: 'Reads host pools.', localAdmin: false },
  {
    guid: '86240b0e-9422-4c43-887b-b61143f32ba8',
    name: 'Desktop Virtualization Application Group Contributor',
    onSessionHost: 'Manages application groups.',
    localAdmin: false,
  },
  {
    guid: 'aebf23d0-b568-4e86-b8f9-fe83a2c6ab55',
    name: 'Desktop Virtualization Application Group Reader',
    onSessionHost: 'Reads application groups.',
    localAdmin: false,
  },
  {
    guid: '21efdde3-836f-432b-bf3d-3e8e734d4b2b',
    name: 'Desktop Virtualization Workspace Contributor',
    onSessionHost: 'Manages workspaces.',
    localAdmin: false,
  },
  { guid: '0fa44ee9-7a7d-466b-9bb2-2bf446b1204d', name: 'Desktop Virtualization Workspace Reader', onSessionHost: 'Reads workspaces.', localAdmin: false },
  {
    guid: '2ad6aaab-ead9-4eaa-8ac5-da422f562408',
    name: 'Desktop Virtualization Session Host Operator',
    onSessionHost: 'Manages session host registrations, not the VMs.',
    localAdmin: false,
  },
  {
    guid: 'ea4bfff8-7fb4-485a-aadd-d4129a0ffaa6',
    name: 'Desktop Virtualization User Session Operator',
    onSessionHost: 'Sends messages to and signs out user sessions.',
    localAdmin: false,
  },
  { guid: '4d97b98b-1d4f-4787-a291-c67834d212e7', name: 'Network Contributor', onSessionHost: 'Manages networks; no access inside the VM.', localAdmin: false },
];

const BY_GUID = new Map(ROLES.map((r) => [r.guid, r]));
const BY_NAME = new Map(ROLES.map((r) => [r.name.toLowerCase(), r]));

export const VM_ADMIN_LOGIN = BY_GUID.get('1c0163c0-47e6-4577-8991-ea5c82e286e4')!;
export const VM_USER_LOGIN = BY_GUID.get('fb879df8-f326-4884-b1cf-06f3ad86be52')!;
export const DESKTOP_VIRTUALIZATION_USER = BY_GUID.get('1d18fff3-a72a-46b5-b4a9-0b38a3cd7e63')!;

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function roleByGuid(guid: string): RoleInfo | undefined {
  return BY_GUID.get(guid.toLowerCase());
}

/** Terraform `role_definition_name` and role display names are compared case-insensitively. */
export function roleByName(name: string): RoleInfo | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}

/** The role GUID a role definition id ends with, in any of its forms (bare GUID, /providers/…/roleDefinitions/<guid>, …). */
export function roleGuidOf(roleDefinitionId: string): string | undefined {
  const all = roleDefinitionId.match(GUID);
  if (!all) return undefined;
  const last = all[all.length - 1];
  // The GUID must end the id; a subscription id alone is not a role.
  return roleDefinitionId.trimEnd().toLowerCase().endsWith(last.toLowerCase()) ? last.toLowerCase() : undefined;
}
