// The JSON export: the report's data (ReportData, the same figures as the HTML, unrounded) and, under `services`,
// every service (retired ones included, deleted ones not) with its year view, one service a line so that a large
// portfolio streams to the file without being held in memory twice.
import type { ReportServiceRow } from "../store/report-queries.js";
import type { ReportData } from "./report-data.js";

export function* jsonChunks(data: ReportData, rows: Iterable<ReportServiceRow>): Generator<string> {
  const head = JSON.stringify(data, null, 2);
  // `head` ends with "\n}": reopen the object to add the services array as its last member.
  yield `${head.slice(0, -2)},\n  "services": [`;
  let first = true;
  for (const r of rows) {
    yield `${first ? "\n" : ",\n"}    ${JSON.stringify(r)}`;
    first = false;
  }
  yield `${first ? "" : "\n  "}]\n}\n`;
}
