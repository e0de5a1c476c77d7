// Inbound REST API rate limit rules (reference/servicenow-api.md §0 fact 13, §3.1; ServiceNowDocs
// `inbound-REST-API-rate-limiting.md`, `reset-rest-api-rate-limits.md`, `monitor-request-counts.md`).
//
// Decisions, from the docs:
// - Windows are fixed clock hours (UTC, aligned to hh:00:00), not rolling: the docs speak of "the next scheduled
//   reset" and of counts "for the current hour". `X-RateLimit-Reset` is the UNIX second of the next hh:00:00.
// - Counts are per rule and per user (an "All users" rule gives each user their own allowance).
// - Denied requests do not count: ServiceNow records them as "violations", separately from the rule's counts.
// - Enforcement is exact. Real nodes commit counts every 30 s and can overshoot; the simulator does not.
import {
  RATE_LIMITED_API_NAMES,
  type RateLimitedApi,
  type RateLimitRule,
  type RateLimitRuleInput,
  toRateLimitRule,
} from "./rate-limit-rule.js";

const HOUR_MS = 3_600_000;

export interface RateLimitExceededBody {
  error: { message: "Rate limit exceeded"; detail: string };
  status: "failure";
}

export type RateLimitDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; status: 429; headers: Record<string, string>; body: RateLimitExceededBody };

export interface RateLimiterStats {
  /** Requests that matched a rule and were let through. */
  allowed: number;
  /** Requests answered 429 ("violations"). */
  denied: number;
}

/** The documented 429 body (ServiceNowDocs `inbound-REST-API-rate-limiting.md`). */
export function rateLimitExceededBody(requestsPerHour: number, api: RateLimitedApi): RateLimitExceededBody {
  return {
    error: {
      message: "Rate limit exceeded",
      detail: `Rate limit of ${requestsPerHour} requests per hour for ${RATE_LIMITED_API_NAMES[api]} exceeded`,
    },
    status: "failure",
  };
}

export class RateLimiter {
  #rules: RateLimitRule[] = [];
  /** `${ruleSysId}\0${user}` → count in the window starting at `windowStartMs`. */
  readonly #counts = new Map<string, { windowStartMs: number; count: number }>();
  #stats: RateLimiterStats = { allowed: 0, denied: 0 };

  constructor(rules: RateLimitRuleInput[] = []) {
    this.setRules(rules);
  }

  /** Replaces the rules; counts of rules that survive (same sys_id) are kept. */
  setRules(rules: RateLimitRuleInput[]): void {
    const complete = rules.map(toRateLimitRule);
    const seen = new Set<string>();
    for (const rule of complete) {
      if (seen.has(rule.sysId)) throw new Error(`Duplicate rate limit rule sys_id ${rule.sysId} ("${rule.name}")`);
      seen.add(rule.sysId);
    }
    this.#rules = complete;
  }

  rules(): RateLimitRule[] {
    return this.#rules.map((rule) => ({ ...rule }));
  }

  /**
   * Counts one request and says whether it may run. No matching rule → allowed with no headers at all
   * (a vanilla instance sends no X-RateLimit-* headers, §3.1).
   */
  check(user: string, api: RateLimitedApi, nowMs: number, roles: readonly string[] = []): RateLimitDecision {
    const rule = this.#ruleFor(user, api, roles);
    if (!rule) return { allowed: true, headers: {} };
    const windowStartMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
    const resetMs = windowStartMs + HOUR_MS;
    const headers: Record<string, string> = {
      "X-RateLimit-Limit": String(rule.requestsPerHour),
      "X-RateLimit-Reset": String(resetMs / 1000),
      "X-RateLimit-Rule": rule.sysId,
    };
    const key = `${rule.sysId}\u0000${user}`;
    let slot = this.#counts.get(key);
    if (slot === undefined || slot.windowStartMs !== windowStartMs) {
      slot = { windowStartMs, count: 0 };
      this.#counts.set(key, slot);
    }
    if (slot.count >= rule.requestsPerHour) {
      this.#stats.denied++;
      const retryAfterS = Math.max(1, Math.ceil((resetMs - nowMs) / 1000));
      return {
        allowed: false,
        status: 429,
        headers: { ...headers, "Retry-After": String(retryAfterS) },
        body: rateLimitExceededBody(rule.requestsPerHour, api),
      };
    }
    slot.count++;
    this.#stats.allowed++;
    return { allowed: true, headers };
  }

  /** Requests counted against `ruleSysId` for `user` in the hour containing `nowMs`. */
  count(ruleSysId: string, user: string, nowMs: number): number {
    const slot = this.#counts.get(`${ruleSysId}\u0000${user}`);
    return slot !== undefined && slot.windowStartMs === Math.floor(nowMs / HOUR_MS) * HOUR_MS ? slot.count : 0;
  }

  /** "Reset Rate Limit Counts": zero the counts of one rule, or of all rules. */
  resetCounts(ruleSysId?: string): void {
    if (ruleSysId === undefined) {
      this.#counts.clear();
      return;
    }
    for (const key of this.#counts.keys()) {
      if (key.startsWith(`${ruleSysId}\u0000`)) this.#counts.delete(key);
    }
  }

  stats(): RateLimiterStats {
    return { ...this.#stats };
  }

  resetStats(): void {
    this.#stats = { allowed: 0, denied: 0 };
  }

  /** Priority: single user > users with role (lowest limit among them) > all users (lowest limit). */
  #ruleFor(user: string, api: RateLimitedApi, roles: readonly string[]): RateLimitRule | undefined {
    const matching = this.#rules.filter((rule) => rule.resource === "all" || rule.resource === api);
    const lowest = (candidates: RateLimitRule[]) =>
      candidates.reduce<RateLimitRule | undefined>(
        (best, rule) => (best === undefined || rule.requestsPerHour < best.requestsPerHour ? rule : best),
        undefined,
      );
    return (
      lowest(matching.filter((r) => r.appliesTo !== "all" && "user" in r.appliesTo && r.appliesTo.user === user)) ??
      lowest(
        matching.filter((r) => r.appliesTo !== "all" && "role" in r.appliesTo && roles.includes(r.appliesTo.role)),
      ) ??
      lowest(matching.filter((r) => r.appliesTo === "all"))
    );
  }
}
