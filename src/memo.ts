/**
 * Bounded memos of pure functions (a cell's points, a date's text, a decimal sum's clean form). Files repeat few
 * distinct values, so a memo that is simply emptied when full keeps memory bounded without tracking use.
 */

/** Sets `key` to `value` in `memo`, emptying it first when it holds `limit` entries; returns `value`. */
export function remember<K, V>(memo: Map<K, V>, key: K, value: V, limit: number): V {
  if (memo.size >= limit) memo.clear();
  memo.set(key, value);
  return value;
}
