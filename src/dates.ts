/** Calendar dates as plain yyyy-mm-dd strings; no time zones involved. */

export interface YMD {
  y: number;
  m: number;
  d: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
export const daysInMonth = (y: number, m: number): number => (m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1]!);

function valid(y: number, m: number, d: number): YMD | null {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

/** Strict ISO date (yyyy-mm-dd); null for anything else, including impossible dates like 2025-02-30. */
export function parseIsoDate(text: string): YMD | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m ? valid(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/**
 * ISO (yyyy-mm-dd) or Danish (dd-mm-yyyy, dd.mm.yyyy, dd/mm/yyyy) date; null when not a real date.
 * Two-digit years are refused: they are ambiguous across a century.
 */
export function parseDate(text: string): YMD | null {
  const t = text.trim();
  const iso = parseIsoDate(t);
  if (iso) return iso;
  const dk = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$/.exec(t);
  return dk ? valid(Number(dk[3]), Number(dk[2]), Number(dk[1])) : null;
}

export const formatDate = ({ y, m, d }: YMD): string =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

/** Days since 1970-01-01 (proleptic Gregorian, UTC). */
export const toDayNumber = ({ y, m, d }: YMD): number => Math.round(Date.UTC(y, m - 1, d) / 86_400_000);

export function fromDayNumber(n: number): YMD {
  const dt = new Date(n * 86_400_000);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

export const addDays = (date: YMD, days: number): YMD => fromDayNumber(toDayNumber(date) + days);

/**
 * Calendar age in completed months and remaining days, as age calculators for screening forms count it:
 * months are counted by date, and the days left over after the last completed month.
 */
export function calendarAge(birth: YMD, on: YMD): { months: number; days: number } | null {
  if (toDayNumber(on) < toDayNumber(birth)) return null;
  const anchor = (months: number): YMD => {
    const total = birth.m - 1 + months;
    const y = birth.y + Math.floor(total / 12);
    const m = (total % 12) + 1;
    return { y, m, d: Math.min(birth.d, daysInMonth(y, m)) };
  };
  let months = (on.y - birth.y) * 12 + (on.m - birth.m);
  if (toDayNumber(anchor(months)) > toDayNumber(on)) months -= 1;
  return { months, days: toDayNumber(on) - toDayNumber(anchor(months)) };
}
