/** The cohort table: one row per group × instrument × scale × form × respondent (`trivsel cohort`, cohortSummary). */
import { formatNumber } from "../io/csv.js";
import type { CohortRow } from "../trend/cohort.js";
import { measureColumns, respondentColumn, type Column, type Table } from "./table.js";

const SHOWN = ["recovered", "improved", "unchanged", "deteriorated", "changed", "no_norms", "insufficient_data"] as const;

/** Decimals of every non-integer number in cohort CSV and JSON output (formatNumber's, so both agree). */
export const COHORT_DECIMALS = 6;

const notesOf = (r: CohortRow) => [r.change?.reason, r.verdictHint].filter(Boolean).join(" | ");

/** The grouping columns: one per name in `by` (named as given), or one empty `group` column without grouping. */
function groupColumns(by: readonly string[]): Column<CohortRow>[] {
  if (by.length === 0) return [{ name: "group", meaning: "empty: no --by", get: (r) => r.group }];
  if (by.length === 1) return [{ name: by[0]!, meaning: `the group (--by ${by[0]})`, get: (r) => r.group }];
  return by.map((name) => ({ name, meaning: `the group's ${name}`, get: (r: CohortRow) => r.groups?.[name] }));
}

/** The cohort table for grouping columns `by` (as given to cohortGrouping). */
export const cohortTable = (by: readonly string[] = []): Table<CohortRow> => ({
  row: "group × instrument × scale × form × respondent",
  columns: [
    ...groupColumns(by),
    ...measureColumns(),
    { name: "form", meaning: "form, where the scale's scoring depends on it", get: (r) => r.form },
    respondentColumn((r) => r.respondent, "who answered (raters are never pooled)"),
    { name: "n_series", meaning: "series in the row", get: (r) => r.nSeries },
    { name: "n_follow_up", meaning: "series with a follow-up (a later date than the baseline)", get: (r) => r.nFollowUp },
    { name: "n_no_follow_up", meaning: "series without", get: (r) => r.nNoFollowUp },
    ...SHOWN.flatMap((c): Column<CohortRow>[] => [
      { name: c, meaning: `series with verdict ${c}`, get: (r) => r.counts[c] },
      { name: `${c}_pct`, meaning: `of the series with a follow-up`, unit: "%", get: (r) => r.percent[c] },
    ]),
    { name: "mean_change", meaning: "mean of latest − baseline (read it with the scale's direction)", unit: "points", get: (r) => r.change?.mean },
    { name: "ci95_low", meaning: "95% CI of the mean change, from the t distribution", unit: "points", get: (r) => r.change?.ci95?.[0] },
    { name: "ci95_high", meaning: "its upper end", unit: "points", get: (r) => r.change?.ci95?.[1] },
    { name: "sd_change", meaning: "SD of the changes", unit: "points", get: (r) => r.change?.sd },
    { name: "cohens_dz", meaning: "mean / SD of the changes", get: (r) => r.change?.cohensDz },
    { name: "hedges_g", meaning: "d_z·(1 − 3/(4·df − 1)), df = n − 1", get: (r) => r.change?.hedgesG },
    { name: "norms", meaning: "the norms sources of the row's series, separated by ;", get: (r) => r.norms.join(";") },
    { name: "notes", meaning: "why the CI or effect sizes are empty; how to get verdicts when none got one for want of norms", get: notesOf },
  ],
});

/** A JSON.stringify replacer rounding every non-integer number to COHORT_DECIMALS, as the CSV rounds it. */
export const cohortNumbers = (_k: string, v: unknown): unknown => (typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v) ? Number(formatNumber(v)) : v);

/** The cohort rows as JSON, numbers rounded to COHORT_DECIMALS as in the CSV. */
export const cohortJson = (rows: readonly CohortRow[], by: readonly string[]): string =>
  JSON.stringify({ by: by.length === 0 ? null : by.length === 1 ? by[0] : by, decimals: COHORT_DECIMALS, rows }, cohortNumbers, 2) + "\n";
