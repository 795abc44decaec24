import { adminPassword } from './facts/credentials';
import { logCoverage } from './facts/diagnostic-settings';
import { secretSources } from './facts/secret-sources';
import { currentTime, expiryCases } from './facts/token-lifetime';
import { displayName, poolTypeCases } from './facts/host-pools';
import { coversAvd } from './facts/conditional-access';
import { endpointFor, publicAccessCases } from './facts/private-endpoints';
import { rdpCases, tokensOf } from './facts/rdp';
import { hardeningPaths, securityType } from './facts/vm-security';
import type { AvdGraph, HostPoolNode } from './graph';
import { location } from './graph';
import { type McsbControl, mcsbControlsOf } from './knowledge/mcsb';
import { LEVELS, type Finding, type Level, type Location, type Range, type Resource } from './model';
import { get, knownBoolean } from './values';

/**
 * One screen per host pool: how exposed it is, section by section, computed from the deployment graph and the
 * findings. A line is `good` only when the code shows the safe setting; what the code cannot show is `unknown`, and
 * what it does not contain at all (no session hosts here) is `absent`, never good.
 */
export type LineState = 'good' | 'finding' | 'unknown' | 'absent';

export interface OverviewFinding {
  ruleId: string;
  level: Level;
  message: string;
  uri: string;
  range: Finding['range'];
  /** A suppression accepts it: still shown (the risk is there), not counted. */
  suppressed?: true;
}

export interface OverviewLine {
  id: string;
  label: string;
  state: LineState;
  /** The most severe level of the line's findings. */
  level?: Level;
  /** What the code shows, in a few words ("Microsoft Entra joined (2 hosts)", "not in this code"). */
  detail: string;
  rules: readonly string[];
  findings: OverviewFinding[];
  /** Where the code shows it (the setting, the resources), for a line without findings. */
  at: Location[];
}

export type SectionId = 'trust' | 'identity' | 'authentication' | 'redirection' | 'network' | 'hardening' | 'secrets' | 'monitoring';

export interface OverviewSection {
  id: SectionId;
  title: string;
  lines: OverviewLine[];
  /** The worst of its lines: a finding, else unknown, else absent, else good. */
  state: LineState;
  level?: Level;
}

export interface HostPoolOverview {
  /** As written (a name in quotes), or how it is named ("named by parameter hostPoolName"). */
  name: string;
  /** Where the declaration's head is (what links point at). */
  at: Location;
  /** The whole declaration: a position inside it is "on the host pool". */
  declaration: Location;
  /** pooled, personal, "pooled or personal" (depends on an input) or unknown. */
  type: string;
  /** The source article's trust-level scenario the pool fits, by its type. */
  scenario: string;
  sections: OverviewSection[];
  counts: Record<Level, number>;
  /** The benchmark controls its findings bear on. */
  controls: McsbControl[];
  /** What the diagram draws besides the sections' states. */
  parts: { appGroups: string[]; sessionHosts: number; roleAssignments: string[]; caPolicies: number; workspaces: string[] };
}

export interface Overview {
  hostPools: HostPoolOverview[];
  /** Module calls avdsec does not follow (registry or remote sources): host pools they deploy are not in the overview. */
  unfollowed: { uri: string; range: Range; reference: string }[];
}

interface LineSpec {
  id: string;
  label: string;
  rules: readonly string[];
  /** The state when no finding of the line's rules concerns the pool. */
  probe(p: Probe): { state: Exclude<LineState, 'finding'>; detail: string; at?: Location[] };
}

interface Probe {
  pool: HostPoolNode;
  graph: AvdGraph;
}

const UNKNOWN = (detail = 'the code does not show it') => ({ state: 'unknown' as const, detail });
const ABSENT_HOSTS = { state: 'absent' as const, detail: 'no session host linked to it in this code' };

/** Every case of the pool's RDP string is readable (or the pool writes none): what no finding says is then true. */
function rdpKnown(p: Probe): boolean {
  const cases = rdpCases(p.pool);
  return cases.length > 0 && cases.every((c) => !c.rdp?.hasUnknown);
}

