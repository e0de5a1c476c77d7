// Fault injection through PUT /_sim/faults, observed over real HTTP (DESIGN.md §3; shared/reference/servicenow-api.md
// §1.7, §1.8, §3.3, §9 "Failure injection"), and what the ledger records about each fault.
import { afterEach, describe, expect, it } from "vitest";
import type { FaultSettingsInput } from "../../src/simulator/faults/fault-settings.js";
import { jsonBody, readJson, useDevInstance } from "../helpers/dev-instance.js";

const sim = useDevInstance();

type Row = Record<string, string>;
interface LedgerRequest {
  id: number;
  method: string;
  path: string;
  status: number;
  fault: string | null;
  user: string | null;
}
interface LedgerWrite {
  id: number;
  requestId: number;
  op: string;
  sysId: string;
  user: string;
  before: Row | null;
  after: Row | null;
  changedFields: string[];
}

async function setFaults(settings: FaultSettingsInput): Promise<void> {
  const res = await sim.raw("/_sim/faults", jsonBody("PUT", settings));
  expect(res.status).toBe(200);
}

async function lastRequest(): Promise<LedgerRequest> {
  const reply = await readJson<{ result: LedgerRequest[] }>(await sim.raw("/_sim/ledger/requests"));
  return reply.body.result.at(-1) as LedgerRequest;
}

afterEach(async () => {
  await setFaults({});
});

const PAGE = "/api/now/table/cmdb_ci_service?sysparm_query=ORDERBYsys_id&sysparm_limit=20&sysparm_fields=sys_id,name";
const CANCELLED =
  '"error":{"detail":"Transaction cancelled: maximum execution time exceeded Check logs for error trace or enable glide.rest.debug property to verify REST request processing","message":"Transaction cancelled: maximum execution time exceeded"},"status":"failure"}';

describe("truncated 200 (§0 fact 12, §1.8)", () => {
  it("cuts the result array and appends the transaction-cancelled error object, still with status 200", async () => {
    const full = await sim.json<{ result: Row[] }>(PAGE);
    await setFaults({ truncateRate: 1 });
    const cut = await sim.json<{ result: Row[]; error: unknown; status: string }>(PAGE);
    expect(cut.status).toBe(200);
    expect(cut.headers.get("x-total-count")).toBe(full.headers.get("x-total-count"));
    const kept = cut.body.result.length;
    expect(kept).toBeLessThan(full.body.result.length);
    expect(cut.text).toBe(
      `{"result":[${full.body.result
        .slice(0, kept)
        .map((r) => JSON.stringify(r))
        .join(",")}],${CANCELLED}`,
    );
    expect((await lastRequest()).fault).toBe("truncate");
  });
});

