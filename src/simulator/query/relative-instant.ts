// The instant of `RELATIVEGT@<unit>@ago|ahead@<n>` (shared/reference/servicenow-api.md §2.2).
import { addUtcMonths, formatGlideDateTime, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from "./glide-date-time.js";

const RELATIVE = /^@(minute|hour|dayofweek|day|week|month|quarter|year)@(ago|ahead)@(\d{1,6})$/;

/**
 * `now` moved by n units, as `YYYY-MM-DD HH:mm:ss` UTC, or undefined when the value is malformed. Exact instant
 * arithmetic (no rounding to the start of the day or month) [UNVERIFIED against an instance]. `dayofweek` is the
 * unit the UI emits for days; `week` and `quarter` are accepted as 7 days and 3 months.
 */
export function relativeInstant(value: string, now: Date): string | undefined {
  const m = RELATIVE.exec(value);
  if (!m) return undefined;
  const sign = m[2] === "ago" ? -1 : 1;
  const n = sign * Number(m[3]);
  const nowMs = now.getTime();
  switch (m[1]) {
    case "minute":
      return formatGlideDateTime(nowMs + n * MS_PER_MINUTE);
    case "hour":
      return formatGlideDateTime(nowMs + n * MS_PER_HOUR);
    case "week":
      return formatGlideDateTime(nowMs + 7 * n * MS_PER_DAY);
    case "month":
      return formatGlideDateTime(addUtcMonths(nowMs, n));
    case "quarter":
      return formatGlideDateTime(addUtcMonths(nowMs, 3 * n));
    case "year":
      return formatGlideDateTime(addUtcMonths(nowMs, 12 * n));
    default:
      // day, dayofweek
      return formatGlideDateTime(nowMs + n * MS_PER_DAY);
  }
}
