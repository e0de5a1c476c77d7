// The one place requests are retried (DESIGN.md §4 invariant 6). Around an attempt function it applies, in order:
// admission (limiter slot, host gate, hourly quota), the policy table, the 401 refresh-and-replay, the host-wide
// pause on rate limits, full-jitter backoff, the run's retry budget, and the abort signal for SIGINT/SIGTERM.
//
// p-retry 7.1.1 mechanics (reference/node20-stack.md §3-§4, style-reliability-ecosystem.md A6): it has no per-error
// delay, so p-retry's own delay is set to 0 and every sleep happens here, in `onFailedAttempt`, on the injected
// clock. Waits that must not use up retries (rate-limit waits, the auth replay) return false from
// `shouldConsumeRetry`; they are bounded by our own counters. Throwing from `onFailedAttempt` ends p-retry with
// that error, which is how every final ConnectorError leaves.
import pRetry from "p-retry";
import { ConnectorError } from "../lib/connector-error.js";
import { AttemptFailure } from "./attempt-failure.js";
import { fullJitterDelayMs } from "./backoff.js";
import type { HttpRuntime } from "./http-runtime.js";
import { classifyOutcome, IDEMPOTENT_METHODS, type RetryDecision } from "./retry-policy.js";

export interface RequestInfo {
  method: string;
  /** Method and URL without credentials, for messages and logs. */
  description: string;
  /** Whether repeating the request is harmless; by default, true for GET/HEAD/PUT/PATCH/DELETE/OPTIONS. */
  idempotent?: boolean;
}

export interface SendOptions {
  signal?: AbortSignal;
  /**
   * Called on a 401, at most once per request: refresh the credentials (single-flight across requests) and resolve
   * true to replay, or false when there is nothing to refresh (Basic auth), which fails at once with `auth`.
   */
  onUnauthorized?: () => Promise<boolean>;
  /** False to skip the concurrency limiter (gate and quota still apply): the OAuth token request. */
  throttle?: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export async function sendWithRetry<T>(
  request: RequestInfo,
  attempt: (attemptNumber: number) => Promise<T>,
  runtime: HttpRuntime,
  options: SendOptions = {},
): Promise<T> {
  const { clock, settings, counters } = runtime;
  const { signal } = options;
  const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method.toUpperCase());
  const decisions = new WeakMap<Error, RetryDecision>();
  let authReplays = 0;
  let rateLimitWaits = 0;

  const giveUp = (kind: ConnectorError["kind"], failure: AttemptFailure, detail: string, retryAfterMs?: number) =>
    new ConnectorError(kind, `${failure.message}${detail}`, {
      status: failure.status,
      request: failure.request ?? request.description,
      retryAfterMs: retryAfterMs ?? failure.retryAfterMs,
      cause: failure,
    });

  const budgetSpent = (failure: AttemptFailure) =>
    giveUp(
      "unavailable",
      failure,
      `; the run's retry budget is spent (the instance keeps failing), so empreinte stops after the last committed ` +
        `page. Check the instance's health, then run again.`,
    );

  const onFailedAttempt = async (error: Error, attemptNumber: number, retriesLeft: number, retriesConsumed: number) => {
    // Anything else is a bug or a deliberate stop (config error, rate_limited from the gate): never retried.
    if (!(error instanceof AttemptFailure)) throw error;
    const decision = classifyOutcome(error.outcome, { idempotent, nowMs: clock.nowMs() });
    decisions.set(error, decision);
    const after = attemptNumber > 1 ? ` (after ${plural(attemptNumber, "attempt")})` : "";

    switch (decision.action) {
      case "fail": {
        const why = decision.blockedAsNotIdempotent
          ? ` — not retried: the ${request.method} may already have been applied, and repeating it is not safe`
          : after;
        throw giveUp(decision.kind, error, why);
      }
      case "refresh_auth": {
        if (authReplays > 0) throw giveUp("auth", error, " (still refused after refreshing the credentials)");
        // One renewal and replay even with `retries: 0`: an expired token is not a failure of the request, and the
        // replay does not consume a retry (shouldConsumeRetry below).
        if (options.onUnauthorized === undefined) throw giveUp("auth", error, after);
        authReplays++;
        if (!(await options.onUnauthorized())) throw giveUp("auth", error, after);
        counters.retriesByReason.auth++;
        return;
      }
      case "wait": {
        const waitMs = decision.retryAfterMs ?? 0;
        if (retriesLeft <= 0 || rateLimitWaits >= settings.maxRateLimitWaits) {
          throw giveUp(
            "rate_limited",
            error,
            ` (rate limited ${plural(rateLimitWaits + 1, "time")}; stopping)`,
            waitMs,
          );
        }
        if (!runtime.budget.tryAcquire("429")) throw budgetSpent(error);
        // The whole host pauses; the replay (like every other request) waits at the gate. Too long → rate_limited.
        try {
          runtime.gate.pauseFor(waitMs, `${request.description}: HTTP 429`);
        } catch (tooLong) {
          if (!(tooLong instanceof ConnectorError)) throw tooLong;
          throw new ConnectorError("rate_limited", tooLong.message, {
            status: error.status,
            request: error.request ?? request.description,
            retryAfterMs: waitMs,
            cause: error,
          });
        }
        rateLimitWaits++;
        counters.rateLimitWaits++;
        counters.retriesByReason["429"]++;
        return;
      }
      case "retry": {
        const reason = decision.reason ?? "network";
        if (retriesLeft <= 0)
          throw giveUp(decision.kind, error, ` (gave up after ${plural(attemptNumber, "attempt")})`);
        if (!runtime.budget.tryAcquire(reason)) throw budgetSpent(error);
        counters.retriesByReason[reason]++;
        const delayMs = fullJitterDelayMs(retriesConsumed, runtime.random, settings.backoff);
        counters.backoffMs += delayMs;
        await clock.sleep(delayMs, signal);
        return;
      }
    }
  };

  try {
    const result = await pRetry(
      (attemptNumber) =>
        runtime.limiter.schedule(
          () => {
            counters.attempts++;
            return attempt(attemptNumber);
          },
          { signal, throttle: options.throttle },
        ),
      {
        // One more than the configured retries, so that p-retry never stops before the one credential renewal and
        // replay (which consumes no retry); the configured limit is enforced in onFailedAttempt.
        retries: settings.maxRetries + 1,
        minTimeout: 0,
        maxTimeout: 0,
        factor: 1,
        signal,
        onFailedAttempt: ({ error, attemptNumber, retriesConsumed }) =>
          onFailedAttempt(error, attemptNumber, settings.maxRetries - retriesConsumed, retriesConsumed),
        shouldConsumeRetry: ({ error }) => decisions.get(error)?.action === "retry",
      },
    );
    runtime.budget.recordSuccess();
    counters.succeeded++;
    return result;
  } catch (err) {
    counters.failed++;
    if (signal?.aborted && !(err instanceof ConnectorError && err.kind === "interrupted")) {
      throw new ConnectorError("interrupted", `${request.description}: interrupted (shutting down)`, {
        request: request.description,
      });
    }
    throw err;
  }
}
