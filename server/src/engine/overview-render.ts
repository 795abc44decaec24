import type { Level, Range } from './model';
import type { HostPoolOverview, LineState, Overview, OverviewLine, OverviewSection } from './overview';
import { MCSB_CONTROLS, mcsbUri } from './knowledge/mcsb';

/**
 * The overview as a page (HTML with an inline SVG diagram: no script, no remote content), as Markdown that renders in a
 * pull request comment (GitHub, Azure DevOps), and as the compact lines of a hover. How a place in the code becomes a
 * link is the caller's: a relative path and line for the CLI, a command for the editor.
 */
export type Linker = (uri: string, range: Range) => { href: string; label: string };

const STATE_WORD: Record<LineState, string> = { good: 'good', finding: 'finding', unknown: 'unknown', absent: 'not in this code' };
const LEVEL_ICON: Record<Level, string> = { error: '🔴', warning: '🟠', info: '🔵', hint: '⚪' };
const STATE_ICON: Record<Exclude<LineState, 'finding'>, string> = { good: '🟢', unknown: '❔', absent: '➖' };

/** "🟠 warning", "🟢 good", "❔ unknown": what a line or section shows. */
function stateText(s: { state: LineState; level?: Level }): string {
  return s.state === 'finding' && s.level
    ? `${LEVEL_ICON[s.level]} ${s.level}`
    : `${STATE_ICON[s.state as Exclude<LineState, 'finding'>]} ${STATE_WORD[s.state]}`;
}

