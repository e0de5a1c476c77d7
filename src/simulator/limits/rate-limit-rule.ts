// A row of ServiceNow's `sys_rate_limit_rules` table, reduced to what the dev instance enforces
// (reference/servicenow-api.md §3.1; ServiceNowDocs `create-REST-API-rate-limits.md`).
import { createHash } from "node:crypto";

/** The REST APIs a rule can target; the server maps each route to one. */
export type RateLimitedApi = "table" | "aggregate" | "batch" | "import_set";

/** Names used in the 429 detail, "Rate limit of <n> requests per hour for <API name> exceeded". */
export const RATE_LIMITED_API_NAMES: Readonly<Record<RateLimitedApi, string>> = Object.freeze({
  table: "Table API",
  aggregate: "Aggregate API",
  batch: "Batch API",
  import_set: "Import Set API",
});

/** "Apply to": Single user | Users with role | All users. */
export type RateLimitAppliesTo = { user: string } | { role: string } | "all";

export interface RateLimitRule {
  /** 32 lowercase hex, sent back in `X-RateLimit-Rule`. */
  sysId: string;
  name: string;
  requestsPerHour: number;
  appliesTo: RateLimitAppliesTo;
  resource: RateLimitedApi | "all";
}

export type RateLimitRuleInput = Omit<RateLimitRule, "sysId" | "name"> & { sysId?: string; name?: string };

const SYS_ID = /^[0-9a-f]{32}$/;

/** Completes a rule: a missing sys_id is derived from the rule's content (md5 = 32 hex), so it is stable across runs. */
export function toRateLimitRule(input: RateLimitRuleInput): RateLimitRule {
  if (!(Number.isInteger(input.requestsPerHour) && input.requestsPerHour >= 0)) {
    throw new Error(`Rate limit rule requestsPerHour must be a non-negative integer, got ${input.requestsPerHour}`);
  }
  const name = input.name ?? describeRule(input);
  const sysId = input.sysId ?? createHash("md5").update(`sys_rate_limit_rules:${name}`).digest("hex");
  if (!SYS_ID.test(sysId))
    throw new Error(`Rate limit rule sys_id must be 32 lowercase hex characters, got "${sysId}"`);
  return { sysId, name, requestsPerHour: input.requestsPerHour, appliesTo: input.appliesTo, resource: input.resource };
}

function describeRule(input: RateLimitRuleInput): string {
  const who =
    input.appliesTo === "all"
      ? "all users"
      : "user" in input.appliesTo
        ? `user ${input.appliesTo.user}`
        : `role ${input.appliesTo.role}`;
  return `${input.requestsPerHour}/h ${input.resource} for ${who}`;
}
