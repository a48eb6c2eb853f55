/**
 * The FIT session table's CSV written straight from the collector's session columns (FitCollector.series()):
 * the bytes of writeCsv(FIT_TABLE, eachFitRow(families("lazy"))), without a FitFamily, FitSession or alert per
 * session. The text cells (a series' subject and respondent, its measures, each date, each list of rules) are
 * encoded once through CsvBytes, as writeCsv encodes them, and copied into each line; numbers go through
 * CsvBytes.cell. tests/trend/fit-csv.test.ts holds the bytes equal to writeCsv's on random collectors.
 */
import { CsvBytes, type CsvValue } from "../io/csv-bytes.js";
import { CSV_DIALECTS, type CsvDialect } from "../io/csv.js";
import { fitAlertRules, type FitCollector } from "../trend/fit.js";
import { FIT_TABLE } from "./fit.js";
import { csvHeader } from "./table.js";

/** pieces up to this many bytes are copied byte by byte */
const SHORT = 24;

/** CsvBytes that also copies cells encoded before (by a CellEncoder of the same dialect). */
class CopyingCsvBytes extends CsvBytes {
  /** b[0, n) as they are: after a cell they start with the delimiter; at a line's start they end with it */
  copy(b: Uint8Array, n: number): void {
    if (this.used + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) return this.sink(b.subarray(0, n));
    }
    const buf = this.buf;
    const at = this.used;
    // byte by byte when short: a call to set() costs more than a few bytes
    if (n > SHORT) buf.set(n === b.length ? b : b.subarray(0, n), at);
    else for (let i = 0; i < n; i++) buf[at + i] = b[i]!;
    this.used = at + n;
  }
}

/** Cells encoded by CsvBytes (so as writeCsv writes them), into a reused buffer: `bytes[0, length)`. */
class CellEncoder {
  bytes = new Uint8Array(256);
  length = 0;
  private readonly out: CsvBytes;
  private readonly eol: number;

  constructor(d: CsvDialect) {
    this.out = new CsvBytes(d, (b) => this.take(b));
    this.eol = Buffer.byteLength(d.eol, "latin1");
  }

  /** the cells as one line, without its line end; a cell "" first gives a leading delimiter, last a trailing one */
  encode(cells: readonly CsvValue[]): this {
    this.length = 0;
    for (const c of cells) this.out.cell(c);
    this.out.endLine();
    this.out.flush();
    this.length -= this.eol;
    return this;
  }

  /** a copy of what encode() made, to keep */
  kept(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  private take(b: Uint8Array): void {
    if (this.length + b.length > this.bytes.length) {
      const grown = new Uint8Array(2 * (this.length + b.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(b, this.length);
    this.length += b.length;
  }
}

/**
 * Writes the FIT session table of `collector` as CSV bytes to `sink` (FIT_TABLE's columns, a row per session);
 * returns the number of rater series with alerts at their latest session.
 */
export function writeFitCsv(sink: (bytes: Uint8Array) => void, collector: FitCollector, d: CsvDialect = CSV_DIALECTS.standard): number {
  const out = new CopyingCsvBytes(d, sink);
  const enc = new CellEncoder(d);
  const heads = new CellEncoder(d);
  // the date cell by date number; the alerts and measure cells (the line's last three) by measures and alerts mask
  const dateCells: Uint8Array[] = [];
  const tails = new Tails(enc);
  let alerted = 0;
  out.text(csvHeader(FIT_TABLE, d));
  for (const s of collector.series()) {
    const n = s.count;
    if (n > 0 && s.alerts(n - 1) !== 0) alerted++;
    const tail = tails.of(s.outcomeInstrument, s.allianceInstrument);
    // subject, respondent and the delimiter before the session
    const head = heads.encode([s.subjectId, s.respondent, ""]);
    for (let k = 0; k < n; k++) {
      out.copy(head.bytes, head.length);
      out.cell(k + 1);
      const date = s.dateNumber(k);
      const dateCell = dateCells[date] ?? (dateCells[date] = enc.encode(["", s.dates[date]!]).kept());
      out.copy(dateCell, dateCell.length);
      out.cell(s.ors(k));
      out.cell(s.orsChange(k));
      out.cell(s.srs(k));
      const etr = s.etr(k);
      out.cell(etr?.expected);
      out.cell(etr?.lower);
      const mask = s.alerts(k);
      const end = tail[mask] ?? (tail[mask] = enc.encode(["", fitAlertRules(mask).join(";"), s.outcomeInstrument, s.allianceInstrument]).kept());
      out.copy(end, end.length);
      out.endLine();
    }
  }
  out.flush();
  return alerted;
}

/** A line's last cells (alerts, outcome_measure, alliance_measure, each after a delimiter) by measures, then alerts mask. */
class Tails {
  private readonly byMeasures = new Map<string, Uint8Array[]>();
  /** the measures last asked for (series mostly have the same) and their cells */
  private last: { outcome: string | null; alliance: string | null; cells: Uint8Array[] } | null = null;
  constructor(private readonly enc: CellEncoder) {}

  of(outcome: string | null, alliance: string | null): Uint8Array[] {
    const last = this.last;
    if (last !== null && last.outcome === outcome && last.alliance === alliance) return last.cells;
    const key = JSON.stringify([outcome, alliance]);
    let cells = this.byMeasures.get(key);
    if (cells === undefined) this.byMeasures.set(key, (cells = []));
    this.last = { outcome, alliance, cells };
    return cells;
  }
}
