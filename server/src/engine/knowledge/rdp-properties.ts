/**
 * RDP properties a host pool's `customRdpProperty` string can set, with what the service does when the property is
 * absent (the host pool default) and the value avdsec recommends for a pooled host pool. In our own words, from
 * https://learn.microsoft.com/azure/virtual-desktop/rdp-properties.
 */
export interface RdpPropertyInfo {
  name: string;
  type: 'i' | 's';
  meaning: string;
  /** Describes each known value. */
  values?: Record<string, string>;
  /** Effective value when the property is absent from the host pool. */
  default?: string;
  /** Recommended value on a pooled host pool ('' means an empty value; undefined means no recommendation). */
  recommended?: string;
  /** Rule ids that judge this property. */
  rules?: string[];
}

export const RDP_PROPERTIES: readonly RdpPropertyInfo[] = [
  {
    name: 'enablerdsaadauth',
    type: 'i',
    meaning: 'Sign in to the session host with Microsoft Entra authentication (single sign-on).',
    values: { '0': 'Entra single sign-on off: users type their Windows password again', '1': 'Entra single sign-on on' },
    default: '0',
    recommended: '1',
    rules: ['host-pool-sso-disabled'],
  },
  {
    name: 'targetisaadjoined',
    type: 'i',
    meaning: 'Lets clients that are not Entra joined reach Entra-joined hosts with a user name and password only.',
    values: { '0': 'off', '1': 'password-only connection to Entra-joined hosts' },
    default: '0',
    rules: ['legacy-entra-password-sign-in'],
  },
  {
    name: 'enablecredsspsupport',
    type: 'i',
    meaning: 'Use CredSSP, which Network Level Authentication needs.',
    values: { '0': 'CredSSP off (no Network Level Authentication)', '1': 'CredSSP on' },
    default: '1',
    recommended: '1',
    rules: ['rdp-nla-disabled'],
  },
  {
    name: 'drivestoredirect',
    type: 's',
    meaning: 'Which local drives of the client appear inside the session.',
    values: { '': 'no drives', '*': 'every drive', dynamicdrives: 'drives connected later' },
    default: '*',
    recommended: '',
    rules: ['rdp-drive-redirection'],
  },
  {
    name: 'redirectclipboard',
    type: 'i',
    meaning: 'Clipboard shared between client and session, both ways.',
    values: { '0': 'clipboard not shared', '1': 'clipboard shared' },
    default: '1',
    recommended: '0',
    rules: ['rdp-clipboard-redirection'],
  },
  {
    name: 'usbdevicestoredirect',
    type: 's',
    meaning: 'USB devices passed to the session at the lowest level (opaque redirection).',
    values: { '': 'none', '*': 'every supported USB device' },
    default: '*',
    recommended: '',
    rules: ['rdp-usb-redirection'],
  },
  {
    name: 'devicestoredirect',
    type: 's',
    meaning: 'Media Transfer Protocol and Picture Transfer Protocol devices (phones, cameras) passed to the session.',
    values: { '': 'none', '*': 'every device', dynamicdevices: 'devices connected later' },
    default: '*',
    recommended: '',
    rules: ['rdp-device-redirection'],
  },
  {
    name: 'redirectprinters',
    type: 'i',
    meaning: 'Client printers available in the session.',
    values: { '0': 'off', '1': 'on' },
    default: '1',
    recommended: '0',
    rules: ['rdp-device-redirection'],
  },
  {
    name: 'redirectcomports',
    type: 'i',
    meaning: 'Client serial and COM ports available in the session.',
    values: { '0': 'off', '1': 'on' },
    default: '1',
    recommended: '0',
    rules: ['rdp-device-redirection'],
  },
  { name: 'camerastoredirect', type: 's', meaning: 'Client cameras passed to the session.', values: { '': 'none', '*': 'every camera' }, rules: ['rdp-media-redirection'] },
  {
    name: 'audiocapturemode',
    type: 'i',
    meaning: 'Client microphone passed to the session.',
    values: { '0': 'off', '1': 'on' },
    default: '0',
    rules: ['rdp-media-redirection'],
  },
  { name: 'redirectlocation', type: 'i', meaning: 'Client location passed to the session.', values: { '0': 'off', '1': 'on' }, default: '0', rules: ['rdp-media-redirection'] },
  {
    name: 'redirectsmartcards',
    type: 'i',
    meaning: 'Client smart cards usable in the session (good for security: keeps strong sign-in working).',
    values: { '0': 'off', '1': 'on' },
    default: '1',
  },
  {
    name: 'redirectwebauthn',
    type: 'i',
    meaning: 'Passwordless sign-in (WebAuthn, Windows Hello, security keys) from inside the session.',
    values: { '0': 'off', '1': 'on' },
    default: '1',
  },
  { name: 'audiomode', type: 'i', meaning: 'Where session audio plays.', values: { '0': 'on the client', '1': 'on the host', '2': 'nowhere' } },
  { name: 'kdcproxyname', type: 's', meaning: 'KDC proxy used to get Kerberos tickets from outside the network.' },
  { name: 'screen mode id', type: 'i', meaning: 'Window or full screen.' },
  { name: 'use multimon', type: 'i', meaning: 'Use every client monitor.' },
  { name: 'videoplaybackmode', type: 'i', meaning: 'Efficient video playback.' },
  { name: 'autoreconnection enabled', type: 'i', meaning: 'Reconnect automatically after a network drop.' },
  { name: 'bandwidthautodetect', type: 'i', meaning: 'Detect the network type automatically.' },
  { name: 'networkautodetect', type: 'i', meaning: 'Detect the network bandwidth automatically.' },
  { name: 'compression', type: 'i', meaning: 'Compress data sent to the client.' },
  { name: 'encode redirected video capture', type: 'i', meaning: 'Encode redirected camera video.' },
  { name: 'redirected video capture encoding quality', type: 'i', meaning: 'Quality of encoded camera video.' },
  { name: 'dynamic resolution', type: 'i', meaning: 'Resize the session with the client window.' },
  { name: 'smart sizing', type: 'i', meaning: 'Scale the session to the window.' },
  { name: 'desktopscalefactor', type: 'i', meaning: 'Scale factor of the session.' },
  { name: 'maximizetocurrentdisplays', type: 'i', meaning: 'Full screen on the current displays.' },
  { name: 'singlemoninwindowedmode', type: 'i', meaning: 'One monitor in windowed mode.' },
  { name: 'selectedmonitors', type: 's', meaning: 'Which monitors to use.' },
  { name: 'keyboardhook', type: 'i', meaning: 'Where Windows key combinations apply.' },
  { name: 'redirectedvideocaptureencodingquality', type: 'i', meaning: 'Quality of encoded camera video.' },
  { name: 'alternate shell', type: 's', meaning: 'Program started instead of the desktop.' },
  { name: 'remoteapplicationmode', type: 'i', meaning: 'RemoteApp session instead of a desktop.' },
];

const BY_NAME = new Map(RDP_PROPERTIES.map((p) => [p.name, p]));

export function rdpProperty(name: string): RdpPropertyInfo | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}
