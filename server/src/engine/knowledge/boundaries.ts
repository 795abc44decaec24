import type { Boundary } from '../rule';

/** Security boundaries, in our words, after Microsoft's list for Windows and AVD (security-recommendations). */
export const BOUNDARIES: Record<Boundary, { name: string; meaning: string }> = {
  network: { name: 'Network boundary', meaning: 'An endpoint on the network cannot reach or tamper with code and data on the host without authorization.' },
  kernel: {
    name: 'Kernel boundary',
    meaning: 'A standard user process cannot touch kernel code or data. An administrator can: administrator-to-kernel is not a boundary.',
  },
  process: { name: 'Process boundary', meaning: "One user's processes cannot read or change another's without authorization." },
  user: { name: 'User boundary', meaning: "A user cannot reach another user's code and data (profiles, files) without authorization." },
  session: { name: 'Session boundary', meaning: 'One user session cannot reach another session on the same host. Pooled (multi-session) hosts rely on it.' },
  vm: { name: 'Virtual machine boundary', meaning: 'One VM cannot reach another. Personal host pools give each user this boundary.' },
  vsm: {
    name: 'Virtual Secure Mode boundary',
    meaning: 'Code outside a VSM enclave (Credential Guard, HVCI) cannot reach data inside it; needs Trusted Launch.',
  },
  identity: { name: 'Identity', meaning: 'Who may sign in, and how strongly: MFA, Conditional Access and single sign-on decide it.' },
  'management-plane': { name: 'Management plane', meaning: 'Who may change the deployment through Azure Resource Manager and Entra ID.' },
  'data-egress': { name: 'Data egress', meaning: 'Data crossing from the session to the client device (drives, clipboard, USB, printers).' },
};

/** Microsoft's trust-level table for AVD, in our words: which deployment each kind of user population calls for. */
export const TRUST_LEVELS = [
  { who: 'Users of one organization with standard rights', use: 'Pooled host pools with Windows Enterprise multi-session.' },
  { who: 'Users who need administrator rights', use: 'A personal host pool: each user gets their own session host.' },
  { who: 'Users from different organizations', use: 'A separate Microsoft Entra tenant and Azure subscription.' },
] as const;

export const SECURITY_RECOMMENDATIONS_URL = 'https://learn.microsoft.com/azure/virtual-desktop/security-recommendations';
