// Start-up time and memory of the dev instance as a user runs it: spawns `empreinte simulator --json` as a child
// process for each size, waits for its one JSON line, reads the child's peak and current RSS from /proc, times a few
// typical requests, then stops it with SIGTERM. Linux only (/proc).
//
// Run: npx tsx scripts/bench-dev-instance.ts [--sizes 1600,100000] [--dist | --cli path/to/main.js] [--anchor 2026-11]
//   --dist  runs the built CLI (dist/cli/main.js) instead of the sources through tsx (tsx adds its transform time);
//   --cli   runs another compiled main.js (e.g. a fresh `tsc -p tsconfig.build.json --outDir tmp/dist`).
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { startDevInstance } from "./start-dev-instance.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const SIZES = (arg("--sizes") ?? "1600,100000").split(",").map(Number);
const CLI = arg("--cli") ?? (process.argv.includes("--dist") ? "dist/cli/main.js" : undefined);
const ANCHOR = arg("--anchor") ?? "2026-11";

interface Figures {
  services: number;
  startupS: number;
  /** Peak resident set (VmHWM) right after start-up, MiB. */
  peakRssMiB: number;
  rssMiB: number;
  /** Requests after start-up, ms. */
  firstPageMs: number;
  keysetPageMs: number;
  countMs: number;
  /** VmHWM after the requests, MiB. */
  peakAfterRequestsMiB: number;
  usageRows: number;
}

function memoryMiB(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { hwm: kib("VmHWM") / 1024, rss: kib("VmRSS") / 1024 };
}

/** What node runs before the simulator verb: the compiled CLI when given, else the sources through tsx. */
const ENTRY = CLI !== undefined ? [CLI] : ["--import", "tsx", "src/cli/main.ts"];

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

async function measure(services: number): Promise<Figures> {
  const { child, info, startupS } = await startDevInstance(ENTRY, ["--services", String(services), "--anchor", ANCHOR]);
  try {
    const pid = child.pid as number;
    const atStart = memoryMiB(pid);
    const headers = {
      Authorization: `Basic ${Buffer.from(`${info.username}:${info.password}`).toString("base64")}`,
    };
    const get = async (path: string) => {
      const res = await fetch(`${info.url}${path}`, { headers });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`);
      return { res, text };
    };
    const table = "/api/now/table/u_digital_service_usage";
    const [first, firstPageMs] = await timed(() =>
      get(`${table}?sysparm_query=ORDERBYsys_updated_on^ORDERBYsys_id&sysparm_limit=1000`),
    );
    const usageRows = Number(first.res.headers.get("x-total-count"));
    const rows = (JSON.parse(first.text) as { result: Array<{ sys_updated_on: string; sys_id: string }> }).result;
    const last = rows.at(-1);
    const keyset = last
      ? `sys_updated_on>${last.sys_updated_on}^NQsys_updated_on=${last.sys_updated_on}^sys_id>${last.sys_id}^ORDERBYsys_updated_on^ORDERBYsys_id`
      : "ORDERBYsys_updated_on^ORDERBYsys_id";
    const [, keysetPageMs] = await timed(() =>
      get(`${table}?sysparm_query=${encodeURIComponent(keyset)}&sysparm_limit=1000&sysparm_no_count=true`),
    );
    const [, countMs] = await timed(() => get("/api/now/stats/u_digital_service_usage?sysparm_count=true"));
    const after = memoryMiB(pid);
    return {
      services,
      startupS,
      peakRssMiB: atStart.hwm,
      rssMiB: atStart.rss,
      firstPageMs,
      keysetPageMs,
      countMs,
      peakAfterRequestsMiB: after.hwm,
      usageRows,
    };
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

console.log(`dev instance start-up (${CLI ?? "tsx sources"}), node ${process.version}`);
for (const services of SIZES) {
  const f = await measure(services);
  console.log(
    JSON.stringify({
      services: f.services,
      usageRows: f.usageRows,
      startupS: round(f.startupS, 1),
      peakRssMiB: round(f.peakRssMiB),
      rssMiB: round(f.rssMiB),
      firstPageMs: round(f.firstPageMs),
      keysetPageMs: round(f.keysetPageMs),
      countMs: round(f.countMs),
      peakAfterRequestsMiB: round(f.peakAfterRequestsMiB),
    }),
  );
}
