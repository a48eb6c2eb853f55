/** A goal's target in words, for the chart's target line and the report. */
import type { BandSet } from "../schema/instrument.js";
import type { GoalTarget } from "../trend/goals.js";
import { bandLabel, formatNumberLocale, type Lang } from "./labels.js";

export function goalTargetText(t: GoalTarget, lang: Lang, bands?: BandSet): string {
  const da = lang === "da";
  if (t.kind === "below") return `${da ? "under" : "below"} ${formatNumberLocale(t.value, lang, 2)}`;
  if (t.kind === "above") return `${da ? "over" : "above"} ${formatNumberLocale(t.value, lang, 2)}`;
  if (t.kind === "leave_band") {
    const b = bands?.bands.find((x) => x.id === t.band);
    const name = bandLabel(t.band, b?.label ?? t.band, lang);
    return da ? `ud af «${name}»` : `out of “${name}”`;
  }
  return da ? "sikker forbedring" : "reliable improvement";
}
