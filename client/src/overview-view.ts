import {
  type Disposable,
  EventEmitter,
  languages,
  MarkdownString,
  ThemeColor,
  ThemeIcon,
  type TreeDataProvider,
  TreeItem,
  TreeItemCollapsibleState,
  Uri,
  workspace,
} from 'vscode';
import { type LanguageClient, State } from 'vscode-languageclient/node';
import {
  OVERVIEW_REQUEST,
  type OverviewLevel,
  type OverviewLineResult,
  type OverviewPoolResult,
  type OverviewResult,
  type OverviewSectionResult,
  type OverviewState,
} from '../../server/src/protocol/overview';
import { REVEAL } from './reveal';

export const OVERVIEW_VIEW = 'avdsec.overview';
export const REFRESH_OVERVIEW = 'avdsec.overview.refresh';
/** The contextValue of host pool items, for the "Show Security Overview" entries of the view. */
export const HOST_POOL_ITEM = 'avdsecHostPool';

type Place = { uri: string; range: OverviewPoolResult['range'] };

export type OverviewNode =
  | { kind: 'pool'; pool: OverviewPoolResult }
  | { kind: 'section'; pool: OverviewPoolResult; section: OverviewSectionResult }
  | { kind: 'line'; pool: OverviewPoolResult; section: OverviewSectionResult; line: OverviewLineResult }
  | { kind: 'finding'; id: string; finding: OverviewLineResult['findings'][number] }
  | { kind: 'place'; id: string; place: Place };

const LEVELS: OverviewLevel[] = ['error', 'warning', 'info', 'hint'];
const STATE_WORD: Record<Exclude<OverviewState, 'finding'>, string> = { good: 'good', unknown: 'unknown', absent: 'not in this code' };

/** What an item of a given state shows: the words and a themed icon (the Problems view's colours for findings). */
function stateWord(s: { state: OverviewState; level?: OverviewLevel }): string {
  return s.state === 'finding' ? (s.level ?? 'finding') : STATE_WORD[s.state];
}

function stateIcon(s: { state: OverviewState; level?: OverviewLevel }): ThemeIcon {
  if (s.state === 'finding') return levelIcon(s.level ?? 'hint');
  if (s.state === 'good') return new ThemeIcon('pass', new ThemeColor('testing.iconPassed'));
  if (s.state === 'unknown') return new ThemeIcon('question', new ThemeColor('descriptionForeground'));
  return new ThemeIcon('circle-slash', new ThemeColor('disabledForeground'));
}

function levelIcon(level: OverviewLevel): ThemeIcon {
  switch (level) {
    case 'error':
      return new ThemeIcon('error', new ThemeColor('problemsErrorIcon.foreground'));
    case 'warning':
      return new ThemeIcon('warning', new ThemeColor('problemsWarningIcon.foreground'));
    case 'info':
      return new ThemeIcon('info', new ThemeColor('problemsInfoIcon.foreground'));
    default:
      return new ThemeIcon('lightbulb', new ThemeColor('descriptionForeground'));
  }
}

/** A pool's worst state: its worst finding, else unknown when a section is, else good. */
function poolState(p: OverviewPoolResult): { state: OverviewState; level?: OverviewLevel } {
  const level = LEVELS.find((l) => p.counts[l] > 0);
  if (level) return { state: 'finding', level };
  if (p.sections.some((s) => s.state === 'unknown')) return { state: 'unknown' };
  return { state: 'good' };
}

