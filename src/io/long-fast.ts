/**
 * Long input (one response per row) on the byte-level fast path. A line without quotes whose cells read plainly
 * (no issue, cellValue and readMeta give them back as they are) and whose item belongs to an instrument that
 * compileFastScorer takes is held here in compact form instead of longReader's objects: per open administration
 * a pooled slot with its first line's bytes and, per item, the row, the value's bytes packed in a number and its
 * points. No object or string is made per row; one key string per administration, which longReader needs to
 * keep the order, the window and the administrations handed on (begin()).
 *
 * Any other line goes to longReader, which first turns the administration it belongs to (if held here) into the
 * form it would have built from the same rows, in the same place of the order. So a line that repeats an item,
 * comes after its administration was handed on, or gives other grouping values is longReader's to report, and
 * the issues and their order are the full path's. When an administration held here is handed on, the compiled
 * scorer writes its long CSV lines; what it declines (all items blank, a form it cannot choose, values it does
 * not score) is handed to the full path in the general form.
 */
import { remember } from "../memo.js";
import { MAX_PACKED_BYTES, packCell } from "./packed-cells.js";
import { compileFastScorer, fastFormRule, type FastScorer } from "../scoring/fast.js";
import type { Issue } from "../schema/results.js";
import { csvCell } from "./csv.js";
import { copyBytes, LineBytes, plain, splitFields } from "./fast-long.js";
import { isoDateBytesState, type CompactAdministration, type CompactStore, type Plan, type ReadOptions } from "./rows.js";

/** An instrument whose rows are held here: its scorer(s) and item ids */
interface Entry {
  index: number;
  id: string;
  idBytes: Buffer;
  /** the scorer (from birth_date on, for a birth-relative form rule) and the one before birth_date */
  scorer: FastScorer;
  before: FastScorer | null;
  items: readonly string[];
  itemBytes: Buffer[];
  /** per item: packed value bytes → points (NaN: not plain points) */
  memo: Map<number, number>[];
  /** the item of the last row, so that the next item is tried first */
  lastItem: number;
}

/** the packed code of an empty value */
const BLANK = 0;
const MEMO_SIZE = 10_000;
const MAX_INSTRUMENT_NAMES = 256;

/** Printable ASCII without " , ; (possibly empty): cellValue and readMeta's text columns take it as it is. */
function metaPlain(s: Uint8Array, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s[i]!;
    if (c < 33 || c > 126 || c === 34 || c === 44 || c === 59) return false;
  }
  return true;
}

/** an age_months cell readMeta takes without an issue: digits, then perhaps a point and digits (at most 15 each) */
function plainAge(s: Uint8Array, a: number, b: number): boolean {
  let i = a;
  while (i < b && s[i]! >= 48 && s[i]! <= 57) i++;
  if (i === a || i - a > 15) return false;
  if (i === b) return true;
  if (s[i] !== 46) return false;
  const f = ++i;
  while (i < b && s[i]! >= 48 && s[i]! <= 57) i++;
  return i === b && i > f && i - f <= 15;
}

/** FNV-1a's low bits depend on the low bits alone: mixed (murmur3's finish) and kept a small integer */
const mix = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x3fffffff;
};


const same = (x: Uint8Array, a: number, b: number, y: Uint8Array, c: number, d: number): boolean => {
  if (b - a !== d - c) return false;
  for (let i = 0; i < b - a; i++) if (x[a + i] !== y[c + i]) return false;
  return true;
};

/** what line() did with a row */
export const DECLINED = 0;
export const TAKEN = 1;
export const OPENED = 2;
export type Taken = typeof DECLINED | typeof TAKEN | typeof OPENED;

