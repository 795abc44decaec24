import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { documentFindings, runRules } from '../server/src/engine/analyze';
import type { AvdsecConfig } from '../server/src/engine/config';
import { applyTextEdits, renderFix } from '../server/src/engine/fix';
import type { Finding, TextEdit } from '../server/src/engine/model';
import { languageByName } from '../server/src/engine/parse';
import { LineIndex } from '../server/src/engine/positions';
import type { Rule } from '../server/src/engine/rule';
import { RULES } from '../server/src/engine/registry';
import { Workspace } from '../server/src/engine/workspace';
import { discoverFiles } from '../server/src/host/files';
import { FIXTURES, grammars, listFiles, readFolderConfig, uriOf } from './harness/engine';
import { type Expectation, parseMarkers } from './harness/markers';

const RULES_DIR = path.join(FIXTURES, 'rules');
const isFixed = (f: string) => /\.fixed\.[a-z]+$/.test(f);
const rel = (f: string) => path.relative(FIXTURES, f).split(path.sep).join('/');

/** The cases of a rule: each sub-folder of its fixture folder is one workspace. */
function casesOf(ruleId: string): string[] {
  const dir = path.join(RULES_DIR, ruleId);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name))
    .sort();
}

/** Case folders are named `<language>-<case>`: the same case name in two languages is the same deployment. */
const CASE_NAME = /^(arm|bicep|tf)-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

function describeFinding(f: Finding, text: string): string {
  const idx = new LineIndex(text);
  const s = idx.position(f.range.start);
  const e = idx.position(f.range.end);
  return `${s.line + 1}:${s.character}-${e.line + 1}:${e.character} ${f.ruleId} ${f.level}${f.fixes.some((x) => x.preferred) ? ' [fix]' : ''}: ${f.message}`;
}

function matches(f: Finding, x: Expectation, idx: LineIndex): boolean {
  const s = idx.position(f.range.start);
  const e = idx.position(f.range.end);
  if (f.ruleId !== x.ruleId || f.level !== x.level || s.line !== x.line || s.character !== x.startColumn) return false;
  const endOk = (e.line === x.line && e.character === x.endColumn) || (x.toLineEnd && e.line > x.line);
  if (!endOk) return false;
  if (x.fix !== f.fixes.some((fx) => fx.preferred)) return false;
  return !x.messagePrefix || f.message.startsWith(x.messagePrefix);
}

/** A case folder as a workspace: every file of it is handed to the engine as a scan of the folder would hand it. */
interface OpenCase {
  ws: Workspace;
  config: AvdsecConfig;
  /** Each file of the folder, markers removed. */
  texts: Map<string, string>;
  /** The files the engine reads, in order. */
  read: string[];
  /** The other files, and why the engine does not read them. */
  notRead: Map<string, string>;
}

async function openCase(caseDir: string): Promise<OpenCase> {
  const { config, isExcluded, parameterTemplates } = readFolderConfig(caseDir);
  const ws = new Workspace(await grammars());
  ws.setParameterFiles((uri) => parameterTemplates(path.resolve(uri)).map(uriOf));
  const texts = new Map<string, string>();
  const read: string[] = [];
  const notRead = new Map<string, string>();
  // What the CLI and the language server would read of the folder (they leave out .terraform but for fetched modules).
  const discovered = new Set(discoverFiles([caseDir], caseDir).files);
  for (const f of listFiles(caseDir)) {
    const text = parseMarkers(fs.readFileSync(f, 'utf8')).text;
    texts.set(f, text);
    if (isFixed(f)) notRead.set(f, 'it is the expected text after the fixes (.fixed), not an input');
    else if (path.basename(f) === '.avdsec.json') notRead.set(f, 'it is the configuration');
    else if (!discovered.has(f) && languageByName(f)) notRead.set(f, 'discovery leaves its folder out');
    else if (isExcluded(f)) notRead.set(f, "the case's .avdsec.json excludes it");
    else if (!ws.set(uriOf(f), text))
      notRead.set(
        f,
        languageByName(f) === 'json'
          ? 'it is JSON that is neither an ARM template or parameters file (by its $schema) nor a Conditional Access policy'
          : 'avdsec does not read files with this extension',
      );
    else read.push(f);
  }
  for (const f of read) {
    const fatal = ws.document(uriOf(f))?.syntaxErrors.find((e) => e.fatal);
    if (fatal) notRead.set(f, `its parser refused it: ${fatal.message}`);
  }
  return { ws, config, texts, read: read.filter((f) => !notRead.has(f)), notRead };
}

