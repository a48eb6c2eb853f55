/**
 * Invariants of the definition files in instruments/ (read from disk, not the bundled copies), the
 * loader's rejection of broken definitions, the generated docs being up to date, and a user-written
 * definition (tests/fixtures/user-definitions/demo-4.json) loading and scoring.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  generatedFiles,
  instrumentJsonSchema,
  instrumentSummaryTable,
  instrumentTable,
  jsonText,
  README_MARKERS,
  replaceBetweenMarkers,
} from "../src/docs/generate.js";
import { InstrumentDefinitionError, getInstrument, listInstruments, loadInstrument, scoreAdministration } from "../src/index.js";
import { BUILTIN_DEFINITIONS } from "../src/registry/builtin.js";
import { definitionHash, loadDefinitions, validatedBuiltins, type ValidatedDefinition } from "../src/registry/registry.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DIR = `${ROOT}instruments/`;
const DEMO_FILE = "tests/fixtures/user-definitions/demo-4.json";

type Json = Record<string, any>;

const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".json") && !f.endsWith(".schema.json"))
  .sort();
const readJson = (path: string): Json => JSON.parse(readFileSync(path, "utf8")) as Json;
const readDef = (file: string): Json => readJson(DIR + file);
const committedSchema = () => z.fromJSONSchema(readJson(`${DIR}instrument.schema.json`));

/** Every object with a provenance is a source (including a scale's key); collect their refs. */
function sourceRefs(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((x) => sourceRefs(x, out));
  else if (node && typeof node === "object") {
    const rec = node as Json;
    if (typeof rec.provenance === "string" && typeof rec.ref === "string") out.add(rec.ref);
    Object.values(rec).forEach((x) => sourceRefs(x, out));
  }
  return out;
}

/** The band sets of a raw definition with where they sit, for an order check independent of the loader. */
function bandSets(def: Json): { where: string; bands: Json[] }[] {
  const out: { where: string; bands: Json[] }[] = [];
  (def.scales as Json[]).forEach((s, i) => s.bands && out.push({ where: `scales[${i}].bands`, bands: s.bands.bands }));
  ((def.forms ?? []) as Json[]).forEach((f, i) =>
    Object.entries((f.bands ?? {}) as Record<string, Json>).forEach(([s, set]) => out.push({ where: `forms[${i}].bands.${s}`, bands: set.bands })),
  );
  return out;
}

function bandOrderProblems(bands: Json[]): string[] {
  const out: string[] = [];
  bands.forEach((b, i) => {
    if (b.lower && b.upper && b.lower.value >= b.upper.value) out.push(`${i}: empty`);
    if (i === 0) return;
    const prev = bands[i - 1]!;
    if (!prev.upper || !b.lower) out.push(`${i}: not adjacent to the previous band`);
    else if (prev.upper.value !== b.lower.value) out.push(`${i}: gap or overlap at ${prev.upper.value}/${b.lower.value}`);
    else if (prev.upper.inclusive === b.lower.inclusive) out.push(`${i}: edge ${b.lower.value} is in both or neither band`);
  });
  return out;
}

describe("instruments/*.json", () => {
  it("are exactly the bundled built-ins", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(12);
    expect(FILES.map((f) => f.replace(/\.json$/, ""))).toEqual(
      listInstruments()
        .map((i) => i.id)
        .sort(),
    );
  });

  describe.each(FILES)("%s", (file) => {
    const def = readDef(file);

    it("loads, and its id is its file name", () => {
      const inst = loadInstrument(def, { file: `instruments/${file}` });
      expect(inst.id).toBe(file.replace(/\.json$/, ""));
      expect(def.id).toBe(file.replace(/\.json$/, ""));
    });

    it('points "$schema" at ./instrument.schema.json and validates against it', () => {
      expect(def.$schema).toBe("./instrument.schema.json");
      const r = committedSchema().safeParse(def);
      expect(r.success ? "" : z.prettifyError(r.error)).toBe("");
    });

    it("cites every reference in some source, and every source's ref exists", () => {
      const refs: string[] = (def.references as Json[]).map((r) => r.id);
      const cited = sourceRefs(def);
      expect(refs.filter((r) => !cited.has(r)), "references no source cites").toEqual([]);
      expect([...cited].filter((r) => !refs.includes(r)), "sources citing an unknown reference").toEqual([]);
    });

    it("has item labels of at most 80 characters", () => {
      const long = (def.items as Json[]).filter((it) => it.label.length > 80).map((it) => it.id);
      expect(long).toEqual([]);
    });

    it("has every band set ordered, without gaps or overlaps", () => {
      const problems = bandSets(def).flatMap(({ where, bands }) => bandOrderProblems(bands).map((p) => `${where}[${p}`));
      expect(problems).toEqual([]);
    });
  });
});

