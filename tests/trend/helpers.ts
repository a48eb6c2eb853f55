import { getInstrument, scoreAdministration, type ScoreResult } from "../../src/index.js";

/** ORS scored by the real engine: four lines summed (0–40), adult form bands (clinical below 25). */
export function ors(subjectId: string, date: string, lines: [number, number, number, number], respondent = "mother"): ScoreResult {
  const [a, b, c, d] = lines;
  return scoreAdministration(getInstrument("ors"), { instrument: "ors", subjectId, administeredOn: date, respondent, responses: { ors_1: a, ors_2: b, ors_3: c, ors_4: d } });
}

/** A result with one scale and a given score; the direction is read from the real definition so tests follow it. */
export function fake(instrument: string, scale: string, subjectId: string, date: string, score: number | null, extra: { respondent?: string; concern?: boolean; form?: string } = {}): ScoreResult {
  const def = getInstrument(instrument).scales.find((s) => s.id === scale)!.def;
  return {
    instrument,
    instrumentName: instrument,
    definitionVersion: "test",
    form: extra.form ?? null,
    formRule: extra.form === undefined ? null : "form given",
    subjectId,
    administeredOn: date,
    respondent: extra.respondent ?? "mother",
    scales: [
      {
        scale,
        label: scale,
        score,
        status: score === null ? "not_scorable" : "scored",
        band: extra.concern === undefined ? null : { id: extra.concern ? "c" : "nc", label: "", concern: extra.concern, rule: "", source: { ref: "t", provenance: "policy" } },
        nAnswered: 0,
        nItems: 0,
        flags: [],
        direction: def.direction,
        rule: "",
        provisional: false,
      },
    ],
    issues: [],
    provisional: false,
  };
}
