// A workspace the user did not write, opened in the editor: its configuration cannot hang the server, read the rest of
// the machine or show what other files hold, and what the server does not read it says in its output.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClientCapabilities, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { tempTree } from '../cli/run';
import { FIXTURES } from '../harness/engine';
import { headline, ServerProcess } from './client';

const POOLED_ARM = fs.readFileSync(path.join(FIXTURES, 'cli', 'pooled.json'), 'utf8');
const CAPABILITIES: ClientCapabilities = { workspace: { didChangeWatchedFiles: { dynamicRegistration: false } } };
const message = (d: { message: string | { value: string } }) => (typeof d.message === 'string' ? d.message : d.message.value);

describe('language server: an untrusted workspace', function () {
  this.timeout(60_000);
  let server: ServerProcess | undefined;
  const published: PublishDiagnosticsParams[] = [];

  async function start(dir: string): Promise<ServerProcess> {
    server = new ServerProcess();
    published.length = 0;
    server.onPublish.push((p) => published.push(p));
    await server.initialize(pathToFileURL(dir).href, CAPABILITIES);
    return server;
  }

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('shows bad exclude patterns in .avdsec.json at their item, and checks the workspace all the same', async () => {
    const config = '{\n  "exclude": ["", "*a*a*a*a*a*a*a*a*b", "legacy/**"]\n}\n';
    const dir = tempTree({ '.avdsec.json': config, 'pooled.json': POOLED_ARM, 'legacy/pooled.json': POOLED_ARM });
    const s = await start(dir);
    const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
    await s.waitForDiagnostics(uri('pooled.json'), (d) => headline(d).length === 3);
    const problems = await s.waitForDiagnostics(uri('.avdsec.json'), (d) => d.length === 2);
    assert.deepEqual(
      problems.map((p) => [p.range.start, message(p)]),
      [
        [{ line: 1, character: config.split('\n')[1].indexOf('""') }, '"exclude" pattern is empty'],
        [{ line: 1, character: config.split('\n')[1].indexOf('"*a') }, '"exclude" pattern is too complex: more than 3 wildcards (* or **)'],
      ],
    );
    // legacy/** still applies.
    assert.equal(s.current(uri('legacy/pooled.json')), undefined);
    assert.equal(s.stderr, '');
  });
});
