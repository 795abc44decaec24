import * as fs from 'node:fs';

// Rule docs (*.md) are bundled as text by esbuild; here, as under mocha (test/setup.cjs), they are read the same way.
require.extensions['.md'] ??= (module, filename) => {
  module.exports = fs.readFileSync(filename, 'utf8');
};
