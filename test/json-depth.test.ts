import * as assert from 'node:assert/strict';
import { MAX_JSON_DEPTH, parseJson, prop } from '../server/src/engine/adapters/arm/json';

describe('ARM JSON nested too deeply', () => {
  const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('reads JSON up to the limit, and from there on reports where the limit is crossed (brackets in strings and comments do not count), keeping what follows', () => {
    assert.deepEqual(parseJson(`{ "a": ${nested(MAX_JSON_DEPTH - 1)}, "b": 1 }`).errors, []);
    const text = `{ "a": ${nested(MAX_JSON_DEPTH)}, "b": 1, "c": ${nested(5_500)}, "d": "x" }`;
    const { root, errors } = parseJson(text);
    const at = (i: number) => ({ start: i, end: i + 1 });
    const first = text.indexOf('[') + MAX_JSON_DEPTH - 1;
    const second = text.indexOf('[', text.indexOf('"c"')) + MAX_JSON_DEPTH - 1;
    assert.deepEqual(errors, [
      { message: `Nested too deeply (more than ${MAX_JSON_DEPTH} levels); this value was not read (JSON)`, range: at(first) },
      { message: `Nested too deeply (more than ${MAX_JSON_DEPTH} levels); this value was not read (JSON)`, range: at(second) },
    ]);
    assert.equal(prop(root, 'b')?.value, 1);
    assert.equal(prop(root, 'd')?.value, 'x');
    // Offsets are those of the text.
    assert.equal(text.slice(prop(root, 'd')!.offset, prop(root, 'd')!.offset + 3), '"x"');
    // Brackets in strings and comments do not count.
    const quoted = `{ "a": "${'['.repeat(3000)}", // ${'{'.repeat(3000)}\n "b": /* ${'['.repeat(3000)} */ 1, "c": "\\"${'['.repeat(3000)}", "d": ${nested(1_200)} }`;
    const parsed = parseJson(quoted);
    assert.deepEqual(
      parsed.errors.map((e) => e.range.start),
      [quoted.indexOf('[', quoted.indexOf('"d"')) + MAX_JSON_DEPTH - 1],
    );
    assert.equal(prop(parsed.root, 'b')?.value, 1);
  });

  it('keeps the syntax errors before an unclosed value that opens too deep, in order', () => {
    const text = `{ "a": 1,, "b": ${'{"x":'.repeat(100_000)}`;
    const { root, errors } = parseJson(text);
    assert.deepEqual(
      errors.slice(0, 3).map((e) => e.message.replace(/ \(.*$/, '')),
      ['Property name expected', 'Value expected', 'Nested too deeply'],
    );
    assert.equal(prop(root, 'a')?.value, 1);
  });
});
