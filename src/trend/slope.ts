/** Trend per week: ordinary least squares with its standard error, and the robust Theil–Sen slope (both in src/stats). */
export { olsSlope, olsSlopeOf, type OlsSlope, type XY } from "../stats/ols-slope.js";
export { theilSenSlope, theilSenSlopeOf } from "../stats/theil-sen-slope.js";
