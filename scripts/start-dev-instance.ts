// Starts the dev instance (`empreinte simulator --json --port 0`) in a child process for the benchmark scripts, and
// resolves once it listens, with the one JSON line it prints (its URL and credentials) and how long that took.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface DevInstanceInfo {
  url: string;
  username: string;
  password: string;
}

export interface StartedDevInstance {
  child: ChildProcess;
  info: DevInstanceInfo;
  startupS: number;
}

/**
 * `entry`: what node runs before the verb (node flags, then the CLI: `dist/cli/main.js`, or `--import tsx
 * src/cli/main.ts`); `flags`: the simulator's own (`--services`, `--months`, …). Its stderr goes to ours.
 */
export async function startDevInstance(
  entry: readonly string[],
  flags: readonly string[],
  options: { cwd?: string } = {},
): Promise<StartedDevInstance> {
  const started = performance.now();
  const child = spawn(process.execPath, [...entry, "simulator", "--json", "--port", "0", ...flags], {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const line = await new Promise<string>((resolve, reject) => {
    reader.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the dev instance exited with ${code} before listening`)));
  });
  return { child, info: JSON.parse(line) as DevInstanceInfo, startupS: (performance.now() - started) / 1000 };
}
