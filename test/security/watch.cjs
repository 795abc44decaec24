// Preloaded into the CLI or the language server by test/security.test.ts (node --require): records every file the
// process opens, lists, writes, renames or deletes, every network and process call, and writes the record as JSON to
// AVDSEC_WATCH_LOG when the process exits. Network and process calls also fail, so that nothing leaves the machine.
const fs = require('fs');
const out = process.env.AVDSEC_WATCH_LOG;
const writeLog = fs.writeFileSync.bind(fs);
const log = [];
const record = (kind, op, target) => log.push({ kind, op, target: target === undefined ? '' : String(target) });

function wrap(obj, name, kind, describe) {
  const original = obj[name];
  if (typeof original !== 'function') return;
  obj[name] = function (...args) {
    const d = describe(...args);
    if (d) record(d.kind ?? kind, `${name}`, d.target);
    if (kind === 'network' || kind === 'process') throw new Error(`avdsec test: ${name} is not allowed`);
    return original.apply(this, args);
  };
}

const writeFlags = (flags) =>
  typeof flags === 'number'
    ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC)) !== 0
    : /[wa+]/.test(String(flags ?? 'r'));
const pathOf = (p) => (typeof p === 'number' ? undefined : p instanceof URL ? p.pathname : p);
const read = (p) => (pathOf(p) === undefined ? undefined : { target: pathOf(p) });

for (const name of ['readFileSync', 'readdirSync', 'opendirSync', 'createReadStream', 'readFile', 'readdir', 'opendir']) wrap(fs, name, 'read', read);
for (const name of ['statSync', 'lstatSync', 'existsSync', 'accessSync', 'realpathSync', 'stat', 'lstat', 'access', 'realpath']) wrap(fs, name, 'stat', read);
wrap(fs, 'openSync', 'read', (p, flags) => (pathOf(p) === undefined ? undefined : { kind: writeFlags(flags) ? 'write' : 'read', target: pathOf(p) }));
wrap(fs, 'open', 'read', (p, flags) => ({ kind: typeof flags === 'function' || !writeFlags(flags) ? 'read' : 'write', target: pathOf(p) }));
for (const name of [
  'writeFileSync',
  'appendFileSync',
  'createWriteStream',
  'writeFile',
  'appendFile',
  'mkdirSync',
  'mkdir',
  'rmSync',
  'rm',
  'unlinkSync',
  'unlink',
  'rmdirSync',
  'chmodSync',
  'truncateSync',
  'symlinkSync',
  'linkSync',
  'copyFileSync',
])
  wrap(fs, name, 'write', (p) => (pathOf(p) === undefined ? undefined : { target: pathOf(p) }));
wrap(fs, 'renameSync', 'write', (from, to) => ({ target: `${from} -> ${to}` }));
wrap(fs, 'rename', 'write', (from, to) => ({ target: `${from} -> ${to}` }));
for (const name of ['readFile', 'readdir', 'opendir', 'open']) wrap(fs.promises, name, 'read', read);
for (const name of ['writeFile', 'appendFile', 'mkdir', 'rm', 'unlink', 'rename']) wrap(fs.promises, name, 'write', (p) => ({ target: pathOf(p) }));

const net = require('net');
const describeAny = (...args) => ({ target: args.map((a) => (typeof a === 'object' ? JSON.stringify(a) : a)).join(' ') });
wrap(net.Socket.prototype, 'connect', 'network', describeAny);
for (const name of ['connect', 'createConnection', 'createServer']) wrap(net, name, 'network', describeAny);
for (const m of ['http', 'https']) for (const name of ['request', 'get', 'createServer']) wrap(require(m), name, 'network', describeAny);
wrap(require('tls'), 'connect', 'network', describeAny);
wrap(require('dgram'), 'createSocket', 'network', describeAny);
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) wrap(require('dns'), name, 'network', describeAny);
if (typeof globalThis.fetch === 'function') wrap(globalThis, 'fetch', 'network', describeAny);
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) wrap(require('child_process'), name, 'process', describeAny);
const vm = require('vm');
for (const name of ['runInNewContext', 'runInContext', 'runInThisContext', 'compileFunction']) wrap(vm, name, 'process', () => ({ target: 'vm' }));

process.on('exit', () => {
  if (out) writeLog(out, JSON.stringify(log));
});
