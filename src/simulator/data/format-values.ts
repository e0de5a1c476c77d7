// How the seeded data writes numbers and dates, i.e. how a Table API client reads them with
// sysparm_display_value=false (servicenow-api.md §0 facts 2 and 4):
// - integers: plain digits, no separators ("1234");
// - decimals: rounded to the column's scale (sys_dictionary `scale`), then written in the shortest form, without
//   trailing zeros ("12.5", "1.45", "0.125", "3" — not "12.50"); a client comparing values must parse them;
// - datetimes: UTC `YYYY-MM-DD HH:mm:ss`; dates `YYYY-MM-DD`.

export function formatInteger(value: number): string {
  return String(Math.round(value));
}

export function formatDecimal(value: number, scale: number): string {
  const fixed = value.toFixed(scale); // never exponent notation for |value| < 1e21
  let end = fixed.length;
  if (scale > 0) {
    while (fixed.charCodeAt(end - 1) === 48 /* 0 */) end -= 1;
    if (fixed.charCodeAt(end - 1) === 46 /* . */) end -= 1;
  }
  const trimmed = end === fixed.length ? fixed : fixed.slice(0, end);
  return trimmed === "-0" ? "0" : trimmed;
}

const MS_PER_DAY = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));

// Millions of timestamps fall on a few hundred days: the date part is cached (one day at a time, which is
// what month-by-month generation needs) and the time part is built from a lookup table.
let cachedDay = Number.NaN;
let cachedDayText = "";

export function formatUtcDateTime(epochMs: number): string {
  const day = Math.floor(epochMs / MS_PER_DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayText = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  }
  const seconds = Math.floor((epochMs - day * MS_PER_DAY) / 1000);
  const h = TWO_DIGITS[Math.floor(seconds / 3600)];
  const m = TWO_DIGITS[Math.floor(seconds / 60) % 60];
  const s = TWO_DIGITS[seconds % 60];
  return `${cachedDayText} ${h}:${m}:${s}`;
}

export function formatUtcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
