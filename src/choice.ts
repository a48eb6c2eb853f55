/**
 * A caller's choice that cannot be used: an option value out of its set, an unknown instrument, scale or form, a
 * file named by an option that cannot be read. The CLI reports it as a usage error (exit code 1).
 */
import { formatDate, parseDate } from "./dates.js";
import { didYouMeanHint } from "./text/did-you-mean.js";

export class ChoiceError extends Error {
  override name = "ChoiceError";
}

/**
 * `value` when it is one of `allowed`, `allowed[0]` when it is undefined.
 * @param name - what is chosen, as the message names it (e.g. "--format")
 * @throws {ChoiceError} naming the valid values and the nearest one
 */
export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly [T, ...T[]]): T {
  const v = value ?? allowed[0];
  if (!(allowed as readonly string[]).includes(v)) throw new ChoiceError(`${name} must be one of ${allowed.join(", ")}; received ${JSON.stringify(v)}${didYouMeanHint(v, allowed)}`);
  return v as T;
}

/**
 * A number given as text (a decimal comma is read as a point), or undefined when not given.
 * @throws {ChoiceError} when it is not a number or fails `check`
 */
export function numberChoice(name: string, value: string | undefined, check: (x: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value.replace(",", "."));
  if (!Number.isFinite(x) || !check(x)) throw new ChoiceError(`${name} must be ${expected}; received ${JSON.stringify(value)}`);
  return x;
}

/**
 * A calendar date given as text, as yyyy-mm-dd (dd-mm-yyyy, as Danish spreadsheets write it, is read too), or
 * undefined when not given. Returned as yyyy-mm-dd, so later comparisons of date strings hold.
 * @throws {ChoiceError} when it is not a real date (e.g. 2025-02-30)
 */
export function dateChoice(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const d = parseDate(value);
  if (!d) throw new ChoiceError(`${name} must be a real date written yyyy-mm-dd; received ${JSON.stringify(value)}`);
  return formatDate(d);
}
