import { displayName, relatedResource } from '../facts/host-pools';
import { appGroupGrant, cloudOnlyIdentity, entraDomainServices } from '../facts/principals';
import type { RoleAssignmentNode } from '../graph';
import { caseNote, fitting } from '../message';
import { defineRule, type RuleContext } from '../rule';
import docs from './cloud-identity-on-ad-joined-hosts.md';

function check(ra: RoleAssignmentNode, ctx: RuleContext): void {
  const grant = appGroupGrant(ctx.graph, ra);
  const pool = grant?.appGroup.hostPool;
  if (!grant || !pool || !ra.principal) return;
  // Only hosts seen to be joined to Active Directory alone: an unknown or mixed join may be Microsoft Entra join.
  const hosts = pool.sessionHosts;
  if (!hosts.length || !hosts.every((h) => h.joinType === 'ad')) return;
  // Microsoft Entra Domain Services syncs cloud-only users into its managed domain: they can sign in to hosts joined to it.
  if (entraDomainServices(ctx.graph)) return;
  const who = cloudOnlyIdentity(ctx.graph, ra.principal);
  if (!who) return;
  const hp = pool.resource;
  const Who = who.label.charAt(0).toUpperCase() + who.label.slice(1);
  ctx.report({
    uri: ra.resource.source.uri,
    at: ra.principal.range,
    value: ra.principal,
    message: fitting(
      `${Who} can use host pool ${displayName(hp)}, whose hosts are joined only to Active Directory: cloud-only identities cannot sign in there.`,
      `${Who} cannot sign in to host pool ${displayName(hp)}: its hosts are joined only to Active Directory.`,
    ),
    related: [
      ...who.related,
      ...(grant.role.when ? [{ uri: ra.resource.source.uri, range: grant.role.value.range, message: caseNote(grant.role.when) }] : []),
      relatedResource(grant.appGroup.resource, `Application group ${displayName(grant.appGroup.resource)} of host pool ${displayName(hp)}`),
      ...hosts
        .slice(0, 3)
        .map((h) => relatedResource(h.joinEvidence ?? h.vm, `Session host ${displayName(h.vm)} is joined only to Active Directory (no Microsoft Entra join)`)),
    ],
    key: `${ra.resource.key}|properties.principalId`,
  });
}

export default defineRule({
  id: 'cloud-identity-on-ad-joined-hosts',
  title: 'Cloud-only identities need Microsoft Entra joined session hosts',
  level: 'warning',
  severity: 'medium',
  boundary: ['identity'],
  summary: 'Finds cloud-only users and groups given access to a host pool whose session hosts are joined only to Active Directory, where they cannot sign in.',
  docs,
  appliesTo: 'roleAssignment',
  check,
});
