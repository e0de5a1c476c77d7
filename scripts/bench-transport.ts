// Benchmark of the transport alone (issue #8: the L push spends its connector CPU per request in the HTTP client):
// N PATCHes, K in flight, keep-alive, against a trivial HTTP server in a child process (so its CPU is not counted),
// through createTransport. Prints the module's import time and the connector's CPU ms per request. With --client,
// the PATCHes go through the whole client path the push uses (ServiceNowClient.patchRecord: field checks, limiter,
// retry wrapper, Basic auth, envelope parse) instead of the bare transport.
// Run: npx tsx scripts/bench-transport.ts [--requests 20000] [--in-flight 4] [--client]
import { spawn } from "node:child_process";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { systemClock } from "../src/lib/clock.js";

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const raw = i >= 0 ? process.argv[i + 1] : undefined;
  return raw === undefined ? fallback : Number(raw);
}

const REQUESTS = argValue("--requests", 20_000);
const IN_FLIGHT = argValue("--in-flight", 4);
const WARM_UP = 500;
const CLIENT = process.argv.includes("--client");

// A Table API-sized answer to a PATCH with a limited echo.
const SERVER = `
const body = JSON.stringify({ result: { sys_id: "0123456789abcdef0123456789abcdef", sys_updated_on: "2025-01-01 00:00:00", u_co2e_kg: "12.5" } });
require("node:http").createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "Content-Type": "application/json;charset=UTF-8", "Content-Length": Buffer.byteLength(body) }).end(body));
}).listen(0, "127.0.0.1", function () { process.stdout.write(String(this.address().port) + "\\n"); });
`;

async function main(): Promise<void> {
  const server = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const [portLine] = (await once(server.stdout, "data")) as [Buffer];
  const url = `http://127.0.0.1:${portLine.toString("utf8").trim()}/api/now/table/cmdb_ci_service`;

  const importStartedMs = performance.now();
  const { createTransport } = await import("../src/servicenow/transport.js");
  const importMs = performance.now() - importStartedMs;

  const transport = createTransport({ clock: systemClock });
  const fields = { u_co2e_kg: "12.5", u_co2e_updated: "2025-01-01 00:00:00" };
  const body = JSON.stringify(fields);
  const headers = {
    Accept: "application/json",
    "Content-Type": "application/json",
    Authorization: "Basic ZW1wcmVpbnRlOmJlbmNo",
  };
  const { ServiceNowClient } = await import("../src/servicenow/table-client.js");
  const client = new ServiceNowClient({
    instanceUrl: new URL(url).origin,
    allowInsecureHttp: true,
    auth: { type: "basic", username: "empreinte", password: "bench" },
    clock: systemClock,
    http: { maxConcurrent: IN_FLIGHT },
  });
  const patch = async (i: number): Promise<void> => {
    const sysId = i.toString(16).padStart(32, "0");
    if (CLIENT) {
      const echo = await client.patchRecord("cmdb_ci_service", sysId, fields, { echoFields: Object.keys(fields) });
      if (echo.sys_id === undefined) throw new Error("no echo");
      return;
    }
    const response = await transport({
      method: "PATCH",
      url: `${url}/${sysId}?sysparm_fields=sys_id,sys_updated_on`,
      headers,
      body,
      description: "PATCH bench",
    });
    if (response.status !== 200 || response.bodyText.length === 0) throw new Error(`bad answer ${response.status}`);
  };
  let next = 0;
  const lane = async (count: number): Promise<void> => {
    while (next < count) await patch(next++);
  };
  const run = (count: number) => Promise.all(Array.from({ length: IN_FLIGHT }, () => lane(count)));

  await run(WARM_UP);
  next = 0;
  const cpuBefore = process.cpuUsage();
  const wallStartedMs = performance.now();
  await run(REQUESTS);
  const wallMs = performance.now() - wallStartedMs;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  server.kill();

  console.log(`transport module import: ${importMs.toFixed(0)} ms`);
  console.log(
    `${REQUESTS} PATCHes through ${CLIENT ? "ServiceNowClient.patchRecord" : "the transport"}, ${IN_FLIGHT} in ` +
      `flight: ${(wallMs / 1000).toFixed(2)} s wall`,
  );
  console.log(
    `connector CPU: ${cpuMs.toFixed(0)} ms total, ${((cpuMs * 1000) / REQUESTS).toFixed(1)} µs per request ` +
      `(user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
