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
 * An Interner for many distinct strings (subjects): an open-addressing table of typed arrays holding each
 * string's 30-bit hash and number, so a lookup compares hashes in one array and reads a string only when its
 * hash matches (a Map of 100,000 strings costs about 1 µs a new string in a large process, mostly cache misses).
 */
export class ManyStrings {
  readonly values: string[] = [];
  /** per slot: number + 1 of the string there (0: empty), and its hash */
  private ids = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  id(s: string): number {
    const h = hashOf(s);
    const mask = this.ids.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.ids[slot]!;
      if (id === 0) {
        const k = this.values.push(s) - 1;
        this.ids[slot] = k + 1;
        this.hashes[slot] = h;
        // at most half full, so probes stay short
        if (2 * this.values.length > this.ids.length) this.grow();
        return k;
      }
      if (this.hashes[slot] === h && this.values[id - 1] === s) return id - 1;
    }
  }
  /** the string's number, NONE when it has none */
  find(s: string): number {
    const h = hashOf(s);
    const mask = this.ids.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.ids[slot]!;
      if (id === 0) return NONE;
      if (this.hashes[slot] === h && this.values[id - 1] === s) return id - 1;
    }
  }
  private grow(): void {
    const ids = this.ids;
    const hashes = this.hashes;
    this.ids = new Int32Array(ids.length * 2);
    this.hashes = new Int32Array(ids.length * 2);
    const mask = this.ids.length - 1;
    for (let j = 0; j < ids.length; j++) {
      if (ids[j] === 0) continue;
      let slot = hashes[j]! & mask;
      while (this.ids[slot] !== 0) slot = (slot + 1) & mask;
      this.ids[slot] = ids[j]!;
      this.hashes[slot] = hashes[j]!;
    }
  }
}

/** FNV-1a over the UTF-16 code units, to 30 bits */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h & 0x3fffffff;
}

/**
 * A growable column of numbers in blocks of typed arrays: memory grows with the data, never by copying it into
 * one twice as large (which would hold both at once).
 */
export class NumberColumn {
  private readonly blocks: (Int32Array | Float64Array)[] = [];
  constructor(private readonly make: (n: number) => Int32Array | Float64Array) {}
  get(i: number): number {
    return entryOf(this.blocks, i);
  }
  set(i: number, x: number): void {
    const b = blockOf(i);
    if (b === this.blocks.length) this.blocks.push(this.make(blockSize(b)));
    this.blocks[b]![i - blockStart(b)] = x;
  }
}

// Blocks of a column grow from 2^12 entries, doubling, to 2^18, then stay at 2^18: a small collector stays small,
// and a large one allocates few blocks (each allocation of outside memory brings the next full GC nearer).
const FIRST_BITS = 12;
const LAST_BITS = 18;
/** blocks that double, and the entries they hold together */
const GROWING = LAST_BITS - FIRST_BITS + 1;
const GROWN = (1 << FIRST_BITS) * ((1 << GROWING) - 1);

/** the block entry i is in (entries are numbered from 0 up across blocks) */
export const blockOf = (i: number): number => (i < GROWN ? 31 - Math.clz32((i >>> FIRST_BITS) + 1) : GROWING + ((i - GROWN) >>> LAST_BITS));
/** the number of block b's first entry */
export const blockStart = (b: number): number => (b < GROWING ? (1 << FIRST_BITS) * ((1 << b) - 1) : GROWN + (b - GROWING) * (1 << LAST_BITS));
/** entry i of columns in such blocks */
export function entryOf(blocks: readonly (Int32Array | Float64Array)[], i: number): number {
  const b = blockOf(i);
  return blocks[b]![i - blockStart(b)]!;
}
/** the entries block b holds */
export const blockSize = (b: number): number => (b < GROWING ? 1 << (FIRST_BITS + b) : 1 << LAST_BITS);

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
