/**
 * The CSV reader (src/io/csv.ts) splits lines without quotes itself and hands lines with quotes to
 * papaparse's parser. Whatever the text, it must give exactly the records, row numbers and quote errors that
 * papaparse gives for the whole text at once. Seeded random files cover line endings, empty lines, quotes from
 * any row (also from a later 1 MB chunk), quoted line breaks, unclosed quotes, unicode across chunk
 * boundaries, a CRLF split between two chunks, lines longer than a chunk and bytes that are not UTF-8.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { afterAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../scripts/prng.js";
import { parseText, sniff, STREAM_CHUNK_BYTES, streamFile, type Newline, type StreamHandlers } from "../src/io/csv.js";

const tmp = mkdtempSync(join(tmpdir(), "trivsel-reader-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Read {
  header: string[] | null;
  records: [number, string[]][];
  quoteErrors: number[];
  /** rows onLine took, by row: the line's text */
  lines: Map<number, string>;
}

/** papaparse on the whole text: the reference */
function reference(text: string, delimiter: string, newline: Newline): Read {
  const res = Papa.parse<string[]>(text, { delimiter, newline, header: false, skipEmptyLines: false });
  const bad = new Set(res.errors.filter((e) => e.type === "Quotes" && e.row !== undefined).map((e) => e.row!));
  const out: Read = { header: res.data[0] ?? null, records: [], quoteErrors: [...bad].filter((r) => r > 0).map((r) => r + 1), lines: new Map() };
  res.data.forEach((fields, i) => {
    if (i === 0 || bad.has(i) || (fields.length === 1 && fields[0] === "")) return;
    out.records.push([i + 1, fields]);
  });
  return out;
}

/** handlers that record what they are given; onLine (when `takeLine`) takes the lines it likes */
function recorder(takeLine?: (row: number) => boolean): { h: StreamHandlers; read: Read } {
  const read: Read = { header: null, records: [], quoteErrors: [], lines: new Map() };
  const h: StreamHandlers = {
    onHeader: (f) => void (read.header = f),
    onRecord: (fields, row, replacementSeen) => {
      read.records.push([row, fields]);
      // the gate may open early, but never late: a record holding U+FFFD must see it open
      if (fields.some((f) => f.includes("\uFFFD")) && !replacementSeen) throw new Error(`row ${row}: U+FFFD not seen`);
    },
    onQuoteError: (row) => void read.quoteErrors.push(row),
  };
  if (takeLine)
    h.onLine = (bytes, start, end, row, replacementSeen) => {
      if (!takeLine(row)) return false;
      const line = bytes.toString("utf8", start, end);
      if (line.includes("\uFFFD") && !replacementSeen) throw new Error(`row ${row}: U+FFFD not seen`);
      read.lines.set(row, line);
      return true;
    };
  return { h, read };
}

/** records that onLine took count as the line split on the delimiter */
function merged(read: Read, delimiter: string): Omit<Read, "lines"> {
  const records = [...read.records, ...[...read.lines].map(([row, line]) => [row, line.split(delimiter)] as [number, string[]])];
  records.sort((a, b) => a[0] - b[0]);
  return { header: read.header, records, quoteErrors: [...read.quoteErrors].sort((a, b) => a - b) };
}

/**
 * Reads `bytes` as a file (streamFile, onLine taking the rows `takeLine` likes) and as text in memory (parseText);
 * both must give what papaparse gives for the whole decoded text. Returns the reference and the file's reading.
 */
async function expectAsPapaparse(bytes: Buffer, name: string, takeLine: (row: number) => boolean = () => true) {
  const text = bytes.toString("utf8");
  const s = sniff(bytes.subarray(0, 65536), bytes.length);
  const ref = reference(text, s.delimiter, s.newline);
  const file = join(tmp, name);
  writeFileSync(file, bytes);
  const streamed = recorder(takeLine);
  await streamFile(file, s, streamed.h);
  expect(merged(streamed.read, s.delimiter)).toEqual(merged(ref, s.delimiter));
  const inMemory = recorder();
  parseText(text, name, inMemory.h);
  expect(merged(inMemory.read, s.delimiter)).toEqual(merged(ref, s.delimiter));
  return { s, ref, streamed: streamed.read };
}

const CELLS = ["", "1", "42", "4,5", "bør", "Ærø 😀", " x ", "=1+1", "2025-01-02", "\uFFFD"];
const QUOTED = ['"a,b"', '"say ""hi"""', '"two\nlines"', '"two\r\nlines"', '"unclosed', 'ab"c', '""'];

