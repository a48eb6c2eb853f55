/**
 * trivsel: scoring, progression analysis and exports for questionnaires in intensive family interventions.
 * The public surface, grouped by area.
 */

// Instruments
export { InstrumentSchema, OverlaySchema, ProvenanceSchema } from "./schema/instrument.js";
export type { InstrumentDef, InstrumentInput, OverlayDef, Provenance, Band, BandSet, Norm, ScaleDef, FormDef, Source } from "./schema/instrument.js";
export { loadInstrument, InstrumentDefinitionError, scaleRange, scaleItems, bandsFor } from "./registry/load.js";
export type { Instrument, Item, Scale } from "./registry/load.js";
export { applyOverlay } from "./registry/overlay.js";
export { Registry, defaultRegistry, listInstruments, getInstrument, builtinInstruments } from "./registry/registry.js";
export { RULES } from "./rules/index.js";

// Scoring
export { scoreAdministration } from "./scoring/score.js";
export { scoreMany } from "./scoring/many.js";
export { hasErrors } from "./scoring/issues.js";
export { ISSUE_CODES } from "./schema/results.js";
export type { Administration, ScoreResult, ScaleResult, Issue, IssueCode, ScaleStatus, AppliedBand, ItemValue } from "./schema/results.js";
