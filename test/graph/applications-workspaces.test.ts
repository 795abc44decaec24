import * as assert from 'node:assert/strict';
import type { AvdGraph } from '../../server/src/engine/graph';
import { get } from '../../server/src/engine/values';
import type { Workspace } from '../../server/src/engine/workspace';
import { workspaceOf } from '../harness/engine';

/** Each application by its resource's name, with the name of its application group. */
function applications(g: AvdGraph): Record<string, string | undefined> {
  return Object.fromEntries(g.applications.map((a) => [a.resource.source.symbol ?? a.resource.key, a.appGroup?.resource.source.symbol]));
}

/** Each workspace's symbol, with the symbols of the application groups it publishes. */
function workspaces(g: AvdGraph): Record<string, (string | undefined)[]> {
  return Object.fromEntries(g.workspaces.map((w) => [w.resource.source.symbol ?? w.resource.key, w.appGroups.map((a) => a.resource.source.symbol)]));
}

async function graphOf(files: Record<string, string>): Promise<{ ws: Workspace; graph: AvdGraph }> {
  const ws = await workspaceOf(new Map(Object.entries(files)));
  return { ws, graph: ws.graph() };
}

const BICEP_GROUPS = `resource hp 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {
  name: 'hp'
  location: 'westeurope'
  properties: { hostPoolType: 'Pooled', loadBalancerType: 'BreadthFirst', preferredAppGroupType: 'RailApplications' }
}
resource apps 'Microsoft.DesktopVirtualization/applicationGroups@2024-04-03' = {
  name: 'ag-apps'
  location: 'westeurope'
  properties: { hostPoolArmPath: hp.id, applicationGroupType: 'RemoteApp' }
}
resource desktop 'Microsoft.DesktopVirtualization/applicationGroups@2024-04-03' = {
  name: 'ag-desktop'
  location: 'westeurope'
  properties: { hostPoolArmPath: hp.id, applicationGroupType: 'Desktop' }
}
`;

