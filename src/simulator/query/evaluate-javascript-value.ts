// `javascript:` values in encoded queries (shared/reference/servicenow-api.md §2.2-§2.3). A real instance runs them in
// its sandboxed script engine; this engine never evaluates code. It recognises a whitelist of `gs` date helpers by
// pattern and computes them from the injected clock. Anything else (`javascript:require('fs')`,
// `javascript:gs.getUser().deleteRecord()`, a helper followed by more code) is rejected, which makes the term invalid.
import {
  addUtcMonths,
  endOfUtcDay,
  formatGlideDateTime,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  parseGlideDate,
  parseGlideTime,
  startOfUtcDay,
  startOfUtcMonth,
  startOfUtcYear,
} from "./glide-date-time.js";

const JAVASCRIPT_PREFIX = /^\s*javascript:/i;
// After the prefix: one call `gs.<name>(<args without parentheses>)`, optionally followed by `;`. Nothing else.
const GS_CALL = /^\s*gs\.([A-Za-z]+)\(([^()]*)\)\s*;?\s*$/;
const INTEGER_ARG = /^\s*(-?\d{1,6})\s*$/;
const DATE_GENERATE_ARGS = /^\s*(['"])(\d{4}-\d{2}-\d{2})\1\s*,\s*(['"])([^'"]*)\3\s*$/;

const endOfMonth = (ms: number): number => addUtcMonths(startOfUtcMonth(ms), 1) - 1000;
const endOfYear = (ms: number): number => Date.UTC(new Date(ms).getUTCFullYear() + 1, 0, 1) - 1000;

// Maps, not object literals: a name like `constructor` or `__proto__` must not resolve to anything.
const NO_ARGUMENT = new Map<string, (nowMs: number) => number>([
  ["beginningOfToday", (now) => startOfUtcDay(now)],
  ["endOfToday", (now) => endOfUtcDay(now)],
  ["beginningOfYesterday", (now) => startOfUtcDay(now - MS_PER_DAY)],
  ["endOfYesterday", (now) => endOfUtcDay(now - MS_PER_DAY)],
  ["beginningOfTomorrow", (now) => startOfUtcDay(now + MS_PER_DAY)],
  ["endOfTomorrow", (now) => endOfUtcDay(now + MS_PER_DAY)],
  ["beginningOfThisMonth", (now) => startOfUtcMonth(now)],
  ["endOfThisMonth", (now) => endOfMonth(now)],
  ["beginningOfLastMonth", (now) => addUtcMonths(startOfUtcMonth(now), -1)],
  ["endOfLastMonth", (now) => startOfUtcMonth(now) - 1000],
  ["beginningOfThisYear", (now) => startOfUtcYear(now)],
  ["endOfThisYear", (now) => endOfYear(now)],
  ["beginningOfLastYear", (now) => addUtcMonths(startOfUtcYear(now), -12)],
  ["endOfLastYear", (now) => startOfUtcYear(now) - 1000],
  ["nowDateTime", (now) => now],
  ["nowNoTZ", (now) => now],
]);

const INTEGER_ARGUMENT = new Map<string, (nowMs: number, n: number) => number>([
  ["minutesAgo", (now, n) => now - n * MS_PER_MINUTE],
  ["minutesAgoStart", (now, n) => Math.floor((now - n * MS_PER_MINUTE) / MS_PER_MINUTE) * MS_PER_MINUTE],
  [
    "minutesAgoEnd",
    (now, n) => Math.floor((now - n * MS_PER_MINUTE) / MS_PER_MINUTE) * MS_PER_MINUTE + MS_PER_MINUTE - 1000,
  ],
  ["hoursAgo", (now, n) => now - n * MS_PER_HOUR],
  ["hoursAgoStart", (now, n) => Math.floor((now - n * MS_PER_HOUR) / MS_PER_HOUR) * MS_PER_HOUR],
  ["hoursAgoEnd", (now, n) => Math.floor((now - n * MS_PER_HOUR) / MS_PER_HOUR) * MS_PER_HOUR + MS_PER_HOUR - 1000],
  ["daysAgo", (now, n) => now - n * MS_PER_DAY],
  ["daysAgoStart", (now, n) => startOfUtcDay(now - n * MS_PER_DAY)],
  ["daysAgoEnd", (now, n) => endOfUtcDay(now - n * MS_PER_DAY)],
  ["monthsAgo", (now, n) => addUtcMonths(now, -n)],
  ["monthsAgoStart", (now, n) => addUtcMonths(startOfUtcMonth(now), -n)],
  ["monthsAgoEnd", (now, n) => endOfMonth(addUtcMonths(startOfUtcMonth(now), -n))],
  ["yearsAgo", (now, n) => addUtcMonths(now, -12 * n)],
]);

export function isJavascriptValue(value: string): boolean {
  return JAVASCRIPT_PREFIX.test(value);
}

function dateGenerate(args: string): number | undefined {
  const m = DATE_GENERATE_ARGS.exec(args);
  if (!m) return undefined;
  const day = parseGlideDate(m[2] ?? "");
  if (day === undefined) return undefined;
  const time = m[4] ?? "";
  if (time === "start") return day;
  if (time === "end") return endOfUtcDay(day);
  const offsetMs = parseGlideTime(time);
  return offsetMs === undefined ? undefined : day + offsetMs;
}

/**
 * The `YYYY-MM-DD HH:mm:ss` (UTC) value of a whitelisted `javascript:gs.<helper>(…)` call at `now`, or undefined
 * when the value is not one of them. Supported: dateGenerate('YYYY-MM-DD', 'HH:mm:ss'|'start'|'end'),
 * daysAgo/daysAgoStart/daysAgoEnd(n), minutesAgo[Start|End](n), hoursAgo[Start|End](n), monthsAgo[Start|End](n),
 * yearsAgo(n), beginningOf/endOf Today|Yesterday|Tomorrow|ThisMonth|LastMonth|ThisYear|LastYear, nowDateTime(),
 * nowNoTZ(). `n` is an integer, negative meaning the future, as in ServiceNow.
 */
export function evaluateJavascriptValue(value: string, now: Date): string | undefined {
  const prefix = JAVASCRIPT_PREFIX.exec(value);
  if (!prefix) return undefined;
  const m = GS_CALL.exec(value.slice(prefix[0].length));
  if (!m) return undefined;
  const name = m[1] ?? "";
  const args = m[2] ?? "";
  const nowMs = now.getTime();
  let resultMs: number | undefined;
  const noArgument = NO_ARGUMENT.get(name);
  const integerArgument = INTEGER_ARGUMENT.get(name);
  if (name === "dateGenerate") {
    resultMs = dateGenerate(args);
  } else if (noArgument !== undefined) {
    resultMs = args.trim() === "" ? noArgument(nowMs) : undefined;
  } else if (integerArgument !== undefined) {
    const n = INTEGER_ARG.exec(args);
    resultMs = n ? integerArgument(nowMs, Number(n[1])) : undefined;
  }
  return resultMs === undefined ? undefined : formatGlideDateTime(resultMs);
}
