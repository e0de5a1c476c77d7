// Benchmark of a full `pull` (issue #3): the dev instance runs in ANOTHER process (`empreinte simulator --json`), the
// connector runs here, in-process, into a temp SQLite cache, exactly as `empreinte pull --full` would. Prints wall
// time, rows/s, requests per table against the minimum ceil(rows/page)+1, the connector's peak RSS, and the
// instance's start-up time; then checks that the cache holds the instance's counts (and, with --hash, its content).
//
// Run: npx tsx scripts/bench-pull.ts [--services 1600] [--months 24] [--page-size 1000] [--hash] [--json]
//      [--dist]   start the built simulator (dist/cli/main.js) instead of the sources through tsx
// Compiled, as the CLI runs (the staged first load then commits on a writer thread, docs/adr/0006, which needs the
// compiled worker file; through tsx the pages commit on the main thread):
//      npx tsc -p tsconfig.scripts.json --outDir tmp/bench-pull && node tmp/bench-pull/scripts/bench-pull.js …
//      (the instance then starts from the same compiled tree).
//      [--no-writer]  compiled, but the pages commit on the main thread, as through tsx (to compare)
//      [--full]   pull --full: the first-run read plus the deletion-reconciliation sys_id scan (counted apart)
// Without --full the pull is a first run on an empty cache: a keyset read of every record, as `pull` does.
//      [--store-only [--rows 1000000]]  no instance: commits --rows synthetic usage rows in pages of --page-size,
//                 once with random sys_ids (as a keyset read by sys_updated_on delivers them) and once with
//                 sys_ids in order, to isolate what the cache's sys_id index costs (see docs/performance.md).
// Budgets (DESIGN.md §4, issue #3): requests = the minimum; 100,000 × 24 in under 60 s and under 300 MB RSS.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../src/config/resolve-config.js";
import { systemClock } from "../src/lib/clock.js";
import { createLogger } from "../src/observability/logger.js";
import { ServiceNowClient } from "../src/servicenow/table-client.js";
import { fieldList } from "../src/servicenow/table-params.js";
import { CacheRepository } from "../src/store/cache-repository.js";
import { Lease } from "../src/store/lease.js";
import { openDatabase } from "../src/store/open-database.js";
import { runPull } from "../src/sync/run-pull.js";
import { StagedWriter } from "../src/sync/staged-writer.js";
import { serviceStream, usageStream } from "../src/sync/stream-specs.js";
import { type StartedDevInstance, startDevInstance } from "./start-dev-instance.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive whole number`);
  return value;
}

const SERVICES = arg("--services", 1600);
const MONTHS = arg("--months", 24);
const PAGE_SIZE = arg("--page-size", 1000);
const HASH = process.argv.includes("--hash");
const JSON_ONLY = process.argv.includes("--json");
const DIST = process.argv.includes("--dist");
/** This script runs compiled (tsc -p tsconfig.scripts.json), next to a compiled connector and instance. */
const COMPILED = import.meta.url.endsWith(".js");
const NO_WRITER = process.argv.includes("--no-writer");
/** `pull --full`: also the deletion-reconciliation scan (sysparm_fields=sys_id), reported apart. */
const FULL = process.argv.includes("--full");

/** Starts the dev instance with the size asked for; its startup time is reported. */
function startSimulator(): Promise<StartedDevInstance> {
  const entry = COMPILED
    ? [fileURLToPath(new URL("../src/cli/main.js", import.meta.url))]
    : DIST
      ? ["dist/cli/main.js"]
      : ["--import", "tsx", "src/cli/main.ts"];
  const flags = ["--services", String(SERVICES), "--months", String(MONTHS), "--anchor", "2026-11"];
  return startDevInstance(entry, [...flags, "--max-concurrent", "8"]);
}

