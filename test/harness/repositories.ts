// Texts for the tests of repositories scanned together (test/cli/repositories.test.ts, test/lsp/repositories.test.ts).

/** A pooled host pool in Bicep that writes no diagnostic setting. */
export const POOL = (name: string) => `resource hostPool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: '${name}'
  location: 'westeurope'
  properties: {
    hostPoolType: 'Pooled'
    loadBalancerType: 'BreadthFirst'
    preferredAppGroupType: 'Desktop'
  }
}
`;

/** Sends the logs of a host pool named by parameter (RDS-Templates' NativeMonitoring does): any pool of its repository. */
export const DIAGNOSTICS_BY_NAME = JSON.stringify(
  {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { hostPoolName: { type: 'string' }, workspaceId: { type: 'string' } },
    resources: [
      {
        type: 'Microsoft.Insights/diagnosticSettings',
        apiVersion: '2021-05-01-preview',
        name: 'hp-diagnostics',
        scope: "[resourceId('Microsoft.DesktopVirtualization/hostPools', parameters('hostPoolName'))]",
        properties: { workspaceId: "[parameters('workspaceId')]", logs: [{ categoryGroup: 'allLogs', enabled: true }] },
      },
    ],
  },
  null,
  2,
);

/**
 * Two repositories: a's host pool and a diagnostic setting on a pool named by parameter (may be a's), b's host pool
 * (no setting of its own repository may be its).
 */
export const TWO_REPOSITORIES = {
  'a/.git/HEAD': 'ref: refs/heads/main\n',
  'a/pool.bicep': POOL('hp-a'),
  'a/diagnostics.json': DIAGNOSTICS_BY_NAME,
  'b/.git/HEAD': 'ref: refs/heads/main\n',
  'b/pool.bicep': POOL('hp-b'),
};
