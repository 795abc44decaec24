import { displayName } from '../facts/host-pools';
import { labels, saysAny } from '../facts/naming';
import type { HostPoolNode } from '../graph';
import type { Value } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { cases, get, knownBoolean } from '../values';
import docs from './validation-environment-enabled.md';
import { caseNote, fitting } from '../message';

const OPTIONS = {
  validationWords: {
    type: 'string[]',
    default: ['validation', 'validate', 'val', 'canary', 'test', 'tests', 'testing', 'preview', 'pilot'],
    description:
      "Words that, in a host pool's name, symbolic name or tags, say the pool is meant for validation (whole words, any case; 'pre-prod' matches pre-prod and preProd); such pools are not reported.",
  },
} as const;

function check(pool: HostPoolNode, ctx: RuleContext<typeof OPTIONS>): void {
  const hp = pool.resource;
  const v: Value | undefined = get(hp.body, 'properties', 'validationEnvironment');
  if (!v) return;
  // A value that is not known to be true (a parameter without default, false) stays silent.
  const on = cases(v).filter((c) => knownBoolean(c.value) === true);
  // The pool's labels last: reading its tags evaluates them, and most pools are no validation environment anyway.
  if (!on.length || labels(hp).some((t) => saysAny(t, ctx.options.validationWords))) return;
  for (const c of on) {
    ctx.report({
      uri: hp.source.uri,
      at: c.value.range,
      value: c.value,
      message: fitting(
        `Host pool ${displayName(hp)} is a validation environment: it gets agent updates before other pools, so its users meet untested builds first.`,
        `Host pool ${displayName(hp)} is a validation environment: its users meet untested agent builds first.`,
      ),
      related: c.when ? [{ uri: hp.source.uri, range: c.value.range, message: caseNote(c.when) }] : [],
      key: `${hp.key}|properties.validationEnvironment|${c.when}`,
      fixes: [
        fix(
          'Turn off the validation environment',
          { kind: 'set-property', resource: hp.key, path: ['properties', 'validationEnvironment'], value: false },
          true,
        ),
      ],
    });
  }
}

export default defineRule({
  id: 'validation-environment-enabled',
  title: 'Production host pools should not be validation environments',
  level: 'hint',
  severity: 'low',
  boundary: ['management-plane'],
  summary: 'Finds host pools marked as validation environments (validationEnvironment true) whose name and tags do not say they are for validation.',
  docs,
  appliesTo: 'hostPool',
  local: true,
  options: OPTIONS,
  check,
});
