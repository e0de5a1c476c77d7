// `empreinte state reset`: forget the cursors so the next pull reads everything again (after restoring a database,
// or a cursor ahead of the instance's clock: fault matrix row 15). Cached rows, estimates and what empreinte wrote
// stay. Refuses while another run holds the lease.
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type { StreamName } from "../../domain/cursor.js";
import { CacheRepository } from "../../store/cache-repository.js";
import { Lease } from "../../store/lease.js";
import { holdLease } from "../../sync/hold-lease.js";
import { commandContext, type GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";

function stream(raw: string): StreamName {
  if (raw !== "services" && raw !== "usage") throw new InvalidArgumentError('use "services" or "usage"');
  return raw;
}

export function registerState(program: Command): void {
  const state = program.command("state").description("the sync state kept in the cache");
  state
    .command("reset")
    .description("forget the cursors: the next pull reads everything again (cached rows stay)")
    .option("--stream <stream>", "only this stream: services or usage", stream)
    .option("--yes", "confirm")
    .action((flags: { stream?: StreamName; yes?: boolean }, command: Command) => {
      if (flags.yes !== true) {
        process.stderr.write(
          "empreinte state reset: this makes the next pull read every record again. Add --yes to confirm.\n",
        );
        process.exitCode = ExitCode.usage;
        return;
      }
      try {
        const ctx = commandContext(command.optsWithGlobals<GlobalFlags>());
        const db = ctx.openDb();
        try {
          const held = holdLease(
            new Lease(db),
            ctx.config,
            ctx.clock,
            ctx.log,
            `state reset (cli, pid ${process.pid})`,
          );
          try {
            const streams: StreamName[] = flags.stream ? [flags.stream] : ["services", "usage"];
            new CacheRepository(db).resetCursors(held.fencingToken, streams);
            process.stdout.write(`cursors reset (${streams.join(", ")}): the next pull reads everything again\n`);
            process.exitCode = ExitCode.ok;
          } finally {
            held.release();
          }
        } finally {
          db.close();
        }
      } catch (err) {
        process.stderr.write(`empreinte state reset: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
      }
    });
}