describe('graph: applications and workspaces', () => {
  it('Bicep: an application links to its group by parent, by a nested declaration and by its parent/child name', async () => {
    const { ws, graph } = await graphOf({
      '/ws/main.bicep': `${BICEP_GROUPS}
resource word 'Microsoft.DesktopVirtualization/applicationGroups/applications@2024-04-03' = {
  parent: apps
  name: 'word'
  properties: { filePath: 'C:\\\\word.exe', commandLineSetting: 'DoNotAllow' }
}
resource excel 'Microsoft.DesktopVirtualization/applicationGroups/applications@2024-04-03' = {
  name: '\${apps.name}/excel'
  properties: { filePath: 'C:\\\\excel.exe', commandLineSetting: 'DoNotAllow' }
}
resource more 'Microsoft.DesktopVirtualization/applicationGroups@2024-04-03' = {
  name: 'ag-more'
  location: 'westeurope'
  properties: { hostPoolArmPath: hp.id, applicationGroupType: 'RemoteApp' }
  resource calc 'applications' = {
    name: 'calc'
    properties: { filePath: 'C:\\\\calc.exe', commandLineSetting: 'DoNotAllow' }
  }
}
resource orphan 'Microsoft.DesktopVirtualization/applicationGroups/applications@2024-04-03' = {
  name: 'ag-elsewhere/orphan'
  properties: { filePath: 'C:\\\\orphan.exe', commandLineSetting: 'DoNotAllow' }
}
`,
    });
    assert.deepEqual(applications(graph), { word: 'apps', excel: 'apps', 'more::calc': 'more', orphan: undefined });
    const group = graph.appGroups.find((g) => g.resource.source.symbol === 'apps')!;
    assert.deepEqual(
      group.applications.map((a) => a.resource.source.symbol),
      ['word', 'excel'],
    );
    assert.equal(group.hostPool?.resource.source.symbol, 'hp');
    ws.dispose();
  });

  it('Bicep: a workspace publishes the groups of applicationGroupReferences (references, ids, either side of a ternary)', async () => {
    const { ws, graph } = await graphOf({
      '/ws/main.bicep': `param both bool
${BICEP_GROUPS}
resource one 'Microsoft.DesktopVirtualization/workspaces@2024-04-03' = {
  name: 'ws-one'
  location: 'westeurope'
  properties: { applicationGroupReferences: [apps.id, resourceId('Microsoft.DesktopVirtualization/applicationGroups', 'ag-desktop')] }
}
resource two 'Microsoft.DesktopVirtualization/workspaces@2024-04-03' = {
  name: 'ws-two'
  location: 'westeurope'
  properties: { applicationGroupReferences: both ? [apps.id, desktop.id] : [desktop.id] }
}
resource none 'Microsoft.DesktopVirtualization/workspaces@2024-04-03' = {
  name: 'ws-none'
  location: 'westeurope'
  properties: { friendlyName: 'nothing yet' }
}
`,
    });
    assert.deepEqual(workspaces(graph), { one: ['apps', 'desktop'], two: ['apps', 'desktop'], none: [] });
    const desktop = graph.appGroups.find((g) => g.resource.source.symbol === 'desktop')!;
    assert.deepEqual(
      desktop.workspaces.map((w) => w.resource.source.symbol),
      ['one', 'two'],
    );
    ws.dispose();
  });

  it('ARM: nested and top-level applications, and a workspace by resourceId across templates of one folder', async () => {
    const template = (resources: unknown[]) =>
      JSON.stringify(
        { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', resources },
        null,
        2,
      );
    const { ws, graph } = await graphOf({
      '/ws/groups.json': template([
        {
          type: 'Microsoft.DesktopVirtualization/applicationGroups',
          apiVersion: '2024-04-03',
          name: 'ag-apps',
          location: 'westeurope',
          properties: {
            applicationGroupType: 'RemoteApp',
            hostPoolArmPath: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp',
          },
          resources: [
            { type: 'applications', apiVersion: '2024-04-03', name: 'word', properties: { filePath: 'C:\\word.exe', commandLineSetting: 'DoNotAllow' } },
          ],
        },
        {
          type: 'Microsoft.DesktopVirtualization/applicationGroups/applications',
          apiVersion: '2024-04-03',
          name: "[format('{0}/{1}', 'ag-apps', 'excel')]",
          properties: { filePath: 'C:\\excel.exe', commandLineSetting: 'DoNotAllow' },
        },
      ]),
      '/ws/workspace.json': template([
        {
          type: 'Microsoft.DesktopVirtualization/workspaces',
          apiVersion: '2024-04-03',
          name: 'ws-finance',
          location: 'westeurope',
          properties: { applicationGroupReferences: ["[resourceId('Microsoft.DesktopVirtualization/applicationGroups', 'ag-apps')]"] },
        },
      ]),
    });
    assert.equal(graph.applications.length, 2);
    assert.ok(graph.applications.every((a) => a.appGroup === graph.appGroups[0]));
    assert.deepEqual(
      graph.workspaces.map((w) => w.appGroups.map((g) => g.resource.source.uri)),
      [['/ws/groups.json']],
    );
    ws.dispose();
  });

  it('Terraform: the application links by application_group_id; an association in another file adds the group to the workspace', async () => {
    const main = `resource "azurerm_virtual_desktop_host_pool" "hp" {
  name                = "hp"
  location            = "westeurope"
  resource_group_name = "rg"
  type                = "Pooled"
  load_balancer_type  = "BreadthFirst"
}
resource "azurerm_virtual_desktop_application_group" "apps" {
  name                = "ag-apps"
  location            = "westeurope"
  resource_group_name = "rg"
  type                = "RemoteApp"
  host_pool_id        = azurerm_virtual_desktop_host_pool.hp.id
}
resource "azurerm_virtual_desktop_application" "word" {
  name                         = "word"
  application_group_id         = azurerm_virtual_desktop_application_group.apps.id
  path                         = "C:\\\\word.exe"
  command_line_argument_policy = "DoNotAllow"
}
resource "azurerm_virtual_desktop_workspace" "ws" {
  name                = "ws-finance"
  location            = "westeurope"
  resource_group_name = "rg"
}
`;
    const association = `resource "azurerm_virtual_desktop_workspace_application_group_association" "ws_apps" {
  workspace_id         = azurerm_virtual_desktop_workspace.ws.id
  application_group_id = azurerm_virtual_desktop_application_group.apps.id
}
`;
    const ws = await workspaceOf(new Map([['/tf/main.tf', main]]));
    assert.deepEqual(applications(ws.graph()), { 'azurerm_virtual_desktop_application.word': 'azurerm_virtual_desktop_application_group.apps' });
    const word = ws.graph().applications[0].resource;
    assert.equal(word.type, 'Microsoft.DesktopVirtualization/applicationGroups/applications');
    assert.deepEqual(
      ['filePath', 'commandLineSetting'].map((k) => get(word.body, 'properties', k)?.kind),
      ['string', 'string'],
    );
    assert.deepEqual(workspaces(ws.graph()), { 'azurerm_virtual_desktop_workspace.ws': [] });

    // ARM's shape: the workspace lists the group; the association's own file is an edit of the workspace's links.
    ws.set('/tf/association.tf', association);
    assert.deepEqual(workspaces(ws.graph()), { 'azurerm_virtual_desktop_workspace.ws': ['azurerm_virtual_desktop_application_group.apps'] });
    const refs = get(ws.graph().workspaces[0].resource.body, 'properties', 'applicationGroupReferences');
    assert.ok(refs?.kind === 'array' && refs.open && refs.items.length === 1);
    assert.equal(refs.items[0].origin?.uri, '/tf/association.tf');

    ws.set('/tf/association.tf', association.replace('workspace_id         = azurerm_virtual_desktop_workspace.ws.id', 'workspace_id         = "/elsewhere"'));
    assert.deepEqual(workspaces(ws.graph()), { 'azurerm_virtual_desktop_workspace.ws': [] });
    ws.dispose();
  });

  it('an edit of the references relinks; an edit of another property keeps the graph', async () => {
    const text = `${BICEP_GROUPS}
resource one 'Microsoft.DesktopVirtualization/workspaces@2024-04-03' = {
  name: 'ws-one'
  location: 'westeurope'
  properties: { friendlyName: 'Finance', applicationGroupReferences: [apps.id] }
}
`;
    const ws = await workspaceOf(new Map([['/ws/main.bicep', text]]));
    const before = ws.graph();
    assert.deepEqual(workspaces(before), { one: ['apps'] });
    ws.set('/ws/main.bicep', text.replace("friendlyName: 'Finance'", "friendlyName: 'Finance team'"));
    // The same graph, its resources swapped for the new version's.
    assert.equal(ws.graph(), before);
    assert.deepEqual(workspaces(ws.graph()), { one: ['apps'] });
    assert.equal(
      ws.graph().workspaces[0].resource,
      ws.document('/ws/main.bicep')!.resources.find((r) => r.source.symbol === 'one'),
    );
    ws.set('/ws/main.bicep', text.replace('applicationGroupReferences: [apps.id]', 'applicationGroupReferences: [desktop.id]'));
    assert.notEqual(ws.graph(), before);
    assert.deepEqual(workspaces(ws.graph()), { one: ['desktop'] });
    ws.dispose();
  });
});
