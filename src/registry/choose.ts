/** Instruments, scales and forms chosen by id (a CLI option, a notebook argument), checked against a registry. */
import { ChoiceError } from "../choice.js";
import { didYouMeanHint } from "../text/did-you-mean.js";
import type { Instrument } from "./load.js";
import type { Registry } from "./registry.js";

/**
 * @returns `id`, or undefined when no instrument was chosen
 * @throws {ChoiceError} when the registry has no such instrument
 */
export function chooseInstrument(registry: Registry, id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  if (!registry.has(id)) throw new ChoiceError(`--instrument must be one of ${registry.ids().join(", ")}; received ${JSON.stringify(id)}${didYouMeanHint(id, registry.ids())}`);
  return id;
}

/** @throws {ChoiceError} when the instrument has no scale `scale` */
export function chooseScale(instrument: Instrument, scale: string): string {
  const ids = instrument.scales.map((s) => s.id);
  if (!ids.includes(scale)) throw new ChoiceError(`--scale: ${instrument.id} has scales ${ids.join(", ")}; received ${JSON.stringify(scale)}${didYouMeanHint(scale, ids)}`);
  return scale;
}

/** @throws {ChoiceError} when the instrument has no form `form` */
export function chooseForm(instrument: Instrument, form: string): string {
  const ids = instrument.forms.map((f) => f.id);
  if (!ids.includes(form)) throw new ChoiceError(`--form: ${instrument.id} has forms ${ids.join(", ")}; received ${JSON.stringify(form)}${didYouMeanHint(form, ids)}`);
  return form;
}

/** The scale shown when none is chosen: total, else the instrument's first. */
export const defaultScale = (instrument: Instrument): string => (instrument.scales.some((s) => s.id === "total") ? "total" : instrument.scales[0]!.id);