function rdpLine(id: string, label: string, rule: string, good = 'off, as written or by default'): LineSpec {
  return {
    id,
    label,
    rules: [rule],
    probe: (p) => (rdpKnown(p) ? { state: 'good', detail: good } : UNKNOWN('the RDP properties are not all readable')),
  };
}

function hostsLine(id: string, label: string, rules: readonly string[], good: (p: Probe) => { detail: string } | undefined): LineSpec {
  return {
    id,
    label,
    rules,
    probe(p) {
      if (!p.pool.sessionHosts.length) return ABSENT_HOSTS;
      const g = good(p);
      return g ? { state: 'good', detail: g.detail, at: p.pool.sessionHosts.map((h) => location(h.vm)) } : UNKNOWN();
    },
  };
}

const isTrue = (r: Resource, path: string[] | undefined) => !!path && knownBoolean(get(r.body, ...path)) === true;

const allHosts = (p: Probe, test: (vm: HostPoolNode['sessionHosts'][number]['vm']) => boolean) => p.pool.sessionHosts.every((h) => test(h.vm));

const SECTIONS: { id: SectionId; title: string; lines: LineSpec[] }[] = [
  {
    id: 'trust',
    title: 'Trust level',
    lines: [
      {
        id: 'local-admin',
        label: 'Local administrators',
        rules: ['pooled-host-local-admin', 'local-admin-by-script', 'personal-admin-scope-too-wide'],
        probe: (p) => (p.pool.sessionHosts.length ? UNKNOWN('no grant seen; grants made elsewhere are not visible') : ABSENT_HOSTS),
      },
      {
        id: 'guests',
        label: 'Users from other organizations',
        rules: ['cross-organization-pooled-users'],
        probe: (p) => (poolTypeCases(p.pool.resource).every((c) => c.type === 'personal') ? { state: 'good', detail: 'personal: no shared host' } : UNKNOWN()),
      },
      {
        id: 'app-access',
        label: 'Who can connect',
        rules: ['app-group-access-too-broad'],
        probe: (p) =>
          p.pool.appGroups.length ? UNKNOWN('assignments made elsewhere are not visible') : { state: 'absent', detail: 'no application group in this code' },
      },
      {
        id: 'remoteapp',
        label: 'Published applications',
        rules: ['remoteapp-shell-or-command-line'],
        probe: (p) => (p.pool.appGroups.length ? UNKNOWN() : { state: 'absent', detail: 'no application group in this code' }),
      },
      { id: 'service-principal', label: 'AVD service principal', rules: ['avd-service-principal-overprivileged'], probe: () => UNKNOWN() },
      {
        id: 'validation',
        label: 'Validation environment',
        rules: ['validation-environment-enabled'],
        probe(p) {
          const v = get(p.pool.resource.body, 'properties', 'validationEnvironment');
          return !v || knownBoolean(v) === false ? { state: 'good', detail: 'production ring' } : UNKNOWN();
        },
      },
    ],
  },
  {
    id: 'identity',
    title: 'Identity',
    lines: [
      {
        id: 'join',
        label: 'Join type',
        rules: ['cloud-identity-on-ad-joined-hosts'],
        probe(p) {
          const hosts = p.pool.sessionHosts;
          if (!hosts.length) return ABSENT_HOSTS;
          const types = new Set(hosts.map((h) => h.joinType));
          if (types.has('unknown')) return UNKNOWN('the join type of some hosts is not visible');
          const words = { entra: 'Microsoft Entra joined', ad: 'Active Directory joined', mixed: 'Entra and AD joined' } as const;
          const detail = [...types].map((t) => words[t as keyof typeof words]).join(', ');
          return { state: 'good', detail: `${detail} (${hosts.length} host${hosts.length === 1 ? '' : 's'})` };
        },
      },
      {
        id: 'identities',
        label: 'Identities that can sign in',
        rules: [],
        probe(p) {
          const hosts = p.pool.sessionHosts;
          if (!hosts.length) return ABSENT_HOSTS;
          if (hosts.some((h) => h.joinType === 'unknown')) return UNKNOWN();
          return hosts.every((h) => h.joinType === 'ad')
            ? { state: 'good', detail: 'hybrid identities (synchronized from AD DS)' }
            : { state: 'good', detail: 'Microsoft Entra ID identities (cloud-only and hybrid)' };
        },
      },
    ],
  },
  {
    id: 'authentication',
    title: 'Authentication',
    lines: [
      {
        id: 'mfa',
        label: 'MFA (Conditional Access)',
        rules: ['mfa-conditional-access-missing', 'conditional-access-ineffective'],
        probe(p) {
          const policies = p.graph.caPolicies.filter((x) => !x.source.existing);
          if (!policies.length) return { state: 'absent', detail: 'no Conditional Access policy in this code' };
          const covering = policies.filter((x) => coversAvd(x).covers === 'yes');
          return covering.length
            ? { state: 'good', detail: `${covering.length} polic${covering.length === 1 ? 'y requires' : 'ies require'} MFA`, at: covering.map(location) }
            : UNKNOWN('the policies may not cover Azure Virtual Desktop');
        },
      },
      {
        id: 'sso',
        label: 'Single sign-on',
        rules: ['host-pool-sso-disabled', 'legacy-entra-password-sign-in', 'conditional-access-misses-sso-apps'],
        probe(p) {
          const cases = rdpCases(p.pool);
          const on = cases.length > 0 && cases.every((c) => tokensOf(c, 'enablerdsaadauth').some((t) => t.value.trim() === '1'));
          return on ? { state: 'good', detail: 'enablerdsaadauth:i:1' } : UNKNOWN();
        },
      },
      {
        id: 'passwordless',
        label: 'In-session passwordless',
        rules: ['in-session-passwordless-blocked'],
        probe: (p) => (rdpKnown(p) ? { state: 'good', detail: 'WebAuthn redirection not turned off' } : UNKNOWN()),
      },
    ],
  },
  {
    id: 'redirection',
    title: 'RDP redirections',
    lines: [
      rdpLine('drives', 'Drives', 'rdp-drive-redirection'),
      rdpLine('clipboard', 'Clipboard', 'rdp-clipboard-redirection'),
      rdpLine('usb', 'USB devices', 'rdp-usb-redirection'),
      rdpLine('devices', 'Printers, COM ports, MTP devices', 'rdp-device-redirection'),
      rdpLine('media', 'Camera, microphone, location', 'rdp-media-redirection'),
      rdpLine('nla', 'Network Level Authentication', 'rdp-nla-disabled', 'on, as written or by default'),
      {
        id: 'screen-capture',
        label: 'Screen capture protection',
        rules: ['screen-capture-protection-missing'],
        // A policy setting of the session hosts (Group Policy, Intune), not a host pool property.
        probe: () => UNKNOWN('set by Group Policy or Intune on the hosts'),
      },
      rdpLine('rdp-invalid', 'Well-formed RDP properties', 'rdp-property-invalid', 'every property is well-formed'),
    ],
  },
  {
    id: 'network',
    title: 'Network path',
    lines: [
      {
        id: 'public-access',
        label: 'Host pool public access',
        rules: ['host-pool-public-network'],
        probe(p) {
          const modes = publicAccessCases(p.pool.resource).map((c) => c.mode);
          return modes.every((m) => m === 'disabled') ? { state: 'good', detail: 'disabled' } : UNKNOWN();
        },
      },
      {
        id: 'feed-access',
        label: 'Feed public access',
        rules: ['workspace-public-network'],
        probe(p) {
          const workspaces = p.graph.workspaces.filter((ws) => ws.appGroups.some((g) => p.pool.appGroups.includes(g)));
          if (!workspaces.length) return { state: 'absent', detail: 'no workspace in this code' };
          return workspaces.every((ws) => publicAccessCases(ws.resource).every((c) => c.mode === 'disabled'))
            ? { state: 'good', detail: 'disabled' }
            : UNKNOWN();
        },
      },
      {
        id: 'private-endpoints',
        label: 'Private endpoints',
        rules: ['private-access-without-endpoint'],
        probe(p) {
          const c = endpointFor(p.graph, p.pool.resource, 'connection');
          return c.kind === 'exact'
            ? { state: 'good', detail: 'connection endpoint', at: [location(c.link.endpoint)] }
            : UNKNOWN('no endpoint seen for the host pool');
        },
      },
      hostsLine('inbound', 'Inbound RDP from the internet', ['inbound-rdp-from-internet'], () => undefined),
      hostsLine('public-ip', 'Public IPs on session hosts', ['session-host-public-ip'], () => undefined),
      { id: 'shortpath', label: 'RDP Shortpath', rules: ['shortpath-public-udp'], probe: () => UNKNOWN() },
      hostsLine('egress', 'Outbound traffic', ['session-host-unrestricted-egress'], () => undefined),
      { id: 'profile-storage', label: 'Profile storage access', rules: ['profile-storage-public'], probe: () => UNKNOWN() },
    ],
  },
  {
    id: 'hardening',
    title: 'Session host hardening',
    lines: [
      hostsLine('trusted-launch', 'Trusted Launch', ['session-host-not-trusted-launch'], (p) =>
        allHosts(p, (vm) => ['trusted', 'confidential'].includes(securityType(vm).type)) ? { detail: 'every host' } : undefined,
      ),
      hostsLine('boot', 'Secure boot and vTPM', ['trusted-launch-incomplete'], (p) =>
        allHosts(p, (vm) => isTrue(vm, hardeningPaths(vm).secureBoot) && isTrue(vm, hardeningPaths(vm).vtpm)) ? { detail: 'on for every host' } : undefined,
      ),
      hostsLine('encryption', 'Encryption at host', ['encryption-at-host-disabled'], (p) =>
        allHosts(p, (vm) => isTrue(vm, hardeningPaths(vm).encryptionAtHost)) ? { detail: 'every host' } : undefined,
      ),
      hostsLine('patching', 'Automatic patching', ['automatic-patching-disabled'], () => undefined),
      hostsLine('endpoint-protection', 'Endpoint protection', ['defender-for-servers-missing'], () => undefined),
    ],
  },
  {
    id: 'secrets',
    title: 'Secrets',
    lines: [
      { id: 'token', label: 'Registration token flow', rules: ['registration-token-hardcoded', 'registration-token-exposed'], probe: () => UNKNOWN() },
      {
        id: 'token-lifetime',
        label: 'Registration token lifetime',
        rules: ['registration-token-long-lived'],
        probe(p) {
          const v = get(p.pool.resource.body, 'properties', 'registrationInfo', 'expirationTime');
          if (!v) return UNKNOWN('no registration token issued here');
          const expiries = expiryCases(v, p.graph);
          const hours = expiries.map((e) => (e.kind === 'after' ? e.hours : (e.at - currentTime()) / 3_600_000));
          // The rule's default maximum: a day.
          return expiries.length && hours.every((h) => h > 0 && h <= 24)
            ? { state: 'good', detail: `at most ${Math.ceil(Math.max(...hours))} hours` }
            : UNKNOWN();
        },
      },
      hostsLine('credentials', 'Domain-join and admin credentials', ['domain-join-secret-unprotected', 'admin-password-unprotected'], (p) =>
        // Good when every host's administrator password comes from a secure input or a reference (Key Vault).
        p.pool.sessionHosts.every((h) => {
          const pw = adminPassword(h.vm);
          return (
            !!pw &&
            secretSources(p.graph, h.vm.source.uri, pw.value).every((s) => s.kind === 'reference' || (s.kind === 'parameter' && s.declaration?.symbol.secure))
          );
        })
          ? { detail: 'administrator passwords from secure inputs or Key Vault' }
          : undefined,
      ),
      { id: 'storage-key', label: 'Profile storage keys', rules: ['profile-storage-shared-key'], probe: () => UNKNOWN() },
    ],
  },
  {
    id: 'monitoring',
    title: 'Monitoring',
    lines: [
      {
        id: 'pool-logs',
        label: 'Host pool diagnostic logs',
        rules: ['host-pool-diagnostics-missing'],
        probe(p) {
          const c = logCoverage(p.graph, p.pool.resource);
          return c.kind === 'some'
            ? { state: 'good', detail: c.categories === 'all' ? 'all logs' : [...c.categories].join(', '), at: c.settings.map(location) }
            : UNKNOWN();
        },
      },
      {
        id: 'feed-logs',
        label: 'Workspace and application group logs',
        rules: ['workspace-diagnostics-missing'],
        probe(p) {
          const groups = p.pool.appGroups.map((g) => g.resource);
          if (!groups.length) return { state: 'absent', detail: 'no application group in this code' };
          return groups.every((g) => logCoverage(p.graph, g).kind === 'some') ? { state: 'good', detail: 'every application group' } : UNKNOWN();
        },
      },
    ],
  },
];

