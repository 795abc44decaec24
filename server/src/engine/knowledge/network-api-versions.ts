/**
 * Which API versions of Microsoft.DesktopVirtualization have the network properties the network rules judge, read from
 * the resource types Bicep ships (Azure/bicep-types-az, generated/desktopvirtualization). A property the API version
 * lacks cannot be set until the resource moves to a newer one.
 */

/** The GA API version a fix moves a resource to when its own version lacks a property. */
export const NETWORK_API_VERSION = '2024-04-03';

/** API versions whose host pools and workspaces have no `publicNetworkAccess`: every version before 2021-04-01-preview, and two GA versions. */
const WITHOUT_PUBLIC_NETWORK_ACCESS = new Set([
  '2019-01-23-preview',
  '2019-09-24-preview',
  '2019-12-10-preview',
  '2020-09-21-preview',
  '2020-10-19-preview',
  '2020-11-02-preview',
  '2020-11-10-preview',
  '2021-01-14-preview',
  '2021-02-01-preview',
  '2021-03-09-preview',
  '2021-07-12',
  '2022-09-09',
]);

/** API versions whose host pools know only `Enabled` and `Disabled` (the ...Only modes came with 2022-02-10-preview). */
const ENABLED_OR_DISABLED_ONLY = new Set(['2021-04-01-preview', '2021-09-03-preview']);

/** The first preview with the RDP Shortpath properties (`managedPrivateUDP`, `directUDP`, `publicUDP`, `relayUDP`); no GA version has them. */
const FIRST_UDP_PREVIEW = '2024-01-16-preview';

const VERSION = /^(\d{4}-\d{2}-\d{2})(-preview)?$/i;

/**
 * What `publicNetworkAccess` of a host pool or workspace accepts at an API version: `none` (the property does not exist),
 * `enabled-disabled` (host pools of two early previews), `all`; undefined when the version is not a literal date.
 */
export function publicNetworkAccessSupport(apiVersion: string | undefined): 'none' | 'enabled-disabled' | 'all' | undefined {
  const v = apiVersion?.trim().toLowerCase();
  if (!v || !VERSION.test(v)) return undefined;
  if (WITHOUT_PUBLIC_NETWORK_ACCESS.has(v)) return 'none';
  if (ENABLED_OR_DISABLED_ONLY.has(v)) return 'enabled-disabled';
  // Versions before the first that has it, not listed above, do not exist; every later one has it.
  return v < '2021-04-01' ? 'none' : 'all';
}

/** Whether a host pool API version has the RDP Shortpath transport properties; undefined when the version is not a literal date. */
export function hasShortpathProperties(apiVersion: string | undefined): boolean | undefined {
  return previewFrom(apiVersion, FIRST_UDP_PREVIEW);
}

/** A preview version on or after `first` (GA versions up to 2025-10-10 have none of the Shortpath properties). */
function previewFrom(apiVersion: string | undefined, first: string): boolean | undefined {
  const m = VERSION.exec(apiVersion?.trim() ?? '');
  if (!m) return undefined;
  return !!m[2] && m[1] >= first.slice(0, 10);
}
