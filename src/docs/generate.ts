/**
 * Generated documentation of the instrument definitions: JSON Schemas for editors and Markdown tables
 * for people. Pure functions: scripts/gen.ts writes the files, tests/definitions.test.ts checks that
 * the committed files equal a fresh generation.
 */
import { z } from "zod";
import { describeBound, scaleRange, type Instrument } from "../registry/load.js";
import {
  InstrumentSchema,
  OverlaySchema,
  type BandSet,
  type FormDef,
  type InstrumentDef,
  type MissingRule,
  type Provenance,
  type ResponseFormat,
  type ScaleDef,
  type Source,
} from "../schema/instrument.js";

export const README_MARKERS = { start: "<!-- instruments:start -->", end: "<!-- instruments:end -->" } as const;

type JsonSchema = Record<string, unknown>;

function jsonSchemaOf(schema: z.ZodType, title: string, description: string): JsonSchema {
  const raw = z.toJSONSchema(schema, {
    io: "input",
    target: "draft-2020-12",
    // Everything inline: no generated $defs names that could shift when the schema changes elsewhere.
    reused: "inline",
    cycles: "throw",
    unrepresentable: "throw",
    override: ({ jsonSchema }) => {
      // z.number().int() adds ±MAX_SAFE_INTEGER bounds: noise for editors and readers.
      const js = jsonSchema as JsonSchema;
      if (js.minimum === Number.MIN_SAFE_INTEGER) delete js.minimum;
      if (js.maximum === Number.MAX_SAFE_INTEGER) delete js.maximum;
    },
  }) as JsonSchema;
  const { $schema, ...rest } = raw;
  return { $schema, title, description, ...rest };
}

/** JSON Schema (draft 2020-12) of an instrument definition file, as accepted on input (defaults optional). */
export function instrumentJsonSchema(): JsonSchema {
  return jsonSchemaOf(
    InstrumentSchema,
    "trivsel instrument definition",
    "An instrument definition for trivsel. Generated from src/schema/instrument.ts by `npm run gen`; do not edit by hand. " +
      "Cross-references (items, recodes, rules, references, band order) are checked when the definition is loaded.",
  );
}

/** JSON Schema of a site overlay file (a site's own cutoffs, licensed item keys, norms). */
export function overlayJsonSchema(): JsonSchema {
  return jsonSchemaOf(
    OverlaySchema,
    "trivsel instrument overlay",
    "A site's local additions to a built-in instrument. Generated from src/schema/instrument.ts by `npm run gen`; do not edit by hand.",
  );
}

/** The exact text written to a .json file: two-space indent, final newline. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

// ---------------------------------------------------------------------------------------------
// Markdown helpers

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/\|/g, "\\|")
    .replace(/<(?=[A-Za-z/!])/g, "&lt;");
}

const BR = "<br>";
const DASH = "—";

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function num(x: number): string {
  return String(Number(x.toPrecision(12)));
}

function provenance(p: Provenance): string {
  return p === "provisional" ? "**provisional**" : p;
}

/** "published (cox1987: scoring instructions) note" */
function source(s: Source): string {
  const where = s.locator ? `${s.ref}: ${cell(s.locator)}` : s.ref;
  return `${provenance(s.provenance)} (${where})${s.note ? ` ${cell(s.note)}` : ""}`;
}

