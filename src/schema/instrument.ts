/**
 * The instrument definition language. These zod schemas are the single source of truth:
 * TypeScript types, validation of instruments/*.json and instruments/instrument.schema.json
 * all come from here.
 */
import { z } from "zod";

const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, "lower-case letters, digits, '_', '.', '-'")
  .describe("Identifier: lower-case letters, digits, '_', '.' and '-'");

/** How sure we are of a number or key, as shown to users next to every result that uses it. */
export const ProvenanceSchema = z
  .enum(["published", "secondary", "provisional", "policy"])
  .describe(
    "published: seen in the primary source (manual or paper). secondary: seen only in a non-authoritative source. " +
      "provisional: recalled or unverified; every output that uses it says so. policy: trivsel's documented choice where the source is silent.",
  );
export type Provenance = z.output<typeof ProvenanceSchema>;

export const SourceSchema = z
  .object({
    ref: z.string().min(1).describe("id of an entry in the definition's references"),
    locator: z.string().min(1).optional().describe("page, table or section in that reference"),
    provenance: ProvenanceSchema,
    note: z.string().min(1).optional(),
  })
  .strict();
export type Source = z.output<typeof SourceSchema>;

export const ReferenceSchema = z
  .object({
    id: Id,
    citation: z.string().min(10),
    doi: z.string().optional(),
    url: z.string().url().optional(),
  })
  .strict();

/** One kind of a discriminated union: its kind, its own fields and the source every kind cites; no other keys. */
const variant = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) => z.object({ kind: z.literal(kind), ...shape, source: SourceSchema }).strict();

const CodeValueSchema = z.union([
  z.number(),
  z
    .object({ byKey: z.record(z.string(), z.number()) })
    .strict()
    .describe("points depend on the item's key (e.g. competence vs problem item), taken from the form's itemKeys"),
]);

export const ResponseFormatSchema = z.discriminatedUnion("kind", [
  variant("integer", {
    min: z.number().int(),
    max: z.number().int(),
    anchors: z.record(z.string(), z.string()).optional().describe("neutral labels for some values, written by us"),
  }),
  variant("decimal", {
    min: z.number(),
    max: z.number(),
    step: z.number().positive().describe("the finest resolution a response may have, e.g. 0.1 for a 10 cm line read in mm"),
  }),
  variant("category", {
    codes: z
      .record(z.string().min(1), z.string().min(1))
      .describe("recorded code → its meaning; codes are matched exactly and carry no points (e.g. an attachment classification)"),
  }).describe("a categorical classification entered by a coder: reported as the code, never scored or summed"),
  variant("codes", {
    codes: z.record(z.string().min(1), CodeValueSchema).describe("recorded code → points; codes are matched exactly"),
    blank: z.number().optional().describe("points for an empty cell; when absent an empty cell is a missing response"),
  }),
]);
export type ResponseFormat = z.output<typeof ResponseFormatSchema>;

export const ItemSchema = z
  .object({
    id: Id,
    label: z.string().min(1).describe("short neutral label written by us; never the licensed item wording"),
    response: z.string().describe("key into responseFormats"),
    domain: z.string().optional().describe("descriptive area, not scored separately"),
  })
  .strict();

export const ModifierSchema = z
  .object({
    suffix: z.string().min(1).describe("column name = item id + suffix, e.g. '_concern'"),
    label: z.string().min(1),
    response: z.string().describe("key into responseFormats; points added to the item's score"),
    source: SourceSchema,
  })
  .strict()
  .describe("an extra column per item whose points are added to the item's score (ASQ:SE-2's concern box)");

export const RecodeSchema = z.discriminatedUnion("kind", [
  variant("reverse", {}).describe("min + max − x, with min and max from the item's declared response format"),
  variant("map", {
    map: z.record(z.string(), z.number()).describe("every possible response → recoded value"),
  }),
]);

export const ScaleItemSchema = z.union([
  z.string(),
  z.object({ item: z.string(), recode: z.string().optional() }).strict(),
]);

export const BoundSchema = z.object({ value: z.number(), inclusive: z.boolean() }).strict();

export const BandSchema = z
  .object({
    id: Id,
    label: z.string().min(1),
    lower: BoundSchema.optional(),
    upper: BoundSchema.optional(),
    concern: z.boolean().describe("true when a score in this band calls for action or follow-up"),
  })
  .strict();
export type Band = z.output<typeof BandSchema>;

export const BandSetSchema = z
  .object({
    source: SourceSchema,
    bands: z.array(BandSchema).min(1),
  })
  .strict();
export type BandSet = z.output<typeof BandSetSchema>;

