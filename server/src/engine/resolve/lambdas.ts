import type { ObjectEntry, Range, Value } from '../model';
import { knownBoolean, knownString, relocate, tooManyItems, unknown } from '../values';

/** A lambda argument: its body's value with its parameters bound to `values`, within `iterations` loop turns. */
export type AppliedLambda = (values: Value[], iterations: number) => Value;

/** A call of a function that takes a lambda, its arguments as each language reads them. */
export interface LambdaCall {
  /** The function's name, lower-case. */
  name: string;
  /** The list it goes over. */
  list: Value | undefined;
  /** `reduce`'s first value. */
  initial: () => Value;
  /** The arguments that are lambdas, by position. */
  lambdas: (AppliedLambda | undefined)[];
  /** How many arguments the call writes. */
  argCount: number;
  /** The loop turns left to the expression (MAX_ITERATIONS): the items share them, as a loop's do. */
  iterations: number;
  range: Range;
}

/**
 * `map`, `filter`, `reduce` and `toObject` over a known list: the lambda's body once per item, with its parameters
 * bound to the item and its index (or the value so far, for `reduce`). Bicep's lambdas and ARM's `lambda()`, which
 * Bicep compiles them to, read the same. Other functions that take a lambda (`sort`, `groupBy`, ...) are unknown.
 */
export function callWithLambda(c: LambdaCall): Value {
  const { name, list, lambdas, range } = c;
  const f = lambdas[name === 'reduce' ? 2 : 1];
  if (!f || !list || list.kind !== 'array' || list.open || !LAMBDA_FUNCTIONS.has(name)) return unknown(range, `${name}(…)`);
  const items = list.items;
  if (items.length > c.iterations) return tooManyItems(range);
  const each = Math.floor(c.iterations / Math.max(1, items.length));
  const index = (i: number, at: Value): Value => ({ kind: 'number', value: i, range: at.range });
  switch (name) {
    case 'map':
      return { kind: 'array', items: items.map((x, i) => f([x, index(i, x)], each)), range };
    case 'filter': {
      const kept: Value[] = [];
      for (let i = 0; i < items.length; i++) {
        const keep = knownBoolean(f([items[i], index(i, items[i])], each));
        // The items kept so far are the list's first ones; whether this one is kept is not known.
        if (keep === undefined) return { kind: 'array', items: kept, open: true, range };
        if (keep) kept.push(items[i]);
      }
      return { kind: 'array', items: kept, range };
    }
    case 'reduce': {
      let acc = c.initial();
      items.forEach((x, i) => (acc = f([acc, x, index(i, x)], each)));
      return relocate(acc, range);
    }
    default: {
      // toObject(list, item => key, item => value): the item itself when no value lambda is given.
      const valueOf = lambdas[2];
      if (c.argCount > 2 && !valueOf) return unknown(range, `${name}(…)`);
      const entries: ObjectEntry[] = [];
      for (const x of items) {
        const key = knownString(f([x], each));
        if (key === undefined) return { kind: 'object', entries, open: true, range };
        entries.push({ key, keyRange: x.range, value: valueOf ? valueOf([x], each) : x });
      }
      return { kind: 'object', entries, range };
    }
  }
}

const LAMBDA_FUNCTIONS: ReadonlySet<string> = new Set(['map', 'filter', 'reduce', 'toobject']);
