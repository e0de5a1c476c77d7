// ServiceNow's stored datetime format: UTC `YYYY-MM-DD HH:mm:ss`, second resolution, no `T`, no `Z`
// (servicenow-api.md §0 fact 4, §2.3). ISO-8601 in a query is a known bug of other connectors (Slalom tap).

const GLIDE_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** True for a well-formed, real UTC datetime in ServiceNow's stored format. */
export function isGlideDateTime(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const m = GLIDE_DATE_TIME.exec(value);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return toGlideDateTime(ms) === value;
}

/** Epoch ms (or a Date) → `YYYY-MM-DD HH:mm:ss` in UTC, truncated to the second. */
export function toGlideDateTime(instant: number | Date): string {
  const iso = new Date(instant).toISOString(); // 2026-03-01T10:00:00.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** `YYYY-MM-DD HH:mm:ss` (UTC) → epoch ms, or undefined when not a valid glide datetime. */
export function parseGlideDateTime(value: string): number | undefined {
  if (!isGlideDateTime(value)) return undefined;
  return Date.parse(`${value.replace(" ", "T")}Z`);
}
