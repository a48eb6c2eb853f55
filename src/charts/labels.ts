/**
 * Words a parent or a caseworker reads on a chart or a report page, in Danish and English.
 * Definitions are written in English; the Danish words for their band and scale labels live here,
 * and anything without a translation falls back to the definition's own label.
 */
import { parseDate } from "../dates.js";

export type Lang = "da" | "en";
export const LANGS: readonly Lang[] = ["da", "en"];

type Words = Record<Lang, string>;

const RESPONDENTS: Record<string, Words> = {
  mother: { da: "Mor", en: "Mother" },
  father: { da: "Far", en: "Father" },
  health_visitor: { da: "Sundhedsplejerske", en: "Health visitor" },
  family_consultant: { da: "Familiekonsulent", en: "Family consultant" },
  parent: { da: "Forælder", en: "Parent" },
  child: { da: "Barn", en: "Child" },
  coder: { da: "Kodning", en: "Coder" },
  "": { da: "(ingen angivet)", en: "(not given)" },
};

const PHASES: Record<string, Words> = {
  pregnancy: { da: "Graviditet", en: "Pregnancy" },
  birth: { da: "Fødsel", en: "Birth" },
  intensive: { da: "Intensiv", en: "Intensive" },
  support: { da: "Støtte", en: "Support" },
  phase_out: { da: "Udfasning", en: "Phase-out" },
};

/** Short band names by band id; the bounds come from the definition and are added beside them. */
const BANDS: Record<string, Words> = {
  no_concern: { da: "Ingen bekymring", en: "No concern" },
  monitor: { da: "Hold øje", en: "Monitor" },
  refer: { da: "Over grænsen: henvis", en: "Above cutoff: refer" },
  clinical: { da: "Klinisk område", en: "Clinical range" },
  non_clinical: { da: "Over klinisk grænse", en: "Above clinical cutoff" },
  alliance_concern: { da: "Samarbejdet bør drøftes", en: "Alliance concern" },
  alliance_ok: { da: "Godt samarbejde", en: "Alliance fine" },
  below_threshold: { da: "Under grænsen", en: "Below threshold" },
  possible_depression: { da: "Mulig depression", en: "Possible depression" },
  probable_depression: { da: "Sandsynlig depression", en: "Probable depression" },
  possible_anxiety: { da: "Mulig angst", en: "Possible anxiety" },
  no_withdrawal: { da: "Ingen tilbagetrækning", en: "No withdrawal" },
  withdrawal: { da: "Social tilbagetrækning", en: "Social withdrawal" },
  possible_withdrawal: { da: "Mulig tilbagetrækning", en: "Possible withdrawal" },
  high_risk: { da: "Høj risiko", en: "High risk" },
  inept: { da: "Utilstrækkelig", en: "Inept" },
  adequate: { da: "Tilstrækkelig", en: "Adequate" },
  sensitive: { da: "Sensitiv", en: "Sensitive" },
};

/** Danish scale names by "instrument.scale"; English uses the definition's label. */
const SCALES_DA: Record<string, string> = {
  "ors.total": "Trivsel (ORS)",
  "srs.total": "Samarbejde (SRS)",
  "cors.total": "Trivsel (CORS)",
  "csrs.total": "Samarbejde (CSRS)",
  "epds.total": "Depressive symptomer (EPDS)",
  "epds.anxiety_3a": "Angst (EPDS-3A)",
  "pss.total": "Forældrestress (PSS)",
  "asq-se-2.total": "Social-emotionel bekymring (ASQ:SE-2)",
  "asq-se-2.average_item": "Gennemsnit pr. spørgsmål (ASQ:SE-2)",
  "adbb.total": "Social tilbagetrækning (ADBB)",
  "m-adbb.total": "Social tilbagetrækning (m-ADBB)",
  "prfq.pre_mentalizing": "Præ-mentaliserende (PRFQ)",
  "prfq.certainty": "Sikkerhed om mentale tilstande (PRFQ)",
  "prfq.interest_curiosity": "Interesse og nysgerrighed (PRFQ)",
  "rfq-8.certainty": "Sikkerhed (RFQ-8)",
  "rfq-8.uncertainty": "Usikkerhed (RFQ-8)",
  "pdi-rf.overall_rf": "Refleksiv funktion (PDI)",
  "aai-rf.overall_rf": "Refleksiv funktion (AAI)",
  "ems.average_level": "Gennemsnitligt mentaliseringsniveau (EMS)",
  "ems.highest_level": "Højeste mentaliseringsniveau (EMS)",
  "ems.lowest_level": "Laveste mentaliseringsniveau (EMS)",
  "nbo.observations_done": "NBO-observationer gjort i sessionen",
};

