import { displayName, poolTypeCases, pooledCases, relatedResource } from '../facts/host-pools';
import { appGroupGrant, externalIdentity, type PrincipalEvidence } from '../facts/principals';
import { rdpCases } from '../facts/rdp';
import type { HostPoolNode, RoleAssignmentNode } from '../graph';
import { caseNote, fitting, capitalize } from '../message';
import type { RelatedInfo } from '../model';
import { findRdp } from '../rdp';
import { defineRule, type RuleContext } from '../rule';
import { get, knownString } from '../values';
import docs from './cross-organization-pooled-users.md';

/** What external identities need of a pool that the code shows missing (Microsoft's external identity prerequisites). */
interface Prerequisites {
  /** 'join': a session host is joined only to Active Directory; 'sso': single sign-on is off in some case. */
  unmet?: 'join' | 'sso';
  related: RelatedInfo[];
}

function prerequisites(pool: HostPoolNode): Prerequisites {
  const related: RelatedInfo[] = [];
  let unmet: Prerequisites['unmet'];
  const adOnly = pool.sessionHosts.filter((h) => h.joinType === 'ad');
  for (const h of adOnly.slice(0, 3)) {
    related.push(
      relatedResource(
        h.joinEvidence ?? h.vm,
        `Session host ${displayName(h.vm)} is joined only to Active Directory: external identities need Microsoft Entra join`,
      ),
    );
  }
  if (adOnly.length) unmet = 'join';
  for (const c of rdpCases(pool)) {
    const tokens = c.rdp ? findRdp(c.rdp, 'enablerdsaadauth') : [];
    const on = tokens.some((t) => t.type === 'i' && t.value.trim() === '1');
    const off = !on && (tokens.length > 0 || !c.rdp?.hasUnknown);
    if (!off) continue;
    unmet ??= 'sso';
    const when = c.when ? ` (${c.when})` : '';
    related.push({
      uri: c.hp.source.uri,
      range: c.at,
      message: `Host pool ${displayName(c.hp)} has single sign-on off${when}: external identities need enablerdsaadauth:i:1`,
    });
    break;
  }
  return { unmet, related };
}

function check(ra: RoleAssignmentNode, ctx: RuleContext): void {
  const grant = appGroupGrant(ctx.graph, ra);
  const pool = grant?.appGroup.hostPool;
  if (!grant || !pool || !ra.principal) return;
  const hp = pool.resource;
  const name = displayName(hp);
  const pooled = pooledCases(hp);
  const personal = poolTypeCases(hp).every((c) => c.type === 'personal');
  const granted: RelatedInfo[] = [
    ...(grant.role.when ? [{ uri: ra.resource.source.uri, range: grant.role.value.range, message: caseNote(grant.role.when) }] : []),
    relatedResource(grant.appGroup.resource, `Application group ${displayName(grant.appGroup.resource)} of host pool ${name}`),
  ];
  const pooledNotes: RelatedInfo[] =
    pooled.length && poolTypeCases(hp).length > 1
      ? pooled.filter((c) => c.when).map((c) => ({ uri: hp.source.uri, range: c.value?.range ?? hp.source.headRange, message: caseNote(c.when) }))
      : [];
  const base = { uri: ra.resource.source.uri, key: `${ra.resource.key}|properties.principalId` };

  const who: PrincipalEvidence | undefined = externalIdentity(ctx.graph, ra.principal);
  if (!who) {
    // A group of another directory: the role assignment's own type says so, when it is written as a literal.
    const type = get(ra.resource.body, 'properties', 'principalType');
    if (!pooled.length || type?.kind !== 'string' || knownString(type)?.toLowerCase() !== 'foreigngroup') return;
    ctx.report({
      ...base,
      at: type.range,
      value: type,
      shift: -1,
      message: fitting(
        `A group of another directory (ForeignGroup) can use pooled host pool ${name}: users of other organisations should not share its multi-session hosts.`,
        `A group of another directory (ForeignGroup) can use pooled host pool ${name}, whose hosts its users would share.`,
      ),
      related: [...pooledNotes, ...granted],
    });
    return;
  }

  const pre = prerequisites(pool);
  const Who = capitalize(who.label);
  let message: string;
  let shift = 0;
  if (pooled.length) {
    message = fitting(
      `${Who} can use pooled host pool ${name}: users of other organisations should not share its multi-session hosts.`,
      `${Who} can use pooled host pool ${name}, whose multi-session hosts other organisations should not share.`,
      `${Who} can use pooled host pool ${name}.`,
    );
  } else if (pre.unmet === 'join') {
    message = fitting(
      `${Who} can use host pool ${name}, but external identities cannot sign in to hosts joined only to Active Directory.`,
      `${Who} cannot sign in to host pool ${name}: its hosts are joined only to Active Directory.`,
    );
  } else if (pre.unmet === 'sso') {
    message = fitting(
      `${Who} can use host pool ${name}, but external identities cannot sign in without single sign-on (enablerdsaadauth:i:1).`,
      `${Who} cannot sign in to host pool ${name}: it has single sign-on off.`,
    );
  } else if (personal) {
    shift = -1;
    message = fitting(
      `${Who} can use personal host pool ${name}: users of other organisations belong in a tenant and subscription of their own.`,
      `${Who} can use personal host pool ${name}: other organisations belong in a tenant of their own.`,
    );
  } else {
    // The pool's type is not known, and nothing shows external identities cannot sign in.
    return;
  }
  ctx.report({
    ...base,
    at: ra.principal.range,
    value: ra.principal,
    shift,
    message,
    related: [...who.related, ...pooledNotes, ...granted, ...pre.related],
  });
}

export default defineRule({
  id: 'cross-organization-pooled-users',
  title: 'Pooled host pools should not be shared with users of other organisations',
  level: 'error',
  severity: 'high',
  boundary: ['identity', 'session', 'user'],
  summary:
    'Finds guests and other external identities given access to a pooled host pool, or to any host pool whose hosts or RDP properties keep them from signing in.',
  docs,
  appliesTo: 'roleAssignment',
  check,
});
