import { INVALID_SUPPRESSION } from '../engine/analyze';
import {
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type Diagnostic,
  type TextDocumentEdit,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
  type CreateFile,
} from 'vscode-languageserver';
import { setRuleOption } from '../engine/config';
import { renderFix } from '../engine/fix';
import type { EditSet, Finding, Fix } from '../engine/model';
import { readTextIfExists } from '../host/files';
import { type DiagnosticData, toLspRange } from './diagnostics';
import { pathToUri, type ServerWorkspace } from './workspace';

export interface EditCapabilities {
  documentChanges: boolean;
  createFiles: boolean;
}

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.avdsec`;

function toWorkspaceEdit(ws: ServerWorkspace, set: EditSet, caps: EditCapabilities): WorkspaceEdit | undefined {
  const byUri = new Map<string, LspTextEdit[]>();
  for (const e of set.edits) {
    const doc = ws.textDocument(e.uri);
    if (!doc) return undefined;
    let list = byUri.get(e.uri);
    if (!list) byUri.set(e.uri, (list = []));
    list.push({ range: toLspRange(doc, e.range), newText: e.newText });
  }
  if (set.creates.length && !(caps.documentChanges && caps.createFiles)) return undefined;
  if (!caps.documentChanges) return { changes: Object.fromEntries(byUri) };
  const changes: (TextDocumentEdit | CreateFile)[] = [];
  for (const c of set.creates) {
    changes.push({ kind: 'create', uri: c.uri, options: { ignoreIfExists: true } });
    changes.push({ textDocument: { uri: c.uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: c.text }] });
  }
  for (const [uri, edits] of byUri) changes.push({ textDocument: { uri, version: ws.isOpen(uri) ? ws.textDocument(uri)!.version : null }, edits });
  return { documentChanges: changes };
}

function configEdit(ws: ServerWorkspace, uri: string, fix: Extract<Fix['intent'], { kind: 'set-config' }>, caps: EditCapabilities): WorkspaceEdit | undefined {
  const file = ws.configFileFor(uri);
  if (!file) return undefined;
  const current = readTextIfExists(file);
  const next = setRuleOption(current ?? '', fix.ruleId, fix.option, fix.value);
  const target = pathToUri(file);
  if (current === undefined) {
    return toWorkspaceEdit(ws, { edits: [], creates: [{ uri: target, text: next }] }, caps);
  }
  const lines = current.split(/\r\n|\r|\n/);
  const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
  const edit: LspTextEdit = { range: { start: { line: 0, character: 0 }, end }, newText: next };
  return caps.documentChanges ? { documentChanges: [{ textDocument: { uri: target, version: null }, edits: [edit] }] } : { changes: { [target]: [edit] } };
}

function fixEdit(ws: ServerWorkspace, uri: string, fix: Fix, caps: EditCapabilities): WorkspaceEdit | undefined {
  if (fix.intent.kind === 'set-config') return configEdit(ws, uri, fix.intent, caps);
  const set = renderFix(fix.intent, ws.engine.fixContext());
  return set ? toWorkspaceEdit(ws, set, caps) : undefined;
}

export function codeActions(ws: ServerWorkspace, params: CodeActionParams, caps: EditCapabilities): CodeAction[] {
  const uri = params.textDocument.uri;
  const findings = ws.engine.findings(uri, ws.configFor(uri));
  const byKey = new Map(findings.map((f) => [f.key, f]));
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
  const actions: CodeAction[] = [];

  if (wants(CodeActionKind.QuickFix)) {
    for (const d of params.context.diagnostics) {
      if (d.source !== 'avdsec') continue;
      const f = byKey.get((d.data as DiagnosticData | undefined)?.key ?? '');
      if (!f) continue;
      for (const fix of f.fixes) {
        const edit = fixEdit(ws, uri, fix, caps);
        if (edit) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: !!fix.preferred, edit });
      }
      // A suppression's own finding is fixed by removing it, not by suppressing it.
      if (f.ruleId === INVALID_SUPPRESSION) continue;
      const disable = renderFix({ kind: 'suppress', ruleId: f.ruleId, uri, range: f.range }, ws.engine.fixContext());
      const edit = disable && toWorkspaceEdit(ws, disable, caps);
      if (edit) actions.push({ title: `Disable ${f.ruleId} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit });
      const disableFile = renderFix({ kind: 'suppress-file', ruleId: f.ruleId, uri }, ws.engine.fixContext());
      const fileEdit = disableFile && toWorkspaceEdit(ws, disableFile, caps);
      if (fileEdit) actions.push({ title: `Disable ${f.ruleId} for this file`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: fileEdit });
    }
  }
  if (wants(FIX_ALL_KIND) && only) {
    const all = fixAll(ws, uri, findings, caps);
    if (all) actions.push(all);
  }
  return actions;
}

/** Every preferred fix of the file whose edits stay in the file and do not overlap. */
function fixAll(ws: ServerWorkspace, uri: string, findings: Finding[], caps: EditCapabilities): CodeAction | undefined {
  const ctx = ws.engine.fixContext();
  const taken: { start: number; end: number }[] = [];
  const edits: EditSet = { edits: [], creates: [] };
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.preferred && x.intent.kind !== 'set-config' && x.intent.kind !== 'add-ca-policy');
    const set = fix && renderFix(fix.intent, ctx);
    if (!set || set.edits.some((e) => e.uri !== uri)) continue;
    if (set.edits.some((e) => taken.some((t) => e.range.start < t.end && t.start < e.range.end) || taken.some((t) => t.start === e.range.start && t.end === e.range.end))) continue;
    for (const e of set.edits) taken.push(e.range);
    edits.edits.push(...set.edits);
  }
  if (!edits.edits.length) return undefined;
  const edit = toWorkspaceEdit(ws, edits, caps);
  return edit ? { title: 'Fix all avdsec problems that have a preferred fix', kind: FIX_ALL_KIND, edit } : undefined;
}

export type { Diagnostic };
