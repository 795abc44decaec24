import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AvdsecConfig } from '../engine/config';
import type { Range } from '../engine/model';
import type { HostPoolOverview, Overview } from '../engine/overview';
import { overviewHover, overviewHtml } from '../engine/overview-render';
import type { OverviewPageParams, OverviewPageResult, OverviewResult } from '../protocol/overview';
import { REVEAL_COMMAND } from '../protocol/overview';
import { toLspRange } from './diagnostics';
import type { ServerWorkspace } from './workspace';

/** The engine's overview with the editor's configuration of each file (`.avdsec.json` and `avdsec.rules`). */
export async function workspaceOverview(ws: ServerWorkspace, configOf: (uri: string) => Promise<AvdsecConfig>): Promise<Overview> {
  const uris = ws.engine.uris();
  const configs = new Map(await Promise.all(uris.map(async (u) => [u, await configOf(u)] as const)));
  return ws.engine.overview((uri) => configs.get(uri) ?? ws.configFor(uri));
}

function placer(docOf: (uri: string) => TextDocument | undefined) {
  const docs = new Map<string, TextDocument | undefined>();
  const zero = { line: 0, character: 0 };
  return (uri: string, range: Range) => {
    if (!docs.has(uri)) docs.set(uri, docOf(uri));
    const doc = docs.get(uri);
    return doc ? toLspRange(doc, range) : { start: zero, end: zero };
  };
}

/** The overview with LSP ranges (the avdsec/overview request). */
export function overviewResult(o: Overview, docOf: (uri: string) => TextDocument | undefined): OverviewResult {
  const place = placer(docOf);
  return {
    hostPools: o.hostPools.map((p) => ({
      name: p.name,
      uri: p.at.uri,
      range: place(p.at.uri, p.at.range),
      type: p.type,
      scenario: p.scenario,
      counts: p.counts,
      controls: [...p.controls],
      sections: p.sections.map((s) => ({
        id: s.id,
        title: s.title,
        state: s.state,
        ...(s.level ? { level: s.level } : {}),
        lines: s.lines.map((l) => ({
          id: l.id,
          label: l.label,
          state: l.state,
          ...(l.level ? { level: l.level } : {}),
          detail: l.detail,
          findings: l.findings.map((f) => ({ ...f, range: place(f.uri, f.range) })),
          at: l.at.map((x) => ({ uri: x.uri, range: place(x.uri, x.range) })),
        })),
      })),
    })),
  };
}

/** The pool declared at an offset of a document: the one whose declaration holds it. */
export function poolAt(o: Overview, uri: string, offset: number): HostPoolOverview | undefined {
  return o.hostPools.find((p) => p.declaration.uri === uri && p.declaration.range.start <= offset && offset <= p.declaration.range.end);
}

/** One pool's page (the avdsec/overviewPage request): links reveal the code through the client's command. */
export function overviewPage(ws: ServerWorkspace, o: Overview, params: OverviewPageParams): OverviewPageResult {
  const text = params.uri ? ws.textDocument(params.uri) : undefined;
  const offset = text && params.position ? text.offsetAt(params.position) : undefined;
  const pool =
    (params.uri && offset !== undefined ? poolAt(o, params.uri, offset) : undefined) ?? o.hostPools.find((p) => p.at.uri === params.uri) ?? o.hostPools[0];
  const place = placer((u) => ws.textDocument(u));
  const link = (uri: string, range: Range) => {
    const r = place(uri, range);
    const args = encodeURIComponent(JSON.stringify([uri, r.start.line, r.start.character]));
    const name = uri.slice(uri.lastIndexOf('/') + 1);
    return { href: `command:${REVEAL_COMMAND}?${args}`, label: `${decodeURIComponent(name)}:${r.start.line + 1}` };
  };
  const shown: Overview = { hostPools: pool ? [pool] : [], unfollowed: pool ? [] : o.unfollowed };
  return { ...(pool ? { name: pool.name } : {}), html: overviewHtml(shown, link, { title: pool ? `AVD security: ${pool.name}` : 'AVD security overview' }) };
}

/** The compact overview a hover on a host pool's declaration adds. */
export function overviewHoverAt(o: Overview, uri: string, offset: number): string | undefined {
  const p = poolAt(o, uri, offset);
  return p ? overviewHover(p) : undefined;
}
