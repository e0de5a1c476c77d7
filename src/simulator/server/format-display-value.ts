// Display values as `sysparm_display_value=true|all` renders them (shared/reference/servicenow-api.md §1.4):
// choice labels, datetimes in the calling user's time zone, numbers with grouping, references by display field.
import type { FieldDef } from "../schema/types.js";

const dateTimeFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = dateTimeFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    dateTimeFormatters.set(timeZone, f);
  }
  return f;
}

/** `2026-10-31 21:04:05` (UTC, as stored) → the same instant in `timeZone`, same `YYYY-MM-DD HH:mm:ss` format. */
export function utcToZone(utc: string, timeZone: string): string {
  const t = Date.parse(`${utc.replace(" ", "T")}Z`);
  if (Number.isNaN(t)) return utc;
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(t))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

function groupDigits(value: string): string {
  const [int, frac] = value.split(".");
  if (int === undefined || !/^-?\d+$/.test(int)) return value;
  const sign = int.startsWith("-") ? "-" : "";
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${grouped}${frac !== undefined ? `.${frac}` : ""}`;
}

export interface DisplayContext {
  timeZone: string;
  /** Display value of the record a reference points to (its display field), undefined when it does not resolve. */
  referenceDisplay(table: string, sysId: string): string | undefined;
  /** Label of a table, for `sys_class_name`. */
  tableLabel(table: string): string | undefined;
}

/** The display value of one stored value; null where a real instance sends JSON null. */
export function formatDisplayValue(field: FieldDef | undefined, value: string, ctx: DisplayContext): string | null {
  if (!field) return value;
  if (value === "") {
    if (field.emptyDisplayValue !== undefined) return field.emptyDisplayValue;
    return field.type === "choice" ? null : "";
  }
  switch (field.type) {
    case "choice": {
      const choice = field.choices?.find((c) => c.value === value);
      return choice ? choice.label : value;
    }
    case "glide_date_time":
      return utcToZone(value, ctx.timeZone);
    case "integer":
      return groupDigits(value);
    case "decimal":
    case "float": {
      const n = Number(value);
      if (!Number.isFinite(n) || field.scale === undefined) return groupDigits(value);
      return groupDigits(n.toFixed(field.scale));
    }
    case "reference":
      return field.reference ? (ctx.referenceDisplay(field.reference, value) ?? "") : value;
    case "sys_class_name":
      return ctx.tableLabel(value) ?? value;
    default:
      return value;
  }
}
