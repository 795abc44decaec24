/**
 * RDP properties a host pool's `customRdpProperty` string can set: every property that Microsoft's "Supported RDP
 * properties" reference (DOCS_URL, ms.date 03/06/2025) lists as applying to Azure Virtual Desktop, with what the
 * service does when the property is absent (the host pool default), what crosses the session boundary, and the value
 * avdsec recommends for a pooled host pool. Properties the reference lists only for Remote Desktop Services or Remote PC
 * connections are in RDS_ONLY_PROPERTIES instead: Azure Virtual Desktop ignores them. All text is in our own words.
 */

/** Microsoft's reference of the RDP properties, with the products each one applies to. */
export const DOCS_URL = 'https://learn.microsoft.com/azure/virtual-desktop/rdp-properties';
/** The same reference as published for Remote Desktop Services (older revisions were a table per section). */
export const RDS_DOCS_URL = 'https://learn.microsoft.com/windows-server/remote/remote-desktop-services/clients/rdp-files';

/** The reference's sections. */
export type RdpSection = 'connection' | 'session' | 'redirection' | 'display';

export interface RdpPropertyInfo {
  /** Lower-case, spaces kept (`screen mode id`). */
  name: string;
  type: 'i' | 's';
  /** What the property does, one sentence. */
  meaning: string;
  /**
   * Each literal value with a short meaning; keys lower-case ('' is the empty value). For an `i` property these are all
   * the valid integers unless `range` is set.
   */
  values?: Record<string, string>;
  /** For an `i` property whose valid values are a range of integers rather than a list (inclusive). */
  range?: { min: number; max: number };
  /** For an `s` property: the free forms a value may take besides the literal `values` (paths, lists), with an example. */
  forms?: string;
  /** When set, an `s` value that is not one of `values` must match this to be valid (see isAllowedValue). */
  pattern?: RegExp;
  /** Effective value when the property is absent from the host pool, where the reference gives one. */
  default?: string;
  /** What happens when the property is absent, where that is not a single value (or needs saying). */
  defaultNote?: string;
  /** Recommended value on a pooled host pool ('' means an empty value; undefined means no recommendation). */
  recommended?: string;
  /** What crosses the session boundary because of this property, one sentence, or 'none'. */
  security?: string;
  /** The reference's section. */
  section?: RdpSection;
  /** Caveats: dependencies on other properties, clients that honour it. */
  note?: string;
  /** Set when Microsoft marks the property as being replaced or removed. */
  deprecated?: string;
}

const NONE = 'none';
const ON_OFF = (off: string, on: string): Record<string, string> => ({ '0': off, '1': on });
/** `C:\;E:\;`, `C:;`, mixed with `*` or DynamicDrives; case-insensitive. */
const DRIVE_LIST = /^\s*(?:(?:[a-z]:\\?|\*|dynamicdrives)\s*(?:;\s*|$))+$/i;

