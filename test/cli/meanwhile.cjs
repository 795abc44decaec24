// Preloaded into the CLI (`node --require`) by the --fix tests. Right after the scan has read the file named by
// AVDSEC_TEST_FILE, changes it as someone working beside the scan would: puts a symbolic link to AVDSEC_TEST_LINK in
// its place when that is set, else appends a line to it.
const fs = require('node:fs');
const path = require('node:path');

const read = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  const bytes = read.call(this, file, ...rest);
  if (typeof file === 'string' && path.resolve(file) === process.env.AVDSEC_TEST_FILE) {
    fs.readFileSync = read;
    if (process.env.AVDSEC_TEST_LINK) {
      fs.rmSync(file);
      fs.symlinkSync(process.env.AVDSEC_TEST_LINK, file);
    } else fs.appendFileSync(file, '// edited meanwhile\n');
  }
  return bytes;
};
