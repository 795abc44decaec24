import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { type ServerStatus, STATUS_REQUEST } from '../../server/src/protocol/status';
import { tempTree } from '../cli/run';
import { bicepHostPool } from '../harness/engine';
import { ServerProcess } from './client';

/** The opened file: its pool is a module in another folder, which gets the RDP string from here. */
const MAIN = `module pool '../modules/pool.bicep' = {
  name: 'pool'
  params: {
    rdp: 'drivestoredirect:s:*;enablerdsaadauth:i:1'
  }
}
`;

const POOL = `param rdp string\n\n${bicepHostPool(`'hp-app'`, 'rdp')}`;

/** The pool's diagnostic setting, in a folder the opened file does not reach: only the whole workspace sees it. */
const DIAGNOSTICS = `resource hostPool 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' existing = {
  name: 'hp-app'
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-app'
  scope: hostPool
  properties: {
    workspaceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-avd'
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}
`;

/** Terraform files with nothing for avdsec to find: they make reading the folders take seconds, as a monorepo does. */
function filler(count: number): Record<string, string> {
  const vars = Array.from({ length: 40 }, (_, i) => `variable "setting_${i}" {\n  type    = string\n  default = "value-${i}"\n}\n`).join('\n');
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`platform/team-${i}/variables.tf`, vars]));
}

/** The server's status once it has settled; fails when it does not within `ms`. */
async function untilSettled(status: () => Promise<ServerStatus>, ms = 60_000): Promise<ServerStatus> {
  const until = Date.now() + ms;
  let s = await status();
  while (!s.settled) {
    assert.ok(Date.now() < until, `the server did not settle within ${ms / 1000} s: ${JSON.stringify(s)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    s = await status();
  }
  return s;
}

const seen = (d: Diagnostic[]) => d.map((x) => JSON.stringify([x.code, x.range])).sort();

describe('language server: a document opened while the workspace is read', function () {
  this.timeout(120_000);
  let server: ServerProcess;

  afterEach(async () => {
    await server.stop();
  });

  it('gets the local rules’ findings from its neighbourhood at once, and the full check agrees with them', async () => {
    const dir = tempTree({ 'app/main.bicep': MAIN, 'modules/pool.bicep': POOL, 'monitoring/diagnostics.bicep': DIAGNOSTICS, ...filler(1500) });
    const uri = pathToFileURL(path.join(dir, 'app', 'main.bicep')).href;
    server = new ServerProcess();
    const status = () => server.connection.sendRequest(STATUS_REQUEST) as Promise<ServerStatus>;
    await server.initialize(pathToFileURL(dir).href, { workspace: { didChangeWatchedFiles: { dynamicRegistration: false } } });
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'bicep', version: 1, text: MAIN } });

    const opening = await server.waitForDiagnostics(uri, (d) => d.length > 0);
    const then = await status();
    assert.ok(then.indexing, `the answer came while the folders were read (${then.files} files read)`);
    assert.equal(then.openingAnswers, 1);
    // The pool's module, in another folder, was read: the finding lands at the argument written here.
    const drives = opening.find((d) => d.code === 'rdp-drive-redirection');
    assert.ok(drives, JSON.stringify(opening));
    assert.equal(drives.range.start.line, 3);
    // What a file elsewhere may answer (a diagnostic setting, a Conditional Access policy) waits for the whole workspace.
    assert.ok(!opening.some((d) => d.code === 'host-pool-diagnostics-missing' || d.code === 'mfa-conditional-access-missing'), JSON.stringify(opening));

    // Typing meanwhile is answered the same way: the drives are no longer redirected.
    const at = { line: 3, character: MAIN.split('\n')[3].indexOf('s:*') + 2 };
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' }],
    });
    const typed = await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'rdp-drive-redirection'));
    const now = await status();
    assert.ok(now.indexing && now.openingAnswers === 2, JSON.stringify(now));
    assert.ok(typed.length > 0, 'the other findings stay');

    const s = await untilSettled(status);
    assert.ok(!s.indexing && s.checks > 0);
    const full = server.current(uri)!;
    assert.ok(!full.some((d) => d.code === 'rdp-drive-redirection'), JSON.stringify(full));
    assert.ok(
      full.some((d) => d.code === 'mfa-conditional-access-missing'),
      JSON.stringify(full),
    );
    // Nothing the opening answer said is taken back: the diagnostic setting elsewhere answers the absence it did not judge.
    const fullSeen = new Set(seen(full));
    assert.deepEqual(
      seen(typed).filter((d) => !fullSeen.has(d)),
      [],
    );
    assert.ok(!full.some((d) => d.code === 'host-pool-diagnostics-missing'), JSON.stringify(full));
    assert.equal(server.stderr, '');
  });

  it('drops an opening answer that the end of the reading overtook (a client slow to give the settings)', async () => {
    const dir = tempTree({ 'app/main.bicep': MAIN, 'modules/pool.bicep': POOL, ...filler(1500) });
    const uri = pathToFileURL(path.join(dir, 'app', 'main.bicep')).href;
    server = new ServerProcess();
    const status = () => server.connection.sendRequest(STATUS_REQUEST) as Promise<ServerStatus>;
    // The opening answer asks for the document's settings; that first answer is held until the folders are read and the
    // full check has published, as Eglot's was when this race showed up. Later requests are answered at once.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked!: () => void;
    const askedOnce = new Promise<void>((resolve) => (asked = resolve));
    let holding = true;
    server.configurationGate = (items) => {
      if (!holding || !items.some((i) => i.scopeUri === uri)) return undefined;
      holding = false;
      asked();
      return held;
    };
    await server.initialize(pathToFileURL(dir).href, { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: false } } });
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'bicep', version: 1, text: MAIN } });
    await askedOnce;
    assert.ok((await status()).indexing, 'the settings were asked for while the folders were read');

    while ((await status()).indexing) await new Promise((resolve) => setTimeout(resolve, 20));
    // New settings: the full check asks for them again (answered at once) instead of waiting on the held answer.
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const full = await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'mfa-conditional-access-missing'), 60_000);
    assert.equal((await status()).openingAnswers, 0);

    const late: string[][] = [];
    server.onPublish.push((p) => void (p.uri === uri && late.push(p.diagnostics.map((d) => String(d.code)))));
    release();
    // The check that waited on the held answer stops, out of date; the files it had left are checked again, by a check
    // of their own since the newer one has run. The opening answer resumes within milliseconds of its reply: a second
    // is the window it would publish in.
    await untilSettled(status, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await status();
    assert.deepEqual(late, [], 'the opening answer was published after the full check');
    assert.equal(after.openingAnswers, 0);
    assert.deepEqual(seen(server.current(uri)!), seen(full));
    assert.equal(server.stderr, '');
  });
});