function randomText(seed: number, opts: { rows: number; newline: Newline; delimiter: string; quoteFrom: number; emptyEvery: number; trailing: boolean }): string {
  const rnd = mulberry32(seed);
  const cols = 6;
  const lines = [Array.from({ length: cols }, (_, i) => `c${i}`).join(opts.delimiter)];
  for (let r = 1; r <= opts.rows; r++) {
    if (opts.emptyEvery > 0 && rnd() < 1 / opts.emptyEvery) lines.push("");
    const n = rnd() < 0.05 ? cols + (rnd() < 0.5 ? 1 : -1) : cols;
    const cells = Array.from({ length: n }, () => {
      if (r >= opts.quoteFrom && rnd() < 0.05) return QUOTED[Math.floor(rnd() * QUOTED.length)]!;
      const c = CELLS[Math.floor(rnd() * CELLS.length)]!;
      return opts.delimiter === "," ? c.replace(",", ".") : c;
    });
    lines.push(cells.join(opts.delimiter));
  }
  return lines.join(opts.newline) + (opts.trailing ? opts.newline : "");
}

const cases: { name: string; seed: number; rows: number; newline: Newline; delimiter: string; quoteFrom: number; emptyEvery: number; trailing: boolean }[] = [];
for (const newline of ["\n", "\r\n", "\r"] as Newline[])
  for (const [quoteFrom, label] of [
    [Infinity, "no quotes"],
    [1, "quotes from the start"],
    [300, "quotes from row 300"],
  ] as const)
    cases.push({ name: `${JSON.stringify(newline)}, ${label}`, seed: cases.length + 1, rows: 600, newline, delimiter: cases.length % 2 ? ";" : ",", quoteFrom, emptyEvery: 40, trailing: cases.length % 3 !== 0 });

// over a megabyte: many 64 KB pieces and more than one 1 MB chunk, with quoted line breaks across them
for (const newline of ["\n", "\r\n", "\r"] as Newline[])
  cases.push({ name: `${JSON.stringify(newline)}, 40,000 rows, quotes from row 1000`, seed: cases.length + 1, rows: 40_000, newline, delimiter: ";", quoteFrom: 1000, emptyEvery: 200, trailing: true });

