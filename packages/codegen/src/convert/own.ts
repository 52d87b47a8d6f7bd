/**
 * `table[key]` when `key` is the table's own entry. Keys come from configs, and a plain lookup of
 * `constructor` or `toString` finds Object.prototype's function instead of nothing.
 */
export function ownValue<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
