/**
 * Lets the messages waiting on the connection in before long work goes on. vscode-jsonrpc reads a message in the event
 * loop's poll phase and handles it in an immediate it queues then: behind an immediate the work queued before the poll.
 * So the work waits for a second turn, and a request that came during a step is answered before the next one.
 */
export function letMessagesIn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
