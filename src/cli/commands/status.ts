// `empreinte status [--json]`: what the cache holds, cursors, quarantine, last runs, lease holder. Reads only.
import type { Command } from "commander";
import { readStatus, type StatusSnapshot } from "../../store/read-status.js";
import { commandContext, type GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";

function human(s: StatusSnapshot): string {
  const c = s.counts;
  const lines = [
    `cache ${s.databasePath} (schema v${s.schemaVersion})`,
    `  services  ${c.services.live} live (${c.services.retired} retired), ${c.services.tombstoned} deleted on the instance`,
    `  usage     ${c.usage.live} months, ${c.usage.tombstoned} deleted on the instance`,
  ];
  for (const cur of s.cursors) {
    lines.push(
      `  cursor ${cur.stream.padEnd(8)} ${cur.updatedOn ? `${cur.updatedOn} / ${cur.sysId}` : "never pulled"}` +
        `${cur.updatedAt ? ` (moved ${cur.updatedAt})` : ""}`,
    );
  }
  lines.push(`  quarantine ${s.quarantine.open} open`);
  for (const q of s.quarantine.byStreamReason.filter((x) => x.open > 0).slice(0, 10)) {
    lines.push(`    ${q.stream}: ${q.open} × ${q.reason}`);
  }
  const o = s.outbox;
  lines.push(
    `  outbox     ${o.pending} pending, ${o.done} done, ${o.not_found} records gone, ${o.failed} refused, ${o.superseded} superseded`,
    `  conflicts  ${s.conflicts.open} open${s.conflicts.open > 0 ? " (a person changed an owned field; `empreinte sync --force` overwrites)" : ""}`,
  );
  for (const c of s.conflicts.first.slice(0, 10)) {
    lines.push(`    ${c.sysId} ${c.column}: now "${c.remote}", empreinte wrote "${c.lastWritten}"`);
  }
  lines.push(
    s.lease
      ? `  lease held by ${s.lease.owner} (pid ${s.lease.pid} on ${s.lease.hostname}) until ${new Date(s.lease.expiresAtMs).toISOString()}${s.lease.expired ? " — expired, the next run takes over" : ""}`
      : "  lease free",
  );
  for (const r of s.lastRuns) {
    lines.push(
      `  run #${r.id} ${r.kind} ${r.startedAt} → ${r.outcome ?? "running or died"}${r.error ? `: ${r.error}` : ""}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("show what the cache holds: counts, cursors, quarantine, last runs, lease holder")
    .option("--json", "print the status as JSON")
    .action((flags: { json?: boolean }, command: Command) => {
      try {
        const ctx = commandContext(command.optsWithGlobals<GlobalFlags>(), process.env, { offline: true });
        const db = ctx.openDb();
        try {
          const s = readStatus(db, { nowMs: ctx.clock.nowMs() });
          process.stdout.write(flags.json ? `${JSON.stringify(s)}\n` : human(s));
          process.exitCode = ExitCode.ok;
        } finally {
          db.close();
        }
      } catch (err) {
        process.stderr.write(`empreinte status: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
      }
    });
}
