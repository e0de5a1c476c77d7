// Child process of transport-tls.test.ts: one GET to argv[2] through the real transport, printed as one JSON line
// (the status, or the transport code). A process of its own because Node reads NODE_EXTRA_CA_CERTS and
// NODE_TLS_REJECT_UNAUTHORIZED from the environment at start-up.
import { isAttemptFailure } from "../../src/http/attempt-failure.js";
import { systemClock } from "../../src/lib/clock.js";
import { createTransport } from "../../src/servicenow/transport.js";

const transport = createTransport({ clock: systemClock, timeoutMs: 5_000 });
try {
  const response = await transport({
    method: "GET",
    url: process.argv[2] ?? "",
    headers: { Authorization: "Basic dGxzLXByb2JlLXNlY3JldA" },
    description: "GET /probe",
  });
  process.stdout.write(`${JSON.stringify({ status: response.status, bodyText: response.bodyText })}\n`);
} catch (err) {
  const code = isAttemptFailure(err) && err.outcome.type === "transport" ? err.outcome.code : String(err);
  process.stdout.write(`${JSON.stringify({ code, message: err instanceof Error ? err.message : "" })}\n`);
}
