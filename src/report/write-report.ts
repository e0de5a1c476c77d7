// `empreinte report` and the demo: the report in one of three formats, from the cache, to a file or to any sink.
// All reads happen in one read transaction, so a sync committing new estimates meanwhile does not mix two runs'
// figures in one report. The file is written beside its target and renamed into place: a reader never sees half a
// report, and a failed write leaves the previous one.
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import type Database from "better-sqlite3";
import { ConnectorError } from "../lib/connector-error.js";
import { reportServiceRows } from "../store/report-queries.js";
import { namePathsFor, type ReportConfigLike, readReportData } from "./read-report-data.js";
import { csvLines } from "./render-csv.js";
import { renderHtml } from "./render-html.js";
import { jsonChunks } from "./render-json.js";

export type ReportFormat = "html" | "csv" | "json";
export const REPORT_FORMATS: readonly ReportFormat[] = ["html", "csv", "json"];

export interface ReportOptions {
  format: ReportFormat;
  /** When the report is made (shown in it); a Date or epoch milliseconds. */
  now: Date | number;
}

export interface WriteReportOptions extends ReportOptions {
  outPath: string;
}

function hasEstimates(db: Database.Database): boolean {
  return (
    db
      .prepare<[], { n: number }>(
        `SELECT COUNT(*) AS n FROM estimates e JOIN services s ON s.sys_id = e.service_sys_id
          WHERE s.tombstoned_at IS NULL AND s.retired = 0`,
      )
      .get()?.n !== 0
  );
}

/** The report as a sequence of text chunks (one for HTML, a line or a service at a time for CSV and JSON). */
export function* reportChunks(
  db: Database.Database,
  config: ReportConfigLike,
  options: ReportOptions,
): Generator<string> {
  const now = options.now instanceof Date ? options.now : new Date(options.now);
  const own = !db.inTransaction;
  if (own) db.exec("BEGIN");
  try {
    if (!hasEstimates(db)) {
      throw new ConnectorError(
        "usage",
        `the cache ${db.name} holds no estimate of a service in operation, so there is nothing to report: ` +
          "run `empreinte sync` (or `empreinte pull` then `empreinte estimate`) first, or point --db at the cache that has them",
      );
    }
    if (options.format === "csv") {
      yield* csvLines(reportServiceRows(db, namePathsFor(config)));
      return;
    }
    const data = readReportData(db, config, now);
    if (options.format === "json") yield* jsonChunks(data, reportServiceRows(db, namePathsFor(config)));
    else yield renderHtml(data);
  } finally {
    if (own && db.inTransaction) db.exec("COMMIT");
  }
}

/** Writes the report to `outPath` (replacing it whole) and says how many bytes it holds. */
export function writeReport(
  db: Database.Database,
  config: ReportConfigLike,
  options: WriteReportOptions,
): { path: string; bytes: number } {
  const path = options.outPath;
  const temp = `${path}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openSync(temp, "w", 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConnectorError(
      "usage",
      `cannot write the report to ${path} (${code}): check that its folder exists and is writable, or choose another --out`,
      { cause: err },
    );
  }
  let bytes = 0;
  try {
    for (const chunk of reportChunks(db, config, options)) {
      const buffer = Buffer.from(chunk, "utf8");
      // writeSync may write less than asked (a full disk, a pipe): loop until the chunk is out.
      for (let done = 0; done < buffer.byteLength; ) done += writeSync(fd, buffer, done);
      bytes += buffer.byteLength;
    }
    closeSync(fd);
    renameSync(temp, path);
    return { path, bytes };
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // Already closed when the rename failed.
    }
    rmSync(temp, { force: true });
    throw err;
  }
}
