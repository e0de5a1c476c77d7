import nock from "nock";
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/lib/connector-error.js";
import { isNotFound, ServiceNowClient, type ServiceNowClientOptions } from "../../src/servicenow/table-client.js";
import { netError, useStrictNock } from "../helpers/strict-nock.js";
import { FakeClock, T0, until } from "../http/fake-clock.js";

useStrictNock();

const INSTANCE = "https://acme.service-now.com";
const TABLE_PATH = "/api/now/table/cmdb_ci_service";
const BASIC = `Basic ${Buffer.from("svc.empreinte:pw-123456").toString("base64")}`;
const JSON_HEADERS = { "Content-Type": "application/json;charset=UTF-8" };
const SYS_A = "a".repeat(32);
const SYS_B = "b".repeat(32);
const RECORDS = [
  { sys_id: SYS_A, sys_updated_on: "2026-02-01 10:00:00", sys_mod_count: "3", name: "Library registration" },
  { sys_id: SYS_B, sys_updated_on: "2026-02-01 10:00:00", sys_mod_count: "0", name: "Bus pass" },
];
const PAGE = JSON.stringify({ result: RECORDS });
const LIST_QUERY = {
  sysparm_query: "ORDERBYsys_updated_on^ORDERBYsys_id",
  sysparm_fields: "sys_id,sys_updated_on,sys_mod_count,name",
  sysparm_limit: "1000",
  sysparm_display_value: "false",
  sysparm_exclude_reference_link: "true",
  sysparm_no_count: "true",
  sysparm_suppress_pagination_header: "true",
};
const NOT_FOUND = {
  error: { message: "No Record found", detail: "Record doesn't exist or ACL restricts the record retrieval" },
  status: "failure",
};

function makeClient(options: Partial<ServiceNowClientOptions> = {}, clock = new FakeClock()) {
  return new ServiceNowClient({
    instanceUrl: INSTANCE,
    auth: { type: "basic", username: "svc.empreinte", password: "pw-123456" },
    clock,
    http: { random: () => 0.5, ...options.http },
    ...options,
  });
}

const list = (client: ServiceNowClient) =>
  client.listPage("cmdb_ci_service", { query: "ORDERBYsys_updated_on^ORDERBYsys_id", fields: ["name"] });

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error("expected a rejection");
}

