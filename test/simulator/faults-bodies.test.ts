import { describe, expect, it } from "vitest";
import { applyAclShort } from "../../src/simulator/faults/apply-acl-short.js";
import { buildTruncatedBody, truncateKeepCount } from "../../src/simulator/faults/build-truncated-body.js";
import { faultErrorResponse } from "../../src/simulator/faults/fault-error-response.js";
import { HIBERNATING_INSTANCE_HTML } from "../../src/simulator/faults/hibernating-instance-html.js";

const CANCELLED_ERROR =
  '"error":{"detail":"Transaction cancelled: maximum execution time exceeded Check logs for error trace or enable glide.rest.debug property to verify REST request processing","message":"Transaction cancelled: maximum execution time exceeded"},"status":"failure"}';

describe("buildTruncatedBody", () => {
  it("closes the partial result array and appends the documented error object (reference §1.8)", () => {
    const records = [
      { sys_id: "a1", name: "Portail" },
      { sys_id: "b2", name: "État civil" },
    ].map((r) => JSON.stringify(r));
    const body = buildTruncatedBody(records);
    expect(body).toBe(`{"result":[${records.join(",")}],${CANCELLED_ERROR}`);
    // Valid JSON overall, as ServiceNow's body is.
    expect(JSON.parse(body)).toMatchObject({ result: [{ sys_id: "a1" }, { sys_id: "b2" }], status: "failure" });
  });

  it("handles a cut before the first record", () => {
    expect(buildTruncatedBody([])).toBe(`{"result":[],${CANCELLED_ERROR}`);
  });

  it("always keeps fewer rows than the page", () => {
    expect(truncateKeepCount(10, 0)).toBe(0);
    expect(truncateKeepCount(10, 0.55)).toBe(5);
    expect(truncateKeepCount(10, 0.9999)).toBe(9);
    expect(truncateKeepCount(1, 0.9)).toBe(0);
    expect(truncateKeepCount(0, 0.5)).toBe(0);
  });
});

describe("applyAclShort", () => {
  const rows = Array.from({ length: 10 }, (_, i) => ({ sys_id: `r${i}` }));

  it("drops a share of the rows, keeping order, reproducibly", () => {
    const plan = { mode: "drop" as const, hideFraction: 0.3, seed: 12345 };
    const page = applyAclShort(rows, plan);
    expect(page).toHaveLength(7);
    const ids = page.map((row) => ("sys_id" in row ? row.sys_id : ""));
    expect(ids).toEqual([...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    expect(applyAclShort(rows, plan)).toEqual(page);
    expect(applyAclShort(rows, { ...plan, seed: 999 })).not.toEqual(page);
  });

  it("replaces hidden rows by {} in empty-object mode", () => {
    const page = applyAclShort(rows, { mode: "empty-object", hideFraction: 0.2, seed: 1 });
    expect(page).toHaveLength(10);
    expect(page.filter((row) => Object.keys(row).length === 0)).toHaveLength(2);
  });

  it("hides at least one row of a non-empty page, and can empty a page", () => {
    expect(
      applyAclShort([{ sys_id: "x" }, { sys_id: "y" }], { mode: "drop", hideFraction: 0.01, seed: 1 }),
    ).toHaveLength(1);
    expect(applyAclShort(rows, { mode: "drop", hideFraction: 1, seed: 1 })).toEqual([]);
    expect(applyAclShort([], { mode: "drop", hideFraction: 0.5, seed: 1 })).toEqual([]);
  });
});

describe("faultErrorResponse", () => {
  it("uses the documented 500 body, detail first", () => {
    expect(faultErrorResponse(500)).toEqual({
      status: 500,
      contentType: "application/json;charset=UTF-8",
      body: '{"error":{"detail":"Exception while executing request: null Check logs for error trace or enable glide.rest.debug property to verify REST request processing","message":"Exception while executing request: null"},"status":"failure"}',
    });
  });

  it("uses the documented envelopes for 401, 404 and the read/write flavours of 403", () => {
    expect(faultErrorResponse(401).body).toBe(
      '{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}',
    );
    expect(faultErrorResponse(404).body).toBe(
      '{"error":{"message":"No Record found","detail":"Record doesn\'t exist or ACL restricts the record retrieval"},"status":"failure"}',
    );
    expect(JSON.parse(faultErrorResponse(403, "read").body).error.message).toBe("Insufficient rights to query records");
    expect(JSON.parse(faultErrorResponse(403, "write").body).error.message).toBe("Operation Failed");
    expect(faultErrorResponse(429).body).toBe(
      '{"error":{"message":"Too Many Requests","detail":null},"status":"failure"}',
    );
  });

  it("answers gateway errors with HTML and unknown statuses with a null-detail envelope", () => {
    const gateway = faultErrorResponse(503);
    expect(gateway.contentType).toBe("text/html;charset=UTF-8");
    expect(gateway.body).toContain("<title>503 Service Unavailable</title>");
    expect(() => JSON.parse(gateway.body)).toThrow();
    expect(faultErrorResponse(502).body).toContain("502 Bad Gateway");
    expect(faultErrorResponse(409).body).toBe('{"error":{"message":"Conflict","detail":null},"status":"failure"}');
  });

  it("has an HTML page for the hibernating-instance fault", () => {
    expect(HIBERNATING_INSTANCE_HTML).toMatch(/^<!DOCTYPE html>/);
    expect(HIBERNATING_INSTANCE_HTML).toContain("hibernating");
  });
});