/** Danish form names by "instrument.form"; English uses the definition's label. */
const FORMS_DA: Record<string, string> = {
  "epds.antenatal": "skema i graviditeten",
  "epds.postnatal": "skema efter fødslen",
  "ors.adult": "skema for voksne",
  "ors.adolescent": "skema for unge (13–17 år)",
};

/**
 * A form as a reader sees it: in English the definition's label; in Danish the name above, a Danish reading of
 * an age-named label ("12 month questionnaire"), or else a neutral "skema 2 af 3" by the form's place in the definition.
 */
export function formLabel(instrument: { id: string; forms: readonly { id: string; label: string }[] }, form: string, lang: Lang): string {
  const i = instrument.forms.findIndex((f) => f.id === form);
  const label = instrument.forms[i]?.label;
  if (lang === "en") return label ?? `form ${form}`;
  const months = label !== undefined ? /^(\d+) month questionnaire$/.exec(label) : null;
  return FORMS_DA[`${instrument.id}.${form}`] ?? (months ? `skema for ${months[1]} måneder` : i >= 0 ? `skema ${i + 1} af ${instrument.forms.length}` : `skema ${form}`);
}

/** What a form's own bands are called on a chart that draws several forms' bands over time, by "instrument.form". */
const FORM_BANDS: Record<string, Words> = {
  "epds.antenatal": { da: "Grænser i graviditeten", en: "Cutoffs in pregnancy" },
  "epds.postnatal": { da: "Grænser efter fødslen", en: "Cutoffs after the birth" },
  "ors.adult": { da: "Grænser for voksne", en: "Adult cutoffs" },
  "ors.adolescent": { da: "Grænser for unge", en: "Adolescent cutoffs" },
};

/** Trend categories: an open set (issue 8 adds no_norms); unknown ones are shown by id. */
export const CATEGORY_ORDER = ["recovered", "improved", "changed", "unchanged", "deteriorated", "no_norms", "insufficient_data", "no_follow_up"] as const;
const CATEGORIES: Record<string, Words> = {
  recovered: { da: "Kommet ud af klinisk område", en: "Recovered" },
  improved: { da: "Bedre", en: "Improved" },
  changed: { da: "Ændret", en: "Changed" },
  unchanged: { da: "Uændret", en: "Unchanged" },
  deteriorated: { da: "Forværret", en: "Deteriorated" },
  no_norms: { da: "Ingen normer", en: "No norms" },
  insufficient_data: { da: "Kan ikke vurderes", en: "Cannot be judged" },
  no_follow_up: { da: "Ingen opfølgning", en: "No follow-up" },
};

const GOAL_STATUS: Record<string, Words> = {
  met: { da: "Nået", en: "Met" },
  progressing: { da: "På vej", en: "Progressing" },
  not_progressing: { da: "Ikke på vej endnu", en: "Not progressing yet" },
  worsened: { da: "Forværret", en: "Worsened" },
  no_data: { da: "Ingen målinger", en: "No data" },
};

const ALERTS: Record<string, Words> = {
  no_reliable_improvement: { da: "Ingen sikker fremgang endnu", en: "No reliable improvement yet" },
  ors_below_intake: { da: "Trivsel under første måling", en: "ORS below intake" },
  srs_below_cutoff: { da: "Samarbejde under grænsen", en: "SRS below cutoff" },
  srs_item_below_9: { da: "Et SRS-spørgsmål under 9", en: "An SRS line below 9" },
  srs_drop: { da: "Samarbejde faldet", en: "SRS dropped" },
  below_etr: { da: "Under forventet forløb", en: "Below expected response" },
};

const VERDICTS: Record<string, Words> = {
  improved: { da: "sikker forbedring", en: "reliable improvement" },
  worsened: { da: "sikker forværring", en: "reliable worsening" },
  none: { da: "ingen sikker ændring", en: "no reliable change" },
  changed: { da: "sikker ændring", en: "reliable change" },
};

