/**
 * eachResult with a large wide file cut in two: this thread reads and scores the first part and hands its results
 * on, while a worker (results-worker.ts) reads and scores the rest; then the worker's results are handed on, in
 * the file's order. Reading and scoring are most of a progression command's time, so on two cores it takes about
 * half as long. The worker sends what eachResult hands on, in its order: built rows (BuiltRow) as numbers and their
 * cells' bytes, each string and kept scale result once; results and issues as they are (structured clone). The
 * callbacks here see the same results and issues in the same order as on one thread, so the outputs are the same
 * bytes (tests/trend/threads.test.ts).
 *
 * A file is cut only where reading the second part from the cut gives the lines the whole file's reader gives:
 * just after a line break, with nothing before it that changes how later lines are read (a quote, a U+FFFD or
 * bytes that are not UTF-8, which make every later line take the general path), and only a wide file (a long
 * file's administrations run over lines). Otherwise the file is read on this thread.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isUtf8 } from "node:buffer";
import { Worker } from "node:worker_threads";
import { ChoiceError } from "../choice.js";
import { sniffFile, type FilePart } from "./csv.js";
import { CellTexts, RAW_FIELDS, type BuiltRow } from "./fast-results.js";
import { eachResult, isScoredLong, type EachResultOptions, type OnResult, type ResultsRead } from "./read-results.js";
import { READ_THREAD_MIN_BYTES, running, takeEarlyReader, workerScript, type RegistrySource, type ThreadOptions } from "./thread-mode.js";
import { FileError, planHeader } from "./rows.js";
import { noDataRows, type Input } from "./score-file.js";
import type { Registry } from "../registry/registry.js";
import type { Issue, ScaleResult, ScoreResult } from "../schema/results.js";

/**
 * the first part's share of the file: this thread also collects every result, its own as they come and then the
 * worker's, so it reads less than half
 */
const FIRST_SHARE = 0.45;

/** files read by two threads since the process started (tests check that this path is taken) */
export const threadedReads = { count: 0 };

/** the ops of a batch's numbers; each op that carries an object takes the batch's next one */
const ROW = 1;
const RESULT = 2;
const ISSUE = 3;
const STRING = 4;
const SCALE = 5;
const SOURCE = 6;

const BATCH_INTS = 1 << 16;
const BATCH_BYTES = 1 << 17;
const BATCH_OBJECTS = 1024;

export interface Batch {
  ints: Int32Array;
  length: number;
  bytes: Uint8Array;
  bytesLength: number;
  objects: unknown[];
}

export interface WorkerData {
  input: { path: string; name?: string };
  registry: RegistrySource;
  opts: Omit<EachResultOptions, "built" | "transient" | "sharedScales" | "part"> & { extras?: boolean; built: boolean };
  /** the part from `start` to the end, without its first row: the worker counts the line breaks before it */
  part: Omit<FilePart, "firstRow"> & { newline: string };
}

