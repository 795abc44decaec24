// The test files of `npm test`, longest first: the workers then finish together instead of one of them starting the
// long property tests (linear time, fuzzing) while the other has nothing left to run.
const fs = require('node:fs');
const path = require('node:path');

const LONGEST = ['test/linear-time.test.ts', 'test/fuzz.test.ts'];
const all = fs
  .readdirSync(path.join(__dirname, 'test'), { recursive: true })
  .map((f) => path.posix.join('test', f.split(path.sep).join('/')))
  .filter((f) => f.endsWith('.test.ts') && !f.startsWith('test/editors/') && !f.startsWith('test/fixtures/'))
  .sort();

module.exports = {
  require: ['tsx/cjs', './test/setup.cjs'],
  extension: ['ts'],
  spec: [...LONGEST, ...all.filter((f) => !LONGEST.includes(f))],
  timeout: 20000,
  reporter: 'dot',
  parallel: true,
  // Three workers on two cores: the language server and CLI tests wait on processes of their own much of the time.
  jobs: 3,
};