const RANK: Record<LineState, number> = { finding: 3, unknown: 2, absent: 1, good: 0 };

function worse(a: Level | undefined, b: Level): Level {
  return a === undefined || LEVELS.indexOf(b) < LEVELS.indexOf(a) ? b : a;
}

const within = (l: Location, at: Location) => l.uri === at.uri && l.range.start >= at.range.start && l.range.end <= at.range.end;

/**
 * The findings about a pool: on the pool, its session hosts (and their extensions), its application groups and the
 * workspaces that publish them, or naming the pool in their related information (a grant over its hosts, the
 * deployment-wide MFA finding that lists it).
 */
function findingsOf(pool: HostPoolNode, graph: AvdGraph, findings: readonly Finding[]): Finding[] {
  const places = [pool.resource, ...pool.sessionHosts.flatMap((h) => [h.vm, ...h.extensions]), ...pool.appGroups.map((g) => g.resource)].map(location);
  for (const ws of graph.workspaces) if (ws.appGroups.some((g) => pool.appGroups.includes(g))) places.push(location(ws.resource));
  const keys = new Set([pool.resource.key, ...pool.sessionHosts.map((h) => h.vm.key), ...pool.appGroups.map((g) => g.resource.key)]);
  // Grants that reach the pool: over its session hosts, or to its users on its application groups.
  for (const ra of graph.roleAssignments) if (ra.covers.some((h) => h.hostPool === pool)) keys.add(ra.resource.key);
  const groups = new Set(pool.appGroups.map((g) => g.resource));
  for (const uses of graph.endUsers.values()) for (const u of uses) if (groups.has(u.appGroup)) keys.add(u.assignment.key);
  return findings.filter((f) => {
    const resource = f.key.split('|')[1];
    if (resource && keys.has(resource)) return true;
    const here = { uri: f.uri, range: f.range };
    return places.some((p) => within(here, p)) || f.related.some((r) => within({ uri: r.uri, range: r.range }, location(pool.resource)));
  });
}

