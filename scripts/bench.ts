// End-to-end benchmark of the sync (issue #8): scenarios S (1,600 services × 24 months), M (20,000) and L (100,000)
// against the dev instance in another process, with two latency profiles — none, and "realistic" (pages slower as
// they grow, a per-write latency, at most 4 requests at once) — each as a full sync, a no-op sync and a sync after
// 1 % of the services' usage changed, in PATCH and in Batch mode; plus, in the same run, a naive reference sync
// (offset paging over whole tables and a PATCH of every record on every run, as a hand-written script does).
//
// The connector runs as `empreinte sync --json` in a child process (compiled), so its CPU time and peak RSS are its
// own (scripts/bench-usage-preload.ts records them at exit). Requests come from the instance's ledger. Each stage's
// peak RSS (pull, estimate, push) comes from the process's /proc status, read every SAMPLE_MS from
// here, between the info lines that end each stage.
//
// Run: npm run bench -- [--sizes S,M,L] [--profiles none,realistic] [--modes patch,batch] [--no-naive] [--full-only]
//                       [--node-flags "--max-semi-space-size=8"] [--instance-node-flags "--cpu-prof"] [--timelines tmp/bench-timelines] [--out tmp/bench.json]
// Budgets (issue #8, this 2-core machine): requests ÷ minimum ≤ 1.05; writes ÷ changed = 1.00; no-op sync ≤ 3
// requests and 0 writes; L full sync without latency ≤ 90 s and ≤ 300 MB RSS; realistic: wall ≤ 1.2 × lower bound
// and connector CPU ≤ 10 % of wall; naive ÷ empreinte requests on the daily 1 %-change run ≥ 20.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { type DevInstanceInfo, startDevInstance } from "./start-dev-instance.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const BUILD = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(BUILD, "src/cli/main.js");
const PRELOAD = join(BUILD, "scripts/bench-usage-preload.js");

const SIZES: Record<string, number> = { S: 1600, M: 20_000, L: 100_000 };
const CONCURRENCY = 4;
const PAGE = 1000;

/** The realistic profile: ~100 ms a request, +0.25 ms per row returned (a 1,000-row page ≈ 350 ms), +150 ms a write. */
const REALISTIC = { latencyMs: 100, latencyPerRowMs: 0.25, writeLatencyMs: 150 };

/** How often the connector's RSS is read from /proc while it runs. */
const SAMPLE_MS = 50;

function listArg(name: string, fallback: string[]): string[] {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : (process.argv[i + 1] ?? "").split(",").filter(Boolean);
}
function stringArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}

interface Instance extends DevInstanceInfo {
  child: ChildProcess;
}

async function startInstance(services: number): Promise<Instance> {
  const flags = ["--services", String(services), "--months", "24", "--anchor", "2026-11"];
  flags.push("--max-concurrent", String(CONCURRENCY), "--seed", "1");
  const { child, info } = await startDevInstance([...instanceNodeFlags, CLI], flags, { cwd: ROOT });
  return { child, ...info };
}

async function admin<T>(inst: Instance, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${inst.url}/_sim/${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`/_sim/${path}: ${res.status} ${text.slice(0, 200)}`);
  return (JSON.parse(text) as { result: T }).result;
}

