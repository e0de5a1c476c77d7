// Benchmark of the push stage's main-thread work in the store (issue #8, L scenario): planning, persisting the plan
// and marking writes done, with no HTTP. Fills a temp cache with the dev instance's seeded services (mapped exactly as
// a pull maps them) and a synthetic year view per service, then runs `runPushStage` in PATCH mode against a client
// that answers every write at once with the record's echo (sys_mod_count one more than cached, so the cached row
// takes the echo), and a second push that finds nothing to write. Prints CPU and wall time per phase and per 1,000
// writes. Usage: npx tsx scripts/bench-push-store.ts [--services N] [--keep]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { resolveConfig } from "../src/config/resolve-config.js";
import type { ServiceYearView } from "../src/domain/estimate.js";
import type { ColumnType } from "../src/domain/write-plan.js";
import { systemClock } from "../src/lib/clock.js";
import { createLogger } from "../src/observability/logger.js";
import type { ServiceNowClient } from "../src/servicenow/table-client.js";
import { generateDataset } from "../src/simulator/data/generate-dataset.js";
import { CacheRepository, type ServiceRow } from "../src/store/cache-repository.js";
import { EstimateRepository } from "../src/store/estimate-repository.js";
import { Lease } from "../src/store/lease.js";
import { openDatabase } from "../src/store/open-database.js";
import { OutboxRepository } from "../src/store/outbox-repository.js";
import { runPushStage } from "../src/sync/push.js";
import { serviceStream } from "../src/sync/stream-specs.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const services = arg("services", 100_000);
const dir = mkdtempSync(join(tmpdir(), "empreinte-bench-push-"));
// The connector's default durability (FULL): a markDoneMany group commits with an fsync, as in a real run.
const db = openDatabase({ path: join(dir, "cache.db") });
const cache = new CacheRepository(db);
const estimates = new EstimateRepository(db);
const config = resolveConfig({
  document: {},
  env: { SN_INSTANCE_URL: "http://127.0.0.1:1", SN_USERNAME: "u", SN_PASSWORD: "p" },
}).config;
const { fencingToken } = new Lease(db).acquire({ owner: "bench", ttlMs: 3_600_000, nowMs: Date.now() });

// The dev instance's dictionary types of the owned columns (src/simulator/schema/create-default-schema.ts).
const o = config.owned;
const columnTypes = new Map<string, ColumnType>([
  [o.co2eKgYear, { type: "decimal", scale: 2 }],
  [o.co2eKgMonth, { type: "decimal", scale: 2 }],
  [o.energyKwhYear, { type: "decimal", scale: 2 }],
  [o.co2eGPerVisit, { type: "decimal", scale: 4 }],
  [o.carbonGrade, { type: "string", maxLength: 1 }],
  [o.carbonConfidence, { type: "string", maxLength: 40 }],
  [o.usageStatus, { type: "choice" }],
  [o.visitsYear, { type: "integer" }],
  [o.carbonMethod, { type: "string", maxLength: 80 }],
  [o.carbonComputedOn, { type: "glide_date_time" }],
]);

let t0 = performance.now();
const spec = serviceStream(config);
let batch: ServiceRow[] = [];
const commit = () => {
  cache.commitPage("services", {
    records: batch,
    quarantined: [],
    staged: true,
    cursor: { stream: "services", updatedOn: "", sysId: "" },
    fencingToken,
    nowMs: Date.now(),
  });
  batch = [];
};
for (const raw of generateDataset({ seed: 1, services, months: 1, anchorMonth: "2026-11" }).services()) {
  const m = spec.map(raw as Record<string, string>);
  if (m.ok) batch.push(spec.row(m.value as never, raw as never) as ServiceRow);
  if (batch.length === 5000) commit();
}
if (batch.length > 0) commit();
// As a first full pull leaves them: merged from staging in one sorted insert, so rowids follow sys_ids.
cache.mergeStaged("services", fencingToken);