function poolType(pool: HostPoolNode): string {
  const types = new Set(poolTypeCases(pool.resource).map((c) => c.type ?? 'unknown'));
  if (types.size === 1) return [...types][0];
  return types.has('unknown') ? 'unknown' : [...types].sort().join(' or ');
}

const SCENARIOS: Record<string, string> = {
  pooled: 'Users from one organization with standard privileges (multi-session)',
  personal: 'Users who need administrative privileges (one host each)',
};

/**
 * The overview of every host pool deployed in the workspace. `findings` are the workspace's findings (every file's,
 * those a suppression accepts marked `suppressed`); `ruleEnabled` tells a line whose rules are all off for the pool's file, which then says so.
 */
export function overview(
  graph: AvdGraph,
  findings: readonly Finding[],
  ruleEnabled: (id: string, uri: string) => boolean,
  /** Documents whose pools another document speaks for (a compiled copy of a Bicep source in the workspace). */
  spokenFor: (uri: string) => boolean = () => false,
): Overview {
  const pools = graph.hostPools.filter((p) => !p.resource.source.existing && !spokenFor(p.resource.source.uri));
  return {
    hostPools: pools.map((pool) => poolOverview(pool, graph, findingsOf(pool, graph, findings), (id) => ruleEnabled(id, pool.resource.source.uri))),
    unfollowed: graph.documents.flatMap((d) => (d.facts.unresolvedModules ?? []).map((m) => ({ uri: d.uri, range: m.range, reference: m.reference }))),
  };
}