/** The InstrumentDefinitionError a broken copy raises; fails the test when it loads. */
function rejection(json: unknown, file: string): InstrumentDefinitionError {
  try {
    loadInstrument(json, { file });
  } catch (e) {
    if (e instanceof InstrumentDefinitionError) return e;
    throw e;
  }
  throw new Error(`${file}: a broken copy loaded`);
}

describe("the loader rejects a broken copy, naming the field", () => {
  // epds.json: scales[0] is the total with bands < 10 | ≥ 10 and < 13 | ≥ 13; items[2] is epds_3 reversed.
  const epds = () => readDef("epds.json");

  it("overlapping bands", () => {
    const d = epds();
    d.scales[0].bands.bands[1].lower.value = 9;
    const e = rejection(d, "epds-overlap.json");
    expect(e.message).toContain("epds-overlap.json");
    expect(e.message).toContain("scales[0].bands[1].lower");
    expect(e.message).toContain("gap or overlap");
  });

  it("a gap between bands", () => {
    const d = epds();
    d.scales[0].bands.bands[1].lower.value = 11;
    const e = rejection(d, "epds-gap.json");
    expect(e.message).toContain("scales[0].bands[1].lower: 11 does not meet the previous band's upper bound 10");
  });

  it("both bounds inclusive at an edge", () => {
    const d = epds();
    d.scales[0].bands.bands[0].upper.inclusive = true;
    const e = rejection(d, "epds-edge.json");
    expect(e.message).toContain("scales[0].bands[1].lower: at 10 exactly one of the two adjacent bounds must be inclusive");
  });

  it("a form's band set with neither bound inclusive at an edge", () => {
    const d = readDef("ors.json"); // forms[0] is "adult": < 25 clinical | ≥ 25 non_clinical
    d.forms[0].bands.total.bands[1].lower.inclusive = false;
    const e = rejection(d, "ors-edge.json");
    expect(e.message).toContain("forms[0].bands.total.bands[1].lower: at 25 exactly one");
  });

  it("a FIT item flag that is not a flag of the scale", () => {
    const d = readDef("srs.json");
    d.scales[0].fit.itemFlag = "srs_line_below_8";
    const e = rejection(d, "srs-fit.json");
    expect(e.message).toContain('scales[0].fit.itemFlag: "srs_line_below_8" is not a flag of this scale (srs_item_below_9)');
  });

  it("an unknown item in a scale", () => {
    const d = epds();
    d.scales[0].items[0] = "epds_11";
    const e = rejection(d, "epds-item.json");
    expect(e.message).toContain('scales[0].items[0]: "epds_11" is not an item');
  });

  it("an unknown recode", () => {
    const d = epds();
    d.scales[0].items[2] = { item: "epds_3", recode: "reversed" };
    const e = rejection(d, "epds-recode.json");
    expect(e.message).toContain('scales[0].items[2].recode: "reversed" is not in recodes');
  });

  it("an unknown missing-item rule, and a form-selection rule used as one", () => {
    const d = readDef("asq-se-2.json");
    d.scales[0].missing.rule = "adjust-near-cutof";
    expect(rejection(d, "asq-rule.json").message).toContain('scales[0].missing.rule: "adjust-near-cutof" is not a missing-item rule');
    d.scales[0].missing.rule = "age-window";
    expect(rejection(d, "asq-rule.json").message).toContain('scales[0].missing.rule: "age-window" is not a missing-item rule');
  });

  it("an unknown form-selection rule", () => {
    const d = readDef("asq-se-2.json");
    d.formSelection.rule = "age";
    expect(rejection(d, "asq-form-rule.json").message).toContain('formSelection.rule: "age" is not a form-selection rule');
  });

  it("a map recode missing a value", () => {
    const d = readDef("rfq-8.json"); // scales[0] items are all recoded with map "certainty" over responses 1–7
    delete d.recodes.certainty.map["7"];
    const e = rejection(d, "rfq8-map.json");
    expect(e.message).toContain('scales[0].items[0].recode: map "certainty" has no value for response 7');
  });

  it("a source citing a missing reference", () => {
    const d = epds();
    d.references = d.references.filter((r: Json) => r.id !== "matthey2004");
    const e = rejection(d, "epds-ref.json");
    expect(e.message).toContain('scales[0].reliableChange.source.ref: "matthey2004" is not in references');
  });

  it("a value the schema forbids, with the zod path", () => {
    const d = epds();
    d.scales[1].direction = "up";
    const e = rejection(d, "epds-direction.json");
    expect(e.message).toContain("scales[1].direction");
  });
});

