/** Trend per week: ordinary least squares with its standard error, and the robust Theil–Sen slope (both in src/stats). */
export { olsSlope, type OlsSlope, type XY } from "../stats/ols-slope.js";
export { theilSenSlope } from "../stats/theil-sen-slope.js";
