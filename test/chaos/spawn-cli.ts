// The connector as an operator runs it, one child process per run, with its pid known at once so the dev instance
// (killOnWrite / killOnPage) or the scenario can signal it mid-run. The compiled CLI (dist/) when it is at least as
// recent as every source file (CI builds it in `npm ci`); the sources through tsx otherwise, so a local run never
// tests stale code. CHAOS_CLI=dist|src forces one.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { constants } from "node:os";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../helpers/pull-harness.js";

export interface ChaosCliResult {
  /** The process's exit code; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What a shell reports: the code, or 128 + the signal's number (137 for SIGKILL, 143 for SIGTERM). */
  exitCode: number;
  stdout: string;
  stderr: string;
  startedAtMs: number;
  endedAtMs: number;
  wallMs: number;
}

export interface RunningCli {
  pid: number;
  result: Promise<ChaosCliResult>;
  /** Sends a signal; the time it was sent (Date.now()). */
  signal(name: NodeJS.Signals): number;
}

let entry: string[] | undefined;

/** Files under `dir` (recursively) whose name ends with `ext`. */
function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, ext);
    return entry.name.endsWith(ext) ? [path] : [];
  });
}

/** True when every src/**.ts (declarations aside) has a dist/**.js at least as recent. */
export function distIsCurrent(): boolean {
  const src = join(REPO_ROOT, "src");
  for (const file of filesUnder(src, ".ts")) {
    if (file.endsWith(".d.ts")) continue;
    const built = join(REPO_ROOT, "dist", relative(src, file).replace(/\.ts$/, ".js"));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(file).mtimeMs) return false;
  }
  return true;
}

/** node arguments that start the CLI: `dist/cli/main.js`, or `--import tsx src/cli/main.ts`. */
export function cliEntry(): string[] {
  if (entry) return entry;
  const forced = process.env.CHAOS_CLI;
  const built = forced === "dist" || (forced !== "src" && distIsCurrent());
  entry = built ? ["dist/cli/main.js"] : ["--import", "tsx", "src/cli/main.ts"];
  return entry;
}

export function spawnCli(args: readonly string[], env: Record<string, string>): RunningCli {
  const startedAtMs = Date.now();
  const child = spawn(process.execPath, [...cliEntry(), ...args], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      TZ: "UTC",
      LOG_FORMAT: "json",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString("utf8");
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  // The moment the process ended (its output may still be draining when "close" comes).
  let exitedAtMs: number | undefined;
  child.on("exit", () => {
    exitedAtMs = Date.now();
  });
  const result = new Promise<ChaosCliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const endedAtMs = exitedAtMs ?? Date.now();
      const signalNumber = signal ? (constants.signals[signal] ?? 0) : 0;
      resolve({
        code,
        signal,
        exitCode: code ?? 128 + signalNumber,
        stdout,
        stderr,
        startedAtMs,
        endedAtMs,
        wallMs: endedAtMs - startedAtMs,
      });
    });
  });
  return {
    pid: child.pid as number,
    result,
    signal(name) {
      child.kill(name);
      return Date.now();
    },
  };
}