describe("generated files", () => {
  it.each(Object.entries(generatedFiles(listInstruments())))("%s is a fresh generation (run `npm run gen`)", (rel, fresh) => {
    expect(readFileSync(ROOT + rel, "utf8"), `${rel} is stale: run npm run gen`).toBe(fresh);
  });

  it("the JSON Schema treats defaulted fields as optional and is stable", () => {
    const s = instrumentJsonSchema() as { required: string[] };
    expect(s.required).toContain("scales");
    expect(s.required).not.toContain("forms");
    expect(s.required).not.toContain("notes");
    expect(jsonText(instrumentJsonSchema())).toBe(jsonText(s));
  });

  it("rejects through the JSON Schema what the loader rejects in the schema", () => {
    const d = readDef("epds.json");
    d.scales[0].aggregate = "total";
    const r = committedSchema().safeParse(d);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["scales", 0, "aggregate"]);
  });

  it("replaces only the text between the README markers", () => {
    const { start, end } = README_MARKERS;
    const once = replaceBetweenMarkers(`# t\n${start}\nold\n${end}\ntail\n`, "| a |\n");
    expect(once).toBe(`# t\n${start}\n| a |\n${end}\ntail\n`);
    expect(replaceBetweenMarkers(once!, "| a |\n")).toBe(once);
    expect(replaceBetweenMarkers("# no markers\n", "| a |\n")).toBeNull();
    expect(replaceBetweenMarkers(`${end}\n${start}\n`, "x")).toBeNull();
  });

  it("tables show bounds and provenance, and mark provisional numbers", () => {
    const md = instrumentTable([getInstrument("epds"), getInstrument("m-adbb")]);
    // epds.json: ≥ 13 probable depression, published (Cox 1987); m-adbb.json: ≥ 2 from a secondary source, provisional
    expect(md).toContain("≥ 13 `probable_depression` (concern) | published (cox1987: recommended thresholds");
    expect(md).toContain("≥ 2 `possible_withdrawal` (concern) | **provisional** (frontiers2022:");
    expect(md).toContain("| `total` | 4 | published (matthey2004: abstract: reliable change of 4 points) |");
    const summary = instrumentSummaryTable([getInstrument("ors")]);
    expect(summary).toContain("total, form adult: < 25 `clinical` (secondary)<br>total, form adolescent: < 28 `clinical` (**provisional**)");
  });
});

