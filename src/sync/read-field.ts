// Reading one column of a raw Table API record (all values are strings on the wire, §0 fact 2): "" is missing,
// number-like strings become numbers, anything else is a problem that names the column and says what to do.
import { z } from "zod";

/** A record as the Table API returns it with `sysparm_exclude_reference_link=true`; references may still be objects. */
export const RawRecord = z.record(z.string(), z.unknown());
export type RawRecord = z.infer<typeof RawRecord>;

export class FieldProblem extends Error {}

/** The string value of a column; reference objects (`{value, link}`) give their value; absent and null give "". */
export function readString(raw: RawRecord, column: string): string {
  const v = raw[column];
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "object" && "value" in v && typeof (v as { value: unknown }).value === "string") {
    return ((v as { value: string }).value ?? "").trim();
  }
  throw new FieldProblem(`${column} is not a plain value (got ${JSON.stringify(v).slice(0, 60)})`);
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** A number, or undefined when the column is empty or not mapped. Thousands separators are refused, not guessed. */
export function readNumber(
  raw: RawRecord,
  column: string | null,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  if (column === null) return undefined;
  const s = readString(raw, column);
  if (s === "") return undefined;
  if (!NUMBER.test(s))
    throw new FieldProblem(`${column} is "${s.slice(0, 40)}", not a number: correct it on the record`);
  const n = Number(s);
  if (range.integer && !Number.isInteger(n)) throw new FieldProblem(`${column} is ${s}, not a whole number`);
  if (range.min !== undefined && n < range.min) throw new FieldProblem(`${column} is ${s}, below ${range.min}`);
  if (range.max !== undefined && n > range.max) throw new FieldProblem(`${column} is ${s}, above ${range.max}`);
  return n;
}

const SYS_ID = /^[0-9a-f]{32}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export function readSysId(raw: RawRecord, column: string): string {
  const s = readString(raw, column);
  if (!SYS_ID.test(s)) throw new FieldProblem(`${column} is "${s.slice(0, 40)}", not a 32-character sys_id`);
  return s;
}

export function readDateTime(raw: RawRecord, column: string): string {
  const s = readString(raw, column);
  if (!DATETIME.test(s))
    throw new FieldProblem(`${column} is "${s.slice(0, 40)}", not a UTC datetime YYYY-MM-DD HH:mm:ss`);
  return s;
}
