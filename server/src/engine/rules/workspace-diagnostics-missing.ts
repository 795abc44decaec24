import { logGap } from '../facts/diagnostic-settings';
import { displayName, relatedResource } from '../facts/host-pools';
import type { AppGroupNode, WorkspaceNode } from '../graph';
import { fitting } from '../message';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './workspace-diagnostics-missing.md';

/** The security minimum of each kind's logs (Checkpoint is optional). */
const WORKSPACE = { kind: 'Workspace', required: ['Feed', 'Management', 'Error'], what: 'feed downloads and admin changes' };
const APP_GROUP = { kind: 'Application group', required: ['Management', 'Error'], what: 'admin changes' };

function check(subject: WorkspaceNode | AppGroupNode, ctx: RuleContext): void {
  const r = subject.resource;
  const { kind, required, what } = 'hostPool' in subject ? APP_GROUP : WORKSPACE;
  const gap = logGap(ctx.graph, r, required);
  if (!gap) return;
  const name = displayName(r);
  if (gap.kind === 'no-setting') {
    ctx.report({
      uri: r.source.uri,
      at: r.source.headRange,
      message: fitting(
        `${kind} ${name} has no diagnostic setting: its ${what} leave no audit trail in Log Analytics.`,
        `${kind} ${name} has no diagnostic setting: its ${what} leave no audit trail.`,
      ),
      // The catalog's skeleton, never applied on its own: its workspace id is a placeholder to fill in.
      fixes:
        r.source.language === 'arm'
          ? []
          : [fix('Add a diagnostic setting sending all logs to Log Analytics (a skeleton to complete)', { kind: 'add-diagnostic-setting', resource: r.key })],
      key: `${r.key}|diagnostic-settings`,
    });
    return;
  }
  ctx.report({
    uri: r.source.uri,
    at: r.source.headRange,
    message: fitting(
      `${kind} ${name} sends no ${gap.missing.join(', ')} logs to its diagnostic settings: those activities leave no audit trail.`,
      `${kind} ${name} sends no ${gap.missing.join(', ')} logs.`,
    ),
    shift: -1,
    related: gap.settings.map((s) => relatedResource(s, 'This diagnostic setting sends its other logs')),
    key: `${r.key}|diagnostic-settings|categories`,
  });
}

export default defineRule({
  id: 'workspace-diagnostics-missing',
  title: 'Workspaces and application groups should send their logs to Log Analytics',
  level: 'info',
  severity: 'low',
  boundary: ['management-plane'],
  summary:
    'Finds workspaces and application groups no diagnostic setting in the workspace sends logs of, or whose settings leave out the Feed, Management or Error logs.',
  docs,
  appliesTo: ['workspace', 'appGroup'],
  check,
});
