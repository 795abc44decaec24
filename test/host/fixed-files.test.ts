import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeText, encodeText } from '../../server/src/host/encoding';
import { resolveRoots, type ScanRoot, writeFixedFile } from '../../server/src/host/fixed-files';
import { tempTree } from '../cli/run';
import { FIXTURES } from '../harness/engine';
import { parseMarkers } from '../harness/markers';

const READ = 'param a = 1\n';
const FIXED = 'param a = 2\n';
const CASE = path.join(FIXTURES, 'rules', 'host-pool-sso-disabled', 'bicep-bom-unicode');
/** A fixture with text outside the BMP, and the text its preferred fixes make of it (byte order marks dropped). */
const BAD = parseMarkers(fs.readFileSync(path.join(CASE, 'main.bicep'), 'utf8')).text.replace(/^\ufeff/, '');
const GOOD = fs.readFileSync(path.join(CASE, 'main.fixed.bicep'), 'utf8').replace(/^\ufeff/, '');

/** A scanned folder `root` (with `root/main.bicep`) and a folder beside it that the scan was not given. */
function workspace(): { dir: string; root: string; file: string; roots: ScanRoot[]; outside: string } {
  const dir = tempTree({ 'root/main.bicep': READ, 'outside/secret.bicep': 'secret\n' });
  const root = path.join(dir, 'root');
  return { dir, root, file: path.join(root, 'main.bicep'), roots: resolveRoots(['root'], dir), outside: path.join(dir, 'outside', 'secret.bicep') };
}

const refused = (message: RegExp) => (r: ReturnType<typeof writeFixedFile>) => !r.ok && message.test(r.message);

