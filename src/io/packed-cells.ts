/**
 * A short cell's bytes packed in one number, so the fast paths (wide: fast-long.ts, long: long-fast.ts) look up a
 * value's points without making a string per cell.
 */

/** the most bytes a packed cell may have: 1, then a byte each, stays below 2^53 */
export const MAX_PACKED_BYTES = 6;

/** bytes[a, b) (at most MAX_PACKED_BYTES) as a number ≥ 1; different bytes give different numbers */
export function packCell(bytes: Uint8Array, a: number, b: number): number {
  let code = 1;
  for (let p = a; p < b; p++) code = code * 256 + bytes[p]!;
  return code;
}
