import { Console } from 'node:console';
import { type Connection, createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { VERSION } from '../engine/version';
import { grammarsDir } from '../host/files';
import { startServer } from './server';

const USAGE = `Usage: avdsec-language-server --stdio | --node-ipc | --socket=<port> | --pipe=<name>

The avdsec language server: diagnostics, quick fixes and hovers for Azure Virtual Desktop settings in Bicep, ARM JSON
and Terraform, over the Language Server Protocol. Editors start it; the avdsec command scans from a shell.

Options:
  --stdio                  speak the protocol on standard input and output
  --node-ipc               speak it over Node IPC (how VS Code starts it)
  --socket=<port>          connect to this TCP port on the local machine
  --pipe=<name>            connect to this named pipe or Unix socket
  --clientProcessId=<pid>  exit when this process (the editor) has ended
  -V, --version            print the version and exit
  -h, --help               print this help and exit
`;

/**
 * How long a message may stay shorter than its Content-Length before the input counts as broken: 5 s, or
 * AVDSEC_STALLED_MESSAGE_MS (100 ms to 10 min) for a slow link, or a test that should not wait.
 */
const STALLED_MESSAGE_MS = stalledMessageMs(process.env.AVDSEC_STALLED_MESSAGE_MS);

function stalledMessageMs(setting: string | undefined): number {
  const ms = Number(setting);
  return setting && Number.isInteger(ms) && ms >= 100 && ms <= 600_000 ? ms : 5000;
}

/** One line on stderr: the library's messages hold line breaks (the offending header on a line of its own). */
function logLine(message: string): void {
  process.stderr.write(`avdsec-language-server: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
}

function exitBroken(reason: string): never {
  logLine(`${reason}; exiting, so that the client can start the server again`);
  process.exit(1);
}

/**
 * `--stdio`, with the reader made here rather than by the library, which drops the reader's errors: after a header it
 * cannot use it goes on reading bodies as headers, and after a Content-Length larger than the body it waits for bytes
 * that never come, answering nothing either way. Neither can be resynchronised, so the server exits and the client
 * starts a new one; a body read to its announced end that is no message is only logged.
 */
function stdioConnection(): Connection {
  const reader = new StreamMessageReader(process.stdin);
  reader.partialMessageTimeout = STALLED_MESSAGE_MS;
  reader.onError((e) => {
    // JSON.parse's SyntaxError, or a TypeError from a message of the wrong shape: the next frame starts where it should.
    // A header without a usable Content-Length, or a failing stream, is a plain Error.
    if (e instanceof SyntaxError || e instanceof TypeError) logLine(`ignored a message that could not be read: ${e.message}`);
    else exitBroken(`unreadable input: ${e.message}`);
  });
  reader.onPartialMessage(() => exitBroken(`a message stayed shorter than its Content-Length for ${STALLED_MESSAGE_MS / 1000} s`));
  let shutdown = false;
  reader.onClose(() => process.exit(shutdown ? 0 : 1));
  // stdout carries the protocol: whatever a dependency prints goes to stderr (the library redirects console only for
  // the streams it makes itself).
  globalThis.console = new Console(process.stderr);
  const connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
  connection.onShutdown(() => {
    shutdown = true;
  });
  return connection;
}

/** The transports the library reads from the command line (`--socket N` and `--pipe NAME` too). */
function isTransport(arg: string): boolean {
  return arg === '--stdio' || arg === '--node-ipc' || /^--(socket|pipe)(=.|$)/.test(arg);
}

function main(args: string[]): void {
  // A person trying the command gets an answer, not a server waiting on the terminal or a stack trace.
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  if (args.includes('--version') || args.includes('-V')) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (!args.some(isTransport)) {
    process.stderr.write(`avdsec-language-server: no transport given: --stdio, --node-ipc, --socket=<port> or --pipe=<name>\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  // `--stdio`, or --node-ipc / --socket=N / --pipe=NAME as the library reads them (VS Code uses IPC).
  const connection = args.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
  startServer(connection, grammarsDir(__dirname));
}

main(process.argv.slice(2));
