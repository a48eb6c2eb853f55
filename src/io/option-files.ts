/**
 * Files named by options (definitions, overlays, goals, ETR tables): read whole and parsed. A file that cannot be
 * read or parsed is the caller's choice gone wrong: a ChoiceError naming the file. Definitions and overlays: see
 * registry-files.ts.
 */
import { readOptionFile } from "./registry-files.js";
import { parseGoalsText, type Goal } from "../trend/goals.js";

export { readOptionFile, registryFromFiles, type RegistryFiles } from "./registry-files.js";
export { readEtrFile } from "./etr-file.js";

/** A goals file (JSON or YAML); none → no goals. */
export const readGoalsFile = (cwd: string, file: string | undefined): Goal[] => (file === undefined ? [] : readOptionFile(cwd, file, (t) => parseGoalsText(t, file)));
