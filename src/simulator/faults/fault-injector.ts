// Decides, request by request, which fault the server applies (DESIGN.md §3; reference/servicenow-api.md §9
// "Failure injection"). Deterministic: the same seed and the same sequence of in-scope requests give the same
// decisions. Out-of-scope requests consume no randomness, so e.g. an extra OAuth refresh does not shift the faults.
import type { Clock } from "../clock.js";
import type { AclShortPlan } from "./apply-acl-short.js";
import { type FaultErrorResponse, faultErrorResponse } from "./fault-error-response.js";
import { FaultSettings, type FaultSettingsInput, type ProcessSignalFault, type RequestKind } from "./fault-settings.js";
import { mergeFaults } from "./merge-faults.js";
import { seededRandom } from "./seeded-random.js";

export interface FaultRequest {
  method: string;
  table?: string;
  kind: RequestKind;
  /** Reads only: false for a single-record GET, which is never truncated, ACL-shortened or mutated between pages. */
  list?: boolean;
}

/**
 * What to do to one request. At most one of `html`, `empty202`, `error`, `reset`, `truncate`, `aclShort` is set;
 * latency and page mutations come on top.
 */
export interface FaultDecision {
  /** Sleep before answering. */
  latencyMs: number;
  /** Additional sleep per returned row. */
  latencyPerRowMs: number;
  /**
   * Additional sleep per record a Batch request wrote beyond the first: the platform runs a batch's items one after
   * another, each with its business rules (servicenow-api.md §5.1), so a batch of 50 writes costs about 50 writes.
   */
  latencyPerExtraWriteMs?: number;
  /** Answer with this status/content type/body instead of doing the work. */
  error?: FaultErrorResponse;
  /** Destroy the socket: "before" doing the work, or "after" applying a write and before answering. */
  reset?: "before" | "after";
  /** Stream only `truncateKeepCount(rows, keepFraction)` rows, then the trailing error (`buildTruncatedBody`). */
  truncate?: { keepFraction: number };
  /** Pass the page (after the limit was applied) through `applyAclShort(rows, plan)`. */
  aclShort?: AclShortPlan;
  /** Answer 202 with an empty body. */
  empty202?: boolean;
  /** Answer 200 `HIBERNATING_INSTANCE_HTML` with `HTML_CONTENT_TYPE`. */
  html?: boolean;
  /** Touch this many random records of the table before serving the page. */
  mutateBetweenPages: number;
}

export interface FaultCounts {
  /** decide() calls. */
  requests: number;
  /** Requests inside tables/methods/kinds scope. */
  inScope: number;
  /** Requests that got one of the exclusive faults (what `maxFaults` limits). */
  faulted: number;
  /** Requests given a non-zero latency. */
  delayed: number;
  /** Injected errors by status. */
  errors: Record<string, number>;
  resetBefore: number;
  resetAfter: number;
  truncate: number;
  aclShort: number;
  empty202: number;
  html: number;
  /** Sum of `mutateBetweenPages` handed out. */
  mutatedRecords: number;
}

/** Random draws per in-scope request; fixed so a decision never depends on which rates happen to be set. */
const DRAWS_PER_REQUEST = 8;

export class FaultInjector {
  #settings: FaultSettings;
  #random: () => number;
  #auxiliaryRandom: () => number;
  /** In-scope requests seen since the last settings change (for `afterRequests`). */
  #scopeIndex = 0;
  /** Faults injected since the last settings change (for `maxFaults`). */
  #faultsUsed = 0;
  /** Writes and list pages that reached the instance since the last settings change (for `killOnWrite`/`killOnPage`). */
  #writesSeen = 0;
  #pagesSeen = 0;
  #counts: FaultCounts = FaultInjector.#zeroCounts();

  constructor(settings: FaultSettingsInput = {}) {
    this.#settings = FaultSettings.parse(settings);
    this.#random = seededRandom(this.#settings.seed);
    this.#auxiliaryRandom = seededRandom(auxiliarySeed(this.#settings.seed));
  }