describe("ServiceNowClient.listPage", () => {
  it("sends the list parameters with Basic auth and returns raw records, server date and rate-limit info", async () => {
    nock(INSTANCE, { reqheaders: { authorization: BASIC, accept: "application/json" } })
      .get(TABLE_PATH)
      .query(LIST_QUERY)
      .reply(200, PAGE, {
        ...JSON_HEADERS,
        Date: "Sun, 01 Mar 2026 10:00:07 GMT",
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Reset": "1772362800",
        "X-RateLimit-Rule": "0123",
      });
    const client = makeClient();
    const page = await list(client);
    expect(page.records).toEqual(RECORDS);
    expect(page.serverDate).toBe("2026-03-01 10:00:07");
    expect(page.rateLimit).toEqual({ limitPerHour: 5000, resetEpochS: 1772362800, rule: "0123" });
    expect(client.stats().requests.list).toBe(1);
    expect(client.stats().http.attempts).toBe(1);
  });

  it("asks for X-Total-Count only when told to, and returns it", async () => {
    nock(INSTANCE)
      .get(TABLE_PATH)
      .query({ ...LIST_QUERY, sysparm_no_count: "false" })
      .reply(200, PAGE, { ...JSON_HEADERS, "X-Total-Count": "77" });
    const page = await makeClient().listPage("cmdb_ci_service", {
      query: "ORDERBYsys_updated_on^ORDERBYsys_id",
      fields: ["name"],
      count: true,
    });
    expect(page.totalCount).toBe(77);
  });

  it("retries a truncated 200 and accepts the good page (B6 row 5)", async () => {
    const truncated =
      '{"result":[{"sys_id":"aaaa"}],"error":{"message":"Transaction cancelled: maximum execution time exceeded",' +
      '"detail":"Check logs"},"status":"failure"}';
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(200, truncated, JSON_HEADERS);
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(200, PAGE, JSON_HEADERS);
    const client = makeClient();
    const page = await list(client);
    expect(page.records).toHaveLength(2);
    expect(client.stats().http.retriesByReason.truncated).toBe(1);
  });

  it("treats an HTML page as transient: retried, then failed with a clear message if it persists", async () => {
    const html = "<html><body>Your instance is hibernating</body></html>";
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(200, html, { "Content-Type": "text/html" });
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(200, PAGE, JSON_HEADERS);
    await expect(list(makeClient())).resolves.toMatchObject({ records: RECORDS });

    nock(INSTANCE).get(TABLE_PATH).query(true).times(2).reply(200, html, { "Content-Type": "text/html" });
    const err = await rejection(list(makeClient({ http: { maxRetries: 1 } })));
    expect(err.kind).toBe("transient");
    expect(err.message).toMatch(/HTML page: hibernating instance or SSO gateway\?.*gave up after 2 attempts/);
  });

  it("retries a 202 with an empty body and cut-short JSON", async () => {
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(202, "");
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(200, '{"result":[{"sys_id":', JSON_HEADERS);
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(200, PAGE, JSON_HEADERS);
    const client = makeClient();
    await expect(list(client)).resolves.toMatchObject({ records: RECORDS });
    expect(client.stats().http.attempts).toBe(3);
  });

  it("retries 5xx, connection resets and semaphore 429s (no headers) with backoff", async () => {
    const clock = new FakeClock();
    nock(INSTANCE)
      .get(TABLE_PATH)
      .query(true)
      .reply(500, { error: { message: "Exception", detail: null } });
    nock(INSTANCE).get(TABLE_PATH).query(true).replyWithError(netError("ECONNRESET"));
    nock(INSTANCE)
      .get(TABLE_PATH)
      .query(true)
      .reply(429, { error: { message: "Too Many Requests" } });
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(200, PAGE, JSON_HEADERS);
    const client = makeClient({}, clock);
    await expect(list(client)).resolves.toMatchObject({ records: RECORDS });
    expect(client.stats().http.retriesByReason).toMatchObject({ "5xx": 1, network: 1, "429": 1 });
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
  });

  it.each([
    [
      400,
      { error: { message: "Invalid table cmdb_ci_service", detail: "Table cmdb_ci_service does not exist" } },
      "config",
    ],
    [403, { error: { message: "Insufficient rights to query records", detail: null } }, "permission"],
    [404, NOT_FOUND, "data"],
  ] as const)("does not retry %i", async (code, body, kind) => {
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(code, body, JSON_HEADERS);
    const client = makeClient();
    const err = await rejection(list(client));
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(code);
    expect(err.message).toContain(body.error.message);
    expect(client.stats().http.attempts).toBe(1);
    expect(isNotFound(err)).toBe(code === 404);
    if (code === 403) expect(err.message).toMatch(/lacks a right/);
  });

  it("does not follow redirects (an SSO gateway) and says so", async () => {
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(302, "", { Location: "https://sso.acme.example/login?x=1" });
    const err = await rejection(list(makeClient()));
    expect(err.kind).toBe("config");
    expect(err.message).toMatch(/redirected to sso\.acme\.example: an SSO gateway/);
  });

  it("pauses the whole host on 429 + Retry-After: nothing is sent until the wait ends (B6 row 1)", async () => {
    const clock = new FakeClock({ auto: false });
    const client = makeClient({}, clock);
    const received: Array<[string, number]> = [];
    const reply = (name: string, answer: nock.ReplyFnResult) => () => {
      received.push([name, clock.nowMs()]);
      return answer;
    };
    nock(INSTANCE)
      .get(TABLE_PATH)
      .query((q) => q.sysparm_limit === "1")
      .reply(reply("a", [429, NOT_FOUND, { "Retry-After": "2", ...JSON_HEADERS }]));
    nock(INSTANCE)
      .get(TABLE_PATH)
      .query((q) => q.sysparm_limit === "1")
      .reply(reply("a", [200, PAGE, JSON_HEADERS]));
    nock(INSTANCE)
      .get(TABLE_PATH)
      .query((q) => q.sysparm_limit === "2")
      .reply(reply("b", [200, PAGE, JSON_HEADERS]));
    const page = (limit: number) => client.listPage("cmdb_ci_service", { query: "", fields: [], limit });
    const a = page(1);
    await until(() => clock.pendingSleeps === 1, "A waiting for the Retry-After");
    const b = page(2);
    await until(() => clock.pendingSleeps === 2, "B held at the gate");
    expect(received).toEqual([["a", T0]]);
    clock.advance(2000);
    await Promise.all([a, b]);
    expect(received.slice(1).map(([, at]) => at)).toEqual([T0 + 2000, T0 + 2000]);
    expect(client.stats().http).toMatchObject({ rateLimitWaits: 1, waitedMs: 2000 });
  });

  it("uses X-RateLimit-Reset when Retry-After is missing", async () => {
    const clock = new FakeClock();
    nock(INSTANCE)
      .get(TABLE_PATH)
      .query(true)
      .reply(429, { error: { message: "Rate limit exceeded" } }, { "X-RateLimit-Reset": String(T0 / 1000 + 9) });
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(200, PAGE, JSON_HEADERS);
    await list(makeClient({}, clock));
    expect(clock.sleeps).toEqual([10_000]);
  });

  it("stops with rate_limited when the instance asks for more than maxRetryAfterS (B6 row 1c)", async () => {
    const clock = new FakeClock();
    nock(INSTANCE)
      .get(TABLE_PATH)
      .query(true)
      .reply(
        429,
        {
          error: {
            message: "Rate limit exceeded",
            detail: "Rate limit of 100 requests per hour for Table API exceeded",
          },
          status: "failure",
        },
        { "Retry-After": "3600" },
      );
    const err = await rejection(list(makeClient({}, clock)));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(clock.sleeps).toEqual([]);
  });

  it("times out a silent instance (clarified as ETIMEDOUT) and retries", async () => {
    nock(INSTANCE).get(TABLE_PATH).query(true).delay(300).reply(200, PAGE, JSON_HEADERS);
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(200, PAGE, JSON_HEADERS);
    const client = makeClient({ timeoutMs: 30 });
    await expect(list(client)).resolves.toMatchObject({ records: RECORDS });
    expect(client.stats().http.retriesByReason.timeout).toBe(1);
  });

  it("refuses a response above maxBodyBytes without retrying it", async () => {
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(200, PAGE, JSON_HEADERS);
    const err = await rejection(list(makeClient({ maxBodyBytes: 100 })));
    expect(err.kind).toBe("data");
    expect(err.message).toMatch(/larger than the configured maximum/);
  });

  it("refuses a bad table name before sending anything", async () => {
    const client = makeClient();
    await expect(async () => client.listPage("cmdb_ci_service?x=1", { query: "", fields: [] })).rejects.toMatchObject({
      kind: "config",
    });
  });
});

