import { adminPassword, configurationCredentialReports, secretFixes, secretKey, secretMessage, secretRelated, unprotectedSecrets } from '../facts/credentials';
import { displayName } from '../facts/host-pools';
import type { HostPoolNode, SessionHostNode } from '../graph';
import { defineRule, type RuleContext } from '../rule';
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

/** A session host configuration (preview) names the credentials by Key Vault secret URIs. */
function checkConfiguration(pool: HostPoolNode, ctx: RuleContext): void {
  for (const r of configurationCredentialReports(ctx.graph, pool, 'vmAdmin', 'local administrator')) ctx.report(r);
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