describe("a user definition (tests/fixtures/user-definitions/demo-4.json)", () => {
  const demo = () => readJson(ROOT + DEMO_FILE);

  it("validates against the JSON Schema it names", () => {
    const d = demo();
    expect(d.$schema).toBe("../../../instruments/instrument.schema.json");
    expect(committedSchema().safeParse(d).success).toBe(true);
  });

  it("loads and scores a hand-worked case", () => {
    const inst = loadInstrument(demo(), { file: DEMO_FILE });
    // 2 + 3 + (0 + 3 − 1 = 2, item 3 reversed) + 0 = 7: in [6, 9), band "raised"
    const r = scoreAdministration(inst, { instrument: "demo-4", responses: { demo4_1: 2, demo4_2: "3", demo4_3: 1, demo4_4: 0 } });
    const total = r.scales[0]!;
    expect(total.score).toBe(7);
    expect(total.status).toBe("scored");
    expect(total.band?.id).toBe("raised");
    expect(total.band?.rule).toBe("≥ 6 and < 9");
    expect(total.flags).toEqual(["provisional_cutoff"]);
    expect(r.issues).toEqual([]);
  });

  it("prorates one missing item and refuses two", () => {
    const inst = loadInstrument(demo(), { file: DEMO_FILE });
    // answered 2, 3, 2 (item 3 reversed): mean 7/3 × 4 items = 28/3 ≈ 9.33, ≥ 9: band "high"
    const one = scoreAdministration(inst, { instrument: "demo-4", responses: { demo4_1: 2, demo4_2: 3, demo4_3: 1, demo4_4: "" } });
    expect(one.scales[0]!.score).toBeCloseTo(28 / 3, 10);
    expect(one.scales[0]!.status).toBe("prorated");
    expect(one.scales[0]!.band?.id).toBe("high");
    expect(one.issues.map((i) => i.code)).toEqual(["missing_adjusted"]);
    // the texts are written once (src/scoring/kernel.ts, applyMissing), for both paths: pinned here
    expect(one.issues[0]!.message).toBe("total: 1 of 4 items missing; prorated: mean of answered × number of items");
    expect(one.scales[0]!.rule).toBe("sum of 4 items (demo4_3 reverse); missing: prorated up to 1 missing");
    const two = scoreAdministration(inst, { instrument: "demo-4", responses: { demo4_1: 2, demo4_2: 3 } });
    expect(two.scales[0]!.score).toBeNull();
    expect(two.scales[0]!.status).toBe("not_scorable");
    expect(two.issues.map((i) => i.code)).toEqual(["too_many_missing"]);
    expect(two.issues[0]!.message).toBe("total: 2 of 4 items missing (demo4_3, demo4_4); at most 1 may be missing");
    const pss: Record<string, number> = {};
    for (let i = 1; i <= 18; i++) if (i !== 4 && i !== 9) pss[`pss_${i}`] = 2;
    expect(scoreAdministration(getInstrument("pss"), { instrument: "pss", responses: pss }).issues[0]!.message).toBe("total: 2 of 18 items missing (pss_4, pss_9); every item is required");
  });

  it('rejects aggregate "total", naming the field', () => {
    const d = demo();
    d.scales[0].aggregate = "total";
    const e = rejection(d, DEMO_FILE);
    expect(e.message).toContain(DEMO_FILE);
    expect(e.message).toContain("scales[0].aggregate");
  });
});

