import { z } from "zod";
import { addDays, calendarAge, type YMD } from "../dates.js";
import { makeIssue } from "../scoring/issues.js";
import type { Issue } from "../schema/results.js";
import type { FormSelectionRule } from "./types.js";
import { administrationDates } from "./administration-dates.js";
import { noForm } from "./no-form.js";

const Params = z
  .object({
    prematurity: z
      .object({
        termWeeks: z.number().int().describe("gestational age counted as full term"),
        minWeeksEarly: z.number().int().describe("correct only when born at least this many weeks early"),
        belowMonths: z.number().int().describe("correct only while chronological age is below this many months"),
        roundUpFromDays: z.number().int().min(1).max(6).describe("weeks+days: round up when days ≥ this"),
      })
      .strict()
      .optional(),
  })
  .strict();
type Params = z.output<typeof Params>;

/** Mean Gregorian month, used only when an age is given as decimal months instead of dates. */
export const DAYS_PER_MONTH = 30.4375;

type Age = { months: number; days: number };
const cmp = (a: Age, b: Age) => a.months - b.months || a.days - b.days;
const fmt = (a: Age) => `${a.months} m ${a.days} d`;

/** Gestational age "36", "35+4" or 35 → whole weeks by the rounding rule; null if unreadable. */
export function gestationalWeeks(value: string | number, roundUpFromDays: number): number | null {
  const text = String(value).trim();
  const m = /^(\d{2})(?:\s*\+\s*([0-6]))?$/.exec(text);
  if (!m) return null;
  const weeks = Number(m[1]);
  const days = m[2] === undefined ? 0 : Number(m[2]);
  if (weeks < 20 || weeks > 45) return null;
  return days >= roundUpFromDays ? weeks + 1 : weeks;
}

/**
 * Form chosen by the child's age at administration: each form declares an age window in months
 * and days; age is corrected for prematurity when the definition says so.
 */
export const ageWindow: FormSelectionRule<Params> = {
  type: "form-selection",
  name: "age-window",
  description:
    "Chooses the form whose age window (months and days, inclusive) holds the child's age at administration, " +
    "computed from birth_date and administered_on (or age_months), corrected for prematurity when configured.",
  params: Params,
  select({ instrumentId, forms, administration: a, params }) {
    const issues: Issue[] = [];
    const fail = (detail: string) => noForm(instrumentId, issues, detail);
    const { on, birth, refused } = administrationDates(a);
    if (refused) return fail(refused);
    if (a.birthDate && a.administeredOn && !on) return fail(`administered_on ${JSON.stringify(a.administeredOn)} is not a real date (yyyy-mm-dd)`);
    let age: Age;
    let how: string;
    if (birth && on) {
      const chrono = calendarAge(birth, on);
      if (!chrono) return fail(`administered_on ${a.administeredOn} is before birth_date ${a.birthDate}`);
      age = chrono;
      how = `age ${fmt(chrono)} from birth_date`;
      const pre = params.prematurity;
      if (pre && a.gestationalWeeks !== undefined && a.gestationalWeeks !== "") {
        const ga = gestationalWeeks(a.gestationalWeeks, pre.roundUpFromDays);
        if (ga === null)
          return fail(`gestational_weeks ${JSON.stringify(a.gestationalWeeks)} is not whole weeks (e.g. 36) or weeks+days (e.g. 35+4)`);
        const early = pre.termWeeks - ga;
        if (early >= pre.minWeeksEarly && chrono.months < pre.belowMonths) {
          const correctedBirth: YMD = addDays(birth, early * 7);
          const corrected = calendarAge(correctedBirth, on);
          if (!corrected) return fail(`corrected age is below zero (born ${early} weeks early)`);
          age = corrected;
          how = `corrected age ${fmt(corrected)} (chronological ${fmt(chrono)}, born ${early} weeks before ${pre.termWeeks} weeks)`;
          issues.push(makeIssue("prematurity_corrected", "info", { instrument: instrumentId, detail: how }));
        }
      }
    } else if (a.ageMonths !== undefined) {
      if (!(a.ageMonths >= 0)) return fail(`age_months ${a.ageMonths} is not a non-negative number`);
      if (params.prematurity && a.gestationalWeeks !== undefined && a.gestationalWeeks !== "")
        return fail("prematurity correction needs birth_date and administered_on, not age_months");
      const months = Math.floor(a.ageMonths);
      age = { months, days: Math.floor((a.ageMonths - months) * DAYS_PER_MONTH) };
      how = `age ${fmt(age)} from age_months ${a.ageMonths} (${DAYS_PER_MONTH} days a month)`;
    } else {
      return fail("give form, or birth_date with administered_on, or age_months");
    }
    let provisional = false;
    for (const f of forms) {
      if (!f.ageWindow) continue;
      if (cmp(age, f.ageWindow.from) >= 0 && cmp(age, f.ageWindow.to) <= 0) {
        provisional = f.ageWindow.source.provenance === "provisional";
        return {
          form: f.id,
          explanation: `${how}; window ${fmt(f.ageWindow.from)}–${fmt(f.ageWindow.to)}${provisional ? " (provisional)" : ""}`,
          issues,
          provisional,
        };
      }
    }
    const windows = forms
      .filter((f) => f.ageWindow)
      .map((f) => `${f.id}: ${fmt(f.ageWindow!.from)}–${fmt(f.ageWindow!.to)}`)
      .join(", ");
    issues.push(makeIssue("age_out_of_range", "error", { instrument: instrumentId, received: fmt(age), expected: windows }));
    return { form: null, explanation: how, issues, provisional };
  },
};
