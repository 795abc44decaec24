import * as assert from 'node:assert/strict';
import { changeBetween, type TextChange } from '../server/src/engine/text-changes';

const apply = (text: string, c: TextChange) => text.slice(0, c.start) + c.newText + text.slice(c.oldEnd);

describe('the change between two texts (changeBetween)', () => {
  it('is the part between the common start and end', () => {
    assert.deepEqual(changeBetween('audiomode:i:0;', 'audiomode:i:2;'), { start: 12, oldEnd: 13, newText: '2' });
    assert.deepEqual(changeBetween('abc', 'abxc'), { start: 2, oldEnd: 2, newText: 'x' });
    assert.deepEqual(changeBetween('abxc', 'abc'), { start: 2, oldEnd: 3, newText: '' });
    assert.deepEqual(changeBetween('', 'new'), { start: 0, oldEnd: 0, newText: 'new' });
    assert.deepEqual(changeBetween('same', 'same'), { start: 4, oldEnd: 4, newText: '' });
  });

  it('never splits a CRLF', () => {
    // A line break typed before another: the common end must not start between \r and \n.
    const c = changeBetween('a\r\nb', 'a\r\n\r\nb');
    assert.equal(apply('a\r\nb', c), 'a\r\n\r\nb');
    for (const at of [c.start, c.oldEnd]) assert.ok(!('a\r\nb'[at - 1] === '\r' && 'a\r\nb'[at] === '\n'), `splits at ${at}`);
    const d = changeBetween('a\rb', 'a\r\nb');
    assert.equal(apply('a\rb', d), 'a\r\nb');
  });

  it('never splits a surrogate pair', () => {
    // U+1F600 and U+1F601 share their high surrogate, U+1F600 and U+2F600 their low one.
    for (const [before, after] of [
      ['x\u{1F600}y', 'x\u{1F601}y'],
      ['x\u{1F600}y', 'x\u{2F600}y'],
      ['x\uDC00y', 'x\u{1F400}y'],
    ]) {
      const c = changeBetween(before, after);
      assert.equal(apply(before, c), after);
      const high = (s: string, i: number) => i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff;
      assert.ok(!high(before, c.start) && !high(before, c.oldEnd), `${JSON.stringify(c)} splits a pair of ${JSON.stringify(before)}`);
      assert.ok(!high(after, c.start + c.newText.length), `${JSON.stringify(c)} splits a pair of ${JSON.stringify(after)}`);
    }
  });

  it('turns the one text into the other, whatever the texts', () => {
    const alphabet = ['a', 'b', '\r', '\n', '\u{1F600}', '\uD83D', '\uDE01'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const text = () => Array.from({ length: rand(8) }, () => alphabet[rand(alphabet.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const before = text();
      const after = rand(2) ? text() : before.slice(0, rand(before.length + 1)) + text() + before.slice(rand(before.length + 1));
      const c = changeBetween(before, after);
      assert.ok(0 <= c.start && c.start <= c.oldEnd && c.oldEnd <= before.length, JSON.stringify({ before, after, c }));
      assert.equal(apply(before, c), after, JSON.stringify({ before, after, c }));
    }
  });
});
