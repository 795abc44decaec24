import * as assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { documentSelector, fileWatcherPattern } from '../client/src/configuration';

describe('VS Code client: which files it hands to the server', () => {
  const byPattern = documentSelector.flatMap((s) => ('pattern' in s && s.pattern ? [s.pattern] : []));

  it('opens and watches the source files whatever the case of their extension', () => {
    for (const file of ['infra/main.bicep', 'infra/Main.Bicep', 'a/MAIN.BICEPPARAM', 'tf/main.tf', 'tf/Main.TF', 'tf/prod.TFVARS']) {
      assert.ok(
        byPattern.some((p) => picomatch(p)(file)),
        `selector: ${file}`,
      );
      assert.ok(picomatch(fileWatcherPattern)(file), `watcher: ${file}`);
    }
    for (const file of ['a/azuredeploy.JSON', 'a/x.jsonc', 'a/.avdsec.json']) assert.ok(picomatch(fileWatcherPattern, { dot: true })(file), file);
    for (const file of ['a/main.bicep.bak', 'a/notes.md', 'a/main.tfstate']) {
      assert.ok(!picomatch(fileWatcherPattern, { dot: true })(file), file);
      assert.ok(!byPattern.some((p) => picomatch(p)(file)), file);
    }
  });
});
