import { ByteChunks } from "./byte-chunks.js";

/**
 * `JSON.stringify(value, null, 2) + "\n"`, written in pieces: the same bytes without ever holding them in one
 * string, which for a large cohort exceeds V8's string limit ("Invalid string length"). Arrays and plain objects
 * down to `depth` levels are written member by member; anything below, and every value that is not a plain
 * array or object (a Date, a boxed primitive, anything with toJSON: its toJSON is given the key ""), is one
 * JSON.stringify, re-indented (a stringified value holds no raw line break but its own). Pieces are gathered into chunks of about 64 kB.
 */
export function writeJson(write: (s: string) => void, value: unknown, depth = 3): void {
  let chunk = "";
  const out = (s: string) => {
    chunk += s;
    if (chunk.length >= 65536) {
      write(chunk);
      chunk = "";
    }
  };
  const text = piece(value, "", depth, out);
  if (text === undefined) throw new TypeError("writeJson: the value has no JSON form");
  out("\n");
  if (chunk) write(chunk);
}

/**
 * An array whose members are taken one by one from an iterable while it is written (e.g. analyses built as they
 * are written), so they are never all held; writeJson writes it as the array of those members. Taken once.
 */
export class StreamedArray<T> {
  constructor(readonly items: Iterable<T>) {}
  /** for JSON.stringify, where writeJson gives it whole (below its depth) */
  toJSON(): T[] {
    return [...this.items];
  }
}

const isContainer = (v: unknown): v is object =>
  v instanceof StreamedArray ||
  (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON !== "function" && (Array.isArray(v) || Object.prototype.toString.call(v) === "[object Object]"));

/** The value's JSON.stringify text at this indent, as stringify would inline it; undefined when it has none. */
function leaf(v: unknown, indent: string): string | undefined {
  if (indent !== "" && isContainer(v) && !(v instanceof StreamedArray)) return nested(v, indent.length / 2);
  const s = JSON.stringify(v, null, 2) as string | undefined;
  return s === undefined || indent === "" ? s : s.replace(/\n/g, "\n" + indent);
}

/**
 * An object or array at `levels` levels of indent: stringified inside as many arrays, which indents its lines as
 * they must be, with the arrays' own lines cut off (faster than indenting every line again afterwards, on a large
 * output). The arrays add "[\n" and 2(l + 1) spaces before it and "\n", 2l spaces and "]" after it, at level l.
 */
function nested(v: object, levels: number): string {
  let w: unknown = v;
  for (let l = 0; l < levels; l++) w = [w];
  const s = JSON.stringify(w, null, 2);
  return s.slice(2 * levels + levels * (levels + 1), s.length - (2 * levels + levels * (levels - 1)));
}

/** Writes the value; undefined, writing nothing, when it has no JSON form (undefined, a function). */
function piece(v: unknown, indent: string, depth: number, out: (s: string) => void): true | undefined {
  if (depth <= 0 || !isContainer(v)) {
    const s = leaf(v, indent);
    if (s === undefined) return undefined;
    out(s);
    return true;
  }
  const inner = indent + "  ";
  if (v instanceof StreamedArray) {
    let i = 0;
    for (const x of v.items as Iterable<unknown>) {
      out((i++ === 0 ? "[\n" : ",\n") + inner);
      if (!piece(x, inner, depth - 1, out)) out("null");
    }
    out(i === 0 ? "[]" : "\n" + indent + "]");
    return true;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return out("[]"), true;
    for (let i = 0; i < v.length; i++) {
      out((i === 0 ? "[\n" : ",\n") + inner);
      if (!piece(v[i], inner, depth - 1, out)) out("null");
    }
    out("\n" + indent + "]");
    return true;
  }
  let n = 0;
  for (const [k, x] of Object.entries(v)) {
    // a member without a JSON form is left out, as stringify leaves it out
    if (x === undefined || typeof x === "function" || typeof x === "symbol") continue;
    if (!isContainer(x) || depth <= 1) {
      const s = leaf(x, inner);
      if (s === undefined) continue;
      out((n++ === 0 ? "{\n" : ",\n") + inner + JSON.stringify(k) + ": " + s);
      continue;
    }
    out((n++ === 0 ? "{\n" : ",\n") + inner + JSON.stringify(k) + ": ");
    piece(x, inner, depth - 1, out);
  }
  out(n === 0 ? "{}" : "\n" + indent + "}");
  return true;
}

/**
 * JSON Lines: each item as `JSON.stringify(item, replacer)` on a line of its own, taken one at a time from the
 * iterable and written as UTF-8 bytes in pieces of at most 64 kB (each line encoded as it comes, not gathered
 * into a long text first), so neither the items nor the text are ever held whole. A line is exactly what
 * JSON.parse reads back as the item; an item without a JSON form (undefined, a function) is a TypeError, not a
 * silently empty line. No items, no bytes.
 */
export function writeJsonLines(sink: (bytes: Uint8Array) => void, items: Iterable<unknown>, replacer?: (key: string, value: unknown) => unknown): void {
  const out = new ByteChunks(sink);
  let n = 0;
  for (const item of items) {
    const s = JSON.stringify(item, replacer) as string | undefined;
    if (s === undefined) throw new TypeError(`writeJsonLines: item ${n + 1} has no JSON form`);
    n++;
    out.text(s);
    out.text("\n");
  }
  out.flush();
}

/** Where a command's records go: as text, or as UTF-8 bytes of whole characters (a Job has both). */
export interface RecordsOutput {
  write(s: string): void;
  writeBytes(bytes: Uint8Array): void;
}

/**
 * A command's list of records as json or jsonl, written while `records` yields them. json: the document `doc`
 * builds around the list (default: the list itself), by writeJson. jsonl: the records alone, by writeJsonLines;
 * the document's other fields (options echoed back, the input's kind, rows left out, which are also issues) are
 * not written, as the CSV does not write them, so every line is a record of one kind (jq -c, pandas
 * read_json(lines=True)), and no records is an empty file.
 */
export function writeRecords<T>(out: RecordsOutput, format: "json" | "jsonl", records: Iterable<T>, doc: (list: StreamedArray<T>) => unknown = (list) => list): void {
  if (format === "jsonl") writeJsonLines(out.writeBytes, records);
  else writeJson(out.write, doc(new StreamedArray(records)));
}
