import { displayName, relatedResource } from '../facts/host-pools';
import { carriesGlobalEndpoint, endpointFor, publicAccessCases } from '../facts/private-endpoints';
import type { WorkspaceNode } from '../graph';
import { NETWORK_API_VERSION, publicNetworkAccessSupport } from '../knowledge/network-api-versions';
import { caseNote, fitting } from '../message';
import type { Fix, FixIntent, RelatedInfo } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './workspace-public-network.md';

const OPTIONS = {
  requirePrivateLink: {
    type: 'boolean',
    default: false,
    description: 'Set to true when every workspace feed must be reached through Private Link: a workspace open to public networks is then a warning.',
  },
} as const;

function check(node: WorkspaceNode, ctx: RuleContext<typeof OPTIONS>): void {
  const ws = node.resource;
  // The workspace that carries the deployment's `global` private endpoint is always reachable from public routes, whatever it says.
  if (carriesGlobalEndpoint(ctx.graph, ws)) return;
  const name = displayName(ws);
  const terraform = ws.apiVersion === undefined;
  const support = terraform ? 'all' : publicNetworkAccessSupport(ws.apiVersion);
  const feed = endpointFor(ctx.graph, ws, 'feed');
  const raise = ctx.options.requirePrivateLink || feed.kind === 'exact' ? 1 : 0;
  for (const c of publicAccessCases(ws)) {
    if (c.mode !== 'enabled') continue;
    const absent = !c.value;
    const related: RelatedInfo[] = [];
    if (c.when && c.value) related.push({ uri: ws.source.uri, range: c.value.range, message: caseNote(c.when) });
    if (support === 'none')
      related.push({
        uri: ws.source.uri,
        range: ws.source.headRange,
        message: `API version ${ws.apiVersion} has no publicNetworkAccess: the fix moves the workspace to ${NETWORK_API_VERSION}`,
      });
    if (feed.kind === 'exact') related.push(relatedResource(feed.link.endpoint, 'The private endpoint of its feed is declared here'));
    const fixes: Fix[] = [];
    // azurerm writes the setting as the boolean `public_network_access_enabled` (azapi bodies have an API version and ARM's values).
    const value = terraform ? false : 'Disabled';
    const close: FixIntent = { kind: 'set-property', resource: ws.key, path: ['properties', 'publicNetworkAccess'], value };
    fixes.push(
      fix(
        `Close the workspace feed to public networks${support === 'none' ? ` (API version ${NETWORK_API_VERSION})` : ''}`,
        // An API version without the property moves to one that has it, in the same edit.
        support === 'none' ? { kind: 'several', intents: [{ kind: 'set-api-version', resource: ws.key, apiVersion: NETWORK_API_VERSION }, close] } : close,
        // Without a feed private endpoint, closing the feed hides it from every user.
        feed.kind === 'exact',
      ),
    );
    const open = `Workspace ${name} serves its feed to public networks${absent ? ' by default' : ''}`;
    ctx.report({
      uri: ws.source.uri,
      at: c.value?.range ?? ws.source.headRange,
      value: c.value,
      message:
        feed.kind === 'exact'
          ? fitting(
              `${open}, though a private endpoint serves it: users can still reach it from any internet connection.`,
              `${open}, though a private endpoint serves it.`,
            )
          : fitting(`${open}: users can list their desktops and applications from any internet connection.`, `${open}.`),
      shift: raise - (absent ? 1 : 0),
      related,
      fixes,
      key: `${ws.key}|properties.publicNetworkAccess|${c.when}`,
    });
  }
}

export default defineRule({
  id: 'workspace-public-network',
  title: 'Workspaces should not serve the feed to public networks without need',
  level: 'info',
  severity: 'low',
  boundary: ['network'],
  summary:
    'Finds workspaces whose feed is open to public networks (publicNetworkAccess absent or Enabled), except the workspace that carries the global private endpoint.',
  docs,
  appliesTo: 'workspace',
  options: OPTIONS,
  check,
});
