import { displayName, relatedResource } from '../facts/host-pools';
import { avdEndpoint, endpointFor, publicAccessCases } from '../facts/private-endpoints';
import type { HostPoolNode } from '../graph';
import { NETWORK_API_VERSION, publicNetworkAccessSupport } from '../knowledge/network-api-versions';
import { caseNote, fitting } from '../message';
import type { Fix, FixIntent, RelatedInfo } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './host-pool-public-network.md';

const OPTIONS = {
  requirePrivateLink: {
    type: 'boolean',
    default: false,
    description:
      'Set to true when every host pool must be reached through Private Link: a pool open to public networks is then a warning even when no private endpoint is visible in the workspace.',
  },
} as const;

const PATH = ['properties', 'publicNetworkAccess'];

function check(pool: HostPoolNode, ctx: RuleContext<typeof OPTIONS>): void {
  const hp = pool.resource;
  const name = displayName(hp);
  // Terraform's azurerm host pool has no API version: the provider writes the attribute.
  const support = hp.apiVersion === undefined ? 'all' : publicNetworkAccessSupport(hp.apiVersion);
  const evidence = ctx.options.requirePrivateLink ? undefined : avdEndpoint(ctx.graph, hp);
  const intent = ctx.options.requirePrivateLink ? 'required' : evidence ? 'endpoint' : undefined;
  const own = endpointFor(ctx.graph, hp, 'connection').kind === 'exact';
  for (const c of publicAccessCases(hp)) {
    if (c.mode !== 'enabled' && c.mode !== 'hosts-only') continue;
    const absent = !c.value;
    const related: RelatedInfo[] = [];
    if (c.when && c.value) related.push({ uri: hp.source.uri, range: c.value.range, message: caseNote(c.when) });
    if (support === 'none' || (support === 'enabled-disabled' && c.mode === 'enabled'))
      related.push({
        uri: hp.source.uri,
        range: hp.source.headRange,
        message:
          support === 'none'
            ? `API version ${hp.apiVersion} has no publicNetworkAccess: the fixes move the host pool to ${NETWORK_API_VERSION}`
            : `API version ${hp.apiVersion} accepts only Enabled or Disabled: the fix for EnabledForClientsOnly moves the host pool to ${NETWORK_API_VERSION}`,
      });
    if (evidence && c.mode === 'enabled') related.push(relatedResource(evidence.endpoint, 'A private endpoint for Azure Virtual Desktop is declared here'));
    const fixes: Fix[] = [];
    // An API version without the value moves to one that has it, in the same edit.
    const set = (value: string, needs: boolean): FixIntent => {
      const intent: FixIntent = { kind: 'set-property', resource: hp.key, path: PATH, value };
      return needs ? { kind: 'several', intents: [{ kind: 'set-api-version', resource: hp.key, apiVersion: NETWORK_API_VERSION }, intent] } : intent;
    };
    const moves = (needs: boolean) => (needs ? ` (API version ${NETWORK_API_VERSION})` : '');
    if (c.mode === 'enabled')
      fixes.push(fix(`Allow public access for clients only${moves(support !== 'all')}`, set('EnabledForClientsOnly', support !== 'all'), own));
    // Closing a pool without its `connection` private endpoint cuts every session: preferred only when the endpoint is here.
    fixes.push(fix(`Close the host pool to public networks${moves(support === 'none')}`, set('Disabled', support === 'none'), own && c.mode === 'hosts-only'));
    ctx.report({
      uri: hp.source.uri,
      at: c.value?.range ?? hp.source.headRange,
      value: c.value,
      message: c.mode === 'hosts-only' ? hostsOnlyMessage(name) : enabledMessage(name, absent, intent),
      shift: c.mode === 'hosts-only' ? -1 : (intent ? 0 : -1) - (absent ? 1 : 0),
      related,
      fixes,
      key: `${hp.key}|properties.publicNetworkAccess|${c.when}`,
    });
  }
}

function enabledMessage(name: string, absent: boolean, intent: 'required' | 'endpoint' | undefined): string {
  const open = `Host pool ${name} is open to public networks${absent ? ' by default' : ''}`;
  if (intent === 'required')
    return fitting(`${open}, though Private Link is required: clients and hosts can reach it over the internet.`, `${open}, though Private Link is required.`);
  if (intent === 'endpoint')
    return fitting(
      `${open}, though this deployment uses private endpoints: clients and hosts can reach it over the internet.`,
      `${open}, though this deployment uses private endpoints.`,
    );
  return fitting(`${open}: clients and session hosts reach it over the internet rather than through Private Link.`, `${open}.`);
}

function hostsOnlyMessage(name: string): string {
  return fitting(
    `Host pool ${name} lets session hosts reach it over public networks: only its clients are held to Private Link.`,
    `Host pool ${name} lets session hosts reach it over public networks.`,
  );
}

export default defineRule({
  id: 'host-pool-public-network',
  title: 'Host pools should not accept connections from public networks without need',
  level: 'warning',
  severity: 'medium',
  boundary: ['network'],
  summary:
    'Finds host pools open to public networks (publicNetworkAccess absent or Enabled, or EnabledForSessionHostsOnly), a warning where Private Link is meant.',
  docs,
  appliesTo: 'hostPool',
  options: OPTIONS,
  check,
});