// A year view per service with figures that vary, so the formatted values differ from record to record.
const modCounts = new Map<string, number>();
let n = 0;
db.transaction(() => {
  for (const s of [...cache.listServices()]) {
    modCounts.set(s.sysId, s.sysModCount);
    n += 1;
    const kg = (n * 7.31) % 5000;
    const view: ServiceYearView = {
      serviceSysId: s.sysId,
      firstPeriod: "2025-12-01",
      lastPeriod: "2026-11-01",
      co2eGYear: {
        total: kg * 1000,
        operational: kg * 600,
        embodied: kg * 400,
        devices: kg * 700,
        network: kg * 150,
        dataCentre: kg * 150,
        devicesOp: kg * 400,
        devicesEmb: kg * 300,
        networkOp: kg * 100,
        networkEmb: kg * 50,
        dataCentreOp: kg * 100,
        dataCentreEmb: kg * 50,
      },
      co2eKgYear: kg,
      co2eKgMonth: kg / 12,
      energyKwhYear: kg * 3.1,
      gPerVisitYear: n % 10 === 0 ? null : (kg * 1000) / (1 + n),
      grade: (["A", "B", "C", "D", "E", "F", "G"] as const)[n % 7] ?? "C",
      confidence: { level: "MEDIUM", score: (n % 100) / 100 },
      visitsYear: n % 10 === 0 ? 0 : n * 13,
      monthsWithUsage: 12,
      usageStatus: n % 10 === 0 ? "unused" : "used",
      method: "empreinte-dscf/1",
      factorSetId: "fr-2024",
      carbonMethod: "empreinte-dscf/1 fr-2024",
    };
    estimates.saveEncoded({
      serviceSysId: s.sysId,
      runPeriod: "2026-11",
      method: view.method,
      factorSetId: view.factorSetId,
      co2eKgYear: kg,
      usageStatus: view.usageStatus,
      yearViewJson: JSON.stringify(view),
      months: new Uint8Array(8),
    });
  }
})();
cache.ensureReadIndexes();
const fillS = (performance.now() - t0) / 1000;

// Answers a PATCH at once with the record as the instance would: the next version, holding the written values.
const client = {
  patchRecord: async (_table: string, sysId: string, fields: Readonly<Record<string, string>>) => {
    const next = (modCounts.get(sysId) ?? 0) + 1;
    modCounts.set(sysId, next);
    return { ...fields, sys_updated_on: "2026-11-29 12:00:00", sys_mod_count: String(next), sys_id: sysId };
  },
} as unknown as ServiceNowClient;

// Time spent in the outbox's two heavy calls, summed over the push.
const spent = { enqueueMs: 0, markDoneMs: 0 };
const proto = OutboxRepository.prototype;
const enqueue = proto.enqueue;
const markDoneMany = proto.markDoneMany;
proto.enqueue = function (this: OutboxRepository, ...a: Parameters<typeof enqueue>) {
  const t = performance.now();
  const r = enqueue.apply(this, a);
  spent.enqueueMs += performance.now() - t;
  return r;
};
proto.markDoneMany = function (this: OutboxRepository, ...a: Parameters<typeof markDoneMany>) {
  const t = performance.now();
  markDoneMany.apply(this, a);
  spent.markDoneMs += performance.now() - t;
};

// Garbage collection pauses on the main thread, summed over a push.
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ["gc"] });

const log = createLogger({ level: "silent" });
async function push(runId: number, dryRun: boolean) {
  spent.enqueueMs = 0;
  spent.markDoneMs = 0;
  gcMs = 0;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  const r = await runPushStage(
    { db, config, client, clock: systemClock, log, fencingToken, runId, columnTypes },
    { force: false, dryRun, remoteFresh: true, computedOn: "2026-11-29 12:00:00" },
  );
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - w0;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  // The observer is told of collections asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const per1k = (ms: number) => (r.planned === 0 ? 0 : Number(((ms * 1000) / r.planned).toFixed(1)));
  return {
    planned: r.planned,
    unchanged: r.unchanged,
    written: r.sent?.written ?? 0,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    enqueueMs: Math.round(spent.enqueueMs),
    markDoneMs: Math.round(spent.markDoneMs),
    gcMs: Math.round(gcMs),
    cpuMsPer1kServices: Number(((cpuMs * 1000) / Math.max(1, r.planned + r.unchanged)).toFixed(1)),
    per1kWrites: { cpuMs: per1k(cpuMs), enqueueMs: per1k(spent.enqueueMs), markDoneMs: per1k(spent.markDoneMs) },
  };
}

t0 = performance.now();
const planOnly = await push(1, true);
const first = await push(2, false);
const again = await push(3, false);
console.log(
  JSON.stringify({
    services: modCounts.size,
    cacheFillS: Number(fillS.toFixed(1)),
    planOnly,
    first,
    nothingToWrite: again,
  }),
);
db.close();
if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
else console.error(`kept ${dir}`);