export const RDP_PROPERTIES: readonly RdpPropertyInfo[] = [
  // Connections
  {
    name: 'alternate shell',
    type: 's',
    section: 'connection',
    meaning: 'Program the session starts as its shell in place of Explorer.',
    forms: 'a path to an executable on the session host, such as C:\\Program Files\\App\\app.exe',
    defaultNote: 'not set: the session starts Explorer',
    security: 'Narrows what users see but is not a security boundary: other programs can still start unless application control blocks them.',
  },
  {
    name: 'enablecredsspsupport',
    type: 'i',
    section: 'connection',
    meaning: 'Use CredSSP, which Network Level Authentication needs.',
    values: { '0': 'CredSSP off (no Network Level Authentication)', '1': 'CredSSP on' },
    default: '1',
    recommended: '1',
    security: 'With 0 Network Level Authentication is not negotiated, so the session host shows its sign-in screen before the user has authenticated to it.',
  },
  {
    name: 'enablerdsaadauth',
    type: 'i',
    section: 'connection',
    meaning: 'Sign in to the session host with Microsoft Entra authentication (single sign-on).',
    values: { '0': 'Entra single sign-on off: users type their Windows password again', '1': 'Entra single sign-on on' },
    default: '0',
    recommended: '1',
    security:
      'With 1 the host accepts an Entra token, so Conditional Access, MFA and passwordless sign-in reach the session host; with 0 users type a reusable password into the session.',
    note: 'Replaces targetisaadjoined.',
  },
  {
    name: 'kdcproxyname',
    type: 's',
    section: 'connection',
    meaning: 'KDC proxy used to get Kerberos tickets from outside the network.',
    forms: 'the host name of a KDC proxy server, such as kdc.contoso.com (a port and path may follow)',
    defaultNote: 'not set: no KDC proxy',
    security: "The named server relays the client's Kerberos traffic to domain controllers, so it must be one the organization runs and trusts.",
  },
  {
    name: 'targetisaadjoined',
    type: 'i',
    section: 'connection',
    meaning: 'Lets clients that are not Entra joined reach Entra-joined hosts with a user name and password only.',
    values: { '0': 'off', '1': 'password-only connection to Entra-joined hosts' },
    default: '0',
    recommended: '0',
    security: 'With 1 sign-in to Entra-joined hosts falls back to a typed user name and password, without single sign-on or passwordless methods.',
    deprecated: 'Being replaced by enablerdsaadauth.',
  },
  // Session behavior
  {
    name: 'autoreconnection enabled',
    type: 'i',
    section: 'session',
    meaning: 'Reconnect automatically after a network drop.',
    values: ON_OFF('the client does not reconnect by itself', 'the client tries to reconnect'),
    default: '1',
    security: NONE,
  },
  {
    name: 'bandwidthautodetect',
    type: 'i',
    section: 'session',
    meaning: 'Detect the network bandwidth automatically.',
    values: ON_OFF('no bandwidth detection', 'bandwidth detected automatically'),
    default: '1',
    security: NONE,
  },
  {
    name: 'compression',
    type: 'i',
    section: 'session',
    meaning: 'Compress data sent to the client.',
    values: ON_OFF('bulk compression off', 'bulk compression on'),
    default: '1',
    security: NONE,
  },
  {
    name: 'networkautodetect',
    type: 'i',
    section: 'session',
    meaning: 'Detect the network type automatically.',
    values: ON_OFF('no network type detection', 'network type detected automatically'),
    default: '1',
    security: NONE,
  },
  {
    name: 'videoplaybackmode',
    type: 'i',
    section: 'session',
    meaning: 'Efficient video playback.',
    values: ON_OFF('no efficient multimedia streaming for video', 'efficient multimedia streaming for video when possible'),
    default: '1',
    security: NONE,
  },
  // Device redirection
  {
    name: 'audiocapturemode',
    type: 'i',
    section: 'redirection',
    meaning: 'Client microphone passed to the session.',
    values: { '0': 'off', '1': 'on' },
    default: '0',
    recommended: '0',
    security: 'With 1 sound from the client microphone reaches the session, where programs on the host can record it.',
    note: 'Calls and meetings in the session need it.',
  },
  {
    name: 'audiomode',
    type: 'i',
    section: 'redirection',
    meaning: 'Where session audio plays.',
    values: { '0': 'on the client', '1': 'on the host', '2': 'nowhere' },
    default: '0',
    security: 'Minor: with 0 sound produced in the session is played on the client device.',
  },
  {
    name: 'camerastoredirect',
    type: 's',
    section: 'redirection',
    meaning: 'Client cameras passed to the session.',
    values: { '': 'none', '*': 'every camera' },
    forms: 'a `;`-separated list of camera device instance paths such as \\\\?\\usb#vid_0bda&pid_58b0&mi; a leading `-` excludes one',
    default: '',
    defaultNote: 'not set: no camera is redirected',
    recommended: '',
    security: 'Redirected cameras can be switched on by programs in the session, which then see what the camera sees.',
  },
  {
    name: 'devicestoredirect',
    type: 's',
    section: 'redirection',
    meaning: 'Media Transfer Protocol and Picture Transfer Protocol devices (phones, cameras) passed to the session.',
    values: { '': 'none', '*': 'every device', dynamicdevices: 'devices connected later' },
    forms: 'a `;`-separated list of device instance paths such as \\\\?\\usb#vid_0bda&pid_58b0&mi',
    default: '*',
    recommended: '',
    security: 'Storage on phones and cameras becomes readable and writable from the session, a path for files in both directions.',
  },
  {
    name: 'drivestoredirect',
    type: 's',
    section: 'redirection',
    meaning: 'Which local drives of the client appear inside the session.',
    values: { '': 'no drives', '*': 'every drive', dynamicdrives: 'drives connected later' },
    forms: 'a `;`-separated list of drive letters, such as C:\\;E:\\;',
    pattern: DRIVE_LIST,
    default: '*',
    recommended: '',
    security: 'Client drives become readable and writable from the session: data can leave the host and files, malware included, can come in.',
  },
  {
    name: 'encode redirected video capture',
    type: 'i',
    section: 'redirection',
    meaning: 'Encode redirected camera video.',
    values: ON_OFF('redirected video not encoded', 'redirected video encoded'),
    default: '1',
    security: NONE,
  },
  {
    name: 'keyboardhook',
    type: 'i',
    section: 'redirection',
    meaning: 'Where Windows key combinations apply.',
    values: {
      '0': 'on the local device',
      '1': 'in the session when it has focus (desktops)',
      '2': 'in the session only when it is full screen (desktops)',
      '3': 'in the RemoteApp when it has focus (RemoteApp, Windows client only)',
    },
    default: '2',
    security: NONE,
  },
  {
    name: 'redirectclipboard',
    type: 'i',
    section: 'redirection',
    meaning: 'Clipboard shared between client and session, both ways.',
    values: { '0': 'clipboard not shared', '1': 'clipboard shared' },
    default: '1',
    recommended: '0',
    security: 'Copy and paste works in both directions, so text, images and files can leave or enter the session.',
    note: 'Session host policy can limit the direction and data types instead of turning it off.',
  },
  {
    name: 'redirectcomports',
    type: 'i',
    section: 'redirection',
    meaning: 'Client serial and COM ports available in the session.',
    values: { '0': 'off', '1': 'on' },
    default: '1',
    recommended: '0',
    security: 'Serial devices on the client can be driven from the session, and data can pass through them.',
  },
  {
    name: 'redirected video capture encoding quality',
    type: 'i',
    section: 'redirection',
    meaning: 'Quality of encoded camera video.',
    values: { '0': 'high compression (lower quality with motion)', '1': 'medium compression', '2': 'low compression, high picture quality' },
    default: '0',
    security: NONE,
  },
  {
    name: 'redirectlocation',
    type: 'i',
    section: 'redirection',
    meaning: 'Client location passed to the session.',
    values: { '0': 'off', '1': 'on' },
    default: '0',
    recommended: '0',
    security: 'With 1 programs in the session learn where the client device physically is.',
  },
  {
    name: 'redirectprinters',
    type: 'i',
    section: 'redirection',
    meaning: 'Client printers available in the session.',
    values: { '0': 'off', '1': 'on' },
    default: '1',
    recommended: '0',
    security: 'Documents can leave the session through client printers, including print-to-file ones.',
  },
  {
    name: 'redirectsmartcards',
    type: 'i',
    section: 'redirection',
    meaning: 'Client smart cards usable in the session (good for security: keeps strong sign-in working).',
    values: { '0': 'off', '1': 'on' },
    default: '1',
    recommended: '1',
    security: 'Lets the user sign in inside the session with their smart card; turning it off weakens authentication rather than closing a data path.',
  },
  {
    name: 'redirectwebauthn',
    type: 'i',
    section: 'redirection',
    meaning: 'Passwordless sign-in (WebAuthn, Windows Hello, security keys) from inside the session.',
    values: { '0': 'off', '1': 'on' },
    default: '1',
    recommended: '1',
    security: "Sign-in prompts in the session are answered with the user's local Windows Hello or security key; turning it off pushes users to weaker methods.",
  },
  {
    name: 'usbdevicestoredirect',
    type: 's',
    section: 'redirection',
    meaning: 'USB devices passed to the session at the lowest level (opaque redirection).',
    values: { '': 'none', '*': 'every supported USB device' },
    forms: 'a device setup class GUID in braces, such as {6bdd1fc6-810f-11d0-bec7-08002be2092f}, or a USB device instance ID; several separated by `;`',
    default: '*',
    recommended: '',
    security: 'Whole USB devices, storage and input devices included, are attached to the shared host and its drivers.',
    note: 'It also needs USB redirection allowed on the client and session host.',
  },
  // Display settings
  {
    name: 'desktop size id',
    type: 'i',
    section: 'display',
    meaning: 'Session resolution from a fixed list.',
    values: { '0': '640×480', '1': '800×600', '2': '1024×768', '3': '1280×1024', '4': '1600×1200' },
    defaultNote: 'not set: matches the local device',
    security: NONE,
    note: 'desktopheight and desktopwidth override it.',
  },
  {
    name: 'desktopheight',
    type: 'i',
    section: 'display',
    meaning: 'Session height in pixels.',
    range: { min: 200, max: 8192 },
    defaultNote: 'not set: matches the local device',
    security: NONE,
  },
  {
    name: 'desktopscalefactor',
    type: 'i',
    section: 'display',
    meaning: 'Scale factor of the session.',
    values: { '100': '100%', '125': '125%', '150': '150%', '175': '175%', '200': '200%', '250': '250%', '300': '300%', '400': '400%', '500': '500%' },
    defaultNote: 'not set: matches the local device',
    security: NONE,
    deprecated: 'Microsoft says it is being deprecated.',
  },
  {
    name: 'desktopwidth',
    type: 'i',
    section: 'display',
    meaning: 'Session width in pixels.',
    range: { min: 200, max: 8192 },
    defaultNote: 'not set: matches the local device',
    security: NONE,
  },
  {
    name: 'dynamic resolution',
    type: 'i',
    section: 'display',
    meaning: 'Resize the session with the client window.',
    values: ON_OFF('resolution fixed for the session', 'resolution follows the window size'),
    default: '1',
    security: NONE,
  },
  {
    name: 'maximizetocurrentdisplays',
    type: 'i',
    section: 'display',
    meaning: 'Full screen on the current displays.',
    values: ON_OFF('full screen on the displays chosen at first', 'full screen on the displays the window spans'),
    default: '0',
    security: NONE,
    note: 'Needs use multimon 1; Windows clients only.',
  },
  {
    name: 'screen mode id',
    type: 'i',
    section: 'display',
    meaning: 'Window or full screen.',
    values: { '1': 'in a window', '2': 'full screen' },
    default: '2',
    security: NONE,
  },
  {
    name: 'selectedmonitors',
    type: 's',
    section: 'display',
    meaning: 'Which monitors to use.',
    forms: 'a comma-separated list of display IDs as `mstsc.exe /l` shows them, such as 0,1; the first becomes the primary display',
    pattern: /^\s*\d+(?:\s*,\s*\d+)*\s*$/,
    defaultNote: 'not set: every display',
    security: NONE,
    note: 'Needs use multimon 1; Windows clients only.',
  },
  {
    name: 'singlemoninwindowedmode',
    type: 'i',
    section: 'display',
    meaning: 'One monitor in windowed mode.',
    values: ON_OFF('keeps every display when leaving full screen', 'switches to one display when leaving full screen'),
    default: '0',
    security: NONE,
    note: 'Needs use multimon 1; Windows clients only.',
  },
  {
    name: 'smart sizing',
    type: 'i',
    section: 'display',
    meaning: 'Scale the session to the window.',
    values: ON_OFF('content not scaled when the window is resized', 'content scaled to the window'),
    default: '0',
    security: NONE,
  },
  {
    name: 'use multimon',
    type: 'i',
    section: 'display',
    meaning: 'Use every client monitor.',
    values: ON_OFF('one display', 'several displays'),
    default: '1',
    security: NONE,
  },
];

