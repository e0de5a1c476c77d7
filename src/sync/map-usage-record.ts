// Usage record (raw strings) → UsageMonth, or a reason to quarantine it. Visits are required: the method cannot
// estimate a month without them (carbon-model.md §2, §5); other metrics fall back to the method's defaults.
import type { UsageFields } from "../config/usage-schema.js";
import type { UsageMonth } from "../domain/usage-month.js";
import type { MapResult } from "./map-service-record.js";
import { FieldProblem, type RawRecord, readDateTime, readNumber, readString, readSysId } from "./read-field.js";

function period(raw: RawRecord, column: string): string {
  const s = readString(raw, column);
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) {
    throw new FieldProblem(`${column} is "${s.slice(0, 40)}", not a date YYYY-MM-DD (the first day of the month)`);
  }
  return `${m[1]}-${m[2]}-01`;
}

export function mapUsageRecord(raw: RawRecord, f: UsageFields): MapResult<UsageMonth> {
  const sysIdGuess = typeof raw.sys_id === "string" ? raw.sys_id : "";
  try {
    const sysId = readSysId(raw, "sys_id");
    const serviceSysId = readString(raw, f.service);
    if (!/^[0-9a-f]{32}$/.test(serviceSysId)) {
      throw new FieldProblem(
        `${f.service} is "${serviceSysId.slice(0, 40)}": the row must reference a catalogue record`,
      );
    }
    const visits = readNumber(raw, f.visits, { min: 0 });
    if (f.visits !== null && visits === undefined) {
      throw new FieldProblem(`${f.visits} is empty: the month's visits are required (enter 0 for a month without use)`);
    }
    const u: UsageMonth = {
      sysId,
      serviceSysId,
      period: period(raw, f.period),
      sysUpdatedOn: readDateTime(raw, "sys_updated_on"),
    };
    const put = <K extends keyof UsageMonth>(key: K, value: UsageMonth[K] | undefined) => {
      if (value !== undefined) u[key] = value;
    };
    put("visits", visits);
    put("pageViews", readNumber(raw, f.pageViews, { min: 0 }));
    put("transactions", readNumber(raw, f.transactions, { min: 0 }));
    put("dataGb", readNumber(raw, f.dataGb, { min: 0 }));
    put("avgSessionMin", readNumber(raw, f.avgSessionMin, { min: 0, max: 24 * 60 }));
    put("mobileShare", readNumber(raw, f.mobileShare, { min: 0, max: 1 }));
    return { ok: true, value: u };
  } catch (err) {
    if (err instanceof FieldProblem) return { ok: false, sysId: sysIdGuess, reason: err.message };
    throw err;
  }
}

export function usageColumns(f: UsageFields): string[] {
  // sys_mod_count: orders two versions of a row in the staged merge, and adds up into the lookback window's
  // fingerprint (window-fingerprint.ts).
  const cols = new Set(["sys_id", "sys_updated_on", "sys_mod_count"]);
  for (const c of Object.values(f)) if (c !== null) cols.add(c);
  return [...cols];
}
