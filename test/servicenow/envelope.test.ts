import { describe, expect, it } from "vitest";
import { AttemptFailure } from "../../src/http/attempt-failure.js";
import { ConnectorError } from "../../src/lib/connector-error.js";
import {
  instanceErrorText,
  jsonDepthExceeds,
  ListEnvelope,
  parseEnvelope,
  parseJsonBody,
  RecordEnvelope,
} from "../../src/servicenow/envelope.js";

const JSON_CT = { "content-type": "application/json;charset=UTF-8" };
const ok = (bodyText: string, headers: Record<string, string> = JSON_CT, status = 200) => ({
  status,
  headers,
  bodyText,
});
// servicenow-api.md §1.8, KB0778443: a 200 whose result is cut short and followed by an error.
const TRUNCATED_200 =
  '{"result":[{"sys_id":"a"},{"sys_id":"b"}],"error":{"detail":"No such column Check logs for error trace or enable ' +
  'glide.rest.debug property to verify REST request processing","message":"Transaction cancelled: maximum execution ' +
  'time exceeded"},"status":"failure"}';

function failure(fn: () => unknown): AttemptFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof AttemptFailure) return err;
    throw err;
  }
  throw new Error("expected an AttemptFailure");
}

describe("parseEnvelope", () => {
  it("accepts list and record envelopes", () => {
    expect(parseEnvelope(ListEnvelope, ok('{"result":[{"sys_id":"x"},{}]}'), "GET /x").result).toEqual([
      { sys_id: "x" },
      {},
    ]);
    expect(parseEnvelope(RecordEnvelope, ok('{"result":{"sys_id":"x"}}'), "GET /x").result).toEqual({ sys_id: "x" });
  });

  it("treats a 200 with a trailing error as a truncated (transient) page, quoting the instance", () => {
    const err = failure(() => parseEnvelope(ListEnvelope, ok(TRUNCATED_200), "GET /api/now/table/x"));
    expect(err.outcome).toMatchObject({ type: "body", problem: "truncated", status: 200 });
    expect(err.kind).toBe("transient");
    expect(err.message).toContain("Transaction cancelled: maximum execution time exceeded");
  });

  it("treats an HTML page as transient and says what it probably is", () => {
    const html = "<!DOCTYPE html><html><head><title>Instance Hibernating</title></head></html>";
    const err = failure(() => parseJsonBody(ok(html, { "content-type": "text/html" }), "GET /x"));
    expect(err.outcome).toMatchObject({ problem: "html" });
    expect(err.kind).toBe("transient");
    expect(err.message).toMatch(/HTML page: hibernating instance or SSO gateway\?/);
    // Even when mislabelled as JSON.
    expect(failure(() => parseJsonBody(ok(`  ${html}`), "GET /x")).outcome).toMatchObject({ problem: "html" });
  });

  it("treats invalid or cut-short JSON and empty bodies as transient", () => {
    expect(failure(() => parseJsonBody(ok('{"result":[{"sys_id":'), "GET /x")).outcome).toMatchObject({
      problem: "invalid_json",
    });
    expect(failure(() => parseJsonBody(ok("", {}, 202), "GET /x")).outcome).toMatchObject({
      problem: "empty",
      status: 202,
    });
  });

  it("refuses JSON nested deeper than 64 levels before parsing it (not retried)", () => {
    const deep = `{"result":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const err = failure(() => parseJsonBody(ok(deep), "GET /x"));
    expect(err.outcome).toMatchObject({ problem: "too_deep" });
    expect(err.kind).toBe("data");
    expect(jsonDepthExceeds(`{"a":"${"[".repeat(100)}"}`)).toBe(false); // brackets inside strings do not count
    expect(jsonDepthExceeds(`{"a":"\\"${"[".repeat(100)}"}`)).toBe(false); // nor after an escaped quote
    // An escaped backslash ends in a real closing quote: the brackets after it count.
    expect(jsonDepthExceeds(`{"a":"x\\\\"}${"[".repeat(100)}`)).toBe(true);
    expect(jsonDepthExceeds(`{"a":"\\\\\\"${"[".repeat(100)}"}`)).toBe(false); // \\ then \" : still inside
    expect(jsonDepthExceeds(`{"a":"${"[".repeat(100)}`)).toBe(false); // unterminated: left to JSON.parse
    expect(jsonDepthExceeds("[".repeat(64) + "]".repeat(64))).toBe(false);
    expect(jsonDepthExceeds("[".repeat(65) + "]".repeat(65))).toBe(true);
  });

  it("reports a wrong shape as a data error, without retry", () => {
    let err: unknown;
    try {
      parseEnvelope(ListEnvelope, ok('{"result":{"sys_id":"x"}}'), "GET /x");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).not.toBeInstanceOf(AttemptFailure);
    expect((err as ConnectorError).kind).toBe("data");
  });
});

describe("instanceErrorText", () => {
  it("reads the Table API error envelope and the OAuth error body", () => {
    expect(
      instanceErrorText(
        '{"error":{"message":"No Record found","detail":"Record doesn\'t exist or ACL restricts the record retrieval"},"status":"failure"}',
      ),
    ).toBe("No Record found — Record doesn't exist or ACL restricts the record retrieval");
    expect(
      instanceErrorText('{"error":{"message":"Requested URI does not represent any resource","detail":null}}'),
    ).toBe("Requested URI does not represent any resource");
    expect(instanceErrorText('{"error_description":"access_denied","error":"server_error"}')).toBe(
      "server_error: access_denied",
    );
    expect(instanceErrorText("<html>")).toBeUndefined();
    expect(instanceErrorText('{"error":{"message":"line\\nbreak\\u0007"}}')).toBe("line break");
  });
});
