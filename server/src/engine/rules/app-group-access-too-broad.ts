import { displayName, relatedResource } from '../facts/host-pools';
import { everyoneGroup, type EveryoneEvidence } from '../facts/principals';
import type { AvdGraph, RoleAssignmentNode } from '../graph';
import { identityKey, resourceGroupOf, sameTemplate } from '../graph';
import { DESKTOP_VIRTUALIZATION_USER } from '../knowledge/roles';
import { caseNote, fitting } from '../message';
import type { Fix, RelatedInfo, Value } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { get, knownString } from '../values';
import docs from './app-group-access-too-broad.md';

type Broad = 'resourceGroup' | 'subscription' | 'managementGroup';

const SCOPE_TEXT: Record<Broad, string> = {
  resourceGroup: 'a resource group',
  subscription: 'the subscription',
  managementGroup: 'a management group',
};

function broadScope(ra: RoleAssignmentNode): Broad | undefined {
  const k = ra.scope.kind;
  return k === 'resourceGroup' || k === 'subscription' || k === 'managementGroup' ? k : undefined;
}

/** Where the grant applies, for messages: the application group, or a scope above it. */
function scopeText(graph: AvdGraph, ra: RoleAssignmentNode): string {
  const broad = broadScope(ra);
  if (broad) return SCOPE_TEXT[broad];
  const target = ra.scope.kind === 'other' ? ra.scope.target : undefined;
  const ag = target && graph.appGroups.find((g) => g.resource === target);
  return ag ? `application group ${displayName(ag.resource)}` : 'its scope';
}

/** The visible application groups in the resource group a grant is scoped to. */
function appGroupsInScope(graph: AvdGraph, ra: RoleAssignmentNode): RelatedInfo[] {
  if (ra.scope.kind !== 'resourceGroup') return [];
  const k = identityKey(ra.scope.name);
  if (k === undefined) return [];
  return graph.appGroups
    .filter((g) => !g.resource.source.existing && identityKey(resourceGroupOf(g.resource)) === k)
    .map((g) => relatedResource(g.resource, `Application group ${displayName(g.resource)} is in the resource group`));
}

/** Keeps guests out of an all-users rule: the catalog's member filter, joined the way the rule joins its clauses. */
function memberFilterFix(e: EveryoneEvidence): Fix[] {
  const rule = e.rule;
  const text = knownString(rule);
  if (e.kind !== 'all' || !rule || text === undefined || rule.kind !== 'string' || rule.parts.length !== 1) return [];
  const tf = get(e.group.body, 'dynamic_membership', 'rule') === rule;
  const path = tf ? ['dynamic_membership', 'rule'] : get(e.group.body, 'membershipRule') === rule ? ['membershipRule'] : ['properties', 'membershipRule'];
  const and = /-and\b/i.test(text) ? '-and' : 'and';
  return [
    fix("Keep guests out of the group's membership rule", {
      kind: 'set-property',
      resource: e.group.key,
      path,
      value: `${text.trim()} ${and} (user.userType -eq "Member")`,
    }),
  ];
}

function check(ra: RoleAssignmentNode, ctx: RuleContext): void {
  const { graph } = ctx;
  const role = ra.roles.find((r) => r.role === DESKTOP_VIRTUALIZATION_USER);
  if (!role) return;
  const broad = broadScope(ra);
  const where = scopeText(graph, ra);
  const roleCase: RelatedInfo[] = role.when ? [{ uri: ra.resource.source.uri, range: role.value.range, message: caseNote(role.when) }] : [];
  const inScope = appGroupsInScope(graph, ra);

  const everyone = ra.principal ? everyoneGroup(graph, ra.principal) : undefined;
  if (everyone && ra.principal) {
    const who =
      everyone.kind === 'all'
        ? 'which takes every user of the tenant, guests included'
        : everyone.kind === 'members'
          ? 'which takes every member of the tenant'
          : 'whose name says it holds everyone';
    ctx.report({
      uri: ra.resource.source.uri,
      at: ra.principal.range,
      value: ra.principal,
      shift: everyone.kind === 'all' ? 0 : -1,
      message: fitting(
        `Desktop Virtualization User on ${where} goes to ${everyone.label}, ${who}: grant it to a group of the users who need it.`,
        `Desktop Virtualization User on ${where} goes to ${everyone.label}, ${who}.`,
      ),
      related: [
        ...everyone.related,
        ...roleCase,
        ...(broad
          ? [
              {
                uri: ra.resource.source.uri,
                range: ra.resource.source.headRange,
                message: `The grant is also on ${SCOPE_TEXT[broad]}, not one application group`,
              },
            ]
          : []),
        ...inScope.slice(0, 5),
      ],
      fixes: memberFilterFix(everyone),
      key: `${ra.resource.key}|properties.principalId`,
    });
    return;
  }
  if (!broad) return;
  // A landing zone may put each application group in a resource group of its own: then the grant opens that one only.
  const single = broad === 'resourceGroup' && inScope.length === 1;
  const scope: Value | undefined = get(ra.resource.body, 'scope');
  const at = scope ?? role.value;
  ctx.report({
    uri: ra.resource.source.uri,
    at: at.range,
    value: at,
    shift: single ? -1 : 0,
    message: single
      ? fitting(
          `Desktop Virtualization User on ${SCOPE_TEXT[broad]} opens its one application group, and every one added to it later, to the principal.`,
          `Desktop Virtualization User on ${SCOPE_TEXT[broad]} opens every application group later added to it too.`,
        )
      : fitting(
          `Desktop Virtualization User on ${SCOPE_TEXT[broad]} opens every application group in it to the principal, including those added later.`,
          `Desktop Virtualization User on ${SCOPE_TEXT[broad]} opens every application group in it to the principal.`,
        ),
    related: [...roleCase, ...inScope.slice(0, 5)],
    fixes: scopeFix(graph, ra),
    key: `${ra.resource.key}|scope`,
  });
}

/**
 * The catalog's fix: when the template declares exactly one application group, grant on it alone. ARM writes such a
 * scope as an expression the fix does not write.
 */
function scopeFix(graph: AvdGraph, ra: RoleAssignmentNode): Fix[] {
  if (ra.resource.source.language === 'arm') return [];
  const groups = graph.appGroups.filter((g) => sameTemplate(g.resource, ra.resource));
  if (groups.length !== 1 || groups[0].resource.source.loop) return [];
  return [fix(SCOPE_TO_GROUP, { kind: 'set-reference', resource: ra.resource.key, path: ['scope'], target: groups[0].resource.key }, true)];
}

const SCOPE_TO_GROUP = "Grant it on the template's one application group";

export default defineRule({
  id: 'app-group-access-too-broad',
  title: 'Application groups should not be assigned to everyone',
  level: 'warning',
  severity: 'medium',
  boundary: ['identity'],
  summary:
    'Finds Desktop Virtualization User granted to a group of everyone (an all-users dynamic group, a tenant-wide group) or above an application group (a resource group, the subscription).',
  docs,
  appliesTo: 'roleAssignment',
  check,
});
