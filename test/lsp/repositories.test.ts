import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempTree } from '../cli/run';
import { DIAGNOSTICS_BY_NAME, POOL } from '../harness/repositories';
import { ServerProcess } from './client';

describe('language server with workspace folders from two repositories', function () {
  this.timeout(60_000);
  let server: ServerProcess;

  afterEach(async () => {
    await server.stop();
  });

  it("keeps one repository's diagnostic setting on a pool named by parameter to that repository's pools", async () => {
    const dir = tempTree({
      'a/.git/HEAD': 'ref: refs/heads/main\n',
      'a/pool.bicep': POOL('hp-a'),
      'a/diagnostics.json': DIAGNOSTICS_BY_NAME,
      'b/.git/HEAD': 'ref: refs/heads/main\n',
      'b/pool.bicep': POOL('hp-b'),
    });
    const folder = (name: string) => ({ uri: pathToFileURL(path.join(dir, name)).href, name });
    server = new ServerProcess();
    await server.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: [folder('a'), folder('b')],
      capabilities: {},
    });
    await server.connection.sendNotification('initialized', {});
    const uri = pathToFileURL(path.join(dir, 'b', 'pool.bicep')).href;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'bicep', version: 1, text: POOL('hp-b') } });
    // Repository a's setting may send any of a's pools' logs, not those of b's pool.
    await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'host-pool-diagnostics-missing'));
  });
});
