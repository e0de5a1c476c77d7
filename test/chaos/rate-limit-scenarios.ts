// Fault matrix rows 1, 1b and 1c (reference/style-reliability-ecosystem.md B6): the instance's hourly rate-limit rule
// (servicenow-api.md §3.1) refuses the CLI's pull. The rule's window is a clock hour, so the scenarios move the
// instance's clock (clockOffsetS) to put the next hh:00:00 a few seconds away (row 1, 1b: Retry-After ≈ 4 s) or an
// hour away (row 1c), and use up the quota before the CLI starts.
import type { LedgerRequest } from "../../src/simulator/store/ledger.js";
import { ChaosBench } from "./chaos-bench.js";
import { FaultProxy, type ProxyPlan, type Upstream } from "./fault-proxy.js";
import { Recorder, type Scenario, type ScenarioContext, type ScenarioResult } from "./scenario.js";

const HOUR_MS = 3_600_000;

/**
 * A proxy that, when the CLI's first request arrives, moves the instance's clock so its next hh:00:00 is `seconds`
 * away and uses up an hourly quota of `perHour` in the current hour: that request gets a 429 whose Retry-After is
 * exactly `seconds`, whatever time the CLI took to start.
 */
function quotaSpentAtFirstRequest(
  bench: ChaosBench,
  seconds: number,
  perHour: number,
  rewrite?: ProxyPlan["rewrite"],
): Promise<FaultProxy> {
  let armed = false;
  return FaultProxy.start(bench.sim.url, {
    beforeForward: () => {
      if (armed) return;
      armed = true;
      const now = Date.now();
      const target = (Math.floor(now / HOUR_MS) + 1) * HOUR_MS - seconds * 1000;
      const { sim } = bench;
      sim.setFaults({ clockOffsetS: Math.round((target - now) / 1000) });
      for (let i = 0; i < perHour; i++) sim.rateLimiter.check(bench.user, "table", sim.ctx.now().getTime(), ["admin"]);
    },
    ...(rewrite ? { rewrite } : {}),
  });
}

interface Pause {
  refused: LedgerRequest;
  /** Seconds between the refusal and the next request the instance received. */
  gapS: number;
  /** Requests the instance received within `waitS` of the refusal. */
  during: number;
}

/** The first 429 of the rule after `sinceId`, and what followed it. */
function pauseAfter(bench: ChaosBench, sinceId: number, waitS: number): Pause | undefined {
  const requests = bench.requests(sinceId);
  const i = requests.findIndex((q) => q.fault === "rate-limit");
  const refused = requests[i];
  if (refused === undefined) return undefined;
  const t = Date.parse(refused.at);
  const later = requests.slice(i + 1).map((q) => Date.parse(q.at));
  return {
    refused,
    gapS: later.length > 0 ? (Math.min(...later) - t) / 1000 : Number.POSITIVE_INFINITY,
    during: later.filter((at) => at < t + waitS * 1000 - 50).length,
  };
}

/** Row 1: 429 + Retry-After of a few seconds; the whole host waits that long, then the pull completes. */
async function retryAfterSeconds(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-01-retry-after", "1", ctx.seed);
  const bench = await ChaosBench.start(ctx);
  try {
    await bench.settings({ rateLimitPerHour: 500 });
    const proxy = await quotaSpentAtFirstRequest(bench, 4, 500);
    const mark = bench.mark();
    const run = await bench.run(["pull", "--json"], { env: { SN_INSTANCE_URL: proxy.url } });
    await proxy.stop();
    r.check("exitCode", "==", 0, run.exitCode);
    const refused = bench.requests(mark.request).find((q) => q.fault === "rate-limit");
    // What the instance asked for: its Retry-After is the seconds to its next hh:00:00, rounded up.
    const at = refused ? Date.parse(refused.at) : Number.NaN;
    const retryAfterS = Math.max(1, Math.ceil(((Math.floor(at / HOUR_MS) + 1) * HOUR_MS - at) / 1000));
    r.set("retryAfterS", refused ? retryAfterS : null);
    const pause = pauseAfter(bench, mark.request, retryAfterS);
    r.check("minGapAfter429Seconds", ">=", retryAfterS - 0.05, pause?.gapS ?? null);
    r.check("minGapAfter429Seconds", "<=", retryAfterS * 1.1 + 0.5);
    r.check("requestsDuringPause", "==", 0, pause?.during ?? null);
    bench.faults({});
    await bench.settings({ rateLimitPerHour: null });
    const pulled = await bench.pullFigures();
    r.check("recordsMissing", "==", 0, pulled.recordsMissing);
    return r.result();
  } finally {
    await bench.close();
  }
}

type Variant = "http-date" | "missing" | "past-date" | "unusable";

/** The 429 rewritten into one Retry-After variant, and the wait the fault matrix's table says it means. */
function rewrite429(variant: Variant, res: Upstream): { res: Upstream; expectedWaitS: number } {
  const headers = { ...res.headers };
  const dateMs = Date.parse(headers.date ?? "");
  const resetS = Number(headers["x-ratelimit-reset"]);
  const retryAfterS = Number(headers["retry-after"]);
  switch (variant) {
    case "http-date":
      headers["retry-after"] = new Date(dateMs + retryAfterS * 1000).toUTCString();
      return { res: { ...res, headers }, expectedWaitS: retryAfterS };
    case "missing":
      delete headers["retry-after"];
      return { res: { ...res, headers }, expectedWaitS: resetS - dateMs / 1000 + 1 };
    case "past-date":
      headers["retry-after"] = new Date(dateMs - 5000).toUTCString();
      return { res: { ...res, headers }, expectedWaitS: resetS - dateMs / 1000 + 1 };
    case "unusable":
      headers["retry-after"] = "later";
      delete headers["x-ratelimit-reset"];
      return { res: { ...res, headers }, expectedWaitS: 60 };
  }
}

