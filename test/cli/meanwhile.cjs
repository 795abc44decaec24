// Preloaded into the CLI (`node --require`) by the --fix tests. Right after the scan has read the file named by
// AVDSEC_TEST_FILE (when it closes the file), changes it as someone working beside the scan would: puts a symbolic link
// to AVDSEC_TEST_LINK in its place when that is set, else appends a line to it.
const fs = require('node:fs');
const path = require('node:path');

const open = fs.openSync;
const close = fs.closeSync;
let watched;
fs.openSync = function (file, ...rest) {
  const fd = open.call(this, file, ...rest);
  if (typeof file === 'string' && path.resolve(file) === process.env.AVDSEC_TEST_FILE && watched === undefined) watched = fd;
  return fd;
};
fs.closeSync = function (fd) {
  close.call(this, fd);
  if (fd !== watched) return;
  watched = null;
  const file = process.env.AVDSEC_TEST_FILE;
  if (process.env.AVDSEC_TEST_LINK) {
    fs.rmSync(file);
    fs.symlinkSync(process.env.AVDSEC_TEST_LINK, file);
  } else fs.appendFileSync(file, '// edited meanwhile\n');
};
