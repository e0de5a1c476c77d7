// Decides whether a stream's lookback window must be read again row by row (docs/adr/0008). The window is re-checked
// every run (DESIGN.md §4 invariant 2), but when it holds a page of records or more — typically the echoes of our own
// writes of the last run, which every later run would otherwise read again until a newer edit moves the cursor — it is
// first compared through one Aggregate API request: the number of records updated since the window's start, the
// latest sys_updated_on and the sum of sys_mod_count. A record committed late into the window, edited in it, or
// edited before it and so moved into it changes the count, the sum or the latest time, and the window is then read
// as before. Equal on both sides: nothing to read, the cursor stays where it is.
import type { StreamName } from "../domain/cursor.js";
import type { Clock } from "../lib/clock.js";
import { isConnectorError } from "../lib/connector-error.js";
import { baseFilter, joinQuery } from "../servicenow/encoded-query.js";
import type { CacheRepository } from "../store/cache-repository.js";

/** The instance-side fingerprint (the Aggregate API on a real client). */
export interface WindowStatsSource {
  aggregate(
    table: string,
    request: { query?: string; count?: boolean; max?: readonly string[]; sum?: readonly string[] },
  ): Promise<{ count: number | undefined; max?: Record<string, string>; sum?: Record<string, number> }>;
}

export type WindowProbeOutcome =
  /** The instance's window equals the cache's: not read. */
  | "unchanged"
  /** They differ: the window is read row by row. */
  | "changed"
  /** The Aggregate API failed or is switched off for a day after a refusal: the window is read. */
  | "failed";

export interface WindowProbe {
  outcome: WindowProbeOutcome;
  /** Records the cache holds in the window. */
  cachedRows: number;
  /** What differed or failed, for the log. */
  detail?: string;
}

/** After a refusal (403, an older instance's 400), the probe rests this long: each attempt would cost a request. */
export const PROBE_REST_MS = 24 * 3600 * 1000;
export const probeRestKey = (stream: StreamName) => `windowProbeRestUntil:${stream}`;

export interface ProbeWindowInput {
  stream: StreamName;
  table: string;
  baseQuery: string;
  pageSize: number;
  /** The window's start: `sys_updated_on>=` of the incremental read. */
  since: string;
}

/**
 * Undefined when the probe would not save a request (the cache holds less than a page in the window, which one
 * request reads anyway) or cannot be trusted (a cached record without sys_mod_count), or rests after a refusal.
 */
export async function probeWindow(
  input: ProbeWindowInput,
  deps: { client: WindowStatsSource; cache: CacheRepository; clock: Clock },
): Promise<WindowProbe | undefined> {
  const restUntil = deps.cache.getMeta(probeRestKey(input.stream));
  if (restUntil !== undefined && Date.parse(restUntil) > deps.clock.nowMs()) return undefined;
  const local = deps.cache.windowFingerprint(input.stream, input.since);
  if (local.count < input.pageSize || local.modCountSum === null) return undefined;
  let remote: Awaited<ReturnType<WindowStatsSource["aggregate"]>>;
  try {
    remote = await deps.client.aggregate(input.table, {
      query: joinQuery(baseFilter(input.baseQuery), `sys_updated_on>=${input.since}`),
      count: true,
      max: ["sys_updated_on"],
      sum: ["sys_mod_count"],
    });
  } catch (err) {
    const status = isConnectorError(err) ? err.status : undefined;
    if (status === 403 || status === 400) {
      deps.cache.setMeta(probeRestKey(input.stream), new Date(deps.clock.nowMs() + PROBE_REST_MS).toISOString());
    }
    return { outcome: "failed", cachedRows: local.count, detail: err instanceof Error ? err.message : String(err) };
  }
  const differences: string[] = [];
  if (remote.count !== local.count) differences.push(`count ${remote.count ?? "?"} ≠ ${local.count}`);
  const latest = remote.max?.sys_updated_on ?? "";
  if (latest !== local.latestUpdatedOn) differences.push(`latest ${latest} ≠ ${local.latestUpdatedOn}`);
  const sum = remote.sum?.sys_mod_count;
  if (sum !== local.modCountSum) differences.push(`sys_mod_count sum ${sum ?? "?"} ≠ ${local.modCountSum}`);
  return differences.length === 0
    ? { outcome: "unchanged", cachedRows: local.count }
    : { outcome: "changed", cachedRows: local.count, detail: differences.join(", ") };
}
