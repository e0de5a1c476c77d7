// Contract of one incremental pull on the wire (issue #3 "Must show"; strict nock: a test fails on an unused mock as
// on an unmatched request). The exact query strings: the keyset pattern of servicenow-api.md §6.1 with the base
// filter repeated in each ^NQ group, sysparm_fields limited to the mapped columns, stored values, plain reference
// sys_ids, a count on the first page only (docs/adr/0002), and a read that stops only on an empty page after a
// short one — or after the first page when its count says it held everything.
import type Database from "better-sqlite3";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EmpreinteConfig } from "../../src/config/config-schema.js";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { systemClock } from "../../src/lib/clock.js";
import { CacheRepository } from "../../src/store/cache-repository.js";
import { openDatabase } from "../../src/store/open-database.js";
import { runPull } from "../../src/sync/run-pull.js";
import { memoryLogger, withLease } from "../helpers/pull-harness.js";
import { useStrictNock } from "../helpers/strict-nock.js";

useStrictNock();

const ORIGIN = "https://acme.service-now.com";
const USER = "empreinte.integration";
const PASSWORD = "contract-password";
const BASE = "operational_status!=7";

const SERVICE_FIELDS =
  "sys_id,sys_updated_on,sys_mod_count,sys_class_name,name,operational_status,busines_criticality,owned_by," +
  "support_group,u_domain,u_hosting_mode,u_vcpu_count,u_ram_gb,u_ssd_tb,u_hdd_tb,u_server_count,u_pue," +
  "u_cpu_utilization,u_host_share,u_host_country,u_co2e_kg_year,u_co2e_kg_month,u_energy_kwh_year," +
  "u_co2e_g_per_visit,u_carbon_grade,u_carbon_confidence,u_usage_status,u_visits_year,u_carbon_method," +
  "u_carbon_computed_on,owned_by.name,support_group.name";
const USAGE_FIELDS =
  "sys_id,sys_updated_on,sys_mod_count,u_service,u_period,u_visits,u_page_views,u_transactions,u_data_gb," +
  "u_avg_session_min,u_mobile_share";

const id = (n: number) => n.toString(16).padStart(32, "0");
const S0 = id(0xa0);
const U0 = id(0xb0);
const ORDER = "ORDERBYsys_updated_on^ORDERBYsys_id";
const SINCE_S = "2026-10-01 09:55:00"; // services cursor 10:00:00 minus the 300 s lookback
const SINCE_U = "2026-10-01 07:55:00"; // usage cursor 08:00:00 minus the 300 s lookback

function service(n: number, updatedOn: string) {
  return {
    sys_id: id(n),
    sys_updated_on: updatedOn,
    sys_mod_count: "2",
    sys_class_name: "cmdb_ci_service_business",
    name: `Service ${n}`,
    operational_status: "1",
    u_hosting_mode: "vcpu",
    u_vcpu_count: "4",
    u_host_country: "FRA",
  };
}

function usage(n: number, updatedOn: string) {
  return {
    sys_id: id(n),
    sys_updated_on: updatedOn,
    sys_mod_count: "0",
    u_service: id(1),
    u_period: "2026-09-01",
    u_visits: "1200",
    u_page_views: "4000",
  };
}

/** The query parameters every list request carries, in the order table-params.ts sends them. */
function listQuery(table: "services" | "usage", sysparmQuery: string, count: boolean, limit: number) {
  return {
    sysparm_query: sysparmQuery,
    sysparm_fields: table === "services" ? SERVICE_FIELDS : USAGE_FIELDS,
    sysparm_limit: String(limit),
    sysparm_display_value: "false",
    sysparm_exclude_reference_link: "true",
    sysparm_no_count: count ? "false" : "true",
    sysparm_suppress_pagination_header: "true",
  };
}

const DATE = { Date: "Sun, 29 Nov 2026 12:00:00 GMT", "Content-Type": "application/json;charset=UTF-8" };
/** The signpost the Date header above gives: `sys_updated_on<=` the instance's clock at the read's first response. */
const SIGNPOST = "sys_updated_on<=2026-11-29 12:00:00";
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

let db: Database.Database;
let config: EmpreinteConfig;

beforeEach(() => {
  config = resolveConfig({
    document: {
      catalogue: { pageSize: 2, query: BASE },
      usage: { pageSize: 5 },
      sync: { fullReconcileEveryNRuns: 0 },
    },
    env: { SN_INSTANCE_URL: ORIGIN, SN_USERNAME: USER, SN_PASSWORD: PASSWORD },
  }).config;
  db = openDatabase({ path: ":memory:" });
  // A previous run left these cursors.
  withLease(db, (token) => {
    const cache = new CacheRepository(db);
    cache.setCursor({ stream: "services", updatedOn: "2026-10-01 10:00:00", sysId: S0 }, token, Date.now());
    cache.setCursor({ stream: "usage", updatedOn: "2026-10-01 08:00:00", sysId: U0 }, token, Date.now());
  });
});

afterEach(() => {
  db.close();
});

