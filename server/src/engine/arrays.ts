/**
 * Appends items to an array. `into.push(...items)` passes every item as an argument, and more than about 100,000
 * arguments overflow the stack: a template can hold arrays and strings of that many pieces.
 */
export function pushAll<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}

/** Adds `value` to the list `map` keeps under `key`, starting the list when there is none. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
