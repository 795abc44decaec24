import { displayName, relatedResource } from '../facts/host-pools';
import {
  type AvdSubResource,
  avdEndpoint,
  carriesGlobalEndpoint,
  endpointFor,
  endpointLinks,
  globalEndpointMayExist,
  globalSubject,
  type PublicAccess,
  publicAccessCases,
} from '../facts/private-endpoints';
import type { HostPoolNode, WorkspaceNode } from '../graph';
import { caseNote, fitting } from '../message';
import type { RelatedInfo } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './private-access-without-endpoint.md';

const OPTIONS = {
  requirePrivateLink: {
    type: 'boolean',
    default: false,
    description:
      'Set to true when the private endpoints of Azure Virtual Desktop must be in the workspace: a host pool or workspace closed to public networks without its endpoint is then an error even when no private endpoint is visible at all (by default that is information, as endpoints often come from a separate network repository).',
  },
} as const;

/** What each closed mode keeps off public networks, and what it cuts off when the private endpoint is missing. */
const POOL_MODES: Partial<Record<PublicAccess, { closed: string; loss: string }>> = {
  disabled: { closed: 'is closed to public networks', loss: 'no client or session host can reach it' },
  'clients-only': { closed: 'keeps session hosts off public networks', loss: 'its session hosts cannot reach the service' },
  'hosts-only': { closed: 'keeps clients off public networks', loss: 'its users cannot connect' },
};
const WORKSPACE_MODE = { closed: 'is closed to public networks', loss: 'its users cannot download their feed' };

function check(subject: HostPoolNode | WorkspaceNode, ctx: RuleContext<typeof OPTIONS>): void {
  const r = subject.resource;
  const pool = 'sessionHosts' in subject;
  const sub: AvdSubResource = pool ? 'connection' : 'feed';
  const kind = pool ? 'Host pool' : 'Workspace';
  const name = displayName(r);
  // The workspace of the `global` endpoint is reachable from public routes whatever it says, and may publish no feed.
  const exempt = !pool && carriesGlobalEndpoint(ctx.graph, r);
  const closed = exempt ? [] : publicAccessCases(r).filter((c) => c.mode && c.mode !== 'enabled' && (pool || c.mode === 'disabled'));
  const visible = ctx.options.requirePrivateLink ? undefined : avdEndpoint(ctx.graph, r);
  if (closed.length && endpointFor(ctx.graph, r, sub).kind === 'none') {
    const shown = ctx.options.requirePrivateLink || !!visible;
    // A private endpoint that points at it for another sub-resource: likely the one meant.
    const other = endpointLinks(ctx.graph).find((l) => l.target?.key === r.key);
    for (const c of closed) {
      const { closed: how, loss } = pool ? POOL_MODES[c.mode!]! : WORKSPACE_MODE;
      const related: RelatedInfo[] = [];
      if (c.when && c.value) related.push({ uri: r.source.uri, range: c.value.range, message: caseNote(c.when) });
      if (other)
        related.push(
          relatedResource(other.endpoint, `This private endpoint points at it for ${other.groups?.join(', ') || 'another sub-resource'}, not ${sub}`),
        );
      else if (visible) related.push(relatedResource(visible.endpoint, 'Other private endpoints of Azure Virtual Desktop are declared here'));
      ctx.report({
        uri: r.source.uri,
        at: c.value?.range ?? r.source.headRange,
        value: c.value,
        message: shown
          ? fitting(
              `${kind} ${name} ${how} but has no private endpoint for its ${sub} sub-resource: ${loss}.`,
              `${kind} ${name} ${how} but has no ${sub} private endpoint: ${loss}.`,
            )
          : fitting(
              `${kind} ${name} ${how} and no private endpoint is in sight: without one made elsewhere, ${loss}.`,
              `${kind} ${name} ${how} and no private endpoint is in sight.`,
            ),
        // Private endpoints often come from a separate network repository: with none in sight, only information.
        shift: shown ? 0 : -2,
        related,
        // The catalog's skeleton, never applied on its own: its subnet is a placeholder to fill in. Bicep and
        // Terraform only; an ARM template would need the endpoint written as a resource of the template's array.
        fixes:
          r.source.language === 'arm'
            ? []
            : [
                fix(`Add a private endpoint for its ${sub} sub-resource (a skeleton to complete)`, {
                  kind: 'add-private-endpoint',
                  resource: r.key,
                  groupId: sub,
                }),
              ],
        key: `${r.key}|private-endpoint|${sub}|${c.when}`,
      });
    }
  }
  const project = ctx.graph.project(r.source.uri);
  if (globalSubject(ctx.graph, project) === r && !globalEndpointMayExist(ctx.graph, project)) {
    ctx.report({
      uri: r.source.uri,
      at: r.source.headRange,
      message: fitting(
        `${kind} ${name} keeps clients off public networks, but no private endpoint for the global sub-resource is visible: feed discovery stays on public routes.`,
        `${kind} ${name} keeps clients off public networks, but no global private endpoint is visible.`,
      ),
      shift: -2,
      related: [
        {
          uri: r.source.uri,
          range: r.source.headRange,
          message: 'One private endpoint for the global sub-resource serves the whole deployment, best on an unused placeholder workspace',
        },
      ],
      key: `${r.key}|private-endpoint|global`,
      chosen: true,
    });
  }
}

export default defineRule({
  id: 'private-access-without-endpoint',
  title: 'Host pools and workspaces closed to public networks need their private endpoints',
  level: 'error',
  severity: 'high',
  boundary: ['network'],
  summary:
    'Finds host pools and workspaces closed to public networks without the private endpoint for their connection or feed sub-resource, and deployments without a global one.',
  docs,
  appliesTo: ['hostPool', 'workspace'],
  options: OPTIONS,
  check,
});
