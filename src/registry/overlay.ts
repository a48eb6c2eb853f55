import { z } from "zod";
import { OverlaySchema, type InstrumentDef } from "../schema/instrument.js";
import { InstrumentDefinitionError, loadInstrument, type Instrument } from "./load.js";

/** Apply a site overlay (own cutoffs, licensed item keys, norms) to an instrument; the result is validated again. */
export function applyOverlay(inst: Instrument, json: unknown, options: { file?: string } = {}): Instrument {
  const where = options.file ? `${options.file}: ` : "";
  const parsed = OverlaySchema.safeParse(json);
  if (!parsed.success) {
    const pretty = z.prettifyError(parsed.error);
    throw new InstrumentDefinitionError(`${where}invalid overlay\n${pretty}`, [pretty]);
  }
  const o = parsed.data;
  const problems: string[] = [];
  if (o.instrument !== inst.id) problems.push(`instrument: overlay is for "${o.instrument}", not "${inst.id}"`);
  const def: InstrumentDef = structuredClone(inst.def);
  def.references = [...def.references.filter((r) => !o.references.some((x) => x.id === r.id)), ...o.references];
  for (const [formId, patch] of Object.entries(o.forms)) {
    const form = def.forms.find((f) => f.id === formId);
    if (!form) {
      problems.push(`forms.${formId}: not a form of ${inst.id} (${def.forms.map((f) => f.id).join(", ") || "it has none"})`);
      continue;
    }
    if (patch.bands) form.bands = { ...form.bands, ...patch.bands };
    if (patch.itemKeys) form.itemKeys = { ...form.itemKeys, ...patch.itemKeys };
    if (patch.items) form.items = patch.items;
    if (patch.itemCount) form.itemCount = patch.itemCount;
    if (patch.ageWindow) form.ageWindow = patch.ageWindow;
  }
  for (const [scaleId, patch] of Object.entries(o.scales)) {
    const scale = def.scales.find((s) => s.id === scaleId);
    if (!scale) {
      problems.push(`scales.${scaleId}: not a scale of ${inst.id} (${def.scales.map((s) => s.id).join(", ")})`);
      continue;
    }
    if (patch.bands) scale.bands = patch.bands;
    if (patch.norms) scale.norms = patch.norms;
    if (patch.missing) scale.missing = patch.missing;
    if (patch.reliableChange) scale.reliableChange = patch.reliableChange;
  }
  if (problems.length > 0)
    throw new InstrumentDefinitionError(`${where}invalid overlay "${o.overlay}"\n${problems.map((p) => `  ✖ ${p}`).join("\n")}`, problems);
  def.definitionVersion = `${inst.definitionVersion.split("+")[0]}+${o.overlay}`;
  return loadInstrument(def, options.file ? { file: options.file } : {});
}
