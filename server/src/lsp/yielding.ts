/** Work that is due later and can still be called off. */
export interface Pending {
  cancel(): void;
}

/**
 * Runs `run` after `ms`; with 0, as soon as the messages waiting on the connection are in. vscode-jsonrpc reads a
 * message in the event loop's poll phase and handles it in an immediate it queues then: behind an immediate queued
 * before the poll. So the run waits for a second immediate, and what came in the meantime is handled first. A timer of
 * even 1 ms would add its millisecond or two to every answer.
 */
export function runLater(ms: number, run: () => void): Pending {
  if (ms > 0) {
    const t = setTimeout(run, ms);
    return { cancel: () => clearTimeout(t) };
  }
  let next = setImmediate(() => (next = setImmediate(run)));
  return { cancel: () => clearImmediate(next) };
}

/** Lets the messages waiting on the connection in before long work goes on (runLater with 0). */
export function letMessagesIn(): Promise<void> {
  return new Promise((resolve) => runLater(0, resolve));
}
