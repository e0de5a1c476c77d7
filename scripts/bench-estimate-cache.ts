// Benchmark of the estimate stage over a real cache (issue #4: 100,000 services × 24 months under 10 s).
// Fills a temp SQLite cache with the dev instance's seeded data (mapped exactly as a pull maps it), then times
// `runEstimateParallel` over it (`--single-thread`: `runEstimate`). Usage: npm run bench:estimate -- [--services N]
// [--months M] [--single-thread] [--keep]. Through tsx the worker does not exist and the stage runs single-threaded.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFactorSet } from "../src/cli/commands/estimate-input.js";
import { resolveConfig } from "../src/config/resolve-config.js";
import { systemClock } from "../src/lib/clock.js";
import { generateDataset } from "../src/simulator/data/generate-dataset.js";
import { CacheRepository, type ServiceRow, type UsageRow } from "../src/store/cache-repository.js";
import { Lease } from "../src/store/lease.js";
import { openDatabase } from "../src/store/open-database.js";
import { runEstimate, runEstimateParallel } from "../src/sync/run-estimate.js";
import { serviceStream, usageStream } from "../src/sync/stream-specs.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const services = arg("services", 100_000);
const months = arg("months", 24);
const dir = mkdtempSync(join(tmpdir(), "empreinte-bench-estimate-"));
const db = openDatabase({ path: join(dir, "cache.db"), synchronous: "normal" });
const cache = new CacheRepository(db);
const config = resolveConfig({
  document: {},
  env: { SN_INSTANCE_URL: "http://127.0.0.1:1", SN_USERNAME: "u", SN_PASSWORD: "p" },
}).config;
const { fencingToken } = new Lease(db).acquire({ owner: "bench", ttlMs: 3_600_000, nowMs: Date.now() });
const data = generateDataset({ seed: 1, services, months, anchorMonth: "2026-11" });

function fill<R>(
  records: Iterable<Record<string, string>>,
  spec: {
    map(raw: Record<string, string>): { ok: true; value: unknown } | { ok: false };
    row(v: never, raw: never): R;
  },
  commit: (rows: R[]) => void,
): number {
  let batch: R[] = [];
  let n = 0;
  for (const raw of records) {
    const m = spec.map(raw);
    if (m.ok) batch.push(spec.row(m.value as never, raw as never));
    n += 1;
    if (batch.length === 5000) {
      commit(batch);
      batch = [];
    }
  }
  if (batch.length > 0) commit(batch);
  return n;
}

let t0 = performance.now();
const sSpec = serviceStream(config);
const uSpec = usageStream(config);
const nServices = fill<ServiceRow>(data.services(), sSpec, (records) =>
  cache.commitPage("services", {
    records,
    quarantined: [],
    cursor: { stream: "services", updatedOn: "", sysId: "" },
    fencingToken,
    nowMs: Date.now(),
  }),
);
const nUsage = fill<UsageRow>(data.usage(), uSpec, (records) =>
  cache.commitPage("usage", {
    records,
    quarantined: [],
    cursor: { stream: "usage", updatedOn: "", sysId: "" },
    fencingToken,
    nowMs: Date.now(),
  }),
);
cache.ensureReadIndexes();
const fillS = (performance.now() - t0) / 1000;

const factors = loadFactorSet();
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
t0 = performance.now();
const clock = { ...systemClock, nowMs: () => Date.UTC(2026, 10, 29, 12) };
const summary = process.argv.includes("--single-thread")
  ? runEstimate(db, clock, { factors, underusedVisitsPerMonth: 100 })
  : await runEstimateParallel(db, clock, { factors, underusedVisitsPerMonth: 100 });
const wallS = (performance.now() - t0) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

console.log(
  JSON.stringify({
    services: nServices,
    usageRows: nUsage,
    cacheFillS: Number(fillS.toFixed(1)),
    estimate: {
      wallS: Number(wallS.toFixed(2)),
      serviceMonths: summary.months,
      servicesPerS: Math.round(summary.services / wallS),
      peakRssMb: Math.round(peakRss / 1048576),
      maxRssMbProcess: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    co2eTYear: Number((summary.co2eKgYear / 1000).toFixed(1)),
  }),
);
db.close();
if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
else console.error(`kept ${dir}`);