/** What a case reports, with the problems found comparing it with its markers. */
interface CaseRun {
  problems: string[];
  findings: Finding[];
}

const runs = new Map<string, Promise<CaseRun>>();

/** Runs a rule on a case once per test run: the cross-language comparison reads the results of the case tests. */
function runCase(rule: Rule, caseDir: string): Promise<CaseRun> {
  let run = runs.get(caseDir);
  if (!run) runs.set(caseDir, (run = analyzeCase(rule, caseDir)));
  return run;
}

async function analyzeCase(rule: Rule, caseDir: string): Promise<CaseRun> {
  const problems: string[] = [];
  const c = await openCase(caseDir);
  try {
    const expected = new Map<string, Expectation[]>();
    for (const f of c.texts.keys()) {
      const markers = parseMarkers(fs.readFileSync(f, 'utf8'));
      expected.set(f, markers.expectations);
      for (const p of markers.problems) problems.push(`${rel(f)}:${p}`);
      const why = c.notRead.get(f);
      // Markers in a file the engine does not read would never be checked: the case would pass whatever the rule does.
      if (why && markers.expectations.length)
        problems.push(`${rel(f)}: has ${markers.expectations.length} marker(s) but avdsec does not read it (${why}), so they are never checked`);
    }
    const all = runRules(c.ws.graph(), c.config, [rule]);
    const findings: Finding[] = [];
    for (const f of c.read) {
      const doc = c.ws.document(uriOf(f))!;
      for (const e of doc.syntaxErrors) problems.push(`${rel(f)}: syntax error: ${e.message}`);
      const got = documentFindings(all, doc);
      findings.push(...got);
      const idx = new LineIndex(doc.text);
      const want = [...expected.get(f)!];
      for (const finding of got) {
        const i = want.findIndex((x) => matches(finding, x, idx));
        if (i >= 0) want.splice(i, 1);
        else problems.push(`${rel(f)}: unexpected ${describeFinding(finding, doc.text)}`);
        const long = messageProblem(finding.message);
        if (long) problems.push(`${rel(f)}: ${long}: ${finding.message}`);
      }
      for (const x of want) problems.push(`${rel(f)}:${x.markerLine}: expected ${x.ruleId} ${x.level} at ${x.line + 1}:${x.startColumn} was not reported`);
    }
    return { problems, findings };
  } finally {
    c.ws.dispose();
  }
}

/** The longest a message may be: one sentence that says what was found and why it matters (issue 15). */
const MESSAGE_MAX = 160;

/** Why a message is not one short sentence, or undefined; the rest belongs to related information, the hover, the rule page. */
function messageProblem(message: string): string | undefined {
  if (message.length > MESSAGE_MAX) return `message of ${message.length} characters (at most ${MESSAGE_MAX})`;
  if (/[.!?]\s+\S/.test(message)) return 'message of more than one sentence';
  if (!/[.?]$/.test(message)) return 'message does not end with a period';
  return undefined;
}

/**
 * Same-named cases (`arm-pooled`, `bicep-pooled`, `tf-pooled`) write one deployment in each language, so they must
 * report the same findings. "The same" is compared on what the engine reports (each case's own test has already matched
 * it against the markers: position, level, [fix] and a message prefix), without positions, which are the language's:
 *
 * - the same multiset of findings, each with its rule id, level, message, the title of its preferred fix (or none),
 *   the titles of its other fixes, and the messages of its related information;
 * - messages compared in full after one rewrite, of the names a language spells its own way: an input is
 *   `parameter hostPoolType` in ARM and Bicep and `var.host_pool_type` in Terraform, a variable is `variable rdp` and
 *   `local.rdp`, and an allowed-values case is `when hostPoolType is` and `when host_pool_type is`. Terraform's
 *   snake_case names are compared as the camelCase names of ARM and Bicep. Everything else (resource names, which come
 *   from `name` values, RDP tokens, counts, policy names) must be written the same;
 * - what one language cannot express is declared below, with the reason; a declaration that no case needs fails, so
 *   the list stays true.
 */
interface LanguageOnlyFix {
  rule: string;
  title: string;
  languages: string[];
  reason: string;
}

