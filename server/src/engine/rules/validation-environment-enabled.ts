import { displayName } from '../facts/host-pools';
import type { HostPoolNode } from '../graph';
import type { Value } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { cases, get, knownBoolean, knownString } from '../values';
import docs from './validation-environment-enabled.md';
import { caseNote, fitting } from '../message';

/** Words that name a validation pool on purpose, in its name, symbolic name or tags. */
const VALIDATION_WORDS = /^(?:val|validation|validate|canary|test|tests|testing|preview|pilot)$/;

/** Whether a text says validation as a word of its own (`hp-canary-01`, `avdValidation`), not inside another word. */
function saysValidation(text: string | undefined): boolean {
  if (!text) return false;
  // camelCase and PascalCase split too: `hpValidationPool` -> hp, validation, pool.
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => VALIDATION_WORDS.test(w));
}

/** The known texts of the pool's name, symbolic name and tags (keys and values): where a team says what the pool is for. */
function labels(pool: HostPoolNode): string[] {
  const hp = pool.resource;
  const out = [knownString(get(hp.body, 'name')), hp.source.symbol];
  const tags = get(hp.body, 'tags');
  if (tags?.kind === 'object') for (const e of tags.entries) out.push(e.key, knownString(e.value));
  return out.filter((t): t is string => t !== undefined);
}

function check(pool: HostPoolNode, ctx: RuleContext): void {
  const hp = pool.resource;
  const v: Value | undefined = get(hp.body, 'properties', 'validationEnvironment');
  if (!v || labels(pool).some(saysValidation)) return;
  // A value that is not known to be true (a parameter without default, false) stays silent.
  const on = cases(v).filter((c) => knownBoolean(c.value) === true);
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
  check,
});
