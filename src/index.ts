/**
 * trivsel: scoring, progression analysis and exports for questionnaires in intensive family interventions.
 * The public surface, grouped by area.
 */

// Instruments
export { InstrumentSchema, OverlaySchema, ProvenanceSchema } from "./schema/instrument.js";
export type { InstrumentDef, InstrumentInput, OverlayDef, Provenance, Band, BandSet, Norm, ScaleDef, FormDef, Source, FitRole, Coding } from "./schema/instrument.js";
export { loadInstrument, InstrumentDefinitionError, scaleRange, scaleItems, bandsFor, scaleDependsOnForm } from "./registry/load.js";
export type { Instrument, Item, Scale } from "./registry/load.js";
export { applyOverlay } from "./registry/overlay.js";
export { Registry, defaultRegistry, listInstruments, getInstrument, builtinInstruments } from "./registry/registry.js";
export { RULES } from "./rules/index.js";
export { chooseInstrument, chooseScale, chooseForm } from "./registry/choose.js";
export { describeInstrument, instrumentSummaries } from "./registry/describe.js";
export { registryFromFiles } from "./io/option-files.js";
export type { RegistryFiles } from "./io/option-files.js";
export { ChoiceError } from "./choice.js";

// Scoring
export { scoreAdministration } from "./scoring/score.js";
export { scoreMany } from "./scoring/many.js";
export { hasErrors } from "./scoring/issues.js";
export { ISSUE_CODES } from "./schema/results.js";
export type { Administration, ScoreResult, ScaleResult, Issue, IssueCode, ScaleStatus, AppliedBand, ItemValue, ClassificationResult } from "./schema/results.js";

// CSV and files
export { scoreFile } from "./io/score-file.js";
export type { Input, ScoreSink, ScoreSummary, ScoredAdministration, ScoreFileOptions } from "./io/score-file.js";
export { FileError, META_COLUMNS, LONG_COLUMNS } from "./io/rows.js";
export { csvCell, csvLine, formatNumber, sniff } from "./io/csv.js";
export { LONG_SCORE_COLUMNS, longScoreLines, formatIssue } from "./io/formats.js";
export { parseDate, calendarAge } from "./dates.js";

// Exports
export { exportCohort, exportColumns, pseudonym, looksLikeCpr, weakKey, PSEUDONYM_ALPHABET, ExportError } from "./export/cohort.js";

export { VERSION } from "./version.js";

// Output tables: one declaration per table, for CSV, JSON, data dictionaries and help
export { columns, toRows, toCsv } from "./tables/table.js";
export type { Table, Column, Cell } from "./tables/table.js";
export { TREND_TABLE } from "./tables/trend.js";
export { FIT_TABLE, fitRows } from "./tables/fit.js";
export type { FitRow } from "./tables/fit.js";
export { GOAL_TABLE } from "./tables/goals.js";
export { cohortTable } from "./tables/cohort.js";

// Trend
export { buildSeries } from "./trend/series.js";
export { AnalysisInputError } from "./trend/input.js";
export type { Series, SeriesPoint, SeriesOptions, SeriesSkip, Reference } from "./trend/series.js";
export { jacobsonTruax, rci, changeBasis, assessChange, formatNormsSource, RCI_CRITICAL } from "./trend/reliable-change.js";
export type { JacobsonTruax, ChangeBasis, UserNorms, ReliableVerdict, ChangeResult, NormsSource } from "./trend/reliable-change.js";
export { jacobsonTruaxCutoffs, clinicalCriterion, inClinicalRange } from "./trend/clinical-significance.js";
export type { Cutoffs, Criterion } from "./trend/clinical-significance.js";
export { olsSlope, theilSenSlope } from "./trend/slope.js";
export type { OlsSlope, XY } from "./trend/slope.js";
export { classifySeries, analyseTrends, sampleNorms, CATEGORIES, ZERO_SPREAD } from "./trend/classify.js";
export type { Category, Step, TrendAnalysis, ClassifyOptions, SampleNorms } from "./trend/classify.js";
export { fitSessions, fitMeasures, parseEtrTable, etrFor, FIT_RULES, DEFAULT_REVIEW_SESSIONS, DEFAULT_SRS_DROP } from "./trend/fit.js";
export type { FitAlert, FitFamily, FitSession, FitOptions, FitRule, FitMeasure, EtrTable, EtrRow } from "./trend/fit.js";
export { readResults, isScoredLong } from "./io/read-results.js";
export type { ReadResults } from "./io/read-results.js";
export { cohortSummary, pairedStats, tQuantile } from "./trend/cohort.js";
export { cohortGrouping } from "./trend/cohort-groups.js";
export type { CohortRow, PairedStats } from "./trend/cohort.js";
export { GoalSchema, GoalsFileSchema, GoalTargetSchema, parseGoals, parseGoalsText, evaluateGoal, evaluateGoals, describeTarget, GOAL_STATUSES, validateGoals, GoalValidationError, goalSampleNorms, respondentsByInstrument } from "./trend/goals.js";
export type { Goal, GoalTarget, GoalStatus, GoalEvaluation, GoalProblem, GoalOptions } from "./trend/goals.js";
