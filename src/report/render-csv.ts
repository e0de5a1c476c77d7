// The CSV export: one row per service (retired ones included, deleted ones not), its year view, unrounded. RFC 4180
// (comma, CRLF, fields with a comma, quote or line break in double quotes, quotes doubled), UTF-8 with a byte-order
// mark so that spreadsheet programs read accented names right, one header row. Text that starts with = + - @ (or a
// tab or carriage return) is prefixed with an apostrophe and quoted: a spreadsheet would otherwise run a service
// name such as `=HYPERLINK(…)` as a formula (OWASP "CSV injection"). Numbers are written as numbers.
import type { ReportServiceRow } from "../store/report-queries.js";

export const CSV_BOM = "\uFEFF";

type CsvValue = string | number | boolean | null;

const COLUMNS: ReadonlyArray<readonly [string, (r: ReportServiceRow) => CsvValue]> = [
  ["sys_id", (r) => r.sysId],
  ["name", (r) => r.name],
  ["domain", (r) => r.domain],
  ["owned_by", (r) => r.ownedBy],
  ["owner_name", (r) => r.ownerName],
  ["support_group", (r) => r.supportGroup],
  ["support_group_name", (r) => r.supportGroupName],
  ["retired", (r) => r.retired],
  ["usage_status", (r) => r.view.usageStatus],
  ["first_period", (r) => r.view.firstPeriod],
  ["last_period", (r) => r.view.lastPeriod],
  ["co2e_kg_year", (r) => r.view.co2eKgYear],
  ["co2e_kg_month", (r) => r.view.co2eKgMonth],
  ["devices_kg_year", (r) => r.view.co2eGYear.devices / 1000],
  ["network_kg_year", (r) => r.view.co2eGYear.network / 1000],
  ["data_centre_kg_year", (r) => r.view.co2eGYear.dataCentre / 1000],
  ["operational_kg_year", (r) => r.view.co2eGYear.operational / 1000],
  ["embodied_kg_year", (r) => r.view.co2eGYear.embodied / 1000],
  ["energy_kwh_year", (r) => r.view.energyKwhYear],
  ["visits_year", (r) => r.view.visitsYear],
  ["months_with_usage", (r) => r.view.monthsWithUsage],
  ["g_per_visit_year", (r) => r.view.gPerVisitYear],
  ["grade", (r) => r.view.grade],
  ["confidence_level", (r) => r.view.confidence.level],
  ["confidence_score", (r) => r.view.confidence.score],
  ["carbon_method", (r) => r.view.carbonMethod],
];

export const CSV_HEADER: readonly string[] = COLUMNS.map(([name]) => name);

/** One field, quoted and neutralised as the file's comment says. */
export function csvCell(value: CsvValue): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const formula = /^[=+\-@\t\r]/.test(value);
  const text = formula ? `'${value}` : value;
  return formula || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The file, a line (CRLF-terminated) at a time: the BOM and header first. */
export function* csvLines(rows: Iterable<ReportServiceRow>): Generator<string> {
  yield `${CSV_BOM}${CSV_HEADER.join(",")}\r\n`;
  for (const r of rows) yield `${COLUMNS.map(([, get]) => csvCell(get(r))).join(",")}\r\n`;
}
