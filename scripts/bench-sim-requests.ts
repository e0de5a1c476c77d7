// The dev instance's CPU time per request, as the connector's sync spends it: spawns `empreinte simulator --json`
// as a child process, sends it PATCHes shaped like send-writes.ts's (4 in flight, keep-alive, Basic auth, the ten
// owned columns) and keyset list pages of 1,000 usage rows shaped like the pull's, and reads the child's CPU
// (utime+stime from /proc/<pid>/stat) before and after each phase. Linux only (/proc).
//
// Run: npx tsx scripts/bench-sim-requests.ts [--cli dist/cli/main.js] [--services 20000] [--patches 20000]
//        [--pages 300] [--prof /tmp/simprof]
//   --cli   the compiled CLI to run (e.g. a `tsc -p tsconfig.build.json --outDir /tmp/sim-before` build, to compare);
//   --prof  also writes a V8 CPU profile of the instance (node --cpu-prof) into that directory;
//   --client-cost-us N  spends N µs of this process's CPU after each PATCH answer, as a connector does (the sync's
//           push costs ~200 µs of main-thread CPU a PATCH): shows how the PATCH rate at 4 in flight falls once client
//           and instance cost about the same on two shared vCPUs (docs/performance.md, "Where the time goes").
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { OWNED_COLUMNS } from "../src/simulator/schema/owned-columns.js";
import { startDevInstance } from "./start-dev-instance.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const CLI = arg("--cli") ?? "dist/cli/main.js";
const SERVICES = Number(arg("--services") ?? 20_000);
const PATCHES = Number(arg("--patches") ?? 20_000);
const PAGES = Number(arg("--pages") ?? 300);
const PROF_DIR = arg("--prof");
const IN_FLIGHT = 4;
const CLIENT_COST_US = Number(arg("--client-cost-us") ?? 0);

/** Busy CPU for `CLIENT_COST_US` (a stand-in for the connector's own work on an answer). */
function spendClientCpu(): void {
  if (CLIENT_COST_US <= 0) return;
  const until = performance.now() + CLIENT_COST_US / 1000;
  while (performance.now() < until) {
    // spin
  }
}
const WARM_UP_PATCHES = 1_000;

/** The owned columns send-writes.ts writes on cmdb_ci_service. */
const OWNED = OWNED_COLUMNS;
const PATCH_QUERY =
  `sysparm_fields=${["sys_id", "sys_updated_on", "sys_mod_count", ...OWNED].join(",")}` +
  "&sysparm_input_display_value=false&sysparm_exclude_reference_link=true";
const USAGE_FIELDS = [
  "sys_id",
  "sys_updated_on",
  "sys_mod_count",
  "u_service",
  "u_period",
  "u_visits",
  "u_page_views",
  "u_transactions",
  "u_data_gb",
  "u_avg_session_min",
  "u_mobile_share",
];

/** utime and stime of a process, in ms. */
function cpuMs(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const msPerTick = 10; // USER_HZ = 100 on Linux
  return { user: Number(fields[11]) * msPerTick, system: Number(fields[12]) * msPerTick };
}

/** CPU spent since `from`: total, and the user/system split (system is mostly the loopback socket writes). */
function cpuSince(pid: number, from: { user: number; system: number }): { totalMs: number; split: string } {
  const now = cpuMs(pid);
  const user = now.user - from.user;
  const system = now.system - from.system;
  return { totalMs: user + system, split: `user ${user} ms + system ${system} ms` };
}

const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

