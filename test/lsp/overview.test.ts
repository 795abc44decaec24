import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover } from 'vscode-languageserver-protocol';
import { OVERVIEW_PAGE_REQUEST, OVERVIEW_REQUEST, type OverviewPageResult, type OverviewResult } from '../../server/src/protocol/overview';
import { tempTree } from '../cli/run';
import { FIXTURES } from '../harness/engine';
import { headline, ServerProcess } from './client';

const POOLED_ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');

/** The overview through the real server: the view's data, the webview's page and the hover on a host pool. */
describe('language server: the security overview', function () {
  this.timeout(60_000);
  let server: ServerProcess;
  let uri: string;

  beforeEach(async () => {
    const dir = tempTree({ 'pooled.json': POOLED_ARM });
    uri = pathToFileURL(path.join(dir, 'pooled.json')).href;
    server = new ServerProcess();
    await server.initialize(pathToFileURL(dir).href, {});
    await server.waitForDiagnostics(uri, (d) => headline(d).length > 0);
  });

  afterEach(async () => {
    await server.stop();
  });

  it('serves every host pool with its sections, states and the findings behind them (avdsec/overview)', async () => {
    const o = (await server.connection.sendRequest(OVERVIEW_REQUEST)) as OverviewResult;
    assert.equal(o.hostPools.length, 1);
    const [pool] = o.hostPools;
    assert.equal(pool.uri, uri);
    assert.equal(pool.type, 'pooled');
    assert.deepEqual(
      pool.sections.map((s) => s.id),
      ['trust', 'identity', 'authentication', 'redirection', 'network', 'hardening', 'secrets', 'monitoring'],
    );
    const admin = pool.sections.find((s) => s.id === 'trust')!.lines.find((l) => l.id === 'local-admin')!;
    assert.equal(admin.state, 'finding');
    assert.equal(admin.level, 'error');
    const finding = admin.findings.find((f) => f.ruleId === 'pooled-host-local-admin')!;
    assert.equal(
      finding.range.start.line,
      POOLED_ARM.split('\n').findIndex((l) => l.includes('1c0163c0')),
    );
    // Nothing in this file says whether guests share the pool: unknown, never good.
    assert.equal(pool.sections.find((s) => s.id === 'trust')!.lines.find((l) => l.id === 'guests')!.state, 'unknown');
    assert.ok(pool.counts.error >= 1);
  });

  it('renders one pool as a page with no script and a strict content security policy (avdsec/overviewPage)', async () => {
    const line = POOLED_ARM.split('\n').findIndex((l) => l.includes('"Microsoft.DesktopVirtualization/hostPools"'));
    const page = (await server.connection.sendRequest(OVERVIEW_PAGE_REQUEST, { uri, position: { line, character: 10 } })) as OverviewPageResult;
    assert.ok(page.name);
    assert.match(page.html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
    assert.doesNotMatch(page.html, /<script/i);
    assert.match(page.html, /<svg /);
    assert.match(page.html, /href="command:avdsec\.reveal\?/);
    for (const title of ['Trust level', 'Identity', 'Authentication', 'RDP redirections', 'Network path', 'Session host hardening', 'Secrets', 'Monitoring'])
      assert.ok(page.html.includes(`>${title}<`), title);
  });

  it('adds the compact overview to the hover on a host pool declaration, one line per section', async () => {
    const text = POOLED_ARM;
    const line = text.split('\n').findIndex((l) => l.includes('"Microsoft.DesktopVirtualization/hostPools"'));
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text } });
    const hover = (await server.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line, character: text.split('\n')[line].indexOf('Microsoft') + 2 },
    })) as Hover;
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /\*\*AVD security overview\*\*/);
    assert.equal(
      value
        .split('\n')
        .filter((l) => /^- .* \*\*(Trust level|Identity|Authentication|RDP redirections|Network path|Session host hardening|Secrets|Monitoring)\*\*:/.test(l))
        .length,
      8,
    );
  });
});
