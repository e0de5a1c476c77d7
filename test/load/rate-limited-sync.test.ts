// Issue #7 item 3, CI size: a full sync that cannot fit in one hour of an hourly rate-limit rule, against an instance
// that admits 4 requests at once (servicenow-api.md §3.1, §3.3). Three runs of the CLI, as an operator or the
// scheduler would start them:
//   1. the window is fresh, the run spends it and stops with exit 75 (the next reset is an hour away);
//   2. started again at once, it meets the spent window: one request, one 429, exit 75;
//   3. started shortly before the reset: its first request gets 429 + Retry-After of 2-3 s, the whole host waits,
//      then the run finishes in the new window.
// Asserted from the instance's ledger: never more than 4 in flight, nothing sent during a Retry-After pause, every
// active service's owned fields equal to its year view at the end, and no value-changing write twice.
// The full-size run (100,000 services) is scripts/load-test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.js";
import type { ServiceYearView } from "../../src/domain/estimate.js";
import type { LedgerRequest } from "../../src/simulator/store/ledger.js";
import { EstimateRepository } from "../../src/store/estimate-repository.js";
import { OutboxRepository } from "../../src/store/outbox-repository.js";
import { type CliResult, PullHarness } from "../helpers/pull-harness.js";
import { expectedFields, normalise, OWNED_BUT_STAMP, ownedOnInstance } from "../helpers/sync-harness.js";
import { runBuiltCli } from "../security/run-built-cli.js";
import { arrivalMs, rateLimitFigures } from "./rate-limit-figures.js";
import { valueChangingRewrites } from "./value-changing-rewrites.js";

const HOUR_MS = 3_600_000;
/** Small enough for CI (576 writes), large enough that a full sync needs two windows of the rule. */
const SERVICES = 600;
const REQUESTS_PER_HOUR = 350;
const MAX_CONCURRENT = 4;
/** Write latency on the instance, so that concurrent requests overlap there and the semaphore sees them. */
const WRITE_LATENCY_MS = 4;

