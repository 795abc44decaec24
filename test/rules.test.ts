import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { documentFindings, runRules } from '../server/src/engine/analyze';
import type { AvdsecConfig } from '../server/src/engine/config';
import { applyTextEdits, renderFix } from '../server/src/engine/fix';
import type { Finding, TextEdit } from '../server/src/engine/model';
import { languageByName } from '../server/src/engine/parse';
import { LineIndex } from '../server/src/engine/positions';
import type { Rule } from '../server/src/engine/rules/define';
import { RULES } from '../server/src/engine/rules/index';
import { Workspace } from '../server/src/engine/workspace';
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
  const { config, isExcluded } = readFolderConfig(caseDir);
  const ws = new Workspace(await grammars());
  const texts = new Map<string, string>();
  const read: string[] = [];
  const notRead = new Map<string, string>();
  for (const f of listFiles(caseDir)) {
    const text = parseMarkers(fs.readFileSync(f, 'utf8')).text;
    texts.set(f, text);
    if (isFixed(f)) notRead.set(f, 'it is the expected text after the fixes (.fixed), not an input');
    else if (path.basename(f) === '.avdsec.json') notRead.set(f, 'it is the configuration');
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

/** Runs a rule on a case once per test run. */
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
      }
      for (const x of want) problems.push(`${rel(f)}:${x.markerLine}: expected ${x.ruleId} ${x.level} at ${x.line + 1}:${x.startColumn} was not reported`);
    }
    return { problems, findings };
  } finally {
    c.ws.dispose();
  }
}

describe('rules on fixtures', () => {
  for (const rule of RULES) {
    describe(rule.id, () => {
      const cases = casesOf(rule.id);

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
    });
  }
});