async function admin<T>(url: string, path: string): Promise<T> {
  const res = await fetch(`${url}/_sim/${path}`);
  if (!res.ok) throw new Error(`/_sim/${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { result: T }).result;
}

const STORE_ONLY = process.argv.includes("--store-only");
const ROWS = arg("--rows", 1_000_000);

/** Seconds to commit ROWS synthetic usage rows into a fresh cache, page by page, with random or ordered sys_ids. */
function commitRows(dir: string, order: "random" | "ordered"): number {
  const db = openDatabase({ path: join(dir, `${order}.db`) });
  const cache = new CacheRepository(db);
  const { fencingToken } = new Lease(db).acquire({ owner: "bench-pull", ttlMs: 3_600_000, nowMs: Date.now() });
  const services = Array.from({ length: 20_000 }, () => randomBytes(16).toString("hex"));
  const started = performance.now();
  for (let first = 0; first < ROWS; first += PAGE_SIZE) {
    const records = [];
    for (let n = first; n < Math.min(ROWS, first + PAGE_SIZE); n++) {
      const sysId = order === "random" ? randomBytes(16).toString("hex") : n.toString(16).padStart(32, "0");
      const serviceSysId = services[n % services.length] as string;
      const raw = {
        sys_id: sysId,
        sys_updated_on: "2026-10-01 00:00:00",
        sys_mod_count: "0",
        u_service: serviceSysId,
        u_period: "2026-09-01",
        u_visits: "1234",
        u_page_views: "5555",
        u_transactions: "12",
        u_data_gb: "1.5",
        u_avg_session_min: "3.2",
        u_mobile_share: "0.4",
      };
      const usage = {
        sysId,
        serviceSysId,
        period: "2026-09-01",
        visits: 1234,
        pageViews: 5555,
        transactions: 12,
        dataGb: 1.5,
        avgSessionMin: 3.2,
        mobileShare: 0.4,
        sysUpdatedOn: raw.sys_updated_on,
      };
      records.push({ usage, raw });
    }
    const last = records[records.length - 1]?.usage.sysId ?? "";
    cache.commitPage("usage", {
      records,
      quarantined: [],
      cursor: { stream: "usage", updatedOn: "2026-10-01 00:00:00", sysId: last },
      fencingToken,
      nowMs: Date.now(),
    });
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return Math.round(seconds * 100) / 100;
}

function storeOnly(): void {
  const dir = mkdtempSync(join(tmpdir(), "empreinte-bench-store-"));
  try {
    const random = commitRows(dir, "random");
    const ordered = commitRows(dir, "ordered");
    const figures = { rows: ROWS, pageSize: PAGE_SIZE, randomSysIdsS: random, orderedSysIdsS: ordered };
    process.stdout.write(
      `${JSON_ONLY ? "" : `commit of ${ROWS} usage rows in pages of ${PAGE_SIZE}: random sys_ids ${random} s, sys_ids in order ${ordered} s\n`}${JSON.stringify(figures)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * Where the connector's wall time goes: page commits, the staged merge and the read indexes (SQLite, synchronous on
 * the main thread: wall and CPU time of each, the difference being mostly waits for the disk), and page requests
 * (from asking to having the parsed envelope: the instance's work, the transfer, our JSON parse and zod check; summed
 * over requests, which overlap when pages are prefetched or sliced, so the sum can exceed the wall time). Wraps the
 * prototypes for the bench only.
 */
const spentMs = { commit: 0, listPage: 0, readIndexes: 0, merge: 0 };
const cpuMs = { commit: 0, readIndexes: 0, merge: 0 };

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
function processCpuS(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised command name.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Wraps a synchronous method of CacheRepository to add its wall and CPU time to the totals under `name`. */
function timeSync(name: keyof typeof cpuMs, method: "commitPage" | "mergeStaged" | "ensureReadIndexes"): void {
  const proto = CacheRepository.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = proto[method] as (...a: unknown[]) => unknown;
  proto[method] = function (this: CacheRepository, ...args: unknown[]) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    try {
      return original.apply(this, args);
    } finally {
      spentMs[name] += performance.now() - t;
      const used = process.cpuUsage(cpu);
      cpuMs[name] += (used.user + used.system) / 1000;
    }
  };
}

/** When things happened (performance.now() ms), to tell the read from what follows it. */
const timeline = { lastPageMs: 0, mergesMs: [] as Array<[number, number]>, indexesMs: [0, 0] as [number, number] };

/** The writer threads the pulls started (compiled runs only), for their busy time. */
const writers: StagedWriter[] = [];

function instrument(): void {
  const start = StagedWriter.start.bind(StagedWriter);
  StagedWriter.start = (...args: Parameters<typeof StagedWriter.start>) => {
    const writer = NO_WRITER ? undefined : start(...args);
    if (writer) writers.push(writer);
    return writer;
  };
  timeSync("commit", "commitPage");
  timeSync("merge", "mergeStaged");
  timeSync("readIndexes", "ensureReadIndexes");
  const ensure = CacheRepository.prototype.ensureReadIndexes;
  CacheRepository.prototype.ensureReadIndexes = function (this: CacheRepository) {
    const t = performance.now();
    try {
      ensure.call(this);
    } finally {
      timeline.indexesMs = [t, performance.now()];
    }
  };
  const merge = StagedWriter.prototype.merge;
  StagedWriter.prototype.merge = function (this: StagedWriter, ...args: Parameters<typeof merge>) {
    const t = performance.now();
    return merge.apply(this, args).finally(() => timeline.mergesMs.push([t, performance.now()]));
  };
  const listPage = ServiceNowClient.prototype.listPage;
  ServiceNowClient.prototype.listPage = async function (this: ServiceNowClient, ...args) {
    const t = performance.now();
    try {
      return await listPage.apply(this, args);
    } finally {
      spentMs.listPage += performance.now() - t;
      timeline.lastPageMs = performance.now();
    }
  };
}

async function main(): Promise<void> {
  instrument();
  const sim = await startSimulator();
  const dir = mkdtempSync(join(tmpdir(), "empreinte-bench-pull-"));
  try {
    const config = resolveConfig({
      document: {
        catalogue: { pageSize: PAGE_SIZE },
        usage: { pageSize: PAGE_SIZE },
        sync: { fullReconcileEveryNRuns: 0 },
      },
      env: { SN_INSTANCE_URL: sim.info.url, SN_USERNAME: sim.info.username, SN_PASSWORD: sim.info.password },
    }).config;
    // The cache exactly as `empreinte pull` opens it (synchronous FULL, WAL).
    const db = openDatabase({ path: join(dir, "bench.db") });
    const log = createLogger({ level: "warn" });
    const auth = `Basic ${Buffer.from(`${sim.info.username}:${sim.info.password}`).toString("base64")}`;
    const instanceCount = async (table: string): Promise<number> => {
      const res = await fetch(`${sim.info.url}/api/now/stats/${table}?sysparm_count=true`, {
        headers: { authorization: auth, accept: "application/json" },
      });
      return Number(((await res.json()) as { result: { stats: { count: string } } }).result.stats.count);
    };

    // Peak RSS of this process during the pull: sampled every 20 ms, and the kernel's own high-water mark.
    const rssBeforeMiB = mib(process.memoryUsage().rss);
    let peakSampledRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakSampledRss = Math.max(peakSampledRss, process.memoryUsage().rss);
    }, 20);
    const loadBefore = loadavg()[0] ?? 0;
    const simCpuBefore = processCpuS(sim.child.pid);
    const cpuBefore = process.cpuUsage();
    const eluBefore = performance.eventLoopUtilization();
    const started = performance.now();
    const summary = await runPull({ db, config, clock: systemClock, log }, { full: FULL, owner: "bench-pull" });
    const wallS = (performance.now() - started) / 1000;
    const elu = performance.eventLoopUtilization(eluBefore);
    // The second pull below adds to the timeline: keep this pull's.
    const pulled = {
      lastPageMs: timeline.lastPageMs,
      mergesMs: [...timeline.mergesMs],
      indexesMs: [...timeline.indexesMs],
    };
    const cpu = process.cpuUsage(cpuBefore);
    const simCpuAfter = processCpuS(sim.child.pid);
    const loadAfter = loadavg()[0] ?? 0;
    clearInterval(sampler);
    const maxRssMiB = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10; // maxRSS is in KiB

    const streams = [];
    const cache = new CacheRepository(db);
    for (const [stream, spec] of [
      ["services", serviceStream(config)],
      ["usage", usageStream(config)],
    ] as const) {
      const requests = await admin<{ query: string; durationMs: number }[]>(
        sim.info.url,
        `ledger/requests?method=GET&pathPrefix=/api/now/table/${spec.table}`,
      );
      const scan = requests.filter((r) => r.query.includes("sysparm_fields=sys_id&")).length;
      const rows = summary.streams.find((s) => s.stream === stream)?.read ?? 0;
      const counts = cache.counts();
      const cached = stream === "services" ? counts.services.live : counts.usage.live;
      const entry: Record<string, unknown> = {
        stream,
        table: spec.table,
        rows,
        instanceRows: await instanceCount(spec.table),
        cached,
        requests: requests.length - scan,
        minimumRequests: Math.ceil(rows / PAGE_SIZE) + 1,
        ...(FULL ? { reconciliationRequests: scan } : {}),
        // Time the instance spent answering (its ledger: from request arrival to the body being ready), to tell the
        // connector's share of the wall time from the dev instance's.
        instanceS: Math.round(requests.reduce((ms, r) => ms + r.durationMs, 0) / 10) / 100,
      };
      if (HASH) {
        // The record's own fields: dot-walked names (`owned_by.name`) are other records' values, not in this table's hash.
        const fields = fieldList(spec.fields).filter((f) => !f.includes("."));
        const remote = await admin<{ sha256: string }>(sim.info.url, `hash/${spec.table}?fields=${fields.join(",")}`);
        entry.hashMatches = remote.sha256 === cache.contentHash(stream, fields).sha256;
      }
      streams.push(entry);
    }
    // A second run with nothing changed: one request per table, only the lookback window read (DESIGN.md §4).
    const lastId = (await admin<{ id: number }[]>(sim.info.url, "ledger/requests")).at(-1)?.id ?? 0;
    const againStarted = performance.now();
    const again = await runPull({ db, config, clock: systemClock, log }, { full: false, owner: "bench-pull" });
    const quiet = {
      wallS: Math.round((performance.now() - againStarted) / 10) / 100,
      requests: (await admin<unknown[]>(sim.info.url, `ledger/requests?sinceId=${lastId}&pathPrefix=/api/now`)).length,
      rowsRead: again.streams.reduce((n, st) => n + st.read, 0),
      written: again.streams.reduce((n, st) => n + st.written, 0),
    };

    db.close();

    const rows = summary.streams.reduce((n, s) => n + s.read, 0);
    const figures = {
      services: SERVICES,
      months: MONTHS,
      pageSize: PAGE_SIZE,
      outcome: summary.outcome,
      wallS: Math.round(wallS * 100) / 100,
      rows,
      rowsPerS: Math.round(rows / wallS),
      requests: summary.requests,
      retries: summary.retries,
      streams,
      commitS: Math.round(spentMs.commit / 10) / 100,
      commitCpuS: Math.round(cpuMs.commit / 10) / 100,
      mergeS: Math.round(spentMs.merge / 10) / 100,
      mergeCpuS: Math.round(cpuMs.merge / 10) / 100,
      readIndexesCpuS: Math.round(cpuMs.readIndexes / 10) / 100,
      // Compiled runs: the writer thread's busy time (commits and merges of the staged loads), alongside the above.
      writerThreads: writers.length,
      writerCommitS: Math.round(writers.reduce((n, w) => n + w.busyMs.commit, 0) / 10) / 100,
      writerMergeS: Math.round(writers.reduce((n, w) => n + w.busyMs.merge, 0) / 10) / 100,
      pageRequestsS: Math.round(spentMs.listPage / 10) / 100,
      readIndexesS: Math.round(spentMs.readIndexes / 10) / 100,
      // The connector's main thread: busy (JS, SQLite, parsing) versus idle (waiting for the instance).
      mainThreadBusyS: Math.round(elu.active / 10) / 100,
      mainThreadIdleS: Math.round(elu.idle / 10) / 100,
      // CPU used during the pull (user + system), by the connector (all its threads) and by the instance's process.
      connectorCpuS: Math.round((cpu.user + cpu.system) / 10_000) / 100,
      instanceCpuS:
        simCpuBefore === undefined || simCpuAfter === undefined
          ? undefined
          : Math.round((simCpuAfter - simCpuBefore) * 100) / 100,
      // From the start of the pull: the last page received, each writer merge (asked, done), the read indexes.
      timeline: {
        lastPageS: Math.round(pulled.lastPageMs - started) / 1000,
        writerMergesS: pulled.mergesMs.map(([a, b]) => [
          Math.round(a - started) / 1000,
          Math.round(b - started) / 1000,
        ]),
        readIndexesS: pulled.indexesMs.map((t) => Math.round(t - started) / 1000),
      },
      // 1-minute load average before and after: other work on the machine skews the wall time.
      loadAverage: [Math.round(loadBefore * 100) / 100, Math.round(loadAfter * 100) / 100],
      instanceBusyS: Math.round(streams.reduce((n, st) => n + Number(st.instanceS), 0) * 100) / 100,
      quietRerun: quiet,
      rssBeforeMiB,
      peakRssSampledMiB: mib(peakSampledRss),
      maxRssMiB,
      simulatorStartupS: Math.round(sim.startupS * 100) / 100,
    };
    if (JSON_ONLY) {
      process.stdout.write(`${JSON.stringify(figures)}\n`);
    } else {
      const lines = [
        `full pull of ${SERVICES} services × ${MONTHS} months, page ${PAGE_SIZE} (dev instance in another process)`,
        `  simulator start-up   ${figures.simulatorStartupS} s`,
        `  pull wall time       ${figures.wallS} s, ${rows} rows, ${figures.rowsPerS} rows/s, outcome ${summary.outcome}`,
        ...streams.map(
          (s) =>
            `  ${String(s.stream).padEnd(8)} ${String(s.rows).padStart(9)} rows (instance ${s.instanceRows}, cached ` +
            `${s.cached}), ${s.requests} requests, minimum ${s.minimumRequests}` +
            (s.reconciliationRequests === undefined ? "" : ` (+${s.reconciliationRequests} sys_id scan)`) +
            `, instance busy ${s.instanceS} s` +
            (s.hashMatches === undefined ? "" : `, content hash ${s.hashMatches ? "matches" : "DIFFERS"}`),
        ),
        `  where the time went  main thread busy ${figures.mainThreadBusyS} s, idle ${figures.mainThreadIdleS} s; ` +
          `page commits (SQLite) ${figures.commitS} s (CPU ${figures.commitCpuS} s); staged merge ${figures.mergeS} s ` +
          `(CPU ${figures.mergeCpuS} s); read indexes built after the load ${figures.readIndexesS} s (CPU ` +
          `${figures.readIndexesCpuS} s); page requests ${figures.pageRequestsS} s summed (they overlap), of which ` +
          `the instance busy ${figures.instanceBusyS} s`,
        ...(writers.length > 0
          ? [
              `  writer thread        page commits ${figures.writerCommitS} s, merges ${figures.writerMergeS} s ` +
                `(${writers.length} threads, one per staged stream)`,
            ]
          : [`  writer thread        none: the pages commit on the main thread (run compiled to have one)`]),
        `  timeline             last page at ${figures.timeline.lastPageS} s; writer merges ` +
          `${figures.timeline.writerMergesS.map(([a, b]) => `${a}→${b}`).join(", ") || "none"}; read indexes ` +
          `${figures.timeline.readIndexesS.join("→")} s (from the start of the pull)`,
        `  CPU during the pull  connector ${figures.connectorCpuS} s, instance ${figures.instanceCpuS ?? "?"} s ` +
          `(2 vCPUs: the wall time cannot go below their sum / 2); load average ${figures.loadAverage.join(" → ")}`,
        `  second pull, nothing changed: ${quiet.requests} requests, ${quiet.rowsRead} rows read (the lookback ` +
          `window), ${quiet.written} written, ${quiet.wallS} s`,
        `  connector RSS        before ${rssBeforeMiB} MiB, peak sampled ${figures.peakRssSampledMiB} MiB, ` +
          `process maxRSS ${maxRssMiB} MiB`,
      ];
      process.stdout.write(`${lines.join("\n")}\n${JSON.stringify(figures)}\n`);
    }
    const wrong = streams.filter(
      (s) => s.rows !== s.instanceRows || s.cached !== s.instanceRows || s.hashMatches === false,
    );
    if (wrong.length > 0 || summary.outcome !== "ok") process.exitCode = 1;
  } finally {
    sim.child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

if (STORE_ONLY) storeOnly();
else await main();
