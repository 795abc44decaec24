import {
  adminPassword,
  notKeyVaultSecretUri,
  secretFixes,
  secretKey,
  secretMessage,
  secretRelated,
  SESSION_HOST_CONFIGURATION_CREDENTIALS,
  unprotectedSecrets,
} from '../facts/credentials';
import { displayName, sessionHostConfiguration } from '../facts/host-pools';
import type { HostPoolNode, SessionHostNode } from '../graph';
import { caseNote, fitting } from '../message';
import { defineRule, type RuleContext } from '../rule';
import { cases, get } from '../values';
import docs from './admin-password-unprotected.md';

function checkHost(host: SessionHostNode, ctx: RuleContext): void {
  const vm = host.vm;
  const pw = !vm.source.existing && adminPassword(vm);
  if (!pw) return;
  const what = `The local administrator password of session host ${displayName(vm)}`;
  for (const s of unprotectedSecrets(ctx.graph, vm.source.uri, pw.value, true)) {
    const through = s.problem === 'passes-through';
    const origin = pw.value.origin;
    ctx.report({
      uri: vm.source.uri,
      at: pw.value.range,
      // A value passed through a module parameter is fixed in the module, where it is used.
      ...(through ? {} : { value: s.value }),
      message: secretMessage(what, s, 'sign in to the host as administrator'),
      shift: s.shift,
      related: [
        ...secretRelated(s, vm, host.kind === 'scaleSet'),
        ...(through && origin ? [{ uri: origin.uri, range: origin.range, message: 'The password is passed here' }] : []),
      ],
      key: secretKey(s, vm.source.uri, `${vm.key}|${pw.path}`),
      fixes: secretFixes(s),
    });
  }
}

/** A session host configuration (preview) names its local administrator's credentials by Key Vault secret URIs. */
function checkConfiguration(pool: HostPoolNode, ctx: RuleContext): void {
  const config = sessionHostConfiguration(ctx.graph, pool);
  const creds = config && get(config.body, ...SESSION_HOST_CONFIGURATION_CREDENTIALS.vmAdmin);
  if (!config || !creds) return;
  for (const [field, what, shift] of [
    ['passwordKeyVaultSecretUri', 'password', 0],
    ['usernameKeyVaultSecretUri', 'user name', -1],
  ] as const) {
    const v = get(creds, field);
    if (!v) continue;
    for (const c of cases(v)) {
      if (!notKeyVaultSecretUri(c.value)) continue;
      ctx.report({
        uri: config.source.uri,
        at: v.range,
        value: c.value,
        message: fitting(
          `The session host configuration of host pool ${displayName(pool.resource)} writes the local administrator ${what} where a Key Vault secret URI belongs, in plain text.`,
          `The session host configuration of host pool ${displayName(pool.resource)} gives the administrator ${what} in plain text, not as a Key Vault secret URI.`,
        ),
        shift,
        related: c.when ? [{ uri: config.source.uri, range: v.range, message: caseNote(c.when) }] : [],
        key: `${config.key}|properties.vmAdminCredentials.${field}|${c.when}`,
      });
    }
  }
}

function check(subject: SessionHostNode | HostPoolNode, ctx: RuleContext): void {
  if ('vm' in subject) checkHost(subject, ctx);
  else checkConfiguration(subject, ctx);
}

export default defineRule({
  id: 'admin-password-unprotected',
  title: 'Local administrator passwords of session hosts should be protected',
  level: 'error',
  severity: 'high',
  boundary: ['management-plane'],
  summary: 'Finds local administrator passwords of session hosts that are literals, defaults or parameters that are not secure.',
  docs,
  appliesTo: ['sessionHost', 'hostPool'],
  check,
});
