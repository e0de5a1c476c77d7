// What went wrong with one attempt, described as data so that one table (retry-policy.ts) decides what to do.
import type { HttpHeaders } from "./http-headers.js";

/**
 * A 2xx whose body cannot be used:
 * - `truncated`: a 200 carrying a top-level `error` (transaction cancelled while streaming, servicenow-api.md §1.8);
 * - `invalid_json`: not JSON, or JSON cut short;
 * - `html`: an HTML page (hibernating instance, SSO gateway);
 * - `empty`: no body at all (202 on GET, "session reuse queue overflow", §1.7 and §3.3);
 * - `too_deep`: JSON nested deeper than we agree to parse (a hostile or broken body; not worth retrying).
 */
export type BodyProblem = "truncated" | "invalid_json" | "html" | "empty" | "too_deep";

export type AttemptOutcome =
  /** The instance answered with a status that is not 2xx. */
  | { type: "status"; status: number; headers: HttpHeaders }
  /** The instance answered 2xx with a body we cannot use. */
  | { type: "body"; problem: BodyProblem; status: number; headers: HttpHeaders }
  /** No usable answer: a transport error code (ECONNRESET, ETIMEDOUT, …) or "socket hang up". */
  | { type: "transport"; code: string };
