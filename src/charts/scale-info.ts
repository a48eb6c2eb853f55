/** What a chart needs to know about a scale from its definition: bands, score range and direction. */
import { bandsFor, scaleRange, type Instrument, type Scale } from "../registry/load.js";
import type { BandSet, FormDef } from "../schema/instrument.js";

export interface ScaleInfo {
  scale: Scale;
  /** the bands to draw; undefined when the scale has none, or forms disagree and no form was chosen */
  bands: BandSet | undefined;
  /** lowest and highest possible score (over every form when none was chosen) */
  range: [number, number] | null;
  /** the form whose bands are drawn, when one was chosen or the instrument has one */
  form: FormDef | undefined;
}

/**
 * @throws {RangeError} when the instrument has no such scale or form
 */
export function scaleInfo(instrument: Instrument, scaleId: string, formId?: string): ScaleInfo {
  const scale = instrument.scales.find((s) => s.id === scaleId);
  if (!scale) throw new RangeError(`${instrument.id} has no scale ${JSON.stringify(scaleId)}; expected one of ${instrument.scales.map((s) => s.id).join(", ")}`);
  let forms: readonly FormDef[] = instrument.forms;
  if (formId !== undefined) {
    const f = instrument.forms.find((x) => x.id === formId);
    if (!f) throw new RangeError(`${instrument.id} has no form ${JSON.stringify(formId)}; expected one of ${instrument.forms.map((x) => x.id).join(", ")}`);
    forms = [f];
  }
  const sets = forms.map((f) => bandsFor(scale, f));
  const same = sets.every((s) => JSON.stringify(s) === JSON.stringify(sets[0]));
  let lo = Infinity;
  let hi = -Infinity;
  for (const f of forms) {
    let r: { min: number; max: number } | null = null;
    try {
      r = scaleRange(instrument, scale, f);
    } catch {
      r = null;
    }
    if (r) {
      lo = Math.min(lo, r.min);
      hi = Math.max(hi, r.max);
    }
  }
  return { scale, bands: same ? sets[0] : undefined, range: lo < hi ? [lo, hi] : null, form: forms.length === 1 ? forms[0] : undefined };
}
