/** Compact storage for collectors that reduce results as they are read: interned values and columns of numbers. */

/** Strings seen many times (subjects, dates, forms, phases) kept once and referred to by number. */
export class Interner<T> {
  private readonly index = new Map<string, number>();
  readonly values: T[] = [];
  id(key: string, value: T): number {
    let k = this.index.get(key);
    if (k === undefined) {
      k = this.values.length;
      this.values.push(value);
      this.index.set(key, k);
    }
    return k;
  }
}

/**
 * An Interner for many distinct strings (subjects): found by a 30-bit hash of the text first, a small integer
 * key, which a Map compares without reading the strings it holds; a hash taken by another string sends a string
 * to a second Map by its text.
 */
export class ManyStrings {
  private readonly byHash = new Map<number, number>();
  private readonly collided = new Map<string, number>();
  readonly values: string[] = [];
  id(s: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    h &= 0x3fffffff;
    const k = this.byHash.get(h);
    if (k === undefined) {
      // a string in `collided` found its hash taken, and hashes stay taken: a hash not seen is a new string
      this.byHash.set(h, this.values.length);
      return this.values.push(s) - 1;
    }
    if (this.values[k] === s) return k;
    const c = this.collided.get(s);
    if (c !== undefined) return c;
    this.collided.set(s, this.values.length);
    return this.values.push(s) - 1;
  }
}

/**
 * A growable column of numbers in blocks of typed arrays: memory grows with the data, never by copying it into
 * one twice as large (which would hold both at once).
 */
export class NumberColumn {
  private readonly blocks: (Int32Array | Float64Array)[] = [];
  constructor(private readonly make: (n: number) => Int32Array | Float64Array) {}
  get(i: number): number {
    return this.blocks[i >>> BLOCK_BITS]![i & BLOCK_MASK]!;
  }
  set(i: number, x: number): void {
    const b = i >>> BLOCK_BITS;
    if (b === this.blocks.length) this.blocks.push(this.make(1 << BLOCK_BITS));
    this.blocks[b]![i & BLOCK_MASK] = x;
  }
}

const BLOCK_BITS = 16;
const BLOCK_MASK = (1 << BLOCK_BITS) - 1;
export const int32 = (n: number) => new Int32Array(n);

/** No entry: the ends of an empty chain, a point without a band. */
export const NONE = -1;

/** The ends of one list of points (a series, a rater's family) chained through a shared `next` column. */
export interface Chain {
  first: number;
  last: number;
}

/** Appends point i at the end of `chain`; read a chain back with `for (i = first; i !== NONE; i = next.get(i))`. */
export function append(next: NumberColumn, chain: Chain, i: number): void {
  next.set(i, NONE);
  if (chain.last === NONE) chain.first = i;
  else next.set(chain.last, i);
  chain.last = i;
}
