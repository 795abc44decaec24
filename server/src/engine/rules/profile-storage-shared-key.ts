import { displayName, relatedResource } from '../facts/host-pools';
import { type EvidenceKind, evidenceNote, profileStorage, type ProfileStorage, PURPOSE, purposeOfWords } from '../facts/profile-storage';
import { identitySource, isTerraformAccount, type KeyFlow, type SharedKeyCase, sharedKeyCases, sharedKeyPath, storageKeyFlows } from '../facts/storage-keys';
import type { AvdGraph } from '../graph';
import { caseNote, fitting } from '../message';
import type { Document, Fix, RelatedInfo, Resource } from '../model';
import { type Deployment, defineRule, fix, type RuleContext } from '../rule';
import { get, isAbsent } from '../values';
import docs from './profile-storage-shared-key.md';

const ID = 'profile-storage-shared-key';

function purposeOf(kinds: (EvidenceKind | undefined)[]): EvidenceKind | undefined {
  const known = kinds.filter((k): k is EvidenceKind => k !== undefined);
  return known.sort((a, b) => PURPOSE[a] - PURPOSE[b])[0];
}

/** The first three reasons the account is taken for profile storage, each said once (a script may name it twice). */
function evidenceNotes(p: ProfileStorage | undefined): RelatedInfo[] {
  if (!p) return [];
  const notes = [...p.evidence].sort((x, y) => PURPOSE[x.kind] - PURPOSE[y.kind]).map(evidenceNote);
  return notes.filter((n, i) => notes.findIndex((m) => m.message === n.message) === i).slice(0, 3);
}

const BY_DEFAULT = 'The account does not say whether it allows shared key access: Azure allows it by default';
const IDENTITY_NOTE = 'Azure Files authenticates users by identity here, so mounting a share does not need the access key';

function identityNote(a: Resource): RelatedInfo[] {
  if (!identitySource(a)) return [];
  const path = isTerraformAccount(a) ? ['azure_files_authentication'] : ['properties', 'azureFilesIdentityBasedAuthentication'];
  const v = get(a.body, ...path);
  return [{ uri: a.source.uri, range: v?.range ?? a.source.headRange, message: IDENTITY_NOTE }];
}

/** Disable shared key access where the setting is written as a literal or can be added (ARM and Bicep). */
function disableFix(a: Resource, preferred: boolean): Fix[] {
  const path = sharedKeyPath(a);
  const written = get(a.body, ...path);
  const canWrite = written ? written.kind === 'boolean' && !written.origin : !isTerraformAccount(a) && isAbsent(a.body, ...path);
  if (!canWrite) return [];
  const intent = { kind: 'set-property', resource: a.key, path, value: false } as const;
  return [
    preferred
      ? fix('Disable shared key access', intent, true)
      : fix('Disable shared key access (mounts and scripts that use the access key will break)', intent),
  ];
}

function settingMessage(name: string, kind: EvidenceKind, byDefault: boolean): string {
  const allows = byDefault ? 'allows shared key access by default' : 'allows shared key access';
  switch (kind) {
    case 'profiles':
      return fitting(
        `Storage account ${name} holds FSLogix profiles and ${allows}: anyone with its access key can read and change every profile disk.`,
        `Storage account ${name} holds FSLogix profiles and ${allows}: anyone with its key can read and change every profile disk.`,
        `Storage account ${name} holds FSLogix profiles and ${allows}: its key opens every profile disk.`,
      );
    case 'app-attach':
      return fitting(
        `Storage account ${name} holds app attach packages and ${allows}: anyone with its access key can change the apps users run.`,
        `Storage account ${name} holds app attach packages and ${allows}: its key can change the apps users run.`,
      );
    case 'mount':
      return fitting(
        `Storage account ${name}, mounted by session hosts, ${allows}: anyone with its access key can read and change its files.`,
        `Storage account ${name}, mounted by session hosts, ${allows}: its key opens every file.`,
      );
  }
}

function flowMessage(name: string | undefined, kind: EvidenceKind, who: string): string {
  const account = name ? `storage account ${name}` : 'a storage account';
  switch (kind) {
    case 'profiles':
      return fitting(
        `The access key of profile ${account} is handed to ${who}: whoever reads it there can open every user's profile disk.`,
        `The access key of profile ${account} is handed to ${who}: it opens every user's profile disk.`,
      );
    case 'app-attach':
      return fitting(
        `The access key of app attach ${account} is handed to ${who}: whoever reads it there can change the apps every user runs.`,
        `The access key of app attach ${account} is handed to ${who}: it can change the apps users run.`,
      );
    case 'mount':
      return fitting(
        `The access key of ${account} is handed to ${who} to mount its shares: whoever reads it there can open every file on them.`,
        `The access key of ${account} is handed to ${who} to mount its shares: it opens every file on them.`,
      );
  }
}

/** The resources of the graph's session hosts: their VMs, extensions and run commands. */
const hostParts = new WeakMap<readonly Document[], Set<Resource>>();

