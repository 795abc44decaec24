import * as assert from 'node:assert/strict';
import { runRules } from '../server/src/engine/analyze';
import { emptyConfig } from '../server/src/engine/config';
import { defineRule, type Deployment, type SubjectKind, type Subjects } from '../server/src/engine/rule';
import { get, knownString } from '../server/src/engine/values';
import { Workspace } from '../server/src/engine/workspace';
import { grammars } from './harness/engine';

/** What analyze.ts hands a rule: its subjects in focus, `existing` ones left out, a deployment judged once per graph. */

const pool = (name: string, existing = false) =>
  existing
    ? `resource ${name} 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' existing = {\n  name: '${name}'\n}\n`
    : `resource ${name} 'Microsoft.DesktopVirtualization/hostPools@2024-04-03' = {\n  name: '${name}'\n  location: 'westeurope'\n  properties: {\n    hostPoolType: 'Pooled'\n    loadBalancerType: 'BreadthFirst'\n    preferredAppGroupType: 'Desktop'\n  }\n}\n`;

const appGroup = (name: string, poolName: string) =>
  `resource ${name} 'Microsoft.DesktopVirtualization/applicationGroups@2024-04-03' = {\n  name: '${name}'\n  location: 'westeurope'\n  properties: {\n    applicationGroupType: 'Desktop'\n    hostPoolArmPath: ${poolName}.id\n  }\n}\n`;

/** A rule that records what it is called with and reports on each subject's resource (planned catalog ids, test only). */
function recorder<K extends SubjectKind>(appliesTo: K | readonly Exclude<K, 'deployment'>[], seen: string[], crashOn?: string) {
  return defineRule({
    id: 'local-admin-by-script',
    title: 'Test rule',
    level: 'warning',
    severity: 'low',
    boundary: ['user'],
    summary: 'Records its subjects.',
    docs: '',
    appliesTo,
    check(subject: Subjects[K], ctx) {
      const resources =
        'resources' in subject
          ? (subject as Deployment).hostPools.map((p) => p.resource).filter((r) => !r.source.existing)
          : [(subject as { resource: Subjects['hostPool']['resource'] }).resource];
      for (const r of resources) {
        const name = knownString(get(r.body, 'name')) ?? '?';
        seen.push(name);
        if (name === crashOn) throw new Error('bug in the rule');
        ctx.report({ uri: r.source.uri, at: r.source.headRange, message: `saw ${name}`, key: r.key });
      }
    },
  });
}

describe('rule platform: what a rule is called with', () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = new Workspace(await grammars());
    ws.set('/p/a.bicep', pool('hpA') + appGroup('agA', 'hpA') + pool('hpShared', true));
    ws.set('/p/b.bicep', pool('hpB') + pool('hpC'));
    ws.set('/p/shared.bicep', pool('hpShared'));
  });
  afterEach(() => ws.dispose());

  it('calls a node rule once per subject in focus, and never with an existing resource', () => {
    const seen: string[] = [];
    const found = runRules(ws.graph(), emptyConfig(), [recorder('hostPool', seen)], new Set(['/p/a.bicep', '/p/b.bicep']));
    assert.deepEqual(seen.sort(), ['hpA', 'hpB', 'hpC']);
    assert.deepEqual(found.map((f) => f.message).sort(), ['saw hpA', 'saw hpB', 'saw hpC']);
    const all: string[] = [];
    runRules(ws.graph(), emptyConfig(), [recorder('hostPool', all)]);
    assert.deepEqual(all.sort(), ['hpA', 'hpB', 'hpC', 'hpShared']);
  });

  it('calls a rule that lists several node kinds with each of them', () => {
    const seen: string[] = [];
    runRules(ws.graph(), emptyConfig(), [recorder(['hostPool', 'appGroup'], seen)], new Set(['/p/a.bicep']));
    assert.deepEqual(seen.sort(), ['agA', 'hpA']);
  });

  it('judges a deployment once per graph version and configuration, and gives each document its own findings', () => {
    const seen: string[] = [];
    const rule = recorder('deployment', seen);
    const config = emptyConfig();
    const graph = ws.graph();
    const a = runRules(graph, config, [rule], new Set(['/p/a.bicep']));
    const b = runRules(graph, config, [rule], new Set(['/p/b.bicep']));
    assert.equal(seen.filter((n) => n === 'hpA').length, 1, 'judged once for both documents');
    assert.deepEqual(
      a.map((f) => f.message),
      ['saw hpA'],
    );
    assert.deepEqual(b.map((f) => f.message).sort(), ['saw hpB', 'saw hpC']);
    // The same configuration read into a new object is not judged again; one that differs in what the rules read is,
    // and so is a new version of the graph.
    runRules(graph, emptyConfig(), [rule], new Set(['/p/a.bicep']));
    assert.equal(seen.filter((n) => n === 'hpA').length, 1, 'an equal configuration');
    runRules(graph, { ...emptyConfig(), redirectionProfile: 'strict' }, [rule], new Set(['/p/a.bicep']));
    ws.set('/p/b.bicep', pool('hpB'));
    const after = runRules(ws.graph(), config, [rule], new Set(['/p/b.bicep']));
    assert.equal(seen.filter((n) => n === 'hpA').length, 3);
    assert.deepEqual(
      after.map((f) => f.message),
      ['saw hpB'],
    );
  });

  it('turns a rule that throws into one hint and keeps its findings on the other subjects', () => {
    const seen: string[] = [];
    const found = runRules(ws.graph(), emptyConfig(), [recorder('hostPool', seen, 'hpB')]);
    assert.deepEqual(seen.sort(), ['hpA', 'hpB', 'hpC', 'hpShared']);
    const crash = found.filter((f) => f.key.endsWith('|crash'));
    assert.equal(crash.length, 1);
    assert.equal(crash[0].level, 'hint');
    assert.match(crash[0].message, /failed: bug in the rule/);
    assert.deepEqual(
      found
        .filter((f) => !f.key.endsWith('|crash'))
        .map((f) => f.message)
        .sort(),
      ['saw hpA', 'saw hpC', 'saw hpShared'],
    );
  });
});
