import type { ResponseFormat } from "../schema/instrument.js";
import type { Issue, ItemValue } from "../schema/results.js";
import { makeIssue } from "./issues.js";

export type Parsed =
  | { kind: "ok"; points: number; response: number | string }
  | { kind: "missing" }
  | { kind: "invalid"; issue: Issue };

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function describeFormat(f: ResponseFormat): string {
  if (f.kind === "integer") return `a whole number from ${f.min} to ${f.max}`;
  if (f.kind === "decimal") return `a number from ${f.min} to ${f.max} in steps of ${f.step}`;
  if (f.kind === "category") return `one of ${Object.keys(f.codes).join(", ")}`;
  return `one of ${Object.keys(f.codes).join(", ")}${f.blank !== undefined ? " or empty" : ""}`;
}

export const isBlank = (raw: ItemValue): boolean =>
  raw === null || raw === undefined || (typeof raw === "string" && raw.trim() === "");

type BadCode = "not_a_number" | "not_an_integer" | "out_of_range" | "off_step" | "unknown_code" | "item_key_missing";

const invalid = (code: BadCode, item: string, received: string, expected: string): Parsed => ({
  kind: "invalid",
  issue: makeIssue(code, "error", { item, received, expected }),
});

/**
 * One recorded response → points, by the item's declared format. Nothing is rounded, clamped or
 * guessed: anything the format does not allow is an issue.
 */
export function parseResponse(raw: ItemValue, format: ResponseFormat, item: string, itemKey: string | undefined): Parsed {
  if (isBlank(raw)) return format.kind === "codes" && format.blank !== undefined ? { kind: "ok", points: format.blank, response: "" } : { kind: "missing" };
  const text = typeof raw === "number" ? String(raw) : String(raw).trim();
  // the expected text is built only for an invalid response: most responses are valid
  if (format.kind === "category") {
    // a classification carries no points (NaN, so that it can never pass for a number in a sum)
    if (!Object.prototype.hasOwnProperty.call(format.codes, text)) return invalid("unknown_code", item, text, describeFormat(format));
    return { kind: "ok", points: NaN, response: text };
  }
  if (format.kind === "codes") {
    const value = Object.prototype.hasOwnProperty.call(format.codes, text) ? format.codes[text] : undefined;
    if (value === undefined) return invalid("unknown_code", item, text, describeFormat(format));
    if (typeof value === "number") return { kind: "ok", points: value, response: text };
    const keys = Object.keys(value.byKey).join(" or ");
    if (itemKey === undefined || value.byKey[itemKey] === undefined) return invalid("item_key_missing", item, text, keys);
    return { kind: "ok", points: value.byKey[itemKey]!, response: text };
  }
  if (typeof raw === "number" ? !Number.isFinite(raw) : !NUMERIC.test(text)) return invalid("not_a_number", item, text, describeFormat(format));
  const x = Number(text);
  if (format.kind === "integer" && !Number.isInteger(x)) return invalid("not_an_integer", item, text, describeFormat(format));
  if (x < format.min || x > format.max) return invalid("out_of_range", item, text, describeFormat(format));
  if (format.kind === "decimal") {
    const steps = x / format.step;
    if (Math.abs(steps - Math.round(steps)) > 1e-9) return invalid("off_step", item, text, describeFormat(format));
    // a value within float noise of a step is that step (8.999999999999998 is 9.0): totals, bands and flags then agree
    const onStep = Number((Math.round(steps) * format.step).toPrecision(12));
    return { kind: "ok", points: onStep, response: onStep };
  }
  return { kind: "ok", points: x, response: x };
}