const md = (text: string) => text.replace(/([\\`*_{}[\]<>|#])/g, '\\$1').replace(/\r?\n/g, ' ');

function countsText(p: HostPoolOverview): string {
  const parts = (['error', 'warning', 'info', 'hint'] as Level[]).filter((l) => p.counts[l]).map((l) => `${p.counts[l]} ${l}${p.counts[l] === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'no findings';
}

/** The worst section of a pool: what the summary table shows first. */
function worst(p: HostPoolOverview): OverviewSection | undefined {
  const rank = (s: OverviewSection) =>
    s.state === 'finding' ? 10 - ['error', 'warning', 'info', 'hint'].indexOf(s.level ?? 'hint') : s.state === 'unknown' ? 1 : 0;
  return [...p.sections].sort((a, b) => rank(b) - rank(a))[0];
}

export function overviewMarkdown(o: Overview, link: Linker): string {
  const out: string[] = ['# Azure Virtual Desktop security overview', ''];
  if (!o.hostPools.length) return [...out, 'No host pool is declared in the files read.', '', ...unfollowedMarkdown(o, link)].join('\n');
  out.push('| Host pool | Declared at | Type | Findings | ' + SECTION_HEADS.map((s) => s.short).join(' | ') + ' |');
  out.push('|---|---|---|---|' + SECTION_HEADS.map(() => '---').join('|') + '|');
  for (const p of o.hostPools) {
    const where = link(p.at.uri, p.at.range);
    const cells = SECTION_HEADS.map((h) => stateText(p.sections.find((s) => s.id === h.id)!));
    out.push(`| ${md(p.name)} | [${md(where.label)}](${where.href}) | ${p.type} | ${countsText(p)} | ${cells.join(' | ')} |`);
  }
  out.push('');
  for (const p of o.hostPools) {
    const where = link(p.at.uri, p.at.range);
    out.push(`## Host pool ${md(p.name)} (${p.type}, ${md(where.label)})`, '');
    out.push(`Declared at [${md(where.label)}](${where.href}). Scenario: ${md(p.scenario)}. Findings: ${countsText(p)}.`);
    if (p.controls.length) out.push(`Benchmark controls concerned: ${p.controls.map((c) => `[${c}](${mcsbUri(c)} "${MCSB_CONTROLS[c]}")`).join(', ')}.`);
    out.push('');
    out.push('| Section | Check | State | What the code shows |', '|---|---|---|---|');
    for (const s of p.sections)
      for (const [i, l] of s.lines.entries())
        out.push(`| ${i === 0 ? `**${md(s.title)}**` : ''} | ${md(l.label)} | ${stateText(l)} | ${lineDetail(l, link)} |`);
    out.push('');
  }
  out.push('Unknown means the code does not show the setting (a parameter without a value, a grant made elsewhere): it is never counted as good.', '');
  out.push(...unfollowedMarkdown(o, link));
  return out.join('\n');
}

/** The module calls not followed: what a host pool deployed through them would need to be shown. */
function unfollowedText(n: number): string {
  return `${n} module call${n === 1 ? ' is' : 's are'} not followed (registry or remote sources), so host pools they deploy are not shown`;
}

function unfollowedMarkdown(o: Overview, link: Linker): string[] {
  if (!o.unfollowed.length) return [];
  const shown = o.unfollowed.slice(0, 10).map((m) => {
    const w = link(m.uri, m.range);
    return `- \`${md(m.reference)}\` at [${md(w.label)}](${w.href})`;
  });
  return [`${unfollowedText(o.unfollowed.length)}:`, '', ...shown, ...(o.unfollowed.length > 10 ? [`- and ${o.unfollowed.length - 10} more`] : []), ''];
}

function lineDetail(l: OverviewLine, link: Linker): string {
  if (!l.findings.length) return md(l.detail);
  return l.findings
    .map((f) => {
      const w = link(f.uri, f.range);
      return `${LEVEL_ICON[f.level]} \`${f.ruleId}\`${f.suppressed ? ' (suppressed)' : ''} at [${md(w.label)}](${w.href}): ${md(f.message)}`;
    })
    .join('<br>');
}

const SECTION_HEADS: { id: OverviewSection['id']; short: string }[] = [
  { id: 'trust', short: 'Trust' },
  { id: 'identity', short: 'Identity' },
  { id: 'authentication', short: 'Auth' },
  { id: 'redirection', short: 'Redirection' },
  { id: 'network', short: 'Network' },
  { id: 'hardening', short: 'Hosts' },
  { id: 'secrets', short: 'Secrets' },
  { id: 'monitoring', short: 'Logs' },
];

/** The compact form for a hover on the host pool: one line per section. */
export function overviewHover(p: HostPoolOverview): string {
  const lines = [`**AVD security overview** of host pool ${md(p.name)} (${p.type}): ${countsText(p)}`, ''];
  for (const s of p.sections) {
    const bad = s.lines.filter((l) => l.state === 'finding').map((l) => l.label);
    const unknown = s.lines.filter((l) => l.state === 'unknown').length;
    const note = bad.length
      ? bad.join(', ')
      : unknown
        ? `${unknown} of ${s.lines.length} not shown by the code`
        : s.state === 'absent'
          ? 'not in this code'
          : 'all good';
    lines.push(`- ${stateText(s)} **${md(s.title)}**: ${md(note)}`);
  }
  return lines.join('\n');
}

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const COLOR: Record<string, { fill: string; stroke: string }> = {
  good: { fill: '#e6f4ea', stroke: '#1e8e3e' },
  error: { fill: '#fce8e6', stroke: '#c5221f' },
  warning: { fill: '#fef3e0', stroke: '#e37400' },
  info: { fill: '#e8f0fe', stroke: '#1967d2' },
  hint: { fill: '#f1f3f4', stroke: '#5f6368' },
  unknown: { fill: '#f8f9fa', stroke: '#9aa0a6' },
  absent: { fill: '#ffffff', stroke: '#dadce0' },
};

function colorOf(s: { state: LineState; level?: Level }) {
  return COLOR[s.state === 'finding' ? (s.level ?? 'hint') : s.state];
}

/** The state of a diagram part: the worst of the lines it stands for. */
function partState(p: HostPoolOverview, lineIds: readonly string[]): { state: LineState; level?: Level } {
  const lines = p.sections.flatMap((s) => s.lines).filter((l) => lineIds.includes(l.id));
  const order: LineState[] = ['finding', 'unknown', 'good', 'absent'];
  const levels: Level[] = ['error', 'warning', 'info', 'hint'];
  const finding = lines.filter((l) => l.state === 'finding').sort((a, b) => levels.indexOf(a.level!) - levels.indexOf(b.level!))[0];
  if (finding) return { state: 'finding', level: finding.level };
  for (const s of order) if (lines.some((l) => l.state === s)) return { state: s };
  return { state: 'absent' };
}

/**
 * The pool as a diagram: users reach the feed through Conditional Access, the workspace and the application groups, and
 * connect to the session hosts the host pool registers; role assignments and the network path sit by the hosts. Each
 * part is coloured by the worst state of the lines it stands for.
 */
export function overviewSvg(p: HostPoolOverview): string {
  const box = (x: number, y: number, w: number, title: string, sub: string, s: { state: LineState; level?: Level }) => {
    const c = colorOf(s);
    const dash = s.state === 'unknown' || s.state === 'absent' ? ' stroke-dasharray="4 3"' : '';
    return [
      `<g><title>${esc(`${title}: ${s.state === 'finding' ? s.level : STATE_WORD[s.state]}`)}</title>`,
      `<rect x="${x}" y="${y}" width="${w}" height="56" rx="6" fill="${c.fill}" stroke="${c.stroke}" stroke-width="2"${dash}/>`,
      `<text x="${x + w / 2}" y="${y + 23}" text-anchor="middle" font-size="13" font-weight="600">${esc(title)}</text>`,
      `<text x="${x + w / 2}" y="${y + 42}" text-anchor="middle" font-size="11">${esc(sub.length > 28 ? `${sub.slice(0, 27)}…` : sub)}</text></g>`,
    ].join('');
  };
  const arrow = (x1: number, y1: number, x2: number, y2: number) =>
    `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#5f6368" stroke-width="1.5" marker-end="url(#arrow)"/>`;
  const w = 170;
  const gap = 30;
  const xs = [0, 1, 2, 3].map((i) => 10 + i * (w + gap));
  const parts = p.parts;
  // Row 1: how users reach the feed. Row 2: the pool, its hosts and the network path to them. Row 3: grants on the hosts.
  const [r1, r2, r3] = [10, 110, 210];
  const mid = 28;
  const boxes = [
    box(xs[0], r1, w, 'Users', 'sign in', partState(p, ['join', 'identities', 'guests'])),
    box(
      xs[1],
      r1,
      w,
      'Conditional Access',
      parts.caPolicies ? `${parts.caPolicies} polic${parts.caPolicies === 1 ? 'y' : 'ies'}` : 'none in this code',
      partState(p, ['mfa', 'sso', 'passwordless']),
    ),
    box(xs[2], r1, w, 'Workspace', parts.workspaces[0] ?? 'none in this code', partState(p, ['feed-access', 'feed-logs'])),
    box(
      xs[3],
      r1,
      w,
      'Application groups',
      parts.appGroups.length ? `${parts.appGroups.length}: ${parts.appGroups[0]}` : 'none in this code',
      partState(p, ['app-access', 'remoteapp', 'feed-logs']),
    ),
    box(
      xs[3],
      r2,
      w,
      'Host pool',
      `${p.name} (${p.type})`,
      partState(p, [
        'drives',
        'clipboard',
        'usb',
        'devices',
        'media',
        'nla',
        'screen-capture',
        'rdp-invalid',
        'validation',
        'pool-logs',
        'token',
        'token-lifetime',
      ]),
    ),
    box(
      xs[2],
      r2,
      w,
      'Session hosts',
      parts.sessionHosts ? `${parts.sessionHosts} in this code` : 'none in this code',
      partState(p, ['trusted-launch', 'boot', 'encryption', 'patching', 'endpoint-protection', 'credentials']),
    ),
    box(
      xs[0],
      r2,
      w,
      'Network path',
      'public access, NSGs, IPs',
      partState(p, ['public-access', 'private-endpoints', 'inbound', 'public-ip', 'shortpath', 'egress', 'profile-storage', 'storage-key']),
    ),
    box(xs[2], r3, w, 'Role assignments', parts.roleAssignments[0] ?? 'none on the hosts', partState(p, ['local-admin', 'service-principal'])),
  ];
  const arrows = [
    arrow(xs[0] + w, r1 + mid, xs[1] - 2, r1 + mid),
    arrow(xs[1] + w, r1 + mid, xs[2] - 2, r1 + mid),
    arrow(xs[2] + w, r1 + mid, xs[3] - 2, r1 + mid),
    arrow(xs[3] + w / 2, r1 + 56, xs[3] + w / 2, r2 - 2),
    arrow(xs[3] - 2, r2 + mid, xs[2] + w + 2, r2 + mid),
    arrow(xs[0] + w, r2 + mid, xs[2] - 2, r2 + mid),
    arrow(xs[2] + w / 2, r3 - 2, xs[2] + w / 2, r2 + 58),
  ];
  const width = xs[3] + w + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(`Diagram of host pool ${p.name}`)}" viewBox="0 0 ${width} 280" width="${width}" height="280" font-family="Segoe UI, Helvetica, Arial, sans-serif">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#5f6368"/></marker></defs>',
    ...boxes,
    ...arrows,
    '</svg>',
  ].join('\n');
}

/** The content security policy of the page: nothing remote, no script; inline styles and the inline diagram only. */
export const OVERVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function overviewHtml(o: Overview, link: Linker, opts: { title?: string; csp?: string; summary?: boolean } = {}): string {
  const title = opts.title ?? 'Azure Virtual Desktop security overview';
  const badge = (s: { state: LineState; level?: Level }) => {
    const c = colorOf(s);
    return `<span class="badge" style="background:${c.fill};border-color:${c.stroke}">${esc(s.state === 'finding' ? (s.level ?? 'finding') : STATE_WORD[s.state])}</span>`;
  };
  const a = (uri: string, range: Range, text?: string) => {
    const w = link(uri, range);
    return `<a href="${esc(w.href)}">${esc(text ?? w.label)}</a>`;
  };
  const body: string[] = [`<h1>${esc(title)}</h1>`];
  if (!o.hostPools.length) body.push('<p>No host pool is declared in the files read.</p>');
  else if (o.hostPools.length > 1 || opts.summary) {
    body.push(
      '<table class="summary"><thead><tr><th>Host pool</th><th>Declared at</th><th>Type</th><th>Findings</th>' +
        SECTION_HEADS.map((h) => `<th>${esc(h.short)}</th>`).join('') +
        '</tr></thead><tbody>',
    );
    for (const [i, p] of o.hostPools.entries())
      body.push(
        `<tr><td><a href="#pool-${i}">${esc(p.name)}</a></td><td>${a(p.at.uri, p.at.range)}</td><td>${esc(p.type)}</td><td>${esc(countsText(p))}</td>` +
          SECTION_HEADS.map((h) => `<td>${badge(p.sections.find((s) => s.id === h.id)!)}</td>`).join('') +
          '</tr>',
      );
    body.push('</tbody></table>');
  }
  for (const [i, p] of o.hostPools.entries()) {
    body.push(`<section id="pool-${i}"><h2>Host pool ${esc(p.name)} <small>(${esc(p.type)})</small></h2>`);
    body.push(
      `<p>Declared at ${a(p.at.uri, p.at.range)}. Scenario: ${esc(p.scenario)}. Findings: ${esc(countsText(p))}. Worst: ${esc(worst(p)?.title ?? '')}.</p>`,
    );
    if (p.controls.length)
      body.push(
        `<p>Benchmark controls concerned: ${p.controls.map((c) => `<a href="${esc(mcsbUri(c))}" title="${esc(MCSB_CONTROLS[c])}">${c}</a>`).join(', ')}.</p>`,
      );
    body.push(`<div class="diagram">${overviewSvg(p)}</div>`);
    body.push('<table class="lines"><thead><tr><th>Section</th><th>Check</th><th>State</th><th>What the code shows</th></tr></thead><tbody>');
    for (const s of p.sections)
      for (const [j, l] of s.lines.entries()) {
        const detail = l.findings.length
          ? `<ul>${l.findings.map((f) => `<li><code>${esc(f.ruleId)}</code>${f.suppressed ? ' (suppressed)' : ''} at ${a(f.uri, f.range)}: ${esc(f.message)}</li>`).join('')}</ul>`
          : esc(l.detail) +
            (l.at.length
              ? ` (${l.at
                  .slice(0, 3)
                  .map((x) => a(x.uri, x.range))
                  .join(', ')})`
              : '');
        body.push(
          `<tr>${j === 0 ? `<th rowspan="${s.lines.length}">${esc(s.title)}<br>${badge(s)}</th>` : ''}<td>${esc(l.label)}</td><td>${badge(l)}</td><td>${detail}</td></tr>`,
        );
      }
    body.push('</tbody></table></section>');
  }
  body.push(
    '<p class="note">Unknown means the code does not show the setting (a parameter without a value, a grant made elsewhere): it is never counted as good.</p>',
  );
  if (o.unfollowed.length)
    body.push(
      `<p class="note">${esc(unfollowedText(o.unfollowed.length))}: ${o.unfollowed
        .slice(0, 10)
        .map((m) => `<code>${esc(m.reference)}</code> at ${a(m.uri, m.range)}`)
        .join(', ')}${o.unfollowed.length > 10 ? ', …' : ''}.</p>`,
    );
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(opts.csp ?? OVERVIEW_CSP)}">`,
    `<title>${esc(title)}</title>`,
    '<style>body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#202124;background:#fff}table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #dadce0;padding:4px 8px;text-align:left;vertical-align:top}.badge{display:inline-block;border:1px solid;border-radius:10px;padding:0 8px;font-size:12px;white-space:nowrap}.diagram{overflow-x:auto}.note{color:#5f6368}ul{margin:0;padding-left:18px}</style>',
    '</head><body>',
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