const json = (body: unknown): RequestInit => ({
  method: "PUT",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

interface LedgerRequest {
  id: number;
  method: string;
  path: string;
  query: string;
  status: number;
  durationMs: number;
  rows: number | null;
}

async function requestsSince(inst: Instance, sinceId: number): Promise<LedgerRequest[]> {
  return admin<LedgerRequest[]>(inst, `ledger/requests?sinceId=${sinceId}&pathPrefix=/api/now&limit=10000000`);
}

/** Forgets the ledger, so that the next measured run's requests are all there is. */
async function clearLedger(inst: Instance): Promise<number> {
  await admin(inst, "ledger", { method: "DELETE" });
  return 0;
}

interface Usage {
  userCpuMs: number;
  systemCpuMs: number;
  maxRssMiB: number;
}

interface SyncRun {
  code: number | null;
  wallS: number;
  usage: Usage;
  summary: Record<string, unknown>;
  stages: StagePeak[];
  /** CPU seconds the dev instance's process used during the run (it shares the machine's two vCPUs). */
  instanceCpuS: number;
  loadAvg: [number, number];
}

/** One stage of a sync run as seen from outside the connector's process: its window and its peak RSS. */
export interface StagePeak {
  stage: string;
  startS: number;
  endS: number;
  /** The highest RSS in the window: sampled VmRSS, or VmHWM when the high-water mark rose inside the window. */
  peakRssMiB: number;
  /** Most threads seen in the window (main + libuv pool + V8 + any worker thread). */
  threads: number;
}

/**
 * The stage boundaries, from the info lines the run logs as each stage ends (run-pull.ts logs one line per table
 * once both are read; run.ts one for the estimate); the push runs from there to the exit. The estimate's window
 * begins with the cache's read index, built after the pull.
 */
const STAGE_ENDS: Array<[RegExp, string]> = [
  [/^pulled \d+ rows of /, "pull"],
  [/^estimated \d+ services/, "estimate"],
];

interface Sample {
  tS: number;
  rssKiB: number;
  hwmKiB: number;
  threads: number;
}

/** VmRSS, VmHWM and Threads of a process, from /proc (Linux); undefined once it has exited. */
function procStatus(pid: number): Omit<Sample, "tS"> | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? Number.NaN);
    return { rssKiB: field("VmRSS"), hwmKiB: field("VmHWM"), threads: field("Threads") };
  } catch {
    return undefined;
  }
}

