import { describe, expect, it } from "vitest";
import type { AttemptOutcome } from "../../src/http/attempt-outcome.js";
import { classifyOutcome, type PolicyRow, policyRowFor, RETRY_POLICY } from "../../src/http/retry-policy.js";

const NOW = Date.UTC(2026, 2, 1, 10, 0, 0);
const status = (code: number, headers: Record<string, string> = {}): AttemptOutcome => ({
  type: "status",
  status: code,
  headers,
});
const body = (problem: "truncated" | "invalid_json" | "html" | "empty" | "too_deep", code = 200): AttemptOutcome => ({
  type: "body",
  problem,
  status: code,
  headers: {},
});
const transport = (code: string): AttemptOutcome => ({ type: "transport", code });

interface Expectation {
  outcome: AttemptOutcome;
  action: PolicyRow["action"];
  kind: PolicyRow["kind"];
  reason?: PolicyRow["reason"];
  /** Whether a POST (not idempotent) may still be retried/replayed. */
  postRetried: boolean;
}

// One or more examples per row of the table; the last test checks every row is covered.
const EXAMPLES: Expectation[] = [
  { outcome: body("truncated"), action: "retry", kind: "transient", reason: "truncated", postRetried: false },
  { outcome: body("invalid_json"), action: "retry", kind: "transient", reason: "truncated", postRetried: false },
  { outcome: body("html"), action: "retry", kind: "transient", reason: "truncated", postRetried: false },
  { outcome: body("empty", 202), action: "retry", kind: "transient", reason: "truncated", postRetried: false },
  { outcome: body("too_deep"), action: "fail", kind: "data", postRetried: false },
  {
    outcome: status(429, { "retry-after": "2" }),
    action: "wait",
    kind: "rate_limited",
    reason: "429",
    postRetried: true,
  },
  {
    outcome: status(429, { "x-ratelimit-reset": String(NOW / 1000 + 30) }),
    action: "wait",
    kind: "rate_limited",
    reason: "429",
    postRetried: true,
  },
  { outcome: status(429), action: "retry", kind: "transient", reason: "429", postRetried: true },
  { outcome: status(503), action: "retry", kind: "transient", reason: "5xx", postRetried: true },
  { outcome: status(408), action: "retry", kind: "transient", reason: "5xx", postRetried: false },
  { outcome: status(500), action: "retry", kind: "transient", reason: "5xx", postRetried: false },
  { outcome: status(502), action: "retry", kind: "transient", reason: "5xx", postRetried: false },
  { outcome: status(504), action: "retry", kind: "transient", reason: "5xx", postRetried: false },
  { outcome: status(401), action: "refresh_auth", kind: "auth", reason: "auth", postRetried: true },
  { outcome: status(403), action: "fail", kind: "permission", postRetried: false },
  { outcome: status(404), action: "fail", kind: "data", postRetried: false },
  { outcome: status(400), action: "fail", kind: "config", postRetried: false },
  { outcome: status(405), action: "fail", kind: "internal", postRetried: false },
  { outcome: status(422), action: "fail", kind: "internal", postRetried: false },
  { outcome: status(501), action: "fail", kind: "unavailable", postRetried: false },
  {
    outcome: status(302, { location: "https://sso.example/login" }),
    action: "fail",
    kind: "config",
    postRetried: false,
  },
  { outcome: status(101), action: "fail", kind: "internal", postRetried: false },
  { outcome: transport("ECONNREFUSED"), action: "retry", kind: "transient", reason: "network", postRetried: true },
  { outcome: transport("EAI_AGAIN"), action: "retry", kind: "transient", reason: "network", postRetried: true },
  { outcome: transport("ECONNRESET"), action: "retry", kind: "transient", reason: "network", postRetried: false },
  { outcome: transport("EPIPE"), action: "retry", kind: "transient", reason: "network", postRetried: false },
  { outcome: transport("socket hang up"), action: "retry", kind: "transient", reason: "network", postRetried: false },
  { outcome: transport("ETIMEDOUT"), action: "retry", kind: "transient", reason: "timeout", postRetried: false },
  { outcome: transport("ECONNABORTED"), action: "retry", kind: "transient", reason: "timeout", postRetried: false },
  { outcome: transport("ENOTFOUND"), action: "fail", kind: "config", postRetried: false },
  { outcome: transport("CERT_HAS_EXPIRED"), action: "fail", kind: "config", postRetried: false },
  { outcome: transport("EMAXCONTENT"), action: "fail", kind: "data", postRetried: false },
  { outcome: transport("ERR_CANCELED"), action: "fail", kind: "interrupted", postRetried: false },
  { outcome: transport("ESOMETHINGNEW"), action: "retry", kind: "transient", reason: "network", postRetried: false },
];

const label = (o: AttemptOutcome) =>
  o.type === "status" ? `${o.status} ${JSON.stringify(o.headers)}` : o.type === "body" ? `body ${o.problem}` : o.code;

describe("RETRY_POLICY", () => {
  it.each(EXAMPLES.map((e) => [label(e.outcome), e] as const))("%s", (_name, example) => {
    const get = classifyOutcome(example.outcome, { idempotent: true, nowMs: NOW });
    expect(get.action).toBe(example.action);
    expect(get.kind).toBe(example.kind);
    expect(get.reason).toBe(example.reason);

    const post = classifyOutcome(example.outcome, { idempotent: false, nowMs: NOW });
    if (example.action === "fail") {
      expect(post.action).toBe("fail");
      expect(post.blockedAsNotIdempotent).toBe(false);
    } else if (example.postRetried) {
      expect(post.action).toBe(example.action);
    } else {
      expect(post.action).toBe("fail");
      expect(post.blockedAsNotIdempotent).toBe(true);
      expect(post.kind).toBe(example.kind);
    }
  });

  it("has an example for every row, so a new row cannot go untested", () => {
    const covered = new Set(EXAMPLES.map((e) => policyRowFor(e.outcome)));
    const missing = RETRY_POLICY.filter((row) => !covered.has(row)).map((row) => row.when);
    expect(missing).toEqual([]);
  });

  it("gives the wait the instance asked for on a 429 (Retry-After exactly, no jitter)", () => {
    const decision = classifyOutcome(status(429, { "retry-after": "7" }), { idempotent: true, nowMs: NOW });
    expect(decision.retryAfterMs).toBe(7000);
    expect(classifyOutcome(status(503), { idempotent: true, nowMs: NOW }).retryAfterMs).toBeUndefined();
  });

  it("treats a blank Retry-After as absent (a semaphore 429, backoff)", () => {
    expect(classifyOutcome(status(429, { "retry-after": "  " }), { idempotent: true, nowMs: NOW }).action).toBe(
      "retry",
    );
  });

  it("ends with catch-all rows for statuses and transport errors", () => {
    expect(RETRY_POLICY.some((row) => "anyStatus" in row.match)).toBe(true);
    expect(RETRY_POLICY.at(-1)?.match).toEqual({ anyTransport: true });
  });
});
