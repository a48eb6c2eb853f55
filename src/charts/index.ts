/**
 * trivsel/charts: Vega-Lite specs from in-memory results (pure functions), headless SVG and PNG
 * rendering, and the goal-review report. A subpath of its own because vega loads with top-level await.
 */

// Specs
export { progressionChart, goalTargetValue } from "./progression.js";
export type { ProgressionInput, ChartOptions } from "./progression.js";
export { fitChart, ALERT_PANEL } from "./fit.js";
export type { FitChartInput, FitMeasure } from "./fit.js";
export { cohortCategoryChart, cohortChangeChart } from "./cohort.js";
export type { CohortChartInput } from "./cohort.js";
export { scaleInfo } from "./scale-info.js";
export type { ScaleInfo } from "./scale-info.js";
export { PALETTE, SHAPES, FONT, respondentStyles, bandAreas, cutoffs } from "./style.js";
export type { RespondentStyle, BandArea } from "./style.js";
export { LANGS, CATEGORY_ORDER, formatDateLong, formatNumberLocale } from "./labels.js";
export type { Lang } from "./labels.js";
export { goalTargetText } from "./goal-text.js";

// Rendering
export { renderSvg, renderPng, compileSpec, fontFiles } from "./render.js";
export type { PngOptions } from "./render.js";

// Report
export { buildReport, familyFile, chartForm, FIT_MEASURES } from "../report/report.js";
export type { ReportInput, ReportOptions, ReportPage, Report } from "../report/report.js";
