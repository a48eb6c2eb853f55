/** Instruments described for people (`trivsel instruments`, notebooks): a one-line table, a full text, a JSON list. */
import { bandsFor, describeBound, type Instrument } from "./load.js";

/** One entry per instrument: id, name, version, respondent, item prefix, item count and scales. */
export const instrumentSummaries = (list: readonly Instrument[]) =>
  list.map((i) => ({ id: i.id, name: i.name, definitionVersion: i.definitionVersion, respondent: i.def.respondent, itemPrefix: i.def.itemPrefix, items: i.items.size, scales: i.scales.map((s) => s.id) }));

/** A text table: id, prefix, items, scales, name; one line per instrument. */
export function instrumentTable(list: readonly Instrument[]): string {
  const rows = list.map((i) => [i.id, i.def.itemPrefix, String(i.items.size), i.scales.map((s) => s.id).join(","), i.name]);
  const w = [0, 1, 2, 3].map((k) => Math.max(...rows.map((r) => r[k]!.length), ["id", "prefix", "items", "scales"][k]!.length));
  const fmt = (r: string[]) => r.map((c, k) => (k < 4 ? c.padEnd(w[k]!) : c)).join("  ");
  return [fmt(["id", "prefix", "items", "scales", "name"]), ...rows.map(fmt)].join("\n") + "\n";
}

/** Everything a reader needs to know about an instrument: items, forms, scales with their rules and bands, sources. */
export function describeInstrument(inst: Instrument): string {
  const d = inst.def;
  const lines = [
    `${d.name} (${d.id}) — definition ${inst.definitionVersion}`,
    `edition: ${d.edition}`,
    `respondent: ${d.respondent}${d.ages ? `; ${d.ages}` : ""}`,
    `items: ${d.items.length} (${d.items[0]!.id} … ${d.items[d.items.length - 1]!.id})${d.modifiers.length ? `; extra columns per item: ${d.modifiers.map((m) => m.suffix).join(", ")}` : ""}`,
  ];
  if (inst.hasForms) lines.push(`forms: ${inst.forms.map((f) => f.id).join(", ")}`);
  for (const s of inst.scales) {
    lines.push(``, `scale ${s.id}: ${s.def.label}`);
    lines.push(`  ${s.def.derive ? `derived: ${s.def.derive.op} of ${s.def.derive.from}` : s.items?.length === 1 && !s.items[0]!.recode ? `${s.items[0]!.item} as recorded` : `${s.def.aggregate} of ${s.items ? s.items.length + " items" : "the form's items"}`}; ${s.def.direction.replace(/_/g, " ")}`);
    if (s.def.missing) lines.push(`  missing items: ${s.def.missing.kind === "rule" ? s.def.missing.rule : s.def.missing.kind === "prorate" ? `prorate up to ${s.def.missing.maxMissing}` : "none allowed"} [${s.def.missing.source.provenance}]`);
    for (const f of inst.forms) {
      const set = bandsFor(s, f);
      if (!set) continue;
      const where = inst.hasForms ? `  bands (form ${f.id})` : "  bands";
      lines.push(`${where} [${set.source.provenance}, ${set.source.ref}]: ${set.bands.map((b) => `${b.id} ${describeBound(b)}`).join("; ")}`);
    }
    for (const fl of s.def.flags) lines.push(`  flag ${fl.id}: ${fl.label}`);
    if (s.def.reliableChange) lines.push(`  reliable change: ${s.def.reliableChange.points} points [${s.def.reliableChange.source.provenance}]`);
  }
  // coded interviews and observations
  for (const it of d.items) {
    const f = d.responseFormats[it.response]!;
    if (f.kind === "category") lines.push(``, `classification ${it.id}: ${it.label} [${f.source.provenance}]`, `  codes: ${Object.entries(f.codes).map(([c, m]) => `${c} (${m})`).join(", ")}`);
  }
  if (d.coding) lines.push(``, `coded from: ${d.coding.what}; reliable coder: ${d.coding.certification} [${d.coding.source.provenance}]`, `  each row names its coder (coder_id) and whether certified (coder_certified yes/no)`);
  lines.push(``, `licence: ${d.licence}`, ``, `references:`, ...d.references.map((r) => `  [${r.id}] ${r.citation}${r.doi ? ` doi:${r.doi}` : ""}`));
  if (d.notes.length) lines.push(``, `notes:`, ...d.notes.map((n) => `  - ${n}`));
  return lines.join("\n") + "\n";
}