/** A property from the reference that Azure Virtual Desktop ignores in `customRdpProperty`. */
export interface RdsOnlyPropertyInfo {
  name: string;
  type: 'i' | 's';
  meaning: string;
  /** Why Azure Virtual Desktop does not use it. */
  reason: string;
}

const BROKER = 'Azure Virtual Desktop picks the session host and connects through its own gateway, so a fixed address is not used.';
const SIGN_IN = 'Users sign in with their own identity through the Azure Virtual Desktop feed, so a preset account is not used.';
const GATEWAY = 'Azure Virtual Desktop brings its own gateway; Remote Desktop Gateway settings do not apply.';
const REMOTEAPP = 'Azure Virtual Desktop fills this in from the RemoteApp application in the application group, not from the host pool.';

export const RDS_ONLY_PROPERTIES: readonly RdsOnlyPropertyInfo[] = [
  { name: 'full address', type: 's', meaning: 'Host name or IP address of the remote computer.', reason: BROKER },
  { name: 'alternate full address', type: 's', meaning: 'Another name or IP address of the remote computer.', reason: BROKER },
  { name: 'username', type: 's', meaning: 'Account that signs in to the remote computer.', reason: SIGN_IN },
  { name: 'domain', type: 's', meaning: 'Active Directory domain of that account.', reason: SIGN_IN },
  {
    name: 'authentication level',
    type: 'i',
    meaning: 'What the client does when it cannot authenticate the server.',
    reason: 'The service authenticates the connection for Azure Virtual Desktop; the reference lists it for Remote Desktop Services and Remote PC only.',
  },
  {
    name: 'disableconnectionsharing',
    type: 'i',
    meaning: 'Reuse a disconnected session or start a new connection.',
    reason: 'The reference lists it for Remote Desktop Services only.',
  },
  { name: 'gatewayhostname', type: 's', meaning: 'Remote Desktop Gateway host name.', reason: GATEWAY },
  { name: 'gatewaycredentialssource', type: 'i', meaning: 'How the client authenticates to the Remote Desktop Gateway.', reason: GATEWAY },
  { name: 'gatewayprofileusagemethod', type: 'i', meaning: 'Default or explicit Remote Desktop Gateway settings.', reason: GATEWAY },
  { name: 'gatewayusagemethod', type: 'i', meaning: 'When to use a Remote Desktop Gateway.', reason: GATEWAY },
  { name: 'promptcredentialonce', type: 'i', meaning: 'Reuse the gateway credentials for the remote computer.', reason: GATEWAY },
  {
    name: 'remoteapplicationmode',
    type: 'i',
    meaning: 'Start the connection as a RemoteApp session.',
    reason: 'Azure Virtual Desktop decides this from the application group type (Desktop or RemoteApp).',
  },
  { name: 'remoteapplicationprogram', type: 's', meaning: 'Alias or executable of the RemoteApp.', reason: REMOTEAPP },
  { name: 'remoteapplicationname', type: 's', meaning: 'Display name of the RemoteApp.', reason: REMOTEAPP },
  { name: 'remoteapplicationcmdline', type: 's', meaning: 'Command-line arguments of the RemoteApp.', reason: REMOTEAPP },
  { name: 'remoteapplicationexpandcmdline', type: 'i', meaning: 'Expand environment variables of the command line locally or remotely.', reason: REMOTEAPP },
  {
    name: 'remoteapplicationexpandworkingdir',
    type: 'i',
    meaning: 'Expand environment variables of the working directory locally or remotely.',
    reason: REMOTEAPP,
  },
  { name: 'remoteapplicationfile', type: 's', meaning: 'File the RemoteApp opens.', reason: REMOTEAPP },
  { name: 'remoteapplicationicon', type: 's', meaning: 'Icon shown while the RemoteApp starts.', reason: REMOTEAPP },
];