export interface FastLongInput extends CompactStore {
  /** longReader's begin() and known(), given once both exist */
  attach(reader: { begin(slot: number): number; known(key: string): boolean }): void;
  /**
   * A row given as a line without quotes, UTF-8 bytes[start, end) (StreamHandlers.onLine): TAKEN (no issue),
   * OPENED when it began an administration (longReader may hand on another now), or DECLINED: read it by longReader.
   */
  line(bytes: Buffer, start: number, end: number, replacementSeen: boolean, row: number): Taken;
  /**
   * Scores a handed-on slot: true, its long CSV lines gathered and its issues in `issues`, and the slot freed;
   * false: score it by the full path (longReader's general()).
   */
  score(slot: number): boolean;
  /** the issues of the administration last scored (missing items), to hand on in this order */
  readonly issues: Issue[];
  /** bytes gathered and not yet taken */
  readonly pending: number;
  /** the gathered text as UTF-8, which is then cleared: the bytes are valid only until the next score() */
  take(): Uint8Array;
}

export function fastLongInput(plan: Plan, opts: ReadOptions): FastLongInput {
  const { nColumns, names } = plan;
  const iSubject = plan.meta.subject_id ?? -1;
  const iDate = plan.meta.administered_on ?? -1;
  const iResp = plan.meta.respondent ?? -1;
  const iBirth = plan.meta.birth_date ?? -1;
  const iAge = plan.meta.age_months ?? -1;
  const iInst = names.indexOf("instrument");
  const iItem = names.indexOf("item");
  const iValue = names.indexOf("value");
  const delimiter = opts.delimiter;
  const delimCode = delimiter.charCodeAt(0);
  const file = opts.file;
  const usable = iSubject >= 0 && iDate >= 0 && iInst >= 0 && iItem >= 0 && iValue >= 0;
  // cells that must be empty: a value under no header, a form given (chosen by the full path), a sex or
  // certification code (read and checked by the full path)
  const mustBeEmpty = [...plan.unnamed, plan.meta.form, plan.meta.sex, plan.meta.coder_certified].filter((i): i is number => i !== undefined);
  // text read as it is (empty or plain)
  const textCols = [plan.meta.phase, plan.meta.gestational_weeks, plan.meta.coder_id, ...plan.extras.map((e) => e.index)].filter((i): i is number => i !== undefined);
  // an administration's cells other than its key and its items: the same on each of its rows
  const longCols = new Set([iSubject, iDate, iResp, iInst, iItem, iValue]);
  const keyCols = Int32Array.from([iInst, iSubject, iDate, iResp].filter((i) => i >= 0));
  /** n when subject, date and respondent are the first n columns, else 0 */
  const keyFirst = ((n) => ([iSubject, iDate, iResp].filter((i) => i >= 0 && i < n).length === n ? n : 0))(iResp < 0 ? 2 : 3);
  const sameCols = Int32Array.from(names.keys()).filter((i) => !longCols.has(i));

  // ---------------------------------------------------------------- instruments
  const entries: Entry[] = [];
  const byName = new Map<string, Entry | null>();
  const entryFor = (id: string): Entry | null => {
    const { registry } = opts;
    if (!registry.has(id) || (opts.instrument !== undefined && id !== opts.instrument)) return null;
    const inst = registry.get(id);
    // a blank cell is a missing item here, not a code with points
    if ([...inst.items.values()].some((it) => it.format.kind === "codes" && it.format.blank !== undefined)) return null;
    const rule = fastFormRule(inst);
    const names = inst.columns;
    let scorer: FastScorer | null;
    let before: FastScorer | null = null;
    if (rule) {
      scorer = compileFastScorer(inst, names, csvCell, rule.fromBirth);
      before = compileFastScorer(inst, names, csvCell, rule.beforeBirth);
      if (before === null || scorer === null || before.items.join(",") !== scorer.items.join(",")) return null;
    } else scorer = compileFastScorer(inst, names, csvCell);
    if (scorer === null) return null;
    const e: Entry = { index: entries.length, id, idBytes: Buffer.from(id, "latin1"), scorer, before, items: scorer.items, itemBytes: scorer.items.map((it) => Buffer.from(it, "utf8")), memo: scorer.items.map(() => new Map()), lastItem: -1 };
    entries.push(e);
    return e;
  };
  let lastEntry: Entry | null = null;
  /** the instrument of instrument cell bytes[a, b), if its rows are held here */
  const instrument = (bytes: Buffer, a: number, b: number): Entry | null => {
    if (lastEntry !== null && same(bytes, a, b, lastEntry.idBytes, 0, lastEntry.idBytes.length)) return lastEntry;
    for (let j = 0; j < entries.length; j++) if (same(bytes, a, b, entries[j]!.idBytes, 0, entries[j]!.idBytes.length)) return (lastEntry = entries[j]!);
    if (!plain(bytes, a, b)) return null;
    const id = bytes.toString("latin1", a, b);
    let e = byName.get(id);
    if (e === undefined) {
      e = entryFor(id);
      if (byName.size < MAX_INSTRUMENT_NAMES) byName.set(id, e);
    }
    if (e !== null) lastEntry = e;
    return e;
  };
  /** the item of item cell bytes[a, b) in e, or -1 */
  const itemOf = (e: Entry, bytes: Buffer, a: number, b: number): number => {
    const n = e.items.length;
    const guess = e.lastItem + 1 < n ? e.lastItem + 1 : 0;
    const ib = e.itemBytes;
    if (same(bytes, a, b, ib[guess]!, 0, ib[guess]!.length)) return (e.lastItem = guess);
    for (let i = 0; i < n; i++) if (same(bytes, a, b, ib[i]!, 0, ib[i]!.length)) return (e.lastItem = i);
    return -1;
  };
  /** points of value cell bytes[a, b) (packed as `code`) for item i, NaN when the full path must read it */
  const pointsOf = (e: Entry, i: number, code: number, bytes: Buffer, a: number, b: number): number => {
    const m = e.memo[i]!;
    let v = m.get(code);
    if (v === undefined) {
      const s = e.scorer;
      v = NaN;
      if (s.intItem[i] === 1) {
        // plain digits, as scoreAdministration's own integer shortcut reads them
        let x = 0;
        let ok = true;
        for (let j = a; j < b && ok; j++) {
          const c = bytes[j]! - 48;
          if (c < 0 || c > 9) ok = false;
          x = x * 10 + c;
        }
        if (ok && x >= s.min[i]! && x <= s.max[i]!) v = x;
      } else if (s.parse(i, bytes.toString("latin1", a, b))) v = s.points[i]!;
      remember(m, code, v, MEMO_SIZE);
    }
    return v;
  };

  // ---------------------------------------------------------------- slots
  let cap = 0;
  let lines: Buffer[] = [];
  let lineLen = new Int32Array(0);
  /** cell k of slot s's first line is lines[s][cs[s * nColumns + k], ce[s * nColumns + k]) */
  let cs = new Int32Array(0);
  let ce = new Int32Array(0);
  let slotEntry = new Int32Array(0);
  let firstRow = new Float64Array(0);
  let lastRowOf = new Float64Array(0);
  let hashOf = new Int32Array(0);
  let next = new Int32Array(0);
  let nItems = new Int32Array(0);
  /** each slot's place in longReader's order */
  let position = new Float64Array(0);
  /** per slot and item: its row (0: no row yet), value code, points; and the items in the order of their rows */
  // (item i of slot s at s * stride + i; stride: the most items of an instrument held here)
  let stride = 0;
  let itemRow = new Float64Array(0);
  let itemCode = new Float64Array(0);
  let itemPoints = new Float64Array(0);
  let itemOrder = new Uint16Array(0);
  /** the item arrays for `slots` slots of `k` items, the slots' items kept */
  const itemLayout = (slots: number, k: number) => {
    const moved = <T extends Float64Array | Uint16Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(slots * k);
      for (let s = 0; s < cap; s++) for (let i = 0; i < stride; i++) b[s * k + i] = a[s * stride + i]!;
      return b;
    };
    itemRow = moved(itemRow);
    itemCode = moved(itemCode);
    itemPoints = moved(itemPoints);
    itemOrder = moved(itemOrder);
    stride = k;
  };
  const free: number[] = [];
  /** open slots by the hash of their key: the first slot + 1 of each bucket (chained by `next`), 2 buckets a slot */
  let heads = new Int32Array(128);
  /** 1 for an open slot */
  let attached = new Uint8Array(0);
  let size = 0;
  let lastSlot = -1;
  const grow = () => {
    const c = Math.max(64, cap * 2);
    const more = <T extends Int32Array | Float64Array>(a: T, n = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(c * n);
      b.set(a);
      return b;
    };
    lineLen = more(lineLen);
    cs = more(cs, nColumns);
    ce = more(ce, nColumns);
    slotEntry = more(slotEntry);
    firstRow = more(firstRow);
    lastRowOf = more(lastRowOf);
    hashOf = more(hashOf);
    next = more(next);
    nItems = more(nItems);
    itemLayout(c, stride);
    position = more(position);
    record = more(record);
    const was = attached;
    attached = new Uint8Array(c);
    attached.set(was);
    heads = new Int32Array(c * 2);
    for (let s = 0; s < cap; s++) if (attached[s] === 1) link(s);
    for (let s = c - 1; s >= cap; s--) free.push(s);
    lines = lines.concat(Array.from({ length: c - cap }, () => Buffer.allocUnsafe(0)));
    cap = c;
  };
  /** FNV-1a of the key's cells k[base + col]…kEnd[base + col] in `bytes` (instrument, subject, date, respondent) */
  const hash = (bytes: Uint8Array, k: Int32Array, kEnd: Int32Array, base: number): number => {
    let h = 0x811c9dc5;
    for (let j = 0; j < keyCols.length; j++) {
      const col = keyCols[j]!;
      const a = k[base + col]!;
      const b = kEnd[base + col]!;
      for (let i = a; i < b; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
      h = Math.imul(h ^ 0xff, 0x01000193);
    }
    return mix(h);
  };
  /** the same hash of the key's cells as text (no byte of a cell held here is above 126, so character codes are bytes) */
  const hashText = (parts: readonly string[]): number => {
    let h = 0x811c9dc5;
    for (const t of parts) {
      for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
      h = Math.imul(h ^ 0xff, 0x01000193);
    }
    return mix(h);
  };
  const sameText = (t: string, x: Uint8Array, a: number, b: number): boolean => {
    if (t.length !== b - a) return false;
    for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) !== x[a + i]) return false;
    return true;
  };
  /** the row in fs/fe has the key of slot s */
  const sameKey = (s: number, e: Entry, bytes: Uint8Array): boolean => {
    if (slotEntry[s] !== e.index) return false;
    const line = lines[s]!;
    const o = s * nColumns;
    // the usual layout: the key's cells first, compared at once (a cell holds no delimiter)
    if (keyFirst > 0) return same(bytes, fs[0]!, fe[keyFirst - 1]!, line, 0, ce[o + keyFirst - 1]!);
    return (
      same(bytes, fs[iSubject]!, fe[iSubject]!, line, cs[o + iSubject]!, ce[o + iSubject]!) &&
      same(bytes, fs[iDate]!, fe[iDate]!, line, cs[o + iDate]!, ce[o + iDate]!) &&
      (iResp < 0 || same(bytes, fs[iResp]!, fe[iResp]!, line, cs[o + iResp]!, ce[o + iResp]!))
    );
  };
  const find = (e: Entry, bytes: Uint8Array, h: number): number => {
    for (let s = heads[h & (heads.length - 1)]! - 1; s >= 0; s = next[s]!) if (hashOf[s] === h && sameKey(s, e, bytes)) return s;
    return -1;
  };
  const link = (s: number) => {
    const b = hashOf[s]! & (heads.length - 1);
    next[s] = heads[b]! - 1;
    heads[b] = s + 1;
    attached[s] = 1;
  };
  const unlink = (s: number) => {
    attached[s] = 0;
    const b = hashOf[s]! & (heads.length - 1);
    let p = heads[b]! - 1;
    if (p === s) {
      heads[b] = next[s]! + 1;
      return;
    }
    while (next[p] !== s) p = next[p]!;
    next[p] = next[s]!;
  };
  /** the key's cells as text, in keyCols order; null when no administration held here can have it */
  const keyText = (subject: string | undefined, date: string | undefined, respondent: string, instrument: string): string[] | null => {
    if (subject === undefined || date === undefined) return null;
    const parts: string[] = [];
    for (let j = 0; j < keyCols.length; j++) {
      const c = keyCols[j]!;
      parts.push(c === iInst ? instrument : c === iSubject ? subject : c === iDate ? date : respondent);
    }
    return parts;
  };

  // Every administration begun here, to recognise a row after it was handed on: its key's cells (instrument,
  // subject, date and respondent, each ended by a 0 byte) in `doneBytes`, found by hash in an open-addressing
  // table. It is recorded when it begins, where the search for it ended (one cache miss, not one more at hand-on),
  // and its last row when it is handed on (0 before).
  let doneBytes = Buffer.allocUnsafe(1 << 16);
  let donePos = 0;
  let doneStart = new Float64Array(1024);
  let doneLast = new Float64Array(1024);
  let doneCount = 0;
  /** each slot's record */
  let record = new Int32Array(0);
  /** slots of 2: a record's hash and the record + 1 (0: empty), linear probing; the hash beside it saves a read */
  let doneTable = new Int32Array(8192);
  const handOut = (s: number) => {
    unlink(s);
    size--;
    if (lastSlot === s) lastSlot = -1;
    doneLast[record[s]!] = lastRowOf[s]!;
  };
  /** the table slot of the record whose key `same(j, p)` finds cell by cell (keyCols order) from doneBytes[p], or the empty slot where it would go, as -1 - slot */
  const doneFind = (h: number, same: (j: number, p: number) => number): number => {
    const mask = (doneTable.length >> 1) - 1;
    let i = h & mask;
    for (; doneTable[2 * i + 1] !== 0; i = (i + 1) & mask) {
      if (doneTable[2 * i] !== h) continue;
      let p = doneStart[doneTable[2 * i + 1]! - 1]!;
      for (let j = 0; j < keyCols.length && p >= 0; j++) p = same(j, p);
      if (p >= 0) return i;
    }
    return -1 - i;
  };
  /** records the key of the row in fs/fe (hash h) at table slot i: its record */
  const doneAdd = (h: number, i: number, bytes: Uint8Array): number => {
    let n = 0;
    for (let j = 0; j < keyCols.length; j++) n += fe[keyCols[j]!]! - fs[keyCols[j]!]! + 1;
    if (donePos + n > doneBytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(doneBytes.length * 2, donePos + n));
      doneBytes.copy(bigger, 0, 0, donePos);
      doneBytes = bigger;
    }
    if (doneCount === doneStart.length) {
      const c = doneCount * 2;
      const grown = <T extends Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(c);
        b.set(a);
        return b;
      };
      doneStart = grown(doneStart);
      doneLast = grown(doneLast);
    }
    const r = doneCount++;
    doneStart[r] = donePos;
    doneLast[r] = 0;
    for (let j = 0; j < keyCols.length; j++) {
      donePos = copyBytes(doneBytes, donePos, bytes, fs[keyCols[j]!]!, fe[keyCols[j]!]!);
      doneBytes[donePos++] = 0;
    }
    doneTable[2 * i] = h;
    doneTable[2 * i + 1] = r + 1;
    return r;
  };
  /** the table made twice as large once it is half full (before a search whose empty slot is used) */
  const doneRoom = () => {
    if ((doneCount + 1) * 4 <= doneTable.length) return;
    const was = doneTable;
    doneTable = new Int32Array(was.length * 2);
    const mask = (doneTable.length >> 1) - 1;
    for (let k = 1; k < was.length; k += 2) {
      if (was[k] === 0) continue;
      let i = was[k - 1]! & mask;
      while (doneTable[2 * i + 1] !== 0) i = (i + 1) & mask;
      doneTable[2 * i] = was[k - 1]!;
      doneTable[2 * i + 1] = was[k]!;
    }
  };
  /** cell j of the row in fs/fe at doneBytes[p, …): where the next cell starts, or -1 */
  const doneRowCell = (j: number, p: number): number => {
    const c = keyCols[j]!;
    const a = fs[c]!;
    const n = fe[c]! - a;
    const bytes = rowBytes;
    for (let i = 0; i < n; i++) if (doneBytes[p + i] !== bytes[a + i]) return -1;
    return doneBytes[p + n] === 0 ? p + n + 1 : -1;
  };
  let rowBytes: Uint8Array = doneBytes;
  let textParts: string[] = [];
  const doneTextCell = (j: number, p: number): number => {
    const t = textParts[j]!;
    for (let i = 0; i < t.length; i++) if (doneBytes[p + i] !== t.charCodeAt(i)) return -1;
    return doneBytes[p + t.length] === 0 ? p + t.length + 1 : -1;
  };
  /** hashes of the keys longReader holds: a row with one of them asks longReader (known()) */
  const general = new Set<number>();
  const freeSlot = (s: number) => {
    free.push(s);
    if (lastSlot === s) lastSlot = -1;
  };
  /** the value of an item of slot s, as cellValue gives it */
  const valueText = (code: number): string => {
    let t = "";
    for (let c = code; c > 1; c = Math.floor(c / 256)) t = String.fromCharCode(c % 256) + t;
    return t;
  };

  // ---------------------------------------------------------------- rows
  const fs = new Int32Array(nColumns);
  const fe = new Int32Array(nColumns);
  let reader: { begin(slot: number): number; known(key: string): boolean } | null = null;
  const part = (bytes: Buffer, a: number, b: number) => `${b - a}:${bytes.toString("latin1", a, b)}`;

  const line = (bytes: Buffer, start: number, end: number, replacementSeen: boolean, row: number): Taken => {
    if (replacementSeen || !usable || !splitFields(bytes, start, end, delimCode, nColumns, fs, fe)) return DECLINED;
    const e = instrument(bytes, fs[iInst]!, fe[iInst]!);
    if (e === null) return DECLINED;
    const item = itemOf(e, bytes, fs[iItem]!, fe[iItem]!);
    if (item < 0) return DECLINED;
    // the value, packed
    const v0 = fs[iValue]!;
    const v1 = fe[iValue]!;
    let code = BLANK;
    let points = 0;
    if (v1 > v0) {
      if (v1 - v0 > MAX_PACKED_BYTES || !metaPlain(bytes, v0, v1)) return DECLINED;
      code = packCell(bytes, v0, v1);
      points = pointsOf(e, item, code, bytes, v0, v1);
      if (points !== points) return DECLINED;
    }
    let s = lastSlot;
    let h = 0;
    let opened = false;
    if (s < 0 || !sameKey(s, e, bytes)) s = find(e, bytes, (h = hash(bytes, fs, fe, 0)));
    if (s >= 0) {
      // a repeated item or other grouping values: longReader reports them
      if (itemRow[s * stride + item] !== 0) return DECLINED;
      const line = lines[s]!;
      const o = s * nColumns;
      for (let j = 0; j < sameCols.length; j++) {
        const c = sameCols[j]!;
        if (!same(bytes, fs[c]!, fe[c]!, line, cs[o + c]!, ce[o + c]!)) return DECLINED;
      }
    } else {
      // the key and the other cells, read without an issue and as they are (an open administration's cells are
      // the same bytes as its first row's, checked then)
      if (!plain(bytes, fs[iSubject]!, fe[iSubject]!) || isoDateBytesState(bytes, fs[iDate]!, fe[iDate]!) !== 1) return DECLINED;
      if (iResp >= 0 && fe[iResp]! > fs[iResp]! && !plain(bytes, fs[iResp]!, fe[iResp]!)) return DECLINED;
      for (let j = 0; j < mustBeEmpty.length; j++) if (fe[mustBeEmpty[j]!] !== fs[mustBeEmpty[j]!]) return DECLINED;
      for (let j = 0; j < textCols.length; j++) if (!metaPlain(bytes, fs[textCols[j]!]!, fe[textCols[j]!]!)) return DECLINED;
      if (iBirth >= 0 && fe[iBirth]! > fs[iBirth]! && isoDateBytesState(bytes, fs[iBirth]!, fe[iBirth]!) !== 1) return DECLINED;
      if (iAge >= 0 && fe[iAge]! > fs[iAge]! && !plainAge(bytes, fs[iAge]!, fe[iAge]!)) return DECLINED;
      // a new administration, unless longReader holds one with its key, or it was handed on (a late row)
      if (reader === null) return DECLINED;
      if (general.size > 0 && general.has(h)) {
        const key = part(bytes, fs[iSubject]!, fe[iSubject]!) + part(bytes, fs[iDate]!, fe[iDate]!) + (iResp < 0 ? "0:" : part(bytes, fs[iResp]!, fe[iResp]!)) + e.id;
        if (reader.known(key)) return DECLINED;
      }
      rowBytes = bytes;
      doneRoom();
      const at = doneFind(h, doneRowCell);
      if (at >= 0) return DECLINED;
      if (free.length === 0) grow();
      s = free.pop()!;
      const n = end - start;
      if (lines[s]!.length < n) lines[s] = Buffer.allocUnsafe(Math.max(n, 64));
      copyBytes(lines[s]!, 0, bytes, start, end);
      lineLen[s] = n;
      const o = s * nColumns;
      for (let c = 0; c < nColumns; c++) {
        cs[o + c] = fs[c]! - start;
        ce[o + c] = fe[c]! - start;
      }
      const m = e.items.length;
      if (m > stride) itemLayout(cap, m);
      for (let i = s * stride, j = i + m; i < j; i++) itemRow[i] = 0;
      slotEntry[s] = e.index;
      firstRow[s] = row;
      nItems[s] = 0;
      hashOf[s] = h;
      link(s);
      record[s] = doneAdd(h, -1 - at, bytes);
      position[s] = reader.begin(s);
      size++;
      opened = true;
    }
    const at = s * stride;
    itemRow[at + item] = row;
    itemCode[at + item] = code;
    itemPoints[at + item] = points;
    itemOrder[at + nItems[s]!++] = item;
    lastRowOf[s] = row;
    lastSlot = s;
    return opened ? OPENED : TAKEN;
  };

  // ---------------------------------------------------------------- scoring
  const out8 = new LineBytes();
  const issues: Issue[] = [];

  const score = (s: number): boolean => {
    if (issues.length > 0) issues.length = 0;
    const e = entries[slotEntry[s]!]!;
    const line = lines[s]!;
    const o = s * nColumns;
    const d0 = cs[o + iDate]!;
    let scorer = e.scorer;
    if (e.before !== null) {
      // before birth_date (both plain yyyy-mm-dd, so their bytes compare as dates); no birth_date: the full path
      if (iBirth < 0 || ce[o + iBirth] === cs[o + iBirth]) return false;
      const b0 = cs[o + iBirth]!;
      let cmp = 0;
      for (let j = 0; j < 10 && cmp === 0; j++) cmp = line[d0 + j]! - line[b0 + j]!;
      if (cmp < 0) scorer = e.before;
    }
    const at = s * stride;
    const { points, missing } = scorer;
    const n = e.items.length;
    let blank = 0;
    for (let i = 0; i < n; i++) {
      if (itemRow[at + i] === 0 || itemCode[at + i] === BLANK) {
        missing[i] = 1;
        blank++;
      } else {
        missing[i] = 0;
        points[i] = itemPoints[at + i]!;
      }
    }
    if (blank === n || !scorer.score(blank > 0)) return false;
    const s0 = cs[o + iSubject]!;
    const s1 = ce[o + iSubject]!;
    const d1 = ce[o + iDate]!;
    const r0 = iResp < 0 ? 0 : cs[o + iResp]!;
    const r1 = iResp < 0 ? 0 : ce[o + iResp]!;
    // scoreWith's issues: the file, the administration's first row, its subject and date added (as the full path
    // traces them), in the order made
    const made = scorer.issues;
    for (let k = 0; k < made.length; k++) {
      const issue = made[k]!;
      if (file !== undefined) issue.file = file;
      issue.row = firstRow[s]!;
      if (issue.subjectId === undefined) issue.subjectId = line.toString("latin1", s0, s1);
      if (issue.administeredOn === undefined) issue.administeredOn = line.toString("latin1", d0, d1);
      issues.push(issue);
    }
    out8.head(line, s0, s1, d0, d1, r0, r1);
    const tails = scorer.tails;
    for (let t = 0; t < tails.length; t++) out8.tail(tails[t]!.bytes);
    freeSlot(s);
    return true;
  };

  return {
    get size() {
      return size;
    },
    detach(subject, date, respondent, instrument) {
      const parts = keyText(subject, date, respondent, instrument);
      if (parts === null || size === 0) return -1;
      const h = hashText(parts);
      for (let s = heads[h & (heads.length - 1)]! - 1; s >= 0; s = next[s]!) {
        if (hashOf[s] !== h) continue;
        const line = lines[s]!;
        const o = s * nColumns;
        let j = 0;
        while (j < keyCols.length && sameText(parts[j]!, line, cs[o + keyCols[j]!]!, ce[o + keyCols[j]!]!)) j++;
        if (j === keyCols.length) {
          unlink(s);
          size--;
          if (lastSlot === s) lastSlot = -1;
          return s;
        }
      }
      return -1;
    },
    handedOn(subject, date, respondent, instrument) {
      const parts = keyText(subject, date, respondent, instrument);
      if (parts === null || doneCount === 0) return undefined;
      textParts = parts;
      const at = doneFind(hashText(parts), doneTextCell);
      // 0: still open here, or turned into longReader's (which then knows it)
      const last = at < 0 ? 0 : doneLast[doneTable[2 * at + 1]! - 1]!;
      return last > 0 ? last : undefined;
    },
    general(subject, date, respondent, instrument) {
      const parts = keyText(subject, date, respondent, instrument);
      if (parts !== null) general.add(hashText(parts));
    },
    handOut,
    release(s): CompactAdministration {
      const e = entries[slotEntry[s]!]!;
      const at = s * stride;
      const items: CompactAdministration["items"] = [];
      for (let k = 0; k < nItems[s]!; k++) {
        const i = itemOrder[at + k]!;
        items.push({ item: e.items[i]!, value: valueText(itemCode[at + i]!), row: itemRow[at + i]! });
      }
      const out = { fields: lines[s]!.toString("utf8", 0, lineLen[s]!).split(delimiter), firstRow: firstRow[s]!, lastRow: lastRowOf[s]!, items, position: position[s]! };
      freeSlot(s);
      return out;
    },
    attach(r) {
      reader = r;
    },
    line,
    score,
    issues,
    get pending() {
      return out8.pending;
    },
    take: () => out8.take(),
  };
}