/** Fixed words, by key. */
export const TEXT = {
  da: {
    date: "Dato",
    score: "Point",
    weeksIntake: "Uger siden indskrivning",
    weeksBirth: "Uger siden fødsel",
    respondent: "Hvem svarede",
    provisional: "foreløbig",
    goal: "Mål",
    review: "Opfølgning",
    rcBand: "Feltet eller stregen ved første måling: en ændring inden for det er ikke sikker",
    higherBetter: "højere er bedre",
    higherWorse: "højere er mere bekymrende",
    noBetterEnd: "ingen ende er bedre",
    session: "Session",
    cutoff: "grænse",
    etr: "Forventet forløb",
    alert: "Advarsel",
    count: "Antal forløb",
    meanChange: "Gennemsnitlig ændring (slut − start)",
    ci: "95 % konfidensinterval",
    group: "Gruppe",
    category: "Udvikling",
    all: "Alle",
  },
  en: {
    date: "Date",
    score: "Score",
    weeksIntake: "Weeks since intake",
    weeksBirth: "Weeks since birth",
    respondent: "Who answered",
    provisional: "provisional",
    goal: "Goal",
    review: "Review",
    rcBand: "The box or bar at the first measurement: a change within it is not reliable",
    higherBetter: "higher is better",
    higherWorse: "higher is more concern",
    noBetterEnd: "neither end is better",
    session: "Session",
    cutoff: "cutoff",
    etr: "Expected response",
    alert: "Alert",
    count: "Series",
    meanChange: "Mean change (latest − baseline)",
    ci: "95% confidence interval",
    group: "Group",
    category: "Progress",
    all: "All",
  },
} as const satisfies Record<Lang, Record<string, string>>;

const pick = (table: Record<string, Words>, id: string, lang: Lang): string | undefined => table[id]?.[lang];
export const respondentLabel = (id: string, lang: Lang): string => pick(RESPONDENTS, id, lang) ?? id;
export const phaseLabel = (id: string, lang: Lang): string => pick(PHASES, id, lang) ?? id;
export const bandLabel = (id: string, fallback: string, lang: Lang): string => pick(BANDS, id, lang) ?? fallback;
export const scaleLabel = (instrument: string, scale: string, fallback: string, lang: Lang): string =>
  (lang === "da" ? SCALES_DA[`${instrument}.${scale}`] : undefined) ?? fallback;
export const formBandsLabel = (instrument: string, form: string, fallback: string, lang: Lang): string =>
  pick(FORM_BANDS, `${instrument}.${form}`, lang) ?? (lang === "da" ? `Grænser for skema ${form}` : `Cutoffs: ${fallback}`);
export const categoryLabel = (id: string, lang: Lang): string => pick(CATEGORIES, id, lang) ?? id;
export const goalStatusLabel = (id: string, lang: Lang): string => pick(GOAL_STATUS, id, lang) ?? id;
export const alertLabel = (id: string, lang: Lang): string => pick(ALERTS, id, lang) ?? id;
export const verdictLabel = (id: string, lang: Lang): string => pick(VERDICTS, id, lang) ?? id;

const MONTHS: Record<Lang, string[]> = {
  da: ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"],
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
};
const SHORT_MONTHS: Record<Lang, string[]> = {
  da: ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."],
  en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
};

/** "1. september 2025" / "1 September 2025"; the input unchanged when it is not a date. */
export function formatDateLong(iso: string, lang: Lang): string {
  const d = parseDate(iso);
  if (!d) return iso;
  return lang === "da" ? `${d.d}. ${MONTHS.da[d.m - 1]} ${d.y}` : `${d.d} ${MONTHS.en[d.m - 1]} ${d.y}`;
}

/** Numbers as the locale writes them: decimal comma in Danish, at most `digits` decimals. */
export function formatNumberLocale(x: number, lang: Lang, digits = 1): string {
  const s = String(Math.round(x * 10 ** digits) / 10 ** digits);
  return lang === "da" ? s.replace(".", ",").replace("-", "−") : s.replace("-", "−");
}

/** d3 locale definitions for Vega-Lite's config.locale, so axes show dates and numbers in the language. */
export const VEGA_LOCALE: Record<Lang, { number: object; time: object }> = {
  da: {
    number: { decimal: ",", thousands: ".", grouping: [3], currency: ["", " kr."], minus: "−" },
    time: {
      dateTime: "%A den %d %B %Y %X",
      date: "%d-%m-%Y",
      time: "%H:%M:%S",
      periods: ["AM", "PM"],
      days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
      shortDays: ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
      months: MONTHS.da,
      shortMonths: SHORT_MONTHS.da,
    },
  },
  en: {
    number: { decimal: ".", thousands: ",", grouping: [3], currency: ["£", ""], minus: "−" },
    time: {
      dateTime: "%a %e %b %X %Y",
      date: "%d/%m/%Y",
      time: "%H:%M:%S",
      periods: ["AM", "PM"],
      days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
      shortDays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
      months: MONTHS.en,
      shortMonths: SHORT_MONTHS.en,
    },
  },
};
