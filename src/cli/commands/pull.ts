// `empreinte pull [--full] [--since ISO]`: the pull stage alone — catalogue and usage into the SQLite cache.
import { type Command, InvalidArgumentError } from "commander";
import { isoToGlide } from "../../sync/cursor.js";
import { runPull } from "../../sync/run-pull.js";
import { commandContext, type GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";
import { printPullSummary } from "../print-pull-summary.js";

interface PullFlags {
  full?: boolean;
  since?: string;
  json?: boolean;
}

function since(raw: string): string {
  const glide = isoToGlide(raw);
  if (!glide) throw new InvalidArgumentError(`"${raw}" is not an ISO 8601 date, e.g. 2026-10-01T00:00:00Z`);
  return glide;
}

export function registerPull(program: Command): void {
  program
    .command("pull")
    .description("pull the catalogue and the usage metrics into the local cache (incremental unless --full)")
    .option("--full", "re-read everything and reconcile deletions (still writes only what changed)")
    .option("--since <iso>", "re-read records updated since this instant, without moving the stored cursor back", since)
    .option("--json", "print the summary as JSON on stdout")
    .action(async (flags: PullFlags, command: Command) => {
      let ctx: ReturnType<typeof commandContext>;
      try {
        ctx = commandContext(command.optsWithGlobals<GlobalFlags>());
      } catch (err) {
        process.stderr.write(`empreinte pull: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
        return;
      }
      const db = ctx.openDb();
      try {
        const summary = await runPull(
          { db, config: ctx.config, clock: ctx.clock, log: ctx.log, signal: ctx.signal },
          { full: flags.full === true, ...(flags.since ? { since: flags.since } : {}), owner: "pull (cli)" },
        );
        if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else printPullSummary(summary);
        process.exitCode = summary.outcome === "partial" ? ExitCode.partial : ExitCode.ok;
      } catch (err) {
        const by = ctx.interruptedBy();
        ctx.log.error({ kind: (err as { kind?: string }).kind }, (err as Error).message);
        process.exitCode = by ? (by === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated) : exitCodeFor(err);
      } finally {
        db.close();
      }
    });
}
