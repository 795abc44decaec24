import { displayName, relatedResource } from '../facts/host-pools';
import { type EvidenceKind, evidenceNote, profileStorage, type ProfileStorage, PURPOSE } from '../facts/profile-storage';
import { caseNote, fitting } from '../message';
import type { Fix, RelatedInfo, Resource, Value } from '../model';
import { type Deployment, defineRule, fix, type RuleContext } from '../rule';
import { cases, entry, get, isAbsent, knownBoolean, knownString } from '../values';
import docs from './profile-storage-public.md';

const ID = 'profile-storage-public';

/** One case of a setting along a path: its value, or absent (a service default applies), or unreadable. */
interface Step {
  value?: Value;
  absent?: boolean;
  unknown?: boolean;
  when: string;
}

const join = (a: string, b: string) => (a && b && a !== b ? `${a} and ${b}` : a || b);

/** The cases of the value at a path, following each case of the objects on the way (`networkAcls: x ? {...} : null`). */
function steps(v: Value | undefined, path: readonly string[], when = ''): Step[] {
  if (!v) return [{ absent: true, when }];
  const out: Step[] = [];
  for (const c of cases(v)) {
    const w = join(when, c.when);
    const cur = c.value;
    if (cur.kind === 'null') out.push({ absent: true, when: w });
    else if (!path.length) out.push({ value: cur, when: w });
    else if (cur.kind !== 'object') out.push({ unknown: true, when: w });
    else {
      const e = entry(cur, path[0]);
      if (e) out.push(...steps(e.value, path.slice(1), w));
      else out.push(cur.open ? { unknown: true, when: w } : { absent: true, when: w });
    }
  }
  return out;
}

type State = 'open' | 'closed' | 'unknown';

/** A network setting of the account in one case, judged: open to every network, closed, or unreadable. */
interface Setting extends Step {
  state: State;
  /** The resource and path it is written at (Terraform network rules may be a resource of their own). */
  resource: Resource;
  path: string[];
}

function judge(s: Step, resource: Resource, path: string[], read: (v: Value) => State): Setting {
  const state: State = s.absent ? 'open' : s.unknown || !s.value ? 'unknown' : read(s.value);
  return { ...s, state, resource, path };
}

function enumState(open: string, closed: string[]) {
  return (v: Value): State => {
    const s = knownString(v)?.trim().toLowerCase();
    return s === undefined ? 'unknown' : s === open ? 'open' : closed.includes(s) ? 'closed' : 'unknown';
  };
}

const PUBLIC_ACCESS = enumState('enabled', ['disabled', 'securedbyperimeter']);
const DEFAULT_ACTION = enumState('allow', ['deny']);

function isTerraform(r: Resource): boolean {
  return r.type.toLowerCase() === 'terraform:azurerm_storage_account';
}

/** Public network access (ARM `publicNetworkAccess`, Terraform `public_network_access_enabled`), in each case. */
function publicAccess(a: Resource): Setting[] {
  if (isTerraform(a)) {
    const path = ['public_network_access_enabled'];
    return steps(a.body, path).map((s) => judge(s, a, path, (v) => (knownBoolean(v) === true ? 'open' : knownBoolean(v) === false ? 'closed' : 'unknown')));
  }
  const path = ['properties', 'publicNetworkAccess'];
  return steps(a.body, path).map((s) => judge(s, a, path, PUBLIC_ACCESS));
}

/** The default action of the account's firewall: ARM `networkAcls.defaultAction`; Terraform inline or a resource of its own. */
function defaultAction(p: ProfileStorage): Setting[] {
  const a = p.account;
  if (!isTerraform(a)) {
    const path = ['properties', 'networkAcls', 'defaultAction'];
    return steps(a.body, path).map((s) => judge(s, a, path, DEFAULT_ACTION));
  }
  // `azurerm_storage_account_network_rules` replaces the inline block; two of them cannot be told apart.
  if (p.networkRules.length > 1) return [{ unknown: true, when: '', state: 'unknown', resource: a, path: [] }];
  if (p.networkRules.length === 1) {
    const r = p.networkRules[0];
    return steps(r.body, ['default_action']).map((s) => judge({ ...s, unknown: s.unknown || s.absent, absent: false }, r, ['default_action'], DEFAULT_ACTION));
  }
  const path = ['network_rules', 'default_action'];
  return steps(a.body, path).map((s) => judge(s, a, path, DEFAULT_ACTION));
}

