// Batch API and Aggregate API over real HTTP (shared/reference/servicenow-api.md §0 facts 16-17, §5.1, §5.2).
import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/simulator/clock.js";
import { jsonBody, readJson, useDevInstance } from "../helpers/dev-instance.js";

const sim = useDevInstance();

/** Moves 10 s forward every time the instance reads it, so a batch outlives its 30 s quota after a few items. */
const racingClock: Clock & { calls: number } = {
  calls: 0,
  nowMs() {
    return Date.UTC(2026, 10, 20, 9, 0, 0) + this.calls++ * 10_000;
  },
};
const slow = useDevInstance({}, racingClock);

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const unb64 = (text: string) => Buffer.from(text, "base64").toString("utf8");

interface Serviced {
  id: string;
  body?: string;
  status_code: number;
  status_text: string;
  headers: Array<{ name: string; value: string }>;
  execution_time: number;
}
interface BatchReply {
  batch_request_id: string;
  serviced_requests: Serviced[];
  unserviced_requests: string[];
}

describe("Batch API (§5.1)", () => {
  it("runs a GET and a PATCH item with base64 bodies both ways and reports each status", async () => {
    const listPath =
      "/api/now/table/cmdb_ci_service?sysparm_query=ORDERBYsys_id&sysparm_limit=2&sysparm_fields=sys_id,name";
    const direct = await sim.json<{ result: Array<{ sys_id: string }> }>(listPath);
    const target = direct.body.result[0]?.sys_id as string;
    const missing = "0".repeat(32);

    const reply = await sim.json<BatchReply>(
      "/api/now/v1/batch",
      jsonBody("POST", {
        batch_request_id: "b-1",
        rest_requests: [
          { id: "get", method: "GET", url: listPath, headers: [{ name: "Accept", value: "application/json" }] },
          {
            id: "patch",
            method: "PATCH",
            url: `/api/now/table/cmdb_ci_service/${target}?sysparm_fields=u_carbon_grade,sys_mod_count`,
            headers: [
              { name: "Content-Type", value: "application/json" },
              { name: "Accept", value: "application/json" },
            ],
            body: b64('{"u_carbon_grade":"E"}'),
            exclude_response_headers: true,
          },
          { id: "missing", method: "GET", url: `/api/now/table/cmdb_ci_service/${missing}` },
        ],
      }),
    );
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body)).toEqual(["batch_request_id", "serviced_requests", "unserviced_requests"]);
    expect(reply.body.batch_request_id).toBe("b-1");
    expect(reply.body.unserviced_requests).toEqual([]);
    const [get, patch, notFound] = reply.body.serviced_requests as [Serviced, Serviced, Serviced];

    expect(Object.keys(get)).toEqual(["id", "body", "status_code", "status_text", "headers", "execution_time"]);
    expect(get).toMatchObject({ id: "get", status_code: 200, status_text: "OK" });
    expect(unb64(get.body as string)).toBe(direct.text);
    expect(get.headers).toContainEqual({ name: "Content-Type", value: "application/json;charset=UTF-8" });
    expect(get.headers).toContainEqual({ name: "X-Total-Count", value: direct.headers.get("x-total-count") });
    expect(typeof get.execution_time).toBe("number");

    expect(patch).toMatchObject({ id: "patch", status_code: 200, status_text: "OK", headers: [] });
    expect(JSON.parse(unb64(patch.body as string))).toEqual({ result: { u_carbon_grade: "E", sys_mod_count: "1" } });

    expect(notFound).toMatchObject({ id: "missing", status_code: 404, status_text: "Not Found" });
    expect(unb64(notFound.body as string)).toBe(
      '{"error":{"message":"No Record found","detail":"Record doesn\'t exist or ACL restricts the record retrieval"},"status":"failure"}',
    );

    // The write really happened, and the ledger ties it to the batch request.
    const after = await sim.json<{ result: { u_carbon_grade: string } }>(
      `/api/now/table/cmdb_ci_service/${target}?sysparm_fields=u_carbon_grade`,
    );
    expect(after.body.result.u_carbon_grade).toBe("E");
    const requests = await readJson<{ result: Array<{ id: number; path: string }> }>(
      await sim.raw("/_sim/ledger/requests?pathPrefix=/api/now/v1/batch"),
    );
    const writes = await readJson<{ result: Array<{ requestId: number; op: string; sysId: string }> }>(
      await sim.raw(`/_sim/ledger/writes?sysId=${target}`),
    );
    expect(writes.body.result).toEqual([
      expect.objectContaining({ requestId: requests.body.result[0]?.id, op: "update", sysId: target }),
    ]);
  });

  it("a batch costs the write latency once per record it writes (its items run one after another)", async () => {
    const ids = (
      await sim.json<{ result: Array<{ sys_id: string }> }>(
        "/api/now/table/cmdb_ci_service?sysparm_query=ORDERBYsys_id&sysparm_limit=5&sysparm_fields=sys_id",
      )
    ).body.result.map((r) => r.sys_id);
    sim.sim.setFaults({ writeLatencyMs: 60 });
    try {
      const started = performance.now();
      const reply = await sim.json<BatchReply>(
        "/api/now/v1/batch",
        jsonBody("POST", {
          batch_request_id: "slow",
          rest_requests: ids.map((id, i) => ({
            id: String(i),
            method: "PATCH",
            url: `/api/now/table/cmdb_ci_service/${id}?sysparm_fields=sys_id`,
            headers: [{ name: "Content-Type", value: "application/json" }],
            body: b64(JSON.stringify({ u_carbon_grade: String.fromCharCode(65 + i) })),
          })),
        }),
      );
      const elapsedMs = performance.now() - started;
      expect(reply.body.serviced_requests.map((r) => r.status_code)).toEqual([200, 200, 200, 200, 200]);
      expect(elapsedMs).toBeGreaterThanOrEqual(5 * 60 - 5);
    } finally {
      sim.sim.setFaults({});
    }
  });

  it("answers 400 to a batch that is not JSON", async () => {
    const reply = await sim.json("/api/now/v1/batch", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "not json",
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error: { message: "Exception while reading request", detail: "The payload is not valid JSON." },
      status: "failure",
    });
  });

  it("puts the items not reached within the 30 s batch quota in unserviced_requests", async () => {
    const ids = ["a", "b", "c", "d", "e", "f"];
    const reply = await slow.json<BatchReply>(
      "/api/now/v1/batch",
      jsonBody("POST", {
        batch_request_id: "slow",
        rest_requests: ids.map((id) => ({
          id,
          method: "GET",
          url: "/api/now/table/sys_user_group?sysparm_limit=1",
        })),
      }),
    );
    expect(reply.status).toBe(200);
    const serviced = reply.body.serviced_requests.map((s) => s.id);
    expect(serviced.length).toBeGreaterThan(0);
    expect(reply.body.unserviced_requests.length).toBeGreaterThan(0);
    expect([...serviced, ...reply.body.unserviced_requests]).toEqual(ids);
  });
});

