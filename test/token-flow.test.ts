import * as assert from 'node:assert/strict';
import { emptyConfig } from '../server/src/engine/config';
import { LineIndex } from '../server/src/engine/positions';
import { workspaceOf } from './harness/engine';

/**
 * registration-token-exposed follows a host pool's token through an ARM template's variables, parameters, nested
 * deployments and outputs (as compiled Bicep modules pass it on), next to values that carry none: every place the token
 * reaches where a reader sees it is reported, and no other. A regression test for any shortcut that skips values.
 */

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const TOKEN = "[reference(resourceId('Microsoft.DesktopVirtualization/hostPools', 'hp'), '2024-04-03').registrationInfo.token]";

type Json = Record<string, unknown>;

/** An inline module (nested deployment with inner scope), as `bicep build` writes one. */
function module(name: string, parameters: Json, template: Json): Json {
  return {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name,
    properties: {
      expressionEvaluationOptions: { scope: 'inner' },
      mode: 'Incremental',
      parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, { value: v }])),
      template: { $schema: SCHEMA, contentVersion: '1.0.0.0', ...template },
    },
  };
}

const nic = (name: string, tags: unknown): Json => ({
  type: 'Microsoft.Network/networkInterfaces',
  apiVersion: '2024-01-01',
  name,
  location: 'westeurope',
  tags,
  properties: {},
});

/** The deployment: `token` is where the pool's token is written (or a plain text instead). */
function template(token: string): string {
  const innermost = module(
    'innermost',
    { tags: "[parameters('tags')]", plain: "[parameters('plain')]" },
    {
      parameters: { tags: { type: 'object' }, plain: { type: 'object' } },
      resources: [nic('deep-token', "[parameters('tags')]"), nic('deep-plain', "[parameters('plain')]")],
    },
  );
  const inner = module(
    'inner',
    {
      tags: "[createObject('token', variables('tokenVar'))]",
      plain: "[union(variables('common'), createObject('pool', parameters('prefix')))]",
      tok: "[variables('tokenVar')]",
      name: "[format('{0}-x', parameters('prefix'))]",
    },
    {
      parameters: { tags: { type: 'object' }, plain: { type: 'object' }, tok: { type: 'string' }, name: { type: 'string' } },
      resources: [
        nic('inner-token', "[parameters('tags')]"),
        nic('inner-plain', "[parameters('plain')]"),
        nic('inner-plain-2', "[parameters('plain')]"),
        {
          type: 'Microsoft.Compute/virtualMachines/extensions',
          apiVersion: '2024-03-01',
          name: "[format('{0}/run', parameters('name'))]",
          location: 'westeurope',
          properties: {
            publisher: 'Microsoft.Compute',
            type: 'CustomScriptExtension',
            typeHandlerVersion: '1.10',
            // A path with backslashes (escaped in JSON, as DSC's `Configuration.ps1\\AddSessionHost`).
            settings: { note: "[parameters('name')]", script: 'C:\\scripts\\run.ps1', registration: "[parameters('tok')]" },
          },
        },
        {
          type: 'Microsoft.Compute/virtualMachines/extensions',
          apiVersion: '2024-03-01',
          name: "[format('{0}/aad', parameters('name'))]",
          location: 'westeurope',
          properties: {
            publisher: 'Microsoft.Azure.ActiveDirectory',
            type: 'AADLoginForWindows',
            typeHandlerVersion: '2.0',
            settings: { mdmId: 'x', script: 'C:\\scripts\\run.ps1', name: "[parameters('name')]" },
          },
        },
        innermost,
      ],
      outputs: { name: { type: 'string', value: "[parameters('name')]" }, tok: { type: 'string', value: "[parameters('tok')]" } },
    },
  );
  return JSON.stringify(
    {
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      parameters: { prefix: { type: 'string', defaultValue: 'avd' } },
      variables: { tokenVar: token, common: { env: 'test' } },
      resources: [
        {
          type: 'Microsoft.DesktopVirtualization/hostPools',
          apiVersion: '2024-04-03',
          name: 'hp',
          location: 'westeurope',
          properties: { hostPoolType: 'Pooled', loadBalancerType: 'BreadthFirst', preferredAppGroupType: 'Desktop' },
        },
        nic('root-token', "[union(variables('common'), createObject('token', variables('tokenVar')))]"),
        nic('root-plain', "[union(variables('common'), createObject('pool', parameters('prefix')))]"),
        inner,
      ],
    },
    null,
    2,
  );
}

