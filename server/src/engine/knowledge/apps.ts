/** Microsoft Entra application IDs that appear in AVD Conditional Access policies. Match by GUID only: names in comments lie. */
export interface AppInfo {
  appId: string;
  name: string;
  /** What the app is for, in one sentence. */
  role: string;
}

export const AVD_APP_ID = '9cdead84-a844-4324-93f2-b2e6bb768d07';
export const REMOTE_DESKTOP_APP_ID = 'a4a365df-50f1-4397-bc59-1a1564b8bb9c';
export const WINDOWS_CLOUD_LOGIN_APP_ID = '270efc09-cd0d-444b-a71f-39af4910ec45';
export const VM_SIGN_IN_APP_ID = '372140e0-b3b7-4226-8ef9-d57986796201';
export const AVD_ARM_PROVIDER_APP_ID = '50e95039-b200-4007-bc97-8d5790743a63';

export const APPS: readonly AppInfo[] = [
  {
    appId: AVD_APP_ID,
    name: 'Azure Virtual Desktop',
    role: 'Signs users in to the AVD service (feed, gateway, diagnostics); the app a Conditional Access policy for AVD must target.',
  },
  { appId: REMOTE_DESKTOP_APP_ID, name: 'Microsoft Remote Desktop', role: 'Signs users in to the session host when single sign-on is enabled.' },
  {
    appId: WINDOWS_CLOUD_LOGIN_APP_ID,
    name: 'Windows Cloud Login',
    role: 'Signs users in to the session host with single sign-on (successor of Microsoft Remote Desktop).',
  },
  {
    appId: VM_SIGN_IN_APP_ID,
    name: 'Azure Windows VM Sign-In',
    role: 'Entra sign-in to Entra-joined VMs without single sign-on; often excluded from all-apps MFA policies on purpose.',
  },
  { appId: 'a85cf173-4192-42f8-81fa-777a763e6e2c', name: 'Azure Virtual Desktop Client', role: 'The web client, as seen in sign-in logs.' },
  {
    appId: AVD_ARM_PROVIDER_APP_ID,
    name: 'Windows Virtual Desktop Azure Resource Manager Provider',
    role: 'Retrieves the user feed only; Microsoft says not to target it with MFA.',
  },
  { appId: '5a0aa725-4958-4b0c-80a9-34562e23f3b7', name: 'Windows Virtual Desktop (classic)', role: 'AVD classic only.' },
  { appId: 'fa4345a4-a730-4230-84a8-7d9651b86739', name: 'Windows Virtual Desktop Client (classic)', role: 'AVD classic only.' },
  { appId: '0af06dc6-e4b5-4f28-818e-e78e62d137a5', name: 'Windows 365', role: 'Cloud PCs, not AVD.' },
];

const BY_ID = new Map(APPS.map((a) => [a.appId, a]));

export function appById(appId: string): AppInfo | undefined {
  return BY_ID.get(appId.trim().toLowerCase());
}
