import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempTree } from '../cli/run';
import { POOL, TWO_REPOSITORIES } from '../harness/repositories';
import { ServerProcess } from './client';

describe('language server with workspace folders from two repositories', function () {
  this.timeout(60_000);
  let server: ServerProcess;

  afterEach(async () => {
    await server.stop();
  });

  it("keeps one repository's diagnostic setting on a pool named by parameter to that repository's pools", async () => {
    const dir = tempTree(TWO_REPOSITORIES);
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