function stagePeaks(samples: Sample[], marks: Array<[number, string]>, endS: number): StagePeak[] {
  const windows: Array<[string, number, number]> = [];
  let from = 0;
  for (const [t, stage] of marks) {
    const last = windows.at(-1);
    // One line per table: the stage ends with the last.
    if (last !== undefined && last[0] === stage) last[2] = t;
    else windows.push([stage, from, t]);
    from = t;
  }
  windows.push([marks.length === 0 ? "run" : "push", from, endS]);
  return windows.map(([stage, startS, stopS]) => {
    const inside = samples.filter((s) => s.tS >= startS && s.tS <= stopS);
    const before = samples.filter((s) => s.tS < startS).at(-1);
    const last = inside.at(-1);
    let peakKiB = Math.max(0, ...inside.map((s) => s.rssKiB));
    // The high-water mark rose during the window: a peak between two samples.
    if (last !== undefined && last.hwmKiB > (before?.hwmKiB ?? 0)) peakKiB = Math.max(peakKiB, last.hwmKiB);
    return {
      stage,
      startS,
      endS: stopS,
      peakRssMiB: peakKiB / 1024,
      threads: Math.max(0, ...inside.map((s) => s.threads)),
    };
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux); NaN elsewhere. */
function processCpuS(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // Fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised command name.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function runSync(inst: Instance, workDir: string, mode: string): Promise<SyncRun> {
  const configPath = join(workDir, `config-${mode}.yaml`);
  writeFileSync(configPath, stringify({ sync: { pushMode: mode, batchSize: 50, fullReconcileEveryNRuns: 0 } }));
  const usageFile = join(workDir, "usage.json");
  rmSync(usageFile, { force: true });
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    SN_INSTANCE_URL: inst.url,
    SN_USERNAME: inst.username,
    SN_PASSWORD: inst.password,
    EMPREINTE_DB: join(workDir, "cache.db"),
    EMPREINTE_CONFIG: configPath,
    // info: the lines that end each stage (STAGE_ENDS); warnings and errors are passed on to stderr.
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    BENCH_USAGE_FILE: usageFile,
    ...(timelines !== "" ? { BENCH_HEAP_FILE: join(workDir, "heap.json") } : {}),
  };
  const loadBefore = loadavg()[0] ?? 0;
  const instanceCpuBefore = processCpuS(inst.child.pid);
  const started = performance.now();
  const sinceStart = () => (performance.now() - started) / 1000;
  const child = spawn(process.execPath, [...nodeFlags, "--import", PRELOAD, CLI, "sync", "--json"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString("utf8");
  });
  const marks: Array<[number, string]> = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => {
    let entry: { level?: number; msg?: string } | undefined;
    try {
      entry = JSON.parse(line) as { level?: number; msg?: string };
    } catch {
      entry = undefined;
    }
    const stage = STAGE_ENDS.find(([re]) => re.test(entry?.msg ?? ""));
    if (stage !== undefined) marks.push([sinceStart(), stage[1]]);
    if (entry === undefined || (entry.level ?? 0) >= 40) process.stderr.write(`${line}\n`);
  });
  // From outside the process: its threads are sampled even while the main thread is busy in SQLite.
  const samples: Sample[] = [];
  const sampler = setInterval(() => {
    const status = child.pid === undefined ? undefined : procStatus(child.pid);
    // An exiting process has no VmRSS line any more.
    if (status !== undefined && Number.isFinite(status.rssKiB) && Number.isFinite(status.hwmKiB)) {
      samples.push({ tS: sinceStart(), ...status });
    }
  }, SAMPLE_MS);
  const code = await new Promise<number | null>((res) => child.on("exit", (c) => res(c)));
  clearInterval(sampler);
  const wallS = sinceStart();
  const usage = JSON.parse(readFileSync(usageFile, "utf8")) as Usage;
  const summary = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
  const stages = stagePeaks(samples, marks, wallS);
  if (timelines !== "") {
    // Everything needed to plot the run: /proc samples, stage ends, the main thread's heap.
    mkdirSync(resolve(ROOT, timelines), { recursive: true });
    const heap = JSON.parse(readFileSync(join(workDir, "heap.json"), "utf8")) as unknown;
    const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${mode}.json`;
    writeFileSync(resolve(ROOT, timelines, name), JSON.stringify({ samples, marks, heap }));
  }
  const instanceCpuS = processCpuS(inst.child.pid) - instanceCpuBefore;
  return { code, wallS, usage, summary, stages, instanceCpuS, loadAvg: [loadBefore, loadavg()[0] ?? 0] };
}

interface Row {
  size: string;
  services: number;
  profile: string;
  mode: string;
  run: string;
  wallS: number;
  cpuS: number;
  cpuShare: number;
  /** The dev instance's CPU seconds during the run. */
  instanceCpuS: number;
  maxRssMiB: number;
  requests: Record<string, number>;
  requestsTotal: number;
  minimum: number;
  requestsOverMinimum: number;
  rowsRead: number;
  writes: number;
  changed: number | null;
  writesOverChanged: number | null;
  /** Σ server time of the requests ÷ allowed concurrency (the issue's lower bound). */
  lowerBoundS: number;
  wallOverLowerBound: number;
  /** The run's own time (its summary's durationS: lease to summary, without the process start, as a daemon job runs). */
  runWallS: number;
  runWallOverLowerBound: number;
  /**
   * A bound that also counts the keyset chain: a table's pages come one after another (each query needs the last key
   * of the page before), and the writes only after every read (the estimate needs all the data). max(lowerBoundS,
   * the longest table's Σ read time + Σ write time ÷ concurrency). Exact for unsliced reads; still a lower bound
   * for sliced ones (slices only shorten a chain the bound does not count).
   */
  chainBoundS: number;
  runWallOverChainBound: number;
  exitCode: number | null;
  /** Peak RSS of each stage (pull, estimate, push). */
  stages: StagePeak[];
  /** 1-minute load average of the machine before and after the run. */
  loadAvg: [number, number];
}

function kindOf(r: LedgerRequest): string {
  if (r.path.startsWith("/api/now/v1/batch")) return "batch";
  if (r.path.startsWith("/api/now/stats/")) return "aggregate";
  if (r.method === "PATCH") return "patch";
  if (r.path.includes("/table/sys_db_object") || r.path.includes("/table/sys_dictionary")) return "metadata";
  return "list";
}

function rowFrom(
  base: Pick<Row, "size" | "services" | "profile" | "mode" | "run">,
  run: SyncRun,
  requests: LedgerRequest[],
  minimum: number,
  changed: number | null,
): Row {
  const byKind: Record<string, number> = {};
  for (const r of requests) byKind[kindOf(r)] = (byKind[kindOf(r)] ?? 0) + 1;
  const cpuS = (run.usage.userCpuMs + run.usage.systemCpuMs) / 1000;
  const writes = Number(run.summary.written ?? 0);
  const serverS = requests.reduce((s, r) => s + r.durationMs, 0) / 1000;
  const lowerBoundS = serverS / CONCURRENCY;
  const readSByTable = new Map<string, number>();
  let writeS = 0;
  for (const r of requests) {
    if (r.method === "GET") {
      const table = r.path.split("/").at(-1) ?? "";
      readSByTable.set(table, (readSByTable.get(table) ?? 0) + r.durationMs / 1000);
    } else writeS += r.durationMs / 1000;
  }
  const chainBoundS = Math.max(lowerBoundS, Math.max(0, ...readSByTable.values()) + writeS / CONCURRENCY);
  const runWallS = Number(run.summary.durationS ?? Number.NaN);
  return {
    ...base,
    wallS: run.wallS,
    cpuS,
    cpuShare: cpuS / run.wallS,
    instanceCpuS: run.instanceCpuS,
    maxRssMiB: run.usage.maxRssMiB,
    requests: byKind,
    requestsTotal: requests.length,
    minimum,
    requestsOverMinimum: minimum === 0 ? requests.length : requests.length / minimum,
    rowsRead: requests.reduce((s, r) => s + (r.method === "GET" ? (r.rows ?? 0) : 0), 0),
    writes,
    changed,
    writesOverChanged: changed === null ? null : changed === 0 ? (writes === 0 ? 1 : Infinity) : writes / changed,
    lowerBoundS,
    wallOverLowerBound: lowerBoundS > 0 ? run.wallS / lowerBoundS : 0,
    runWallS,
    runWallOverLowerBound: lowerBoundS > 0 ? runWallS / lowerBoundS : 0,
    chainBoundS,
    runWallOverChainBound: chainBoundS > 0 ? runWallS / chainBoundS : 0,
    exitCode: run.code,
    stages: run.stages,
    loadAvg: run.loadAvg,
  };
}

/** Reads a whole table through the Table API (integration user), `fields` only, by keyset on sys_id. */
async function readTable(inst: Instance, table: string, fields: string[]): Promise<Array<Record<string, string>>> {
  const out: Array<Record<string, string>> = [];
  let after = "";
  const auth = `Basic ${Buffer.from(`${inst.username}:${inst.password}`).toString("base64")}`;
  for (;;) {
    const q = after === "" ? "ORDERBYsys_id" : `sys_id>${after}^ORDERBYsys_id`;
    const params = new URLSearchParams({
      sysparm_query: q,
      sysparm_fields: fields.join(","),
      sysparm_limit: "10000",
      sysparm_exclude_reference_link: "true",
    });
    const res = await fetch(`${inst.url}/api/now/table/${table}?${params}`, { headers: { authorization: auth } });
    const body = (await res.json()) as { result: Array<Record<string, string>> };
    if (body.result.length === 0) return out;
    out.push(...body.result);
    after = body.result.at(-1)?.sys_id ?? "";
  }
}

const OWNED = [
  "u_co2e_kg_year",
  "u_co2e_kg_month",
  "u_energy_kwh_year",
  "u_co2e_g_per_visit",
  "u_carbon_grade",
  "u_carbon_confidence",
  "u_usage_status",
  "u_visits_year",
  "u_carbon_method",
];

/** 1 % of the active services get their latest month's visits doubled, as a human correcting the metrics would. */
async function changeOnePercent(inst: Instance, services: number): Promise<Set<string>> {
  const usage = await readTable(inst, "u_digital_service_usage", ["sys_id", "u_service", "u_period", "u_visits"]);
  const latest =
    usage
      .map((r) => r.u_period ?? "")
      .sort()
      .at(-1) ?? "";
  const target = Math.max(1, Math.round(services / 100));
  const edited = new Set<string>();
  for (const r of usage) {
    if (edited.size >= target) break;
    if (r.u_period !== latest || Number(r.u_visits) <= 0 || edited.has(r.u_service ?? "")) continue;
    await admin(inst, `records/u_digital_service_usage/${r.sys_id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "marie.dupont", values: { u_visits: String(Number(r.u_visits) * 2 + 1) } }),
    });
    edited.add(r.u_service ?? "");
  }
  return edited;
}