function messageOf(name: string, kind: EvidenceKind): string {
  switch (kind) {
    case 'profiles':
      return fitting(
        `Storage account ${name} holds FSLogix profiles and accepts traffic from every network, so users' profile disks can be reached from the internet.`,
        `Storage account ${name} holds FSLogix profiles and is open to every network: profile disks can be reached from the internet.`,
      );
    case 'app-attach':
      return fitting(
        `Storage account ${name} holds app attach packages and accepts traffic from every network, so the packages can be reached from the internet.`,
        `Storage account ${name} holds app attach packages and is open to every network: they can be reached from the internet.`,
      );
    case 'mount':
      return fitting(
        `Storage account ${name}, mounted by session hosts, accepts traffic from every network, so the files on its shares can be reached from the internet.`,
        `Storage account ${name}, mounted by session hosts, is open to every network: its files can be reached from the internet.`,
      );
  }
}

const OPEN_BY_DEFAULT = 'No public network access setting or network rule restricts the account: Azure accepts every network by default';

function check(_deployment: Deployment, ctx: RuleContext): void {
  const found = profileStorage(ctx.graph);
  if (!found.length) return;
  for (const p of found) {
    // Private endpoints, in this workspace or in a module it does not follow, are the intended private path.
    if (p.privateEndpoint || p.hiddenEndpoint) continue;
    const a = p.account;
    const evidence = [...p.evidence].sort((x, y) => PURPOSE[x.kind] - PURPOSE[y.kind]);
    const kind = evidence[0].kind;
    const access = publicAccess(a);
    const action = defaultAction(p);
    for (const pa of access) {
      for (const da of action) {
        if (pa.state !== 'open' || da.state !== 'open') continue;
        const when = join(pa.when, da.when);
        // What must change: the default action when written, else the public access setting, else the declaration.
        const at = da.value ? da : pa.value ? pa : undefined;
        const uri = at?.resource.source.uri ?? a.source.uri;
        const range = at?.value?.range ?? a.source.headRange;
        const absent = !!pa.absent && !!da.absent;
        const related: RelatedInfo[] = [];
        if (when) related.push({ uri, range, message: caseNote(when) });
        if (absent) related.push(relatedResource(a, OPEN_BY_DEFAULT));
        related.push(...evidence.slice(0, 3).map(evidenceNote));
        ctx.report({
          uri,
          at: range,
          value: at?.value,
          message: messageOf(displayName(a), kind),
          // The catalog's ladder: a share that is only mounted is weaker evidence; an absent setting (a service default)
          // and an assigned Azure Policy that audits or enforces the control each lower the level by one.
          shift: (kind === 'mount' ? -1 : 0) + (absent ? -1 : 0),
          related,
          fixes: fixesOf(da),
          key: `${a.key}|network|${when}`,
        });
      }
    }
  }
}

/** Deny by default, where the default action is written as one literal or can be added (ARM and Bicep). */
function fixesOf(da: Setting): Fix[] {
  const written = get(da.resource.body, ...da.path);
  const canWrite = written ? knownString(written) !== undefined : !isTerraform(da.resource) && isAbsent(da.resource.body, ...da.path);
  if (!canWrite) return [];
  return [fix('Deny network traffic by default', { kind: 'set-property', resource: da.resource.key, path: da.path, value: 'Deny' }, true)];
}

export default defineRule({
  id: ID,
  title: 'Profile and app attach storage should not be open to public networks',
  level: 'warning',
  severity: 'medium',
  boundary: ['network', 'user'],
  summary: 'Finds storage accounts holding FSLogix profiles or app attach packages that accept traffic from every network and have no file private endpoint.',
  docs,
  appliesTo: 'deployment',
  check,
});
