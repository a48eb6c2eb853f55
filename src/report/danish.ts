/**
 * The report's Danish for the texts the library writes in English: notes of the trend, FIT and goal analyses,
 * why a score is missing, and data issues. The library's wording stays the contract of its English outputs
 * (CSV, JSON, stderr); a Danish page reads the same facts in Danish. Ids, column names, values and source
 * references are shown as they are.
 */
import type { Lang } from "../charts/labels.js";
import type { Issue, IssueCode, Severity } from "../schema/results.js";

type Rule = [RegExp, (...m: string[]) => string];

/** One pattern per sentence the analyses and scoring rules write; a text is translated when one matches it whole. */
const SENTENCES: Rule[] = [
  // reliable change and clinical range (trend/reliable-change.ts, clinical-significance.ts, classify.ts)
  [/^no norms for reliable change(?: \(reliability (\S+) from norm (\S+), (\w+)\))?: the definition has no published reliability for this scale; give --sd and --reliability$/, (r, n, p) => `ingen normer for sikker ændring${r ? ` (reliabilitet ${dec(r)} fra normen ${n}, ${provenance(p!)})` : ""}: definitionen har ingen offentliggjort reliabilitet for denne skala; angiv --sd og --reliability`],
  [/^no norms for reliable change(?: \(reliability (\S+) from norm (\S+), (\w+)\))?: no published SD; give --sd, or --norms sample to use the SD of the baselines in the file$/, (r, n, p) => `ingen normer for sikker ændring${r ? ` (reliabilitet ${dec(r)} fra normen ${n}, ${provenance(p!)})` : ""}: ingen offentliggjort SD; angiv --sd, eller --norms sample for at bruge SD af de første målinger i filen`],
  [/^the scale has no better end, so there is no clinical range$/, () => "skalaen har ingen bedre ende, så der er intet klinisk område"],
  [/^(\d+) administration\(s\) not scorable and left out$/, (n) => `${n} ${n === "1" ? "måling" : "målinger"} kunne ikke scores og er udeladt`],
  [/^only one administration: no change to assess$/, () => "kun én måling: ingen ændring at vurdere"],
  [/^no scorable administration$/, () => "ingen måling kunne scores"],
  [/^more than one administration on (.+): kept in file order \(baseline is the first, latest the last\)$/, (d) => `mere end én måling den ${d}: beholdt i filens rækkefølge (første måling er den første, seneste den sidste)`],
  [/^clinical range unknown \(no band or cutoff\): recovery not assessed$/, () => "klinisk område ukendt (intet område eller ingen grænse): om familien er kommet ud af det kliniske område, er ikke vurderet"],
  [/^--norms sample: only (\d+) baseline in the file; an SD needs at least 2$/, (n) => `--norms sample: kun ${n} første måling i filen; en SD kræver mindst 2`],
  [/^--norms sample: the (\d+) baselines in the file are all equal \(SD 0\)$/, (n) => `--norms sample: de ${n} første målinger i filen er ens (SD 0)`],
  // FIT (trend/fit.ts)
  [/^no ETR table in use: alerts rely on the reliable-change rules$/, () => "ingen ETR-tabel i brug: advarslerne bygger på reglerne for sikker ændring"],
  [/^(.+) definition has no reliable-change size: the trivsel default of (\S+) points is used$/, (m, p) => `${m}-definitionen har ingen størrelse for sikker ændring: trivsels standard på ${p} point bruges`],
  [/^no (.+): outcome rules not applied$/, (m) => `ingen ${m}: reglerne for udfaldsmålet er ikke brugt`],
  [/^(.+) has no cutoff in its definition: srs_below_cutoff not applied$/, (m) => `${m} har ingen grænse i sin definition: srs_below_cutoff er ikke brugt`],
  [/^(.+) has no item rule in its definition: srs_item_below_9 not applied$/, (m) => `${m} har ingen regel for enkelte spørgsmål i sin definition: srs_item_below_9 er ikke brugt`],
  [/^(\S+): more than one (.+) or (.+); the last in the file is used$/, (d, o, a) => `${d}: mere end én ${o} eller ${a}; den sidste i filen bruges`],
  // goals (trend/goals.ts)
  [/^evaluated at (\S+) \(--at\), after the review date (\S+): measurements after the review date count$/, (a, r) => `vurderet ${a} (--at), efter opfølgningsdatoen ${r}: målinger efter opfølgningsdatoen tæller med`],
  [/^measured by several respondents \((.+)\): name one in measure\.respondent$/, (w) => `målt af flere personer (${w}): angiv én i measure.respondent`],
  [/^no (\S+) measurement by (\S+)$/, (m, d) => `ingen måling af ${m} senest ${d}`],
  [/^no measurement after the baseline \((\S+)\) by (\S+)$/, (b, d) => `ingen måling efter den første (${b}) senest ${d}`],
  [/^the latest measurement has no band: cannot tell whether it left the band$/, () => "den seneste måling har intet område: det kan ikke afgøres, om den har forladt området"],
  [/^the scale has no better end: progress is not judged, only whether the target is met$/, () => "skalaen har ingen bedre ende: fremgang vurderes ikke, kun om målet er nået"],
  // why a score is missing (scoring/score.ts, rules/)
  [/^(\d+) of (\d+) items missing \(([^)]*)\); every item is required$/, (n, m, ids) => `${n} af ${m} spørgsmål mangler (${ids}); alle spørgsmål skal besvares`],
  [/^(\d+) of (\d+) items missing \(([^)]*)\); at most (\d+) may be missing$/, (n, m, ids, k) => `${n} af ${m} spørgsmål mangler (${ids}); højst ${k} må mangle`],
  [/^(\d+) of (\d+) items missing; at most (\d+) allowed(?: on form (\S+) \((.*); (\w+)\))?$/, (n, m, k, f, src, p) => `${n} af ${m} spørgsmål mangler; højst ${k} må mangle${f ? ` på skema ${f} (${src}; ${provenance(p!)})` : ""}`],
  [/^(\d+) of (\d+) items missing; mean of the answered items$/, (n, m) => `${n} af ${m} spørgsmål mangler; gennemsnit af de besvarede`],
  [/^(\d+) of (\d+) items missing; prorated: mean of answered × number of items$/, (n, m) => `${n} af ${m} spørgsmål mangler; beregnet som gennemsnit af de besvarede × antal spørgsmål`],
  [/^(\d+) missing; scored as is \(no adjustment for (\d+) or fewer\)$/, (n, k) => `${n} mangler; scoret som det er (ingen justering ved ${k} eller færre)`],
  [/^(\d+) missing and total (\S+) within (\S+) of cutoff (\S+)( \(provisional\))?: adjusted to (.+)$/, (n, t, w, c, p, a) => `${n} mangler, og totalen ${dec(t!)} ligger inden for ${dec(w!)} af grænsen ${dec(c!)}${p ? " (foreløbig)" : ""}: justeret til ${dec(a!)}`],
  [/^(\d+) missing; total (\S+) is more than (\S+) from cutoff (\S+)( \(provisional\))?, so scored as is$/, (n, t, w, c, p) => `${n} mangler; totalen ${dec(t!)} ligger mere end ${dec(w!)} fra grænsen ${dec(c!)}${p ? " (foreløbig)" : ""}, så den er scoret som den er`],
  [/^(\d+) missing and no cutoff \(band '(.+)'\) for this form to decide on adjustment$/, (n, b) => `${n} mangler, og skemaet har ingen grænse (området '${b}') at afgøre en justering ud fra`],
  [/^invalid response to (.+)$/, (items) => `ugyldigt svar på ${items}`],
  [/^give a form \((.+)\)$/, (ids) => `angiv et skema (${ids})`],
  // what a reader does with a column (io/rows.ts)
  [/^kept as a grouping column in exports$/, () => "beholdes som grupperingskolonne i eksporter"],
];

