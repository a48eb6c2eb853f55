/** The analysis functions' guard against input of the wrong type (from JavaScript or JSON): one named error, never a bare TypeError. */
import { describeType } from "../scoring/score.js";

export class AnalysisInputError extends Error {
  override name = "AnalysisInputError";
  constructor(
    readonly fn: string,
    readonly argument: string,
    readonly received: string,
    readonly expected: string,
  ) {
    super(`${fn}: ${argument} is ${received}; expected ${expected}`);
  }
}

/** `v` must be iterable (an array of results, say); its content is never put in the message. */
export function requireIterable(fn: string, argument: string, v: unknown, expected: string): void {
  if (v === null || v === undefined || typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function" || typeof v === "string")
    throw new AnalysisInputError(fn, argument, describeType(v), expected);
}
