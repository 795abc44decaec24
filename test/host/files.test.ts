import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeText, type FileEncoding } from '../../server/src/host/encoding';
import { readSourceFile } from '../../server/src/host/files';
import { readRegularFile } from '../../server/src/host/regular-files';
import { tempTree } from '../cli/run';

describe('host: reading files from a repository under review', () => {
  it('reads only regular files, without blocking on a FIFO or opening a device', () => {
    const dir = tempTree({ 'a.json': '{}' });
    execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
    const reason = (f: string) => {
      const r = readRegularFile(f, 1024);
      return r.ok ? r.bytes.toString() : r.reason;
    };
    assert.equal(reason(path.join(dir, 'a.json')), '{}');
    assert.equal(reason(path.join(dir, 'fifo.json')), 'not a regular file (FIFO)');
    assert.equal(reason('/dev/zero'), 'not a regular file (character device)');
    assert.equal(reason(dir), 'not a regular file (folder)');
    assert.equal(reason(path.join(dir, 'missing.json')), 'no such file');
  });

  it('refuses a file over the limit from its size, and one whose size says nothing (/proc) after limit + 1 bytes', () => {
    const dir = tempTree({ 'big.json': 'x'.repeat(2000) });
    const big = readRegularFile(path.join(dir, 'big.json'), 1024);
    assert.ok(!big.ok && big.reason === 'over the 1 KB limit' && big.tooLarge?.size === 2000 && big.tooLarge.head.length === 2000);
    // /proc files have a size of 0 and content all the same.
    const proc = readRegularFile('/proc/self/status', 16);
    assert.ok(!proc.ok && proc.reason === 'over the 16 bytes limit' && proc.tooLarge?.size === 17, JSON.stringify(proc));
    assert.ok(readRegularFile('/proc/self/status', 1024 * 1024).ok);
  });

  it('decodes source files in each encoding and says which, for a fix to keep it; UTF-16 is no binary file', () => {
    const text = "param location string = 'westeurope' // é😀\r\n";
    for (const encoding of ['utf8', 'utf8bom', 'utf16le', 'utf16be'] as FileEncoding[]) {
      const dir = tempTree({ 'main.bicep': encodeText(text, encoding) });
      assert.deepEqual(readSourceFile(path.join(dir, 'main.bicep')), { ok: true, text, encoding });
    }
    const binary = tempTree({ 'main.bicep': Buffer.from('param x string\u0000') });
    assert.deepEqual(readSourceFile(path.join(binary, 'main.bicep')), { ok: false, message: 'binary file (NUL bytes); skipped', binary: true });
  });

  it('tells whether a UTF-16 file too large to read starts like a template', () => {
    const template = '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [] }';
    const dir = tempTree({ 'big.json': encodeText(template.padEnd(4000), 'utf16le'), 'data.json': encodeText('{ "items": [] }'.padEnd(4000), 'utf16le') });
    const big = readSourceFile(path.join(dir, 'big.json'), 0.001);
    assert.ok(!big.ok && big.tooLarge && big.isSource, JSON.stringify(big));
    const data = readSourceFile(path.join(dir, 'data.json'), 0.001);
    assert.ok(!data.ok && data.tooLarge && !data.isSource, JSON.stringify(data));
  });

  it('reads through a symlink what a symlink names', () => {
    const dir = tempTree({ 'main.bicep': 'param x string\n' });
    fs.symlinkSync('main.bicep', path.join(dir, 'link.bicep'));
    assert.deepEqual(readSourceFile(path.join(dir, 'link.bicep')), { ok: true, text: 'param x string\n', encoding: 'utf8' });
  });
});
