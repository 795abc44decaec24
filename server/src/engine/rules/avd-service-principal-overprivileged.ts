import { avdServicePrincipalCases, type AvdPrincipal } from '../facts/avd-service-principal';
import { relatedResource } from '../facts/host-pools';
import type { RoleAssignmentNode, ScopeInfo } from '../graph';
import { TYPES } from '../graph/links';
import { typeOf } from '../graph/resources';
import { roleByName, type RoleInfo } from '../knowledge/roles';
import { caseNote, fitting } from '../message';
import type { Fix, RelatedInfo, Value } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './avd-service-principal-overprivileged.md';

const ID = 'avd-service-principal-overprivileged';

/**
 * Roles that reach far beyond powering hosts on and off, with what they let the AVD service principal do. The roles
 * AVD asks for (Desktop Virtualization Power On, Power On Off and Virtual Machine Contributor) and narrow ones such as
 * the storage reader roles of app attach are not listed: they are what the features need.
 */
const TOO_WIDE: ReadonlyMap<string, string> = new Map([
  ['Owner', 'control every resource'],
  ['Contributor', 'change or delete every resource'],
  ['User Access Administrator', 'grant any role'],
  ['Role Based Access Control Administrator', 'grant roles'],
  ['Virtual Machine Contributor', 'run code on VMs as SYSTEM'],
]);

const POWER_ON = roleByName('Desktop Virtualization Power On Contributor')!;
const POWER_ON_OFF = roleByName('Desktop Virtualization Power On Off Contributor')!;

function scopePhrase(scope: ScopeInfo): string {
  switch (scope.kind) {
    case 'vm':
      return 'on a VM';
    case 'resourceGroup':
      return 'on a resource group';
    case 'subscription':
      return 'on the subscription';
    case 'managementGroup':
      return 'on a management group';
    case 'other':
      return 'on a resource';
    default:
      return 'on its scope';
  }
}

/** Autoscale needs Power On Off Contributor; Start VM on Connect alone needs Power On Contributor. */
function powerRole(ctx: RuleContext): RoleInfo {
  for (const r of ctx.graph.byKey.values()) if (typeOf(r) === TYPES.scalingPlan) return POWER_ON_OFF;
  return POWER_ON;
}

function principalNote(ra: RoleAssignmentNode, who: AvdPrincipal, principal: Value): RelatedInfo {
  const uri = ra.resource.source.uri;
  // Where the assignment names its principal, in its own document (a case may come from a module's caller).
  const range = (ra.principal ?? principal).range;
  switch (who.how) {
    case 'declared':
      return relatedResource(who.declaration, 'The Azure Virtual Desktop service principal, looked up by its application id or name');
    case 'app-id':
      return { uri, range, message: 'The Azure Virtual Desktop application id, given as the principal' };
    case 'named':
      return { uri, range, message: `Taken for the Azure Virtual Desktop service principal by the name of ${who.text}` };
  }
}

/** The module calls a case names (`with module 'rbac' in main.bicep`): a role and a principal pair up when they name the same. */
function moduleCalls(when: string): string {
  return (when.match(/with module '[^']*' in \S+/g) ?? []).sort().join('|');
}

function check(ra: RoleAssignmentNode, ctx: RuleContext): void {
  const principals = avdServicePrincipalCases(ctx.graph, ra.principal);
  if (!principals.length) return;
  const scope = scopePhrase(ra.scope);
  for (const rc of ra.roles) {
    const role = rc.role;
    const does = role && TOO_WIDE.get(role.name);
    if (!role || !does) continue;
    const calls = moduleCalls(rc.when);
    // A principal that reaches this assignment through the same module call as the role (or through every call).
    const p = principals.find((x) => !calls || !moduleCalls(x.when) || moduleCalls(x.when) === calls);
    if (!p) continue;
    const { who } = p;
    const message =
      who.how === 'named'
        ? fitting(
            `${role.name} ${scope} goes to ${who.text}, likely the Azure Virtual Desktop service principal, which needs only power roles.`,
            `${role.name} ${scope} goes to ${who.text}, likely the AVD service principal, which needs only power roles.`,
          )
        : fitting(
            `${role.name} ${scope} lets the Azure Virtual Desktop service principal ${does} there, when it needs only to power hosts on and off.`,
            `${role.name} ${scope} lets the Azure Virtual Desktop service principal ${does} there, far beyond powering hosts.`,
            `${role.name} ${scope} gives the Azure Virtual Desktop service principal far more than powering hosts needs.`,
          );
    const related: RelatedInfo[] = [];
    const when = rc.when || p.when;
    if (when) related.push({ uri: ra.resource.source.uri, range: rc.value.range, message: caseNote(when) });
    related.push(principalNote(ra, who, p.value));
    const to = powerRole(ctx);
    // Only a role written as text can be replaced (not one read from a role definition resource or data source).
    const fixes: Fix[] =
      rc.value.kind === 'string'
        ? [fix(`Use ${to.name} instead`, { kind: 'replace-role', resource: ra.resource.key, fromGuid: role.guid, toGuid: to.guid, toName: to.name }, true)]
        : [];
    ctx.report({
      uri: ra.resource.source.uri,
      at: rc.value.range,
      value: rc.value,
      message,
      // A principal known only by the name of its parameter is a guess: one level lower.
      shift: who.how === 'named' ? -1 : 0,
      related,
      fixes,
      key: `${ra.resource.key}|properties.roleDefinitionId|${rc.when}`,
    });
  }
}

export default defineRule({
  id: ID,
  title: 'The Azure Virtual Desktop service principal should hold only the roles it needs',
  level: 'warning',
  severity: 'medium',
  boundary: ['management-plane'],
  summary:
    'Finds role assignments that give the Azure Virtual Desktop service principal Owner, Contributor, access administration or Virtual Machine Contributor instead of the power roles it needs.',
  docs,
  appliesTo: 'roleAssignment',
  check,
});
