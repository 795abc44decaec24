import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AvdsecConfig, emptyConfig } from '../server/src/engine/config';
import { type HostPoolOverview, type LineState, overviewRuleIds } from '../server/src/engine/overview';
import { overviewHover, overviewHtml, overviewMarkdown, overviewSvg } from '../server/src/engine/overview-render';
import { RULES } from '../server/src/engine/registry';
import { Workspace } from '../server/src/engine/workspace';
import { FIXTURES, grammars, listFiles, ROOT, uriOf } from './harness/engine';

async function overviewOf(dir: string, config: AvdsecConfig = emptyConfig(), edit?: (text: string) => string): Promise<HostPoolOverview[]> {
  const ws = new Workspace(await grammars());
  try {
    for (const f of listFiles(dir)) {
      const text = fs.readFileSync(f, 'utf8');
      ws.set(uriOf(f), edit ? edit(text) : text);
    }
    return ws.overview(() => config).hostPools;
  } finally {
    ws.dispose();
  }
}

function line(p: HostPoolOverview, id: string) {
  const l = p.sections.flatMap((s) => s.lines).find((x) => x.id === id);
  assert.ok(l, `line ${id}`);
  return l;
}

function states(p: HostPoolOverview, ids: string[]): Record<string, LineState> {
  return Object.fromEntries(ids.map((id) => [id, line(p, id).state]));
}

const link = (uri: string, range: { start: number }) => ({ href: `${path.basename(uri)}#${range.start}`, label: path.basename(uri) });

