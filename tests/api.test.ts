// The public surface: additions and removals to src/index.ts must be deliberate, and the built
// package must load both as ESM and through require().
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("public API", () => {
  it("exports exactly these names", () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "AnalysisInputError",
        "CATEGORIES",
        "ChoiceError",
        "DEFAULT_REVIEW_SESSIONS",
        "DEFAULT_SRS_DROP",
        "ExportError",
        "FIT_RULES",
        "FIT_TABLE",
        "FileError",
        "GOAL_STATUSES",
        "GOAL_TABLE",
        "GoalSchema",
        "GoalTargetSchema",
        "GoalValidationError",
        "GoalsFileSchema",
        "ISSUE_CODES",
        "InstrumentDefinitionError",
        "InstrumentSchema",
        "LONG_COLUMNS",
        "LONG_SCORE_COLUMNS",
        "META_COLUMNS",
        "OverlaySchema",
        "PSEUDONYM_ALPHABET",
        "ProvenanceSchema",
        "RCI_CRITICAL",
        "RULES",
        "Registry",
        "TREND_TABLE",
        "VERSION",
        "ZERO_SPREAD",
        "analyseTrends",
        "applyOverlay",
        "assessChange",
        "bandsFor",
        "buildSeries",
        "builtinInstruments",
        "calendarAge",
        "changeBasis",
        "chooseForm",
        "chooseInstrument",
        "chooseScale",
        "classifySeries",
        "clinicalCriterion",
        "cohortGrouping",
        "cohortSummary",
        "cohortTable",
        "columns",
        "csvCell",
        "csvLine",
        "defaultRegistry",
        "describeInstrument",
        "describeTarget",
        "etrFor",
        "evaluateGoal",
        "evaluateGoals",
        "exportCohort",
        "exportColumns",
        "fitMeasures",
        "fitRows",
        "fitSessions",
        "formatIssue",
        "formatNormsSource",
        "formatNumber",
        "getInstrument",
        "goalSampleNorms",
        "hasErrors",
        "inClinicalRange",
        "instrumentSummaries",
        "isScoredLong",
        "jacobsonTruax",
        "jacobsonTruaxCutoffs",
        "listInstruments",
        "loadInstrument",
        "longScoreLines",
        "looksLikeCpr",
        "olsSlope",
        "pairedStats",
        "parseDate",
        "parseEtrTable",
        "parseGoals",
        "parseGoalsText",
        "pseudonym",
        "rci",
        "readResults",
        "registryFromFiles",
        "respondentsByInstrument",
        "sampleNorms",
        "scaleDependsOnForm",
        "scaleItems",
        "scaleRange",
        "scoreAdministration",
        "scoreFile",
        "scoreMany",
        "sniff",
        "tQuantile",
        "theilSenSlope",
        "toCsv",
        "toRows",
        "validateGoals",
        "weakKey",
      ]
    `);
  });

  it("VERSION matches package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(api.VERSION).toBe(pkg.version);
  });

  it("the built package loads with require() and with import (dist is built by pretest)", () => {
    const root = new URL("..", import.meta.url).pathname;
    const cjs = execFileSync(process.execPath, ["-e", "const t = require('./dist/index.cjs'); console.log(t.listInstruments().length, t.getInstrument('pss').name)"], { cwd: root, encoding: "utf8" });
    expect(cjs.trim()).toBe("16 Parental Stress Scale");
    const esm = execFileSync(process.execPath, ["--input-type=module", "-e", "import { getInstrument } from './dist/index.js'; console.log(getInstrument('epds').scales.length)"], { cwd: root, encoding: "utf8" });
    expect(esm.trim()).toBe("2");
  });
});