/** What the response formats expect (scoring/responses.ts). */
const EXPECTED: Rule[] = [
  [/^a whole number from (\S+) to (\S+)$/, (a, b) => `et helt tal fra ${a} til ${b}`],
  [/^a number from (\S+) to (\S+) in steps of (\S+)$/, (a, b, s) => `et tal fra ${a} til ${b} i trin på ${s}`],
  [/^one of (.+) or empty$/, (xs) => `en af ${xs} eller tom`],
  [/^one of (.+)$/, (xs) => `en af ${xs}`],
];

/** An issue's kind in Danish, by code; the details follow from the issue's fields. */
const ISSUES: Record<IssueCode, string> = {
  missing_item: "ikke besvaret",
  not_a_number: "ikke et tal",
  not_an_integer: "ikke et helt tal",
  off_step: "finere end skalaen tillader",
  out_of_range: "uden for skalaen",
  unknown_code: "ikke et tilladt svar",
  item_key_missing: "svaret kræver spørgsmålets nøgle for dette skema, og ingen er indlæst",
  modifier_without_response: "markeret, men selve spørgsmålet er ikke besvaret",
  too_many_missing: "for mange svar mangler",
  missing_not_adjusted: "svar mangler, scoret uden justering",
  missing_adjusted: "svar mangler, scoren er justeret",
  constraint_violated: "svarene hænger ikke sammen",
  form_unknown: "ukendt skema",
  form_not_selected: "intet skema kunne vælges",
  form_assumed: "skemaet er antaget",
  age_out_of_range: "alderen ligger uden for alle skemaers aldersvinduer",
  prematurity_corrected: "alderen er korrigeret for for tidlig fødsel",
  invalid_date: "ikke en gyldig dato",
  invalid_value: "ikke en gyldig værdi",
  unknown_column: "kolonnen hører ikke til noget kendt skema",
  duplicate_column: "kolonnen står mere end én gang",
  missing_column: "en nødvendig kolonne mangler",
  column_renamed: "kolonnen er læst under et andet navn (store/små bogstaver og mellemrum ses bort fra)",
  unknown_instrument: "ukendt skema-id",
  provisional_cutoff: "grænsen er foreløbig",
  not_scorable: "kan ikke scores",
  coder_missing: "ingen kodning er navngivet (coder_id er tom); scorerne er beholdt og markeret coder_missing",
  coder_not_certified: "kodningen er ikke certificeret (coder_certified); scorerne er beholdt og markeret coder_not_certified",
  coder_certification_unknown: "det er ikke oplyst, om kodningen er certificeret (coder_certified er tom); scorerne er markeret coder_certification_unknown",
};

