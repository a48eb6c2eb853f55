/** The --etr option's file, apart from option-files.ts so that `fit` does not load the goals reader (and yaml). */
import { readOptionFile } from "./registry-files.js";
import { parseEtrTable, type EtrTable } from "../trend/fit.js";

/** An expected-treatment-response table; none → undefined. */
export const readEtrFile = (cwd: string, file: string | undefined): EtrTable | undefined => (file === undefined ? undefined : readOptionFile(cwd, file, (t) => parseEtrTable(t, file)));
