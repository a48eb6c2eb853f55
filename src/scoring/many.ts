import type { Registry } from "../registry/registry.js";
import { defaultRegistry } from "../registry/registry.js";
import type { Administration, ScoreResult } from "../schema/results.js";
import { scoreAdministration } from "./score.js";

/**
 * Score many administrations, each by its own `instrument` id, looked up in `registry`
 * (the built-ins by default).
 * @throws {RangeError} when an administration names an unknown instrument
 */
export function scoreMany(administrations: Iterable<Administration>, registry: Registry = defaultRegistry()): ScoreResult[] {
  const out: ScoreResult[] = [];
  for (const a of administrations) out.push(scoreAdministration(registry.get(a.instrument), a));
  return out;
}
