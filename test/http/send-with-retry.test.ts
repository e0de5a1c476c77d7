import { describe, expect, it } from "vitest";
import { AttemptFailure } from "../../src/http/attempt-failure.js";
import type { AttemptOutcome } from "../../src/http/attempt-outcome.js";
import { HttpRuntime, type HttpRuntimeOptions } from "../../src/http/http-runtime.js";
import { sendWithRetry } from "../../src/http/send-with-retry.js";
import { ConnectorError } from "../../src/lib/connector-error.js";
import { FakeClock, T0, until } from "./fake-clock.js";

const GET = { method: "GET", description: "GET /api/now/table/x" };
const POST = { method: "POST", description: "POST /api/now/table/x" };

const fail = (outcome: AttemptOutcome, message = "boom") => new AttemptFailure(outcome, message, "GET /x");
const status = (code: number, headers: Record<string, string> = {}) => fail({ type: "status", status: code, headers });
const transport = (code: string) => fail({ type: "transport", code });

/** An attempt function that plays a script: each entry is thrown (an error) or returned. */
function script<T>(steps: Array<Error | T>) {
  const calls: number[] = [];
  const attempt = async (n: number): Promise<T> => {
    calls.push(n);
    const step = steps[calls.length - 1];
    if (step === undefined) throw new Error(`unexpected attempt ${calls.length}`);
    if (step instanceof Error) throw step;
    return step;
  };
  return { attempt, calls };
}