const LANGUAGE_ONLY_FIXES: LanguageOnlyFix[] = [
  ...(['host-pool-diagnostics-missing', 'workspace-diagnostics-missing'] as const).map((rule) => ({
    rule,
    title: 'Add a diagnostic setting sending all logs to Log Analytics (a skeleton to complete)',
    languages: ['bicep', 'tf'],
    reason: 'the skeleton is a new resource after the declaration; in an ARM template it would have to join the resources array, which the fix does not write',
  })),
  ...(['connection', 'feed'] as const).map((sub) => ({
    rule: 'private-access-without-endpoint',
    title: `Add a private endpoint for its ${sub} sub-resource (a skeleton to complete)`,
    languages: ['bicep', 'tf'],
    reason: 'the skeleton is a new resource after the declaration; in an ARM template it would have to join the resources array, which the fix does not write',
  })),
  {
    rule: 'app-group-access-too-broad',
    title: "Grant it on the template's one application group",
    languages: ['bicep', 'tf'],
    reason:
      "ARM writes a role assignment's scope on an application group as an expression of its type and name, which the fix does not write; Bicep takes the group's symbol and Terraform its id",
  },
  {
    rule: 'personal-admin-scope-too-wide',
    title: "Scope it to the template's one session host",
    languages: ['bicep', 'tf'],
    reason:
      "ARM writes a role assignment's scope on a VM as an expression of the VM's type and name, which the fix does not write; Bicep takes the VM's symbol and Terraform its id",
  },
  {
    rule: 'trusted-launch-incomplete',
    title: 'Add the Guest Attestation extension',
    languages: ['bicep', 'tf'],
    reason: 'the extension is a new resource after the VM; in an ARM template it would have to join the resources array, which the fix does not write',
  },
  {
    rule: 'defender-for-servers-missing',
    title: 'Turn on Defender for Servers Plan 2 for the subscription (a skeleton; needs subscription scope)',
    languages: ['bicep', 'tf'],
    reason:
      'the plan is a subscription resource at the end of the file: Bicep declares it only in a file that targets the subscription, Terraform in any configuration (its provider names the subscription); an ARM template would need it in its resources array, which the fix does not write',
  },
  {
    rule: 'mfa-conditional-access-missing',
    title: 'Add a Conditional Access policy that requires MFA for Azure Virtual Desktop',
    languages: ['tf'],
    reason:
      'the fix writes a new azuread_conditional_access_policy next to the configuration; ARM and Bicep deployments cannot declare an Entra Conditional Access policy, so no file of theirs can hold one',
  },
];

/** Case names that are allowed to report different findings in different languages, with the reason. */
interface CaseDifference {
  rule: string;
  name: string;
  reason: string;
}

const CASE_DIFFERENCES: CaseDifference[] = [];

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A message with the names a language spells its own way rewritten to one form (see above). */
function sameAcrossLanguages(message: string): string {
  return message
    .replace(/\b(?:parameter |var\.)([A-Za-z_]\w*)/g, (_, n: string) => `«input ${camel(n)}»`)
    .replace(/\b(?:variable |local\.)([A-Za-z_]\w*)/g, (_, n: string) => `«variable ${camel(n)}»`)
    .replace(/\bwhen ([A-Za-z_]\w*) is\b/g, (_, n: string) => `when «${camel(n)}» is`);
}

function signature(f: Finding, languageOnly: Set<string>): string {
  const fixes = f.fixes.filter((x) => !languageOnly.has(x.title));
  const preferred = fixes.find((x) => x.preferred);
  return [
    `${f.ruleId} ${f.level}: ${sameAcrossLanguages(f.message)}`,
    `  preferred fix: ${preferred ? preferred.title : '(none)'}`,
    ...fixes
      .filter((x) => !x.preferred)
      .map((x) => `  other fix: ${x.title}`)
      .sort(),
    // Bicep findings name the Bicep linter rule that reports the same thing (issue 19); the other languages have none.
    ...f.related
      .filter((r) => !r.message.startsWith("Bicep's linter"))
      .map((r) => `  related: ${sameAcrossLanguages(r.message)}`)
      .sort(),
  ].join('\n');
}

