/**
 * `avdsec/status`: what the server did so far, for the output channel and for tests (rust-analyzer has the same kind of
 * request). Not part of the LSP; clients that do not know it never send it.
 */
export const STATUS_REQUEST = 'avdsec/status';

export interface ServerStatus {
  /** Files the engine holds (workspace files read from disk and open documents). */
  files: number;
  /** Checks that ran to the end, and checks stopped because a newer edit arrived (the rest was re-queued). */
  checks: number;
  cancelled: number;
  /** Wall time of the last check after an edit (a first answer or a full check), in ms; the typing debounce follows it. */
  lastCheckMs: number;
  /** Wall time of the last full check after an edit (every rule over every subject in focus), in ms. */
  lastFullCheckMs: number;
  /** First answers published: after a keystroke, the edited resource checked again before the full check. */
  firstAnswers: number;
  /** Whether the workspace folders are still being read at start (files, then models): documents opened meanwhile get opening answers. */
  indexing: boolean;
  /** Opening answers published: a document opened while the folders are read, judged on its neighbourhood by the local rules. */
  openingAnswers: number;
  /** Nothing scheduled or running: the diagnostics published are those of the full check of every edit so far. */
  settled: boolean;
  /** How long the server waited after the last keystroke before it checked: 2 ms after a pause, within a burst half of lastCheckMs (at most 500). */
  debounceMs: number;
  /** Files not checked because they are over `maxFileSizeMB`. */
  tooLarge: string[];
}
