import {
  bicepLinterNote,
  type DomainJoinSecret,
  domainJoinSecrets,
  configurationCredentialReports,
  secretFixes,
  secretKey,
  secretMessage,
  secretRelated,
  unprotectedSecrets,
} from '../facts/credentials';
import { displayName } from '../facts/host-pools';
import type { HostPoolNode, SessionHostNode } from '../graph';
import { inlineExtensions } from '../graph/session-hosts';
import { fitting } from '../message';
import type { Fix } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { entry, get } from '../values';
import docs from './domain-join-secret-unprotected.md';

function checkHost(host: SessionHostNode, ctx: RuleContext): void {
  const what = `The domain-join password of session host ${displayName(host.vm)}`;
  for (const ext of [...host.extensions, ...inlineExtensions(host.vm)]) {
    if (ext.source.existing) continue;
    for (const secret of domainJoinSecrets(ctx.graph, ext)) {
      if (secret.where === 'settings') reportPublic(secret, what, ctx);
      reportSource(secret, what, ctx);
    }
  }
}

/** A password in the public settings is readable by anyone who can read the VM, wherever its value comes from. */
function reportPublic(secret: DomainJoinSecret, what: string, ctx: RuleContext): void {
  const ext = secret.extension;
  const uri = ext.source.uri;
  const related = secret.commandLine && uri.endsWith('.bicep') ? [bicepLinterNote('protect-commandtoexecute-secrets', { uri, range: secret.at })] : [];
  ctx.report({
    uri,
    at: secret.at,
    message: fitting(
      `${what} is in the extension's public settings, which anyone who can read the VM sees in plain text.`,
      `${what} is in public extension settings, readable in plain text.`,
    ),
    related,
    key: `${ext.key}|properties.settings.${secret.path}`,
    fixes: moveFix(secret),
  });
}

/**
 * Move the entry to the protected settings when the whole entry can move and no literal would be written anew (when
 * the protected settings hold it already, the move only removes it from the public ones).
 */
function moveFix(secret: DomainJoinSecret): Fix[] {
  if (!secret.whole || !secret.editable) return [];
  const ext = secret.extension;
  const v = secret.value;
  const protectedHas = !!entry(get(ext.body, 'properties', 'protectedSettings'), secret.key);
  const literal = v.kind === 'string' && !v.origin && v.parts.some((p) => p.kind === 'text' && p.text !== '');
  if (literal && !protectedHas) return [];
  const intent = { kind: 'move-to-protected-settings' as const, resource: ext.key, key: secret.key };
  return [fix(protectedHas ? 'Remove it from the public settings' : 'Move it to the protected settings', intent, true)];
}

/** Where the password comes from (a literal, a default, an input that is not secret), wherever it is passed. */
function reportSource(secret: DomainJoinSecret, what: string, ctx: RuleContext): void {
  const ext = secret.extension;
  for (const s of unprotectedSecrets(ctx.graph, ext.source.uri, secret.value)) {
    const through = s.problem === 'passes-through';
    const origin = secret.value.origin;
    ctx.report({
      uri: ext.source.uri,
      at: secret.at,
      ...(through ? {} : { value: s.value }),
      message: secretMessage(what, s, 'join computers to the domain'),
      shift: s.shift,
      related: [
        ...secretRelated(s, undefined),
        ...(through && origin ? [{ uri: origin.uri, range: origin.range, message: 'The password is passed here' }] : []),
      ],
      key: secretKey(s, ext.source.uri, `${ext.key}|${secret.where}.${secret.path}`),
      fixes: secretFixes(s),
    });
  }
}

/** A session host configuration (preview) names the credentials by Key Vault secret URIs. */
function checkConfiguration(pool: HostPoolNode, ctx: RuleContext): void {
  for (const r of configurationCredentialReports(ctx.graph, pool, 'domain', 'domain-join')) ctx.report(r);
}

function check(subject: SessionHostNode | HostPoolNode, ctx: RuleContext): void {
  if ('vm' in subject) checkHost(subject, ctx);
  else checkConfiguration(subject, ctx);
}

export default defineRule({
  id: 'domain-join-secret-unprotected',
  title: 'Domain-join credentials of session hosts should be protected',
  level: 'error',
  severity: 'high',
  boundary: ['management-plane'],
  summary: 'Finds domain-join passwords of session hosts that are literals, defaults, parameters that are not secure, or public settings.',
  docs,
  appliesTo: ['sessionHost', 'hostPool'],
  check,
});