function code(text: string): string {
  return "`" + text.replace(/`/g, "'") + "`";
}

/** "1–3, 5, 7–10" from item ids with the instrument's prefix. */
function itemNumbers(def: InstrumentDef, ids: readonly string[]): string {
  const nums = ids.map((id) => Number(id.slice(def.itemPrefix.length)));
  if (nums.some((n) => !Number.isInteger(n))) return ids.join(", ");
  const parts: string[] = [];
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${nums[i]}–${nums[j]}` : nums.slice(i, j + 1).join(", "));
    i = j + 1;
  }
  return parts.join(", ");
}

const DIRECTION: Record<ScaleDef["direction"], string> = {
  higher_is_better: "higher is better",
  higher_is_worse: "higher is worse",
  none: "neither end is better",
};

/** A rule parameter; one that carries its own source reads as its values, then "(provenance: ref)". */
function paramText(v: unknown): string {
  if (v && typeof v === "object" && !Array.isArray(v) && "source" in v) {
    const { source, ...rest } = v as { source: { ref: string; provenance: string } };
    const values = Object.values(rest).map((x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.entries(x).map(([a, b]) => `${a}: ${JSON.stringify(b)}`).join(", ") : JSON.stringify(x)));
    return `{${values.join("; ")}} (${source.provenance}: ${source.ref})`;
  }
  return JSON.stringify(v);
}

function missingText(m: MissingRule | undefined): string {
  if (!m) return DASH;
  if (m.kind === "none") return "none: every item required";
  if (m.kind === "prorate") return `prorate: up to ${m.maxMissing} missing`;
  const params = Object.entries(m.params)
    .map(([k, v]) => `${k} ${paramText(v)}`)
    .join(", ");
  return `rule ${code(m.rule)}${params ? ` (${cell(params)})` : ""}`;
}

function scaleItemsText(inst: Instrument, s: ScaleDef): string {
  const def = inst.def;
  if (s.derive) return `derived from ${code(s.derive.from)}: its score ÷ its number of items`;
  if (s.items === "all") return `all ${def.items.length} (${itemNumbers(def, def.items.map((it) => it.id))})`;
  if (s.items === "form") return "the administered form's items";
  if (!s.items) return DASH;
  const ids = s.items.map((x) => (typeof x === "string" ? x : x.item));
  const byRecode = new Map<string, string[]>();
  for (const x of s.items) if (typeof x !== "string" && x.recode !== undefined) byRecode.set(x.recode, [...(byRecode.get(x.recode) ?? []), x.item]);
  const recoded = [...byRecode].map(([name, list]) => `recoded ${code(name)}: ${itemNumbers(def, list)}`);
  return [`${ids.length} (${itemNumbers(def, ids)})`, ...recoded].join(BR);
}

function rangeText(inst: Instrument, s: ScaleDef): string {
  const scale = inst.scales.find((x) => x.id === s.id)!;
  // scaleRange falls back to every item when a form lists none; such a form is not scorable until an overlay lists them.
  const takesForm = (d: ScaleDef): boolean => (d.derive ? takesForm(inst.def.scales.find((x) => x.id === d.derive!.from)!) : d.items === "form");
  const perForm = inst.forms.map((f) => {
    const r = takesForm(s) && !f.items ? null : scaleRange(inst, scale, f);
    return { form: f.id, text: r ? `${num(r.min)}–${num(r.max)}` : null };
  });
  const distinct = [...new Set(perForm.map((p) => p.text))];
  if (distinct.length === 1) return distinct[0] ?? "needs a site overlay";
  return perForm.map((p) => `form ${p.form}: ${p.text ?? "needs a site overlay"}`).join(BR);
}

function bandsText(set: BandSet, onlyConcern = false): string {
  return set.bands
    .filter((b) => !onlyConcern || b.concern)
    .map((b) => `${describeBound(b)} ${code(b.id)}${!onlyConcern && b.concern ? " (concern)" : ""}`)
    .join(onlyConcern ? "; " : BR);
}

/** Every band set of an instrument: the scale's default, then each form's own. */
function bandSets(def: InstrumentDef): { scale: string; form: string | null; set: BandSet }[] {
  const out: { scale: string; form: string | null; set: BandSet }[] = [];
  for (const s of def.scales) {
    if (s.bands) out.push({ scale: s.id, form: null, set: s.bands });
    for (const f of def.forms) {
      const set = f.bands[s.id];
      if (set) out.push({ scale: s.id, form: f.id, set });
    }
  }
  return out;
}

function formatValues(f: ResponseFormat): string {
  if (f.kind === "integer") return `integers ${f.min}–${f.max}`;
  if (f.kind === "decimal") return `${num(f.min)}–${num(f.max)} in steps of ${num(f.step)}`;
  if (f.kind === "category") return `codes (no points): ${Object.entries(f.codes).map(([c, m]) => `${code(c)} ${m}`).join(", ")}`;
  const codes = Object.entries(f.codes).map(([c, v]) =>
    typeof v === "number"
      ? `${code(c)} = ${num(v)}`
      : `${code(c)} = ${Object.entries(v.byKey)
          .map(([k, p]) => `${num(p)} (${k})`)
          .join(" / ")}`,
  );
  if (f.blank !== undefined) codes.push(`blank = ${num(f.blank)}`);
  return codes.join(", ");
}

function ageText(a: { months: number; days: number }): string {
  return `${a.months} m ${a.days} d`;
}

function formItemsText(def: InstrumentDef, f: FormDef): string {
  if (f.items) return `${f.items.length} (${itemNumbers(def, f.items)})`;
  if (f.itemCount) return `${f.itemCount.value} (the first ${f.itemCount.value} items)${BR}${source(f.itemCount.source)}`;
  return "not in this definition: a site overlay lists them";
}

/** How many sources in a definition are marked provisional. */
function countProvisional(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, x) => n + countProvisional(x), 0);
  if (!node || typeof node !== "object") return 0;
  const rec = node as Record<string, unknown>;
  if (rec.provenance === "provisional" && typeof rec.ref === "string") return 1;
  return Object.values(rec).reduce((n: number, x) => n + countProvisional(x), 0);
}

function anchor(id: string): string {
  return id.replace(/[^a-z0-9-]/g, "-");
}

// ---------------------------------------------------------------------------------------------
// Full tables

function instrumentSection(inst: Instrument): string {
  const def = inst.def;
  const out: string[] = [];
  out.push(`<a id="${anchor(def.id)}"></a>`, "", `## ${cell(def.name)} (${code(def.id)})`, "");
  out.push(
    table(
      ["id", "name", "edition", "definition version", "respondent", "ages", "items", "item prefix"],
      [
        [
          code(def.id),
          cell(def.name),
          cell(def.edition),
          def.definitionVersion,
          def.respondent,
          def.ages ? cell(def.ages) : DASH,
          String(def.items.length),
          code(def.itemPrefix),
        ],
      ],
    ),
  );
  const nProvisional = countProvisional(def);
  if (nProvisional > 0)
    out.push(
      "",
      `> **provisional**: ${nProvisional} number${nProvisional === 1 ? "" : "s"} or key${nProvisional === 1 ? "" : "s"} in this definition ` +
        `${nProvisional === 1 ? "is" : "are"} unverified and marked **provisional** below. ` +
        "Every result that uses one says so; a site can replace them with an overlay.",
    );

  out.push("", "### Scales", "");
  out.push(
    table(
      ["scale", "label", "items", "range", "aggregate", "direction", "missing rule", "key source"],
      def.scales.map((s) => [
        code(s.id),
        cell(s.label),
        scaleItemsText(inst, s),
        rangeText(inst, s),
        s.derive ? `${s.derive.op} of ${code(s.derive.from)}` : (s.aggregate ?? DASH),
        DIRECTION[s.direction] + (s.directionNote ? `${BR}${cell(s.directionNote)}` : ""),
        s.missing ? `${missingText(s.missing)}${BR}${source(s.missing.source)}` : DASH,
        source(s.key),
      ]),
    ),
  );

  const sets = bandSets(def);
  out.push("", "### Bands", "");
  if (sets.length === 0) out.push("No bands or cutoffs.");
  else
    out.push(
      table(
        ["scale", "form", "bands", "source"],
        sets.map(({ scale, form, set }) => [code(scale), form === null ? "all" : code(form), bandsText(set), source(set.source)]),
      ),
    );

  // flags and band flags: one table each (when there are any), one row per flag with its condition in words
  const flagTable = (title: string, rows: string[][]) => {
    if (rows.length > 0) out.push("", `### ${title}`, "", table(["scale", "flag", "condition", "meaning", "source"], rows));
  };
  flagTable(
    "Flags",
    def.scales.flatMap((s) =>
      s.flags.map((f) => [
        code(s.id),
        code(f.id),
        `${f.items === "scale" ? "any item of the scale" : f.items.map(code).join(", ")}: ${f.on === "score" ? "scored value" : "raw response"} ${f.op} ${num(f.value)}`,
        cell(f.label),
        source(f.source),
      ]),
    ),
  );
  flagTable(
    "Band flags",
    def.scales.flatMap((s) => s.bandFlags.map((f) => [code(s.id), code(f.id), `band ${code(f.band)} and column sex = ${f.when.sex}`, cell(f.label), source(f.source)])),
  );

  const fit = def.scales.filter((s) => s.fit);
  if (fit.length > 0) {
    out.push("", "### FIT role", "");
    out.push(
      table(
        ["scale", "role", "family", "item flag", "source"],
        fit.map((s) => [code(s.id), s.fit!.role, code(s.fit!.family), s.fit!.itemFlag !== undefined ? code(s.fit!.itemFlag) : DASH, source(s.fit!.source)]),
      ),
    );
  }

  const rc = def.scales.filter((s) => s.reliableChange);
  if (rc.length > 0) {
    out.push("", "### Reliable change", "");
    out.push(
      table(
        ["scale", "points", "source"],
        rc.map((s) => [code(s.id), num(s.reliableChange!.points), source(s.reliableChange!.source)]),
      ),
    );
  }

  const norms = def.scales.flatMap((s) => s.norms.map((n) => ({ s, n })));
  if (norms.length > 0) {
    out.push("", "### Norms", "");
    const opt = (x: number | undefined) => (x === undefined ? DASH : num(x));
    out.push(
      table(
        ["scale", "norm", "population", "kind", "n", "mean", "sd", "reliability", "source"],
        norms.map(({ s, n }) => [
          code(s.id),
          code(n.id),
          cell(n.population),
          n.kind,
          opt(n.n),
          opt(n.mean),
          opt(n.sd),
          n.reliability === undefined ? DASH : `${num(n.reliability)}${n.reliabilityType ? ` (${n.reliabilityType})` : ""}`,
          source(n.source),
        ]),
      ),
    );
  }

  if (def.forms.length > 0) {
    out.push("", "### Forms", "");
    out.push(
      table(
        ["form", "label", "items", "age window", "item keys"],
        def.forms.map((f) => [
          code(f.id),
          cell(f.label),
          formItemsText(def, f),
          f.ageWindow ? `${ageText(f.ageWindow.from)} – ${ageText(f.ageWindow.to)}${BR}${source(f.ageWindow.source)}` : DASH,
          f.itemKeys ? `${Object.keys(f.itemKeys).length} items keyed` : "none (a site overlay supplies them)",
        ]),
      ),
    );
    const sel = def.formSelection;
    if (sel) {
      const how = [
        sel.rule !== undefined ? `rule ${code(sel.rule)}` : null,
        Object.keys(sel.params).length > 0 ? `params ${code(JSON.stringify(sel.params))}` : null,
        sel.default !== undefined ? `default form ${code(sel.default)}` : null,
      ]
        .filter(Boolean)
        .join(", ");
      out.push("", `Form selection: ${how}. ${source(sel.source)}`);
    } else out.push("", "Form selection: the form must be given with each administration.");
  }

  out.push("", "### Responses", "");
  out.push(
    table(
      ["format", "kind", "values", "anchors", "source"],
      Object.entries(def.responseFormats).map(([id, f]) => [
        code(id),
        f.kind,
        formatValues(f),
        f.kind === "integer" && f.anchors
          ? Object.entries(f.anchors)
              .map(([k, v]) => `${k} = ${cell(v)}`)
              .join(BR)
          : DASH,
        source(f.source),
      ]),
    ),
  );
  const recodes = Object.entries(def.recodes);
  if (recodes.length > 0) {
    const values = (r: (typeof recodes)[number][1]) =>
      r.kind === "reverse"
        ? "min + max − x of the item's response format"
        : Object.entries(r.map)
            .map(([k, v]) => `${k} → ${num(v)}`)
            .join(", ");
    out.push("", table(["recode", "kind", "values", "source"], recodes.map(([id, r]) => [code(id), r.kind, values(r), source(r.source)])));
  }
  if (def.modifiers.length > 0) {
    const rows = def.modifiers.map((m) => [`item id + ${code(m.suffix)}`, cell(m.label), code(m.response), source(m.source)]);
    out.push("", table(["modifier column", "label", "format", "source"], rows));
  }
  if (def.constraints.length > 0) {
    out.push("", "### Constraints", "");
    out.push(
      table(
        ["constraint", "source"],
        def.constraints.map((c) => [`${c.items.map(code).join(" + ")} = ${num(c.value)}`, source(c.source)]),
      ),
    );
  }

  if (def.coding) {
    out.push("", "### Coding", "");
    out.push(
      `Values are entered by a trained coder from the ${cell(def.coding.what)}; reliable coder: ${cell(def.coding.certification)}. ${source(def.coding.source)}`,
      "",
      "Each administration names its coder (`coder_id`) and says whether the coder is certified (`coder_certified`: yes/no). A missing coder is a warning and the flag `coder_missing` on every score and code; a coder recorded as not certified gives `coder_not_certified`; an empty certification gives `coder_certification_unknown` (info). The ratings themselves are never changed.",
    );
  }
  out.push("", "### Items", "");
  out.push(
    table(
      ["item", "label", "format"],
      def.items.map((it) => [code(it.id), cell(it.label), code(it.response)]),
    ),
  );

  out.push("", "### References", "");
  out.push(
    table(
      ["id", "citation", "link"],
      def.references.map((r) => [
        code(r.id),
        cell(r.citation),
        [r.doi ? `[doi:${cell(r.doi)}](https://doi.org/${r.doi})` : null, r.url ? `<${r.url}>` : null].filter(Boolean).join(BR) || DASH,
      ]),
    ),
  );

  out.push("", "### Licence", "", cell(def.licence));
  if (def.notes.length > 0) out.push("", "### Notes", "", ...def.notes.map((n) => `- ${cell(n)}`));
  return out.join("\n");
}

/** Markdown: one section per instrument with every number, its provenance and its source. */
export function instrumentTable(instruments: readonly Instrument[]): string {
  return instruments.map(instrumentSection).join("\n\n") + "\n";
}

/** One compact Markdown table of all instruments, for the top-level README. */
export function instrumentSummaryTable(instruments: readonly Instrument[], options: { link?: string } = {}): string {
  const link = options.link ?? "instruments/README.md";
  const rows = instruments.map((inst) => {
    const def = inst.def;
    const scales = def.scales;
    const cutoffs = bandSets(def).map(({ scale, form, set }) => {
      const where = scales.length > 1 || form !== null ? `${scale}${form !== null ? `, form ${form}` : ""}: ` : "";
      const concern = bandsText(set, true);
      return `${where}${concern || "no concern band"} (${provenance(set.source.provenance)})`;
    });
    return [
      `[${code(def.id)}](${link}#${anchor(def.id)})`,
      cell(def.name),
      String(def.items.length),
      scales.map((s) => code(s.id)).join(BR),
      scales.map((s) => DIRECTION[s.direction]).join(BR),
      scales.map((s) => (s.derive ? `as ${code(s.derive.from)}` : missingText(s.missing))).join(BR),
      cutoffs.length > 0 ? cutoffs.join(BR) : "none",
    ];
  });
  return table(["instrument", "name", "items", "scales", "direction", "missing rule", "cutoffs (concern bands)"], rows) + "\n";
}

/** The whole of instruments/README.md. */
export function instrumentsReadme(instruments: readonly Instrument[]): string {
  const header = [
    "<!-- Generated by `npm run gen` from instruments/*.json. Do not edit by hand: edit the definitions and run `npm run gen`. -->",
    "",
    "# Instrument definitions",
    "",
    "Generated by `npm run gen` from the definitions in this folder; do not edit by hand.",
    "Every number carries its provenance: **published** (seen in the primary source), **secondary** (seen only in a",
    "non-authoritative source), **provisional** (recalled or unverified: every result that uses it says so) or **policy**",
    "(trivsel's documented choice where the source is silent), with the reference id and where in it.",
    "",
    "Definitions are validated against [instrument.schema.json](instrument.schema.json); site overlays against",
    "[overlay.schema.json](overlay.schema.json).",
    "",
    instrumentSummaryTable(instruments, { link: "" }),
  ].join("\n");
  return header + "\n" + instrumentTable(instruments);
}

/** Every generated file, by path relative to the repository root. */
export function generatedFiles(instruments: readonly Instrument[]): Record<string, string> {
  return {
    "instruments/instrument.schema.json": jsonText(instrumentJsonSchema()),
    "instruments/overlay.schema.json": jsonText(overlayJsonSchema()),
    "instruments/README.md": instrumentsReadme(instruments),
  };
}

/**
 * Replaces what lies between the README markers with `content`; null when the markers are missing
 * or out of order.
 */
export function replaceBetweenMarkers(text: string, content: string): string | null {
  const start = text.indexOf(README_MARKERS.start);
  const end = text.indexOf(README_MARKERS.end);
  if (start < 0 || end < 0 || end < start) return null;
  const before = text.slice(0, start + README_MARKERS.start.length);
  return `${before}\n${content.endsWith("\n") ? content : content + "\n"}${text.slice(end)}`;
}
