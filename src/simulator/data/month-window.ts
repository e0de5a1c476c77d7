// The calendar of the seeded usage: `months` complete months ending with the one before `anchorMonth`
// (anchor "2026-11", 24 months → 2024-11-01 … 2026-10-01). Every seeded timestamp is before the anchor month's
// first instant, so an instance started during the anchor month has nothing "new" for a first incremental run.

const ANCHOR = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface MonthWindow {
  /** First instant (UTC) of the anchor month; every seeded timestamp is strictly before it. */
  anchorStartMs: number;
  months: number;
  /** First instant of period `m` (0 = oldest); `m` may be negative or ≥ months for dates around the window. */
  periodStartMs(m: number): number;
  /** Calendar month of period `m`, 0 = January. */
  calendarMonth(m: number): number;
}

export function monthWindow(anchorMonth: string, months: number): MonthWindow {
  const match = ANCHOR.exec(anchorMonth);
  if (!match) throw new RangeError(`anchorMonth must be "YYYY-MM", got "${anchorMonth}"`);
  const year = Number(match[1]);
  const month0 = Number(match[2]) - 1;
  const firstMonthIndex = year * 12 + month0 - months; // months since year 0 of period 0
  return {
    anchorStartMs: Date.UTC(year, month0, 1),
    months,
    periodStartMs: (m) => {
      const index = firstMonthIndex + m;
      return Date.UTC(Math.floor(index / 12), ((index % 12) + 12) % 12, 1);
    },
    calendarMonth: (m) => (((firstMonthIndex + m) % 12) + 12) % 12,
  };
}
