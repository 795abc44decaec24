import { INVALID_SUPPRESSION } from '../engine/analyze';
import { applyFixes } from '../engine/fix-all';
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
import { type AvdsecConfig, setRuleOption } from '../engine/config';
import { renderFix } from '../engine/fix';
import { changeBetween } from '../engine/text-changes';
import type { EditSet, Fix, TextEdit } from '../engine/model';
import { FIX_ALL_KIND } from '../protocol/code-actions';
import { readTextIfExists } from '../host/files';
import { findingKey, toLspRange } from './diagnostics';
import { pathToUri, type ServerWorkspace } from './workspace';

export interface EditCapabilities {
  documentChanges: boolean;
  createFiles: boolean;
}

export { FIX_ALL_KIND };

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
    changes.push({
      textDocument: { uri: c.uri, version: null },
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: c.text }],
    });
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

export function codeActions(ws: ServerWorkspace, params: CodeActionParams, config: AvdsecConfig, caps: EditCapabilities): CodeAction[] {
  const uri = params.textDocument.uri;
  const findings = ws.engine.findings(uri, config);
  const byKey = new Map(findings.map((f) => [f.key, f]));
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
  const actions: CodeAction[] = [];

  if (wants(CodeActionKind.QuickFix)) {
    const disables = new Map<string, CodeAction>();
    for (const d of params.context.diagnostics) {
      if (d.source !== 'avdsec') continue;
      const key = findingKey(d, uri);
      const f = key === undefined ? undefined : byKey.get(key);
      if (!f) continue;
      for (const fix of f.fixes) {
        const edit = fixEdit(ws, uri, fix, caps);
        if (edit) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: !!fix.preferred, edit });
      }
      // A suppression's own finding is fixed by removing it, not by suppressing it.
      if (f.ruleId === INVALID_SUPPRESSION) continue;
      // Several findings of one rule on one line (RDP properties of one string) share one disable action of each kind.
      const lineKey = `${f.ruleId}\u0000${d.range.start.line}`;
      const lineAction = disables.get(lineKey);
      if (lineAction) lineAction.diagnostics!.push(d);
      else {
        const disable = renderFix({ kind: 'suppress', ruleId: f.ruleId, uri, range: f.range }, ws.engine.fixContext());
        const edit = disable && toWorkspaceEdit(ws, disable, caps);
        if (edit) disables.set(lineKey, { title: `Disable ${f.ruleId} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit });
      }
      const fileAction = disables.get(f.ruleId);
      if (fileAction) fileAction.diagnostics!.push(d);
      else {
        const disableFile = renderFix({ kind: 'suppress-file', ruleId: f.ruleId, uri }, ws.engine.fixContext());
        const fileEdit = disableFile && toWorkspaceEdit(ws, disableFile, caps);
        if (fileEdit) disables.set(f.ruleId, { title: `Disable ${f.ruleId} for this file`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: fileEdit });
      }
    }
    actions.push(...disables.values());
  }
  if (wants(FIX_ALL_KIND) && only) {
    const all = fixAll(ws, uri, config, caps);
    if (all) actions.push(all);
  }
  return actions;
}

/**
 * The fix-all action: the file's text after every preferred fix that edits only this file, as one edit. It follows
 * the CLI's `--fix` (server/src/cli/fix.ts): passes until nothing changes, edits at one place wait for the next pass,
 * and a pass whose edits break the syntax is taken back. The passes run on the engine's copy of the file, which is
 * put back afterwards, all synchronously, so that nothing else sees the intermediate texts.
 */
function fixAll(ws: ServerWorkspace, uri: string, config: AvdsecConfig, caps: EditCapabilities): CodeAction | undefined {
  const doc = ws.textDocument(uri);
  const start = ws.engine.document(uri);
  if (!doc || !start) return undefined;
  const original = start.text;
  let text: string;
  // The passes run on the engine's copy of the file, which is put back: the editor applies the result as one edit.
  try {
    text = applyFixes(ws.engine, [uri], () => config).changed.get(uri)?.after ?? original;
  } finally {
    ws.engine.set(uri, original, doc.version);
  }
  if (text === original) return undefined;
  const edit = toWorkspaceEdit(ws, { edits: [minimalEdit(uri, original, text)], creates: [] }, caps);
  return edit ? { title: 'Fix all auto-fixable avdsec problems', kind: FIX_ALL_KIND, edit } : undefined;
}

/** One edit from `before` to `after`: the part between their common start and end. */
function minimalEdit(uri: string, before: string, after: string): TextEdit {
  const c = changeBetween(before, after);
  return { uri, range: { start: c.start, end: c.oldEnd }, newText: c.newText };
}

export type { Diagnostic };
