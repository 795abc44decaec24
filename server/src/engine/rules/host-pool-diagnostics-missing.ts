import { logGap } from '../facts/diagnostic-settings';
import { displayName, relatedResource } from '../facts/host-pools';
import type { HostPoolNode } from '../graph';
import { fitting } from '../message';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './host-pool-diagnostics-missing.md';

/** The security minimum of a host pool's logs; the costly ones (NetworkData, ConnectionGraphicsData, SessionHostManagement) are never required. */
const REQUIRED = ['Connection', 'Management', 'Error', 'HostRegistration'];

function check(pool: HostPoolNode, ctx: RuleContext): void {
  const hp = pool.resource;
  const gap = logGap(ctx.graph, hp, REQUIRED);
  if (!gap) return;
  const name = displayName(hp);
  if (gap.kind === 'no-setting') {
    ctx.report({
      uri: hp.source.uri,
      at: hp.source.headRange,
      message: fitting(
        `Host pool ${name} has no diagnostic setting: user connections, host registrations and admin changes leave no audit trail in Log Analytics.`,
        `Host pool ${name} has no diagnostic setting: its connections and admin changes leave no audit trail.`,
      ),
      // The catalog's skeleton, never applied on its own: its workspace id is a placeholder to fill in.
      fixes:
        hp.source.language === 'arm'
          ? []
          : [fix('Add a diagnostic setting sending all logs to Log Analytics (a skeleton to complete)', { kind: 'add-diagnostic-setting', resource: hp.key })],
      key: `${hp.key}|diagnostic-settings`,
    });
    return;
  }
  const list = gap.missing.join(', ');
  ctx.report({
    uri: hp.source.uri,
    at: hp.source.headRange,
    message: fitting(
      `Host pool ${name} sends no ${list} logs to its diagnostic settings: those connections and admin actions leave no audit trail.`,
      `Host pool ${name} sends no ${list} logs: those activities leave no audit trail.`,
    ),
    shift: -1,
    related: gap.settings.map((s) => relatedResource(s, "This diagnostic setting sends the host pool's other logs")),
    key: `${hp.key}|diagnostic-settings|categories`,
  });
}

export default defineRule({
  id: 'host-pool-diagnostics-missing',
  title: 'Host pools should send their logs to a Log Analytics workspace',
  level: 'warning',
  severity: 'low',
  boundary: ['management-plane'],
  summary:
    'Finds host pools no diagnostic setting in the workspace sends logs of, or whose settings leave out the Connection, Management, Error or HostRegistration logs.',
  docs,
  appliesTo: 'hostPool',
  check,
});
