import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { documentFindings, runRules } from '../server/src/engine/analyze';
import { applyTextEdits, renderFix } from '../server/src/engine/fix';
import type { Finding, TextEdit } from '../server/src/engine/model';
import { LineIndex } from '../server/src/engine/positions';
import { RULES } from '../server/src/engine/registry';
import { FIXTURES, listFiles, readConfig, uriOf, workspaceOf } from './harness/engine';
import { type Expectation, parseMarkers } from './harness/markers';

const RULES_DIR = path.join(FIXTURES, 'rules');
const SOURCE = /\.(bicep|bicepparam|tf|tfvars|json)$/;
const isFixed = (f: string) => /\.fixed\.[a-z]+$/.test(f);

/** The cases of a rule: each sub-folder of its fixture folder is one workspace. */
function casesOf(ruleId: string): string[] {
  const dir = path.join(RULES_DIR, ruleId);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name));
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

describe('rules on fixtures', () => {
  for (const rule of RULES) {
    describe(rule.id, () => {
      for (const caseDir of casesOf(rule.id)) {
        const files = listFiles(caseDir).filter((f) => SOURCE.test(f) && !isFixed(f));
        it(`${path.basename(caseDir)}: reports exactly the marked findings`, async () => {
          const texts = new Map<string, string>();
          const expected = new Map<string, Expectation[]>();
          for (const f of files) {
            const { text, expectations } = parseMarkers(fs.readFileSync(f, 'utf8'));
            texts.set(f, text);
            expected.set(f, expectations);
          }
          const ws = await workspaceOf(texts);
          const config = readConfig(caseDir);
          const all = runRules(ws.graph(), config, [rule]);
          const problems: string[] = [];
          for (const f of files) {
            const doc = ws.document(uriOf(f));
            if (!doc) continue;
            assert.deepEqual(doc.syntaxErrors, [], `${f} has syntax errors`);
            const got = documentFindings(all, doc);
            const idx = new LineIndex(doc.text);
            const want = [...expected.get(f)!];
            for (const finding of got) {
              const i = want.findIndex((x) => matches(finding, x, idx));
              if (i >= 0) want.splice(i, 1);
              else problems.push(`${path.relative(FIXTURES, f)}: unexpected ${describeFinding(finding, doc.text)}`);
            }
            for (const x of want)
              problems.push(
                `${path.relative(FIXTURES, f)}:${x.markerLine}: expected ${x.ruleId} ${x.level} at ${x.line + 1}:${x.startColumn} was not reported`,
              );
          }
          assert.deepEqual(problems, []);
        });

        for (const fixedFile of listFiles(caseDir).filter(isFixed)) {
          const source = fixedFile.replace(/\.fixed(\.[a-z]+)$/, '$1');
          it(`${path.basename(caseDir)}: preferred fixes turn ${path.basename(source)} into ${path.basename(fixedFile)}`, async () => {
            const texts = new Map<string, string>();
            for (const f of files) texts.set(f, parseMarkers(fs.readFileSync(f, 'utf8')).text);
            const ws = await workspaceOf(texts);
            const config = readConfig(caseDir);
            const uri = uriOf(source);
            const findings = documentFindings(runRules(ws.graph(), config, [rule]), ws.document(uri)!);
            const edits: TextEdit[] = [];
            for (const f of findings) {
              const fix = f.fixes.find((x) => x.preferred);
              const set = fix && renderFix(fix.intent, ws.fixContext());
              if (set) edits.push(...set.edits.filter((e) => e.uri === uri));
            }
            assert.ok(edits.length > 0, 'no preferred fix produced an edit');
            const fixed = applyTextEdits(texts.get(source)!, edits);
            assert.equal(fixed, fs.readFileSync(fixedFile, 'utf8'));
            // The fixed text no longer has the finding.
            ws.set(uri, fixed);
            const after = documentFindings(runRules(ws.graph(), config, [rule]), ws.document(uri)!);
            assert.deepEqual(
              after.filter((f) => f.fixes.some((x) => x.preferred && x.intent.kind !== 'set-config')).map((f) => f.message),
              [],
            );
          });
        }
      }
    });
  }
});
