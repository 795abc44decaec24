/**
 * Appends items to an array. `into.push(...items)` passes every item as an argument, and more than about 100,000
 * arguments overflow the stack: a template can hold arrays and strings of that many pieces.
 */
export function pushAll<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}