let h: PullHarness;
beforeAll(async () => {
  h = await PullHarness.start({
    instance: { services: SERVICES, months: 13, rateLimitPerHour: REQUESTS_PER_HOUR, maxConcurrent: MAX_CONCURRENT },
    document: {
      catalogue: { pageSize: 1000 },
      usage: { pageSize: 1000 },
      sync: { pushMode: "patch" },
      instances: { default: { maxConcurrent: MAX_CONCURRENT, maxRetryAfterS: 300 } },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

/** Moves the instance's clock (never back) so that it reads `instantMs` now; whole seconds, as the fault allows. */
function setInstanceClock(instantMs: number): void {
  const offsetS = Math.round((instantMs - Date.now()) / 1000);
  h.sim.setFaults({ clockOffsetS: offsetS, writeLatencyMs: WRITE_LATENCY_MS, kinds: ["write"] });
}

function instanceNowMs(): number {
  return h.sim.ctx.now().getTime();
}

/** Runs `fn`; the first request the rate limiter checks meanwhile finds the instance's clock at `instantMs`. */
async function withClockMovedAtFirstCheck<T>(instantMs: number, fn: () => Promise<T>): Promise<T> {
  const limiter = h.sim.rateLimiter;
  const check = limiter.check;
  let moved = false;
  limiter.check = (user, api, _nowMs, roles) => {
    if (!moved) {
      moved = true;
      setInstanceClock(instantMs);
    }
    return check.call(limiter, user, api, instanceNowMs(), roles);
  };
  try {
    return await fn();
  } finally {
    limiter.check = check;
  }
}

interface Run {
  cli: CliResult;
  requests: LedgerRequest[];
}

async function run(): Promise<Run> {
  const mark = h.lastRequestId();
  h.sim.semaphore.resetStats();
  const cli = await runBuiltCli(h, ["sync", "--json"]);
  return { cli, requests: await h.apiRequestsSince(mark) };
}

describe("a full sync under an hourly rate limit and 4 concurrent requests (issue #7 item 3)", () => {
  it("checkpoints with exit 75, honours Retry-After, never exceeds 4 in flight, and resumes to the right end", async () => {
    // 1. A fresh window: the instance clock 5 s past an hour boundary, so the next reset is ~3595 s away.
    const windowStartMs = (Math.floor(Date.now() / HOUR_MS) + 1) * HOUR_MS;
    setInstanceClock(windowStartMs + 5000);
    const first = await run();
    expect(first.cli.code, first.cli.stderr).toBe(ExitCode.temporary);
    expect(JSON.parse(first.cli.stdout)).toMatchObject({ outcome: "failed", exitCode: ExitCode.temporary });
    expect(first.cli.stderr).toMatch(/maxRetryAfterS/);
    const firstFigures = rateLimitFigures(first.requests);
    // The run spent the window before stopping (not a premature stop), and after the instance said "wait" nothing
    // was sent but what was already in flight.
    expect(first.requests.filter((r) => r.status === 200).length).toBeGreaterThan(REQUESTS_PER_HOUR - MAX_CONCURRENT);
    expect(firstFigures.requestsDuringPauses, JSON.stringify(firstFigures.violations)).toBe(0);
    expect(firstFigures.inFlightAt429Max).toBeLessThan(MAX_CONCURRENT);
    expect(firstFigures.semaphoreRefused).toBe(0);
    const firstSemaphore = h.sim.semaphore.stats();
    expect(firstSemaphore.maxInFlightSeen).toBeLessThanOrEqual(MAX_CONCURRENT);
    // Concurrency did happen (otherwise "≤ 4" proves nothing).
    expect(firstSemaphore.maxInFlightSeen).toBeGreaterThan(1);
    // A clean checkpoint: the run is recorded as aborted, the writes not sent wait in the outbox.
    const lastRun = h.db.prepare("SELECT outcome FROM runs WHERE kind = 'sync' ORDER BY id DESC LIMIT 1").get() as {
      outcome: string;
    };
    expect(lastRun.outcome).toBe("aborted");
    expect(new OutboxRepository(h.db).counts().pending).toBeGreaterThan(0);

    // 2. Started again within the spent window: one request, refused, and the process stops without hammering.
    const second = await run();
    expect(second.cli.code, second.cli.stderr).toBe(ExitCode.temporary);
    // (One request, unless the run starts with several side by side: then each of those, and nothing after.)
    expect(second.requests.length).toBeGreaterThan(0);
    expect(second.requests.length).toBeLessThanOrEqual(MAX_CONCURRENT);
    expect(second.requests.every((r) => r.status === 429 && r.fault === "rate-limit")).toBe(true);

    // 3. Started shortly before the reset: its first request gets a Retry-After of 2-3 s; the host waits, then the
    // run finishes in the new window. The clock is moved when that first request arrives, not before spawning the
    // process, because start-up time varies too much for a window this short.
    const resetMs = windowStartMs + HOUR_MS;
    const third = await withClockMovedAtFirstCheck(resetMs - 2500, run);
    expect(third.cli.code, third.cli.stderr).toBe(ExitCode.ok);
    const thirdFigures = rateLimitFigures(third.requests);
    expect(thirdFigures.rateLimited).toBeGreaterThan(0);
    expect(thirdFigures.rateLimited).toBeLessThanOrEqual(MAX_CONCURRENT);
    expect(thirdFigures.requestsDuringPauses, JSON.stringify(thirdFigures.violations)).toBe(0);
    // Every other request arrived after the instance's window reset: nothing was sent while it said "wait".
    const others = third.requests.filter((r) => r.status !== 429);
    expect(Math.min(...others.map(arrivalMs))).toBeGreaterThanOrEqual(resetMs - 5);
    expect(thirdFigures.minGapAfter429S).toBeGreaterThanOrEqual(1);
    expect(thirdFigures.semaphoreRefused).toBe(0);
    expect(h.sim.semaphore.stats().maxInFlightSeen).toBeLessThanOrEqual(MAX_CONCURRENT);
    const summary = JSON.parse(third.cli.stdout) as { outcome: string; written: number; waitedOnInstanceS: number };
    expect(summary.outcome).toBe("ok");
    expect(summary.waitedOnInstanceS).toBeGreaterThanOrEqual(1);
    expect(instanceNowMs()).toBeGreaterThan(resetMs);

    // The end state, read with the rule lifted (the check's own reads must not be refused).
    await h.admin("settings", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rateLimitPerHour: null }),
    });
    const views = new Map([...new EstimateRepository(h.db).yearViews()].map((y) => [y.view.serviceSysId, y.view]));
    const remote = await ownedOnInstance(h);
    const active = [...remote.values()].filter((r) => r.operational_status !== "6");
    expect(active.length).toBeGreaterThan(REQUESTS_PER_HOUR);
    for (const r of active) {
      const view = views.get(r.sys_id as string);
      expect(view, `year view of ${r.sys_id}`).toBeDefined();
      const want = expectedFields(view as ServiceYearView);
      for (const col of OWNED_BUT_STAMP) {
        expect(normalise(r[col] ?? ""), `${r.sys_id}.${col}`).toBe(normalise(want[col] ?? ""));
      }
    }
    expect(new OutboxRepository(h.db).counts().pending).toBe(0);

    // Each record changed once; a write sent again (at most the ones in flight at the stop) changed nothing.
    const writes = h.sim.ledger.writes({ user: h.sim.credentials.username, limit: 1_000_000 });
    const rewrites = valueChangingRewrites(writes);
    expect(rewrites.valueChangingRewrites, rewrites.rewritten.join(", ")).toBe(0);
    expect(rewrites.recordsChanged).toBe(active.length);
    expect(rewrites.idempotentRepeats).toBeLessThan(MAX_CONCURRENT);
  }, 90_000);
});