function poolOverview(pool: HostPoolNode, graph: AvdGraph, mine: Finding[], ruleEnabled: (id: string) => boolean): HostPoolOverview {
  const probe: Probe = { pool, graph };
  const sections: OverviewSection[] = SECTIONS.map((s) => {
    const lines = s.lines.map((spec): OverviewLine => {
      const found = mine.filter((f) => spec.rules.includes(f.ruleId) || f.alsoRules?.some((r) => spec.rules.includes(r)));
      if (found.length) {
        const level = found.reduce<Level | undefined>((a, f) => worse(a, f.level), undefined)!;
        const accepted = found.filter((f) => f.suppressed).length;
        return {
          id: spec.id,
          label: spec.label,
          state: 'finding',
          level,
          detail: `${found.length} finding${found.length === 1 ? '' : 's'}${accepted ? `, ${accepted} accepted by a suppression` : ''}`,
          rules: spec.rules,
          findings: found.map((f) => ({
            ruleId: f.ruleId,
            level: f.level,
            message: f.message,
            uri: f.uri,
            range: f.range,
            ...(f.suppressed ? { suppressed: true as const } : {}),
          })),
          at: [],
        };
      }
      if (spec.rules.length && !spec.rules.some(ruleEnabled))
        return { id: spec.id, label: spec.label, state: 'unknown', detail: 'rule turned off', rules: spec.rules, findings: [], at: [] };
      const r = spec.probe(probe);
      return { id: spec.id, label: spec.label, state: r.state, detail: r.detail, rules: spec.rules, findings: [], at: r.at ?? [] };
    });
    const state = lines.reduce<LineState>((a, l) => (RANK[l.state] > RANK[a] ? l.state : a), 'good');
    const level = lines.reduce<Level | undefined>((a, l) => (l.level ? worse(a, l.level) : a), undefined);
    return { id: s.id, title: s.title, lines, state, ...(level ? { level } : {}) };
  });
  const counts: Record<Level, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  const seen = new Set<string>();
  for (const s of sections)
    for (const l of s.lines)
      for (const f of l.findings) {
        const k = `${f.ruleId}\u0000${f.uri}\u0000${f.range.start}`;
        if (!f.suppressed && !seen.has(k)) {
          seen.add(k);
          counts[f.level]++;
        }
      }
  const controls = [...new Set(mine.flatMap((f) => mcsbControlsOf(f.ruleId)))].sort();
  const type = poolType(pool);
  return {
    name: displayName(pool.resource).replace(/^'(.*)'$/, '$1'),
    at: location(pool.resource),
    declaration: { uri: pool.resource.source.uri, range: pool.resource.source.range },
    type,
    scenario: SCENARIOS[type] ?? 'not known: the host pool type depends on an input',
    sections,
    counts,
    controls,
    parts: {
      appGroups: pool.appGroups.map((g) => displayName(g.resource)),
      sessionHosts: pool.sessionHosts.length,
      roleAssignments: [
        ...new Set(
          graph.roleAssignments
            .filter((ra) => ra.covers.some((h) => h.hostPool === pool))
            .map((ra) => ra.roles.map((r) => r.role?.name ?? 'unknown role').join('/')),
        ),
      ],
      caPolicies: graph.caPolicies.filter((x) => !x.source.existing).length,
      workspaces: graph.workspaces.filter((ws) => ws.appGroups.some((g) => pool.appGroups.includes(g))).map((ws) => displayName(ws.resource)),
    },
  };
}

/** The rules the overview's lines stand for: every rule's findings have a line to show them on. */
export function overviewRuleIds(): string[] {
  return SECTIONS.flatMap((s) => s.lines.flatMap((l) => [...l.rules]));
}
