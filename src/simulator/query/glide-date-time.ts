// UTC calendar arithmetic and the stored `YYYY-MM-DD HH:mm:ss` format (shared/reference/servicenow-api.md §0 fact 4).
// Everything is UTC: the integration user runs with time zone GMT (§2.3), so the session time zone of
// `gs.*` helpers and of literal comparisons is UTC.

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const MS_PER_DAY = 24 * MS_PER_HOUR;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** `YYYY-MM-DD HH:mm:ss` in UTC, or undefined outside years 0000-9999 (the format has four year digits). */
export function formatGlideDateTime(epochMs: number): string | undefined {
  const d = new Date(epochMs);
  const year = d.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) return undefined;
  const date = `${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  return `${date} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
}

/** Epoch ms of midnight UTC of a real calendar date `YYYY-MM-DD`, or undefined (e.g. 2024-02-30). */
export function parseGlideDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  // Date.UTC maps years 0-99 to 1900-1999; reject rather than special-case (no such dates in a catalogue).
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return ms;
}

/** Milliseconds since midnight of `HH:mm:ss`, or undefined when out of range. */
export function parseGlideTime(text: string): number | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || min > 59 || s > 59) return undefined;
  return h * MS_PER_HOUR + min * MS_PER_MINUTE + s * 1000;
}

export function startOfUtcDay(epochMs: number): number {
  return Math.floor(epochMs / MS_PER_DAY) * MS_PER_DAY;
}

/** The last whole second of the UTC day: ServiceNow's `end` helpers return `23:59:59` (second resolution). */
export function endOfUtcDay(epochMs: number): number {
  return startOfUtcDay(epochMs) + MS_PER_DAY - 1000;
}

export function startOfUtcMonth(epochMs: number): number {
  const d = new Date(epochMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function startOfUtcYear(epochMs: number): number {
  return Date.UTC(new Date(epochMs).getUTCFullYear(), 0, 1);
}

/**
 * Adds calendar months, clamping the day to the target month's length (Java's Calendar.add, which GlideDateTime
 * uses: 31 March minus one month is 29 February in a leap year, not 2 March).
 */
export function addUtcMonths(epochMs: number, months: number): number {
  const d = new Date(epochMs);
  const firstOfTarget = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
  const target = new Date(firstOfTarget);
  const daysInTarget = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), daysInTarget);
  return firstOfTarget + (day - 1) * MS_PER_DAY + (epochMs - startOfUtcDay(epochMs));
}
