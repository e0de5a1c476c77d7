// Everything the dev instance can inject (DESIGN.md §3; reference/servicenow-api.md §1.7, §1.8, §3, §9
// "Failure injection"; reference/style-reliability-ecosystem.md B6). All fields optional with neutral defaults,
// so `FaultSettings.parse({})` is "no faults".
import { z } from "zod";

const probability = z.number().min(0).max(1);
const durationMs = z.number().min(0).max(600_000);

export const REQUEST_KINDS = ["read", "write", "batch", "token", "other"] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/**
 * A signal the instance sends to a process at an exact moment of its nth write (or list page), so a chaos test can
 * kill the connector between "the instance applied the PATCH" and "the connector recorded it" (reference/
 * style-reliability-ecosystem.md B6 rows 8, 9, 9b). Counted apart from the other faults: `afterRequests`,
 * `maxFaults` and the scope fields do not apply, and it fires once per settings change.
 */
export const ProcessSignalFault = z.strictObject({
  /** The process to signal (the connector under test); never the instance's own process. */
  pid: z.number().int().min(2),
  /** Fire on the nth write (or page) that reaches the instance after the settings changed, 1-based. */
  nth: z.number().int().min(1).default(1),
  /**
   * before-apply: the write is never applied (with SIGKILL the connection is dropped); after-apply: applied, and with
   * SIGKILL no answer is sent; after-response: the answer is written to the socket, then the signal is sent. Any
   * other signal than SIGKILL is delivered at that moment and the request is served as usual.
   */
  phase: z.enum(["before-apply", "after-apply", "after-response"]).default("before-apply"),
  signal: z.enum(["SIGKILL", "SIGTERM", "SIGINT"]).default("SIGKILL"),
});
export type ProcessSignalFault = z.output<typeof ProcessSignalFault>;

export const FaultSettings = z
  .object({
    /** Added to every in-scope request. */
    latencyMs: durationMs.default(0),
    /** Added per returned row (the server multiplies), to mimic slow large pages. */
    latencyPerRowMs: durationMs.default(0),
    /** Added to writes and batches on top of `latencyMs`. */
    writeLatencyMs: durationMs.default(0),
    /** HTTP status → probability per request, e.g. {"500":0.05,"503":0.1}; the sum must be ≤ 1. */
    errorRates: z.record(z.string().regex(/^[1-5]\d\d$/, "an HTTP status code such as 503"), probability).default({}),
    /** Connection destroyed before the write is applied (writes and batches). */
    resetBeforeWriteRate: probability.default(0),
    /** Connection destroyed AFTER the write was applied: the ambiguous case (style-reliability B6 #3b). */
    resetAfterWriteRate: probability.default(0),
    /** Connection destroyed before answering a non-write request. */
    resetRate: probability.default(0),
    /** List GET answered 200 with a cut `result` and a trailing `error` object (§1.8). */
    truncateRate: probability.default(0),
    /** List GET loses rows after the limit was applied, as row ACLs do (§0 fact 5, fact 20). */
    aclShortRate: probability.default(0),
    /** "drop": hidden rows are missing from the page; "empty-object": each is replaced by `{}`. */
    aclShortMode: z.enum(["drop", "empty-object"]).default("drop"),
    /** Share of the page's rows hidden when acl-short fires (at least one row of a non-empty page). */
    aclShortFraction: z.number().gt(0).max(1).default(0.3),
    /** Records the server touches between consecutive list requests (concurrent human edits). */
    mutateBetweenPages: z.number().int().min(0).default(0),
    /** Instance clock = real clock + offset (may be negative). */
    clockOffsetS: z.number().int().default(0),
    /** GET answered 202 with an empty body (§1.7, pysnow `EmptyContent`). */
    emptyAcceptedRate: probability.default(0),
    /** 200 text/html page, as from a hibernating developer instance (§1.7, [UNVERIFIED]). */
    htmlLoginRate: probability.default(0),
    /** Seed of the fault RNG: same seed + same request sequence ⇒ same faults. */
    seed: z.number().int().min(0).max(0xffff_ffff).default(1),
    /** Only these tables (requests without a table, e.g. batch, are then out of scope). */
    tables: z.array(z.string().min(1)).min(1).optional(),
    /** Only these HTTP methods (case-insensitive). */
    methods: z.array(z.string().min(1).toUpperCase()).min(1).optional(),
    /** Only these request kinds; by default everything except the OAuth token endpoint. */
    kinds: z.array(z.enum(REQUEST_KINDS)).min(1).default(["read", "write", "batch", "other"]),
    /** The first N in-scope requests pass untouched ("fail the 3rd PATCH only" = methods [PATCH], afterRequests 2, maxFaults 1). */
    afterRequests: z.number().int().min(0).default(0),
    /** At most this many requests get a fault (latency and page mutations do not count). */
    maxFaults: z.number().int().min(0).optional(),
    /** Signal a process when the nth write (Table API write or Batch request) reaches the instance. */
    killOnWrite: ProcessSignalFault.optional(),
    /** Signal a process when the nth list GET (a page of any table) reaches the instance. */
    killOnPage: ProcessSignalFault.optional(),
  })
  .superRefine((settings, ctx) => {
    const errorSum = Object.values(settings.errorRates).reduce((sum, rate) => sum + rate, 0);
    if (errorSum > 1 + 1e-9) {
      ctx.addIssue({ code: "custom", path: ["errorRates"], message: `error rates add up to ${errorSum}, more than 1` });
    }
    if (settings.resetBeforeWriteRate + settings.resetAfterWriteRate > 1 + 1e-9) {
      ctx.addIssue({
        code: "custom",
        path: ["resetAfterWriteRate"],
        message: "resetBeforeWriteRate + resetAfterWriteRate is more than 1",
      });
    }
  });

export type FaultSettings = z.output<typeof FaultSettings>;
export type FaultSettingsInput = z.input<typeof FaultSettings>;