function key(name: string): string {
  return name.trim().toLowerCase();
}

const BY_NAME = new Map(RDP_PROPERTIES.map((p) => [p.name, p]));
const RDS_BY_NAME = new Map(RDS_ONLY_PROPERTIES.map((p) => [p.name, p]));

/** The Azure Virtual Desktop property of that name (case-insensitive, surrounding spaces ignored). */
export function rdpProperty(name: string): RdpPropertyInfo | undefined {
  return BY_NAME.get(key(name));
}

/** The property of that name that only Remote Desktop Services or Remote PC connections use (AVD ignores it). */
export function rdsOnlyProperty(name: string): RdsOnlyPropertyInfo | undefined {
  return RDS_BY_NAME.get(key(name));
}

/** The reference's section on one property. */
export function propertyDocsUrl(name: string): string {
  return `${DOCS_URL}#${key(name).replace(/\s+/g, '-')}`;
}

/**
 * Whether a value is valid for the property: for `i`, a whole number that is one of `values` or within `range`; for
 * `s`, one of `values` (case-insensitive), else a match of `pattern`, else any text when the property takes free forms.
 */
export function isAllowedValue(info: RdpPropertyInfo, value: string): boolean {
  const v = value.trim();
  if (info.type === 'i') {
    if (!/^\d+$/.test(v)) return false;
    if (info.values) return Object.prototype.hasOwnProperty.call(info.values, String(Number(v)));
    if (info.range) return Number(v) >= info.range.min && Number(v) <= info.range.max;
    return true;
  }
  if (info.values && Object.prototype.hasOwnProperty.call(info.values, v.toLowerCase())) return true;
  if (info.pattern) return info.pattern.test(v);
  return info.forms !== undefined;
}
