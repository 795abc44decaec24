import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listFiles, ROOT } from './harness/engine';
import { parseMarkers } from './harness/markers';
import { matchSnapshot, modelSnapshot, SNAPSHOTS, updating } from './harness/model-snapshot';

/**
 * What each adapter makes of representative inputs, compared with test/snapshots/<language>/<name>.json (printed by
 * harness/model-snapshot.ts, which says how values read). `npm run snapshots` rewrites them after a deliberate model
 * change; review the diff like code.
 *
 * Inputs are existing examples and rule fixtures (markers removed, `.fixed` files and `.avdsec.json` left out), read
 * together as one workspace so that modules, parameter files and Terraform module directories are resolved; where no
 * fixture had the construct, a small input under test/fixtures/adapters/.
 */
interface Input {
  language: 'bicep' | 'bicepparam' | 'arm' | 'terraform' | 'graph-json';
  name: string;
  /** What it shows. */
  covers: string;
  /** A folder (every file in it) or files, relative to the repository. */
  from: string | string[];
}

const R = 'test/fixtures/rules';
const A = 'test/fixtures/adapters';

const INPUTS: Input[] = [
  { language: 'bicep', name: 'examples', covers: 'parameters, variables, interpolation, loops, child resources, references', from: 'examples/bicep' },
  {
    language: 'bicep',
    name: 'module-arguments',
    covers: 'a module call: arguments read by the module, @allowed with a default, a ternary, loops with parent',
    from: 'test/fixtures/compiled/bicep',
  },
  {
    language: 'bicep',
    name: 'conditions-modules',
    covers: 'if, a filtered module loop, module scopes, an existing resource, an unresolved registry module, spread, @allowed',
    from: `${A}/bicep-conditions-modules`,
  },
  {
    language: 'bicep',
    name: 'unknown-parts',
    covers: 'strings with unknown holes, ternaries on unknown parameters (choices)',
    from: `${R}/rdp-drive-redirection/bicep-unknown-parts`,
  },
  { language: 'bicep', name: 'suppressions', covers: 'line and block comment suppressions', from: `${R}/host-pool-sso-disabled/bicep-suppression` },
  { language: 'bicep', name: 'syntax-errors', covers: 'a partial model around syntax errors', from: `${A}/bicep-syntax-errors` },
  {
    language: 'bicepparam',
    name: 'param-files',
    covers: 'three parameter files of one template: their values, and the template read with each',
    from: `${R}/rdp-drive-redirection/bicep-param-files`,
  },
  {
    language: 'bicepparam',
    name: 'parser-forms',
    covers: 'using, extends, using none, imports, expressions, readEnvironmentVariable (targets that do not exist)',
    from: ['test/fixtures/bicep-parser/params.bicepparam', 'test/fixtures/bicep-parser/extends.bicepparam', 'test/fixtures/bicep-parser/using-none.bicepparam'],
  },
  { language: 'arm', name: 'examples', covers: 'parameters, variables, copy loops, functions, references by resource id', from: 'examples/arm' },
  {
    language: 'arm',
    name: 'nested-deployment',
    covers: 'a nested deployment with inner scope: parameters passed in, copy loops, legacy child names',
    from: 'test/fixtures/compiled/arm',
  },
  {
    language: 'arm',
    name: 'language-version-2',
    covers:
      'languageVersion 2.0: symbolic names, existing, condition and copy, a nested deployment to another resource group, comment and metadata suppressions',
    from: `${A}/arm-language-version-2`,
  },
  {
    language: 'arm',
    name: 'parameters-file',
    covers: 'a template and its parameters file',
    from: `${R}/rdp-drive-redirection/arm-parameters-file`,
  },
  {
    language: 'arm',
    name: 'unknown-parts',
    covers: 'format/concat with unknown parameters, if() on an unknown parameter, allowedValues',
    from: `${R}/rdp-drive-redirection/arm-unknown-parts`,
  },
  { language: 'arm', name: 'syntax-errors', covers: 'a partial model around syntax errors', from: `${A}/arm-syntax-errors` },
  {
    language: 'terraform',
    name: 'examples',
    covers: 'azurerm and azuread: variables, locals, count, data sources, providers, several files of one module',
    from: 'examples/terraform',
  },
  { language: 'terraform', name: 'module', covers: 'a local module: arguments read as its variables', from: `${R}/host-pool-sso-disabled/tf-module` },
  {
    language: 'terraform',
    name: 'var-files',
    covers: 'variables files: one deployment per file, choices named after the file',
    from: `${R}/host-pool-sso-disabled/tf-var-files`,
  },
  {
    language: 'terraform',
    name: 'count-conditional',
    covers: 'count on conditions and numbers, count.index, ternaries on unknown variables',
    from: `${R}/host-pool-sso-disabled/tf-count-conditional`,
  },
  { language: 'terraform', name: 'map-join', covers: 'locals, for expressions, join() on maps', from: `${R}/rdp-drive-redirection/tf-map-join` },
  { language: 'terraform', name: 'azapi', covers: 'an azapi_resource body (already ARM-shaped)', from: `${R}/rdp-drive-redirection/tf-conditional` },
  {
    language: 'terraform',
    name: 'validation-allowed',
    covers: 'a variable whose validation allows a list of values (choices)',
    from: `${R}/pooled-host-local-admin/tf-inferred`,
  },
  {
    language: 'terraform',
    name: 'azuread-conditional-access',
    covers: 'azuread_conditional_access_policy mapped to the Graph shape',
    from: `${R}/mfa-conditional-access-missing/tf-ca-covered`,
  },
  {
    language: 'terraform',
    name: 'msgraph-conditional-access',
    covers: 'a msgraph_resource Conditional Access policy',
    from: `${R}/mfa-conditional-access-missing/tf-msgraph-covered`,
  },
  { language: 'terraform', name: 'suppressions', covers: 'line and block comment suppressions', from: `${R}/host-pool-sso-disabled/tf-suppression` },
  { language: 'terraform', name: 'syntax-errors', covers: 'a partial model around syntax errors', from: `${A}/tf-syntax-errors` },
  {
    language: 'graph-json',
    name: 'policy',
    covers: 'one Conditional Access policy as Microsoft Graph returns it',
    from: [`${R}/mfa-conditional-access-missing/arm-graph-covered/ca-avd-mfa.json`],
  },
  {
    language: 'graph-json',
    name: 'policy-list',
    covers: 'a list of policies (report-only, excluded apps)',
    from: [`${R}/mfa-conditional-access-missing/arm-graph-report-only/policies.json`],
  },
];