describe('the security overview of a host pool', () => {
  it('has a line for every rule, so no finding is left out of it', () => {
    const covered = new Set(overviewRuleIds());
    for (const r of RULES) assert.ok(covered.has(r.id), `${r.id} has an overview line`);
  });

  it('shows good only where the code writes the safe setting (a hardened deployment)', async () => {
    const [p] = await overviewOf(path.join(FIXTURES, 'overview', 'hardened'));
    const good = [
      'token-lifetime',
      'credentials',
      'join',
      'identities',
      'sso',
      'drives',
      'clipboard',
      'usb',
      'devices',
      'media',
      'nla',
      'rdp-invalid',
      'public-access',
      'trusted-launch',
      'boot',
      'encryption',
      'pool-logs',
      'feed-logs',
      'validation',
    ];
    assert.deepEqual(states(p, good), Object.fromEntries(good.map((id) => [id, 'good'])));
    // What the code cannot show stays unknown: grants made elsewhere, NSGs of a subnet passed in, a policy on the hosts.
    assert.deepEqual(states(p, ['local-admin', 'inbound', 'public-ip', 'screen-capture', 'patching']), {
      'local-admin': 'unknown',
      inbound: 'unknown',
      'public-ip': 'unknown',
      'screen-capture': 'unknown',
      patching: 'unknown',
    });
    assert.equal(p.counts.error + p.counts.warning, 0);
    assert.equal(p.sections.find((s) => s.id === 'monitoring')!.state, 'good');
  });

  it('shows each finding on its line at its level, with the findings behind it (the examples)', async () => {
    const [p] = await overviewOf(path.join(ROOT, 'examples', 'bicep'));
    assert.equal(p.type, 'pooled');
    assert.match(p.scenario, /one organization/);
    const admin = line(p, 'local-admin');
    assert.equal(admin.state, 'finding');
    assert.equal(admin.level, 'error');
    assert.deepEqual(
      admin.findings.map((f) => f.ruleId),
      ['pooled-host-local-admin'],
    );
    assert.deepEqual([line(p, 'sso').level, line(p, 'pool-logs').level, line(p, 'encryption').level], ['warning', 'warning', 'info']);
    const trust = p.sections.find((s) => s.id === 'trust')!;
    assert.equal(trust.state, 'finding');
    assert.equal(trust.level, 'error');
    assert.ok(p.controls.includes('PA-7'));
    assert.equal(p.parts.sessionHosts, 1);
  });

  it('says unknown where values come from inputs, and not in this code where there is nothing, never good', async () => {
    const [p] = await overviewOf(path.join(FIXTURES, 'overview', 'unknown'));
    for (const id of ['drives', 'clipboard', 'usb', 'devices', 'media', 'nla', 'sso', 'public-access']) assert.equal(line(p, id).state, 'unknown', id);
    for (const id of ['join', 'trusted-launch', 'boot', 'encryption', 'patching', 'endpoint-protection', 'inbound', 'public-ip', 'credentials', 'local-admin'])
      assert.equal(line(p, id).state, 'absent', id);
    assert.equal(line(p, 'feed-logs').state, 'absent');
    assert.equal(p.sections.find((s) => s.id === 'hardening')!.state, 'absent');
    assert.equal(p.sections.find((s) => s.id === 'redirection')!.state, 'unknown');
  });

  it('reaches every state in every section across the fixtures (what the code cannot lack is never "not in this code")', async () => {
    const dirs = [
      path.join(FIXTURES, 'overview', 'hardened'),
      path.join(FIXTURES, 'overview', 'unknown'),
      path.join(FIXTURES, 'overview', 'exposed'),
      path.join(ROOT, 'examples', 'bicep'),
      path.join(FIXTURES, 'rules', 'cloud-identity-on-ad-joined-hosts', 'tf-cloud-users'),
    ];
    const seen = new Map<string, Set<LineState>>();
    for (const dir of dirs)
      for (const p of await overviewOf(dir))
        for (const s of p.sections) for (const l of s.lines) (seen.get(s.id) ?? seen.set(s.id, new Set()).get(s.id)!).add(l.state);
    const all: LineState[] = ['absent', 'finding', 'good', 'unknown'];
    const expected: Record<string, LineState[]> = {
      trust: all,
      identity: all,
      // The pool's own sign-in and RDP properties are always there: known, found at fault, or not readable.
      authentication: ['finding', 'good', 'unknown'],
      redirection: ['finding', 'good', 'unknown'],
      network: all,
      hardening: all,
      secrets: all,
      monitoring: ['absent', 'finding', 'good'],
    };
    for (const [section, states] of Object.entries(expected))
      assert.deepEqual([...(seen.get(section) ?? [])].filter((s) => states.includes(s)).sort(), states, section);
    // The exposed pool: a host that shows no join type, and a password written in the code.
    const [exposed] = await overviewOf(path.join(FIXTURES, 'overview', 'exposed'));
    assert.equal(line(exposed, 'join').state, 'unknown');
    assert.equal(line(exposed, 'credentials').state, 'finding');
    assert.equal(line(exposed, 'credentials').level, 'error');
  });

  it('says a line is unknown when its rules are turned off, rather than good', async () => {
    const config = emptyConfig();
    config.rules['host-pool-diagnostics-missing'] = { level: 'off', options: {} };
    const [p] = await overviewOf(path.join(FIXTURES, 'overview', 'unknown'), config);
    assert.equal(line(p, 'pool-logs').state, 'unknown');
    assert.equal(line(p, 'pool-logs').detail, 'rule turned off');
  });

  it('keeps a finding a suppression accepts on its line, marked, and out of the counts', async () => {
    const [before] = await overviewOf(path.join(FIXTURES, 'overview', 'unknown'));
    const [p] = await overviewOf(path.join(FIXTURES, 'overview', 'unknown'), emptyConfig(), (t) =>
      t.replace("resource hostPool '", "// avdsec-disable-next-line host-pool-diagnostics-missing -- sent by policy\nresource hostPool '"),
    );
    const logs = line(p, 'pool-logs');
    assert.equal(logs.state, 'finding');
    assert.equal(logs.findings[0].suppressed, true);
    assert.match(logs.detail, /accepted by a suppression/);
    assert.equal(p.counts.warning, before.counts.warning - 1);
  });

  it('renders as Markdown, as a page with a diagram and no script, and as a hover of one line per section', async () => {
    const pools = await overviewOf(path.join(ROOT, 'examples', 'bicep'));
    const md = overviewMarkdown({ hostPools: pools, unfollowed: [] }, link);
    assert.match(
      md,
      /^\| Host pool \| Declared at \| Type \| Findings \| Trust \| Identity \| Auth \| Redirection \| Network \| Hosts \| Secrets \| Logs \|$/m,
    );
    assert.match(md, /^\| hp-finance-pooled \| \[main\.bicep\]\(main\.bicep#\d+\) \| pooled \| 1 error, \d+ warnings, /m);
    const html = overviewHtml({ hostPools: pools, unfollowed: [] }, link);
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:"/);
    for (const t of ['Trust level', 'Identity', 'Authentication', 'RDP redirections', 'Network path', 'Session host hardening', 'Secrets', 'Monitoring'])
      assert.ok(html.includes(`>${t}<`), t);
    // One pool: the page has no summary table unless asked for one.
    assert.doesNotMatch(html, /class="summary"/);
    assert.match(overviewHtml({ hostPools: pools, unfollowed: [] }, link, { summary: true }), /class="summary"/);
    const svg = overviewSvg(pools[0]);
    for (const part of ['Users', 'Conditional Access', 'Workspace', 'Application groups', 'Host pool', 'Session hosts', 'Role assignments', 'Network path'])
      assert.ok(svg.includes(`>${part}</text>`), part);
    // The trust line's error colours the role assignments red.
    assert.match(svg, /<title>Role assignments: error<\/title><rect [^>]*stroke="#c5221f"/);
    const hover = overviewHover(pools[0]);
    assert.equal(hover.split('\n').filter((l) => l.startsWith('- ')).length, 8);
  });
});
