// `empreinte demo`: the whole job against the embedded dev instance, for a newcomer with nothing configured
// (DESIGN.md §2): start the instance seeded with a metropolitan catalogue, run one full sync with the example
// configuration as it ships, print the summary (totals, top emitters, retirement candidates) and one record's
// footprint fields as they now read in the instance.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { DEFAULT_CONFIG_PATH, loadConfig } from "../../config/load-config.js";
import { systemClock } from "../../lib/clock.js";
import { createLogger } from "../../observability/logger.js";
import { writeReport } from "../../report/write-report.js";
import { inTerm } from "../../servicenow/encoded-query.js";
import type { ServiceNowClient } from "../../servicenow/table-client.js";
import {
  portfolioTotals,
  retirementCandidates,
  retirementCandidateTotals,
  type ServiceFootprintRow,
  topEmitters,
} from "../../store/footprint-queries.js";
import { openDatabase } from "../../store/open-database.js";
import { connectInstance } from "../../sync/connect-instance.js";
import { runSync } from "../../sync/run.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";
import { formatSyncSummary } from "../print-sync-summary.js";
import { createProgress } from "../progress.js";
import { loadFactorSet } from "./estimate-input.js";
import { exitCodeOfRun } from "./sync.js";

interface DemoFlags {
  services: number;
  seed: number;
  db?: string;
}

