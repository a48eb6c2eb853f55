/** The reliable-change basis a user chose: an SD and reliability for one scale, or the sample's SD. */
import { ChoiceError, numberChoice } from "../choice.js";
import type { UserNorms } from "./reliable-change.js";

export interface NormsChoice {
  /** --sd, --reliability: numbers as text */
  sd?: string | undefined;
  reliability?: string | undefined;
  /** --norms: "sample" */
  norms?: string | undefined;
  /** the instrument and scale the SD is about */
  instrument?: string | undefined;
  scale?: string | undefined;
}

/**
 * @returns the user's norms and, for --norms sample, normsFrom
 * @throws {ChoiceError} for numbers out of range, an SD without one instrument and scale, or an SD given twice
 */
export function chooseNorms(c: NormsChoice): { norms: UserNorms; normsFrom?: "sample" } {
  const sd = numberChoice("--sd", c.sd, (x) => x > 0, "a positive number");
  const reliability = numberChoice("--reliability", c.reliability, (x) => x >= 0 && x < 1, "at least 0 and below 1");
  // one SD is about one scale: applying it to every scale in the file would invent norms
  if ((sd !== undefined || reliability !== undefined) && (c.instrument === undefined || c.scale === undefined)) throw new ChoiceError("--sd and --reliability need --instrument and --scale");
  if (c.norms !== undefined && c.norms !== "sample") throw new ChoiceError(`--norms must be sample; received ${JSON.stringify(c.norms)}`);
  const normsFrom = c.norms;
  if (normsFrom !== undefined && sd !== undefined) throw new ChoiceError("--norms sample and --sd both give an SD: use one");
  const norms = { ...(sd !== undefined ? { sd } : {}), ...(reliability !== undefined ? { reliability } : {}) };
  return { norms, ...(normsFrom !== undefined ? { normsFrom } : {}) };
}