const SEVERITY: Record<Severity, string> = { error: "fejl", warning: "advarsel", info: "oplysning" };
const PROVENANCE: Record<string, string> = { published: "offentliggjort", secondary: "sekundær kilde", provisional: "foreløbig", policy: "trivsels valg" };
const provenance = (p: string): string => PROVENANCE[p] ?? p;
/** Decimal points as Danish writes them. */
const dec = (s: string): string => s.replace(/(\d)\.(\d)/g, "$1,$2");

function translate(rules: readonly Rule[], text: string): string | undefined {
  for (const [re, da] of rules) {
    const m = re.exec(text);
    if (m) return da(...m.slice(1).map((x) => x ?? ""));
  }
  return undefined;
}

/**
 * A note or a reason in the page's language; a sentence no rule knows stays as written. `formName`: what the page
 * calls a form of the result's instrument (formLabel), so a reason names "skema for 2 måneder", not the id "2".
 */
export function noteText(text: string, lang: Lang, formName?: (form: string) => string): string {
  if (lang === "en") return text;
  const da = translate(SENTENCES, text) ?? text;
  return formName === undefined ? da : withForm(da, text, formName);
}

/** the Danish `da` of `text` naming its form by formName, where the text names one by id */
function withForm(da: string, text: string, formName: (form: string) => string): string {
  const form = FORM_IN_REASON.exec(text);
  return form === null ? da : da.replace(` på skema ${form[1]} (`, ` på ${formName(form[1]!)} (`);
}

/** the form a missing-items reason names (see the Danish rule for "… allowed on form …") */
const FORM_IN_REASON = /; at most \d+ allowed on form (\S+) \(/;

export const severityText = (s: Severity, lang: Lang): string => (lang === "en" ? s : SEVERITY[s]);

/**
 * An issue's message in the page's language: in Danish its kind, then the value found, what was expected or why.
 * `formName`: as for noteText, for the issue's instrument.
 */
export function issueText(i: Issue, lang: Lang, formName?: (instrument: string, form: string) => string): string {
  if (lang === "en") return i.message;
  // the detail of a scale-level issue is the message after "<scale>: " or "<scale> is not scorable: "
  // and of a column issue, what follows the last "; "
  const detail = i.scale !== undefined ? /^\S+(?: is not scorable)?: (.*)$/.exec(i.message)?.[1] : /; ([^;]*)$/.exec(i.message)?.[1];
  const inst = i.instrument;
  const translated = detail !== undefined ? translate(SENTENCES, detail) : undefined;
  const why = translated !== undefined && formName !== undefined && inst !== undefined ? withForm(translated, detail!, (f) => formName(inst, f)) : translated;
  const parts = [`${i.received !== undefined ? `${JSON.stringify(i.received)}: ` : ""}${ISSUES[i.code] ?? i.code}`];
  if (i.expected !== undefined) parts.push(`forventet ${translate(EXPECTED, i.expected) ?? i.expected}`);
  if (why !== undefined) parts.push(why);
  const about = i.scale ?? i.item ?? i.instrument;
  return `${about !== undefined ? `${about}: ` : ""}${parts.join("; ")}`;
}
