// `empreinte sync`, `push` and `resync`: one run of the job (DESIGN.md §2). sync = pull → estimate → plan → push;
// push = plan → push from the cache (the records to write are read again first); resync = the named services read
// again whatever the cursors say, then estimated, planned and pushed.
import { dirname } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import type { JobStep } from "../../config/job-schema.js";
import { ConnectorError } from "../../lib/connector-error.js";
import { isoToGlide } from "../../sync/cursor.js";
import { runSync, type SyncOptions, type SyncSummary } from "../../sync/run.js";
import { type CommandContext, commandContext, type GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";
import { formatSyncSummary } from "../print-sync-summary.js";
import { createProgress } from "../progress.js";
import { loadFactorSet } from "./estimate-input.js";

interface RunFlags {
  job?: string;
  full?: boolean;
  since?: string;
  dryRun?: boolean;
  force?: boolean;
  service?: string[];
  json?: boolean;
  detailedExitcode?: boolean;
  wait?: boolean;
}

function since(raw: string): string {
  const glide = isoToGlide(raw);
  if (!glide) throw new InvalidArgumentError(`"${raw}" is not an ISO 8601 date, e.g. 2026-10-01T00:00:00Z`);
  return glide;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The exit code of a finished run (DESIGN.md §2): 2 only asked for (`--detailed-exitcode` on a dry run). */
export function exitCodeOfRun(s: SyncSummary, detailedExitcode: boolean): ExitCode {
  if (s.dryRun && detailedExitcode && s.planned > 0) return ExitCode.pendingWrites;
  if (s.outcome === "partial") return ExitCode.partial;
  return ExitCode.ok;
}

export function factorsFor(ctx: CommandContext, globals: GlobalFlags) {
  return loadFactorSet({
    id: ctx.config.estimation.factorSet,
    ...(ctx.config.estimation.factorOverrides !== undefined
      ? { overrides: ctx.config.estimation.factorOverrides }
      : {}),
    ...(globals.config ? { baseDir: dirname(globals.config) } : {}),
  });
}

async function runVerb(verb: "sync" | "push" | "resync", flags: RunFlags, command: Command): Promise<void> {
  const globals = command.optsWithGlobals<GlobalFlags>();
  let ctx: CommandContext;
  try {
    ctx = commandContext(globals);
  } catch (err) {
    process.stderr.write(`empreinte ${verb}: ${(err as Error).message}\n`);
    process.exitCode = exitCodeFor(err);
    return;
  }
  const progress = createProgress(!flags.json && process.stderr.isTTY === true);
  const db = ctx.openDb();
  try {
    let steps: JobStep[] = verb === "push" ? ["push"] : ["pull", "estimate", "push"];
    let full = flags.full === true;
    if (flags.job !== undefined) {
      const job = ctx.config.jobs[flags.job];
      if (!job) {
        const names = Object.keys(ctx.config.jobs);
        throw new ConnectorError(
          "usage",
          `No job named "${flags.job}" in the configuration (jobs: ${names.length ? names.join(", ") : "none"}).`,
        );
      }
      steps = [...job.steps];
      full = full || job.full;
    }
    if (verb === "resync" && (flags.service ?? []).length === 0) {
      throw new ConnectorError("usage", "resync needs at least one --service <sys_id or exact name>.");
    }
    const options: SyncOptions = {
      owner: `${verb} (cli, pid ${process.pid})`,
      steps,
      full,
      dryRun: flags.dryRun === true,
      force: flags.force === true,
      resync: verb === "resync",
      wait: flags.wait === true,
      ...(flags.since !== undefined ? { since: flags.since } : {}),
      ...(flags.service !== undefined ? { services: flags.service } : {}),
    };
    const summary = await runSync(
      {
        db,
        config: ctx.config,
        clock: ctx.clock,
        log: ctx.log,
        factors: factorsFor(ctx, globals),
        signal: ctx.signal,
        ...progress.hooks,
      },
      options,
    );
    progress.stop();
    process.stdout.write(
      flags.json ? `${JSON.stringify(summary)}\n` : formatSyncSummary(summary, { table: ctx.config.catalogue.table }),
    );
    process.exitCode = exitCodeOfRun(summary, flags.detailedExitcode === true);
  } catch (err) {
    progress.stop();
    const by = ctx.interruptedBy();
    const code = by ? (by === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated) : exitCodeFor(err);
    ctx.log.error({ kind: (err as { kind?: string }).kind, exitCode: code }, (err as Error).message);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ outcome: "failed", error: (err as Error).message, exitCode: code })}\n`);
    } else process.stderr.write(`empreinte ${verb}: ${(err as Error).message}\n`);
    process.exitCode = code;
  } finally {
    db.close();
  }
}

function common(cmd: Command): Command {
  return cmd
    .option("--dry-run", "plan the writes and print them; send nothing to the instance")
    .option("--detailed-exitcode", "with --dry-run: exit 2 when writes are pending, 0 when there are none")
    .option("--force", "overwrite owned fields a person changed on the instance (reported as conflicts otherwise)")
    .option("--wait", "wait for another run to finish instead of exiting 75")
    .option("--json", "print the run summary as JSON on stdout");
}

export function registerSync(program: Command): void {
  common(
    program
      .command("sync")
      .description("one run: pull → estimate → plan → push (only changed owned fields are written)")
      .option("--job <name>", "run the steps and options of this configured job")
      .option("--full", "re-read everything and reconcile deletions (still writes only what changed)")
      .option(
        "--since <iso>",
        "re-read records updated since this instant, without moving the stored cursor back",
        since,
      )
      .option("--service <id>", "limit the plan to this service (sys_id or exact name); repeatable", collect),
  ).action((flags: RunFlags, command: Command) => runVerb("sync", flags, command));

  common(
    program
      .command("push")
      .description("plan and write the footprint fields from the cache (the records are read again just before)")
      .option("--service <id>", "limit the push to this service (sys_id or exact name); repeatable", collect),
  ).action((flags: RunFlags, command: Command) => runVerb("push", flags, command));

  common(
    program
      .command("resync")
      .description("read the named services again (ignoring the cursors), estimate them and write their fields")
      .requiredOption("--service <id>", "a service to resync (sys_id or exact name); repeatable", collect),
  ).action((flags: RunFlags, command: Command) => runVerb("resync", flags, command));
}
