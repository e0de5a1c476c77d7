// The stop sequence of reference/style-reliability-ecosystem.md C4, in-process with a stand-in for the job's run so
// that the moments between the signal and the exit can be observed: readiness 503 at once while the run reaches its
// checkpoint, the server closed only after it, the exit code from the signal; idle → 0; a run that misses its
// checkpoint is left behind after the timeout.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { type RunningDaemon, startDaemon } from "../../src/daemon/start-daemon.js";
import { systemClock } from "../../src/lib/clock.js";
import { openDatabase } from "../../src/store/open-database.js";
import { MOCK_ORIGIN, MOCK_PASSWORD, MOCK_USER, memoryLogger } from "../helpers/pull-harness.js";
import { FACTORS } from "../helpers/sync-harness.js";
import { waitFor } from "./spawn-daemon.js";

const db = openDatabase({ path: ":memory:" });
const controllers: AbortController[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.abort();
});
afterAll(() => db.close());

function config(cron: string) {
  return resolveConfig({
    document: { jobs: { tick: { cron, timeZone: "UTC" } } },
    env: { SN_INSTANCE_URL: MOCK_ORIGIN, SN_USERNAME: MOCK_USER, SN_PASSWORD: MOCK_PASSWORD },
  }).config;
}

async function start(
  cron: string,
  runJob: (signal: AbortSignal) => Promise<unknown>,
  shutdownTimeoutMs?: number,
): Promise<{ daemon: RunningDaemon; stop(name: "SIGINT" | "SIGTERM"): void }> {
  const controller = new AbortController();
  controllers.push(controller);
  let by: "SIGINT" | "SIGTERM" | undefined;
  const daemon = await startDaemon(
    {
      db,
      config: config(cron),
      clock: systemClock,
      log: memoryLogger().log,
      factors: FACTORS,
      signal: controller.signal,
      interruptedBy: () => by,
      runJob: () => runJob(controller.signal),
    },
    { host: "127.0.0.1", port: 0, ...(shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs } : {}) },
  );
  return {
    daemon,
    stop(name) {
      by = name;
      controller.abort(new Error(`${name} received`));
    },
  };
}

/** Resolves `afterMs` after the signal fires, as a run does once it has committed its page. */
function checkpointAfterSignal(signal: AbortSignal, afterMs: number): Promise<void> {
  return new Promise((resolve) => signal.addEventListener("abort", () => setTimeout(resolve, afterMs), { once: true }));
}

describe("daemon stop", () => {
  it("turns readiness off at once, waits for the run's checkpoint, then closes and exits 143", async () => {
    let started = 0;
    let finished = false;
    const { daemon, stop } = await start("* * * * * *", async (signal) => {
      started++;
      await checkpointAfterSignal(signal, 400);
      finished = true;
    });
    await waitFor("a run in progress", async () => started === 1, 3000);
    expect((await fetch(`${daemon.url}/readyz`)).status).toBe(200);

    stop("SIGTERM");
    const ready = await fetch(`${daemon.url}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([503, "not ready: shutting down\n"]);
    expect((await fetch(`${daemon.url}/livez`)).status).toBe(200);
    expect(finished).toBe(false);

    expect(await daemon.stopped).toEqual({ exitCode: 143, runsLeftBehind: 0 });
    expect(finished).toBe(true);
    await expect(fetch(`${daemon.url}/livez`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 1100));
    expect(started).toBe(1); // no tick after the signal
  });

  it("exits 0 when no run is in progress", async () => {
    let started = 0;
    const { daemon, stop } = await start("0 0 1 1 *", async () => {
      started++;
    });
    stop("SIGTERM");
    expect(await daemon.stopped).toEqual({ exitCode: 0, runsLeftBehind: 0 });
    expect(started).toBe(0);
  });

  it("leaves a run that misses its checkpoint behind after the timeout (SIGINT → 130)", async () => {
    let started = 0;
    const { daemon, stop } = await start(
      "* * * * * *",
      () => {
        started++;
        return new Promise(() => undefined);
      },
      200,
    );
    await waitFor("a run in progress", async () => started === 1, 3000);
    const at = Date.now();
    stop("SIGINT");
    expect(await daemon.stopped).toEqual({ exitCode: 130, runsLeftBehind: 1 });
    expect(Date.now() - at).toBeLessThan(1000);
  });
});
