import type { AvdGraph, HostPoolNode } from '../graph';
import { findRdp } from '../rdp';
import { mfaVerdict } from './conditional-access';
import { rdpCases } from './rdp';

/**
 * What the code shows of the three authentication phases of a host pool (Microsoft's "Supported identities and
 * authentication methods"): signing in to the service (feed and gateway), to the session host, and inside the session;
 * and which kinds of identity can use the pool given how its session hosts are joined. For hovers: each line says
 * what protects the phase here, or that the code does not show it.
 */
export interface AuthenticationPhases {
  service: string;
  session: string;
  inSession: string;
  identities: string;
}

export function authenticationPhases(graph: AvdGraph, pool: HostPoolNode | undefined): AuthenticationPhases {
  return {
    service: servicePhase(graph),
    session: pool ? sessionPhase(pool) : 'Depends on the RDP properties of the host pool (single sign-on).',
    inSession: pool ? inSessionPhase(pool) : 'Depends on the RDP properties of the host pool (smart card and WebAuthn redirection).',
    identities: pool ? identities(pool) : 'Depends on how the session hosts of the host pool are joined.',
  };
}

function servicePhase(graph: AvdGraph): string {
  const v = mfaVerdict(graph);
  if (v.covered) return 'A Conditional Access policy in this workspace requires MFA for the Azure Virtual Desktop app.';
  return v.policies
    ? 'No Conditional Access policy in this workspace requires MFA for the Azure Virtual Desktop app: a password alone reaches the feed and gateway.'
    : 'No Conditional Access policy here: MFA for the Azure Virtual Desktop app is up to policies managed elsewhere, if any.';
}

/** Whether each RDP case of the pool turns a property on (`1`), off (`0`), or leaves it to its default (absent). */
function settings(pool: HostPoolNode, name: string): ('1' | '0' | 'absent' | 'unknown')[] {
  const cs = rdpCases(pool);
  if (!cs.length) return ['unknown'];
  return cs.map((c) => {
    if (!c.rdp) return 'absent';
    const t = findRdp(c.rdp, name).find((x) => x.type === 'i');
    if (t) return t.value.trim() === '1' ? '1' : t.value.trim() === '0' ? '0' : 'unknown';
    return c.rdp.hasUnknown ? 'unknown' : 'absent';
  });
}

function sessionPhase(pool: HostPoolNode): string {
  const sso = settings(pool, 'enablerdsaadauth');
  const legacy = settings(pool, 'targetisaadjoined');
  if (sso.every((s) => s === '1'))
    return 'Single sign-on with Microsoft Entra authentication (`enablerdsaadauth:i:1`): no second prompt, and passwordless methods and federated identity providers work.';
  if (sso.includes('unknown')) return 'Whether single sign-on is on is not known here (part of the RDP string is computed).';
  if (legacy.includes('1'))
    return 'Legacy Entra password sign-in (`targetisaadjoined:i:1`) without single sign-on: users type their password to reach the session host.';
  if (sso.includes('1')) return 'Single sign-on is on in some cases of the RDP string only: in the others users type their Windows credentials.';
  return 'No single sign-on: users type their Windows credentials at every connection, or save them in the client.';
}

function inSessionPhase(pool: HostPoolNode): string {
  const cards = settings(pool, 'redirectsmartcards');
  const webauthn = settings(pool, 'redirectwebauthn');
  const off = [
    ...(cards.includes('0') ? ['smart cards (`redirectsmartcards:i:0`)'] : []),
    ...(webauthn.includes('0') ? ['passkeys and Windows Hello (`redirectwebauthn:i:0`)'] : []),
  ];
  if (off.length) return `Kept out of the session: ${off.join(' and ')}; sign-ins inside it fall back to passwords.`;
  if ([...cards, ...webauthn].includes('unknown')) return 'Smart card and WebAuthn redirection are not known here (part of the RDP string is computed).';
  return 'Smart cards, passkeys and Windows Hello reach the session (their redirection is on by default), so apps inside it can use them.';
}

function identities(pool: HostPoolNode): string {
  const joins = new Set(pool.sessionHosts.map((h) => h.joinType));
  if (!pool.sessionHosts.length || joins.has('unknown'))
    return 'Not visible here: cloud-only identities need Microsoft Entra joined session hosts; federated identity providers also need single sign-on.';
  if (joins.size === 1 && joins.has('ad'))
    return 'Hybrid identities only (synced from Active Directory): cloud-only users cannot sign in to hosts joined only to Active Directory.';
  if (joins.size === 1 && joins.has('entra'))
    return 'Cloud-only and hybrid identities, and federated ones when single sign-on is on; external (guest) identities only with single sign-on on, and never on a shared pool.';
  return 'The session hosts are joined in more than one way: cloud-only identities can sign in only to the Microsoft Entra joined ones.';
}
