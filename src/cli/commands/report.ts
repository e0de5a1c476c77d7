// `empreinte report [--format html|csv|json] [--out PATH]`: the CIO report from the cache (DESIGN.md §2). Reads
// only; needs no instance. `--out -` writes to stdout; otherwise the file is replaced whole (written beside, then
// renamed), and one line on stdout says where and how large.
import { type Command, Option } from "commander";
import type { ReportLanguage } from "../../report/report-data.js";
import { type ReportFormat, reportChunks, writeReport } from "../../report/write-report.js";
import { commandContext, type GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";

interface ReportFlags {
  format?: ReportFormat;
  out?: string;
  language?: ReportLanguage;
}

/** --format, else the extension of --out (`r.csv` means CSV), else HTML. */
export function reportFormatFor(flags: ReportFlags): ReportFormat {
  if (flags.format) return flags.format;
  const ext = /\.(html?|csv|json)$/i.exec(flags.out ?? "")?.[1]?.toLowerCase();
  return ext === "csv" || ext === "json" ? ext : "html";
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write the CIO report from the cache: HTML with charts, or the CSV/JSON export (one row per service)")
    .addOption(
      new Option("--format <format>", "html, csv or json (default: from --out's extension, else html)").choices([
        "html",
        "csv",
        "json",
      ]),
    )
    .option("--out <path>", "file to write (default ./empreinte-report.<format>); - for stdout")
    .addOption(
      new Option("--language <lang>", "language of the HTML report (default: report.language)").choices(["fr", "en"]),
    )
    .action((flags: ReportFlags, command: Command) => {
      try {
        // Reads the cache only: runs without an instance configured (a copy of the database is enough).
        const ctx = commandContext(command.optsWithGlobals<GlobalFlags>(), process.env, { offline: true });
        const format = reportFormatFor(flags);
        const config = flags.language
          ? { ...ctx.config, report: { ...ctx.config.report, language: flags.language } }
          : ctx.config;
        const out = flags.out ?? `./empreinte-report.${format}`;
        const now = new Date(ctx.clock.nowMs());
        const db = ctx.openDb();
        try {
          if (out === "-") {
            // A reader that stops early (`| head`) closes the pipe: the rest of the report is not wanted, not an error.
            process.stdout.on("error", (e: NodeJS.ErrnoException) => {
              if (e.code !== "EPIPE") throw e;
            });
            for (const chunk of reportChunks(db, config, { format, now })) process.stdout.write(chunk);
          } else {
            const r = writeReport(db, config, { format, outPath: out, now });
            process.stdout.write(`report: wrote ${r.path} (${format}, ${(r.bytes / 1000).toFixed(1)} kB)\n`);
          }
          process.exitCode = ExitCode.ok;
        } finally {
          db.close();
        }
      } catch (err) {
        process.stderr.write(`empreinte report: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
      }
    });
}