  decide(request: FaultRequest): FaultDecision {
    this.#counts.requests++;
    const s = this.#settings;
    const method = request.method.toUpperCase();
    const inScope =
      s.kinds.includes(request.kind) &&
      (s.methods === undefined || s.methods.includes(method)) &&
      (s.tables === undefined || (request.table !== undefined && s.tables.includes(request.table)));
    if (!inScope) return { latencyMs: 0, latencyPerRowMs: 0, mutateBetweenPages: 0 };

    this.#counts.inScope++;
    const index = this.#scopeIndex++;
    const draws = Array.from({ length: DRAWS_PER_REQUEST }, () => this.#random());
    const isWrite = request.kind === "write" || request.kind === "batch";
    const isListRead = request.kind === "read" && method === "GET" && request.list !== false;
    const decision: FaultDecision = {
      latencyMs: s.latencyMs + (isWrite ? s.writeLatencyMs : 0),
      latencyPerRowMs: isListRead ? s.latencyPerRowMs : 0,
      ...(request.kind === "batch" && s.writeLatencyMs > 0 ? { latencyPerExtraWriteMs: s.writeLatencyMs } : {}),
      mutateBetweenPages: 0,
    };
    if (decision.latencyMs > 0) this.#counts.delayed++;
    // "The first N in-scope requests pass untouched."
    if (index < s.afterRequests) return decision;

    if (isListRead && s.mutateBetweenPages > 0) {
      decision.mutateBetweenPages = s.mutateBetweenPages;
      this.#counts.mutatedRecords += s.mutateBetweenPages;
    }
    if (s.maxFaults !== undefined && this.#faultsUsed >= s.maxFaults) return decision;
    if (this.#pickOutcome(decision, draws, request.kind, method, isWrite, isListRead)) {
      this.#faultsUsed++;
      this.#counts.faulted++;
    }
    return decision;
  }

  /**
   * Replaces all settings (omitted fields return to their defaults, so `update({})` = no faults), reseeds both
   * RNG streams and restarts the `afterRequests`/`maxFaults` scope.
   */
  update(settings: FaultSettingsInput): void {
    this.#settings = FaultSettings.parse(settings);
    this.#random = seededRandom(this.#settings.seed);
    this.#auxiliaryRandom = seededRandom(auxiliarySeed(this.#settings.seed));
    this.#scopeIndex = 0;
    this.#faultsUsed = 0;
    this.#writesSeen = 0;
    this.#pagesSeen = 0;
  }

  /** Like `update`, but `patch` is merged into the current settings (`errorRates` status by status). */
  merge(patch: Partial<FaultSettingsInput>): void {
    this.update(mergeFaults(this.#settings, patch));
  }

  /**
   * Counts one write (Table API write or Batch request) or one list page about to be served, and returns the signal
   * to send when it is the `nth` one of `killOnWrite` / `killOnPage`. Call it once per request that gets past
   * authentication, rate limits and the exclusive faults (so "the nth write" is the nth the instance would apply).
   */
  signalFor(what: "write" | "page"): ProcessSignalFault | undefined {
    const plan = what === "write" ? this.#settings.killOnWrite : this.#settings.killOnPage;
    const seen = what === "write" ? ++this.#writesSeen : ++this.#pagesSeen;
    return plan !== undefined && seen === plan.nth ? { ...plan } : undefined;
  }

  /**
   * A second seeded stream for the server's own random choices (which records to mutate between pages, …).
   * Separate from the decision stream, so using it never shifts which requests get faults.
   */
  rng(): () => number {
    return this.#auxiliaryRandom;
  }

  settings(): FaultSettings {
    return structuredClone(this.#settings);
  }

  counts(): FaultCounts {
    return structuredClone(this.#counts);
  }

  resetCounts(): void {
    this.#counts = FaultInjector.#zeroCounts();
  }

  /** The instance clock: `base` shifted by the current `clockOffsetS` (read live, so updates apply at once). */
  instanceClock(base: Clock): Clock {
    return { nowMs: () => base.nowMs() + this.#settings.clockOffsetS * 1000 };
  }

  /** Sets at most one exclusive fault on `decision`; true when one was set. Each fault has its own draw. */
  #pickOutcome(
    decision: FaultDecision,
    draws: number[],
    kind: RequestKind,
    method: string,
    isWrite: boolean,
    isListRead: boolean,
  ): boolean {
    const s = this.#settings;
    const [uHtml = 1, uEmpty = 1, uError = 1, uReset = 1, uTruncate = 1, uAcl = 1, uKeep = 0, uSeed = 0] = draws;
    const counts = this.#counts;
    if (uHtml < s.htmlLoginRate) {
      decision.html = true;
      counts.html++;
      return true;
    }
    if (kind === "read" && method === "GET" && uEmpty < s.emptyAcceptedRate) {
      decision.empty202 = true;
      counts.empty202++;
      return true;
    }
    const status = pickStatus(s.errorRates, uError);
    if (status !== undefined) {
      decision.error = faultErrorResponse(status, kind);
      counts.errors[String(status)] = (counts.errors[String(status)] ?? 0) + 1;
      return true;
    }
    const reset = isWrite
      ? uReset < s.resetBeforeWriteRate
        ? "before"
        : uReset < s.resetBeforeWriteRate + s.resetAfterWriteRate
          ? "after"
          : undefined
      : uReset < s.resetRate
        ? "before"
        : undefined;
    if (reset !== undefined) {
      decision.reset = reset;
      if (reset === "before") counts.resetBefore++;
      else counts.resetAfter++;
      return true;
    }
    if (isListRead && uTruncate < s.truncateRate) {
      decision.truncate = { keepFraction: uKeep };
      counts.truncate++;
      return true;
    }
    if (isListRead && uAcl < s.aclShortRate) {
      decision.aclShort = { mode: s.aclShortMode, hideFraction: s.aclShortFraction, seed: Math.floor(uSeed * 2 ** 32) };
      counts.aclShort++;
      return true;
    }
    return false;
  }

  static #zeroCounts(): FaultCounts {
    return {
      requests: 0,
      inScope: 0,
      faulted: 0,
      delayed: 0,
      errors: {},
      resetBefore: 0,
      resetAfter: 0,
      truncate: 0,
      aclShort: 0,
      empty202: 0,
      html: 0,
      mutatedRecords: 0,
    };
  }
}

/** Seed of the auxiliary stream: XOR with a fixed constant keeps it apart from the decision stream of the same seed. */
function auxiliarySeed(seed: number): number {
  return (seed ^ 0x9e3779b9) >>> 0;
}

/** One draw against the cumulative error rates, statuses in ascending order so the mapping is stable. */
function pickStatus(errorRates: Record<string, number>, draw: number): number | undefined {
  let cumulative = 0;
  const statuses = Object.keys(errorRates)
    .map(Number)
    .sort((a, b) => a - b);
  for (const status of statuses) {
    cumulative += errorRates[String(status)] ?? 0;
    if (draw < cumulative) return status;
  }
  return undefined;
}
