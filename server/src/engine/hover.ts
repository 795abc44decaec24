import { type AvdGraph, type HostPoolNode, typeIs } from './graph';
import { appById, AVD_APP_ID, REMOTE_DESKTOP_APP_ID, WINDOWS_CLOUD_LOGIN_APP_ID } from './knowledge/apps';
import { BOUNDARIES, SECURITY_RECOMMENDATIONS_URL, TRUST_LEVELS } from './knowledge/boundaries';
import { RDP_PROPERTIES, rdpProperty, rdsOnlyProperty } from './knowledge/rdp-properties';
import { DESKTOP_VIRTUALIZATION_USER } from './knowledge/roles';
import type { Document, Range, Resource, Value } from './model';
import { parseRdpString } from './rdp';
import { authenticationPhases } from './facts/authentication';
import { displayName } from './facts/host-pools';
import { isType, NET, networkFacts } from './facts/network-path';
import { policiesOf } from './facts/policy-assignments';
import { coversAvd } from './facts/conditional-access';
import type { Boundary } from './rule';
import { RULES, ruleById } from './registry';
import { cases, get, knownString } from './values';

export interface HoverResult {
  markdown: string;
  range: Range;
}

/** The deepest property path of a resource body at an offset (on a key or its value). */
function pathAt(v: Value, offset: number, path: string[] = []): { path: string[]; range: Range } | undefined {
  if (v.kind === 'object') {
    for (const e of v.entries) {
      if (offset >= e.keyRange.start && offset <= e.keyRange.end && e.keyRange.end > e.keyRange.start) {
        return { path: [...path, e.key], range: e.keyRange };
      }
      if (offset >= e.value.range.start && offset <= e.value.range.end) {
        return pathAt(e.value, offset, [...path, e.key]) ?? { path: [...path, e.key], range: e.value.range };
      }
    }
  } else if (v.kind === 'array') {
    for (let i = 0; i < v.items.length; i++) {
      const item = v.items[i];
      if (offset >= item.range.start && offset <= item.range.end)
        return pathAt(item, offset, [...path, String(i)]) ?? { path: [...path, String(i)], range: item.range };
    }
  }
  return undefined;
}

function within(r: Range, offset: number): boolean {
  return offset >= r.start && offset <= r.end;
}

function boundaryLine(ids: Boundary[]): string {
  return ids.map((b) => `**${BOUNDARIES[b].name}**: ${BOUNDARIES[b].meaning}`).join('\n\n');
}

function ruleLinks(ids: string[]): string {
  const links = ids
    .map((id) => ruleById(id))
    .filter((r) => !!r)
    .map((r) => `[${r!.id}](${r!.helpUri})`);
  return links.length ? `Checked by ${links.join(', ')}.` : '';
}

function code(lang: string, text: string): string {
  return '```' + lang + '\n' + text + '\n```';
}

const LEARN = (page: string, title: string) => `[${title}](https://learn.microsoft.com/azure/virtual-desktop/${page})`;

