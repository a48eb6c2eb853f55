/**
 * Makes the SYNTHETIC demo cohort in datasets/: 40 families followed from pregnancy to 9 months after birth.
 * Nothing here comes from real people. Run: npx tsx scripts/make-demo.ts
 *
 * Output is byte-identical on every run: one seeded PRNG (mulberry32, SEED below), no Math.random and
 * no clock. Changing anything that draws from the PRNG reshuffles every value after it; the deliberate
 * defects are printed with their spreadsheet row numbers so datasets/README.md can be updated.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "./prng.js";

export const SEED = 20261123;

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "datasets");

// ---------------------------------------------------------------- PRNG


const rand = mulberry32(SEED);
const uniform = (lo: number, hi: number): number => lo + (hi - lo) * rand();
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const chance = (p: number): boolean => rand() < p;
/** Box–Muller; draws two uniforms per call so the stream stays simple to reason about. */
function normal(sd = 1): number {
  const u = 1 - rand();
  const v = rand();
  return sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
function shuffle<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * n integers in [lo, hi] that sum exactly to `total` (clamped to the reachable range), scattered around the mean,
 * so every administration's total is the one the trajectory asked for.
 */
function itemsForTotal(total: number, n: number, lo: number, hi: number, sd: number): number[] {
  const t = clamp(Math.round(total), n * lo, n * hi);
  const v = Array.from({ length: n }, () => clamp(Math.round(t / n + normal(sd)), lo, hi));
  let diff = t - v.reduce((s, x) => s + x, 0);
  while (diff !== 0) {
    const i = Math.floor(rand() * n);
    if (diff > 0 && v[i]! < hi) {
      v[i]!++;
      diff--;
    } else if (diff < 0 && v[i]! > lo) {
      v[i]!--;
      diff++;
    }
  }
  return v;
}

// ---------------------------------------------------------------- dates (UTC day numbers, no clock)

type Day = number;
const day = (y: number, m: number, d: number): Day => Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
function ymd(n: Day): { y: number; m: number; d: number } {
  const dt = new Date(n * 86_400_000);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}
function iso(n: Day): string {
  const { y, m, d } = ymd(n);
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}
const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
/** Same calendar day `months` later, clamped to the month's end (as age calculators count). */
function addMonths(n: Day, months: number): Day {
  const { y, m, d } = ymd(n);
  const total = m - 1 + months;
  const yy = y + Math.floor(total / 12);
  const mm = (total % 12) + 1;
  return day(yy, mm, Math.min(d, daysIn(yy, mm)));
}
/** Completed months and left-over days between two dates. */
function calendarAge(birth: Day, on: Day): { months: number; days: number } {
  const b = ymd(birth);
  const o = ymd(on);
  let months = (o.y - b.y) * 12 + (o.m - b.m);
  if (addMonths(birth, months) > on) months -= 1;
  return { months, days: on - addMonths(birth, months) };
}
const ageIn = (a: { months: number; days: number }, from: readonly [number, number], to: readonly [number, number]): boolean =>
  (a.months > from[0] || (a.months === from[0] && a.days >= from[1])) && (a.months < to[0] || (a.months === to[0] && a.days <= to[1]));

// ---------------------------------------------------------------- columns

const ASQ_ITEMS = 22; // the 6-month form is scored with datasets/demo-asq-se-2-overlay.json (22 items, synthetic)
const INSTRUMENT_COLUMNS: ReadonlyArray<readonly [prefix: string, n: number]> = [
  ["adbb_", 8],
  ["pss_", 18],
  ["prfq_", 18],
  ["rfq8_", 8],
  ["epds_", 10],
  ["ors_", 4],
  ["srs_", 4],
];
const META = ["subject_id", "municipality", "administered_on", "respondent", "phase", "birth_date", "gestational_weeks", "form"] as const;
/** coded interviews and observations (issue 15): the coder of the row's coded instrument, then its ratings */
const CODER_COLUMNS = ["coder_id", "coder_certified"] as const;
const CODED_COLUMNS: ReadonlyArray<readonly [prefix: string, n: number]> = [
  ["pdirf_", 1],
  ["aairf_", 3],
  ["ems_", 3],
  ["nbo_", 20],
];
const COLUMNS: string[] = [
  ...META,
  ...CODER_COLUMNS,
  ...Array.from({ length: ASQ_ITEMS }, (_, i) => [`asqse2_${i + 1}`, `asqse2_${i + 1}_concern`]).flat(),
  ...INSTRUMENT_COLUMNS.flatMap(([p, n]) => Array.from({ length: n }, (_, i) => `${p}${i + 1}`)),
  ...CODED_COLUMNS.flatMap(([p, n]) => Array.from({ length: n }, (_, i) => `${p}${i + 1}`)),
];

type Respondent = "mother" | "father" | "health_visitor" | "family_consultant";
const RESPONDENT_ORDER: Respondent[] = ["mother", "father", "health_visitor", "family_consultant"];
type Trajectory = "improving" | "stable" | "deteriorating";

interface Row {
  family: Family;
  on: Day;
  respondent: Respondent;
  cells: Map<string, string>;
}

// ---------------------------------------------------------------- families

interface Family {
  id: string;
  municipality: string;
  birth: Day;
  ga: string;
  /** birth date shifted by the weeks of prematurity the ASQ:SE-2 rule corrects for */
  correctedBirth: Day;
  father: boolean;
  trajectory: Trajectory;
  sessions: Day[];
  end: Day;
}

const N_FAMILIES = 40;
const MUNICIPALITIES = ["Aarhus", "Odense", "Aalborg", "Vejle", "Esbjerg"];
const PRETERM = ["32+3", "34+5", "36+1", "36+5"]; // 36+5 rounds to 37: two weeks early, so not corrected

const trajectories: Trajectory[] = shuffle([
  ...Array<Trajectory>(20).fill("improving"),
  ...Array<Trajectory>(12).fill("stable"),
  ...Array<Trajectory>(8).fill("deteriorating"),
]);
const fatherAbsent = new Set(shuffle(Array.from({ length: N_FAMILIES }, (_, i) => i)).slice(0, 13));
const pretermAt = new Map(shuffle(Array.from({ length: N_FAMILIES }, (_, i) => i)).slice(0, PRETERM.length).map((f, k) => [f, PRETERM[k]!]));

function termGa(): string {
  const w = [37, 38, 38, 39, 39, 39, 40, 40, 40, 40, 41, 41][int(0, 11)]!;
  return `${w}+${int(0, 6)}`;
}

function makeFamily(i: number): Family {
  const ga = pretermAt.get(i) ?? termGa();
  const [w, d] = ga.split("+").map(Number) as [number, number];
  const gaDays = w * 7 + d;
  const birth = day(2025, 1, 13) + i * 7 + int(0, 6);
  const rounded = d >= 4 ? w + 1 : w;
  const early = 39 - rounded;
  const correctedBirth = early >= 3 ? birth + early * 7 : birth;
  const enrolGaDays = Math.min(26 * 7 + int(0, 34), gaDays - 28);
  const end = addMonths(birth, 9);
  const sessions: Day[] = [];
  for (let s = birth - (gaDays - enrolGaDays); s < birth; s += 7) sessions.push(s);
  const b0 = birth + int(2, 5);
  for (const k of [0, 7, 14, 21]) sessions.push(b0 + k);
  for (let s = b0 + 35; s <= end; s += 14) sessions.push(s);
  return {
    id: `F${String(i + 1).padStart(3, "0")}`,
    municipality: MUNICIPALITIES[int(0, MUNICIPALITIES.length - 1)]!,
    birth,
    ga,
    correctedBirth,
    father: !fatherAbsent.has(i),
    trajectory: trajectories[i]!,
    sessions,
    end,
  };
}

function phase(f: Family, on: Day): string {
  if (on < f.birth) return "pregnancy";
  const off = on - f.birth;
  if (off <= 6) return "birth";
  if (off <= 27) return "intensive";
  if (on >= f.end - 27) return "phase_out";
  return "support";
}

const nearestSession = (f: Family, target: Day): Day =>
  f.sessions.reduce((best, s) => (Math.abs(s - target) < Math.abs(best - target) ? s : best), f.sessions[0]!);

// ---------------------------------------------------------------- score models

/**
 * Last value from the first along the family's trajectory: `size` points toward better for improving, toward worse
 * for deteriorating; stable families drift by `drift` only. `dir` is +1 when higher is better, −1 when higher is worse.
 */
function lastOf(t: Trajectory, first: number, size: number, drift: number, dir: 1 | -1): number {
  if (t === "improving") return first + dir * size;
  if (t === "deteriorating") return first - dir * size;
  return first + drift;
}
const shape = (t: Trajectory, x: number): number => (t === "improving" ? Math.sqrt(x) : t === "deteriorating" ? x ** 1.4 : x);

const tenths = (n: number): string => `${Math.floor(n / 10)}.${n % 10}`;

const rows = new Map<string, Row>();
function cellsFor(f: Family, on: Day, respondent: Respondent): Map<string, string> {
  const key = `${f.id}|${on}|${respondent}`;
  let r = rows.get(key);
  if (!r) {
    r = { family: f, on, respondent, cells: new Map() };
    rows.set(key, r);
  }
  return r.cells;
}
function put(f: Family, on: Day, respondent: Respondent, prefix: string, values: readonly (string | number)[]): void {
  const cells = cellsFor(f, on, respondent);
  values.forEach((v, i) => cells.set(`${prefix}${i + 1}`, String(v)));
}

/** Where a deliberate defect will go, chosen while generating so the cell's context is known. */
interface DefectPlan {
  family: string;
  on: Day;
  respondent: Respondent;
  column: string;
  value: string;
  what: string;
}
const defects: DefectPlan[] = [];

function ors(f: Family, respondent: Respondent): void {
  const offset = respondent === "mother" ? 0 : respondent === "father" ? uniform(-1, 2) : uniform(-1.5, 1.5);
  const base = f.trajectory === "deteriorating" ? uniform(18, 22) : uniform(15, 21);
  const start = clamp(base + offset, 13, 24);
  const gap = f.trajectory === "improving" ? uniform(7, 13) : uniform(6, 9);
  const a = start;
  const b = lastOf(f.trajectory, start, gap, uniform(-2, 2), 1);
  const first = f.sessions[0]!;
  const span = f.sessions[f.sessions.length - 1]! - first;
  f.sessions.forEach((on, k) => {
    const last = k === f.sessions.length - 1;
    const x = (on - first) / span;
    const total = k === 0 ? a : last ? b : a + (b - a) * shape(f.trajectory, x) + normal(1.3);
    const items = itemsForTotal(clamp(total, 2, 39) * 10, 4, 0, 100, 9);
    put(f, on, respondent, "ors_", items.map(tenths));
  });
}

function srs(f: Family, respondent: Respondent): void {
  const base = f.trajectory === "deteriorating" ? uniform(36.4, 37.8) : uniform(36.8, 39.0);
  const lift = f.trajectory === "improving" ? uniform(0.3, 1.0) : 0;
  const span = f.sessions[f.sessions.length - 1]! - f.sessions[0]!;
  const pDip = f.trajectory === "deteriorating" ? 0.45 : f.trajectory === "stable" ? 0.12 : 0.08;
  const dipAt = chance(pDip) ? int(1, f.sessions.length - 2) : -1;
  const lowLineAt = chance(0.1) ? int(1, f.sessions.length - 2) : -1;
  f.sessions.forEach((on, k) => {
    let items: number[];
    if (k === dipAt) {
      items = itemsForTotal(uniform(31, 35.5) * 10, 4, 70, 100, 6);
    } else if (k === lowLineAt) {
      items = itemsForTotal(uniform(37.5, 39.5) * 10 - int(75, 88), 3, 93, 100, 2);
      items.splice(int(0, 3), 0, int(75, 88));
    } else {
      const total = clamp(base + lift * ((on - f.sessions[0]!) / span) + normal(0.5), 36, 40);
      items = itemsForTotal(total * 10, 4, 90, 100, 3);
    }
    put(f, on, respondent, "srs_", items.map(tenths));
  });
}

/** Berry PSS: stress-scored items 1–5 for an exact total; positive items are stored as printed (6 − x). */
const PSS_REVERSED = new Set([1, 2, 5, 6, 7, 8, 17, 18]);
function pssItems(total: number): number[] {
  return itemsForTotal(total, 18, 1, 5, 0.8).map((v, i) => (PSS_REVERSED.has(i + 1) ? 6 - v : v));
}

/** EPDS: item points 0–3 for an exact total of items 1–9, item 10 given; stored as box position (starred items 3 − x). */
const EPDS_STARRED = new Set([3, 5, 6, 7, 8, 9, 10]);
function epdsItems(total: number, item10: number): number[] {
  const points = [...itemsForTotal(total - item10, 9, 0, 3, 0.7), item10];
  return points.map((v, i) => (EPDS_STARRED.has(i + 1) ? 3 - v : v));
}

/** PRFQ: per-subscale means; items 11 and 18 are reverse-keyed, so stored as 8 − x. */
const PRFQ_SUBSCALES = [
  [1, 4, 7, 10, 13, 16],
  [2, 5, 8, 11, 14, 17],
  [3, 6, 9, 12, 15, 18],
];
function prfqItems(pm: number, cms: number, ic: number): number[] {
  const out = Array<number>(18).fill(0);
  [pm, cms, ic].forEach((mean, s) => {
    const vals = itemsForTotal(mean * 6 + normal(1), 6, 1, 7, 0.8);
    PRFQ_SUBSCALES[s]!.forEach((item, j) => {
      out[item - 1] = item === 11 || item === 18 ? 8 - vals[j]! : vals[j]!;
    });
  });
  return out;
}

/** RFQ-8 from a latent uncertainty u in [0, 1]: agreeing with 2, 4, 5, 6, 8 and disagreeing with 7 is uncertainty. */
function rfq8Items(u: number): number[] {
  const r = (mu: number) => clamp(Math.round(mu + normal(0.8)), 1, 7);
  return [1, 2, 3, 4, 5, 6, 7, 8].map((i) => (i === 1 || i === 3 ? r(1.5 + 3 * u) : i === 7 ? r(6 - 4 * u) : r(1.5 + 4 * u)));
}

/** ASQ:SE-2 answers for a total in points: letters Z/V/X (0/5/10) and a few concern ticks (+5 each). */
function asqItems(n: number, totalPoints: number, concerns: number): { answers: string[]; concern: boolean[] } {
  const units = itemsForTotal(Math.max(0, totalPoints / 5 - concerns), n, 0, 2, 0.45);
  const concern = Array<boolean>(n).fill(false);
  const candidates = shuffle(units.map((u, i) => (u > 0 ? i : -1)).filter((i) => i >= 0));
  for (const i of candidates.slice(0, concerns)) concern[i] = true;
  return { answers: units.map((u) => "ZVX"[u]!), concern };
}
function putAsq(f: Family, on: Day, a: { answers: (string | null)[]; concern: boolean[] }): void {
  const cells = cellsFor(f, on, "mother");
  a.answers.forEach((x, i) => {
    cells.set(`asqse2_${i + 1}`, x ?? "");
    if (a.concern[i]) cells.set(`asqse2_${i + 1}_concern`, "1");
  });
}

// ---------------------------------------------------------------- generate

const families = Array.from({ length: N_FAMILIES }, (_, i) => makeFamily(i));
// Families that carry the ASQ:SE-2 defect and the item-10 flags, fixed up front so their values can be shaped.
const asqDefectFamily = families.find((f) => f.trajectory === "improving" && !pretermAt.has(Number(f.id.slice(1)) - 1))!;
const selfHarm = new Set([
  ...families.filter((f) => f.trajectory === "deteriorating").slice(0, 2).map((f) => `${f.id}|end`),
  ...families.filter((f) => f.trajectory === "improving").slice(1, 2).map((f) => `${f.id}|intake`),
]);

for (const f of families) {
  const parents: Respondent[] = f.father ? ["mother", "father"] : ["mother"];
  const raters: Respondent[] = [...parents, "health_visitor", "family_consultant"];
  for (const r of raters) ors(f, r);
  for (const r of parents) srs(f, r);

  const intake = f.sessions[0]!;
  const early = f.sessions.find((s) => s - f.birth >= 7)!;
  const mid = nearestSession(f, f.birth + 137);
  const last = f.sessions[f.sessions.length - 1]!;

  // EPDS: pregnancy intake, mid, end; mother and father
  for (const r of parents) {
    const dad = r === "father" ? 2 : 0;
    const first =
      f.trajectory === "improving" ? int(11, 16) - dad : f.trajectory === "deteriorating" ? int(5, 9) - dad : int(4, 9) - dad;
    const a = first;
    const lastScore = clamp(lastOf(f.trajectory, first, int(5, 8), int(-2, 2), -1), 0, 28);
    const midScore = clamp(Math.round((a + lastScore) / 2 + normal(1)), 0, 28);
    const occasions: Array<[Day, number, string]> = [
      [intake, a, "intake"],
      [mid, midScore, "mid"],
      [last, lastScore, "end"],
    ];
    for (const [on, total, when] of occasions) {
      const item10 = r === "mother" && selfHarm.has(`${f.id}|${when}`) ? 1 : 0;
      put(f, on, r, "epds_", epdsItems(total, item10));
    }
  }

  // PSS: early intensive, mid, end; mother and father
  for (const r of parents) {
    const dad = r === "father" ? 3 : 0;
    const first =
      f.trajectory === "improving" ? int(46, 56) - dad : f.trajectory === "deteriorating" ? int(36, 46) - dad : int(34, 46) - dad;
    const a = first;
    const b = lastOf(f.trajectory, first, int(9, 14), int(-3, 3), -1);
    const m = Math.round((a + b) / 2 + normal(2));
    put(f, early, r, "pss_", pssItems(a));
    put(f, mid, r, "pss_", pssItems(m));
    put(f, last, r, "pss_", pssItems(b));
  }

  // PRFQ (mother): early intensive, mid, end; pre-mentalizing falls when things go well
  const pm0 = f.trajectory === "improving" ? uniform(2.6, 3.4) : uniform(1.9, 2.8);
  const pmGap = f.trajectory === "improving" ? -uniform(0.5, 1.0) : f.trajectory === "deteriorating" ? uniform(0.5, 1.0) : 0;
  const cms = uniform(3.8, 5.4);
  const ic = uniform(4.8, 6.2);
  put(f, early, "mother", "prfq_", prfqItems(pm0, cms, ic));
  put(f, mid, "mother", "prfq_", prfqItems(pm0 + pmGap / 2, cms + 0.2, ic));
  put(f, last, "mother", "prfq_", prfqItems(pm0 + pmGap, cms + 0.3, ic));

  // RFQ-8 (mother): intake, mid, end
  const u0 = f.trajectory === "improving" ? uniform(0.45, 0.65) : uniform(0.2, 0.4);
  const uGap = f.trajectory === "improving" ? -0.25 : f.trajectory === "deteriorating" ? 0.25 : 0;
  put(f, intake, "mother", "rfq8_", rfq8Items(u0));
  put(f, mid, "mother", "rfq8_", rfq8Items(u0 + uGap / 2));
  put(f, last, "mother", "rfq8_", rfq8Items(u0 + uGap));

  // ADBB (health visitor) at 2, 4 and 8 months of chronological age (the scale is not age-corrected)
  const adbbFirst = f.trajectory === "improving" ? int(5, 8) : f.trajectory === "deteriorating" ? int(1, 3) : int(1, 4);
  const adbbLast =
    f.trajectory === "improving"
      ? clamp(adbbFirst - int(3, 6), 0, 3)
      : f.trajectory === "deteriorating"
        ? adbbFirst + int(4, 6)
        : clamp(adbbFirst + int(-1, 1), 0, 4);
  const adbbMid = Math.round((adbbFirst + adbbLast) / 2 + normal(0.7));
  ([
    [2, adbbFirst],
    [4, clamp(adbbMid, 0, 12)],
    [8, adbbLast],
  ] as const).forEach(([months, total]) => {
    // first session from the month birthday on: the ADBB is validated from 2 months of age
    const on = f.sessions.find((s) => s >= addMonths(f.birth, months))!;
    put(f, on, "health_visitor", "adbb_", itemsForTotal(total, 8, 0, 4, 0.5));
  });

  // ASQ:SE-2 (mother) at corrected 2 and 6 months; the form is left for trivsel to pick by age
  const asqTotals: Record<Trajectory, [[number, number], [number, number]]> = {
    improving: [[3, 7], [1, 5]],
    stable: [[1, 5], [2, 6]],
    deteriorating: [[3, 6], [7, 12]],
  };
  ([
    ["2", 2, 16, [1, 0], [2, 30]],
    ["6", 6, ASQ_ITEMS, [3, 0], [8, 30]],
  ] as const).forEach(([form, months, n, from, to], k) => {
    const target = addMonths(f.correctedBirth, months) + int(0, 7);
    const candidates = [...f.sessions].sort((x, y) => Math.abs(x - target) - Math.abs(y - target) || x - y);
    const on = candidates.find((s) => ageIn(calendarAge(f.correctedBirth, s), from, to));
    if (on === undefined) throw new Error(`${f.id}: no session inside the ${form}-month ASQ:SE-2 window`);
    const [lo, hi] = asqTotals[f.trajectory][k]!;
    if (f === asqDefectFamily && form === "2") {
      // 35 points on the answered items, three unanswered: within 5 of the cutoff, so trivsel adjusts it
      const a = asqItems(n, 35, 0);
      const blanks = a.answers.map((x, i) => (x === "Z" ? i : -1)).filter((i) => i >= 0).slice(0, 3);
      const answers: (string | null)[] = [...a.answers];
      for (const i of blanks) {
        answers[i] = null;
        defects.push({ family: f.id, on, respondent: "mother", column: `asqse2_${i + 1}`, value: "", what: "missing ASQ:SE-2 answer (one of 3 on this form)" });
      }
      putAsq(f, on, { answers, concern: a.concern });
      return;
    }
    putAsq(f, on, asqItems(n, int(lo, hi) * 5, chance(0.25) ? 1 : 0));
  });
}

// ---------------------------------------------------------------- coded interviews and observations (issue 15)
// A PRNG stream of their own, so the questionnaire values above are the same as before they were added.
// Each coded administration sits on an existing row (a session date of its respondent), alone among coded
// instruments on that row, because the row's coder_id belongs to it.

const codedRand = mulberry32(SEED + 15);
const cInt = (lo: number, hi: number): number => lo + Math.floor(codedRand() * (hi - lo + 1));
const AAI_CODES = ["F", "Ds", "E", "U", "CC"] as const;
const ORGANIZED = ["F", "Ds", "E"] as const;
function coded(f: Family, on: Day, respondent: Respondent, coder: string, prefix: string, values: readonly (string | number)[]): void {
  const cells = cellsFor(f, on, respondent);
  if (cells.size === 0) throw new Error(`${f.id} ${iso(on)} ${respondent}: no questionnaire row for a coded administration`);
  cells.set("coder_id", coder);
  cells.set("coder_certified", "yes");
  put(f, on, respondent, prefix, values);
}

for (const f of families) {
  const parents: Respondent[] = f.father ? ["mother", "father"] : ["mother"];
  const s = f.sessions;
  const last = s[s.length - 1]!;
  for (const r of parents) {
    // PDI-RF: intake and end, overall RF only; moves with the family's trajectory (rarely above 5 in a risk sample)
    const rf0 = f.trajectory === "improving" ? cInt(2, 4) : cInt(3, 5);
    const rf1 = f.trajectory === "improving" ? rf0 + cInt(1, 2) : f.trajectory === "deteriorating" ? rf0 - 1 : rf0;
    coded(f, s[0]!, r, `rf-coder-${cInt(1, 2)}`, "pdirf_", [rf0]);
    coded(f, last, r, `rf-coder-${cInt(1, 2)}`, "pdirf_", [rf1]);
    // AAI once, at the second pregnancy session: RF near the PDI's, and a classification
    const main = AAI_CODES[cInt(0, 4)]!;
    const organized = main === "U" || main === "CC" ? ORGANIZED[cInt(0, 2)]! : "";
    coded(f, s[1]!, r, `rf-coder-${cInt(1, 2)}`, "aairf_", [clamp(rf0 + cInt(-1, 1), -1, 9), main, organized]);
    // EMS at the third pregnancy session and the one before the last: average, highest, lowest level 0–4
    const avg0 = cInt(1, 2);
    const avg1 = clamp(f.trajectory === "improving" ? avg0 + 1 : f.trajectory === "deteriorating" ? avg0 - 1 : avg0, 0, 4);
    for (const [on, avg] of [
      [s[2]!, avg0],
      [s[s.length - 2]!, avg1],
    ] as const)
      coded(f, on, r, "ems-rater-1", "ems_", [avg, clamp(avg + cInt(0, 1), 0, 4), clamp(avg - cInt(0, 1), 0, 4)]);
  }
  // NBO: the family consultant's first two sessions after the birth
  const after = s.filter((d) => d >= f.birth).slice(0, 2);
  const engagement = ["active", "some", "little"] as const;
  for (const on of after) {
    const done = Array.from({ length: 18 }, () => (cInt(0, 9) === 0 ? "no" : "yes"));
    coded(f, on, "family_consultant", `nbo-${cInt(1, 3)}`, "nbo_", [...done, engagement[cInt(0, 2)]!, f.father ? engagement[cInt(0, 2)]! : "absent"]);
  }
}

// ---------------------------------------------------------------- deliberate defects

/** A middle FIT session, or the mid questionnaire occasion, so first-vs-last comparisons stay clean. */
function midOccasion(f: Family): Day {
  return nearestSession(f, f.birth + 137);
}
const withFather = families.filter((f) => f.father);
const pick = (fs: Family[], k: number): Family => fs[k % fs.length]!;
const others = (used: Set<string>) => families.filter((f) => !used.has(f.id) && f !== asqDefectFamily);
const used = new Set<string>();
function plan(f: Family, on: Day, respondent: Respondent, column: string, value: string, what: string): void {
  used.add(f.id);
  defects.push({ family: f.id, on, respondent, column, value, what });
}
{
  let f = pick(others(used).filter((x) => x.trajectory === "stable"), 0);
  plan(f, midOccasion(f), "mother", "pss_13", "", "missing PSS item (the only gap in this administration)");
  f = pick(others(used).filter((x) => x.father), 3);
  plan(f, midOccasion(f), "father", "epds_7", "", "missing EPDS item");
  f = pick(others(used), 7);
  plan(f, f.sessions[Math.floor(f.sessions.length / 2)]!, "family_consultant", "ors_3", "", "missing ORS line");
  f = pick(others(used), 11);
  plan(f, midOccasion(f), "mother", "pss_6", "6", "out of range: PSS items are 1–5");
  f = pick(others(used), 15);
  plan(f, midOccasion(f), "mother", "prfq_7", "3?", "text in a numeric cell (PRFQ items are whole numbers 1–7)");
  f = pick(others(used).filter((x) => withFather.includes(x)), 19);
  plan(f, f.sessions[Math.floor(f.sessions.length / 3)]!, "father", "ors_2", "7.25", "two decimals: ORS lines are read to 0.1 (one millimetre)");
  // coded ratings (issue 15)
  f = pick(others(used).filter((x) => x.trajectory === "stable"), 1);
  plan(f, f.sessions[2]!, "mother", "coder_id", "", "EMS without its rater (coder_id empty)");
  f = pick(others(used).filter((x) => x.father), 5);
  plan(f, f.sessions[1]!, "father", "aairf_2", "D", "not an AAI classification code (F, Ds, E, U, CC)");
}
for (const d of defects) {
  const r = rows.get(`${d.family}|${d.on}|${d.respondent}`);
  if (!r || !r.cells.has(d.column)) throw new Error(`defect target missing: ${JSON.stringify(d)}`);
  r.cells.set(d.column, d.value);
}

// ---------------------------------------------------------------- write

const sorted = [...rows.values()].sort(
  (a, b) =>
    a.family.id.localeCompare(b.family.id) || a.on - b.on || RESPONDENT_ORDER.indexOf(a.respondent) - RESPONDENT_ORDER.indexOf(b.respondent),
);
const quote = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const lines = [COLUMNS.join(",")];
for (const r of sorted) {
  const f = r.family;
  const meta: Record<(typeof META)[number], string> = {
    subject_id: f.id,
    municipality: f.municipality,
    administered_on: iso(r.on),
    respondent: r.respondent,
    phase: phase(f, r.on),
    birth_date: iso(f.birth),
    gestational_weeks: f.ga,
    form: "",
  };
  lines.push(COLUMNS.map((c) => quote((meta as Record<string, string>)[c] ?? r.cells.get(c) ?? "")).join(","));
}
mkdirSync(OUT_DIR, { recursive: true });
const csv = lines.join("\n") + "\n";
writeFileSync(join(OUT_DIR, "demo-cohort.csv"), csv, "utf8");
writeFileSync(
  join(OUT_DIR, "demo-cohort-truth.csv"),
  ["subject_id,trajectory", ...families.map((f) => `${f.id},${f.trajectory}`)].join("\n") + "\n",
  "utf8",
);

console.log(`demo-cohort.csv: ${sorted.length} rows + header, ${COLUMNS.length} columns, ${Buffer.byteLength(csv)} bytes`);
console.log("| Row | subject_id | administered_on | respondent | Column | Value | What is wrong |");
console.log("|---|---|---|---|---|---|---|");
for (const d of [...defects].sort((a, b) => a.family.localeCompare(b.family) || a.column.localeCompare(b.column, "en", { numeric: true }))) {
  const row = sorted.findIndex((r) => r.family.id === d.family && r.on === d.on && r.respondent === d.respondent) + 2;
  console.log(`| ${row} | ${d.family} | ${iso(d.on)} | ${d.respondent} | ${d.column} | ${d.value === "" ? "(empty)" : `\`${d.value}\``} | ${d.what} |`);
}
