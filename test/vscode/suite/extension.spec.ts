// Runs inside VS Code's extension host (see ../runTest.ts): the extension from this repository (dist/), the
// examples/ folder copied to a temporary workspace, and the same checks as the editor tests, through the VS Code API.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CASES, HEADLINE_RULES, HOVER_TEXT, hoverPosition, resolveCaseFile, SSO_FIX_TITLE, SSO_FIXED_TEXT, SSO_RULE } from '../../editors/cases';

const workspace = process.env.AVDSEC_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const avdsec = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'avdsec');

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

describe('avdsec in VS Code', function () {
  before(async function () {
    assert.ok(workspace, 'no workspace folder');
    const ext = vscode.extensions.getExtension('avdsec.avdsec');
    assert.ok(ext, 'the avdsec extension is not loaded');
    await ext.activate();
  });

  for (const c of CASES) {
    describe(c.language, function () {
      let uri: vscode.Uri;
      let file: string;

      before(async function () {
        const resolved = resolveCaseFile(workspace, c);
        if (!resolved) this.skip();
        file = resolved;
        uri = vscode.Uri.file(path.join(workspace, file));
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      });

      it('publishes avdsec diagnostics, with each headline rule in its folder', async function () {
        const folder = path.join(workspace, path.dirname(file));
        await until('avdsec diagnostics', 60_000, () => (avdsec(uri).length ? true : undefined));
        const codes = await until('every headline rule', 30_000, () => {
          const all = vscode.languages
            .getDiagnostics()
            .filter(([u]) => u.fsPath.startsWith(folder + path.sep))
            .flatMap(([, ds]) => ds.filter((d) => d.source === 'avdsec').map(codeOf));
          return c.rules.every((r) => all.includes(r)) ? all : undefined;
        });
        for (const r of HEADLINE_RULES.filter((r) => c.rules.includes(r))) assert.ok(codes.includes(r), r);
      });

      it('explains the security boundary on hover', async function () {
        const pos = hoverPosition(workspace, file, c);
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          uri,
          new vscode.Position(pos.line - 1, pos.column - 1),
        );
        assert.match(hoverText(hovers), HOVER_TEXT);
      });

      it('offers the SSO quick fix, which sets enablerdsaadauth:i:1 and clears the warning', async function () {
        const folder = path.join(workspace, path.dirname(file));
        const [ssoUri, sso] = await until('the SSO warning', 30_000, () => {
          for (const [u, ds] of vscode.languages.getDiagnostics()) {
            if (!u.fsPath.startsWith(folder + path.sep)) continue;
            const d = ds.find((x) => x.source === 'avdsec' && codeOf(x) === SSO_RULE);
            if (d) return [u, d] as const;
          }
          return undefined;
        });
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          ssoUri,
          sso.range,
          vscode.CodeActionKind.QuickFix.value,
        );
        const fix = actions.find((a) => a.title.startsWith(SSO_FIX_TITLE));
        assert.ok(fix, actions.map((a) => a.title).join(' | '));
        if (fix.edit) assert.ok(await vscode.workspace.applyEdit(fix.edit));
        if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
        const edited = vscode.workspace.textDocuments.filter((d) => d.uri.fsPath.startsWith(folder + path.sep));
        assert.ok(
          edited.some((d) => d.getText().includes(SSO_FIXED_TEXT)),
          `${SSO_FIXED_TEXT} is not in the folder's documents`,
        );
        await until('the SSO warning to go away', 30_000, () => (avdsec(ssoUri).some((d) => codeOf(d) === SSO_RULE) ? undefined : true));
        await vscode.workspace.saveAll(false);
      });
    });
  }
});
