import * as assert from 'node:assert/strict';
import { linkedTemplateTargets, parametersFileLabel, parametersFileTargets } from '../../server/src/engine/resolve/targets';

describe('which template a parameters file or a linked template deployment names', () => {
  it('a parameters file: beside it, then above its parameters folder; the template of its name, then its parts', () => {
    assert.deepEqual(parametersFileTargets('/r/d/main.parameters.json'), ['/r/d/main.json', '/r/d/main.bicep']);
    assert.deepEqual(parametersFileTargets('/r/d/x.parameters.prod.json'), ['/r/d/x.json', '/r/d/x.bicep']);
    // x.prod.parameters.json and prod.x.parameters.json both serve x.
    assert.ok(parametersFileTargets('/r/d/x.prod.parameters.json').includes('/r/d/x.json'));
    assert.ok(parametersFileTargets('/r/d/prod.x.parameters.json').includes('/r/d/x.bicep'));
    const nested = parametersFileTargets('/r/d/parameters/prod/x.parameters.json');
    assert.deepEqual(nested.slice(0, 2), ['/r/d/parameters/prod/x.json', '/r/d/parameters/prod/x.bicep']);
    assert.deepEqual(nested.slice(-2), ['/r/d/x.json', '/r/d/x.bicep']);
    // FederalAVD's naming: parameters/sample-minimal-entraid.hostpool.parameters.json serves ../hostpool.bicep.
    assert.ok(parametersFileTargets('/r/hostpools/parameters/sample-minimal-entraid.hostpool.parameters.json').includes('/r/hostpools/hostpool.bicep'));
    // A name that says no template: the usual entry templates, and only above a folder called parameters.
    assert.deepEqual(
      parametersFileTargets('/r/d/params.json'),
      ['azuredeploy', 'main', 'template'].flatMap((b) => [`/r/d/${b}.json`, `/r/d/${b}.bicep`]),
    );
    assert.ok(!parametersFileTargets('/r/d/other/x.parameters.json').some((t) => t.startsWith('/r/d/x.')));
  });

  it('labels a parameters file from its parameters folder on', () => {
    assert.equal(parametersFileLabel('/r/d/parameters/prod.x.parameters.json'), 'parameters/prod.x.parameters.json');
    assert.equal(parametersFileLabel('/r/d/x.parameters.json'), 'x.parameters.json');
  });

  it('a linked template: a relative path beside the caller, or the path a URL ends with, nearest folders first', () => {
    assert.deepEqual(linkedTemplateTargets('/r/d/main.json', 'nested/hosts.json'), ['/r/d/nested/hosts.json']);
    const url = 'https://raw.githubusercontent.com/Azure/RDS-Templates/master/ARM-wvd-templates/nestedtemplates/managedDisks-galleryvm.json';
    const targets = linkedTemplateTargets('/repo/ARM-wvd-templates/CreateAndProvisionHostPool/CreateHostpoolTemplate.json', url);
    assert.ok(targets.includes('/repo/ARM-wvd-templates/nestedtemplates/managedDisks-galleryvm.json'));
    // Longer matching paths come first; a bare file name is looked for only beside the caller.
    assert.ok(
      targets.indexOf('/repo/ARM-wvd-templates/nestedtemplates/managedDisks-galleryvm.json') <
        targets.indexOf('/repo/ARM-wvd-templates/CreateAndProvisionHostPool/managedDisks-galleryvm.json'),
    );
    assert.ok(!targets.includes('/repo/managedDisks-galleryvm.json'));
    // Query strings (a SAS token) are not part of the path; a URL that names no JSON file names nothing.
    assert.ok(linkedTemplateTargets('/r/d/main.json', 'https://st.blob.core.windows.net/t/nested/vm.json?sv=2022&sig=x').includes('/r/d/nested/vm.json'));
    assert.deepEqual(linkedTemplateTargets('/r/d/main.json', 'https://example.com/templates/'), []);
  });
});