/** The files of an input, by path relative to the input (a folder) or by name (listed files), markers removed. */
function filesOf(input: Input): Map<string, string> {
  const out = new Map<string, string>();
  const add = (file: string, name: string) => {
    if (/\.fixed\.[a-z]+$/.test(file) || path.basename(file) === '.avdsec.json') return;
    out.set(name, parseMarkers(fs.readFileSync(file, 'utf8')).text);
  };
  if (typeof input.from === 'string') {
    const dir = path.join(ROOT, input.from);
    for (const f of listFiles(dir)) add(f, path.relative(dir, f).split(path.sep).join('/'));
  } else for (const f of input.from) add(path.join(ROOT, f), path.basename(f));
  return out;
}

const snapshotName = (i: Input) => `${i.language}/${i.name}.json`;

describe('adapter model snapshots', () => {
  for (const input of INPUTS) {
    it(`${input.language} ${input.name}: ${input.covers}`, async () => {
      const files = filesOf(input);
      assert.ok(files.size > 0, `no files in ${String(input.from)}`);
      matchSnapshot(snapshotName(input), await modelSnapshot(files));
    });
  }

  it('every snapshot file belongs to an input', () => {
    const wanted = new Set(INPUTS.map(snapshotName));
    const stale = fs.existsSync(SNAPSHOTS)
      ? listFiles(SNAPSHOTS)
          .map((f) => path.relative(SNAPSHOTS, f).split(path.sep).join('/'))
          .filter((f) => !wanted.has(f))
      : [];
    if (updating()) for (const f of stale) fs.rmSync(path.join(SNAPSHOTS, f));
    else assert.deepEqual(stale, [], 'snapshots of no input: npm run snapshots removes them');
  });
});