/** an error of the worker as it is sent: a FileError's issue, a system error's code, call and path */
export interface SentError {
  name: string;
  message: string;
  issue?: Issue;
  stack?: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

export type WorkerMessage = { batch: Batch } | { done: ResultsRead } | { error: SentError };

/** an error as the worker sends it */
export function sentError(e: unknown): SentError {
  const err = (e ?? {}) as Error & Partial<Omit<SentError, "name" | "message" | "stack">>;
  const out: SentError = { name: typeof err.name === "string" ? err.name : "Error", message: typeof err.message === "string" ? err.message : String(e) };
  if (err.issue !== undefined) out.issue = err.issue;
  if (typeof err.stack === "string") out.stack = err.stack;
  if (typeof err.code === "string") out.code = err.code;
  if (typeof err.errno === "number") out.errno = err.errno;
  if (typeof err.syscall === "string") out.syscall = err.syscall;
  if (typeof err.path === "string") out.path = err.path;
  return out;
}

/**
 * eachResult, with a large wide file read by two threads when `thread` says so (see src/io/thread-mode.ts; "on" cuts
 * any file that can be cut, whatever its size). The callbacks are called on this thread, in eachResult's order.
 */
export async function eachResultThreaded(input: Input, registry: Registry, opts: EachResultOptions, thread: ThreadOptions, onIssue: (i: Issue) => void, onResult: OnResult): Promise<ResultsRead> {
  // the runner's early worker (thread-mode.ts), when it started one: taken, or ended when the file is read on one thread
  const early = takeEarlyReader();
  const one = (): Promise<ResultsRead> => {
    void early?.terminate();
    return eachResult(input, registry, opts, onIssue, onResult);
  };
  if (thread.mode === "off" || !("path" in input) || opts.part !== undefined) return one();
  const script = thread.script ?? workerScript();
  if (script === undefined) {
    if (thread.mode === "on") throw new ChoiceError("TRIVSEL_READ_THREAD=on: the worker script results-worker.js is not beside the program (run the built dist/cli.js)");
    return one();
  }
  if (thread.mode === "auto" && availableParallelism() < 2) return one();
  const cut = await placeOfCut(input, registry, opts, thread.mode === "auto" ? READ_THREAD_MIN_BYTES : 1);
  if (cut === undefined) return one();
  let worker: Worker;
  // (synchronous from here until inTwo listens to the worker: no event of it comes in between)
  if (early !== undefined && thread.script === undefined && running(early)) worker = early;
  else {
    void early?.terminate();
    try {
      worker = new Worker(script);
    } catch {
      // no worker (a limit on threads): the file is read on one thread
      return eachResult(input, registry, opts, onIssue, onResult);
    }
  }
  worker.ref();
  const { built, transient: _t, sharedScales: _s, ...rest } = opts;
  const job: WorkerData = {
    input: { path: input.path, ...(input.name !== undefined ? { name: input.name } : {}) },
    registry: thread.registry,
    opts: { ...rest, built: built !== undefined, ...(built !== undefined ? { extras: built.extras } : {}) },
    // to the file's end as the worker reaches it, as one thread reads a file that grows meanwhile
    part: { start: cut.at, headerEnd: cut.headerEnd, newline: cut.newline },
  };
  worker.postMessage({ job });
  // the slower check while the worker starts: nothing before the cut may change how the lines after it are read
  if (!plainBefore(input.path, cut.at)) {
    void worker.terminate();
    return eachResult(input, registry, opts, onIssue, onResult);
  }
  return inTwo(worker, input, cut, registry, opts, onIssue, onResult);
}

/** Where a file can be cut (see the module's comment), or undefined: placeOfCut and plainBefore. */
export async function cutOf(input: { path: string; name?: string }, registry: Registry, opts: EachResultOptions, minBytes: number): Promise<Cut | undefined> {
  const cut = await placeOfCut(input, registry, opts, minBytes);
  return cut !== undefined && plainBefore(input.path, cut.at) ? cut : undefined;
}

/** where a file is cut, where its header ends and its line break */
interface Cut {
  at: number;
  headerEnd: number;
  newline: string;
}

/** the first line break after the first part's share of a wide UTF-8 file of `minBytes` or more (not yet plainBefore) */
async function placeOfCut(input: { path: string; name?: string }, registry: Registry, opts: EachResultOptions, minBytes: number): Promise<Cut | undefined> {
  let s;
  try {
    s = await sniffFile(input.path, input.name ?? input.path);
  } catch {
    // the reader on this thread says what is wrong with the file
    return undefined;
  }
  if (s.size < Math.max(minBytes, 1) || s.encoding !== undefined || (s.newline !== "\n" && s.newline !== "\r\n") || isScoredLong(input)) return undefined;
  const nl = Buffer.from(s.newline, "latin1");
  const fd = openSync(input.path, "r");
  try {
    const from = s.bom ? 3 : 0;
    const head = Buffer.alloc(Math.min(s.size, 1 << 16));
    readSync(fd, head, 0, head.length, 0);
    const h = head.indexOf(nl, from);
    if (h < 0) return undefined;
    const header = head.toString("utf8", from, h);
    if (header.includes('"')) return undefined;
    let long: boolean;
    try {
      long = planHeader(header.split(s.delimiter), { registry, delimiter: s.delimiter, ...(opts.instrument !== undefined ? { instrument: opts.instrument } : {}) }).long;
    } catch {
      // a header the reader refuses: it says why, on this thread
      return undefined;
    }
    if (long) return undefined;
    const headerEnd = h + nl.length;
    // the first line break at or after the first part's share
    const probe = Buffer.alloc(1 << 16);
    let at = -1;
    for (let pos = Math.max(headerEnd, Math.floor(s.size * FIRST_SHARE)); at < 0 && pos < s.size; pos += probe.length - nl.length) {
      const n = readSync(fd, probe, 0, probe.length, pos);
      const k = probe.subarray(0, n).indexOf(nl);
      if (k >= 0) at = pos + k + nl.length;
      if (n < probe.length) break;
    }
    if (at < 0 || at >= s.size) return undefined;
    return { at, headerEnd, newline: s.newline };
  } finally {
    closeSync(fd);
  }
}

const REPLACEMENT = Buffer.from("\uFFFD", "utf8");

/** true when bytes [0, end) of the file (which end with a line break) hold no quote, no U+FFFD and are UTF-8 */
export function plainBefore(path: string, end: number, chunk = 4 << 20): boolean {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(Math.max(1, Math.min(end, chunk)));
    for (let pos = 0; pos < end; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n <= 0) return false;
      // whole lines only, so that no UTF-8 sequence is cut
      const upTo = pos + n === end ? n : buf.lastIndexOf(0x0a, n - 1) + 1;
      if (upTo <= 0) return false;
      const part = buf.subarray(0, upTo);
      if (part.indexOf(0x22) >= 0 || part.indexOf(REPLACEMENT) >= 0 || !isUtf8(part)) return false;
      pos += upTo;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** the line breaks in bytes [0, end) of the file: the part from `end` starts at spreadsheet row this + 1 */
export function linesBefore(path: string, end: number, newline: string, chunk = 4 << 20): number {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(Math.max(1, Math.min(end, chunk)));
    let lines = 0;
    // "\r\n": a line feed counts after a carriage return (the one before a chunk's first byte is kept)
    const crlf = newline === "\r\n";
    let before = 0;
    for (let pos = 0; pos < end; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n <= 0) throw new Error(`${path}: the file became shorter while it was read`);
      for (let k = buf.indexOf(0x0a); k >= 0 && k < n; k = buf.indexOf(0x0a, k + 1)) if (!crlf || (k > 0 ? buf[k - 1] : before) === 0x0d) lines++;
      before = buf[n - 1]!;
      pos += n;
    }
    return lines;
  } finally {
    closeSync(fd);
  }
}

