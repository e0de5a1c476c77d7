// Calendar months as the cache names them, `YYYY-MM-01` (UsageMonth.period). Pure string and integer arithmetic in
// UTC: the run's "now" comes in as data, never from a clock read here.

const PERIOD = /^(\d{4})-(\d{2})-01$/;

export function isPeriod(text: string): boolean {
  const m = PERIOD.exec(text);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

function monthIndex(period: string): number {
  const m = PERIOD.exec(period);
  if (!m) throw new RangeError(`not a month period YYYY-MM-01: "${period}"`);
  return Number(m[1]) * 12 + (Number(m[2]) - 1);
}

function periodOfIndex(index: number): string {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-01`;
}

/** `addMonths("2026-01-01", -1)` = "2025-12-01". */
export function addMonths(period: string, months: number): string {
  return periodOfIndex(monthIndex(period) + months);
}

/** The UTC calendar month containing an instant, e.g. a run's start time. */
export function periodOfEpochMs(epochMs: number): string {
  const d = new Date(epochMs);
  return periodOfIndex(d.getUTCFullYear() * 12 + d.getUTCMonth());
}
