/**
 * Lets the messages waiting on the connection in before long work goes on. vscode-jsonrpc reads a message in the event
 * loop's poll phase and handles it in an immediate it queues then: behind an immediate the work queued before the poll.
 * So the work waits for a second turn, and a request that came during a step is answered before the next one.
 */
export function letMessagesIn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Work that is due later and can still be called off. */
export interface Pending {
  cancel(): void;
}

/**
 * Runs `run` after `ms`; with 0, as soon as the messages waiting on the connection are in (as letMessagesIn): a timer
 * of even 1 ms adds its millisecond or two to every answer, and what came in the same read is handled first anyway.
 */
export function runLater(ms: number, run: () => void): Pending {
  if (ms > 0) {
    const t = setTimeout(run, ms);
    return { cancel: () => clearTimeout(t) };
  }
  let next = setImmediate(() => (next = setImmediate(run)));
  return { cancel: () => clearImmediate(next) };
}
