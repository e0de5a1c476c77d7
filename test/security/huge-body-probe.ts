// Child process of hostile-responses.test.ts: asks the instance at argv[2] for one page with the connector's real
// client and prints one JSON line: how it failed, and its resident memory before the request and at its peak.
// A process of its own, so that the peak (getrusage maxrss) belongs to this request alone.

import { systemClock } from "../../src/lib/clock.js";
import { isConnectorError } from "../../src/lib/connector-error.js";
import { ServiceNowClient } from "../../src/servicenow/table-client.js";

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const client = new ServiceNowClient({
  instanceUrl: process.argv[2] ?? "",
  auth: { type: "basic", username: "empreinte.integration", password: "probe-password" },
  clock: systemClock,
  http: { maxRetries: 0 },
});
const baselineRssMiB = mib(process.memoryUsage.rss());
const startedMs = Date.now();
let outcome: { kind: string; message: string } | { ok: true };
try {
  await client.listPage("cmdb_ci_service", { query: "", fields: [] });
  outcome = { ok: true };
} catch (err) {
  outcome = { kind: isConnectorError(err) ? err.kind : "not a ConnectorError", message: String(err) };
}
process.stdout.write(
  `${JSON.stringify({
    ...outcome,
    baselineRssMiB,
    // maxRSS is in KiB.
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    wallMs: Date.now() - startedMs,
  })}\n`,
);
