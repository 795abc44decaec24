import { RULES } from '../engine/registry';
import { REPOSITORY_URL } from '../engine/rule';

/**
 * The JSON schema of .avdsec.json as published with the rule pages (schemas/avdsec.schema.json on the main branch), as
 * raw JSON: editors that read `$schema` (VS Code, JetBrains) validate and complete the file with it.
 */
export const CONFIG_SCHEMA_URL = `${REPOSITORY_URL.replace('https://github.com/', 'https://raw.githubusercontent.com/')}/main/schemas/avdsec.schema.json`;

/** Wraps a sentence into `//` comment lines of at most `width` characters, with the given indent. */
function comment(text: string, indent: string, width = 118): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + 3 + line.length + 1 + word.length > width) {
      lines.push(`${indent}// ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${indent}// ${line}`);
  return lines;
}

/**
 * The starter `.avdsec.json` that `avdsec init` writes: every setting and every rule of the registry, commented out
 * at its default, so that the file changes nothing until a line is uncommented. It parses with no problems (tested).
 */
export function starterConfig(eol = '\n'): string {
  const out: string[] = [];
  out.push(
    '// avdsec configuration. The editor extension and `avdsec scan` both read the nearest .avdsec.json above each file.',
    '// Every setting below is commented out at its default: remove the // in front of a line to change it. "$schema" lets',
    '// editors validate and complete this file.',
    '{',
    `  "$schema": "${CONFIG_SCHEMA_URL}",`,
    '',
    ...comment(
      'Other configuration files this one builds on, relative to this file. Later files win over earlier ones, and this file wins over all; rules merge per rule id.',
      '  ',
    ),
    '  // "extends": ["../avdsec.base.json"],',
    '',
    ...comment('Glob patterns, relative to this file, of files avdsec does not read.', '  '),
    '  // "exclude": ["legacy/**"],',
    '',
    ...comment(
      'How strictly the RDP redirection rules judge: "strict" reports on pooled and personal host pools alike, "balanced" (the default) reports one level lower on personal host pools, "off" turns them off.',
      '  ',
    ),
    '  // "redirectionProfile": "balanced",',
    '',
    ...comment(
      'Files larger than this many megabytes are not checked (the editor says so at the top of the file, the CLI lists them as errors). At most 64.',
      '  ',
    ),
    '  // "maxFileSizeMB": 10,',
    '',
    ...comment(
      'ARM templates compiled from a Bicep file of this repository: "source-only" (the default) reports what they share with their source on the Bicep file only; "report" reports both, where only the JSON is deployed.',
      '  ',
    ),
    '  // "compiledTemplates": "source-only",',
    '',
    ...comment('Parameters files and the template each serves, when their names do not say it (globs and paths relative to this file).', '  '),
    '  // "parameterFiles": { "environments/*/hostpool.json": "infra/hostpool.bicep" },',
    '',
    ...comment(
      'Each rule takes a level ("off", "hint", "info", "warning" or "error") or an object with a "level" and the rule\'s options, for example { "level": "error", "<option>": ... }.',
      '  ',
    ),
    '  "rules": {',
  );
  RULES.forEach((r, i) => {
    if (i > 0) out.push('');
    out.push(...comment(`${r.title}. Default level: ${r.level}; severity: ${r.severity}; boundary: ${r.boundary.join(', ')}. ${r.helpUri}`, '    '));
    for (const [name, o] of Object.entries(r.options))
      out.push(...comment(`Option "${name}" (${o.type}, default ${JSON.stringify(o.default)}): ${o.description}`, '    '));
    out.push(`    // "${r.id}": "${r.level}",`);
  });
  out.push('  }', '}', '');
  return out.join(eol);
}
