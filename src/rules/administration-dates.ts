import { parseIsoDate, type YMD } from "../dates.js";
import type { Administration } from "../schema/results.js";

/**
 * The administration's date and the child's birth date, as the form-selection rules read them: null where not
 * given or not a real date. `refused` says why when a birth_date is given but is not a real date, which no
 * rule may read past.
 */
export function administrationDates(a: Administration): { on: YMD | null; birth: YMD | null; refused?: string } {
  const on = a.administeredOn ? parseIsoDate(a.administeredOn) : null;
  const birth = a.birthDate ? parseIsoDate(a.birthDate) : null;
  if (a.birthDate && !birth) return { on, birth, refused: `birth_date ${JSON.stringify(a.birthDate)} is not a real date (yyyy-mm-dd)` };
  return { on, birth };
}