describe('rules on fixtures', () => {
  for (const rule of RULES) {
    describe(rule.id, () => {
      const cases = casesOf(rule.id);

      it('case folders are named <language>-<case>', () => {
        assert.deepEqual(
          cases.map((c) => path.basename(c)).filter((n) => !CASE_NAME.test(n)),
          [],
        );
      });

      for (const caseDir of cases) {
        it(`${path.basename(caseDir)}: reports exactly the marked findings`, async () => {
          assert.deepEqual((await runCase(rule, caseDir)).problems, []);
        });

        for (const fixedFile of listFiles(caseDir).filter(isFixed)) {
          const source = fixedFile.replace(/\.fixed(\.[a-z]+)$/, '$1');
          it(`${path.basename(caseDir)}: preferred fixes turn ${path.basename(source)} into ${path.basename(fixedFile)}`, async () => {
            const c = await openCase(caseDir);
            try {
              assert.ok(c.read.includes(source), `${rel(source)} is not read (${c.notRead.get(source) ?? 'no such file'})`);
              const uri = uriOf(source);
              const findings = documentFindings(runRules(c.ws.graph(), c.config, [rule]), c.ws.document(uri)!);
              const edits: TextEdit[] = [];
              for (const f of findings) {
                const fix = f.fixes.find((x) => x.preferred);
                const set = fix && renderFix(fix.intent, c.ws.fixContext());
                if (set) edits.push(...set.edits.filter((e) => e.uri === uri));
              }
              assert.ok(edits.length > 0, 'no preferred fix produced an edit');
              const fixed = applyTextEdits(c.texts.get(source)!, edits);
              assert.equal(fixed, fs.readFileSync(fixedFile, 'utf8'));
              // The fixed text no longer has the finding.
              c.ws.set(uri, fixed);
              const after = documentFindings(runRules(c.ws.graph(), c.config, [rule]), c.ws.document(uri)!);
              assert.deepEqual(
                after.filter((f) => f.fixes.some((x) => x.preferred && x.intent.kind !== 'set-config')).map((f) => f.message),
                [],
              );
            } finally {
              c.ws.dispose();
            }
          });
        }
      }

      // Same-named cases in several languages report the same findings (see sameAcrossLanguages).
      const byName = new Map<string, Map<string, string>>();
      for (const caseDir of cases) {
        const m = CASE_NAME.exec(path.basename(caseDir));
        if (!m) continue;
        if (!byName.has(m[2])) byName.set(m[2], new Map());
        byName.get(m[2])!.set(m[1], caseDir);
      }
      const languageOnly = LANGUAGE_ONLY_FIXES.filter((x) => x.rule === rule.id);
      const differences = CASE_DIFFERENCES.filter((x) => x.rule === rule.id);
      const shared = [...byName].filter(([, langs]) => langs.size > 1);

      for (const [name, langs] of shared) {
        const declared = differences.find((d) => d.name === name);
        it(`${name}: ${declared ? 'differs as declared' : 'reports the same findings'} in ${[...langs.keys()].join(', ')}`, async () => {
          const titles = new Set(languageOnly.map((x) => x.title));
          const got = new Map<string, string[]>();
          for (const [lang, dir] of langs) {
            const run = await runCase(rule, dir);
            got.set(lang, run.findings.map((f) => signature(f, titles)).sort());
          }
          const [first, ...rest] = [...got];
          const same = rest.every(([, s]) => JSON.stringify(s) === JSON.stringify(first[1]));
          if (declared) {
            assert.ok(!same, `${name} is declared to differ by language (${declared.reason}), but its findings are the same: remove the declaration`);
            return;
          }
          for (const [lang, s] of rest) assert.deepEqual(s, first[1], `${lang}-${name} (actual) and ${first[0]}-${name} (expected) differ`);
        });
      }

      for (const d of differences) {
        if (!shared.some(([name]) => name === d.name))
          it(`declared difference ${d.name} names a case of several languages`, () => assert.fail(`no case ${d.name} in several languages`));
      }

      if (languageOnly.length) {
        it('each fix declared for some languages only is offered, and only in those languages', async () => {
          const offeredIn = new Map<string, Set<string>>();
          for (const caseDir of cases) {
            const lang = CASE_NAME.exec(path.basename(caseDir))?.[1] ?? '?';
            for (const f of (await runCase(rule, caseDir)).findings)
              for (const x of f.fixes) offeredIn.set(x.title, (offeredIn.get(x.title) ?? new Set()).add(lang));
          }
          for (const x of languageOnly) {
            const langs = [...(offeredIn.get(x.title) ?? [])];
            assert.ok(langs.length, `'${x.title}' is declared for ${x.languages.join(', ')} only, but no case offers it: remove the declaration`);
            assert.deepEqual(
              langs.filter((l) => !x.languages.includes(l)),
              [],
              `'${x.title}' is declared for ${x.languages.join(', ')} only`,
            );
          }
        });
      }
    });
  }
});