/** The first part read here while the worker (sent its part) reads the rest; then the worker's results. */
function inTwo(worker: Worker, input: { path: string; name?: string }, cut: Cut, registry: Registry, opts: EachResultOptions, onIssue: (i: Issue) => void, onResult: OnResult): Promise<ResultsRead> {
  const decoder = new Decoder(opts.built?.row, onIssue, onResult);
  threadedReads.count++;
  return new Promise((resolve, reject) => {
    /** the worker's messages, held while this thread reads the first part */
    let held: WorkerMessage[] | null = [];
    let first: ResultsRead | undefined;
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(e);
    };
    const take = (m: WorkerMessage): void => {
      if (settled) return;
      if ("batch" in m) {
        try {
          decoder.batch(m.batch);
        } catch (e) {
          fail(e);
        }
      } else if ("done" in m) {
        settled = true;
        void worker.terminate();
        const second = m.done;
        const birthDates = first!.birthDates;
        for (const [id, date] of second.birthDates) if (!birthDates.has(id)) birthDates.set(id, date);
        const records = first!.records + second.records;
        if (records === 0) onIssue(noDataRows(input.name ?? input.path));
        resolve({ kind: "raw", birthDates, records, count: first!.count + second.count });
      } else fail(errorFrom(m.error));
    };
    /** the worker said it is done or failed (the message may still be held): its exit is then no failure */
    let said = false;
    worker.on("message", (m: WorkerMessage) => {
      if (!("batch" in m)) said = true;
      if (held !== null) held.push(m);
      else take(m);
    });
    worker.on("error", fail);
    worker.on("exit", (code) => said || fail(new Error(`the second reading thread stopped (exit code ${code}) before it finished`)));
    eachResult(input, registry, { ...opts, part: { start: 0, end: cut.at } }, onIssue, onResult).then((read) => {
      first = read;
      const queue = held!;
      held = null;
      for (const m of queue) take(m);
    }, fail);
  });
}

/**
 * The worker's error as this thread would have thrown it: a FileError keeps its issue, a system error (EIO) its code,
 * call and path, so the runner reports it as it would on one thread. The stack is the worker's.
 */
export function errorFrom(e: SentError): Error {
  if (e.name === "FileError" && e.issue !== undefined) return Object.assign(new FileError(e.message, e.issue), e.stack !== undefined ? { stack: e.stack } : {});
  if (e.name === "ChoiceError") return Object.assign(new ChoiceError(e.message), e.stack !== undefined ? { stack: e.stack } : {});
  const error: Error & Partial<SentError> = new Error(e.message);
  error.name = e.name;
  if (e.stack !== undefined) error.stack = e.stack;
  if (e.code !== undefined) error.code = e.code;
  if (e.errno !== undefined) error.errno = e.errno;
  if (e.syscall !== undefined) error.syscall = e.syscall;
  if (e.path !== undefined) error.path = e.path;
  return error;
}