describe("a user-written coded definition (tests/fixtures/user-definitions/demo-coded.json)", () => {
  const FILE = "tests/fixtures/user-definitions/demo-coded.json";
  const coded = () => readJson(ROOT + FILE);
  const score = (responses: Record<string, string>, coder: { coderId?: string; coderCertified?: boolean } = { coderId: "c1", coderCertified: true }) =>
    scoreAdministration(loadInstrument(coded(), { file: FILE }), { instrument: "demo-coded", ...coder, responses });

  it("validates against the JSON Schema it names", () => {
    expect(committedSchema().safeParse(coded()).success).toBe(true);
  });

  it("takes the coder's rating as it is, bands it, and reports the classification as a code", () => {
    const r = score({ democ_1: "2.5", democ_2: "B" });
    expect(r.scales[0]).toMatchObject({ score: 2.5, status: "scored", flags: [] });
    expect(r.scales[0]!.band?.id).toBe("low");
    expect(r.classifications).toEqual([{ item: "democ_2", label: "style", code: "B", meaning: "second style", flags: [], source: { ref: "demo", provenance: "policy" } }]);
    expect(r.issues).toEqual([]);
    // 3 is the lower edge of "ordinary" (inclusive)
    expect(score({ democ_1: "3", democ_2: "A" }).scales[0]!.band?.id).toBe("ordinary");
  });

  it("an off-step or out-of-range rating and an unknown code are issues, never coerced", () => {
    const off = score({ democ_1: "2.25", democ_2: "D" });
    expect(off.scales[0]!.score).toBeNull();
    expect(off.issues.map((i) => i.code)).toEqual(["off_step", "unknown_code", "not_scorable"]);
    expect(off.classifications![0]!.code).toBeNull();
    expect(score({ democ_1: "7.5", democ_2: "A" }).issues.map((i) => i.code)).toEqual(["out_of_range", "not_scorable"]);
  });

  it("a missing coder is a warning and a flag on the score and the code", () => {
    const r = score({ democ_1: "5", democ_2: "C" }, {});
    expect(r.scales[0]).toMatchObject({ score: 5, flags: ["coder_missing"] });
    expect(r.classifications![0]!.flags).toEqual(["coder_missing"]);
    expect(r.issues.map((i) => [i.code, i.severity])).toEqual([["coder_missing", "warning"]]);
  });

  it("rejects a classification on a scale, naming the field", () => {
    const d = coded();
    d.scales[0].items = ["democ_1", "democ_2"];
    const e = rejection(d, FILE);
    expect(e.message).toContain('scales[0].items: "democ_2" is a classification');
  });

  it("rejects a coding block without its source", () => {
    const d = coded();
    delete d.coding.source;
    expect(rejection(d, FILE).message).toContain("coding.source");
  });
});

describe("the built-in definitions validated once (src/registry/builtin-validated.json)", () => {
  const KEPT = "src/registry/builtin-validated.json";
  const kept = (): Record<string, ValidatedDefinition> => JSON.parse(readFileSync(ROOT + KEPT, "utf8")) as Record<string, ValidatedDefinition>;

  it("is a fresh generation: every definition's hash and its parse by today's schema (run `npm run gen`)", () => {
    expect(readFileSync(ROOT + KEPT, "utf8"), `${KEPT} is stale: run npm run gen`).toBe(validatedBuiltins());
    expect(Object.keys(kept()).sort()).toEqual(BUILTIN_DEFINITIONS.map(([f]) => f).sort());
  });

  it.each(BUILTIN_DEFINITIONS.map(([f, json]) => [f, json] as const))("%s: the kept form survives JSON unchanged, and the registry's instrument is the validated one", (file, json) => {
    const validatedNow = loadInstrument(json, { file });
    expect(JSON.parse(JSON.stringify(validatedNow.def))).toStrictEqual(validatedNow.def);
    const fromCache = listInstruments().find((i) => i.id === validatedNow.id)!;
    expect(fromCache.def).toStrictEqual(validatedNow.def);
    expect(fromCache.forms).toStrictEqual(validatedNow.forms);
    expect(fromCache.columns).toStrictEqual(validatedNow.columns);
  });

  it("takes the kept form only for a definition with the kept hash; a changed one is validated (and may be refused)", () => {
    const cache = kept();
    const pss = BUILTIN_DEFINITIONS.find(([f]) => f === "pss.json")![1] as Json;
    const [same] = loadDefinitions([["pss.json", pss]], cache);
    expect(same!.def).toStrictEqual(cache["pss.json"]!.def);
    expect(definitionHash(pss)).toBe(cache["pss.json"]!.sha256);
    // a changed definition under a kept name: validated, so a broken one is refused rather than taken from the cache
    const broken = structuredClone(pss);
    broken.scales[0].direction = "up";
    expect(() => loadDefinitions([["pss.json", broken]], cache)).toThrow(InstrumentDefinitionError);
    // a valid change is validated and used, not the kept form
    const renamed = structuredClone(pss);
    renamed.name = "PSS, changed";
    expect(loadDefinitions([["pss.json", renamed]], cache)[0]!.name).toBe("PSS, changed");
    // a kept form under another file's name is not used for this one
    expect(loadDefinitions([["epds.json", pss]], { "epds.json": cache["epds.json"]! })[0]!.id).toBe("pss");
  });
});
