import * as assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { tempTree } from '../cli/run';
import { ServerProcess } from './client';

/** A frame as a client writes it: the Content-Length of the body in bytes, then the body. */
const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
/** What the server does next: answer a request sent after the bad frame, or exit. */
type Outcome = { answered: unknown } | { exit: number | string };

/** Sends the bad bytes, then a well-formed hover request, and waits for the answer or the end of the process. */
async function outcomeAfter(server: ServerProcess, bad: string | Buffer, timeoutMs: number): Promise<Outcome> {
  server.writeRaw(bad);
  const answer = server.connection.sendRequest('textDocument/hover', {
    textDocument: { uri: 'file:///nowhere/main.bicep' },
    position: { line: 0, character: 0 },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race<Outcome>([
      answer.then((answered) => ({ answered })),
      server.exited.then((exit) => ({ exit })),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer and no exit in ${timeoutMs} ms; stderr: ${server.stderr}`)), timeoutMs)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
    answer.catch(() => undefined);
  }
}

/** A server as the client starts it, told to wait 300 ms (5 s by default) for the rest of a message shorter than its Content-Length. */
async function startServer(): Promise<ServerProcess> {
  const server = new ServerProcess({ env: { ...process.env, AVDSEC_STALLED_MESSAGE_MS: '300' } });
  await server.initialize(pathToFileURL(tempTree({})).href);
  return server;
}

describe('language server over stdio: malformed frames', function () {
  this.timeout(30_000);
  let server: ServerProcess;

  describe('that end the process: a server each', () => {
    beforeEach(async () => {
      server = await startServer();
    });

    afterEach(async () => {
      await server.stop();
    });

    const broken: [string, string, number][] = [
      ['a header without Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"jsonrpc":"2.0","method":"x"}', 5_000],
      ['a Content-Length that is no number', 'Content-Length: twelve\r\n\r\n{"jsonrpc":"2.0","method":"x"}', 5_000],
      ['a header line without a colon', 'Content-Length 30\r\n\r\n{"jsonrpc":"2.0","method":"x"}', 5_000],
      ['a Content-Length smaller than the body', 'Content-Length: 10\r\n\r\n{"jsonrpc":"2.0","method":"x"}', 5_000],
      // The body swallows the next message: nothing tells, until no more bytes come for the time the server waits.
      ['a Content-Length larger than the body', 'Content-Length: 500\r\n\r\n{"jsonrpc":"2.0","method":"x"}', 5_000],
    ];
    for (const [name, bad, timeoutMs] of broken) {
      it(`exits with 1 and says why on stderr after ${name}, which cannot be resynchronised`, async () => {
        assert.deepEqual(await outcomeAfter(server, bad, timeoutMs), { exit: 1 });
        // A Content-Length shorter than the body may first cost the body its message ("ignored ..."), depending on
        // how the bytes arrive: every line is the server's, and the last says why it exits.
        assert.match(
          server.stderr,
          /^(avdsec-language-server: ignored [^\n]+\n)?avdsec-language-server: [^\n]+; exiting, so that the client can start the server again\n$/,
        );
      });
    }

    it('exits with 0 after shutdown and exit, and with 1 when its input ends without them', async () => {
      await server.connection.sendRequest('shutdown');
      await server.connection.sendNotification('exit');
      assert.equal(await server.exited, 0);
      server = new ServerProcess();
      await server.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      server.endInput();
      assert.equal(await server.exited, 1);
    });
  });

  // The server outlives these: one server takes all three, each test reading only what the server wrote during it.
  describe('that it skips: one server for all', () => {
    let stderrFrom = 0;
    let logFrom = 0;
    const stderr = () => server.stderr.slice(stderrFrom);
    const log = () => server.log.slice(logFrom);

    before(async () => {
      server = await startServer();
    });

    beforeEach(() => {
      stderrFrom = server.stderr.length;
      logFrom = server.log.length;
    });

    after(async () => {
      await server.stop();
    });

    it('ignores a body that is not JSON, says so on stderr, and answers the next message', async () => {
      assert.deepEqual(await outcomeAfter(server, frame('{"jsonrpc":"2.0","id":7,"method":'), 5_000), { answered: null });
      assert.match(stderr(), /^avdsec-language-server: ignored a message that could not be read: .*JSON/);
    });

    it('ignores a message of the wrong shape, says so on stderr, and answers the next message', async () => {
      assert.deepEqual(await outcomeAfter(server, frame('{"jsonrpc":"2.0","method":"$/cancelRequest"}'), 5_000), { answered: null });
      assert.match(stderr(), /^avdsec-language-server: ignored a message that could not be read: /);
    });

    it('logs JSON that is no JSON-RPC message and answers the next message', async () => {
      assert.deepEqual(await outcomeAfter(server, frame('[1, 2, 3]'), 5_000), { answered: null });
      assert.ok(
        log().some((m) => m.startsWith('Received message which is neither a response nor a notification message')),
        log().join('\n'),
      );
    });
  });
});