/**
 * The rule's findings in a template, each as the line it points at (written as `shown` writes it) and its message's
 * first words.
 */
async function findingsIn(text: string, shown = text): Promise<string[]> {
  const uri = '/ws/main.json';
  const ws = await workspaceOf(new Map([[uri, text]]));
  const lines = new LineIndex(text);
  const out = ws
    .findings(uri, emptyConfig())
    .filter((f) => f.ruleId === 'registration-token-exposed')
    .map((f) => {
      const line = lines.position(f.range.start).line;
      return `${line + 1}: ${shown.split('\n')[line].trim()} ${f.message.split(':')[0]}`;
    });
  ws.dispose();
  return out.sort();
}

/** `escaped` writes every `(` as `\u0028`: the same template to JSON, which a shortcut reading the text must not tell apart. */
async function findings(token: string, escaped = false): Promise<string[]> {
  const plain = template(token);
  return findingsIn(escaped ? plain.replace(/\(/g, '\\u0028') : plain, plain);
}

describe('registration-token-exposed: a token passed through variables, parameters and nested deployments', () => {
  it('reports every place a token passed through parameters, variables and nested deployments reaches', async () => {
    const found = await findings(TOKEN);
    const expected = [
      // The tags of a resource at the root; the module's tags, which its resources and the module it calls use, where
      // the module is given them.
      /^\d+: "tags": "\[union\(variables\('common'\), createObject\('token', .*Tag 'token' holds the host pool registration token$/,
      /^\d+: "value": "\[createObject\('token', .*Tag 'token' holds the host pool registration token$/,
      // The extension's public setting.
      /^\d+: "registration": .*The host pool registration token is in the extension's public settings/,
      // The parameters of the two modules declared as plain objects and strings, and an output.
      /^\d+: "tags": \{ Parameter tags carries the host pool registration token but is not secure$/,
      /^\d+: "tags": \{ Parameter tags carries the host pool registration token but is not secure$/,
      /^\d+: "tok": \{ Parameter tok carries the host pool registration token but is not secure$/,
      /^\d+: "tok": \{ Output 'tok' returns the host pool registration token and is not secure$/,
    ];
    assert.equal(found.length, expected.length, found.join('\n'));
    for (const pattern of expected) {
      const i = found.findIndex((f) => pattern.test(f));
      assert.ok(i >= 0, `${pattern} in:\n${found.join('\n')}`);
      found.splice(i, 1);
    }
  });

  it('reports the same when escapes spell the template', async () => {
    const read = await findings(TOKEN);
    assert.ok(read.length > 0);
    assert.deepEqual(read, await findings(TOKEN, true));
  });

  it('reports nothing when the same values carry plain text', async () => {
    assert.deepEqual(await findings('not-a-token'), []);
    assert.deepEqual(await findings('not-a-token', true), []);
  });

  it('reports an output of a nested template of outer scope, and nothing for a linked template', async () => {
    const outer = {
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: 'outer',
      properties: {
        mode: 'Incremental',
        template: {
          $schema: SCHEMA,
          contentVersion: '1.0.0.0',
          resources: [],
          outputs: { tok: { type: 'string', value: TOKEN }, safe: { type: 'securestring', value: TOKEN } },
        },
      },
    };
    const linked = {
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: 'linked',
      properties: { mode: 'Incremental', templateLink: { uri: 'https://example.com/t.json' }, parameters: { tok: { value: TOKEN } } },
    };
    const found = await findingsIn(JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', resources: [outer, linked] }, null, 2));
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0], /^\d+: "tok": \{ Output 'tok' returns the host pool registration token and is not secure$/);
  });
});