describe("reading lines without quotes gives what papaparse gives for the whole text", () => {
  it.each(cases)("$name", async (c) => {
    const text = randomText(c.seed, c);
    // onLine takes every third row it is offered
    const { s, ref, streamed } = await expectAsPapaparse(Buffer.from(text), `case-${c.seed}.csv`, (row) => row % 3 === 0);
    expect(s.newline).toBe(c.newline);
    // an unclosed quote runs on over the following lines, so fewer records then
    expect(ref.records.length).toBeGreaterThan(300);
    if (c.quoteFrom !== Infinity) expect(ref.quoteErrors.length).toBeGreaterThan(0);
    // onLine is offered only lines without quotes
    expect(streamed.lines.size).toBeGreaterThan(c.quoteFrom === Infinity ? 150 : 50);
    expect([...streamed.lines.values()].every((l) => !l.includes('"'))).toBe(true);
  });

  it.each([
    ["\n", false],
    ["\r\n", false],
    ["\r\n", true],
  ] as const)("a line longer than two chunks (%j, quote after it: %s) reads whole", async (newline, quoteAfter) => {
    const long = "z".repeat(Math.floor(2.5 * STREAM_CHUNK_BYTES));
    const lines = ["subject_id,note", "S1,a", `S2,${long}`, "S3,b", quoteAfter ? 'S4,"c, d"' : "S4,c", ""];
    // onLine declines every line, so that each goes on to onRecord
    const { ref } = await expectAsPapaparse(Buffer.from(lines.join(newline)), `long-line-${newline.length}-${quoteAfter}.csv`, () => false);
    expect(ref.records.map(([row, f]) => [row, f[1]!.length])).toEqual([
      [2, 1],
      [3, long.length],
      [4, 1],
      [5, quoteAfter ? 4 : 1],
    ]);
  });

  it("a quote never closed, then more than 4 MB without quotes, then quoted cells, reads as papaparse reads it", async () => {
    // the open field runs on to the next quote that can close it; the reader then hands the rest to papaparse
    const rows = ["subject_id,note,x", ...Array.from({ length: 100 }, (_, i) => `S${i},a,1`), 'S100,"never closed,1'];
    for (let i = 0, length = 0; length < 5.5 * (1 << 20); i++) length += rows.push(`T${i},plain,${i % 10}`) && rows[rows.length - 1]!.length + 1;
    rows.push('U1,"x ""y"", z",2', 'U2,ab"c,3', ...Array.from({ length: 50 }, (_, i) => `V${i},"q, ${i}",4`), "W,last,5");
    const { ref } = await expectAsPapaparse(Buffer.from(rows.join("\n") + "\n"), "never-closed.csv");
    // the open field swallowed the plain rows into one row with a quote error (and so not a record)
    expect(ref.records.length).toBeLessThan(200);
    expect(ref.quoteErrors.length).toBeGreaterThan(0);
  });

  it.each([
    ["no quotes", Infinity],
    ["quotes from row 200", 200],
  ])("a Windows-1252 file (bytes that are not UTF-8, %s) reads as its whole text decodes", async (_, quoteFrom) => {
    const latin = randomText(99, { rows: 800, newline: "\r\n", delimiter: ";", quoteFrom, emptyEvery: 50, trailing: true }).replace(/[\u{1F600}\uFFFD]/gu, "?");
    const bytes = Buffer.from(latin, "latin1");
    expect(bytes.includes(0xf8)).toBe(true); // ø
    expect(bytes.toString("utf8")).toContain("\uFFFD");
    await expectAsPapaparse(bytes, `latin1-${quoteFrom}.csv`, (row) => row % 2 === 0);
  });

  it.each([
    ["\r\n", "a CRLF split between two chunks", "\r\n", STREAM_CHUNK_BYTES - 1],
    ["\n", "a four-byte character split between two chunks", "😀\n", STREAM_CHUNK_BYTES - 2],
    ["\r\n", "a first quote in the second chunk", '\r\n"S0",2025-01-01,"q, r"\r\n', STREAM_CHUNK_BYTES + 10],
  ] as const)("a file over 1 MB (%j): %s", async (newline, _, special, at) => {
    // ASCII rows, so that bytes are characters, up to `at`, where `special` begins
    let text = "subject_id,administered_on,note" + newline;
    let r = 0;
    while (text.length < at - 200) text += `S${r++},2025-01-0${1 + (r % 9)},x${newline}`;
    const start = `S${r++},2025-01-01,`;
    text += start + "y".repeat(at - text.length - start.length) + special;
    while (text.length < 2.5 * STREAM_CHUNK_BYTES) text += `S${r++},2025-02-0${1 + (r % 9)},${r % 7 === 0 && special.includes('"') ? '"a, b"' : "z"}${newline}`;
    const bytes = Buffer.from(text, "utf8");
    expect(bytes.indexOf(Buffer.from(special), at - 1)).toBe(at);

    const { ref, streamed } = await expectAsPapaparse(bytes, `boundary-${at}.csv`);
    // onLine was offered every line without a quote (this text has no line break inside quotes), and only those
    const plainRows = text
      .split(newline)
      .map((l, i) => [i + 1, l] as const)
      .filter(([row, l]) => row > 1 && l !== "" && !l.includes('"'))
      .map(([row]) => row);
    expect([...streamed.lines.keys()]).toEqual(plainRows);
    expect(streamed.records.length).toBe(special.includes('"') ? ref.records.length - plainRows.length : 0);
    expect(streamed.records.length > 10_000).toBe(special.includes('"'));
  });
});

describe("fuzz: random text read in pieces of any size gives what papaparse gives for the whole text", () => {
  // characters that matter to CSV, weighted toward the tricky ones; \uD800 (a lone surrogate) encodes as U+FFFD
  const ALPHABET = ["a", "b", "1", "2", ",", ",", ";", '"', '"', "\n", "\n", "\r", "\r\n", " ", "ø", "😀", "\uFFFD", "\uD800", "\t"];
  const PIECES = [1, 2, 3, 5, 8, 13, 64, 1 << 16];
  it("600 random texts, each in 8 piece sizes", () => {
    const rnd = mulberry32(4242);
    let compared = 0;
    for (let t = 0; t < 600; t++) {
      const header = ["a,b,c", "a;b;c", "a\tb\tc"][t % 3]! + ["\n", "\r\n", "\r"][Math.floor(t / 3) % 3]!;
      let body = "";
      const n = 1 + Math.floor(rnd() * 300);
      for (let i = 0; i < n; i++) body += ALPHABET[Math.floor(rnd() * ALPHABET.length)]!;
      const text = header + body;
      const bytes = Buffer.from(text, "utf8");
      const s = sniff(bytes.subarray(0, 65536), bytes.length);
      const ref = merged(reference(bytes.toString("utf8"), s.delimiter, s.newline), s.delimiter);
      for (const size of PIECES) {
        const got = recorder((row) => (row + t) % 2 === 0);
        parseText(text, "fuzz.csv", got.h, size);
        expect(merged(got.read, s.delimiter), `text ${t} ${JSON.stringify(text)}, pieces of ${size}`).toEqual(ref);
        compared++;
      }
    }
    expect(compared).toBe(600 * PIECES.length);
  });
});
