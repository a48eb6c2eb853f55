/** The library's errors the runner (run.ts) turns into messages: imported there only when a command fails. */
export { ExportError } from "../export/cohort.js";
export { FileError } from "../io/rows.js";
export { InstrumentDefinitionError } from "../registry/load.js";
export { GoalValidationError } from "../trend/goals.js";
export { OutputError, outputError } from "../io/atomic.js";