async function ownedSnapshot(inst: Instance): Promise<Map<string, string>> {
  const rows = await readTable(inst, "cmdb_ci_service", ["sys_id", ...OWNED]);
  return new Map(rows.map((r) => [r.sys_id ?? "", OWNED.map((c) => r[c] ?? "").join("|")]));
}

/**
 * The naive reference: offset pages of 1,000 over both whole tables (stopping at a short page), then a PATCH of the
 * owned fields of every active record with the values it should hold — every run, whether they changed or not.
 * Counted, not timed: its requests are what a hand-written integration script costs the instance.
 */
function naiveRequests(services: number, usageRows: number, activeServices: number): number {
  const pages = (n: number) => Math.floor(n / PAGE) + 1;
  return pages(services) + pages(usageRows) + activeServices;
}

async function scenario(size: string, profiles: string[], modes: string[], naive: boolean): Promise<Row[]> {
  const services = SIZES[size];
  if (services === undefined) throw new Error(`unknown size ${size}: use S, M or L`);
  process.stderr.write(`\n== ${size}: ${services} services × 24 months: starting the dev instance…\n`);
  const inst = await startInstance(services);
  const rows: Row[] = [];
  try {
    const info = await admin<{ counts: Record<string, number> }>(inst, "info");
    const usageRows = info.counts.u_digital_service_usage ?? 0;
    const catalogue = info.counts.cmdb_ci_service_business ?? services;
    for (const profile of profiles) {
      for (const mode of modes) {
        await admin(inst, "reset", { method: "POST" });
        await admin(inst, "faults", json(profile === "realistic" ? REALISTIC : {}));
        const work = mkdtempSync(join(tmpdir(), `empreinte-bench-${size}-`));
        try {
          const base = { size, services, profile, mode };
          const log = (r: Row) => {
            rows.push(r);
            process.stderr.write(
              `${size} ${profile} ${mode} ${r.run}: ${r.wallS.toFixed(1)} s, ${r.requestsTotal} requests ` +
                `(${r.requestsOverMinimum.toFixed(2)} × min), ${r.writes} writes, RSS ${r.maxRssMiB.toFixed(0)} MiB, ` +
                `CPU ${(r.cpuShare * 100).toFixed(0)} % (instance ${r.instanceCpuS.toFixed(1)} s)${r.lowerBoundS ? `, wall ÷ bound ${r.wallOverLowerBound.toFixed(2)}, run ${r.runWallS.toFixed(2)} s ÷ bound ${r.runWallOverLowerBound.toFixed(2)}, ÷ chain bound ${r.runWallOverChainBound.toFixed(2)}` : ""}, ` +
                `load ${r.loadAvg[0].toFixed(1)} → ${r.loadAvg[1].toFixed(1)}\n  stages: ${formatStages(r.stages)}\n`,
            );
          };
          // Full sync on an empty cache.
          let mark = await clearLedger(inst);
          const full = await runSync(inst, work, mode);
          const written = Number(full.summary.written ?? 0);
          const writeRequests = mode === "batch" ? Math.ceil(written / 50) : written;
          const readMin = Math.ceil(catalogue / PAGE) + 1 + Math.ceil(usageRows / PAGE) + 1;
          // +4 metadata requests (sys_db_object walk and sys_dictionary) on the first run.
          log(
            rowFrom({ ...base, run: "full" }, full, await requestsSince(inst, mark), readMin + writeRequests + 4, null),
          );
          if (fullOnly) continue;
          // The next run reads the echoes of those writes; then a run with nothing to do.
          mark = await clearLedger(inst);
          const echoes = await runSync(inst, work, mode);
          log(rowFrom({ ...base, run: "echoes" }, echoes, await requestsSince(inst, mark), 2, 0));
          mark = await clearLedger(inst);
          const noop = await runSync(inst, work, mode);
          log(rowFrom({ ...base, run: "no-op" }, noop, await requestsSince(inst, mark), 2, 0));
          // 1 % of the services' usage changes.
          const before = await ownedSnapshot(inst);
          await changeOnePercent(inst, services);
          mark = await clearLedger(inst);
          const daily = await runSync(inst, work, mode);
          const reqs = await requestsSince(inst, mark);
          const after = await ownedSnapshot(inst);
          const changed = [...after].filter(([id, v]) => before.get(id) !== v).length;
          const dailyWrites = mode === "batch" ? Math.ceil(changed / 50) : changed;
          const row = rowFrom({ ...base, run: "1%-changed" }, daily, reqs, 2 + dailyWrites, changed);
          log(row);
          if (naive && profile === "none") {
            const active = [...after.values()].filter((v) => v.split("|")[0] !== "").length;
            const n = naiveRequests(catalogue, usageRows, active);
            process.stderr.write(
              `${size} naive reference (offset pages + a PATCH of every record each run): ${n} requests a run; ` +
                `÷ empreinte's 1 %-change run = ${(n / row.requestsTotal).toFixed(1)}\n`,
            );
            rows.push({
              ...row,
              mode: "naive",
              run: "1%-changed",
              requestsTotal: n,
              requests: { list: naiveRequests(catalogue, usageRows, 0), patch: active },
              minimum: row.minimum,
              requestsOverMinimum: n / row.minimum,
              writes: active,
              writesOverChanged: changed > 0 ? active / changed : null,
              wallS: Number.NaN,
              cpuS: Number.NaN,
              cpuShare: Number.NaN,
              instanceCpuS: Number.NaN,
              maxRssMiB: Number.NaN,
              lowerBoundS: 0,
              runWallS: Number.NaN,
              runWallOverLowerBound: 0,
              chainBoundS: 0,
              runWallOverChainBound: 0,
              wallOverLowerBound: 0,
              stages: [],
            });
          }
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      }
    }
  } finally {
    inst.child.kill("SIGTERM");
  }
  return rows;
}

function formatStages(stages: StagePeak[]): string {
  return stages
    .map(
      (st) =>
        `${st.stage} ${(st.endS - st.startS).toFixed(1)} s ${st.peakRssMiB.toFixed(0)} MiB` +
        ` (${st.threads} threads)`,
    )
    .join(", ");
}

function markdown(rows: Row[]): string {
  const head =
    "| size | profile | mode | run | wall s | CPU s (% of wall) | instance CPU s | peak RSS MiB | stage peaks MiB (s) | requests (÷ min) | rows read | writes (÷ changed) | wall ÷ lower bound | run wall s ÷ lower bound | ÷ chain bound | load avg |\n" +
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "—");
  const lines = rows.map(
    (r) =>
      `| ${r.size} | ${r.profile} | ${r.mode} | ${r.run} | ${f(r.wallS)} | ${f(r.cpuS)} (${f(r.cpuShare * 100, 0)} %) | ${f(r.instanceCpuS)} | ${f(r.maxRssMiB, 0)} | ` +
      `${r.stages.map((st) => `${st.stage} ${f(st.peakRssMiB, 0)} (${f(st.endS - st.startS)})`).join(", ") || "—"} | ` +
      `${r.requestsTotal} (${f(r.requestsOverMinimum, 2)}) | ${r.rowsRead} | ${r.writes}${r.writesOverChanged === null ? "" : ` (${f(r.writesOverChanged, 2)})`} | ` +
      `${r.lowerBoundS > 0 && r.profile === "realistic" ? f(r.wallOverLowerBound, 2) : "—"} | ` +
      `${r.lowerBoundS > 0 && r.profile === "realistic" ? `${f(r.runWallS, 2)} ÷ ${f(r.lowerBoundS, 2)} = ${f(r.runWallOverLowerBound, 2)}` : "—"} | ` +
      `${r.chainBoundS > 0 && r.profile === "realistic" ? f(r.runWallOverChainBound, 2) : "—"} | ` +
      `${f(r.loadAvg[0])} → ${f(r.loadAvg[1])} |`,
  );
  return `${head}\n${lines.join("\n")}\n`;
}

const sizes = listArg("--sizes", ["S", "M"]);
const profiles = listArg("--profiles", ["none", "realistic"]);
const modes = listArg("--modes", ["patch", "batch"]);
const naive = !process.argv.includes("--no-naive");
/** Only the full sync of each cell (the large case's other runs re-read 2.4 million rows to pick the 1 %). */
const fullOnly = process.argv.includes("--full-only");
/** Extra node flags for the connector's process (to measure V8 heap settings), space-separated. */
const nodeFlags = stringArg("--node-flags", "").split(" ").filter(Boolean);
const instanceNodeFlags = stringArg("--instance-node-flags", "").split(" ").filter(Boolean);
/** A folder for each run's memory timeline (RSS from /proc, the main thread's heap, stage ends); none by default. */
const timelines = stringArg("--timelines", "");
const out = stringArg("--out", "tmp/bench.json");
const all: Row[] = [];
for (const size of sizes) all.push(...(await scenario(size, profiles, modes, naive)));
mkdirSync(dirname(resolve(ROOT, out)), { recursive: true });
writeFileSync(resolve(ROOT, out), `${JSON.stringify(all, null, 2)}\n`);
process.stdout.write(markdown(all));
process.stderr.write(`\nJSON: ${out}\n`);