function countsText(p: OverviewPoolResult): string {
  const parts = LEVELS.filter((l) => p.counts[l]).map((l) => `${p.counts[l]} ${l}${p.counts[l] === 1 || l === 'info' ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'no findings';
}

/** The engine names a pool as its messages do ('hp-finance'); the view shows the bare name. */
export function bareName(name: string): string {
  return /^'[^']*'$/.test(name) ? name.slice(1, -1) : name;
}

function where(place: Place): string {
  return `${workspace.asRelativePath(Uri.parse(place.uri), false)}:${place.range.start.line + 1}`;
}

function revealCommand(place: Place) {
  return { command: REVEAL, title: 'Reveal in the code', arguments: [place.uri, place.range.start.line, place.range.start.character] };
}

const poolId = (p: OverviewPoolResult) => `${p.uri}#${p.range.start.line}:${p.range.start.character}`;

/**
 * The "AVD Security" view: host pools, each expanding to the overview's sections, their lines and the findings behind
 * them (avdsec/overview). A click on a finding, or on a line the code shows, reveals the code.
 */
export class OverviewTree implements TreeDataProvider<OverviewNode>, Disposable {
  private readonly changed = new EventEmitter<OverviewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: Disposable[] = [this.changed];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly log: (message: string) => void,
  ) {
    this.disposables.push(
      languages.onDidChangeDiagnostics(() => this.schedule()),
      // The view fills in once the server runs (at start, after a restart).
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) this.refresh();
      }),
    );
  }

  /**
   * Diagnostics come in bursts (one notification per file): once the burst is over, the view refreshes if the overview
   * changed. Most bursts (a file opened, a keystroke in an RDP comment) leave it as it was, and a refresh the user did
   * not need collapses nothing but races their clicks: VS Code logs an error for a row clicked while it is rebuilt.
   */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refreshIfChanged();
    }, 300);
  }

  /** The overview the view shows (as sent), and one fetched for the next refresh. */
  private shown: string | undefined;
  private next: OverviewPoolResult[] | undefined;

  private async refreshIfChanged(): Promise<void> {
    const pools = await this.pools();
    if (JSON.stringify(pools) === this.shown) return;
    this.next = pools;
    this.changed.fire(undefined);
  }

  refresh(): void {
    this.next = undefined;
    this.changed.fire(undefined);
  }

  private async pools(): Promise<OverviewPoolResult[]> {
    if (this.client.state !== State.Running) return [];
    try {
      const result = await this.client.sendRequest<OverviewResult | null>(OVERVIEW_REQUEST);
      return result?.hostPools ?? [];
    } catch (e) {
      this.log(`the AVD Security view could not get the overview: ${(e as Error).message}`);
      return [];
    }
  }

  async getChildren(node?: OverviewNode): Promise<OverviewNode[]> {
    if (!node) {
      const pools = this.next ?? (await this.pools());
      this.next = undefined;
      this.shown = JSON.stringify(pools);
      return pools.map((pool) => ({ kind: 'pool', pool }));
    }
    switch (node.kind) {
      case 'pool':
        return node.pool.sections.map((section) => ({ kind: 'section', pool: node.pool, section }));
      case 'section':
        return node.section.lines.map((line) => ({ kind: 'line', pool: node.pool, section: node.section, line }));
      case 'line': {
        const base = `${poolId(node.pool)}/${node.section.id}/${node.line.id}`;
        if (node.line.findings.length) return node.line.findings.map((finding, i) => ({ kind: 'finding', id: `${base}/finding-${i}`, finding }));
        return node.line.at.length > 1 ? node.line.at.map((place, i) => ({ kind: 'place', id: `${base}/at-${i}`, place })) : [];
      }
      default:
        return [];
    }
  }

  getTreeItem(node: OverviewNode): TreeItem {
    switch (node.kind) {
      case 'pool': {
        const p = node.pool;
        const item = new TreeItem(bareName(p.name), TreeItemCollapsibleState.Collapsed);
        item.id = poolId(p);
        item.description = `${p.type} · ${where(p)} · ${countsText(p)}`;
        item.iconPath = stateIcon(poolState(p));
        item.contextValue = HOST_POOL_ITEM;
        item.tooltip = `Host pool ${bareName(p.name)} (${p.type}), declared at ${where(p)}\n${p.scenario}\nFindings: ${countsText(p)}`;
        item.accessibilityInformation = { label: `Host pool ${bareName(p.name)}, ${p.type}, ${where(p)}, ${countsText(p)}` };
        return item;
      }
      case 'section': {
        const s = node.section;
        const item = new TreeItem(s.title, TreeItemCollapsibleState.Collapsed);
        item.id = `${poolId(node.pool)}/${s.id}`;
        item.description = stateWord(s);
        item.iconPath = stateIcon(s);
        item.accessibilityInformation = { label: `${s.title}: ${stateWord(s)}` };
        return item;
      }
      case 'line': {
        const l = node.line;
        const children = l.findings.length > 0 || l.at.length > 1;
        const item = new TreeItem(l.label, children ? TreeItemCollapsibleState.Collapsed : TreeItemCollapsibleState.None);
        item.id = `${poolId(node.pool)}/${node.section.id}/${l.id}`;
        item.description = `${stateWord(l)}: ${l.detail}`;
        item.iconPath = stateIcon(l);
        item.tooltip = `${l.label}: ${stateWord(l)}. ${l.detail}`;
        item.accessibilityInformation = { label: `${l.label}: ${stateWord(l)}, ${l.detail}` };
        // What the code shows, for a line without findings (a finding is revealed from its own item).
        if (!l.findings.length && l.at.length) item.command = revealCommand(l.at[0]);
        return item;
      }
      case 'finding': {
        const f = node.finding;
        const item = new TreeItem(f.message, TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = `${f.ruleId}${f.suppressed ? ' (suppressed)' : ''} · ${where(f)}`;
        item.iconPath = levelIcon(f.level);
        item.tooltip = new MarkdownString()
          .appendText(`${f.message}\n\n`)
          .appendMarkdown(`\`${f.ruleId}\` (${f.level}${f.suppressed ? ', suppressed' : ''}) at ${where(f)}`);
        item.accessibilityInformation = { label: `${f.level} ${f.ruleId}${f.suppressed ? ' (suppressed)' : ''}: ${f.message}` };
        item.command = revealCommand(f);
        return item;
      }
      case 'place': {
        const item = new TreeItem(where(node.place), TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new ThemeIcon('go-to-file');
        item.command = revealCommand(node.place);
        return item;
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
