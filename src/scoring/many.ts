import type { Registry } from "../registry/registry.js";
import { defaultRegistry } from "../registry/registry.js";
import type { Administration, ScoreResult } from "../schema/results.js";
import { describeType, inputIssueResult, scoreAdministration } from "./score.js";

/**
 * Score many administrations, each by its own `instrument` id, looked up in `registry`
 * (the built-ins by default).
 * @throws {RangeError} when an administration names an unknown instrument
 */
export function scoreMany(administrations: Iterable<Administration>, registry: Registry = defaultRegistry()): ScoreResult[] {
  const out: ScoreResult[] = [];
  if (administrations === null || typeof (administrations as Partial<Iterable<Administration>>)?.[Symbol.iterator] !== "function") {
    out.push(inputIssueResult(describeType(administrations), "an array (or other iterable) of administrations"));
    return out;
  }
  for (const a of administrations) {
    if (a === null || typeof a !== "object") out.push(inputIssueResult(describeType(a), "an administration: an object with instrument and responses"));
    else out.push(scoreAdministration(registry.get(a.instrument), a));
  }
  return out;
}