describe("error rates (§1.7, §3.4)", () => {
  it("500: the JSON envelope of a server exception", async () => {
    await setFaults({ errorRates: { "500": 1 } });
    const reply = await sim.json(PAGE);
    expect(reply.status).toBe(500);
    expect(reply.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    expect(reply.text).toBe(
      '{"error":{"detail":"Exception while executing request: null Check logs for error trace or enable glide.rest.debug property to verify REST request processing","message":"Exception while executing request: null"},"status":"failure"}',
    );
    expect((await lastRequest()).fault).toBe("error-500");
  });

  it("503: an HTML page from the load balancer, not JSON", async () => {
    await setFaults({ errorRates: { "503": 1 } });
    const reply = await sim.json(PAGE);
    expect(reply.status).toBe(503);
    expect(reply.headers.get("content-type")).toBe("text/html;charset=UTF-8");
    expect(reply.text).toBe(
      "<html>\r\n<head><title>503 Service Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Unavailable</h1></center>\r\n</body>\r\n</html>\r\n",
    );
  });

  it("403 on a read is the query-ACL refusal; only the configured share of requests fails", async () => {
    await setFaults({ errorRates: { "403": 1 } });
    const reply = await sim.json(PAGE);
    expect([reply.status, reply.text]).toEqual([
      403,
      '{"error":{"message":"Insufficient rights to query records","detail":"Field(s) present in the query do not have permission to be read"},"status":"failure"}',
    ]);
    await setFaults({ errorRates: { "500": 0.5 }, seed: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await sim.api(PAGE);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    const failed = statuses.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(statuses.filter((s) => s !== 500 && s !== 200)).toEqual([]);
  });

  it("202 with an empty body, and a 200 HTML page from a hibernating instance", async () => {
    await setFaults({ emptyAcceptedRate: 1 });
    const empty = await sim.json(PAGE);
    expect([empty.status, empty.text]).toEqual([202, ""]);
    await setFaults({ htmlLoginRate: 1 });
    const html = await sim.json(PAGE);
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toBe("text/html;charset=UTF-8");
    expect(html.text).toContain("<title>Instance Hibernating page</title>");
  });
});

describe("latency", () => {
  it("adds the fixed latency, and the per-row latency times the rows of the page", async () => {
    await setFaults({ latencyMs: 150 });
    let t0 = performance.now();
    expect((await sim.json(PAGE)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    await setFaults({ latencyPerRowMs: 10 });
    t0 = performance.now();
    const reply = await sim.json<{ result: Row[] }>(PAGE);
    expect(reply.body.result).toHaveLength(20);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(200);
  });
});

describe("connection resets around a write (style-reliability B6)", () => {
  it("before the write: the fetch fails, the record is unchanged, the ledger shows the fault", async () => {
    const { body } = await sim.json<{ result: Row[] }>(PAGE);
    const id = body.result[1]?.sys_id as string;
    const before = await sim.json<{ result: Row }>(`/api/now/table/cmdb_ci_service/${id}`);
    await setFaults({ resetBeforeWriteRate: 1 });
    await expect(
      sim.api(`/api/now/table/cmdb_ci_service/${id}`, jsonBody("PATCH", { u_carbon_grade: "G" })),
    ).rejects.toThrow(TypeError);
    await setFaults({});
    const after = await sim.json<{ result: Row }>(`/api/now/table/cmdb_ci_service/${id}`);
    expect(after.text).toBe(before.text);
    const requests = await readJson<{ result: LedgerRequest[] }>(await sim.raw("/_sim/ledger/requests?method=PATCH"));
    expect(requests.body.result.at(-1)).toMatchObject({
      fault: "reset-before",
      path: `/api/now/table/cmdb_ci_service/${id}`,
    });
    const writes = await readJson<{ result: LedgerWrite[] }>(await sim.raw(`/_sim/ledger/writes?sysId=${id}`));
    expect(writes.body.result).toEqual([]);
  });

  it("after the write: the fetch fails, yet the record CHANGED and the ledger has the write", async () => {
    const { body } = await sim.json<{ result: Row[] }>(PAGE);
    const id = body.result[2]?.sys_id as string;
    await setFaults({ resetAfterWriteRate: 1 });
    await expect(
      sim.api(`/api/now/table/cmdb_ci_service/${id}`, jsonBody("PATCH", { u_carbon_grade: "F" })),
    ).rejects.toThrow(TypeError);
    await setFaults({});
    const after = await sim.json<{ result: Row }>(
      `/api/now/table/cmdb_ci_service/${id}?sysparm_fields=u_carbon_grade,sys_mod_count`,
    );
    expect(after.body.result).toEqual({ u_carbon_grade: "F", sys_mod_count: "1" });
    const requests = await readJson<{ result: LedgerRequest[] }>(await sim.raw("/_sim/ledger/requests?method=PATCH"));
    const request = requests.body.result.at(-1) as LedgerRequest;
    expect(request).toMatchObject({ fault: "reset-after", status: 200 });
    const writes = await readJson<{ result: LedgerWrite[] }>(await sim.raw(`/_sim/ledger/writes?sysId=${id}`));
    expect(writes.body.result).toEqual([
      expect.objectContaining({ requestId: request.id, op: "update", changedFields: ["u_carbon_grade"] }),
    ]);
    expect(writes.body.result[0]?.before?.u_carbon_grade).toBe("");
    expect(writes.body.result[0]?.after?.u_carbon_grade).toBe("F");
  });
});

describe("ACL-short pages (§0 facts 5 and 20)", () => {
  it("drops rows after the limit while X-Total-Count keeps the full count", async () => {
    const full = await sim.json<{ result: Row[] }>(PAGE);
    await setFaults({ aclShortRate: 1, aclShortFraction: 0.25 });
    const short = await sim.json<{ result: Row[] }>(PAGE);
    expect(short.status).toBe(200);
    expect(short.headers.get("x-total-count")).toBe(full.headers.get("x-total-count"));
    expect(short.headers.get("link")).toBe(full.headers.get("link"));
    expect(short.body.result).toHaveLength(15);
    const fullIds = full.body.result.map((r) => r.sys_id);
    const shortIds = short.body.result.map((r) => r.sys_id);
    expect(fullIds.filter((id) => shortIds.includes(id))).toEqual(shortIds); // a subsequence, order kept
    expect((await lastRequest()).fault).toBe("acl-short");
  });

  it("empty-object mode keeps the page length with {} in place of hidden rows", async () => {
    await setFaults({ aclShortRate: 1, aclShortFraction: 0.25, aclShortMode: "empty-object" });
    const short = await sim.json<{ result: Row[] }>(PAGE);
    expect(short.body.result).toHaveLength(20);
    expect(short.body.result.filter((r) => Object.keys(r).length === 0)).toHaveLength(5);
  });
});

describe("records mutated between pages", () => {
  it("the ledger shows edits by fault.injector between two list requests", async () => {
    await setFaults({ mutateBetweenPages: 3 });
    const page1 = await sim.api(`${PAGE}&sysparm_offset=0`);
    await page1.arrayBuffer();
    const mark = await readJson<{ result: LedgerWrite[] }>(await sim.raw("/_sim/ledger/writes"));
    const sinceId = mark.body.result.at(-1)?.id ?? 0;
    const page2 = await sim.api(`${PAGE}&sysparm_offset=20`);
    expect(page2.status).toBe(200);
    const writes = await readJson<{ result: LedgerWrite[] }>(
      await sim.raw(`/_sim/ledger/writes?sinceId=${sinceId}&user=fault.injector`),
    );
    expect(writes.body.result).toHaveLength(3);
    for (const w of writes.body.result) {
      expect(w).toMatchObject({ op: "update", user: "fault.injector" });
      expect(w.after?.sys_updated_by).toBe("fault.injector");
      expect(Number(w.after?.sys_mod_count)).toBe(Number(w.before?.sys_mod_count) + 1);
      const now = await sim.json<{ result: Row }>(
        `/api/now/table/cmdb_ci_service/${w.sysId}?sysparm_fields=short_description`,
      );
      expect(now.body.result.short_description).toBe(w.after?.short_description);
    }
  });
});

describe("clock offset", () => {
  it("shifts the Date header and the sys_updated_on of a write", async () => {
    const dayS = 86_400;
    await setFaults({ clockOffsetS: -dayS });
    const { body } = await sim.json<{ result: Row[] }>(PAGE);
    const id = body.result[3]?.sys_id as string;
    const t0 = Date.now();
    const reply = await sim.json<{ result: Row }>(
      `/api/now/table/cmdb_ci_service/${id}?sysparm_fields=sys_updated_on`,
      jsonBody("PATCH", { u_carbon_grade: "A" }),
    );
    const t1 = Date.now();
    const dateHeaderMs = Date.parse(reply.headers.get("date") as string);
    expect(dateHeaderMs).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000 - dayS * 1000);
    expect(dateHeaderMs).toBeLessThanOrEqual(t1 - dayS * 1000);
    const updatedMs = Date.parse(`${reply.body.result.sys_updated_on?.replace(" ", "T")}Z`);
    expect(updatedMs).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000 - dayS * 1000);
    expect(updatedMs).toBeLessThanOrEqual(t1 - dayS * 1000);
  });
});