describe("one incremental pull on the wire", () => {
  it("sends the §6.1 keyset queries with the base filter in each ^NQ group and stops on the empty page", async () => {
    const paths: string[] = [];
    const record = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      function (this: { req: { path: string } }) {
        paths.push(this.req.path);
        return [status, JSON.stringify(body), { ...DATE, ...headers }] as [number, string, Record<string, string>];
      };
    const scope = nock(ORIGIN, { reqheaders: { authorization: AUTH, accept: "application/json" } });
    // Services, page 1: the window from cursor − lookback, counted (X-Total-Count 3 > limit 2: read on).
    scope
      .get("/api/now/table/cmdb_ci_service")
      .query(listQuery("services", `${BASE}^sys_updated_on>=${SINCE_S}^${ORDER}`, true, 2))
      .reply(
        record(
          200,
          { result: [service(1, "2026-10-01 09:58:00"), service(2, "2026-10-01 10:02:00")] },
          {
            "X-Total-Count": "3",
          },
        ),
      );
    // Page 2: strictly after (10:02:00, id(2)); base filter, signpost (the instance's Date at page 1: records edited
    // from then on wait for the next run) and lower bound repeated in both ^NQ groups; no count.
    const after2 =
      `${BASE}^${SIGNPOST}^sys_updated_on>=${SINCE_S}^sys_updated_on>2026-10-01 10:02:00` +
      `^NQ${BASE}^${SIGNPOST}^sys_updated_on>=${SINCE_S}^sys_updated_on=2026-10-01 10:02:00^sys_id>${id(2)}^${ORDER}`;
    scope
      .get("/api/now/table/cmdb_ci_service")
      .query(listQuery("services", after2, false, 2))
      .reply(record(200, { result: [service(3, "2026-10-01 10:05:00")] }));
    // Page 2 was short: that proves nothing (ACLs filter after the limit), so page 3 is asked for; it is empty.
    const after3 =
      `${BASE}^${SIGNPOST}^sys_updated_on>=${SINCE_S}^sys_updated_on>2026-10-01 10:05:00` +
      `^NQ${BASE}^${SIGNPOST}^sys_updated_on>=${SINCE_S}^sys_updated_on=2026-10-01 10:05:00^sys_id>${id(3)}^${ORDER}`;
    scope
      .get("/api/now/table/cmdb_ci_service")
      .query(listQuery("services", after3, false, 2))
      .reply(record(200, { result: [] }));
    // Usage: no base filter; the counted first page holds every match (2 ≤ limit 5), so it is the only request.
    scope
      .get("/api/now/table/u_digital_service_usage")
      .query(listQuery("usage", `sys_updated_on>=${SINCE_U}^${ORDER}`, true, 5))
      .reply(
        record(
          200,
          { result: [usage(0x11, "2026-10-01 07:59:59"), usage(0x12, "2026-10-01 08:30:00")] },
          {
            "X-Total-Count": "2",
          },
        ),
      );

    const summary = await runPull(
      { db, config, clock: systemClock, log: memoryLogger().log },
      { full: false, owner: "contract test" },
    );

    expect(scope.isDone()).toBe(true);
    expect(paths).toHaveLength(4);
    // Spaces in datetimes go out as %20 (never "+", which some gateways do not decode; §2.3).
    for (const p of paths) expect(p).not.toContain("+");
    expect(paths[0]).toContain("sysparm_query=operational_status!%3D7%5Esys_updated_on%3E%3D2026-10-01%2009%3A55%3A00");
    expect(summary.outcome).toBe("ok");
    expect(summary.requests).toBe(4);
    const [services, usageStream] = summary.streams;
    expect(services).toMatchObject({ stream: "services", pages: 2, read: 3, written: 3 });
    expect(usageStream).toMatchObject({ stream: "usage", pages: 1, read: 2, written: 2 });
    const cache = new CacheRepository(db);
    expect(cache.getCursor("services")).toEqual({
      stream: "services",
      updatedOn: "2026-10-01 10:05:00",
      sysId: id(3),
    });
    // A window row older than the stored cursor never moves it back.
    expect(cache.getCursor("usage")).toEqual({ stream: "usage", updatedOn: "2026-10-01 08:30:00", sysId: id(0x12) });
    expect(cache.counts().services.live).toBe(3);
    expect(cache.counts().usage.live).toBe(2);
  });

  it("a first run (no cursor) reads from the beginning with no lower bound and no count", async () => {
    withLease(db, (token) => new CacheRepository(db).resetCursors(token));
    const scope = nock(ORIGIN, { reqheaders: { authorization: AUTH } });
    scope
      .get("/api/now/table/cmdb_ci_service")
      .query(listQuery("services", `${BASE}^${ORDER}`, false, 2))
      .reply(200, { result: [service(1, "2026-01-01 00:00:00")] }, DATE);
    scope
      .get("/api/now/table/cmdb_ci_service")
      .query(
        listQuery(
          "services",
          `${BASE}^${SIGNPOST}^sys_updated_on>2026-01-01 00:00:00` +
            `^NQ${BASE}^${SIGNPOST}^sys_updated_on=2026-01-01 00:00:00^sys_id>${id(1)}^${ORDER}`,
          false,
          2,
        ),
      )
      .reply(200, { result: [] }, DATE);
    scope
      .get("/api/now/table/u_digital_service_usage")
      .query(listQuery("usage", ORDER, false, 5))
      .reply(200, { result: [] }, DATE);

    const summary = await runPull(
      { db, config, clock: systemClock, log: memoryLogger().log },
      { full: false, owner: "contract test" },
    );
    expect(scope.isDone()).toBe(true);
    expect(summary.requests).toBe(3);
    expect(summary.streams.map((s) => s.start.reason)).toEqual(["first-run", "first-run"]);
  });
});
