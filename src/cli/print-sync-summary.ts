// The human summary of a run (`sync`, `push`, `resync`, daemon logs): what was read, estimated and written, what
// stands in the way, and what it cost the instance. `--json` prints the SyncSummary itself.
import type { SyncSummary } from "../sync/run.js";

const n = (x: number): string => x.toLocaleString("en-GB");

export function formatSyncSummary(s: SyncSummary, options: { table: string }): string {
  const title = `${s.steps.join(" → ")} run #${s.runId}${s.dryRun ? " (dry run: nothing written)" : ""}`;
  const lines = [`${title}: ${s.outcome} in ${s.durationS.toFixed(1)} s`];
  if (s.steps.includes("pull") || s.pulled.services + s.pulled.usage > 0) {
    lines.push(
      `  pulled      ${n(s.pulled.services)} catalogue records, ${n(s.pulled.usage)} usage rows` +
        `${s.quarantined ? ` (${n(s.quarantined)} quarantined)` : ""}`,
    );
  }
  if (s.estimated > 0) {
    lines.push(`  estimated   ${n(s.estimated)} services: ${(s.co2eKgYear / 1000).toFixed(1)} t CO2e a year`);
  }
  if (s.steps.includes("push")) {
    const verb = s.dryRun ? "would write" : "written";
    const count = s.dryRun ? s.planned : s.written;
    lines.push(
      `  ${verb.padEnd(11)} ${n(count)} records; ${n(s.unchanged)} unchanged, ${n(s.conflicts)} conflicts` +
        `${s.notFound ? `, ${n(s.notFound)} gone from the instance` : ""}` +
        `${s.failedWrites ? `, ${n(s.failedWrites)} refused` : ""}` +
        `${s.recovered ? `, ${n(s.recovered)} writes of an interrupted run found applied` : ""}`,
    );
  }
  lines.push(
    `  instance    ${n(s.requests)} requests, ${n(s.retries)} retries, ${s.waitedOnInstanceS.toFixed(1)} s waiting`,
  );
  for (const u of s.unresolvedServices) lines.push(`  not found: ${u.id}: ${u.reason}`);
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  if (s.plan && s.plan.length > 0) {
    lines.push("", `Plan (${n(s.planned)} writes${s.planned > s.plan.length ? `, first ${n(s.plan.length)}` : ""}):`);
    for (const w of s.plan) {
      const fields = Object.entries(w.fields)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(" ");
      lines.push(`  PATCH ${options.table}/${w.sysId} ${fields}`);
    }
  }
  if (s.conflictList.length > 0) {
    lines.push("", `Conflicts (a person changed an owned field; kept, run with --force to overwrite):`);
    for (const c of s.conflictList.slice(0, 50)) {
      lines.push(
        `  ${options.table}/${c.sysId} ${c.column}: now "${c.remote}", empreinte wrote "${c.lastWritten}", would write "${c.wanted}"`,
      );
    }
    if (s.conflictList.length > 50) lines.push(`  … and ${n(s.conflictList.length - 50)} more (empreinte status)`);
  }
  if (s.quarantined > 0) lines.push("Quarantined records need an operator: `empreinte quarantine list`.");
  if (s.error) lines.push(`error: ${s.error}`);
  return `${lines.join("\n")}\n`;
}