export const NormSchema = z
  .object({
    id: Id,
    population: z.string().min(1),
    kind: z.enum(["clinical", "functional", "general"]).describe("role in Jacobson–Truax cutoffs"),
    n: z.number().int().positive().optional(),
    mean: z.number().optional(),
    sd: z.number().positive().optional(),
    reliability: z.number().min(0).lt(1).optional(),
    reliabilityType: z.enum(["alpha", "test-retest", "split-half"]).optional(),
    source: SourceSchema,
  })
  .strict();
export type Norm = z.output<typeof NormSchema>;

export const MissingRuleSchema = z.discriminatedUnion("kind", [
  variant("none", {}).describe("every item must be answered"),
  variant("prorate", { maxMissing: z.number().int().min(1) }).describe("sum: mean of answered × number of items; mean: mean of answered"),
  variant("rule", {
    rule: z.string().describe("name of a rule in src/rules"),
    params: z.record(z.string(), z.unknown()).default({}),
  }),
]);
export type MissingRule = z.output<typeof MissingRuleSchema>;

export const FlagSchema = z
  .object({
    id: Id,
    label: z.string().min(1),
    items: z.union([z.array(z.string()).min(1), z.literal("scale")]).describe("items to test; 'scale' = the scale's items"),
    on: z.enum(["score", "response"]).default("score").describe("test the item's scored value or its raw response"),
    op: z.enum(["<", "<=", ">", ">="]),
    value: z.number(),
    source: SourceSchema,
  })
  .strict()
  .describe("raised when any tested item meets the condition, whatever the scale score");

export const BandFlagSchema = z
  .object({
    id: Id,
    label: z.string().min(1),
    band: z.string().describe("band id (of the scale's or the form's bands) the score must fall in"),
    when: z.object({ sex: z.enum(["female", "male"]) }).strict().describe("what must hold of the administration (its sex column)"),
    source: SourceSchema,
  })
  .strict()
  .describe("raised when the score falls in a band and the administration meets a condition (ASQ:SE-2: a girl in the monitoring zone)");

export const ReliableChangeSchema = z
  .object({
    points: z.number().positive().describe("a change of at least this many raw points counts as reliable"),
    source: SourceSchema,
  })
  .strict();

export const FitRoleSchema = z
  .object({
    role: z.enum(["outcome", "alliance"]).describe("outcome: rated at the start of a session (ORS, CORS); alliance: at its end (SRS, CSRS)"),
    family: Id.describe("measures of one family share a session table: e.g. 'adult' for ORS+SRS, 'child' for CORS+CSRS"),
    itemFlag: z.string().optional().describe("id of this scale's flag that marks a single line below the item cutoff (alliance only)"),
    source: SourceSchema,
  })
  .strict()
  .describe("the scale's part in Feedback-Informed Treatment: `trivsel fit` finds its measures by role, not by instrument id; the cutoff is the scale's concern band, the reliable-change size its reliableChange");
export type FitRole = z.output<typeof FitRoleSchema>;

export const ScaleSchema = z
  .object({
    id: Id,
    label: z.string().min(1),
    items: z
      .union([z.array(ScaleItemSchema).min(1), z.literal("all"), z.literal("form")])
      .optional()
      .describe("'all' = every item; 'form' = the items of the administered form"),
    aggregate: z.enum(["sum", "mean"]).optional(),
    derive: z
      .object({ from: z.string(), op: z.literal("per_item") })
      .strict()
      .optional()
      .describe("per_item: the other scale's score divided by its number of items (ASQ:SE-2's average item score)"),
    key: SourceSchema.describe("source of the item membership, recodes and aggregate"),
    direction: z
      .enum(["higher_is_better", "higher_is_worse", "none"])
      .describe("none: neither end is better (e.g. PRFQ certainty, where the middle is optimal)"),
    directionNote: z.string().optional(),
    missing: MissingRuleSchema.optional(),
    bands: BandSetSchema.optional().describe("default bands; a form may override them"),
    flags: z.array(FlagSchema).default([]),
    bandFlags: z.array(BandFlagSchema).default([]),
    norms: z.array(NormSchema).default([]),
    reliableChange: ReliableChangeSchema.optional(),
    fit: FitRoleSchema.optional(),
    decimals: z.number().int().min(0).max(6).describe("decimals to show in reports and charts; results keep full precision and CSV files up to 6 decimals"),
  })
  .strict();
export type ScaleDef = z.output<typeof ScaleSchema>;

export const AgeSchema = z
  .object({ months: z.number().int().min(0), days: z.number().int().min(0).max(31) })
  .strict();

