import * as assert from 'node:assert/strict';
describe('setup', () => {
  it('loads markdown as text', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const text: string = require('../../README.md');
    assert.match(text, /avdsec/);
  });
});
