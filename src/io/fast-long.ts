/**
 * The long CSV output of a wide row, without building administrations or results, for the rows where
 * that is provably what the full path writes: the row reads without issues, every instrument in it is
 * either wholly blank or wholly answered with plain values, and its scorer (compileFastScorer) accepts
 * them. Any other row returns null and takes the full path, so issues and their order are unchanged.
 */
import { compileFastScorer, type FastScorer } from "../scoring/score.js";
import { csvCell } from "./csv.js";
import { cellValue, isoDateState, type Plan, type ReadOptions } from "./rows.js";

/**
 * Non-empty printable ASCII without " , ; and not starting like a formula (= + - @): cellValue and
 * csvCell both give such a cell back as it is.
 */
function plain(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  const c0 = s.charCodeAt(0);
  if (c0 === 61 || c0 === 43 || c0 === 45 || c0 === 64) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126 || c === 34 || c === 44 || c === 59) return false;
  }
  return true;
}

/** an age_months cell readMeta takes without an issue, and that cellValue leaves as it is */
const PLAIN_AGE = /^\d{1,15}(\.\d{1,15})?$/;

export interface FastLongRows {
  /** the row's long CSV lines, or null: score the row by the full path */
  row(fields: readonly string[], replacementSeen: boolean): string | null;
  /** administrations in the row last given lines */
  administrations: number;
}

export function fastLongRows(plan: Plan, opts: ReadOptions): FastLongRows {
  const col = (c: keyof Plan["meta"]) => plan.meta[c] ?? -1;
  const iSubject = col("subject_id");
  const iDate = col("administered_on");
  const iResp = col("respondent");
  const iForm = col("form");
  const iBirth = col("birth_date");
  const iAge = col("age_months");
  const { unnamed, nColumns } = plan;
  const delimiter = opts.delimiter;
  const instruments = plan.instruments.map(({ inst, columns }) => {
    const scorer: FastScorer | null = compileFastScorer(
      inst,
      columns.map((c) => c.name),
      csvCell,
    );
    // the scorer reads every column of the instrument in the file (else it is null)
    const index = new Map(columns.map((c) => [c.name, c.index]));
    const cols = scorer ? Int32Array.from(scorer.items, (id) => index.get(id)!) : Int32Array.from(columns, (c) => c.index);
    return { scorer, cols };
  });
  const out: FastLongRows = {
    administrations: 0,
    row(fields, replacementSeen) {
      if (replacementSeen || fields.length !== nColumns || iSubject < 0 || iDate < 0) return null;
      for (let k = 0; k < unnamed.length; k++) if (fields[unnamed[k]!] !== "") return null;
      const subject = fields[iSubject]!;
      const date = fields[iDate]!;
      const resp = iResp < 0 ? "" : fields[iResp]!;
      if (!plain(subject) || isoDateState(date) !== 1 || (resp !== "" && !plain(resp))) return null;
      if (iForm >= 0 && fields[iForm] !== "") return null;
      if (iBirth >= 0 && fields[iBirth] !== "" && isoDateState(fields[iBirth]!) !== 1) return null;
      if (iAge >= 0 && fields[iAge] !== "" && !PLAIN_AGE.test(fields[iAge]!)) return null;
      const head = `${subject},${date},${resp},`;
      let text = "";
      let count = 0;
      for (let e = 0; e < instruments.length; e++) {
        const { scorer, cols } = instruments[e]!;
        const n = cols.length;
        let blank = 0;
        for (let i = 0; i < n; i++) {
          const raw = fields[cols[i]!]!;
          if (raw === "") {
            blank++;
            continue;
          }
          if (scorer === null) return null;
          if (scorer.intItem[i] === 1) {
            // plain digits, as scoreColumns' own integer shortcut reads them (cellValue leaves digits as they are)
            const len = raw.length;
            if (len > 9) return null;
            let x = 0;
            for (let j = 0; j < len; j++) {
              const c = raw.charCodeAt(j) - 48;
              if (c < 0 || c > 9) return null;
              x = x * 10 + c;
            }
            if (x < scorer.min[i]! || x > scorer.max[i]!) return null;
            scorer.points[i] = x;
          } else if (!scorer.parse(i, cellValue(raw, delimiter))) return null;
        }
        if (blank === n) continue;
        if (blank > 0) return null;
        const lines = scorer!.lines(head);
        if (lines === null) return null;
        text += lines;
        count++;
      }
      if (count === 0) return null;
      out.administrations = count;
      return text;
    },
  };
  return out;
}
