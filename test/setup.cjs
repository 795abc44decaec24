// Rule docs (*.md) are bundled as text by esbuild; under mocha they are read the same way.
const fs = require('fs');
require.extensions['.md'] = (module, filename) => {
  module.exports = fs.readFileSync(filename, 'utf8');
};
