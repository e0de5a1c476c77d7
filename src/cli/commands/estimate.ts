// `empreinte estimate`: the estimate stage over the cache, or, with --input, the what-if calculator (no instance,
// no cache: carbon-model.md §6).
import { dirname } from "node:path";
import type { Command } from "commander";
import { runEstimateParallel } from "../../sync/run-estimate.js";
import { commandContext, type GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";
import { loadFactorSet, runEstimateInput } from "./estimate-input.js";

interface EstimateFlags {
  input?: string;
  json?: boolean;
}

export function registerEstimate(program: Command): void {
  program
    .command("estimate")
    .description("estimate every cached service (months and year view), or --input FILE for what-if estimates")
    .option("--input <file>", "what-if: a JSON array of service-months (carbon-model.md §6), - for stdin")
    .option("--json", "print JSON")
    .action(async (flags: EstimateFlags, command: Command) => {
      if (flags.input !== undefined) {
        const r = await runEstimateInput(flags.input, { json: flags.json === true });
        if (r.output) process.stdout.write(r.output);
        if (r.errorOutput) process.stderr.write(r.errorOutput);
        process.exitCode = r.exitCode;
        return;
      }
      try {
        const globals = command.optsWithGlobals<GlobalFlags>();
        const ctx = commandContext(globals, process.env, { offline: true });
        const factors = loadFactorSet({
          id: ctx.config.estimation.factorSet,
          ...(ctx.config.estimation.factorOverrides !== undefined
            ? { overrides: ctx.config.estimation.factorOverrides }
            : {}),
          ...(globals.config ? { baseDir: dirname(globals.config) } : {}),
        });
        const db = ctx.openDb();
        try {
          const s = await runEstimateParallel(db, ctx.clock, {
            factors,
            underusedVisitsPerMonth: ctx.config.estimation.underusedVisitsPerMonth,
          });
          if (flags.json) process.stdout.write(`${JSON.stringify(s)}\n`);
          else {
            const statuses = Object.entries(s.byUsageStatus)
              .map(([k, v]) => `${v} ${k}`)
              .join(", ");
            process.stdout.write(
              `estimate: ${s.services} services, ${s.months} service-months with ${s.method} ${s.factorSetId}, ` +
                `year to ${s.runPeriod} (excluded): ${(s.co2eKgYear / 1000).toFixed(1)} t CO2e; ${statuses}` +
                `${s.withWarnings ? `; ${s.withWarnings} services estimated with warnings` : ""} (${s.durationS.toFixed(1)} s)\n`,
            );
          }
          process.exitCode = ExitCode.ok;
        } finally {
          db.close();
        }
      } catch (err) {
        process.stderr.write(`empreinte estimate: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
      }
    });
}
