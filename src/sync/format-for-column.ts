// Formats a value for a target column as the instance stores it, and compares values the way the column does, so
// that a value already there is never rewritten (DESIGN.md §4 invariant 4): "12.345" kg into a decimal of scale 2
// is "12.35", and a remote "12.50" equals our "12.5".
import type { ColumnType } from "../domain/write-plan.js";

const NUMERIC = new Set(["decimal", "float", "integer", "currency", "price", "longint"]);

function fixed(value: number, digits: number): string {
  const s = value.toFixed(digits);
  // -0.00 is 0.00 for anyone reading the record.
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

/** The string to write for `value` (null or undefined → "" = cleared). */
export function formatForColumn(value: number | string | null | undefined, column: ColumnType): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "";
    if (column.type === "integer" || column.type === "longint") return fixed(Math.round(value), 0);
    if (column.type === "decimal" || column.type === "currency" || column.type === "price") {
      return fixed(value, column.scale ?? 2);
    }
    return String(value);
  }
  if (column.maxLength !== undefined && value.length > column.maxLength) return value.slice(0, column.maxLength);
  return value;
}

/** True when the column already holds `formatted` (numerically for number columns, exactly otherwise). */
export function sameColumnValue(remote: string, formatted: string, column: ColumnType): boolean {
  if (remote === formatted) return true;
  if (!NUMERIC.has(column.type)) return false;
  if (remote.trim() === "" || formatted === "") return false;
  return Number(remote) === Number(formatted);
}
