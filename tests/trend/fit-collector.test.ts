/**
 * FitCollector against the way it worked before it was made cheaper (issue 14): `reference` below is that code,
 * working on the results directly (a Map of cells per rater, etrFor per session, every message made at once). On
 * random series (raters and families interleaved, dates out of order and written two ways, same-day repeats,
 * unscored results, bad dates, ETR tables with ties and repeated rows) families() must give the same values, and
 * families("lazy"), whose messages are made when read, the same rules, messages and JSON.
 */
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../scripts/prng.js";
import { formatDate, parseDate } from "../../src/dates.js";
import { getInstrument, scoreAdministration, type ScoreResult } from "../../src/index.js";
import { defaultRegistry } from "../../src/registry/registry.js";
import { eachFitRow, FIT_TABLE, fitRows } from "../../src/tables/fit.js";
import { DEFAULT_REVIEW_SESSIONS, DEFAULT_SRS_DROP, etrFor, FALLBACK_ORS_POINTS, FIT_RULES, FitCollector, fitMeasures, type EtrTable, type FitAlert, type FitFamily, type FitMeasure, type FitOptions, type FitSession } from "../../src/trend/fit.js";

const EPS = 1e-9;

/** The collector and families() as they were, on the results themselves. */
function reference(results: readonly ScoreResult[], opts: FitOptions): FitFamily[] {
  const measures = new Map((opts.measures ?? fitMeasures(defaultRegistry())).map((m) => [m.instrument, m]));
  type Cell = { date: string; ors: number | null; srs: number | null; srsBand: { concern: boolean; label: string } | null; below9: boolean; dupes: number };
  type Fam = { subjectId: string; respondent: string; family: string; outcome: FitMeasure | null; alliance: FitMeasure | null; cells: Map<string, Cell> };
  const fams = new Map<string, Fam>();
  for (const r of results) {
    const m = measures.get(r.instrument);
    if (!m || !r.subjectId || !r.administeredOn) continue;
    const total = r.scales.find((s) => s.scale === m.scale);
    if (!total) continue;
    const ymd = parseDate(r.administeredOn);
    if (!ymd) continue;
    const date = formatDate(ymd);
    const respondent = r.respondent ?? "";
    const key = JSON.stringify([r.subjectId, respondent, m.family]);
    let fam = fams.get(key);
    if (!fam) fams.set(key, (fam = { subjectId: r.subjectId, respondent, family: m.family, outcome: null, alliance: null, cells: new Map() }));
    if (m.role === "outcome") fam.outcome ??= m;
    else fam.alliance ??= m;
    let cell = fam.cells.get(date);
    if (!cell) fam.cells.set(date, (cell = { date, ors: null, srs: null, srsBand: null, below9: false, dupes: 0 }));
    const score = total.score;
    if (m.role === "outcome") {
      if (cell.ors !== null && score !== null) cell.dupes++;
      if (score !== null) cell.ors = score;
    } else {
      if (cell.srs !== null && score !== null) cell.dupes++;
      if (score !== null) {
        cell.srs = score;
        cell.srsBand = total.band ? { concern: total.band.concern, label: total.band.label } : null;
      }
      cell.below9 = m.itemFlag !== undefined && total.flags.includes(m.itemFlag);
    }
  }
  const reviewAt = opts.sessions ?? DEFAULT_REVIEW_SESSIONS;
  const drop = opts.srsDrop ?? DEFAULT_SRS_DROP;
  return [...fams.values()].map((fam) => {
    const cells = [...fam.cells.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const notes: string[] = [];
    const points = opts.orsPoints ?? fam.outcome?.points ?? FALLBACK_ORS_POINTS;
    const outcomeName = fam.outcome?.instrument.toUpperCase() ?? "outcome measure";
    const allianceName = fam.alliance?.instrument.toUpperCase() ?? "alliance measure";
    if (fam.outcome && opts.orsPoints === undefined && fam.outcome.points === undefined) notes.push(`${outcomeName} definition has no reliable-change size: the trivsel default of ${FALLBACK_ORS_POINTS} points is used`);
    const first = cells.find((c) => c.ors !== null);
    const intake = first ? { date: first.date, ors: first.ors! } : null;
    if (!intake) notes.push(`no ${fam.outcome ? outcomeName : "outcome measure (ORS, CORS)"}: outcome rules not applied`);
    if (fam.alliance && !fam.alliance.hasCutoff) notes.push(`${allianceName} has no cutoff in its definition: srs_below_cutoff not applied`);
    if (fam.alliance && fam.alliance.itemFlag === undefined) notes.push(`${allianceName} has no item rule in its definition: srs_item_below_9 not applied`);
    if (!opts.etr) notes.push("no ETR table in use: alerts rely on the reliable-change rules");
    let prevSrs: number | null = null;
    const sessions: FitSession[] = cells.map((c, i) => {
      const session = i + 1;
      const alerts: FitAlert[] = [];
      if (c.dupes) notes.push(`${c.date}: more than one ${outcomeName} or ${allianceName}; the last in the file is used`);
      const orsChange = c.ors !== null && intake && c.date >= intake.date ? c.ors - intake.ors : null;
      if (orsChange !== null && c.date > intake!.date) {
        if (orsChange <= -points + EPS) alerts.push({ rule: "ors_below_intake", message: `${outcomeName} ${c.ors} is ${-orsChange} points below intake ${intake!.ors} (reliable: ≥ ${points})` });
        else if (session >= reviewAt && orsChange < points - EPS)
          alerts.push({ rule: "no_reliable_improvement", message: `session ${session} (review from session ${reviewAt}): ${outcomeName} ${c.ors} is not ≥ ${points} points above intake ${intake!.ors}` });
      }
      let etr: FitSession["etr"] = null;
      if (opts.etr && intake && c.ors !== null) {
        etr = etrFor(opts.etr, intake.ors, session);
        if (etr && c.ors < etr.lower - EPS) alerts.push({ rule: "below_etr", message: `${outcomeName} ${c.ors} is below the ETR lower boundary ${etr.lower} for intake ${etr.tableIntake}, session ${session} (${opts.etr.name})` });
      }
      if (c.srs !== null) {
        if (c.srsBand?.concern) alerts.push({ rule: "srs_below_cutoff", message: `${allianceName} ${c.srs} (${c.srsBand.label})` });
        if (prevSrs !== null && prevSrs - c.srs >= drop - EPS) alerts.push({ rule: "srs_drop", message: `${allianceName} ${c.srs} dropped ${Math.round((prevSrs - c.srs) * 10) / 10} from ${prevSrs} at the previous session (alert from a drop of ${drop})` });
        prevSrs = c.srs;
      }
      if (c.below9) alerts.push({ rule: "srs_item_below_9", message: `a ${allianceName} line is below the item cutoff (flag ${fam.alliance!.itemFlag})` });
      return { session, date: c.date, ors: c.ors, srs: c.srs, orsChange, srsItemBelow9: c.below9, etr, alerts };
    });
    return {
      subjectId: fam.subjectId,
      respondent: fam.respondent,
      family: fam.family,
      outcomeInstrument: fam.outcome?.instrument ?? null,
      allianceInstrument: fam.alliance?.instrument ?? null,
      intake,
      sessions,
      current: sessions[sessions.length - 1]?.alerts ?? [],
      notes,
    };
  });
}

const INSTRUMENTS = ["ors", "srs", "cors", "csrs"] as const;

/** A random course: a few subjects and raters interleaved, dates in two spellings, out of order, some bad. */
function randomResults(rnd: () => number, n: number): ScoreResult[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: ScoreResult[] = [];
  for (let k = 0; k < n; k++) {
    const instrument = pick(INSTRUMENTS);
    const day = 1 + Math.floor(rnd() * 12);
    const date = rnd() < 0.05 ? pick(["2024-13-01", "soon"]) : rnd() < 0.2 ? `${day}.3.2024` : `2024-03-${String(day).padStart(2, "0")}`;
    const lines = [0, 1, 2, 3].map(() => (rnd() < 0.03 ? null : Math.round((instrument.endsWith("srs") ? 7 + rnd() * 3 : rnd() * 10) * 10) / 10));
    const respondent = pick(["mother", "father", "child", undefined]);
    const r = scoreAdministration(getInstrument(instrument), {
      instrument,
      subjectId: pick(["F1", "F2", "F3"]),
      administeredOn: date,
      ...(respondent !== undefined ? { respondent } : {}),
      responses: Object.fromEntries(lines.flatMap((v, i) => (v === null ? [] : [[`${instrument}_${i + 1}`, v]]))),
    });
    out.push(r);
    // the fast path hands on the same objects again: a result met twice is two administrations
    if (rnd() < 0.05) out.push(r);
  }
  return out;
}

/** A random ETR table: intakes that tie, repeated intake × session rows (the first counts), some sessions missing. */
function randomEtr(rnd: () => number): EtrTable {
  const rows: EtrTable["rows"] = [];
  for (const intake of [8, 12, 16, 16, 20.5, 30]) for (let session = 1; session <= 7; session++) if (rnd() < 0.85) rows.push({ intake, session, expected: intake + session, lower: intake - 4 + session * rnd() * 2 });
  return { rows, name: `etr-${rows.length}.csv` };
}

function randomOptions(rnd: () => number): FitOptions {
  return {
    sessions: 2 + Math.floor(rnd() * 6),
    ...(rnd() < 0.3 ? { srsDrop: [0.5, 2][Math.floor(rnd() * 2)]! } : {}),
    ...(rnd() < 0.3 ? { orsPoints: 3 } : {}),
    ...(rnd() < 0.5 ? { etr: randomEtr(rnd) } : {}),
  };
}

const collect = (results: readonly ScoreResult[], opts: FitOptions): FitCollector => {
  const c = new FitCollector(opts);
  for (const r of results) c.add(r);
  return c;
};

describe("FitCollector", () => {
  it("gives the families the code before it gave, on random series", () => {
    const met = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = mulberry32(seed);
      const results = randomResults(rnd, 20 + Math.floor(rnd() * 120));
      const opts = randomOptions(rnd);
      const got = [...collect(results, opts).families()];
      const want = reference(results, opts);
      expect(got, `seed ${seed}`).toEqual(want);
      expect(JSON.stringify(got), `seed ${seed}`).toBe(JSON.stringify(want));
      for (const f of want) {
        for (const s of f.sessions) for (const a of s.alerts) met.add(a.rule);
        for (const n of f.notes) met.add(n.replace(/^\d{4}-\d\d-\d\d: /, "").replace(/^[A-Z]+ /, ""));
        if (f.sessions.some((s) => s.ors === null) && f.sessions.some((s) => s.srs === null)) met.add("gaps");
      }
    }
    // the random series reach every rule, same-day repeats, raters without an outcome, and gaps
    expect([...met].sort()).toEqual(
      expect.arrayContaining(["below_etr", "no_reliable_improvement", "ors_below_intake", "srs_below_cutoff", "srs_drop", "srs_item_below_9", "gaps"]),
    );
    expect([...met].some((n) => n.startsWith("more than one"))).toBe(true);
    expect([...met].some((n) => n.startsWith("no outcome measure") || n.startsWith("no ORS") || n.startsWith("no CORS"))).toBe(true);
  });

  it("lazy messages: the same rules, messages and JSON as the ones made at once", () => {
    let lazyAlerts = 0;
    for (let seed = 100; seed <= 140; seed++) {
      const rnd = mulberry32(seed);
      const results = randomResults(rnd, 20 + Math.floor(rnd() * 120));
      const opts = randomOptions(rnd);
      const c = collect(results, opts);
      const eager = [...c.families()];
      const lazy = [...c.families("lazy")];
      expect(JSON.stringify(lazy), `seed ${seed}`).toBe(JSON.stringify(eager));
      expect(lazy.length).toBe(eager.length);
      lazy.forEach((f, i) =>
        f.sessions.forEach((s, j) => {
          const want = eager[i]!.sessions[j]!.alerts;
          expect(s.alerts.map((a) => [a.rule, a.message]), `seed ${seed}`).toEqual(want.map((a) => [a.rule, a.message]));
          for (const a of s.alerts) expect(JSON.stringify(a)).toBe(JSON.stringify({ rule: a.rule, message: a.message }));
          lazyAlerts += s.alerts.length;
        }),
      );
    }
    expect(lazyAlerts).toBeGreaterThan(100);
  });

  it("alerts of families() are plain objects with their message (spread, keys and equality see it)", () => {
    const rnd = mulberry32(7);
    const c = collect(randomResults(rnd, 150), { sessions: 2 });
    const alerts = [...c.families()].flatMap((f) => f.sessions.flatMap((s) => s.alerts));
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) expect(Object.keys({ ...a })).toEqual(["rule", "message"]);
  });

  it("sees results added after a first families(): new raters, dates before the ones read", () => {
    const rnd = mulberry32(11);
    const results = randomResults(rnd, 160);
    const c = new FitCollector({ sessions: 3 });
    results.slice(0, 80).forEach((r) => c.add(r));
    expect([...c.families()]).toEqual(reference(results.slice(0, 80), { sessions: 3 }));
    results.slice(80).forEach((r) => c.add(r));
    expect([...c.families()]).toEqual(reference(results, { sessions: 3 }));
  });

  it("eachFitRow gives fitRows' rows, one at a time, and shows each family first", () => {
    const c = collect(randomResults(mulberry32(3), 120), {});
    const families = [...c.families()];
    const seen: FitFamily[] = [];
    const got: [FitFamily, FitSession][] = [];
    for (const r of eachFitRow(families, (f) => seen.push(f))) got.push([r.family, r.session]);
    expect(got).toEqual(fitRows(families).map((r) => [r.family, r.session]));
    expect(seen).toEqual(families);
  });

  it("the table's alerts column: each list of rules joined, whatever lists came before (remembered joins)", () => {
    const column = FIT_TABLE.columns.find((c) => c.name === "alerts")!;
    const rnd = mulberry32(17);
    const rules: string[] = [...FIT_RULES, "a_rule_of_a_hand_made_row", "another_one"];
    for (let k = 0; k < 3000; k++) {
      // lists repeat, differ only in order, hold a rule twice or an unknown one, or are longer than any session's
      const n = rnd() < 0.1 ? 11 + Math.floor(rnd() * 15) : Math.floor(rnd() * 5);
      const alerts = Array.from({ length: n }, () => ({ rule: rules[Math.floor(rnd() * (rnd() < 0.2 ? rules.length : FIT_RULES.length))]!, message: "" })) as FitAlert[];
      const row = { family: {} as FitFamily, session: { alerts } as FitSession };
      expect(column.get(row)).toBe(alerts.map((a) => a.rule).join(";"));
    }
    // long lists that differ only at their end (a key of too many digits would make them one)
    for (const last of ["below_etr", "srs_item_below_9"] as const) {
      const alerts = [...Array.from({ length: 19 }, () => ({ rule: "srs_drop" as const, message: "" })), { rule: last, message: "" }];
      expect(column.get({ family: {} as FitFamily, session: { alerts } as unknown as FitSession })).toBe(`${"srs_drop;".repeat(19)}${last}`);
    }
  });
});