function runtime(options: Partial<HttpRuntimeOptions> = {}, clock = new FakeClock()) {
  return new HttpRuntime({ clock, random: () => 0.5, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error("expected a rejection");
}

describe("sendWithRetry", () => {
  it("retries 5xx with full-jitter backoff on the injected clock, then succeeds (B6 row 2)", async () => {
    const clock = new FakeClock();
    const rt = runtime({}, clock);
    const { attempt, calls } = script([status(503), status(502), "page"]);
    await expect(sendWithRetry(GET, attempt, rt)).resolves.toBe("page");
    expect(calls).toEqual([1, 2, 3]);
    // random 0.5: 0.5·1 s, then 0.5·2 s.
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(rt.stats()).toMatchObject({
      attempts: 3,
      succeeded: 1,
      backoffMs: 1500,
      retriesByReason: { "5xx": 2, network: 0 },
      retryBudgetLeft: 500 - 10 + 1,
    });
  });

  it("gives up after maxRetries with the row's kind and says how many attempts were made", async () => {
    const rt = runtime({ maxRetries: 2 });
    const { attempt, calls } = script([status(500), status(500), status(500)]);
    const err = await rejection(sendWithRetry(GET, attempt, rt));
    expect(calls).toHaveLength(3);
    expect(err.kind).toBe("transient");
    expect(err.status).toBe(500);
    expect(err.message).toMatch(/gave up after 3 attempts/);
    expect(err.cause).toBeInstanceOf(AttemptFailure);
    expect(rt.stats().failed).toBe(1);
  });

  it.each([400, 403, 404])("does not retry %i", async (code) => {
    const rt = runtime();
    const { attempt, calls } = script([status(code)]);
    const err = await rejection(sendWithRetry(GET, attempt, rt));
    expect(calls).toHaveLength(1);
    expect(err.status).toBe(code);
    expect(err.kind).toBe(code === 403 ? "permission" : code === 404 ? "data" : "config");
  });

  it("does not retry a POST after a connection reset or a timeout: it may have been applied", async () => {
    for (const code of ["ECONNRESET", "ETIMEDOUT"]) {
      const { attempt, calls } = script([transport(code), "created"]);
      const err = await rejection(sendWithRetry(POST, attempt, runtime()));
      expect(calls).toHaveLength(1);
      expect(err.kind).toBe("transient");
      expect(err.message).toMatch(/not retried: the POST may already have been applied/);
    }
  });

  it("retries a POST when the request certainly did not reach the instance (refused, 503, 429)", async () => {
    for (const first of [transport("ECONNREFUSED"), status(503), status(429)]) {
      const { attempt, calls } = script([first, "created"]);
      await expect(sendWithRetry(POST, attempt, runtime())).resolves.toBe("created");
      expect(calls).toHaveLength(2);
    }
  });

  it("retries a POST declared idempotent (a batch of PATCHes) after a reset", async () => {
    const { attempt, calls } = script([transport("ECONNRESET"), "ok"]);
    await expect(sendWithRetry({ ...POST, idempotent: true }, attempt, runtime())).resolves.toBe("ok");
    expect(calls).toHaveLength(2);
  });

  it("honours Retry-After exactly for the whole host, without using up retries", async () => {
    const clock = new FakeClock();
    const rt = runtime({ maxRetries: 1 }, clock);
    const limited = status(429, { "retry-after": "2" });
    const { attempt, calls } = script([limited, limited, status(500), "page"]);
    await expect(sendWithRetry(GET, attempt, rt)).resolves.toBe("page");
    expect(calls).toHaveLength(4);
    expect(clock.sleeps).toEqual([2000, 2000, 500]); // two gate waits, then one jittered backoff
    expect(rt.stats()).toMatchObject({ rateLimitWaits: 2, waitedMs: 4000, retriesByReason: { "429": 2, "5xx": 1 } });
  });

  it("backs off with jitter on a 429 without hints (integration semaphore)", async () => {
    const clock = new FakeClock();
    const rt = runtime({}, clock);
    const { attempt } = script([status(429), "page"]);
    await sendWithRetry(GET, attempt, rt);
    expect(clock.sleeps).toEqual([500]);
    expect(rt.stats().waitedMs).toBe(0);
  });

  it("pauses the whole host: a second request waits while a 429 wait is running (B6 row 1)", async () => {
    const clock = new FakeClock({ auto: false });
    const rt = runtime({}, clock);
    const sentAt: Array<[string, number]> = [];
    const a = script([status(429, { "retry-after": "2" }), "a"]);
    const first = sendWithRetry(
      GET,
      (n) => {
        sentAt.push(["a", clock.nowMs()]);
        return a.attempt(n);
      },
      rt,
    );
    await until(() => clock.pendingSleeps === 1, "A waiting at the gate");
    const second = sendWithRetry(
      GET,
      async () => {
        sentAt.push(["b", clock.nowMs()]);
        return "b";
      },
      rt,
    );
    await until(() => clock.pendingSleeps === 2, "B waiting at the gate too");
    expect(sentAt).toEqual([["a", T0]]); // nothing sent during the pause
    clock.advance(2000);
    await expect(Promise.all([first, second])).resolves.toEqual(["a", "b"]);
    expect(sentAt.slice(1).map(([, at]) => at)).toEqual([T0 + 2000, T0 + 2000]);
  });

  it("stops with rate_limited (exit 75) instead of sleeping through a wait above maxRetryAfterS (B6 row 1c)", async () => {
    const clock = new FakeClock();
    const rt = runtime({ maxRetryAfterS: 300 }, clock);
    const { attempt, calls } = script([status(429, { "retry-after": "3600" })]);
    const err = await rejection(sendWithRetry(GET, attempt, rt));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(err.status).toBe(429);
    expect(err.message).toMatch(/HTTP 429: wait 3600 s, longer than maxRetryAfterS \(300 s\)/);
    expect(calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    // Any other request to the host stops too rather than sleep an hour.
    const other = await rejection(sendWithRetry(GET, async () => "x", rt));
    expect(other.kind).toBe("rate_limited");
  });

  it("caps the number of rate-limit waits per request", async () => {
    const rt = runtime({ maxRateLimitWaits: 2 });
    const limited = status(429, { "retry-after": "1" });
    const { attempt, calls } = script([limited, limited, limited]);
    const err = await rejection(sendWithRetry(GET, attempt, rt));
    expect(calls).toHaveLength(3);
    expect(err.kind).toBe("rate_limited");
  });

  it("fails with unavailable once the run's retry budget is spent (B6 row 2b)", async () => {
    const rt = runtime({ budget: { capacity: 12 } }); // two retries' worth
    const outage = () => script(Array.from({ length: 10 }, () => status(503)));
    const first = outage();
    const err = await rejection(sendWithRetry(GET, first.attempt, rt));
    expect(first.calls).toHaveLength(3); // 2 paid retries, the third failure finds the bucket empty
    expect(err.kind).toBe("unavailable");
    expect(err.message).toMatch(/retry budget is spent/);
    const second = outage();
    await rejection(sendWithRetry(GET, second.attempt, rt));
    expect(second.calls).toHaveLength(1); // no more retries for anyone: no hot loop
    expect(rt.stats().retriesRefusedByBudget).toBe(2);
  });

  it("on a 401 refreshes once and replays once; a second 401 is an auth error", async () => {
    let refreshes = 0;
    const onUnauthorized = async () => {
      refreshes++;
      return true;
    };
    const ok = script([status(401), "page"]);
    await expect(sendWithRetry(GET, ok.attempt, runtime(), { onUnauthorized })).resolves.toBe("page");
    expect(refreshes).toBe(1);

    const twice = script([status(401), status(401), "never"]);
    const err = await rejection(sendWithRetry(GET, twice.attempt, runtime(), { onUnauthorized }));
    expect(twice.calls).toHaveLength(2);
    expect(refreshes).toBe(2);
    expect(err.kind).toBe("auth");
    expect(err.message).toMatch(/still refused after refreshing the credentials/);
  });

  it("fails a 401 at once when there is nothing to refresh (Basic auth)", async () => {
    const { attempt, calls } = script([status(401)]);
    const err = await rejection(sendWithRetry(GET, attempt, runtime(), { onUnauthorized: async () => false }));
    expect(calls).toHaveLength(1);
    expect(err.kind).toBe("auth");
  });

  it("never retries an error that is not an attempt outcome (a bug, a config error)", async () => {
    const bug = script([new TypeError("x is not a function"), "never"]);
    await expect(sendWithRetry(GET, bug.attempt, runtime())).rejects.toBeInstanceOf(TypeError);
    expect(bug.calls).toHaveLength(1);
    const config = script([new ConnectorError("config", "bad"), "never"]);
    await expect(sendWithRetry(GET, config.attempt, runtime())).rejects.toMatchObject({ kind: "config" });
    expect(config.calls).toHaveLength(1);
  });

  it("aborts a backoff sleep on SIGTERM and reports interrupted", async () => {
    const clock = new FakeClock({ auto: false });
    const rt = runtime({}, clock);
    const controller = new AbortController();
    const { attempt, calls } = script([status(500), "never"]);
    const pending = sendWithRetry(GET, attempt, rt, { signal: controller.signal });
    await until(() => clock.pendingSleeps === 1, "backing off");
    controller.abort(new Error("SIGTERM"));
    const err = await rejection(pending);
    expect(err.kind).toBe("interrupted");
    expect(calls).toHaveLength(1);
  });
});