function sessionHostParts(graph: AvdGraph): Set<Resource> {
  let parts = hostParts.get(graph.documents);
  if (!parts) {
    parts = new Set(graph.sessionHosts.flatMap((h) => [h.vm, ...h.extensions]));
    hostParts.set(graph.documents, parts);
  }
  return parts;
}

function receiverName(flow: KeyFlow, graph: AvdGraph): string {
  if (flow.to === 'deployment-script') return 'a deployment script';
  return sessionHostParts(graph).has(flow.receiver) ? 'session hosts' : 'a virtual machine';
}

/** Where a related line about the account's setting points: the value written, else the declaration. */
function settingNote(a: Resource, c: SharedKeyCase): RelatedInfo | undefined {
  if (c.state === 'default') return relatedResource(a, BY_DEFAULT);
  if (c.state === 'allowed' && c.value) return { uri: a.source.uri, range: c.value.range, message: 'The account allows shared key access here' };
  return undefined;
}

function check(_deployment: Deployment, ctx: RuleContext): void {
  const storage = profileStorage(ctx.graph);
  const byAccount = new Map(storage.map((p) => [p.account, p]));
  const reported = new Set<Resource>();
  const seen = new Set<string>();

  for (const flow of storageKeyFlows(ctx.graph)) {
    const p = flow.account ? byAccount.get(flow.account) : undefined;
    // Storage that is not known to hold profiles or app attach packages is not judged.
    const kind = purposeOf([...(p?.evidence.map((e) => e.kind) ?? []), purposeOfWords(flow.keys, flow.text), flow.mounts ? 'mount' : undefined]);
    if (!kind) continue;
    const deployed = flow.account && !flow.account.source.existing ? flow.account : undefined;
    const setting = deployed ? sharedKeyCases(deployed) : [];
    // A key the account refuses authorizes nothing.
    if (setting.length && setting.every((c) => c.state === 'disabled')) continue;
    const key = `${flow.receiver.key}|access-key|${flow.account?.key ?? flow.accountName ?? ''}|${flow.when}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (flow.account) reported.add(flow.account);
    const uri = flow.receiver.source.uri;
    const related: RelatedInfo[] = [];
    if (flow.when) related.push({ uri, range: flow.read.range, message: caseNote(flow.when) });
    if (deployed) related.push(...setting.flatMap((c) => settingNote(deployed, c) ?? []).slice(0, 2));
    related.push(...evidenceNotes(p));
    const name = flow.account ? displayName(flow.account) : flow.accountName !== undefined ? `'${flow.accountName}'` : undefined;
    ctx.report({
      uri,
      at: flow.read.range,
      value: flow.read,
      message: flowMessage(name, kind, receiverName(flow, ctx.graph)),
      // The catalog's ladder: a key handed to the machines users sign in to is one level above an account that merely
      // allows it; a deployment script holds it only while it runs; a share that is only mounted is weaker evidence.
      shift: (flow.to === 'host' ? 1 : 0) + (kind === 'mount' ? -1 : 0),
      related,
      fixes: deployed ? disableFix(deployed, false) : [],
      key,
    });
  }

  for (const p of storage) {
    const a = p.account;
    // A key handed to hosts is the finding about the account: its setting is named there.
    if (reported.has(a)) continue;
    const kind = purposeOf(p.evidence.map((e) => e.kind))!;
    // Turning the key off is safe to apply only with Entra Kerberos, which needs the key neither to mount nor to set up
    // the share. Without identity-based access the hosts mount with the key; Microsoft's FSLogix setup for AD DS and
    // Entra Domain Services asks to keep key access on.
    const keyless = identitySource(a) === 'AADKERB';
    for (const c of sharedKeyCases(a)) {
      if (c.state !== 'allowed' && c.state !== 'default') continue;
      const byDefault = c.state === 'default';
      const range = c.value?.range ?? a.source.headRange;
      const related: RelatedInfo[] = [];
      if (c.when) related.push({ uri: a.source.uri, range, message: caseNote(c.when) });
      if (byDefault) related.push(relatedResource(a, BY_DEFAULT));
      related.push(...identityNote(a), ...evidenceNotes(p));
      ctx.report({
        uri: a.source.uri,
        at: range,
        value: c.value,
        message: settingMessage(displayName(a), kind, byDefault),
        // An absent setting (the service default) and a share that is only mounted each lower the level by one.
        shift: (byDefault ? -1 : 0) + (kind === 'mount' ? -1 : 0),
        related,
        fixes: disableFix(a, keyless),
        key: `${a.key}|shared-key|${c.when}`,
      });
    }
  }
}

export default defineRule({
  id: ID,
  title: 'Profile storage should not be reached with a shared key',
  level: 'warning',
  severity: 'medium',
  boundary: ['management-plane', 'user'],
  summary:
    'Finds FSLogix and app attach storage accounts that allow shared key access, and storage account keys handed to session hosts or deployment scripts.',
  docs,
  appliesTo: 'deployment',
  check,
});
