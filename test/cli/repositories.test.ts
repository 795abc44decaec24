// Repositories scanned together (`avdsec scan repo-a repo-b`, a folder of clones, a multi-root workspace) are projects of
// their own: what one cannot resolve (a diagnostic setting or a private endpoint whose target is a parameter) may be any
// resource of its own repository, not of the others.
import * as assert from 'node:assert/strict';
import type { Report } from '../../server/src/cli/report';
import { DIAGNOSTICS_BY_NAME, POOL, TWO_REPOSITORIES } from '../harness/repositories';
import { avdsec, tempTree } from './run';

/** A workspace closed to public networks and a private endpoint whose target and sub-resource are parameters. */
const CLOSED_WORKSPACE = `resource workspace 'Microsoft.DesktopVirtualization/workspaces@2024-04-03' = {
  name: 'ws-closed'
  location: 'westeurope'
  properties: {
    publicNetworkAccess: 'Disabled'
  }
}
`;
const ENDPOINT_BY_PARAMETER = `param targetId string
param groupId string
param subnetId string

resource endpoint 'Microsoft.Network/privateEndpoints@2023-09-01' = {
  name: 'pe-any'
  location: 'westeurope'
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'pe-any'
        properties: {
          privateLinkServiceId: targetId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}
`;

const scan = async (cwd: string, ...paths: string[]) => {
  const r = await avdsec(['scan', ...paths, '--format', 'json', '--fail-on', 'never'], cwd);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as Report).findings.map((f) => `${f.file} ${f.ruleId}`);
};

describe('avdsec scan of several repositories', () => {
  it("keeps one repository's diagnostic setting on a pool named by parameter to that repository's pools", async () => {
    const dir = tempTree(TWO_REPOSITORIES);
    const both = await scan(dir, 'a', 'b');
    // The setting may be hp-a's: silent there. It is no setting of repository b's: hp-b has none.
    assert.ok(!both.includes('a/pool.bicep host-pool-diagnostics-missing'), both.join('\n'));
    assert.ok(both.includes('b/pool.bicep host-pool-diagnostics-missing'), both.join('\n'));
    // As each repository alone finds.
    assert.deepEqual(
      both.filter((f) => f.startsWith('b/')),
      (await scan(dir, 'b')).filter((f) => f.startsWith('b/')),
    );
  });

  it('sees the same findings in one repository with both, as before', async () => {
    const dir = tempTree({
      'repo/.git/HEAD': 'ref: refs/heads/main\n',
      'repo/a/pool.bicep': POOL('hp-a'),
      'repo/a/diagnostics.json': DIAGNOSTICS_BY_NAME,
      'repo/b/pool.bicep': POOL('hp-b'),
    });
    const found = await scan(dir, 'repo');
    // One repository: the setting may be either pool's.
    assert.ok(!found.some((f) => f.endsWith('host-pool-diagnostics-missing')), found.join('\n'));
  });

  it("keeps one repository's private endpoint with an unknown target to that repository", async () => {
    const dir = tempTree({
      'a/.git/HEAD': 'ref: refs/heads/main\n',
      'a/endpoint.bicep': ENDPOINT_BY_PARAMETER,
      'b/.git/HEAD': 'ref: refs/heads/main\n',
      'b/workspace.bicep': CLOSED_WORKSPACE,
    });
    const both = await scan(dir, 'a', 'b');
    const alone = await scan(dir, 'b');
    // Repository b closes its workspace and deploys no private endpoint: its feed is unreachable, whatever a keeps.
    assert.ok(alone.includes('b/workspace.bicep private-access-without-endpoint'), alone.join('\n'));
    assert.deepEqual(
      both.filter((f) => f.startsWith('b/')),
      alone,
    );
    // In one repository, the endpoint may be the workspace's.
    const one = tempTree({ 'repo/.git/HEAD': 'x', 'repo/a/endpoint.bicep': ENDPOINT_BY_PARAMETER, 'repo/b/workspace.bicep': CLOSED_WORKSPACE });
    assert.ok(!(await scan(one, 'repo')).includes('repo/b/workspace.bicep private-access-without-endpoint'));
  });
});
