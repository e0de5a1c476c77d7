// `empreinte daemon --port 0` as a child process with a PullHarness's environment, and what the tests read from it:
// the endpoints (from the JSON line it prints once listening), its log lines, its exit.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { REPO_ROOT } from "../helpers/pull-harness.js";

export interface DaemonProcess {
  child: ChildProcessWithoutNullStreams;
  /** http://127.0.0.1:PORT */
  base: string;
  stderr(): string;
  /** Settles with the exit code (null when killed by a signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  get(path: string): Promise<{ status: number; text: string }>;
}

export async function spawnDaemon(env: Record<string, string>, args: readonly string[] = []): Promise<DaemonProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "daemon", "--port", "0", ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TZ: "UTC", LOG_FORMAT: "json", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const metricsUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      if (line !== undefined && stdout.includes("\n")) resolve((JSON.parse(line) as { metrics: string }).metrics);
    });
    void exited.then(({ code }) => reject(new Error(`the daemon exited (${code}) before listening:\n${stderr}`)));
  });
  const base = metricsUrl.replace(/\/metrics$/, "");
  return {
    child,
    base,
    stderr: () => stderr,
    exited,
    async get(path) {
      const res = await fetch(`${base}${path}`);
      return { status: res.status, text: await res.text() };
    },
  };
}

/** Sum of the samples of a metric whose labels include all of `labels`, in a Prometheus text exposition. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}

/** Polls `check` every 100 ms until it returns true, or fails after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A run of the cache's run log as a time span (end = now for a run still going). */
export interface RunSpan {
  id: number;
  kind: string;
  outcome: string | null;
  startMs: number;
  endMs: number;
}

/** Pairs of runs whose spans intersect (each run against the one reaching furthest among those before it). */
export function overlapping(spans: readonly RunSpan[]): Array<[RunSpan, RunSpan]> {
  const out: Array<[RunSpan, RunSpan]> = [];
  let furthest: RunSpan | undefined;
  for (const cur of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    if (furthest && cur.startMs < furthest.endMs) out.push([furthest, cur]);
    if (!furthest || cur.endMs > furthest.endMs) furthest = cur;
  }
  return out;
}