describe("Aggregate API (§5.2)", () => {
  it("sysparm_count answers the count as a string", async () => {
    const all = await sim.json("/api/now/stats/u_digital_service_usage?sysparm_count=true");
    const list = await sim.api("/api/now/table/u_digital_service_usage?sysparm_limit=1");
    expect(all.status).toBe(200);
    expect(all.text).toBe(`{"result":{"stats":{"count":"${list.headers.get("x-total-count")}"}}}`);
  });

  it("count, max and min of sys_updated_on, with a query, on /stats and /v1/stats", async () => {
    const q = encodeURIComponent("u_period=2026-10-01");
    const rows = await sim.json<{ result: Array<{ sys_updated_on: string }> }>(
      `/api/now/table/u_digital_service_usage?sysparm_query=${q}&sysparm_fields=sys_updated_on`,
    );
    const stamps = rows.body.result.map((r) => r.sys_updated_on).sort();
    expect(stamps.length).toBeGreaterThan(1);
    for (const prefix of ["/api/now", "/api/now/v1"]) {
      const reply = await sim.json(
        `${prefix}/stats/u_digital_service_usage?sysparm_query=${q}&sysparm_count=true&sysparm_min_fields=sys_updated_on&sysparm_max_fields=sys_updated_on`,
      );
      expect(reply.text).toBe(
        JSON.stringify({
          result: {
            stats: {
              count: String(stamps.length),
              max: { sys_updated_on: stamps.at(-1) },
              min: { sys_updated_on: stamps[0] },
            },
          },
        }),
      );
    }
  });

  it("sysparm_sum_fields adds up sys_mod_count over the query's records, as a string", async () => {
    const q = encodeURIComponent("u_period=2026-10-01");
    const edited = await sim.json<{ result: Array<{ sys_id: string }> }>(
      `/api/now/table/u_digital_service_usage?sysparm_query=${q}&sysparm_fields=sys_id&sysparm_limit=2`,
    );
    for (const [i, r] of edited.body.result.entries()) {
      for (let n = 0; n <= i; n++) {
        await sim.json(
          `/api/now/table/u_digital_service_usage/${r.sys_id}`,
          jsonBody("PATCH", { u_visits: String(1000 + 10 * i + n) }),
        );
      }
    }
    const rows = await sim.json<{ result: Array<{ sys_mod_count: string }> }>(
      `/api/now/table/u_digital_service_usage?sysparm_query=${q}&sysparm_fields=sys_mod_count`,
    );
    const total = rows.body.result.reduce((n, r) => n + Number(r.sys_mod_count), 0);
    expect(total).toBeGreaterThanOrEqual(3);
    const reply = await sim.json(
      `/api/now/stats/u_digital_service_usage?sysparm_query=${q}&sysparm_count=true&sysparm_sum_fields=sys_mod_count`,
    );
    expect(reply.text).toBe(
      JSON.stringify({
        result: { stats: { count: String(rows.body.result.length), sum: { sys_mod_count: String(total) } } },
      }),
    );
  });

  it("answers an unknown table with 400 Invalid table", async () => {
    const reply = await sim.json("/api/now/stats/nope?sysparm_count=true");
    expect([reply.status, reply.text]).toEqual([
      400,
      '{"error":{"message":"Invalid table nope","detail":"Table nope does not exist"},"status":"failure"}',
    ]);
  });
});