export const FormSchema = z
  .object({
    id: Id,
    label: z.string().min(1),
    items: z.array(z.string()).min(1).optional().describe("items of this form; default: all items"),
    itemCount: z
      .object({ value: z.number().int().positive(), source: SourceSchema })
      .strict()
      .optional()
      .describe("number of scored items, with its source; without `items`, the form takes items 1..n (items are numbered as printed)"),
    ageWindow: z.object({ from: AgeSchema, to: AgeSchema, source: SourceSchema }).strict().optional(),
    bands: z.record(z.string(), BandSetSchema).default({}).describe("scale id → bands for this form"),
    itemKeys: z
      .record(z.string(), z.string())
      .optional()
      .describe("item id → key (e.g. competence | problem); licensed, so supplied by a site overlay"),
  })
  .strict();
export type FormDef = z.output<typeof FormSchema>;

export const FormSelectionSchema = z
  .object({
    rule: z.string().optional().describe("name of a form-selection rule in src/rules, used when no form is given"),
    params: z.record(z.string(), z.unknown()).default({}),
    default: z.string().optional().describe("form used when no form is given and there is no rule"),
    source: SourceSchema,
  })
  .strict();

export const ConstraintSchema = z
  .object({
    kind: z.literal("sum_equals"),
    items: z.array(z.string()).min(2),
    value: z.number(),
    source: SourceSchema,
  })
  .strict();

// ---------------------------------------------------------------- coded ratings (issue 15)
// Interviews and observations whose values a trained coder enters (RF on the PDI or AAI, EMS, NBO):
// the ratings are items (range and step from their response format, a classification as a category
// format) and each scale takes one rating as it is; `coding` says a coder must be named.

export const CodingSchema = z
  .object({
    what: z.string().min(1).describe("what the coder rates from, e.g. 'transcript of the Parent Development Interview'"),
    certification: z.string().min(1).describe("what makes a coder reliable (training, reliability test), in words"),
    source: SourceSchema,
  })
  .strict()
  .describe(
    "values are entered by a trained coder: every administration names its coder (coder_id column; missing → warning coder_missing and the flag coder_missing on every score) " +
      "and says whether the coder is certified (coder_certified yes/no; no → warning and flag coder_not_certified; empty → info and flag coder_certification_unknown)",
  );
export type Coding = z.output<typeof CodingSchema>;

export const InstrumentSchema = z
  .object({
    $schema: z.string().optional(),
    id: Id,
    name: z.string().min(1),
    edition: z.string().min(1),
    definitionVersion: z.string().regex(/^\d+\.\d+\.\d+(\+[a-z0-9.-]+)?$/, "semantic version, e.g. 1.0.0 (an overlay adds +its-id)"),
    respondent: z.enum(["parent", "observer", "clinician", "client", "child", "coder"]),
    ages: z.string().optional().describe("who it is for, in words"),
    itemPrefix: z.string().regex(/^[a-z0-9]+_$/, "lower-case letters or digits followed by '_'"),
    responseFormats: z.record(z.string(), ResponseFormatSchema),
    items: z.array(ItemSchema).min(1),
    modifiers: z.array(ModifierSchema).default([]),
    recodes: z.record(z.string(), RecodeSchema).default({}),
    constraints: z.array(ConstraintSchema).default([]),
    forms: z.array(FormSchema).default([]),
    formSelection: FormSelectionSchema.optional(),
    scales: z.array(ScaleSchema).min(1),
    references: z.array(ReferenceSchema).min(1),
    licence: z.string().min(10).describe("who owns it and what a site must have to use it"),
    notes: z.array(z.string()).default([]),
    coding: CodingSchema.optional(),
  })
  .strict();

export type InstrumentInput = z.input<typeof InstrumentSchema>;
export type InstrumentDef = z.output<typeof InstrumentSchema>;

/**
 * A site's local additions to a built-in instrument: its own cutoff table, licensed item keys,
 * norms. Applied by merging and validated again as a whole definition.
 */
export const OverlaySchema = z
  .object({
    $schema: z.string().optional(),
    overlay: Id.describe("name of this overlay; results show the definition version as <version>+<overlay>"),
    instrument: Id,
    description: z.string().min(1),
    references: z.array(ReferenceSchema).default([]),
    forms: z
      .record(
        z.string(),
        z
          .object({
            bands: z.record(z.string(), BandSetSchema).optional(),
            itemKeys: z.record(z.string(), z.string()).optional(),
            items: z.array(z.string()).min(1).optional(),
            itemCount: FormSchema.shape.itemCount,
            ageWindow: FormSchema.shape.ageWindow,
          })
          .strict(),
      )
      .default({}),
    scales: z
      .record(
        z.string(),
        z
          .object({
            bands: BandSetSchema.optional(),
            norms: z.array(NormSchema).optional(),
            missing: MissingRuleSchema.optional(),
            reliableChange: ReliableChangeSchema.optional(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();
export type OverlayDef = z.output<typeof OverlaySchema>;
