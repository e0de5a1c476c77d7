// Load test (issue #7 item 3): a full sync of a large catalogue against a dev instance with an hourly rate-limit rule
// on the integration user and an integration semaphore of 4 (servicenow-api.md §3.1, §3.3). The connector runs as
// the CLI (`empreinte sync --json`), a child process, as the scheduler would start it; the instance runs here, so its
// clock and its ledger are at hand. An hour is not waited for: when a run stops with exit 75 (the rule is spent and
// the reset is further away than maxRetryAfterS), the instance's clock is moved so that the next run's first request
// arrives 2.5 s before the reset. That request gets 429 + Retry-After, the connector pauses the whole host, and the
// run carries on in the new window, until a run finishes (exit 0).
//
// Printed per run: exit code, wall time, requests, 429s (rule / semaphore), requests sent during a Retry-After pause,
// most requests in flight (the instance's semaphore, and the overlap computed from the ledger), writes, the
// connector's peak RSS. At the end: the number of windows (simulated hours), writes whose values changed twice (must
// be 0), and the end state: every active service's owned fields equal to its stored year view.
//
// Run: npx tsx scripts/load-test.ts [--services 100000] [--months 24] [--rate-limit-per-hour 5000]
//      [--max-concurrent 4] [--push-mode patch|batch] [--page-size 1000] [--latency-ms 10] [--max-runs 200]
//      [--dist] [--json] [--with-outbox-index]
//      --dist runs the built CLI (dist/cli/main.js, `npm run build` first) instead of the sources through tsx.
//      --with-outbox-index adds, before the first run, the index the outbox lacks (docs/security.md, "Load"):
//        without it, persisting a plan of n writes costs O(n²) (100,000 writes: about half an hour per run).
// Prints a human table on stderr and one JSON line of figures on stdout.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import type { ServiceYearView } from "../src/domain/estimate.js";
import { OWNED_COLUMNS } from "../src/simulator/schema/owned-columns.js";
import { DevInstance } from "../src/simulator/server/dev-instance.js";
import type { LedgerWrite } from "../src/simulator/store/ledger.js";
import { EstimateRepository } from "../src/store/estimate-repository.js";
import { openDatabase } from "../src/store/open-database.js";
import { expectedFields, normalise, OWNED_BUT_STAMP } from "../test/helpers/sync-harness.js";
import { type RateLimitFigures, rateLimitFigures } from "../test/load/rate-limit-figures.js";
import { valueChangingRewrites } from "../test/load/value-changing-rewrites.js";

