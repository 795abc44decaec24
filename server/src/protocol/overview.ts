/**
 * `avdsec/overview`: every host pool of the workspace with its security overview (the engine's overview.ts, with LSP
 * ranges), for the "AVD Security" view and any editor that wants it. Not part of the LSP.
 */
export const OVERVIEW_REQUEST = 'avdsec/overview';

/**
 * `avdsec/overviewPage`: the overview of one host pool (the one declared at `uri`/`position`, else the first of the
 * workspace) as a self-contained HTML page: inline diagram, no script, a strict content security policy. Links to the
 * code are `command:avdsec.reveal?[uri, line, character]` URIs, which a webview opened with command URIs enabled follows.
 */
export const OVERVIEW_PAGE_REQUEST = 'avdsec/overviewPage';

/** The command the page's links call: reveal `uri` at a position. */
export const REVEAL_COMMAND = 'avdsec.reveal';

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export type OverviewState = 'good' | 'finding' | 'unknown' | 'absent';
export type OverviewLevel = 'error' | 'warning' | 'info' | 'hint';

export interface OverviewLineResult {
  id: string;
  label: string;
  state: OverviewState;
  level?: OverviewLevel;
  detail: string;
  findings: { ruleId: string; level: OverviewLevel; message: string; uri: string; range: LspRange; suppressed?: true }[];
  at: { uri: string; range: LspRange }[];
}

export interface OverviewSectionResult {
  id: string;
  title: string;
  state: OverviewState;
  level?: OverviewLevel;
  lines: OverviewLineResult[];
}

export interface OverviewPoolResult {
  name: string;
  uri: string;
  range: LspRange;
  type: string;
  scenario: string;
  counts: Record<OverviewLevel, number>;
  controls: string[];
  sections: OverviewSectionResult[];
}

export interface OverviewResult {
  hostPools: OverviewPoolResult[];
}

export interface OverviewPageParams {
  uri?: string;
  position?: { line: number; character: number };
}

export interface OverviewPageResult {
  /** The host pool shown, undefined when the workspace has none. */
  name?: string;
  html: string;
}
