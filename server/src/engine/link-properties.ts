/**
 * The properties (under a resource's `properties`) the AVD graph links by: see graph.ts (linkFacts, GraphBuilder). An
 * edit inside any other property's string value cannot change how a document links to the rest (lower case).
 */
export const LINK_PROPERTIES: ReadonlySet<string> = new Set(
  [
    'hostPoolType',
    'hostPoolArmPath',
    'hostPoolId',
    'roleDefinitionId',
    'roleDefinitionName',
    'roleName',
    'principalId',
    'virtualMachineId',
    'publisher',
    'type',
    'settings',
    'protectedSettings',
  ].map((k) => k.toLowerCase()),
);
