// Chart test helpers: the Vega-Lite JSON schema the package ships, as an ajv validator, and small
// accessors into the specs the builders return.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject } from "ajv";
import type { TopLevelSpec } from "vega-lite";
import { fake } from "../trend/helpers.js";
import type { ScoreResult } from "../../src/index.js";

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve("vega-lite/vega-lite-schema.json"), "utf8"));
const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
// the formats the schema names; the specs use colours as #RRGGBB and the schema URL only
ajv.addFormat("color-hex", /^#(?:[0-9a-fA-F]{3}){1,2}$/);
ajv.addFormat("uri", /^https?:\/\/\S+$/);
ajv.addFormat("uri-reference", /^\S*$/);
const check = ajv.compile(schema);

/** Validation errors against vega-lite-schema.json, as short strings; empty when the spec is valid. */
export function schemaErrors(spec: TopLevelSpec): string[] {
  // through JSON, as a spec travels to any other Vega tool
  return check(JSON.parse(JSON.stringify(spec))) ? [] : (check.errors ?? []).slice(0, 5).map((e: ErrorObject) => `${e.instancePath} ${e.message}`);
}

export type Spec = Record<string, unknown> & { datasets: Record<string, Record<string, unknown>[]> };
export const asSpec = (s: TopLevelSpec): Spec => s as unknown as Spec;

/** Every layer of a spec, also inside nested layers and concatenations. */
export function layers(spec: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  // a nested layer without data of its own uses its parent's
  const walk = (node: Record<string, unknown>, inherited: unknown) => {
    const data = node.data ?? inherited;
    out.push(data === undefined ? node : { ...node, data });
    for (const key of ["layer", "vconcat", "hconcat"]) for (const child of (node[key] as Record<string, unknown>[] | undefined) ?? []) walk(child, data);
    if (node.spec) walk(node.spec as Record<string, unknown>, data);
  };
  walk(spec, undefined);
  return out;
}

/** The values of the dataset a layer with this mark type (and predicate) uses. */
export function dataOf(spec: Spec, markType: string, pred: (mark: Record<string, unknown>, layer: Record<string, unknown>) => boolean = () => true): Record<string, unknown>[][] {
  return layers(spec)
    .filter((l) => {
      const m = l.mark as Record<string, unknown> | string | undefined;
      const type = typeof m === "string" ? m : m?.type;
      return type === markType && pred((typeof m === "object" ? m : {}) as Record<string, unknown>, l);
    })
    .map((l) => {
      const name = (l.data as { name?: string } | undefined)?.name;
      return name ? spec.datasets[name]! : [];
    });
}

/** A result with a phase (and the form it was scored on), from the trend tests' fake(). */
export function phased(instrument: string, scale: string, subject: string, date: string, score: number | null, respondent: string, phase: string, form?: string): ScoreResult {
  return { ...fake(instrument, scale, subject, date, score, { respondent, ...(form !== undefined ? { form } : {}) }), phase };
}