describe("ServiceNowClient writes and other APIs", () => {
  it("PATCHes only the given fields, as JSON, with a limited echo", async () => {
    nock(INSTANCE, { reqheaders: { "content-type": "application/json", accept: "application/json" } })
      .patch(`${TABLE_PATH}/${SYS_A}`, { u_co2e_kg_month: "12.5" })
      .query({
        sysparm_fields: "sys_id,sys_updated_on,sys_mod_count,u_co2e_kg_month",
        sysparm_input_display_value: "false",
        sysparm_exclude_reference_link: "true",
      })
      .reply(200, { result: { sys_id: SYS_A, sys_mod_count: "4", u_co2e_kg_month: "12.5" } }, JSON_HEADERS);
    const client = makeClient();
    const echo = await client.patchRecord(
      "cmdb_ci_service",
      SYS_A,
      { u_co2e_kg_month: "12.5" },
      {
        echoFields: ["u_co2e_kg_month"],
      },
    );
    expect(echo).toMatchObject({ sys_mod_count: "4" });
    expect(client.stats().requests.patch).toBe(1);
  });

  it("reports a PATCH to a deleted record as not-found, and retries a PATCH after a reset (idempotent)", async () => {
    nock(INSTANCE).patch(`${TABLE_PATH}/${SYS_A}`).query(true).replyWithError(netError("ECONNRESET"));
    nock(INSTANCE).patch(`${TABLE_PATH}/${SYS_A}`).query(true).reply(404, NOT_FOUND, JSON_HEADERS);
    const err = await rejection(makeClient().patchRecord("cmdb_ci_service", SYS_A, { u_x: "1" }));
    expect(isNotFound(err)).toBe(true);
  });

  it("refuses invalid field names and sys_ids in a PATCH", async () => {
    const client = makeClient();
    await expect(async () => client.patchRecord("cmdb_ci_service", SYS_A, { "sys_id^ORx": "1" })).rejects.toThrow(
      /Invalid field name/,
    );
    await expect(async () => client.patchRecord("cmdb_ci_service", "../incident", { u_x: "1" })).rejects.toThrow(
      /Invalid sys_id/,
    );
  });

  it("GETs one record", async () => {
    nock(INSTANCE)
      .get(`${TABLE_PATH}/${SYS_B}`)
      .query({
        sysparm_fields: "sys_id,sys_updated_on,sys_mod_count,name",
        sysparm_display_value: "false",
        sysparm_exclude_reference_link: "true",
      })
      .reply(200, { result: RECORDS[1] }, JSON_HEADERS);
    await expect(makeClient().getRecord("cmdb_ci_service", SYS_B, ["name"])).resolves.toEqual(RECORDS[1]);
  });

  it("sends Batch API bodies in base64 and decodes the answers", async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
    let sent: unknown;
    nock(INSTANCE)
      .post("/api/now/v1/batch", (body) => {
        sent = body;
        return true;
      })
      .reply(200, {
        batch_request_id: "1",
        serviced_requests: [
          {
            id: "p1",
            status_code: 200,
            status_text: "OK",
            body: b64({ result: { sys_id: SYS_A } }),
            execution_time: 5,
          },
          { id: "p2", status_code: 404, status_text: "Not Found", body: b64(NOT_FOUND), execution_time: 2 },
        ],
        unserviced_requests: ["p3"],
      });
    const result = await makeClient().batch([
      { id: "p1", method: "PATCH", url: `${TABLE_PATH}/${SYS_A}?sysparm_fields=sys_id`, body: { u_x: "1" } },
      { id: "p2", method: "PATCH", url: `${TABLE_PATH}/${SYS_B}`, body: { u_x: "2" } },
      { id: "p3", method: "PATCH", url: `${TABLE_PATH}/${SYS_B}`, body: { u_x: "3" } },
    ]);
    expect(sent).toMatchObject({
      batch_request_id: "1",
      rest_requests: [
        { id: "p1", method: "PATCH", body: b64({ u_x: "1" }), exclude_response_headers: true },
        { id: "p2" },
        { id: "p3" },
      ],
    });
    expect(result.serviced.map((s) => [s.id, s.statusCode])).toEqual([
      ["p1", 200],
      ["p2", 404],
    ]);
    expect(result.serviced[0]?.body).toEqual({ result: { sys_id: SYS_A } });
    expect(result.unserviced).toEqual(["p3"]);
  });

  it("retries a batch of PATCHes after a reset, but never a batch that creates (POST) records", async () => {
    const ok = { batch_request_id: "1", serviced_requests: [], unserviced_requests: [] };
    nock(INSTANCE).post("/api/now/v1/batch").replyWithError(netError("ECONNRESET"));
    nock(INSTANCE).post("/api/now/v1/batch").reply(200, ok);
    await makeClient().batch([{ id: "1", method: "PATCH", url: `${TABLE_PATH}/${SYS_A}`, body: {} }]);

    nock(INSTANCE).post("/api/now/v1/batch").replyWithError(netError("ECONNRESET"));
    const err = await rejection(
      makeClient().batch([{ id: "1", method: "POST", url: TABLE_PATH, body: { name: "x" } }]),
    );
    expect(err.message).toMatch(/not retried/);
  });

  it("reads Aggregate API counts (strings) and min/max", async () => {
    nock(INSTANCE)
      .get("/api/now/stats/cmdb_ci_service")
      .query({ sysparm_query: "active=true", sysparm_count: "true", sysparm_max_fields: "sys_updated_on" })
      .reply(200, { result: { stats: { count: "1600", max: { sys_updated_on: "2026-02-28 23:59:59" } } } });
    await expect(
      makeClient().aggregate("cmdb_ci_service", { query: "active=true", count: true, max: ["sys_updated_on"] }),
    ).resolves.toEqual({ count: 1600, min: {}, max: { sys_updated_on: "2026-02-28 23:59:59" }, sum: {} });
  });

  it("reads Aggregate API sums (strings, whole or decimal), leaving out a sum that is not a number", async () => {
    nock(INSTANCE)
      .get("/api/now/stats/u_usage")
      .query({ sysparm_query: "sys_updated_on>=2026-11-29 10:00:00", sysparm_sum_fields: "sys_mod_count,u_visits,u_x" })
      .reply(200, { result: { stats: { sum: { sys_mod_count: "4211", u_visits: "12.0", u_x: "n/a" } } } });
    await expect(
      makeClient().aggregate("u_usage", {
        query: "sys_updated_on>=2026-11-29 10:00:00",
        sum: ["sys_mod_count", "u_visits", "u_x"],
      }),
    ).resolves.toEqual({ count: undefined, min: {}, max: {}, sum: { sys_mod_count: 4211, u_visits: 12 } });
  });
});

describe("ServiceNowClient construction", () => {
  it("refuses plain http:// to a non-loopback host, allows loopback", () => {
    expect(() => makeClient({ instanceUrl: "http://acme.service-now.com" })).toThrow(/Refusing plain http/);
    expect(makeClient({ instanceUrl: "http://127.0.0.1:9999/" }).baseUrl).toBe("http://127.0.0.1:9999");
  });
});