/** Hands a batch's ops on to the callbacks: built rows through one BuiltRow set again for each. */
class Decoder {
  private readonly strings: string[] = [];
  private scales: ScaleResult[] = [];
  private view: BuiltRow = Decoder.emptyView([]);
  private texts = new CellTexts(",");

  constructor(
    private readonly onRow: ((v: BuiltRow) => void) | undefined,
    private readonly onIssue: (i: Issue) => void,
    private readonly onResult: OnResult,
  ) {}

  private static emptyView(extraNames: readonly string[]): BuiltRow {
    return { source: {}, row: 0, subjectId: "", administeredOn: "", dateKey: -1, respondent: "", phase: "", extraNames, extraValues: [], count: 0, instrument: [], form: [], first: [0], scales: [], scaleIds: [] };
  }

  batch(b: Batch): void {
    const ints = b.ints;
    const bytes = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytesLength);
    const objects = b.objects;
    const strings = this.strings;
    // set again by a SOURCE op, which may come in the middle of a batch (the first one always does)
    let texts = this.texts;
    let o = 0;
    let p = 0;
    let q = 0;
    while (p < b.length) {
      const op = ints[p++]!;
      if (op === ROW) {
        const v = this.view;
        v.row = ints[p++]!;
        const n = (v.count = ints[p++]!);
        const instrument = v.instrument as string[];
        const form = v.form as (string | null)[];
        const first = v.first as number[];
        for (let k = 0; k < n; k++) {
          instrument[k] = strings[ints[p++]!]!;
          const f = ints[p++]!;
          form[k] = f < 0 ? null : strings[f]!;
          first[k + 1] = ints[p++]!;
        }
        const nScales = first[n]!;
        const ids = v.scaleIds as number[];
        const scales = v.scales as ScaleResult[];
        for (let s = 0; s < nScales; s++) {
          const id = ints[p++]!;
          ids[s] = id;
          scales[s] = this.scales[id]!;
        }
        // the cells, by their bytes, as FastResults reads them (RAW_FIELDS, then the grouping columns)
        const nFields = ints[p++]!;
        let len = ints[p++]!;
        v.subjectId = texts.cell(0, bytes, q, q + len);
        q += len;
        len = ints[p++]!;
        v.administeredOn = texts.date(bytes, q);
        v.dateKey = texts.dateKey;
        q += len;
        len = ints[p++]!;
        if (len < 0) v.respondent = "";
        else {
          v.respondent = texts.cell(2, bytes, q, q + len);
          q += len;
        }
        len = ints[p++]!;
        if (len < 0) v.phase = "";
        else {
          v.phase = texts.cell(3, bytes, q, q + len);
          q += len;
        }
        // the grouping columns: -1 when not read (extraValues then stays empty, as FastResults leaves it)
        for (let f = RAW_FIELDS.length; f < nFields; f++) {
          len = ints[p++]!;
          if (len < 0) continue;
          v.extraValues[f - RAW_FIELDS.length] = texts.cell(f, bytes, q, q + len);
          q += len;
        }
        this.onRow!(v);
      } else if (op === STRING) strings.push(objects[o++] as string);
      else if (op === SCALE) this.scales[ints[p++]!] = objects[o++] as ScaleResult;
      else if (op === RESULT) {
        const { result, extras } = objects[o++] as { result: ScoreResult; extras: Record<string, string> };
        this.onResult(result, extras);
      } else if (op === ISSUE) this.onIssue(objects[o++] as Issue);
      else if (op === SOURCE) {
        // another source's scale ids and columns: a collector that knows the old ones must not read these as them
        const { names, delimiter } = objects[o++] as { names: string[]; delimiter: string };
        this.scales = [];
        this.view = Decoder.emptyView(names);
        texts = this.texts = new CellTexts(delimiter);
      } else throw new Error(`results thread: unknown op ${op} at ${p - 1}`);
    }
  }
}

/**
 * The worker's side: eachResult's callbacks written into batches, posted as they fill (`post` transfers their
 * numbers and bytes). Built rows come with their cells as bytes (BuiltRow.cells): the strings are made on the
 * thread that reads them.
 */
export class Encoder {
  private ints = new Int32Array(BATCH_INTS);
  private length = 0;
  private bytes = new Uint8Array(BATCH_BYTES);
  private bytesLength = 0;
  private objects: unknown[] = [];
  private readonly stringIds = new Map<string, number>();
  private source: object | null = null;
  /** per scale id of `source`: 1 once sent */
  private sent = new Uint8Array(64);
  /** per place of an administration in a row: its last instrument and form and their string ids */
  private readonly slotInstrument: string[] = [];
  private readonly slotForm: (string | null)[] = [];
  private readonly slotIds: number[] = [];