/**
 * Row 1b: the same 429 with an HTTP-date Retry-After, without one (X-RateLimit-Reset + 1 s), with a past date
 * (X-RateLimit-Reset + 1 s), and unusable with no reset (the 60 s fallback, longer than maxRetryAfterS 30: exit 75
 * at once, naming the 60 s).
 */
async function retryAfterVariant(ctx: ScenarioContext, variant: Variant): Promise<ScenarioResult> {
  const r = new Recorder(`row-01b-${variant}`, "1b", ctx.seed);
  const bench = await ChaosBench.start(ctx);
  let expectedWaitS: number | undefined;
  await bench.settings({ rateLimitPerHour: 500 });
  const proxy = await quotaSpentAtFirstRequest(bench, 3, 500, (_req, res) => {
    if (res.status !== 429 || expectedWaitS !== undefined) return res;
    const out = rewrite429(variant, res);
    expectedWaitS = out.expectedWaitS;
    return out.res;
  });
  try {
    const mark = bench.mark();
    const run = await bench.run(["pull", "--json"], {
      env: { SN_INSTANCE_URL: proxy.url },
      document: { instances: { default: { maxRetryAfterS: 30 } } },
    });
    r.set("expectedWaitS", expectedWaitS ?? null);
    if (variant === "unusable") {
      r.check("exitCode", "==", 75, run.exitCode);
      r.check("namesTheWait", "==", true, /wait 60 s/.test(run.stderr));
      r.check("cliWallSeconds", "<", 30, run.wallMs / 1000);
      return r.result();
    }
    r.check("exitCode", "==", 0, run.exitCode);
    const pause = pauseAfter(bench, mark.request, expectedWaitS ?? 0);
    const gap = pause?.gapS ?? null;
    r.set("rateLimitWaitSeconds", gap);
    r.check(
      "waitMinusExpectedSeconds",
      ">=",
      -0.05,
      gap === null || expectedWaitS === undefined ? null : gap - expectedWaitS,
    );
    r.check("waitMinusExpectedSeconds", "<=", 1);
    r.check("requestsDuringPause", "==", 0, pause?.during ?? null);
    return r.result();
  } finally {
    await proxy.stop();
    await bench.close();
  }
}

/** Row 1c: Retry-After ≈ 3600 s: no sleeping for an hour; exit 75 with the committed pages kept; the next run resumes. */
async function hourlyQuotaExhausted(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-01c-quota-exhausted", "1c", ctx.seed);
  const bench = await ChaosBench.start(ctx);
  try {
    // The clock 5 s past an hh:00:00 and 3 requests allowed in this hour: 2 pages commit, the 3rd... waits an hour.
    const now = Date.now();
    const target = Math.floor(now / HOUR_MS) * HOUR_MS + 5000;
    bench.faults({ clockOffsetS: Math.round((target - now) / 1000) });
    await bench.settings({ rateLimitPerHour: 3 });
    const run = await bench.run(["pull"]);
    r.check("exitCode", "==", 75, run.exitCode);
    r.check("cliWallSeconds", "<", 30, run.wallMs / 1000);
    const status = bench.status();
    r.check("outcome", "==", "aborted", status.lastRuns[0]?.outcome ?? null);
    r.check("cursorOnLastCommittedRow", "==", true, bench.cursorOnLastCommittedRow("services"));
    r.set("cachedAfterAbort", status.counts.services.live);
    await bench.settings({ rateLimitPerHour: null });
    bench.faults({});
    const mark = bench.mark();
    const resumed = await bench.run(["pull", "--json"]);
    r.check("exitCodeResumed", "==", 0, resumed.exitCode);
    // It resumed from the cursor (minus the lookback), not from the beginning.
    const firstPage = bench.requests(mark.request).find((q) => q.path.endsWith(`/${bench.table}`));
    const query = new URLSearchParams(firstPage?.query ?? "").get("sysparm_query") ?? "";
    r.check("resumedFromCursor", "==", true, query.includes("sys_updated_on>="));
    const pulled = await bench.pullFigures();
    r.check("recordsMissing", "==", 0, pulled.recordsMissing);
    return r.result();
  } finally {
    await bench.close();
  }
}

export const RATE_LIMIT_SCENARIOS: Scenario[] = [
  {
    id: "row-01-retry-after",
    row: "1",
    title: "429 + Retry-After ≈ 4 s (hourly rule, instance clock near hh:00)",
    fault: "rate-limit rule used up at the first request, next window 4 s away",
    report: ["retryAfterS"],
    run: retryAfterSeconds,
  },
  ...(["http-date", "missing", "past-date", "unusable"] as const).map(
    (variant): Scenario => ({
      id: `row-01b-${variant}`,
      row: "1b",
      title: `429 with Retry-After ${variant}`,
      fault: "the same 429, headers rewritten by a proxy",
      report: ["expectedWaitS"],
      run: (ctx) => retryAfterVariant(ctx, variant),
    }),
  ),
  {
    id: "row-01c-quota-exhausted",
    row: "1c",
    title: "429 + Retry-After ≈ 3600 s (hourly quota used up)",
    fault: "3 requests allowed in an hour that just began",
    run: hourlyQuotaExhausted,
  },
];
