// The human summary of a pull, for operators at a terminal (`--json` prints the same data as JSON).
import type { PullSummary } from "../sync/run-pull.js";

export function printPullSummary(s: PullSummary, out: NodeJS.WritableStream = process.stdout): void {
  const lines = [`pull #${s.runId}: ${s.outcome} in ${s.durationS.toFixed(1)} s`];
  for (const st of s.streams) {
    lines.push(
      `  ${st.stream.padEnd(8)} ${st.table}: read ${st.read} rows in ${st.pages} pages (${st.start.reason}` +
        `${st.start.since ? ` from ${st.start.since}` : ""}), ${st.written} new or changed, ${st.unchanged} unchanged` +
        `${st.quarantined ? `, ${st.quarantined} quarantined` : ""}${st.aclHidden ? `, ${st.aclHidden} hidden by ACLs` : ""}`,
    );
  }
  for (const r of s.reconciliation) {
    lines.push(
      r.skipped
        ? `  ${r.stream.padEnd(8)} deletion check skipped: rows hidden by ACLs`
        : `  ${r.stream.padEnd(8)} deletion check: ${r.remote} on the instance, ${r.tombstoned} tombstoned`,
    );
  }
  lines.push(
    `  requests ${s.requests}, retries ${s.retries}, waited on the instance ${s.waitedOnInstanceS.toFixed(1)} s`,
  );
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  if (s.quarantined > 0) lines.push("  Quarantined records need an operator: `empreinte quarantine list`.");
  out.write(`${lines.join("\n")}\n`);
}
