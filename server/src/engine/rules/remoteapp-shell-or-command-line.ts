import { displayName } from '../facts/host-pools';
import { labels, saysAny } from '../facts/naming';
import type { ApplicationNode } from '../graph';
import { shellOf, type ShellInfo } from '../knowledge/shells';
import { caseNote, fitting } from '../message';
import type { Fix, RelatedInfo, Resource, Value } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { cases, get, knownString } from '../values';
import docs from './remoteapp-shell-or-command-line.md';

const ID = 'remoteapp-shell-or-command-line';

const OPTIONS = {
  adminAppGroupWords: {
    type: 'string[]',
    default: ['admin', 'admins', 'administrator', 'administrators', 'helpdesk', 'servicedesk'],
    description:
      "Words that, in an application group's name, symbolic name or tags, say it is for administrators or the helpdesk: shells and admin tools it publishes are not reported.",
  },
} as const;

/** An application's name without its application group's (`ag-tools/cmd` in ARM is `cmd` in Bicep and Terraform). */
function appName(app: Resource): string {
  const name = knownString(get(app.body, 'name'));
  return name !== undefined && name.includes('/') ? `'${name.slice(name.lastIndexOf('/') + 1)}'` : displayName(app);
}

function settingIs(v: Value | undefined, setting: string): boolean {
  return knownString(v)?.trim().toLowerCase() === setting.toLowerCase();
}

/**
 * A script host published with a fixed command line (Require) that runs a script or command and exits: a launcher.
 * Arguments avdsec cannot read count as such a command line; a user who breaks out of the script still gets the host.
 */
function isLauncher(shell: ShellInfo, setting: Value | undefined, args: Value | undefined): boolean {
  if (!shell.scriptHost || !setting || !cases(setting).every((c) => settingIs(c.value, 'Require'))) return false;
  if (!args) return false;
  return cases(args).every((c) => {
    const text = knownString(c.value);
    if (text === undefined) return true;
    return shell.scriptHost!.runs.test(text) && !shell.scriptHost!.keepsOpen?.test(text);
  });
}

/** The fix for a client command line: keep the published arguments (Require) when there are some, else refuse any. */
function commandLineFix(app: Resource, args: Value | undefined, preferred: boolean): Fix {
  const fixed = knownString(args)?.trim();
  return fixed
    ? fix(
        'Use only the published command line',
        { kind: 'set-property', resource: app.key, path: ['properties', 'commandLineSetting'], value: 'Require' },
        preferred,
      )
    : fix(
        'Refuse command lines from the client',
        { kind: 'set-property', resource: app.key, path: ['properties', 'commandLineSetting'], value: 'DoNotAllow' },
        preferred,
      );
}

function check(node: ApplicationNode, ctx: RuleContext<typeof OPTIONS>): void {
  const app = node.resource;
  const uri = app.source.uri;
  const name = appName(app);
  const filePath = get(app.body, 'properties', 'filePath');
  const setting = get(app.body, 'properties', 'commandLineSetting');
  const args = get(app.body, 'properties', 'commandLineArguments');
  const allowCases = setting ? cases(setting).filter((c) => settingIs(c.value, 'Allow')) : [];
  const forAdmins = node.appGroup ? labels(node.appGroup.resource).some((t) => saysAny(t, ctx.options.adminAppGroupWords)) : false;

  const shells = filePath
    ? cases(filePath).flatMap((c) => {
        const text = knownString(c.value);
        const shell = text !== undefined ? shellOf(text) : undefined;
        return shell ? [{ ...c, shell }] : [];
      })
    : [];
  if (shells.length) {
    // Application groups for administrators publish their tools on purpose.
    if (forAdmins) return;
    for (const c of shells) {
      const launcher = !allowCases.length && isLauncher(c.shell, setting, args);
      const exe = c.shell.file;
      const message = launcher
        ? fitting(
            `RemoteApp ${name} runs a fixed command through ${exe}: a user who breaks out of it gets ${c.shell.gives} on the session host.`,
            `RemoteApp ${name} runs a fixed command through ${exe}, which gives ${c.shell.gives} to a user who breaks out of it.`,
          )
        : fitting(
            `RemoteApp ${name} publishes ${exe}, which gives its users ${c.shell.gives} on the session host instead of one application.`,
            `RemoteApp ${name} publishes ${exe}, which gives its users ${c.shell.gives} on the session host.`,
          );
      const related: RelatedInfo[] = [];
      if (c.when) related.push({ uri, range: c.value.range, message: caseNote(c.when) });
      for (const a of allowCases.slice(0, 1)) related.push({ uri, range: a.value.range, message: 'It also accepts any command line from the client' });
      ctx.report({
        uri,
        at: c.value.range,
        value: c.value,
        message,
        // A launcher is a script host with a fixed command line: one level lower.
        shift: launcher ? -1 : 0,
        related,
        // Publishing another application is a design change; refusing client command lines only narrows the shell.
        fixes: allowCases.length ? [commandLineFix(app, args, false)] : [],
        key: `${app.key}|properties.filePath|${c.when}`,
      });
    }
    return;
  }

  for (const c of allowCases) {
    ctx.report({
      uri,
      at: c.value.range,
      value: c.value,
      message: fitting(
        `RemoteApp ${name} accepts any command line from the client, so its users choose the files and options it starts with on the session host.`,
        `RemoteApp ${name} accepts any command line from the client, so its users choose what it starts with.`,
      ),
      related: c.when ? [{ uri, range: c.value.range, message: caseNote(c.when) }] : [],
      fixes: [commandLineFix(app, args, true)],
      key: `${app.key}|properties.commandLineSetting|${c.when}`,
    });
  }
}

export default defineRule({
  id: ID,
  title: 'RemoteApp should not publish shells or accept any command line',
  level: 'warning',
  severity: 'medium',
  boundary: ['process', 'session'],
  summary: 'Finds RemoteApp applications that publish a shell, script host or admin tool, or that accept any command line from the client.',
  docs,
  appliesTo: 'application',
  options: OPTIONS,
  check,
});
