// `empreinte quarantine list|retry`: the records that failed validation, kept with their reason and raw JSON
// (DESIGN.md §4 invariant 3), and another try once they are fixed on the instance.
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type { StreamName } from "../../domain/cursor.js";
import { CacheRepository } from "../../store/cache-repository.js";
import { Lease } from "../../store/lease.js";
import { QuarantineRepository } from "../../store/quarantine-repository.js";
import { connectInstance } from "../../sync/connect-instance.js";
import { holdLease } from "../../sync/hold-lease.js";
import { retryQuarantine } from "../../sync/retry-quarantine.js";
import { commandContext, type GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";

interface Flags {
  stream?: StreamName;
  reason?: string;
  sysId?: string;
  all?: boolean;
  limit?: number;
  json?: boolean;
}

function stream(raw: string): StreamName {
  if (raw !== "services" && raw !== "usage") throw new InvalidArgumentError('use "services" or "usage"');
  return raw;
}

function positive(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("a whole number ≥ 1");
  return n;
}

function filters(cmd: Command): Command {
  return cmd
    .option("--stream <stream>", "services or usage", stream)
    .option("--reason <text>", "only entries with exactly this reason")
    .option("--sys-id <sys_id>", "only this record")
    .option("--json", "print JSON");
}

export function registerQuarantine(program: Command): void {
  const q = program.command("quarantine").description("records that failed validation: list them, retry them");

  filters(q.command("list").description("list quarantined records (open ones, most recent first)"))
    .option("--all", "include resolved entries")
    .option("--limit <n>", "at most this many (default 100)", positive)
    .action((flags: Flags, command: Command) => {
      try {
        const ctx = commandContext(command.optsWithGlobals<GlobalFlags>());
        const db = ctx.openDb();
        try {
          const entries = new QuarantineRepository(db).list({
            ...(flags.stream ? { stream: flags.stream } : {}),
            ...(flags.reason ? { reason: flags.reason } : {}),
            ...(flags.sysId ? { sysId: flags.sysId } : {}),
            includeResolved: flags.all === true,
            limit: flags.limit ?? 100,
          });
          if (flags.json) process.stdout.write(`${JSON.stringify(entries)}\n`);
          else if (entries.length === 0) process.stdout.write("quarantine is empty\n");
          else {
            for (const e of entries) {
              process.stdout.write(
                `#${e.id} ${e.stream} ${e.sysId || "(no sys_id)"}: ${e.reason} (seen ${e.timesSeen}×, last ${e.lastSeen}` +
                  `${e.resolvedAt ? `, resolved ${e.resolvedAt}` : ""})\n    raw ${JSON.stringify(e.raw).slice(0, 300)}\n`,
              );
            }
            process.stdout.write(
              "Fix the records on the instance (or the field mapping), then: empreinte quarantine retry\n",
            );
          }
          process.exitCode = ExitCode.ok;
        } finally {
          db.close();
        }
      } catch (err) {
        process.stderr.write(`empreinte quarantine list: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
      }
    });

  filters(q.command("retry").description("read quarantined records again from the instance and cache those now valid"))
    .option("--wait", "wait for another run to finish instead of exiting 75")
    .action(async (flags: Flags, command: Command) => {
      let ctx: ReturnType<typeof commandContext>;
      try {
        ctx = commandContext(command.optsWithGlobals<GlobalFlags>());
      } catch (err) {
        process.stderr.write(`empreinte quarantine retry: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
        return;
      }
      const db = ctx.openDb();
      try {
        const held = holdLease(
          new Lease(db),
          ctx.config,
          ctx.clock,
          ctx.log,
          `quarantine retry (cli, pid ${process.pid})`,
        );
        try {
          const opts = { clock: ctx.clock, signal: ctx.signal };
          const r = await retryQuarantine(
            {
              db,
              cache: new CacheRepository(db),
              clock: ctx.clock,
              clients: {
                services: connectInstance(ctx.config, ctx.config.catalogue.instance, opts),
                usage: connectInstance(ctx.config, ctx.config.usage.instance, opts),
              },
            },
            ctx.config,
            {
              ...(flags.stream ? { stream: flags.stream } : {}),
              ...(flags.reason ? { reason: flags.reason } : {}),
              ...(flags.sysId ? { sysId: flags.sysId } : {}),
            },
            held.fencingToken,
          );
          process.stdout.write(
            flags.json
              ? `${JSON.stringify(r)}\n`
              : `quarantine retry: ${r.retried} retried, ${r.fixed} now valid and cached, ${r.stillBad} still invalid, ` +
                  `${r.gone} gone from the instance\n`,
          );
          process.exitCode = r.stillBad > 0 ? ExitCode.partial : ExitCode.ok;
        } finally {
          held.release();
        }
      } catch (err) {
        process.stderr.write(`empreinte quarantine retry: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
      } finally {
        db.close();
      }
    });
}
