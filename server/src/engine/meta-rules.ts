import { INVALID_SUPPRESSION } from './analyze';
import type { Level, Severity } from './model';
import { DOCS_BASE } from './rule';
import { MODULE_CYCLE } from './workspace';

/**
 * Findings about avdsec's own input rather than about Azure settings: a suppression comment that does nothing, a cycle
 * of module calls. They are not rules (`.avdsec.json` cannot configure them, they have no catalog entry), but SARIF
 * consumers, `avdsec rules` and editors need the same descriptor for them: a title, a summary, a help page.
 */
export interface MetaRule {
  id: string;
  title: string;
  level: Level;
  severity: Severity;
  summary: string;
  /** What kind of problem it is, for SARIF consumers: not a security finding. */
  tags: string[];
  /** The rule page, docs/rules/<id>.md, written from `docs` by `npm run docs`. */
  helpUri: string;
  /** Markdown, from `## Why` on (the page adds the title and the facts). */
  docs: string;
}

function meta(def: Omit<MetaRule, 'helpUri'>): MetaRule {
  return { ...def, helpUri: `${DOCS_BASE}/${def.id}.md` };
}

export const META_RULES: readonly MetaRule[] = [
  meta({
    id: INVALID_SUPPRESSION,
    title: 'Suppression comment that names an unknown rule or silences nothing',
    level: 'hint',
    severity: 'low',
    tags: ['maintainability'],
    summary: 'Finds avdsec-disable comments and ARM metadata suppressions that name no rule of avdsec, or that silence no finding.',
    docs: `## Why

A suppression is a decision that a finding does not apply, written next to the code. One that names a rule avdsec does
not have (a typo, a rule that was renamed) silences nothing, so the finding it was meant for is still reported, or the
reviewer believes a decision was made that was not. One that silences nothing any more (the code was fixed, or moved)
hides the next finding of that rule on that line or resource without anyone deciding it.

## What avdsec reports

- An unknown rule id in \`// avdsec-disable-next-line\`, \`// avdsec-disable-file\` or an ARM resource's
  \`metadata.avdsec.suppress\`: the id is reported, as a hint.
- A suppression of a rule that is not turned off but reports nothing there (\`next-line\`: on the next line;
  \`file\`: in the file; ARM metadata: on the resource): also a hint, which editors show faded.

\`invalid-suppression\` is not a rule of \`.avdsec.json\`: it cannot be turned off or given another level, and it never
fails a scan with the default \`--fail-on error\`.

## How to fix

Remove the suppression (the quick fix does), or correct the rule id: \`avdsec rules\` lists them.

## Bad and good

\`\`\`bicep
// avdsec-disable-next-line pooled-host-local-admn -- helpdesk group, reviewed 2026-11
\`\`\`

\`\`\`bicep
// avdsec-disable-next-line pooled-host-local-admin -- helpdesk group, reviewed 2026-11
\`\`\`
`,
  }),
  meta({
    id: MODULE_CYCLE,
    title: 'Module calls that go round in a cycle',
    level: 'warning',
    severity: 'low',
    tags: ['correctness'],
    summary:
      'Finds Bicep module and Terraform module calls that close a cycle, which no deployment can follow; avdsec checks the module without the values of that call.',
    docs: `## Why

Bicep modules or Terraform module directories that call each other in a cycle cannot be deployed: Bicep and Terraform
both refuse the template. avdsec reads the cycle once and does not follow the call that closes it, so the module it
calls is checked without the values that call passes: a finding that depends on them may be missed.

## What avdsec reports

The module call that closes the cycle, as a warning, with the chain of files in the message.
\`module-cycle\` is not a rule of \`.avdsec.json\`: it cannot be turned off or given another level.

## How to fix

Break the cycle: move what both modules need into a third module that neither calls back, or pass the value as a
parameter from the caller.

## Bad and good

\`\`\`bicep
// main.bicep calls hosts.bicep, which calls main.bicep again
module hosts 'hosts.bicep' = { name: 'hosts' }
\`\`\`

\`\`\`bicep
// hosts.bicep takes what it needs as parameters and calls nothing back
module hosts 'hosts.bicep' = { name: 'hosts', params: { hostPoolName: hostPool.name } }
\`\`\`
`,
  }),
];

export function metaRuleById(id: string): MetaRule | undefined {
  return META_RULES.find((m) => m.id === id);
}