describe('host: writing fixed files', () => {
  it('replaces the file with a new one renamed over it, and leaves nothing else in the folder', () => {
    const { root, file, roots } = workspace();
    const before = fs.statSync(file).ino;
    assert.deepEqual(writeFixedFile(file, READ, FIXED, roots), { ok: true });
    assert.equal(fs.readFileSync(file, 'utf8'), FIXED);
    assert.notEqual(fs.statSync(file).ino, before, 'a new file, not the old one truncated');
    assert.deepEqual(fs.readdirSync(root), ['main.bicep']);
  });

  for (const mode of [0o600, 0o666, 0o750]) {
    it(`keeps the file's mode ${mode.toString(8)}, whatever the umask`, () => {
      const { file, roots } = workspace();
      fs.chmodSync(file, mode);
      const umask = process.umask(0o077);
      try {
        assert.deepEqual(writeFixedFile(file, READ, FIXED, roots), { ok: true });
      } finally {
        process.umask(umask);
      }
      assert.equal(fs.statSync(file).mode & 0o7777, mode);
    });
  }

  it('leaves a file edited since it was read as it is', () => {
    const { root, file, roots } = workspace();
    fs.writeFileSync(file, 'param a = 3\n');
    assert.ok(refused(/^changed since it was read; not fixed$/)(writeFixedFile(file, READ, FIXED, roots)));
    assert.equal(fs.readFileSync(file, 'utf8'), 'param a = 3\n');
    assert.deepEqual(fs.readdirSync(root), ['main.bicep']);
  });

  it('does not write through a symbolic link swapped in for the file, even one to a file with the text read', () => {
    const { file, roots, outside } = workspace();
    fs.writeFileSync(outside, READ);
    fs.rmSync(file);
    fs.symlinkSync(outside, file);
    assert.ok(refused(/^reached through a symbolic link that leads outside the scanned folders; not fixed$/)(writeFixedFile(file, READ, FIXED, roots)));
    assert.equal(fs.readFileSync(outside, 'utf8'), READ);
    assert.ok(fs.lstatSync(file).isSymbolicLink());
  });

  it('does not write through a folder swapped for a symbolic link, nor through a link inside the scanned folder', () => {
    const { dir, root, roots } = workspace();
    fs.mkdirSync(path.join(root, 'sub'));
    fs.writeFileSync(path.join(dir, 'outside', 'main.bicep'), READ);
    fs.rmSync(path.join(root, 'sub'), { recursive: true });
    fs.symlinkSync(path.join(dir, 'outside'), path.join(root, 'sub'));
    assert.ok(refused(/^reached through a symbolic link that leads outside/)(writeFixedFile(path.join(root, 'sub', 'main.bicep'), READ, FIXED, roots)));
    assert.equal(fs.readFileSync(path.join(dir, 'outside', 'main.bicep'), 'utf8'), READ);

    fs.symlinkSync(path.join(root, 'main.bicep'), path.join(root, 'alias.bicep'));
    assert.ok(refused(/^reached through a symbolic link; not fixed$/)(writeFixedFile(path.join(root, 'alias.bicep'), READ, FIXED, roots)));
    assert.equal(fs.readFileSync(path.join(root, 'main.bicep'), 'utf8'), READ);
  });

  it('writes only inside the roots: a folder given, or a file given by itself', () => {
    const { dir, file, outside } = workspace();
    fs.writeFileSync(outside, READ);
    const fileRoot = resolveRoots([path.join('root', 'main.bicep')], dir);
    assert.ok(refused(/^outside the scanned folders; not fixed$/)(writeFixedFile(outside, READ, FIXED, fileRoot)));
    assert.ok(refused(/^outside the scanned folders; not fixed$/)(writeFixedFile(outside, READ, FIXED, resolveRoots(['root'], dir))));
    assert.equal(fs.readFileSync(outside, 'utf8'), READ);
    assert.deepEqual(writeFixedFile(file, READ, FIXED, fileRoot), { ok: true });
    assert.equal(fs.readFileSync(file, 'utf8'), FIXED);
  });

  it('writes the file a root named by a symbolic link leads to, and keeps the link', () => {
    const { dir, root } = workspace();
    fs.symlinkSync(root, path.join(dir, 'link'));
    const roots = resolveRoots(['link'], dir);
    assert.deepEqual(writeFixedFile(path.join(dir, 'link', 'main.bicep'), READ, FIXED, roots), { ok: true });
    assert.equal(fs.readFileSync(path.join(root, 'main.bicep'), 'utf8'), FIXED);
    assert.ok(fs.lstatSync(path.join(dir, 'link')).isSymbolicLink());
  });

  it('refuses what is no regular file any more, and a file whose bytes its text cannot hold', () => {
    const { root, file, roots } = workspace();
    fs.rmSync(file);
    fs.mkdirSync(file);
    assert.ok(refused(/^no longer a regular file; not fixed$/)(writeFixedFile(file, READ, FIXED, roots)));
    const invalid = path.join(root, 'latin1.bicep');
    const bytes = Buffer.from('param caf\xe9 = 1\n', 'latin1');
    fs.writeFileSync(invalid, bytes);
    assert.ok(refused(/^not valid UTF-8; not fixed/)(writeFixedFile(invalid, decodeText(bytes).text, FIXED, roots)));
    assert.deepEqual(fs.readFileSync(invalid), bytes);
  });

  it('reports a failed write, keeps the file as it was and removes the temporary file', () => {
    const { root, file, roots } = workspace();
    // The module object itself: the writer's `import * as fs` reads its properties when called.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object, not a namespace copy of it
    const nodeFs = require('node:fs') as typeof fs;
    const rename = nodeFs.renameSync;
    nodeFs.renameSync = () => {
      throw new Error('EXDEV: simulated');
    };
    try {
      assert.ok(refused(/^write failed: EXDEV: simulated; not fixed$/)(writeFixedFile(file, READ, FIXED, roots)));
    } finally {
      nodeFs.renameSync = rename;
    }
    assert.equal(fs.readFileSync(file, 'utf8'), READ);
    assert.deepEqual(fs.readdirSync(root), ['main.bicep']);
  });

  for (const encoding of ['utf16le', 'utf16be', 'utf8bom'] as const) {
    it(`writes a ${encoding} file back in ${encoding}, with its byte order mark (a fixture and its fixed twin)`, () => {
      const { root, roots } = workspace();
      const file = path.join(root, 'unicode.bicep');
      fs.writeFileSync(file, encodeText(BAD.replace(/\n/g, '\r\n'), encoding));
      assert.deepEqual(writeFixedFile(file, BAD.replace(/\n/g, '\r\n'), GOOD.replace(/\n/g, '\r\n'), roots), { ok: true });
      assert.deepEqual(fs.readFileSync(file), encodeText(GOOD.replace(/\n/g, '\r\n'), encoding));
    });
  }
});
