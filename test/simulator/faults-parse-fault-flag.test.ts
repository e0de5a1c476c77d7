import { describe, expect, it } from "vitest";
import { FaultSettings } from "../../src/simulator/faults/fault-settings.js";
import { mergeFaults } from "../../src/simulator/faults/merge-faults.js";
import { InvalidFaultSpecError, parseFaultFlag } from "../../src/simulator/faults/parse-fault-flag.js";

describe("parseFaultFlag", () => {
  it.each([
    ["latency=200", { latencyMs: 200 }],
    ["latency-per-row=0.5", { latencyPerRowMs: 0.5 }],
    ["write-latency=50", { writeLatencyMs: 50 }],
    ["error:503=0.1", { errorRates: { "503": 0.1 } }],
    ["truncate=0.05", { truncateRate: 0.05 }],
    ["reset=0.01", { resetRate: 0.01 }],
    ["reset-before-write=0.03", { resetBeforeWriteRate: 0.03 }],
    ["reset-after-write=0.02", { resetAfterWriteRate: 0.02 }],
    ["acl-short=0.1", { aclShortRate: 0.1 }],
    ["acl-short-mode=empty-object", { aclShortMode: "empty-object" }],
    ["acl-short-fraction=0.5", { aclShortFraction: 0.5 }],
    ["mutate-between-pages=5", { mutateBetweenPages: 5 }],
    ["clock-offset=900", { clockOffsetS: 900 }],
    ["clock-offset=-900", { clockOffsetS: -900 }],
    ["empty-accepted=0.2", { emptyAcceptedRate: 0.2 }],
    ["empty-202=0.2", { emptyAcceptedRate: 0.2 }],
    ["html-login=1", { htmlLoginRate: 1 }],
    ["seed=42", { seed: 42 }],
    ["tables=cmdb_ci_service, u_digital_service_usage", { tables: ["cmdb_ci_service", "u_digital_service_usage"] }],
    ["methods=patch,GET", { methods: ["PATCH", "GET"] }],
    ["kinds=write,batch", { kinds: ["write", "batch"] }],
    ["after-requests=2", { afterRequests: 2 }],
    ["max-faults=1", { maxFaults: 1 }],
    ["  Latency = 10 ", { latencyMs: 10 }],
  ])("parses %s", (spec, expected) => {
    expect(parseFaultFlag(spec)).toEqual(expected);
  });

  it.each([
    ["latency", /expected <name>=<value>/],
    ["=5", /expected <name>=<value>/],
    ["latency=", /no value after "latency="/],
    ["latency=fast", /"fast" is not a number \(in "latency"\)/],
    ["latency=-5", /bad value "-5" for "latency"/],
    ["truncate=1.5", /bad value "1.5" for "truncate"/],
    ["error:5xx=0.1", /"5xx" is not an HTTP status code/],
    ["error:503=2", /bad value "2" for "error:503"/],
    ["mutate-between-pages=2.5", /bad value "2.5" for "mutate-between-pages"/],
    ["acl-short-mode=hide", /bad value "hide" for "acl-short-mode"/],
    ["kinds=read,delete", /bad value "read,delete" for "kinds"/],
    ["explode=1", /unknown fault "explode"; known: latency, .*error:<status>/],
    ["seed=0x10", /"0x10" is not a number/],
  ])("refuses %s with a message naming the bad part", (spec, message) => {
    expect(() => parseFaultFlag(spec)).toThrow(InvalidFaultSpecError);
    expect(() => parseFaultFlag(spec)).toThrow(message);
  });
});

describe("mergeFaults", () => {
  it("lets later flags win and merges error rates status by status", () => {
    const merged = ["error:500=0.1", "latency=10", "error:503=0.2", "latency=20", "error:500=0.05"]
      .map(parseFaultFlag)
      .reduce(mergeFaults, {});
    expect(merged).toEqual({ errorRates: { "500": 0.05, "503": 0.2 }, latencyMs: 20 });
    expect(mergeFaults({ latencyMs: 1 }, {})).toEqual({ latencyMs: 1 });
  });

  it("produces settings that the schema validates as a whole", () => {
    const merged = ["error:500=0.6", "error:503=0.6"].map(parseFaultFlag).reduce(mergeFaults, {});
    const result = FaultSettings.safeParse(merged);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/add up to 1.2/);
  });
});

describe("FaultSettings", () => {
  it("defaults to no faults", () => {
    expect(FaultSettings.parse({})).toEqual({
      latencyMs: 0,
      latencyPerRowMs: 0,
      writeLatencyMs: 0,
      errorRates: {},
      resetBeforeWriteRate: 0,
      resetAfterWriteRate: 0,
      resetRate: 0,
      truncateRate: 0,
      aclShortRate: 0,
      aclShortMode: "drop",
      aclShortFraction: 0.3,
      mutateBetweenPages: 0,
      clockOffsetS: 0,
      emptyAcceptedRate: 0,
      htmlLoginRate: 0,
      seed: 1,
      kinds: ["read", "write", "batch", "other"],
      afterRequests: 0,
    });
  });
});
