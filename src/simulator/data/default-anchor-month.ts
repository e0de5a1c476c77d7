// The anchor month the dev instance uses when none is given: the current UTC month, so that the seeded usage
// ends with last month (the last complete month) and nothing is dated in the current month.

/** The current UTC month as "YYYY-MM". */
export function defaultAnchorMonth(now: Date): string {
  return `${String(now.getUTCFullYear()).padStart(4, "0")}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
}