function call(
  url: string,
  auth: string,
  method: string,
  body?: string,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: auth, Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

function patchBody(i: number): string {
  // Every PATCH changes its values, as a re-estimate does, so the instance really writes (a no-op PATCH is skipped).
  const kg = 100 + (i % 997) * 1.37;
  return JSON.stringify({
    u_co2e_kg_year: kg.toFixed(2),
    u_co2e_kg_month: (kg / 12).toFixed(2),
    u_energy_kwh_year: (kg * 19.1).toFixed(2),
    u_co2e_g_per_visit: (kg / 1000).toFixed(4),
    u_carbon_grade: "ABCDEFG"[i % 7] as string,
    u_carbon_confidence: `HIGH 0.${(i % 90) + 10}`,
    u_usage_status: "measured",
    u_visits_year: String(10_000 + i),
    u_carbon_method: "empreinte/1 swd-v4 ademe-2025",
    u_carbon_computed_on: `2026-11-0${1 + (i % 9)} 10:00:00`,
  });
}

async function patchAll(base: string, auth: string, sysIds: readonly string[], count: number, from: number) {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const sysId = sysIds[i % sysIds.length] as string;
      const res = await call(
        `${base}/api/now/table/cmdb_ci_service/${sysId}?${PATCH_QUERY}`,
        auth,
        "PATCH",
        patchBody(from + i),
      );
      if (res.status !== 200) throw new Error(`PATCH ${res.status}: ${res.text.slice(0, 200)}`);
      spendClientCpu();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

async function serviceSysIds(base: string, auth: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const after = out.length === 0 ? "" : `sys_id>${out.at(-1)}^`;
    const res = await call(
      `${base}/api/now/table/cmdb_ci_service?sysparm_fields=sys_id&sysparm_limit=1000` +
        `&sysparm_query=${encodeURIComponent(`${after}ORDERBYsys_id`)}&sysparm_no_count=true`,
      auth,
      "GET",
    );
    const rows = (JSON.parse(res.text) as { result: Array<{ sys_id: string }> }).result;
    if (rows.length === 0) return out;
    for (const r of rows) out.push(r.sys_id);
  }
}

/** Pages of the pull's keyset read of the usage table (encoded-query.ts keysetQuery, table-params.ts listParams). */
async function pullPages(base: string, auth: string, pages: number): Promise<number> {
  const until = "2099-01-01 00:00:00";
  let cursor: { t: string; s: string } | undefined;
  let rows = 0;
  for (let p = 0; p < pages; p++) {
    const group = `sys_updated_on<=${until}`;
    const query =
      cursor === undefined
        ? `${group}^ORDERBYsys_updated_on^ORDERBYsys_id`
        : `${group}^sys_updated_on>${cursor.t}^NQ${group}^sys_updated_on=${cursor.t}^sys_id>${cursor.s}` +
          "^ORDERBYsys_updated_on^ORDERBYsys_id";
    const params = new URLSearchParams({
      sysparm_query: query,
      sysparm_fields: USAGE_FIELDS.join(","),
      sysparm_limit: "1000",
      sysparm_display_value: "false",
      sysparm_exclude_reference_link: "true",
      sysparm_no_count: "true",
      sysparm_suppress_pagination_header: "true",
    });
    const res = await call(
      `${base}/api/now/table/u_digital_service_usage?${params.toString().replaceAll("+", "%20")}`,
      auth,
      "GET",
    );
    if (res.status !== 200) throw new Error(`GET ${res.status}: ${res.text.slice(0, 200)}`);
    const result = (JSON.parse(res.text) as { result: Array<{ sys_id: string; sys_updated_on: string }> }).result;
    if (result.length === 0) break;
    rows += result.length;
    const last = result.at(-1) as { sys_id: string; sys_updated_on: string };
    cursor = { t: last.sys_updated_on, s: last.sys_id };
  }
  return rows;
}

async function main(): Promise<void> {
  const nodeArgs = PROF_DIR === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${PROF_DIR}`];
  const flags = ["--services", String(SERVICES), "--months", "24", "--max-concurrent", String(IN_FLIGHT)];
  const { child, info, startupS } = await startDevInstance(
    [...nodeArgs, CLI],
    [...flags, "--seed", "1", "--anchor", "2026-11"],
  );
  try {
    const pid = child.pid as number;
    console.log(`started in ${startupS.toFixed(1)} s`);
    const auth = `Basic ${Buffer.from(`${info.username}:${info.password}`).toString("base64")}`;
    const sysIds = await serviceSysIds(info.url, auth);
    await patchAll(info.url, auth, sysIds, WARM_UP_PATCHES, 0);

    let cpu0 = cpuMs(pid);
    let w0 = performance.now();
    await patchAll(info.url, auth, sysIds, PATCHES, WARM_UP_PATCHES);
    const patchCpu = cpuSince(pid, cpu0);
    const patchWallS = (performance.now() - w0) / 1000;
    console.log(
      `PATCH: ${PATCHES} in ${patchWallS.toFixed(1)} s wall (${Math.round(PATCHES / patchWallS)} a second, ` +
        `client cost ${CLIENT_COST_US} µs each), instance CPU ${patchCpu.totalMs} ms ` +
        `(${patchCpu.split}) = ${(patchCpu.totalMs / Math.max(1, PATCHES)).toFixed(3)} ms per PATCH`,
    );

    if (PAGES > 0) await pullPages(info.url, auth, 5); // warm-up
    cpu0 = cpuMs(pid);
    w0 = performance.now();
    const rows = await pullPages(info.url, auth, PAGES);
    const pageCpu = cpuSince(pid, cpu0);
    const pages = Math.max(1, rows / 1000);
    console.log(
      `list: ${rows} rows in ${((performance.now() - w0) / 1000).toFixed(1)} s wall, instance CPU ` +
        `${pageCpu.totalMs} ms (${pageCpu.split}) = ${(pageCpu.totalMs / pages).toFixed(2)} ms per 1,000-row page`,
    );
  } finally {
    agent.destroy();
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

await main();