  constructor(private readonly post: (b: Batch, transfer: ArrayBuffer[]) => void) {}

  private room(ints: number, bytes = 0): void {
    if (this.length + ints <= this.ints.length && this.bytesLength + bytes <= this.bytes.length) return;
    this.flush();
    if (ints > this.ints.length) this.ints = new Int32Array(ints);
    if (bytes > this.bytes.length) this.bytes = new Uint8Array(bytes);
  }

  private object(op: number, value: unknown): void {
    this.room(1);
    this.ints[this.length++] = op;
    this.objects.push(value);
    if (this.objects.length >= BATCH_OBJECTS) this.flush();
  }

  private stringId(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.stringIds.size;
      this.stringIds.set(s, id);
      this.object(STRING, s);
    }
    return id;
  }

  /** the string ids of administration k's instrument and form, in slotIds[2k, 2k + 1] (-1: no form) */
  private slot(k: number, instrument: string, form: string | null): void {
    if (this.slotInstrument[k] === instrument && this.slotForm[k] === form && this.slotIds.length > 2 * k) return;
    this.slotInstrument[k] = instrument;
    this.slotForm[k] = form;
    this.slotIds[2 * k] = this.stringId(instrument);
    this.slotIds[2 * k + 1] = form === null ? -1 : this.stringId(form);
  }

  row(v: BuiltRow): void {
    if (v.source !== this.source) {
      this.source = v.source;
      this.sent = new Uint8Array(64);
      this.object(SOURCE, { names: [...v.extraNames], delimiter: v.delimiter });
    }
    const n = v.count;
    const nScales = v.first[n]!;
    // strings and scale results first: their ops come before the row that reads them
    for (let k = 0; k < n; k++) this.slot(k, v.instrument[k]!, v.form[k] ?? null);
    for (let s = 0; s < nScales; s++) {
      const id = v.scaleIds[s]!;
      if (id >= this.sent.length) {
        const grown = new Uint8Array(Math.max(2 * this.sent.length, id + 1));
        grown.set(this.sent);
        this.sent = grown;
      }
      if (this.sent[id] === 0) {
        this.sent[id] = 1;
        this.room(2);
        this.ints[this.length++] = SCALE;
        this.ints[this.length++] = id;
        this.objects.push(v.scales[s]);
      }
    }
    const cells = v.cells!;
    const nFields = cells.length >> 1;
    let nBytes = 0;
    for (let j = 0; j < cells.length; j += 2) if (cells[j]! >= 0) nBytes += cells[j + 1]! - cells[j]!;
    this.room(4 + 3 * n + nScales + nFields, nBytes);
    const ints = this.ints;
    let p = this.length;
    ints[p++] = ROW;
    ints[p++] = v.row;
    ints[p++] = n;
    for (let k = 0; k < n; k++) {
      ints[p++] = this.slotIds[2 * k]!;
      ints[p++] = this.slotIds[2 * k + 1]!;
      ints[p++] = v.first[k + 1]!;
    }
    for (let s = 0; s < nScales; s++) ints[p++] = v.scaleIds[s]!;
    ints[p++] = nFields;
    const from = v.bytes!;
    const to = this.bytes;
    let q = this.bytesLength;
    for (let j = 0; j < cells.length; j += 2) {
      const a = cells[j]!;
      if (a < 0) {
        ints[p++] = -1;
        continue;
      }
      const b = cells[j + 1]!;
      ints[p++] = b - a;
      for (let i = a; i < b; i++) to[q++] = from[i]!;
    }
    this.length = p;
    this.bytesLength = q;
  }

  result(result: ScoreResult, extras: Record<string, string>): void {
    this.object(RESULT, { result, extras });
  }

  issue(issue: Issue): void {
    this.object(ISSUE, issue);
  }

  /** posts the batch so far */
  flush(): void {
    if (this.length === 0) return;
    this.post({ ints: this.ints, length: this.length, bytes: this.bytes, bytesLength: this.bytesLength, objects: this.objects }, [this.ints.buffer as ArrayBuffer, this.bytes.buffer as ArrayBuffer]);
    this.ints = new Int32Array(BATCH_INTS);
    this.length = 0;
    this.bytes = new Uint8Array(BATCH_BYTES);
    this.bytesLength = 0;
    this.objects = [];
  }
}