/** The security-boundary hover at an offset of a document, or undefined when nothing AVD-related is there. */
export function hoverAt(doc: Document, graph: AvdGraph, offset: number): HoverResult | undefined {
  const candidates = doc.resources.filter((r) => within(r.source.range, offset));
  if (!candidates.length) return undefined;
  const r = candidates.reduce((a, b) => (b.source.range.end - b.source.range.start < a.source.range.end - a.source.range.start ? b : a));
  const onHead = within(r.source.headRange, offset);
  const at = pathAt(r.body, offset);
  const p = at?.path.join('.').toLowerCase() ?? '';
  const range = onHead ? r.source.headRange : (at?.range ?? r.source.headRange);

  if (typeIs(r, 'microsoft.desktopvirtualization/hostpools') || typeIs(r, 'microsoft.desktopvirtualization/workspaces')) {
    if (p.startsWith('properties.publicnetworkaccess') || p.startsWith('public_network_access')) return { markdown: publicAccessHover(r), range };
  }
  if (NETWORK_TYPES.some((t) => isType(r, t)) && (onHead || !p.startsWith('tags'))) return { markdown: networkHover(r, graph), range };
  if (isType(r, ['microsoft.storage/storageaccounts', 'terraform:azurerm_storage_account']) && onHead) return { markdown: storageHover(), range };
  if (typeIs(r, 'microsoft.desktopvirtualization/hostpools')) {
    if (p.startsWith('properties.customrdpproperty')) return { markdown: rdpHover(r), range };
    if (onHead || p.startsWith('properties.hostpooltype')) return { markdown: hostPoolHover(r, graph), range };
  }
  if (typeIs(r, 'microsoft.desktopvirtualization/applicationgroups') && onHead) {
    const group = graph.appGroups.find((g) => g.resource === r);
    return { markdown: appGroupHover(r, graph, group?.hostPool), range };
  }
  if (typeIs(r, 'microsoft.authorization/roleassignments') && (onHead || p.startsWith('properties.roledefinition'))) {
    return roleHover(r, graph, range);
  }
  if (typeIs(r, 'microsoft.compute/virtualmachines/extensions') && (onHead || p.startsWith('properties.type') || p.startsWith('properties.settings'))) {
    const h = joinHover(r);
    if (h) return { markdown: h, range };
  }
  if (typeIs(r, 'microsoft.compute/virtualmachines/runcommands') && (onHead || p.startsWith('properties.source'))) {
    return { markdown: scriptHover('Run Command'), range };
  }
  if (
    typeIs(r, 'microsoft.desktopvirtualization/applicationgroups/applications') &&
    (onHead || p.startsWith('properties.filepath') || p.startsWith('properties.commandline'))
  ) {
    return { markdown: remoteAppHover(r), range };
  }
  if (typeIs(r, 'microsoft.compute/virtualmachines') || isType(r, ['terraform:azurerm_windows_virtual_machine'])) {
    const h = hardeningHover(p);
    if (h) return { markdown: h, range };
  }
  if (isType(r, ['microsoft.insights/diagnosticsettings', 'terraform:azurerm_monitor_diagnostic_setting']) && (onHead || p.includes('log'))) {
    return { markdown: diagnosticsHover(), range };
  }
  if (typeIs(r, 'microsoft.compute/virtualmachines') && onHead) {
    const host = graph.sessionHosts.find((h) => h.vm === r);
    if (host) return { markdown: [sessionHostHover(host.joinType, host.hostPool?.resource), hostPathLines(r, graph)].filter(Boolean).join('\n\n'), range };
  }
  if (
    typeIs(r, 'microsoft.graph/conditionalaccesspolicies') &&
    (onHead || p.startsWith('conditions') || p.startsWith('state') || p.startsWith('grantcontrols'))
  ) {
    return { markdown: caHover(r), range };
  }
  return undefined;
}

function hostPoolHover(r: Resource, graph: AvdGraph): string {
  const node = graph.hostPools.find((h) => h.resource === r);
  const types = cases(get(r.body, 'properties', 'hostPoolType') ?? { kind: 'unknown', range: r.source.headRange }).map((c) => knownString(c.value));
  const shown = types.map((t) => (t === undefined ? 'unknown' : `'${t}'`)).join(' or ');
  const pooled = types.some((t) => t?.toLowerCase() === 'pooled');
  const personal = types.some((t) => t?.toLowerCase() === 'personal');
  const lines: string[] = [code('bicep', `hostPoolType: ${shown}`)];
  if (pooled) {
    lines.push(
      '**Pooled host pool: many users share each multi-session host.** Their isolation rests on the session, process and user boundaries of one Windows instance, which hold only while no user is an administrator.',
      boundaryLine(['session', 'kernel']),
    );
  }
  if (personal) {
    lines.push(
      '**Personal host pool: each user has their own VM.** The virtual machine boundary separates users, so this is where users who need administrator rights belong.',
      boundaryLine(['vm']),
    );
  }
  if (!pooled && !personal)
    lines.push(
      'The host pool type decides which boundary separates users: the session boundary of a shared multi-session host (Pooled) or the VM boundary (Personal).',
    );
  lines.push('| Users | Recommended deployment |\n|---|---|\n' + TRUST_LEVELS.map((t) => `| ${t.who} | ${t.use} |`).join('\n'));
  if (node) {
    const hosts = node.sessionHosts;
    const joins = [...new Set(hosts.map((h) => h.joinType))].map((j) => JOIN_TEXT[j]).join(', ');
    lines.push(
      hosts.length ? `Session hosts linked in this workspace: ${hosts.length} (${joins}).` : 'No session host of this pool is visible in the workspace.',
    );
  }
  lines.push(
    phasesBlock(graph, node),
    ruleLinks(['pooled-host-local-admin', 'host-pool-sso-disabled', 'mfa-conditional-access-missing']),
    LEARN('security-recommendations', 'Security recommendations for Azure Virtual Desktop'),
  );
  return lines.filter(Boolean).join('\n\n');
}

