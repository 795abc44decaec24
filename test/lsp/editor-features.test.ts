// What the editor adds over the CLI, over stdio: the editor-only `avdsec.rules` setting (answered through
// workspace/configuration), problems of `.avdsec.json` shown in that file, fix all as a source action, and the
// disable-for-this-line and disable-for-this-file quick fixes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ClientCapabilities, CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { tempTree } from '../cli/run';
import { FIXTURES } from '../harness/engine';
import { headline, ServerProcess } from './client';

const POOLED_ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');
const CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, resourceOperations: ['create'] },
    didChangeWatchedFiles: { dynamicRegistration: false },
  },
  textDocument: { publishDiagnostics: { relatedInformation: true } },
};
const SSO = 'host-pool-sso-disabled';
const MFA = 'mfa-conditional-access-missing';
const ADMIN = 'pooled-host-local-admin';
/** Virtual Machine User Login, what the preferred fix of pooled-host-local-admin grants instead. */
const USER_LOGIN = 'fb879df8-f326-4884-b1cf-06f3ad86be52';

const byCode = (d: Diagnostic[], code: string) => d.find((x) => x.code === code);
const severityOf = (d: Diagnostic[], code: string) => byCode(d, code)?.severity;
const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

/** The edits of one file in a code action's workspace edit, applied to its text. */
function applied(action: CodeAction, uri: string, text: string): string {
  const edits = (action.edit!.documentChanges ?? [])
    .filter((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === uri)
    .flatMap((c) => c.edits as TextEdit[]);
  assert.ok(edits.length, `${action.title} edits nothing in ${uri}`);
  return TextDocument.applyEdits(TextDocument.create(uri, 'json', 0, text), edits);
}

describe('language server: editor settings, config problems, fix all, disable comments', function () {
  this.timeout(60_000);
  let server: ServerProcess | undefined;
  let dir: string;
  const uriOf = (f: string) => pathToFileURL(path.join(dir, f)).href;

  async function start(files: Record<string, string>, settings: Record<string, unknown> = {}): Promise<ServerProcess> {
    dir = tempTree(files);
    server = new ServerProcess();
    server.settings = settings;
    await server.initialize(pathToFileURL(dir).href, CAPABILITIES);
    return server;
  }

  async function actionsFor(s: ServerProcess, uri: string, d: Diagnostic): Promise<CodeAction[]> {
    return (await s.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
  }

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('applies avdsec.rules over the levels of .avdsec.json, per document, and follows changes of the setting', async () => {
    const s = await start(
      { 'pooled.json': POOLED_ARM, '.avdsec.json': JSON.stringify({ rules: { [SSO]: 'info', [ADMIN]: 'off' } }) },
      { rules: { [SSO]: 'error', [MFA]: 'off', 'no-such-rule': 'error' } },
    );
    const uri = uriOf('pooled.json');
    // The setting wins over the file (SSO is an error, MFA is off); the file still rules where the setting is silent (admin off).
    let diags = await s.waitForDiagnostics(uri, (d) => severityOf(d, SSO) === 1);
    assert.deepEqual(
      headline(diags).map((d) => d.code),
      [SSO],
    );
    assert.ok(
      s.configurationRequests.some((r) => r.section === 'avdsec' && r.scopeUri === uri),
      JSON.stringify(s.configurationRequests),
    );
    assert.ok(
      s.log.some((l) => l.includes('avdsec.rules names "no-such-rule"')),
      s.log.join('\n'),
    );
    // Code actions see the same findings as the diagnostics.
    const actions = await actionsFor(s, uri, byCode(diags, SSO)!);
    assert.ok(
      actions.some((a) => a.isPreferred && a.title.startsWith('Enable Microsoft Entra single sign-on')),
      actions.map((a) => a.title).join(' | '),
    );

    await s.setSettings({});
    diags = await s.waitForDiagnostics(uri, (d) => severityOf(d, SSO) === 3 && !!byCode(d, MFA));
    assert.equal(byCode(diags, ADMIN), undefined);

    await s.setSettings({ rules: { [ADMIN]: 'warning' } });
    diags = await s.waitForDiagnostics(uri, (d) => severityOf(d, ADMIN) === 2);
    assert.equal(severityOf(diags, SSO), 3);
    assert.equal(s.stderr, '');
  });

  it('takes avdsec settings pushed with didChangeConfiguration from a client it cannot ask, and registers only what the client takes', async () => {
    dir = tempTree({ 'pooled.json': POOLED_ARM });
    server = new ServerProcess();
    const registered: string[] = [];
    server.connection.onRequest('client/registerCapability', (p: { registrations: { method: string }[] }) => {
      registered.push(...p.registrations.map((r) => r.method));
      return null;
    });
    // Neovim 0.7 and Eglot: no workspace/configuration, no dynamic registration of didChangeConfiguration.
    await server.initialize(pathToFileURL(dir).href, { textDocument: { publishDiagnostics: { relatedInformation: true } } });
    const uri = uriOf('pooled.json');
    const before = await server.waitForDiagnostics(uri, (d) => !!byCode(d, SSO) && !!byCode(d, MFA));
    // MFA is info here (one level below its default, as nothing in the workspace shows Conditional Access); as an error, a warning.
    assert.equal(severityOf(before, MFA), 3);
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: { avdsec: { rules: { [SSO]: 'off', [MFA]: 'error' } } } });
    const diags = await server.waitForDiagnostics(uri, (d) => !byCode(d, SSO) && severityOf(d, MFA) === 2);
    assert.ok(byCode(diags, ADMIN));
    assert.equal(server.configurationRequests.length, 0);
    assert.ok(!registered.includes('workspace/didChangeConfiguration'), registered.join(', '));
    assert.equal(server.stderr, '');
  });

  it('publishes the problems of .avdsec.json in that file, from the editor while it is open, from disk otherwise', async () => {
    const bad = '{\n  "rules": {\n    "no-such-rule": "warning",\n    "host-pool-sso-disabled": "loud"\n  }\n}\n';
    const s = await start({ 'pooled.json': POOLED_ARM, 'nested/.avdsec.json': bad });
    const config = uriOf('nested/.avdsec.json');
    const lines = bad.split('\n').length;

    let problems = await s.waitForDiagnostics(config, (d) => d.length === 2);
    assert.ok(
      problems.every((p) => p.source === 'avdsec' && p.severity === 1 && p.range.end.line < lines),
      JSON.stringify(problems),
    );
    const unknown = problems.find((p) => /Unknown rule id "no-such-rule"/.test(text(p)));
    assert.ok(unknown, JSON.stringify(problems));
    // Drawn on the rule id that is wrong.
    const badDoc = TextDocument.create(config, 'json', 0, bad);
    assert.deepEqual(unknown.range.start, badDoc.positionAt(bad.indexOf('"no-such-rule"')));
    assert.ok(
      problems.some((p) => /level must be one of off, hint, info, warning, error/.test(text(p))),
      JSON.stringify(problems),
    );

    // Typing in the open file: the problems follow the editor's text.
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: config, languageId: 'json', version: 1, text: bad } });
    await s.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: config, version: 2 },
      contentChanges: [{ text: '{ "rules": { "host-pool-sso-disabled": "error" } }' }],
    });
    await s.waitForDiagnostics(config, (d) => d.length === 0);
    const broken = '{\n  "rules": {\n    "host-pool-sso-disabled": "error"\n';
    await s.connection.sendNotification('textDocument/didChange', { textDocument: { uri: config, version: 3 }, contentChanges: [{ text: broken }] });
    problems = await s.waitForDiagnostics(config, (d) => d.length > 0);
    const errors: ParseError[] = [];
    parseJsonc(broken, errors, { allowTrailingComma: true });
    const at = TextDocument.create(config, 'json', 0, broken).positionAt(errors[0].offset);
    assert.match(text(problems[0]), /CloseBraceExpected/);
    assert.deepEqual(problems[0].range.start, at);

    // Closed again: the file on disk counts.
    await s.connection.sendNotification('textDocument/didClose', { textDocument: { uri: config } });
    await s.waitForDiagnostics(config, (d) => d.length === 2);

    // Fixed on disk, as a file watcher reports it: no problems, and its levels apply.
    const rootConfig = uriOf('.avdsec.json');
    fs.writeFileSync(path.join(dir, 'nested', '.avdsec.json'), '{ "rules": {} }');
    fs.writeFileSync(path.join(dir, '.avdsec.json'), JSON.stringify({ rules: { [SSO]: 'error', bogus: 'x' } }));
    await s.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: config, type: 2 },
        { uri: rootConfig, type: 1 },
      ],
    });
    await s.waitForDiagnostics(config, (d) => d.length === 0);
    await s.waitForDiagnostics(rootConfig, (d) => d.length === 1 && /Unknown rule id "bogus"/.test(text(d[0])));
    await s.waitForDiagnostics(uriOf('pooled.json'), (d) => severityOf(d, SSO) === 1);

    // Deleted: its problems go, and so do its levels.
    fs.rmSync(path.join(dir, '.avdsec.json'));
    await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: rootConfig, type: 3 }] });
    await s.waitForDiagnostics(rootConfig, (d) => d.length === 0);
    await s.waitForDiagnostics(uriOf('pooled.json'), (d) => severityOf(d, SSO) === 2);
    assert.equal(s.stderr, '');
  });

  it('shows problems of the files a .avdsec.json extends, and an extends it cannot read, and follows changes to them', async () => {
    const top = '{\n  "extends": ["shared/base.json", "missing.json"]\n}\n';
    const s = await start({
      'pooled.json': POOLED_ARM,
      '.avdsec.json': top,
      'shared/base.json': JSON.stringify({ rules: { [SSO]: 'error', 'not-a-rule': 'off' } }),
    });
    const config = uriOf('.avdsec.json');
    const base = uriOf('shared/base.json');
    const missing = await s.waitForDiagnostics(config, (d) => d.length === 1);
    assert.match(text(missing[0]), /"extends": cannot read "missing.json"/);
    const at = top.indexOf('"missing.json"');
    assert.deepEqual(missing[0].range, {
      start: { line: 1, character: at - top.indexOf('\n') - 1 },
      end: { line: 1, character: at - top.indexOf('\n') - 1 + '"missing.json"'.length },
    });
    await s.waitForDiagnostics(base, (d) => d.length === 1 && /Unknown rule id "not-a-rule"/.test(text(d[0])));
    // The level the extended file sets applies.
    await s.waitForDiagnostics(uriOf('pooled.json'), (d) => severityOf(d, SSO) === 1);

    // The extended file changes on disk: its problems and levels follow.
    fs.writeFileSync(path.join(dir, 'shared', 'base.json'), JSON.stringify({ rules: { [SSO]: 'info' } }));
    await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: base, type: 2 }] });
    await s.waitForDiagnostics(base, (d) => d.length === 0);
    await s.waitForDiagnostics(uriOf('pooled.json'), (d) => severityOf(d, SSO) === 3);
    assert.equal(s.stderr, '');
  });

  it('fixes every preferred fix of the file with the source action source.fixAll.avdsec, until none is left', async () => {
    const s = await start({ 'pooled.json': POOLED_ARM });
    const uri = uriOf('pooled.json');
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text: POOLED_ARM } });
    await s.waitForDiagnostics(uri, (d) => headline(d).length === 3);
    const whole = { start: { line: 0, character: 0 }, end: TextDocument.create(uri, 'json', 1, POOLED_ARM).positionAt(POOLED_ARM.length) };
    const ask = async (only?: string[]) =>
      (await s.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: whole,
        context: { diagnostics: [], ...(only ? { only } : {}) },
      })) as CodeAction[];

    // Offered for fix all on save (source.fixAll) and in the Source Action menu (source), not among the quick fixes.
    assert.deepEqual(await ask(), []);
    assert.deepEqual(
      (await ask(['source'])).map((a) => a.kind),
      ['source.fixAll.avdsec'],
    );
    const [all] = await ask(['source.fixAll']);
    assert.equal(all.kind, 'source.fixAll.avdsec');
    assert.equal(all.title, 'Fix all auto-fixable avdsec problems');
    const fixed = applied(all, uri, POOLED_ARM);
    assert.match(fixed, /enablerdsaadauth:i:1/);
    assert.ok(fixed.includes(USER_LOGIN), 'the local admin role is replaced by Virtual Machine User Login');

    await s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const after = await s.waitForDiagnostics(uri, (d) => !byCode(d, SSO) && !byCode(d, ADMIN));
    // Fixes that edit the same text (several RDP properties of one string) came in later passes: none is left.
    for (const d of after) {
      const left = (await actionsFor(s, uri, d)).filter(
        (a) => a.isPreferred && (a.edit?.documentChanges ?? []).every((c) => 'textDocument' in c && c.textDocument.uri === uri),
      );
      assert.deepEqual(
        left.map((a) => a.title),
        [],
        `${d.code} still has a preferred fix after fix all`,
      );
    }
    assert.deepEqual(await ask(['source.fixAll']), []);
  });

  it('disables a rule for one line and for the whole file with a comment the engine honours', async () => {
    const s = await start({ 'pooled.json': POOLED_ARM });
    const uri = uriOf('pooled.json');
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text: POOLED_ARM } });
    const diags = await s.waitForDiagnostics(uri, (d) => headline(d).length === 3);
    const actions = await actionsFor(s, uri, byCode(diags, SSO)!);
    const line = actions.find((a) => a.title === `Disable ${SSO} for this line`)!;
    const file = actions.find((a) => a.title === `Disable ${SSO} for this file`)!;
    assert.ok(line && file, actions.map((a) => a.title).join(' | '));
    assert.equal(line.kind, 'quickfix');
    assert.equal(file.kind, 'quickfix');
    // Asked for every diagnostic of the line at once (as the editor does), each disable action comes once per rule.
    const onLine = diags.filter((d) => d.range.start.line === byCode(diags, SSO)!.range.start.line);
    const all = (await s.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: onLine[0].range,
      context: { diagnostics: onLine },
    })) as CodeAction[];
    const disables = all.map((a) => a.title).filter((t) => t.startsWith('Disable '));
    assert.deepEqual(disables, [...new Set(disables)]);
    assert.equal(disables.length, 2 * new Set(onLine.map((d) => d.code)).size);

    const oneLine = applied(line, uri, POOLED_ARM);
    const ssoLine = POOLED_ARM.split('\n').findIndex((l) => l.includes('"customRdpProperty"'));
    assert.equal(oneLine.split('\n')[ssoLine].trim(), `// avdsec-disable-next-line ${SSO}`);
    await s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: oneLine }] });
    let after = await s.waitForDiagnostics(uri, (d) => !byCode(d, SSO));
    assert.deepEqual(
      headline(after)
        .map((d) => d.code)
        .sort(),
      [MFA, ADMIN],
    );

    const wholeFile = applied(file, uri, POOLED_ARM);
    assert.equal(wholeFile.split('\n')[0], `// avdsec-disable-file ${SSO}`);
    await s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: wholeFile }] });
    after = await s.waitForDiagnostics(uri, (d) => !byCode(d, SSO) && headline(d).length === 2);
    assert.deepEqual(
      headline(after)
        .map((d) => d.code)
        .sort(),
      [MFA, ADMIN],
    );
    // The comment silences something, so it is not reported as unused.
    assert.equal(byCode(after, 'invalid-suppression'), undefined);
  });
});
