// `empreinte setup --create-columns [--yes] [--json]`: creates the owned footprint columns the catalogue table lacks
// (an admin's job: see src/sync/create-owned-columns.ts), after showing what it will create and getting a yes.
// Without --yes it asks on a terminal and refuses (exit 64) otherwise, so a script never changes a schema by
// accident. It ends by re-reading the dictionary: exit 0 only when every owned column now exists.
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { ConnectorError } from "../../lib/connector-error.js";
import { connectInstance } from "../../sync/connect-instance.js";
import {
  type ColumnToCreate,
  columnsToCreate,
  createOwnedColumns,
  describeColumnType,
} from "../../sync/create-owned-columns.js";
import { readColumnTypes } from "../../sync/read-column-types.js";
import { type CommandContext, commandContext, type GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";

interface SetupFlags {
  createColumns?: boolean;
  yes?: boolean;
  json?: boolean;
}

function planLines(table: string, targets: readonly ColumnToCreate[]): string {
  const lines = [`Owned columns to create on ${table}: ${targets.length}`];
  for (const t of targets) {
    lines.push(
      `  + ${t.column.padEnd(24)} ${describeColumnType(t.spec).padEnd(24)} "${t.spec.label}" (owned.${t.field})`,
    );
  }
  return `${lines.join("\n")}\n`;
}

async function confirmed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function fail(err: unknown): void {
  process.stderr.write(`empreinte setup: ${(err as Error).message}\n`);
  process.exitCode = exitCodeFor(err);
}

async function createColumns(ctx: CommandContext, flags: SetupFlags): Promise<void> {
  const { config } = ctx;
  const table = config.catalogue.table;
  const owned = Object.values(config.owned);
  const client = connectInstance(config, config.catalogue.instance, { clock: ctx.clock, signal: ctx.signal });
  const before = await readColumnTypes(client, table, owned);
  const targets = columnsToCreate(config, before.missing);
  // Human lines go to stderr under --json, so stdout holds exactly one JSON document.
  const out = flags.json ? process.stderr : process.stdout;
  if (targets.length === 0) {
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ table, planned: [], created: [], missing: [], ok: true })}\n`);
    } else out.write(`All ${owned.length} owned columns exist on ${table}: nothing to create.\n`);
    process.exitCode = ExitCode.ok;
    return;
  }
  out.write(planLines(table, targets));
  if (flags.yes !== true) {
    if (!process.stdin.isTTY) {
      process.stderr.write(
        "empreinte setup: not creating anything without confirmation, and stdin is not a terminal to ask on: " +
          "add --yes to create the columns listed above.\n",
      );
      process.exitCode = ExitCode.usage;
      return;
    }
    if (!(await confirmed(`Create ${targets.length} column(s) on ${table}? [y/N] `))) {
      process.stderr.write("empreinte setup: nothing created.\n");
      process.exitCode = ExitCode.usage;
      return;
    }
  }
  const result = await createOwnedColumns(client, targets);
  for (const column of result.created) out.write(`created ${column} on ${table}\n`);
  if (result.error) process.stderr.write(`empreinte setup: ${result.error.message}\n`);
  // What the dictionary says now, whatever happened: the proof the columns exist.
  const after = await readColumnTypes(client, table, owned);
  const ok = after.missing.length === 0;
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({
        table,
        planned: targets.map((t) => ({ column: t.column, field: t.field, ...t.spec })),
        created: result.created,
        missing: after.missing,
        ok: ok && result.error === undefined,
        ...(result.error ? { error: result.error.message } : {}),
      })}\n`,
    );
  } else {
    out.write(
      ok
        ? `✓ owned columns on ${table}: all ${owned.length} present\n`
        : `✗ owned columns on ${table}: missing ${after.missing.join(", ")}\n`,
    );
  }
  if (result.error) process.exitCode = exitCodeFor(result.error);
  else process.exitCode = ok ? ExitCode.ok : ExitCode.config;
}

export function registerSetup(program: Command): void {
  program
    .command("setup")
    .description(
      "prepare the instance for the connector (an admin's job): --create-columns adds the missing owned columns",
    )
    .option("--create-columns", "create the owned footprint columns missing on the catalogue table (needs admin)")
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)")
    .option("--json", "print the outcome as JSON on stdout")
    .action(async (flags: SetupFlags, command: Command) => {
      if (flags.createColumns !== true) {
        fail(new ConnectorError("usage", "nothing to do: add --create-columns (the only setup step so far)."));
        return;
      }
      let ctx: CommandContext;
      try {
        ctx = commandContext(command.optsWithGlobals<GlobalFlags>());
      } catch (err) {
        fail(err);
        return;
      }
      try {
        await createColumns(ctx, flags);
      } catch (err) {
        const by = ctx.interruptedBy();
        if (by) {
          process.stderr.write(`empreinte setup: ${(err as Error).message}\n`);
          process.exitCode = by === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated;
        } else fail(err);
      }
    });
}