const HOUR_MS = 3_600_000;
const REPO_ROOT = resolve(import.meta.dirname, "..");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive whole number`);
  return value;
}

const SERVICES = arg("--services", 100_000);
const MONTHS = arg("--months", 24);
const RATE_LIMIT_PER_HOUR = arg("--rate-limit-per-hour", 5000);
const MAX_CONCURRENT = arg("--max-concurrent", 4);
const PAGE_SIZE = arg("--page-size", 1000);
const MAX_RUNS = arg("--max-runs", 200);
/** Added by the instance to every API request, so that concurrent requests overlap there as on a real instance. */
const LATENCY_MS = process.argv.includes("--latency-ms")
  ? Number(process.argv[process.argv.indexOf("--latency-ms") + 1])
  : 10;
const PUSH_MODE = process.argv.includes("--push-mode")
  ? process.argv[process.argv.indexOf("--push-mode") + 1]
  : "patch";
const DIST = process.argv.includes("--dist");
const WITH_OUTBOX_INDEX = process.argv.includes("--with-outbox-index");
/** The proposed fix, applied to the cache from outside: the supersede step of OutboxRepository.enqueue looks up pending rows by sys_id. */
const OUTBOX_INDEX_SQL = "CREATE INDEX IF NOT EXISTS outbox_pending_sys_id ON outbox (sys_id) WHERE state = 'pending'";
const JSON_ONLY = process.argv.includes("--json");
if (PUSH_MODE !== "patch" && PUSH_MODE !== "batch") throw new Error("--push-mode is patch or batch");

const say = (line: string) => {
  if (!JSON_ONLY) process.stderr.write(`${line}\n`);
};

interface RunFigures {
  run: number;
  exitCode: number | null;
  wallS: number;
  rateLimit: Omit<RateLimitFigures, "violations">;
  semaphoreMaxInFlight: number;
  writes: number;
  peakRssMiB: number | undefined;
  summary: Record<string, unknown> | undefined;
}

/** Peak resident memory of a running process (VmHWM, Linux); undefined once it is gone or elsewhere. */
function peakRssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** `empreinte sync --json` with the given environment; resolves with its exit code, stdout and peak RSS. */
function runCli(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderrTail: string; peak?: number }> {
  const entry = DIST ? ["dist/cli/main.js"] : ["--import", "tsx", "src/cli/main.ts"];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...entry, "sync", "--json"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TZ: "UTC", LOG_FORMAT: "json", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let peak: number | undefined;
    const poll = setInterval(() => {
      peak = peakRssMiB(child.pid) ?? peak;
    }, 250);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString("utf8")).slice(-4000);
    });
    child.on("error", fail);
    child.on("close", (code) => {
      clearInterval(poll);
      done({ code, stdout, stderrTail: stderr, ...(peak !== undefined ? { peak } : {}) });
    });
  });
}

/** Every catalogue record's owned columns, read through the Table API (keyset on sys_id). */
async function ownedOnInstance(sim: DevInstance): Promise<Map<string, Record<string, string>>> {
  const auth = `Basic ${Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString("base64")}`;
  const out = new Map<string, Record<string, string>>();
  let after = "";
  for (;;) {
    const params = new URLSearchParams({
      sysparm_query: after === "" ? "ORDERBYsys_id" : `sys_id>${after}^ORDERBYsys_id`,
      sysparm_fields: ["sys_id", "operational_status", ...OWNED_COLUMNS].join(","),
      sysparm_limit: "5000",
      sysparm_no_count: "true",
    });
    const res = await fetch(`${sim.url}/api/now/table/cmdb_ci_service?${params}`, {
      headers: { authorization: auth, accept: "application/json" },
    });
    if (!res.ok) throw new Error(`reading the catalogue back: HTTP ${res.status}`);
    const page = ((await res.json()) as { result: Record<string, string>[] }).result;
    if (page.length === 0) return out;
    for (const r of page) out.set(r.sys_id as string, r);
    after = page[page.length - 1]?.sys_id as string;
  }
}

/** The connector's writes, paged out of the ledger so 100k rows with before/after values never sit in memory. */
function* connectorWrites(sim: DevInstance): Generator<LedgerWrite> {
  let sinceId = 0;
  for (;;) {
    const page = sim.ledger.writes({ sinceId, user: sim.credentials.username, limit: 10_000 });
    if (page.length === 0) return;
    yield* page;
    sinceId = page[page.length - 1]?.id ?? sinceId;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "empreinte-load-"));
  const startedMs = performance.now();
  const sim = await DevInstance.start({
    anchorMonth: "2026-11",
    services: SERVICES,
    months: MONTHS,
    rateLimitPerHour: RATE_LIMIT_PER_HOUR,
    maxConcurrent: MAX_CONCURRENT,
  });
  const instanceStartS = (performance.now() - startedMs) / 1000;
  say(`dev instance: ${SERVICES} services × ${MONTHS} months in ${instanceStartS.toFixed(1)} s at ${sim.url}`);
  const dbPath = join(dir, "cache.db");
  const configPath = join(dir, "empreinte.yaml");
  writeFileSync(
    configPath,
    stringify({
      instances: { default: { maxConcurrent: MAX_CONCURRENT, maxRetryAfterS: 300 } },
      catalogue: { pageSize: PAGE_SIZE },
      usage: { pageSize: PAGE_SIZE },
      sync: { pushMode: PUSH_MODE, fullReconcileEveryNRuns: 0 },
    }),
  );
  if (WITH_OUTBOX_INDEX) {
    const db = openDatabase({ path: dbPath });
    db.exec(OUTBOX_INDEX_SQL);
    db.close();
    say(`cache prepared with: ${OUTBOX_INDEX_SQL}`);
  }
  const env = {
    SN_INSTANCE_URL: sim.url,
    SN_USERNAME: sim.credentials.username,
    SN_PASSWORD: sim.credentials.password,
    EMPREINTE_DB: dbPath,
    EMPREINTE_CONFIG: configPath,
    LOG_LEVEL: "warn",
  };
  const setClock = (instantMs: number) =>
    sim.setFaults({ latencyMs: LATENCY_MS, clockOffsetS: Math.round((instantMs - Date.now()) / 1000) });
  // A fresh window: the instance clock 5 s past an hour boundary.
  let windowStartMs = (Math.floor(Date.now() / HOUR_MS) + 1) * HOUR_MS;
  setClock(windowStartMs + 5000);

  const runs: RunFigures[] = [];
  let windows = 1;
  for (let run = 1; run <= MAX_RUNS; run++) {
    const limiter = sim.rateLimiter;
    const check = limiter.check;
    if (run > 1) {
      // Moved when the run's first request arrives: the process start-up time varies too much for a 2.5 s window.
      const resetMs = windowStartMs + HOUR_MS;
      let moved = false;
      limiter.check = (user, api, _nowMs, roles) => {
        if (!moved) {
          moved = true;
          setClock(resetMs - 2500);
          windowStartMs = resetMs;
          windows++;
        }
        return check.call(limiter, user, api, sim.ctx.now().getTime(), roles);
      };
    }
    const mark = sim.ledger.lastIds();
    sim.semaphore.resetStats();
    const t = performance.now();
    const cli = await runCli(env);
    limiter.check = check;
    const requests = sim.ledger.requests({ sinceId: mark.request, pathPrefix: "/api/now" });
    const { violations: _violations, ...rateLimit } = rateLimitFigures(requests);
    const writes = sim.ledger.lastIds().write - mark.write;
    let summary: Record<string, unknown> | undefined;
    try {
      summary = JSON.parse(cli.stdout) as Record<string, unknown>;
    } catch {
      summary = undefined;
    }
    const figures: RunFigures = {
      run,
      exitCode: cli.code,
      wallS: Math.round((performance.now() - t) / 100) / 10,
      rateLimit,
      semaphoreMaxInFlight: sim.semaphore.stats().maxInFlightSeen,
      writes,
      peakRssMiB: cli.peak,
      summary,
    };
    runs.push(figures);
    say(
      `run ${run}: exit ${cli.code} in ${figures.wallS} s; ${rateLimit.requests} requests, 429 rule ${rateLimit.rateLimited} ` +
        `/ semaphore ${rateLimit.semaphoreRefused}, sent during a pause ${rateLimit.requestsDuringPauses}, in flight ` +
        `max ${figures.semaphoreMaxInFlight} (ledger overlap ${rateLimit.ledgerOverlapMax}), ${writes} writes, ` +
        `connector peak RSS ${cli.peak ?? "?"} MiB`,
    );
    if (cli.code === 0) break;
    if (cli.code !== 75) {
      say(cli.stderrTail);
      throw new Error(`run ${run} ended with exit code ${cli.code}, neither 0 nor 75`);
    }
  }

  // The end state, read with the rule lifted.
  sim.rateLimiter.setRules([]);
  const db = openDatabase({ path: dbPath });
  const views = new Map<string, ServiceYearView>();
  for (const y of new EstimateRepository(db).yearViews()) views.set(y.view.serviceSysId, y.view);
  db.close();
  const remote = await ownedOnInstance(sim);
  let active = 0;
  let wrong = 0;
  const wrongIds: string[] = [];
  for (const r of remote.values()) {
    if (r.operational_status === "6") continue;
    active++;
    const view = views.get(r.sys_id as string);
    const want = view ? expectedFields(view) : undefined;
    const ok = want !== undefined && OWNED_BUT_STAMP.every((c) => normalise(r[c] ?? "") === normalise(want[c] ?? ""));
    if (!ok) {
      wrong++;
      if (wrongIds.length < 10) wrongIds.push(r.sys_id as string);
    }
  }
  const rewrites = valueChangingRewrites(connectorWrites(sim));
  const totalWallS = (performance.now() - startedMs) / 1000;
  const last = runs.at(-1);
  const result = {
    services: SERVICES,
    months: MONTHS,
    rateLimitPerHour: RATE_LIMIT_PER_HOUR,
    maxConcurrent: MAX_CONCURRENT,
    latencyMs: LATENCY_MS,
    withOutboxIndex: WITH_OUTBOX_INDEX,
    pushMode: PUSH_MODE,
    pageSize: PAGE_SIZE,
    instanceStartS: Math.round(instanceStartS * 10) / 10,
    finished: last?.exitCode === 0,
    runs: runs.length,
    exitCodes: runs.map((r) => r.exitCode),
    simulatedHours: windows,
    requests: runs.reduce((n, r) => n + r.rateLimit.requests, 0),
    rateLimited429: runs.reduce((n, r) => n + r.rateLimit.rateLimited, 0),
    semaphoreRefused: runs.reduce((n, r) => n + r.rateLimit.semaphoreRefused, 0),
    requestsDuringPauses: runs.reduce((n, r) => n + r.rateLimit.requestsDuringPauses, 0),
    maxInFlight: Math.max(...runs.map((r) => r.semaphoreMaxInFlight)),
    ledgerOverlapMax: Math.max(...runs.map((r) => r.rateLimit.ledgerOverlapMax)),
    minGapAfter429S: Math.min(...runs.map((r) => r.rateLimit.minGapAfter429S ?? Number.POSITIVE_INFINITY)),
    writes: runs.reduce((n, r) => n + r.writes, 0),
    activeServices: active,
    servicesWrong: wrong,
    servicesWrongSample: wrongIds,
    valueChangingRewrites: rewrites.valueChangingRewrites,
    idempotentRepeats: rewrites.idempotentRepeats,
    connectorPeakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB ?? 0)),
    wallS: Math.round(totalWallS),
    perRun: runs.map((r) => ({
      run: r.run,
      exitCode: r.exitCode,
      wallS: r.wallS,
      requests: r.rateLimit.requests,
      writes: r.writes,
      rateLimited429: r.rateLimit.rateLimited,
      requestsDuringPauses: r.rateLimit.requestsDuringPauses,
      maxInFlight: r.semaphoreMaxInFlight,
      peakRssMiB: r.peakRssMiB,
    })),
  };
  say(
    `${result.finished ? "finished" : "NOT finished"} after ${result.runs} runs (${windows} simulated hours) in ` +
      `${result.wallS} s: ${result.requests} requests, ${result.writes} writes, ${result.rateLimited429} rule 429s, ` +
      `${result.requestsDuringPauses} requests during pauses, ${result.semaphoreRefused} semaphore 429s, in flight max ` +
      `${result.maxInFlight}; ${active} active services, ${wrong} with wrong fields; ${rewrites.valueChangingRewrites} ` +
      `value-changing rewrites, ${rewrites.idempotentRepeats} idempotent repeats`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
  const failed =
    !result.finished ||
    wrong > 0 ||
    result.requestsDuringPauses > 0 ||
    result.semaphoreRefused > 0 ||
    result.maxInFlight > MAX_CONCURRENT ||
    rewrites.valueChangingRewrites > 0;
  process.exitCode = failed ? 1 : 0;
}

await main();