function int(name: string, min: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}`);
    return n;
  };
}

const t = (kg: number): string => `${(kg / 1000).toLocaleString("en-GB", { maximumFractionDigits: 1 })} t`;
const kg = (x: number): string => `${x.toLocaleString("en-GB", { maximumFractionDigits: 0 })} kg`;

/** Owner display names (sys_user.name) of the rows shown, in one request; the sys_id when unreadable. */
async function ownerNames(
  client: ServiceNowClient,
  rows: readonly ServiceFootprintRow[],
): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.ownedBy).filter((id) => /^[0-9a-f]{32}$/.test(id)))];
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  try {
    const page = await client.listPage("sys_user", {
      query: inTerm("sys_id", ids),
      fields: ["name"],
      systemFields: ["sys_id"],
      limit: ids.length,
    });
    for (const r of page.records as Array<{ sys_id?: string; name?: string }>) {
      if (r.sys_id && r.name) names.set(r.sys_id, r.name);
    }
  } catch {
    // Names are a courtesy: the sys_ids are shown instead.
  }
  return names;
}

function table(rows: readonly ServiceFootprintRow[], owners: Map<string, string>, withOwner: boolean): string[] {
  return rows.map((r, i) => {
    const v = r.view;
    const perVisit = v.gPerVisitYear === null ? "—" : `${v.gPerVisitYear.toFixed(1)} g/visit`;
    const owner = withOwner ? `  owner ${owners.get(r.ownedBy) ?? (r.ownedBy || "none")}` : "";
    return `  ${String(i + 1).padStart(2)}. ${r.name.slice(0, 58).padEnd(58)} ${kg(v.co2eKgYear).padStart(10)}  ${perVisit.padStart(14)}  grade ${v.grade ?? "—"}  ${v.usageStatus}${owner}`;
  });
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run the whole job against the embedded dev instance and show what it wrote")
    .option("--services <n>", "services in the seeded catalogue", int("--services", 1), 1600)
    .option("--seed <n>", "seed of the generated data", int("--seed", 0), 1)
    .action(async (flags: DemoFlags, command: Command) => {
      const globals = command.optsWithGlobals<{ db?: string }>();
      const started = performance.now();
      process.stdout.write(`Starting the embedded dev instance (${flags.services} services, 24 months)…\n`);
      // Loaded here, not at the top: every other verb would pay for the dev instance's modules at start-up.
      const { DevInstance } = await import("../../simulator/server/dev-instance.js");
      const sim = await DevInstance.start({ services: flags.services, seed: flags.seed });
      const dbPath = globals.db ?? join(mkdtempSync(join(tmpdir(), "empreinte-demo-")), "empreinte.db");
      const { url, username, password } = sim.credentials;
      // The example configuration as it ships, pointed at the dev instance through the environment, as a user would.
      const env = { SN_INSTANCE_URL: url, SN_USERNAME: username, SN_PASSWORD: password, EMPREINTE_DB: dbPath };
      const loaded = loadConfig({ path: DEFAULT_CONFIG_PATH, env });
      const log = createLogger({
        level: process.env.LOG_LEVEL ?? "warn",
        format: process.env.LOG_FORMAT === "json" ? "json" : "pretty",
        secrets: loaded.secrets,
      });
      const config = loaded.config;
      const db = openDatabase({ path: dbPath, busyTimeoutMs: config.database.busyTimeoutMs });
      const controller = new AbortController();
      const onSignal = () => controller.abort(new Error("interrupted"));
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      const progress = createProgress();
      try {
        process.stdout.write(`Instance ${url}; cache ${dbPath}; config ${DEFAULT_CONFIG_PATH}\n\n`);
        const client = connectInstance(config, config.catalogue.instance, {
          clock: systemClock,
          signal: controller.signal,
        });
        const summary = await runSync(
          {
            db,
            config,
            clock: systemClock,
            log,
            factors: loadFactorSet({ id: config.estimation.factorSet }),
            signal: controller.signal,
            clients: new Map([[config.catalogue.instance, client]]),
            ...progress.hooks,
          },
          { owner: "demo", steps: ["pull", "estimate", "push"], full: false, dryRun: false, force: false },
        );
        progress.stop();
        process.stdout.write(formatSyncSummary(summary, { table: config.catalogue.table }));

        const totals = portfolioTotals(db);
        const statuses = Object.entries(totals.byUsageStatus)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${v} ${k}`)
          .join(", ");
        const candidates = retirementCandidateTotals(db);
        const top = topEmitters(db, 10);
        const retire = retirementCandidates(db, 10);
        const owners = await ownerNames(client, [...top, ...retire]);
        const lines = [
          "",
          `Portfolio (${totals.services} services in operation, the 12 months before ${totals.runPeriod.slice(0, 7)}, ${totals.carbonMethod}):`,
          `  ${t(totals.co2eKgYear)} CO2e a year, ${Math.round(totals.energyKwhYear).toLocaleString("en-GB")} kWh, ` +
            `${totals.visitsYear.toLocaleString("en-GB")} visits; ${statuses}`,
          "",
          "Top emitters:",
          ...table(top, owners, false),
          "",
          `Retirement candidates (unused or underused, still in operation): ${candidates.services} services, ${t(candidates.co2eKgYear)} CO2e a year`,
          ...table(retire, owners, true),
        ];
        const shown = top[0];
        if (shown) {
          // Read back from the instance, as a CIO would see the record in ServiceNow.
          const owned = Object.values(config.owned);
          const record = await client.getRecord(config.catalogue.table, shown.sysId, [
            config.catalogue.fields.name,
            ...owned,
          ]);
          lines.push("", `One record as it now reads in the instance (GET ${config.catalogue.table}/${shown.sysId}):`);
          for (const column of [config.catalogue.fields.name, ...owned]) {
            lines.push(`  ${column.padEnd(22)} ${JSON.stringify(record[column] ?? "")}`);
          }
        }
        const report = writeReport(db, config, {
          format: "html",
          outPath: join(dirname(dbPath), "empreinte-report.html"),
          now: Date.now(),
        });
        lines.push(
          "",
          `The CIO report (${Math.round(report.bytes / 1024)} kB, opens offline in any browser): ${report.path}`,
        );
        lines.push(
          "",
          `Done in ${((performance.now() - started) / 1000).toFixed(1)} s. The dev instance stops now; the cache ` +
            `stays: npx empreinte status --db ${dbPath}`,
          "",
        );
        process.stdout.write(lines.join("\n"));
        process.exitCode = exitCodeOfRun(summary, false);
      } catch (err) {
        progress.stop();
        process.stderr.write(`empreinte demo: ${(err as Error).message}\n`);
        process.exitCode = controller.signal.aborted ? ExitCode.interrupted : exitCodeFor(err);
      } finally {
        db.close();
        await sim.stop();
      }
    });
}