/** The three authentication phases of a pool, what protects each here, and who can sign in. */
function phasesBlock(graph: AvdGraph, pool: HostPoolNode | undefined): string {
  const p = authenticationPhases(graph, pool);
  return [
    '**Authentication**, in three phases:',
    '| Phase | In this code |\n|---|---|\n' +
      [
        ['Service: feed and gateway (Azure Virtual Desktop app)', p.service],
        ['Session host: signing in to Windows', p.session],
        ['In the session: apps and web sites', p.inSession],
      ]
        .map(([phase, here]) => `| ${phase} | ${cell(here)} |`)
        .join('\n'),
    `**Who can sign in**: ${p.identities}`,
    LEARN('authentication', 'Supported identities and authentication methods'),
  ].join('\n\n');
}

function appGroupHover(r: Resource, graph: AvdGraph, pool: HostPoolNode | undefined): string {
  const name = knownString(get(r.body, 'name'));
  const poolName = pool ? (knownString(get(pool.resource.body, 'name')) ?? pool.resource.source.symbol) : undefined;
  return [
    `**Application group**${name ? ` '${name}'` : ''}: who is assigned to it (Desktop Virtualization User) reaches ${poolName ? `host pool '${poolName}'` : 'its host pool'}.`,
    phasesBlock(graph, pool),
    boundaryLine(['identity']),
    ruleLinks(['mfa-conditional-access-missing', 'cross-organization-pooled-users', 'app-group-access-too-broad', 'cloud-identity-on-ad-joined-hosts']),
  ]
    .filter(Boolean)
    .join('\n\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The rules that judge each RDP property, as the rules declare it. */
const JUDGES = new Map<string, string[]>();
for (const r of RULES) for (const name of r.judges ?? []) JUDGES.set(name, [...(JUDGES.get(name) ?? []), r.id]);

/** The properties a rule judges: when a string leaves them out, their host pool default applies, and the hover says so. */
const JUDGED = RDP_PROPERTIES.filter((p) => JUDGES.has(p.name) && p.default !== undefined);

function rdpHover(r: Resource): string {
  const v = get(r.body, 'properties', 'customRdpProperty');
  const lines: string[] = ['**RDP properties of the host pool**: what a client may bring into the session and how users sign in.'];
  const strings = v ? cases(v).filter((c) => c.value.kind === 'string') : [];
  if (v && !strings.length) lines.push('The value is not known here (a parameter without a default, or an expression).');
  const tables = strings.length
    ? strings.map((c) => ({ when: c.when, rdp: parseRdpString(c.value as Extract<Value, { kind: 'string' }>) }))
    : v
      ? []
      : [{ when: '', rdp: undefined }];
  for (const { when, rdp } of tables) {
    if (when) lines.push(`*${when}:*`);
    const rows = (rdp?.tokens ?? []).map((t) => {
      const info = rdpProperty(t.name);
      const value = t.malformed ? '' : `\`${cell(t.value) || '(empty)'}\``;
      const meaning = t.malformed
        ? 'not a `name:type:value` property'
        : info
          ? `${info.meaning}${info.values?.[t.value.trim().toLowerCase()] ? ` **${info.values[t.value.trim().toLowerCase()]}**` : ''}`
          : rdsOnlyProperty(t.name)
            ? 'applies to Remote Desktop Services only: Azure Virtual Desktop ignores it'
            : 'not a property Azure Virtual Desktop knows';
      const security = info?.security && info.security !== 'none' ? info.security : '';
      return `| \`${cell(t.name)}\` | ${value} | ${cell(meaning)} | ${cell(security)} |`;
    });
    if (rows.length) lines.push('| Property | Value | Meaning | Security |\n|---|---|---|---|\n' + rows.join('\n'));
    else lines.push('No RDP properties are set: every property takes its host pool default.');
    if (rdp?.hasUnknown)
      lines.push(
        'Part of the string is computed (an interpolation or a parameter without default): properties set there are not shown, and no default is assumed for them.',
      );
    else {
      const absent = JUDGED.filter((p) => !rdp?.tokens.some((t) => t.name === p.name));
      if (absent.length) {
        lines.push(
          '**Absent, so the host pool default applies:**\n\n| Property | Default | Meaning |\n|---|---|---|\n' +
            absent
              .map((p) => `| \`${p.name}\` | \`${p.default === '' ? '(empty)' : p.default}\` | ${cell(p.values?.[p.default ?? ''] ?? p.meaning)} |`)
              .join('\n'),
        );
      }
    }
  }
  const rules = [...new Set([...JUDGES.values()].flat())];
  lines.push(boundaryLine(['identity', 'data-egress']), ruleLinks(rules), LEARN('rdp-properties', 'Supported RDP properties'));
  return lines.join('\n\n');
}

function roleHover(r: Resource, graph: AvdGraph, range: Range): HoverResult | undefined {
  const node = graph.roleAssignments.find((ra) => ra.resource === r);
  if (!node || !node.roles.length) return undefined;
  const lines: string[] = [];
  for (const rc of node.roles) {
    const role = rc.role;
    if (!role) {
      lines.push('**Role**: not one avdsec knows (a custom role, or an id built from values that are not known here).');
      continue;
    }
    lines.push(`${rc.when ? `*${rc.when}:* ` : ''}**${role.name}** \`${role.guid}\``, `On a multi-session host: ${role.onSessionHost}`);
    if (role.localAdmin) {
      lines.push(
        '**Administrator-to-kernel is not a security boundary.** An administrator of a shared host can read every other session, capture input and stop the host for everyone; keep such rights on personal host pools.',
        boundaryLine(['kernel', 'session']),
      );
    }
  }
  const scope = node.scope;
  const scopeText =
    scope.kind === 'vm'
      ? 'one VM'
      : scope.kind === 'resourceGroup'
        ? 'a resource group'
        : scope.kind === 'subscription'
          ? 'the subscription'
          : scope.kind === 'managementGroup'
            ? 'a management group'
            : scope.kind === 'other'
              ? `a ${scope.type ?? 'resource'}`
              : 'a scope avdsec cannot read';
  lines.push(`Scope: ${scopeText}; session hosts covered in this workspace: ${node.covers.length}.`);
  const rules = new Set<string>();
  for (const rc of node.roles) {
    if (rc.role?.localAdmin)
      ['pooled-host-local-admin', 'personal-admin-scope-too-wide', 'avd-service-principal-overprivileged'].forEach((id) => rules.add(id));
    if (rc.role?.guid === DESKTOP_VIRTUALIZATION_USER.guid)
      ['app-group-access-too-broad', 'cross-organization-pooled-users', 'cloud-identity-on-ad-joined-hosts'].forEach((id) => rules.add(id));
  }
  if (!rules.size) rules.add('pooled-host-local-admin');
  lines.push(ruleLinks([...rules]), LEARN('azure-ad-joined-session-hosts', 'Microsoft Entra joined session hosts'));
  return { markdown: lines.filter(Boolean).join('\n\n'), range };
}

const JOIN_TEXT: Record<string, string> = {
  entra: 'Microsoft Entra joined',
  ad: 'joined to Active Directory',
  mixed: 'both Entra and Active Directory join extensions',
  unknown: 'join type not visible',
};

function joinHover(ext: Resource): string | undefined {
  const type = knownString(get(ext.body, 'properties', 'type'))?.toLowerCase();
  if (type === 'aadloginforwindows') {
    return [
      '**Microsoft Entra join (AADLoginForWindows)**: users sign in to this session host with Entra ID.',
      'Entra sign-in to the host is governed by Azure roles: **Virtual Machine User Login** for users, **Virtual Machine Administrator Login** for administrators (never for users of a pooled host pool). Turn on single sign-on (`enablerdsaadauth:i:1`) so the second sign-in is not a password.',
      boundaryLine(['identity']),
      ruleLinks(['pooled-host-local-admin', 'host-pool-sso-disabled']),
      LEARN('azure-ad-joined-session-hosts', 'Microsoft Entra joined session hosts'),
    ].join('\n\n');
  }
  if (type === 'customscriptextension') return scriptHover('Custom Script Extension');
  if (type === 'jsonaddomainextension') {
    return [
      '**Active Directory domain join (JsonADDomainExtension)**: the host joins an AD DS domain.',
      'Entra single sign-on then needs hybrid join and a Kerberos server object, which code does not show; the VM login roles have no effect until the host is Entra joined.',
      ruleLinks(['host-pool-sso-disabled']),
      LEARN('authentication', 'Supported identities and authentication methods'),
    ].join('\n\n');
  }
  if (type === 'dsc') {
    const aad =
      knownString(get(ext.body, 'properties', 'settings', 'properties', 'aadJoin')) ??
      (get(ext.body, 'properties', 'settings', 'properties', 'aadJoin') as { value?: unknown } | undefined)?.value;
    return [
      '**AVD agent registration (DSC)**: installs the AVD agent and registers the VM with its host pool.',
      aad !== undefined
        ? `\`aadJoin\`: ${String(aad)}: the host is ${String(aad) === 'true' ? 'Microsoft Entra joined' : 'not Entra joined by this extension'}.`
        : '',
      ruleLinks(['host-pool-sso-disabled']),
    ]
      .filter(Boolean)
      .join('\n\n');
  }
  return undefined;
}

const NETWORK_TYPES = [NET.nsg, NET.nsgRule, NET.nic, NET.subnet, NET.publicIp, ['microsoft.network/privateendpoints', 'terraform:azurerm_private_endpoint']];

const REVERSE_CONNECT =
  '**Network boundary: reverse connect.** Session hosts open outbound connections to Azure Virtual Desktop; users reach them through the service, so no inbound port has to be open on them.';

/** Who enforces the same controls by Azure Policy: the built-ins of the network rules, for the hover. */
function policyLine(ruleIds: string[]): string {
  const names = [...new Set(ruleIds.flatMap((id) => policiesOf(id).map((x) => x.name)))];
  return names.length
    ? `Azure Policy built-ins for the same controls: ${names
        .slice(0, 4)
        .map((n) => `*${n}*`)
        .join(', ')}.`
    : '';
}

/** A network resource: what reaches the session hosts through it, as the graph sees it. */
function networkHover(r: Resource, graph: AvdGraph): string {
  const facts = networkFacts(graph);
  const lines: string[] = [REVERSE_CONNECT];
  const ways: string[] = [];
  for (const path of facts.hostPaths()) {
    for (const { subnet, nic, ip } of facts.subnetsOf(path)) {
      const nsgs = facts.nsgUses(path).filter((u) => u.nic === nic && u.link.items.length);
      const pip = ip.publicIp ? facts.resolve(ip.publicIp, NET.publicIp, nic.resource).items : [];
      const touches =
        nic.resource === r ||
        subnet.resource === r ||
        pip.includes(r) ||
        nsgs.some((u) => u.link.items.includes(r) || u.link.items.some((g) => facts.children(g, NET.nsgRule, 'network_security_group_name').items.includes(r)));
      if (!touches) continue;
      const chain = [
        ip.publicIp ? `public IP${pip.length ? ` ${displayName(pip[0])}` : ''}` : '',
        ...nsgs.map((u) => `${u.link.items.map((g) => `NSG ${displayName(g)}`).join(' / ')} (on the ${u.via === 'nic' ? 'NIC' : 'subnet'})`),
        nic.label,
        path.label,
      ].filter(Boolean);
      ways.push(`\`internet\` → ${chain.join(' → ')}${ip.publicIp ? '' : ' (no public address: inbound only from the virtual network)'}`);
    }
  }
  if (ways.length)
    lines.push(
      `**Path to the session hosts** as this workspace shows it:\n\n${[...new Set(ways)]
        .slice(0, 5)
        .map((w) => `- ${w}`)
        .join('\n')}`,
    );
  else if (!isType(r, ['microsoft.network/privateendpoints', 'terraform:azurerm_private_endpoint']))
    lines.push('No session host of this workspace is seen to use it.');
  if (isType(r, ['microsoft.network/privateendpoints', 'terraform:azurerm_private_endpoint']))
    lines.push(
      'A private endpoint carries one sub-resource: `connection` (a host pool: client connections and session host traffic), `feed` (a workspace: the feed of its users), `global` (one workspace for all: the initial feed discovery).',
    );
  lines.push(
    boundaryLine(['network']),
    policyLine(['inbound-rdp-from-internet', 'session-host-public-ip', 'private-access-without-endpoint']),
    ruleLinks(['inbound-rdp-from-internet', 'session-host-public-ip', 'session-host-unrestricted-egress', 'private-access-without-endpoint']),
    LEARN('network-connectivity', 'Understanding Azure Virtual Desktop network connectivity'),
  );
  return lines.filter(Boolean).join('\n\n');
}

/** The ways from the internet to a session host VM, as the graph sees its interfaces, subnets and security groups. */
function hostPathLines(vm: Resource, graph: AvdGraph): string {
  const facts = networkFacts(graph);
  const path = facts.hostPaths().find((p) => p.host === vm);
  if (!path) return '';
  const ways = facts.subnetsOf(path).map(({ subnet, nic, ip }) => {
    const nsgs = facts.nsgUses(path).filter((u) => u.nic === nic && u.link.items.length);
    return `- \`internet\` → ${[
      ip.publicIp ? 'its public IP' : '',
      ...nsgs.map((u) => `${u.link.items.map((g) => `NSG ${displayName(g)}`).join(' / ')} (on the ${u.via === 'nic' ? 'NIC' : 'subnet'})`),
      subnet.label,
      nic.label,
    ]
      .filter(Boolean)
      .join(' → ')}${ip.publicIp ? '' : ': no public address, so nothing from the internet reaches it directly'}`;
  });
  return ways.length ? `${REVERSE_CONNECT}\n\n**Path from the internet** as this workspace shows it:\n\n${[...new Set(ways)].slice(0, 5).join('\n')}` : '';
}

/** A session host's security settings: the boundary each one keeps (VM, VSM, kernel) and what it protects against. */
function hardeningHover(p: string): string | undefined {
  const at = (...keys: string[]) => keys.some((k) => p.includes(k));
  let what: string | undefined;
  let rules: string[] = [];
  let boundaries: Boundary[] = [];
  if (at('securitytype', 'securityprofile.uefisettings', 'secureboot', 'vtpm', 'secure_boot_enabled', 'vtpm_enabled')) {
    what =
      '**Trusted Launch** (`securityType: TrustedLaunch`): secure boot lets only signed boot loaders and kernels start, the virtual TPM measures the boot so guest attestation can prove it, and together they keep bootkits and rootkits out of the kernel and of Virtual Secure Mode (VSM), where Credential Guard holds the credentials of every user of the host. It needs a Gen2 image; changing it recreates the VM.';
    rules = ['session-host-not-trusted-launch', 'trusted-launch-incomplete'];
    boundaries = ['vm', 'vsm', 'kernel'];
  } else if (at('encryptionathost', 'encryption_at_host')) {
    what =
      "**Encryption at host**: the temporary disk and the caches of the OS and data disks are encrypted on the Azure host too, so nothing of the users' sessions rests unencrypted outside the VM.";
    rules = ['encryption-at-host-disabled'];
    boundaries = ['vm'];
  } else if (at('patchsettings', 'patchmode', 'enableautomaticupdates', 'patch_mode', 'automatic_updates_enabled', 'enable_automatic_updates')) {
    what =
      "**Patching**: a shared host runs every user's session on one Windows: an unpatched kernel or service is an elevation path from one user to all. Automatic updates, or a patch orchestration that applies them, keep it closed.";
    rules = ['automatic-patching-disabled'];
    boundaries = ['kernel'];
  }
  if (!what) return undefined;
  return [
    what,
    boundaryLine(boundaries),
    policyLine(rules),
    ruleLinks(rules),
    LEARN('security-recommendations', 'Security recommendations for Azure Virtual Desktop'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** A diagnostic setting: the audit trail it keeps. */
function diagnosticsHover(): string {
  return [
    '**Diagnostic setting: the audit trail.** Host pools, workspaces and application groups log who connected, from where, with which client, and what changed (the `allLogs` or `audit` category groups): without them, a sign-in from a stolen password leaves no trace to investigate.',
    policyLine(['host-pool-diagnostics-missing', 'workspace-diagnostics-missing']),
    ruleLinks(['host-pool-diagnostics-missing', 'workspace-diagnostics-missing']),
    LEARN('diagnostics-log-analytics', 'Send Azure Virtual Desktop diagnostics to Log Analytics'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** A storage account: what it holds for Azure Virtual Desktop, and what keeps it private. */
function storageHover(): string {
  return [
    "**Storage account.** When it holds FSLogix profiles or app attach images, every user's profile or application image is in it: keep it off public networks (public network access disabled, or a default action of `Deny`) and reach it through a `file` private endpoint.",
    boundaryLine(['network', 'data-egress']),
    policyLine(['profile-storage-public']),
    ruleLinks(['profile-storage-public']),
    LEARN('fslogix-profile-container-configure-azure-files-active-directory', 'Store FSLogix profile containers on Azure Files'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** A host pool's or a workspace's public network access: what each mode lets through. */
function publicAccessHover(r: Resource): string {
  const pool = typeIs(r, 'microsoft.desktopvirtualization/hostpools');
  return [
    `**Public network access of the ${pool ? 'host pool' : 'workspace'}**, with Private Link:`,
    pool
      ? '| Mode | Clients | Session hosts |\n|---|---|---|\n| `Enabled` | public or private | public or private |\n| `EnabledForClientsOnly` | public or private | private endpoint only |\n| `EnabledForSessionHostsOnly` | private endpoint only | public or private |\n| `Disabled` | private endpoint only | private endpoint only |'
      : "`Enabled`: users list their desktops and apps from any network; `Disabled` (Terraform `public_network_access_enabled = false`): only through the workspace's `feed` private endpoint.",
    pool
      ? "Restricted modes need the pool's `connection` private endpoint; the workspace then needs `feed`, and one workspace `global`."
      : 'A disabled feed needs its `feed` private endpoint, and one workspace the `global` one.',
    REVERSE_CONNECT,
    policyLine([pool ? 'host-pool-public-network' : 'workspace-public-network', 'private-access-without-endpoint']),
    ruleLinks([pool ? 'host-pool-public-network' : 'workspace-public-network', 'private-access-without-endpoint', 'shortpath-public-udp']),
    LEARN('private-link-overview', 'Azure Private Link with Azure Virtual Desktop'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** A script that runs on a session host as SYSTEM (Custom Script Extension, Run Command). */
function scriptHover(what: string): string {
  return [
    `**${what}**: runs its script as SYSTEM on the session host.`,
    'A script that adds users to the local Administrators group makes them administrators of the host, and on a pooled host of every session on it: **administrator-to-kernel is not a security boundary.** Keep such members to an admin group.',
    boundaryLine(['kernel', 'session']),
    ruleLinks(['local-admin-by-script']),
    LEARN('security-recommendations', 'Security recommendations for Azure Virtual Desktop'),
  ].join('\n\n');
}

/** A RemoteApp: what it runs, and whether the client can add to its command line. */
function remoteAppHover(r: Resource): string {
  const file = knownString(get(r.body, 'properties', 'filePath'));
  const setting = knownString(get(r.body, 'properties', 'commandLineSetting'));
  return [
    `**RemoteApp**${file ? ` \`${file}\`` : ''}: users start it in a session on the hosts of its host pool${setting ? `; command line: **${setting}**` : ''}.`,
    'A shell, script host or admin tool published as an app, or an app that runs any command line the client sends (`Allow`), lets users run any program on the host: the process and session boundaries of a shared host then rest on Windows permissions alone. `DoNotAllow`, or `Require` with fixed arguments, keeps the app to what you publish.',
    boundaryLine(['process', 'session']),
    ruleLinks(['remoteapp-shell-or-command-line']),
    LEARN('publish-applications-stream-remoteapp', 'Publish applications with RemoteApp'),
  ].join('\n\n');
}

function sessionHostHover(join: string, pool: Resource | undefined): string {
  return [
    `**Session host**: ${JOIN_TEXT[join]}${pool ? `, registered to host pool ${knownString(get(pool.body, 'name')) ?? pool.source.symbol ?? ''}` : ''}.`,
    boundaryLine(['session', 'kernel']),
    `[Security recommendations](${SECURITY_RECOMMENDATIONS_URL})`,
  ].join('\n\n');
}

function caHover(r: Resource): string {
  const apps = get(r.body, 'conditions', 'applications', 'includeApplications');
  const ids = apps?.kind === 'array' ? apps.items.map((i) => knownString(i)).filter((s): s is string => s !== undefined) : [];
  const rows = ids.map((id) => {
    const app = appById(id);
    return `| \`${id}\` | ${app ? `${app.name}: ${app.role}` : id.toLowerCase() === 'all' ? 'Every application, Azure Virtual Desktop included' : 'not an AVD application'} |`;
  });
  const verdict = coversAvd(r);
  const lines = [
    `**Conditional Access policy** ${knownString(get(r.body, 'displayName')) ? `'${knownString(get(r.body, 'displayName'))}'` : ''}`.trim(),
    rows.length ? '| Included application | |\n|---|---|\n' + rows.join('\n') : 'Included applications are not known here.',
    verdict.covers === 'yes'
      ? 'Requires MFA for Azure Virtual Desktop.'
      : verdict.covers === 'no'
        ? `Does not enforce MFA for Azure Virtual Desktop: ${verdict.reason}.`
        : 'Whether it enforces MFA for Azure Virtual Desktop cannot be read here.',
  ];
  const sso = [REMOTE_DESKTOP_APP_ID, WINDOWS_CLOUD_LOGIN_APP_ID].filter((id) => ids.includes(id));
  if (ids.includes(AVD_APP_ID) && sso.length < 2)
    lines.push('With single sign-on on, also target Microsoft Remote Desktop and Windows Cloud Login, which sign users in to the session host.');
  // Which of the three authentication phases this policy guards: the service (the AVD app), the session host (the SSO apps).
  const all = ids.some((id) => id.toLowerCase() === 'all');
  const guards = [
    ...(all || ids.includes(AVD_APP_ID) ? ['the service phase (feed and gateway)'] : []),
    ...(all || sso.length ? ['the session host phase when single sign-on is on'] : []),
  ];
  lines.push(
    guards.length
      ? `Of the three authentication phases, it guards ${guards.join(' and ')}; sign-ins inside the session are the apps' own.`
      : 'It guards none of the three Azure Virtual Desktop authentication phases.',
    LEARN('authentication', 'Supported identities and authentication methods'),
  );
  lines.push(
    boundaryLine(['identity']),
    ruleLinks(['mfa-conditional-access-missing', 'conditional-access-ineffective', 'conditional-access-misses-sso-apps']),
    LEARN('set-up-mfa', 'Enforce MFA for Azure Virtual Desktop'),
  );
  return lines.join('\n\n');
}
