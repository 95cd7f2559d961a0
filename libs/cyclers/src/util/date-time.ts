/**
 * Wall-clock date/time strings as cyclers write them. Values are returned as epoch ms reading the
 * wall clock as UTC; `zoned` says whether the text itself carried a zone (then the value is exact).
 */
export interface WallClock {
  ms: number;
  zoned: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const TIME_PART = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([AaPp][Mm])?`;
const ZONE_PART = String.raw`\s*(Z|[+-]\d{2}:?\d{2})?`;

const ISO_RE = new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T\s]+${TIME_PART})?${ZONE_PART}$`);
const NUMERIC_RE = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:[T\s]+${TIME_PART})?$`);
const MONTH_NAME_RE = new RegExp(
  String.raw`^(\d{1,2})[-\s]([A-Za-z]{3})[-\s](\d{2}|\d{4})(?:[T\s]+${TIME_PART})?$`,
);

export interface DateOrder {
  /**
   * How to read `a/b/yyyy`: 'mdy' (US, EC-Lab and Maccor default) unless the first number exceeds 12.
   * Dotted dates (`19.06.2023`) are always day first (the European convention that writes dots).
   */
  slash: 'mdy' | 'dmy';
}

export function parseWallClock(raw: string, order: DateOrder = { slash: 'mdy' }): WallClock | undefined {
  const text = raw.trim();
  let m = ISO_RE.exec(text);
  if (m) return build(+m[1], +m[2], +m[3], m.slice(4, 9), m[9]);
  m = NUMERIC_RE.exec(text);
  if (m) {
    const a = +m[1];
    const b = +m[3];
    const year = fullYear(m[4]);
    const dayFirst = m[2] === '.' || order.slash === 'dmy' || a > 12;
    return dayFirst ? build(year, b, a, m.slice(5, 10)) : build(year, a, b, m.slice(5, 10));
  }
  m = MONTH_NAME_RE.exec(text);
  if (m) {
    const month = MONTHS[m[2].toLowerCase()];
    if (month === undefined) return undefined;
    return build(fullYear(m[3]), month, +m[1], m.slice(4, 9));
  }
  return undefined;
}

function fullYear(text: string): number {
  // Two-digit years in cycler exports are all this century (Maccor 2023: `23-Nov-23`).
  return text.length === 2 ? 2000 + Number(text) : Number(text);
}

function build(
  year: number,
  month: number,
  day: number,
  time: (string | undefined)[],
  zone?: string,
): WallClock | undefined {
  const [hh, mm, ss, frac, ampm] = time;
  let hour = hh === undefined ? 0 : Number(hh);
  if (ampm !== undefined) {
    const pm = ampm.toLowerCase() === 'pm';
    if (hour === 12) hour = pm ? 12 : 0;
    else if (pm) hour += 12;
  }
  const minute = mm === undefined ? 0 : Number(mm);
  const second = ss === undefined ? 0 : Number(ss);
  const fracMs = frac === undefined ? 0 : Number(`0.${frac}`) * 1000;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second) + fracMs;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.replace(/[+:-]/g, '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    ms -= sign * offsetMin * 60_000;
  }
  return { ms, zoned: zone !== undefined };
}

/**
 * Elapsed-time strings: plain seconds, `H:MM:SS[.f]` whose hours pass 24 (Neware), or
 * `Nd HH:MM:SS[.f]` (some Maccor templates). Returns seconds.
 */
export function parseDurationSeconds(raw: string): number | undefined {
  const text = raw.trim();
  const m = /^(?:(\d+)d\s*)?(\d+):(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)$/.exec(text);
  if (!m) return undefined;
  const days = m[1] === undefined ? 0 : Number(m[1]);
  return days * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4].replace(',', '.'));
}
