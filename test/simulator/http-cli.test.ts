// `empreinte simulator --json` as a child process (issue #2 item 4, DESIGN.md §2): exactly one JSON line with the
// URL and credentials once it listens, an instance that answers, --fault specs applied, and exit code 0 on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { basicAuth } from "../helpers/dev-instance.js";

let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
});

/** Runs the CLI from source (tsx), so the test covers the code in this checkout rather than a stale build. */
function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "simulator", ...args], {
    cwd: process.cwd(),
    // Generated credentials: no password or secret inherited from the environment.
    env: Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k !== "SIM_PASSWORD" && k !== "SIM_CLIENT_SECRET"),
    ),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("empreinte simulator --json", () => {
  it("prints one JSON line with the five keys, serves, applies --fault, and exits 0 on SIGTERM", async () => {
    const proc = startCli([
      "--port",
      "0",
      "--json",
      "--services",
      "50",
      "--anchor",
      "2026-11",
      "--fault",
      "error:503=1",
      "--fault",
      "tables=sys_user_group",
    ]);
    child = proc;
    let stderr = "";
    proc.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const lines: string[] = [];
    const reader = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    reader.on("line", (line) => lines.push(line));
    const first = await new Promise<string>((resolve, reject) => {
      reader.once("line", resolve);
      proc.once("exit", (code) => reject(new Error(`exited ${code} before printing: ${stderr}`)));
    });

    const info = JSON.parse(first) as Record<string, string>;
    expect(Object.keys(info)).toEqual(["url", "username", "password", "clientId", "clientSecret"]);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.username).toBe("empreinte.integration");
    for (const key of ["password", "clientId", "clientSecret"]) expect(info[key]?.length).toBeGreaterThanOrEqual(16);

    const auth = { headers: { Authorization: basicAuth(info.username as string, info.password as string) } };
    const res = await fetch(`${info.url}/api/now/table/cmdb_ci_service?sysparm_limit=2`, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-total-count")).toBe("50");
    expect(((await res.json()) as { result: unknown[] }).result).toHaveLength(2);
    const faulted = await fetch(`${info.url}/api/now/table/sys_user_group?sysparm_limit=1`, auth);
    expect(faulted.status).toBe(503);
    await faulted.arrayBuffer();

    const token = await fetch(`${info.url}/oauth_token.do`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: info.clientId as string,
        client_secret: info.clientSecret as string,
      }).toString(),
    });
    expect(token.status).toBe(200);
    await token.arrayBuffer();

    proc.kill("SIGTERM");
    const [code] = (await once(proc, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(lines).toEqual([first]);
  });
});
