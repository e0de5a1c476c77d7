// Table API reads over real HTTP: envelopes, Link / X-Total-Count, sysparm_* parameters, the three display_value
// shapes, versioned links, inheritance and the error envelopes (shared/reference/servicenow-api.md §0, §1, §9).
import { beforeAll, describe, expect, it } from "vitest";
import { useDevInstance } from "../helpers/dev-instance.js";

const sim = useDevInstance();

type Row = Record<string, string>;
interface Ref {
  link?: string;
  value?: string;
  display_value?: string | null;
}

/** The whole catalogue, plain values (references as sys_id strings), in sys_id order. */
let catalogue: Row[] = [];

beforeAll(async () => {
  const reply = await sim.json<{ result: Row[] }>(
    "/api/now/table/cmdb_ci_service?sysparm_query=ORDERBYsys_id&sysparm_exclude_reference_link=true",
  );
  catalogue = reply.body.result;
});

const LIST = "/api/now/table/cmdb_ci_service";

function linkOf(base: string, params: string, offset: number, limit: number, rel: string): string {
  return `<${base}?${params}${params ? "&" : ""}sysparm_offset=${offset}&sysparm_limit=${limit}>;rel="${rel}"`;
}

describe("pagination headers (§0 fact 6, §1.3)", () => {
  it("sends X-Total-Count and a Link with first, prev, next and last = floor((total-1)/limit)*limit", async () => {
    const reply = await sim.json<{ result: Row[] }>(
      `${LIST}?sysparm_query=ORDERBYsys_id&sysparm_limit=30&sysparm_offset=60`,
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-total-count")).toBe("200");
    const base = `${sim.url}${LIST}`;
    const p = "sysparm_query=ORDERBYsys_id";
    expect(reply.headers.get("link")).toBe(
      [
        linkOf(base, p, 0, 30, "first"),
        linkOf(base, p, 30, 30, "prev"),
        linkOf(base, p, 90, 30, "next"),
        linkOf(base, p, 180, 30, "last"),
      ].join(","),
    );
    expect(reply.body.result.map((r) => r.sys_id)).toEqual(catalogue.slice(60, 90).map((r) => r.sys_id));
  });

  it("computes last from a total that is not a multiple of the limit, and drops next on the last page", async () => {
    const expected = catalogue.filter((r) => r.u_hosting_mode === "vcpu");
    const total = expected.length;
    const limit = 25;
    const last = Math.floor((total - 1) / limit) * limit;
    expect(total % limit).not.toBe(0);
    const reply = await sim.json<{ result: Row[] }>(
      `${LIST}?sysparm_query=u_hosting_mode%3Dvcpu%5EORDERBYsys_id&sysparm_limit=${limit}&sysparm_offset=${last}`,
    );
    expect(reply.headers.get("x-total-count")).toBe(String(total));
    const base = `${sim.url}${LIST}`;
    const p = "sysparm_query=u_hosting_mode%3Dvcpu%5EORDERBYsys_id";
    expect(reply.headers.get("link")).toBe(
      [
        linkOf(base, p, 0, limit, "first"),
        linkOf(base, p, last - limit, limit, "prev"),
        linkOf(base, p, last, limit, "last"),
      ].join(","),
    );
    expect(reply.body.result.map((r) => r.sys_id)).toEqual(expected.slice(last).map((r) => r.sys_id));
  });

  it("sends prev with sysparm_offset=-limit on the first page (2026 PDI capture) and omits Link on a single page", async () => {
    const first = await sim.api(`${LIST}?sysparm_limit=1`);
    expect(first.headers.get("link")).toBe(
      [
        `<${sim.url}${LIST}?sysparm_offset=0&sysparm_limit=1>;rel="first"`,
        `<${sim.url}${LIST}?sysparm_offset=-1&sysparm_limit=1>;rel="prev"`,
        `<${sim.url}${LIST}?sysparm_offset=1&sysparm_limit=1>;rel="next"`,
        `<${sim.url}${LIST}?sysparm_offset=199&sysparm_limit=1>;rel="last"`,
      ].join(","),
    );
    const single = await sim.api(`${LIST}?sysparm_limit=500`);
    expect(single.headers.get("x-total-count")).toBe("200");
    expect(single.headers.has("link")).toBe(false);
  });

  it("sysparm_no_count=true drops X-Total-Count; Link then has no last and next only after a full page", async () => {
    const reply = await sim.json<{ result: Row[] }>(`${LIST}?sysparm_no_count=true&sysparm_limit=50&sysparm_offset=50`);
    expect(reply.status).toBe(200);
    expect(reply.headers.has("x-total-count")).toBe(false);
    expect(reply.body.result).toHaveLength(50);
    const p = "sysparm_no_count=true";
    const base = `${sim.url}${LIST}`;
    expect(reply.headers.get("link")).toBe(
      [linkOf(base, p, 0, 50, "first"), linkOf(base, p, 0, 50, "prev"), linkOf(base, p, 100, 50, "next")].join(","),
    );
  });

  it("sysparm_suppress_pagination_header=true drops Link but keeps X-Total-Count", async () => {
    const res = await sim.api(`${LIST}?sysparm_suppress_pagination_header=true&sysparm_limit=10`);
    expect(res.headers.has("link")).toBe(false);
    expect(res.headers.get("x-total-count")).toBe("200");
  });

  it("sysparm_limit and sysparm_offset page through the query in order", async () => {
    const reply = await sim.json<{ result: Row[] }>(
      `${LIST}?sysparm_query=ORDERBYsys_id&sysparm_limit=7&sysparm_offset=193&sysparm_fields=sys_id`,
    );
    expect(reply.body.result).toEqual(catalogue.slice(193).map((r) => ({ sys_id: r.sys_id })));
  });

  it("sends the headers of a real instance on every response", async () => {
    const res = await sim.api(`${LIST}?sysparm_limit=1`);
    expect(res.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    expect(res.headers.get("server")).toBe("snow_adc");
    expect(res.headers.get("x-is-logged-in")).toBe("true");
    const tx = res.headers.get("x-transaction-id") ?? "";
    expect(tx).toMatch(/^[0-9a-f]{12}$/);
    expect(res.headers.get("server-timing")).toBe(`t;desc="${tx}", sem_wait;dur=0, sesh_wait;dur=0`);
    // No rate-limit rule on this instance: a vanilla instance sends no X-RateLimit-* header (§3.1).
    expect(res.headers.has("x-ratelimit-limit")).toBe(false);
  });
});

describe("envelopes and status codes (§0 facts 1, 7-9, §1.1, §1.7)", () => {
  it("returns 404 on v1 for an empty result but 200 {result:[]} on latest and v2", async () => {
    const q = "?sysparm_query=name%3Dno%20such%20service";
    const v1 = await sim.json(`/api/now/v1/table/cmdb_ci_service${q}`);
    expect(v1.status).toBe(404);
    expect(v1.text).toBe(
      '{"error":{"message":"No Record found","detail":"Record doesn\'t exist or ACL restricts the record retrieval"},"status":"failure"}',
    );
    const latest = await sim.json(`/api/now/table/cmdb_ci_service${q}`);
    expect(latest.status).toBe(200);
    expect(latest.text).toBe('{"result":[]}');
    expect(latest.headers.get("x-total-count")).toBe("0");
    expect(latest.headers.has("link")).toBe(false);
    const v2 = await sim.json(`/api/now/v2/table/cmdb_ci_service${q}`);
    expect([v2.status, v2.text]).toEqual([200, '{"result":[]}']);
  });

  it("GET by sys_id answers {result:{…}} or the 404 envelope", async () => {
    const target = catalogue[5] as Row;
    const reply = await sim.json<{ result: Row }>(
      `/api/now/table/cmdb_ci_service/${target.sys_id}?sysparm_exclude_reference_link=true`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual(target);
    const missing = await sim.json(`/api/now/table/cmdb_ci_service/${"0".repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(missing.text).toBe(
      '{"error":{"message":"No Record found","detail":"Record doesn\'t exist or ACL restricts the record retrieval"},"status":"failure"}',
    );
  });

  it("answers a path under /api/now that is no API with 400 and a null detail", async () => {
    const reply = await sim.json("/api/now/incident");
    expect(reply.status).toBe(400);
    expect(reply.text).toBe(
      '{"error":{"message":"Requested URI does not represent any resource","detail":null},"status":"failure"}',
    );
  });

  it("answers an unknown table with 400 Invalid table", async () => {
    const reply = await sim.json("/api/now/table/x");
    expect(reply.status).toBe(400);
    expect(reply.text).toBe(
      '{"error":{"message":"Invalid table x","detail":"Table x does not exist"},"status":"failure"}',
    );
  });

  it("HEAD gives the headers of a GET without a body", async () => {
    const res = await sim.api(`${LIST}?sysparm_limit=5`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-total-count")).toBe("200");
    expect(await res.text()).toBe("");
  });
});

describe("values (§0 facts 2-4, §1.4)", () => {
  it("sends every value as a string and references as {link, value} with the request's API version", async () => {
    for (const version of ["", "/v1", "/v2"]) {
      const reply = await sim.json<{ result: Array<Record<string, string | Ref>> }>(
        `/api/now${version}/table/cmdb_ci_service?sysparm_query=ORDERBYsys_id&sysparm_limit=20`,
      );
      expect(reply.body.result).toHaveLength(20);
      reply.body.result.forEach((record, i) => {
        const plain = catalogue[i] as Row;
        for (const [key, value] of Object.entries(record)) {
          if (typeof value === "string") {
            expect(value).toBe(plain[key]);
            continue;
          }
          const target = key === "support_group" ? "sys_user_group" : "sys_user";
          expect(value).toEqual({
            link: `${sim.url}/api/now${version}/table/${target}/${plain[key]}`,
            value: plain[key],
          });
        }
      });
    }
  });

  it("sends an empty reference as an empty string, never as an object", async () => {
    const reply = await sim.json<{ result: Array<Record<string, unknown>> }>(
      "/api/now/table/sys_db_object?sysparm_query=super_classISEMPTY&sysparm_fields=name,super_class",
    );
    // Root tables of the default schema: nothing above them.
    expect(reply.body.result.map((r) => r.name).sort()).toEqual(
      ["cmdb", "sys_db_object", "sys_dictionary", "sys_user", "sys_user_group", "u_digital_service_usage"].sort(),
    );
    for (const r of reply.body.result) expect(r.super_class).toBe("");
  });

  it("sysparm_exclude_reference_link=true sends references as plain sys_id strings", async () => {
    const target = catalogue.find((r) => r.owned_by !== "" && r.support_group !== "") as Row;
    const reply = await sim.json<{ result: Row }>(
      `${LIST}/${target.sys_id}?sysparm_fields=owned_by,support_group&sysparm_exclude_reference_link=true`,
    );
    expect(reply.text).toBe(`{"result":{"owned_by":"${target.owned_by}","support_group":"${target.support_group}"}}`);
  });

  it("sysparm_display_value=true: labels, null for an empty choice, UNKNOWN for an empty due date, {display_value,link}", async () => {
    const target = catalogue.find((r) => r.operational_status === "1" && r.owned_by !== "") as Row;
    const owner = await sim.json<{ result: Row }>(`/api/now/table/sys_user/${target.owned_by}`);
    const reply = await sim.json<{ result: Record<string, unknown> }>(
      `${LIST}/${target.sys_id}?sysparm_display_value=true&sysparm_fields=operational_status,due_in,due,sys_class_name,owned_by,u_vcpu_count,name`,
    );
    expect(reply.body.result).toEqual({
      operational_status: "Operational",
      due_in: null,
      due: "UNKNOWN",
      sys_class_name: "Business Service",
      owned_by: { display_value: owner.body.result.name, link: `${sim.url}/api/now/table/sys_user/${target.owned_by}` },
      u_vcpu_count: target.u_vcpu_count,
      name: target.name,
    });
    // Key order of the reference object as captured: display_value, then link.
    expect(reply.text).toContain(`"owned_by":{"display_value":`);
  });

  it("sysparm_display_value=all: {display_value, link, value}, and {display_value, value} without links", async () => {
    const target = catalogue.find((r) => r.owned_by !== "") as Row;
    const owner = await sim.json<{ result: Row }>(`/api/now/table/sys_user/${target.owned_by}`);
    const ownerName = owner.body.result.name;
    const fields = "sysparm_fields=owned_by,due_in,due,operational_status";
    const withLinks = await sim.json(`${LIST}/${target.sys_id}?sysparm_display_value=all&${fields}`);
    expect(withLinks.text).toBe(
      JSON.stringify({
        result: {
          owned_by: {
            display_value: ownerName,
            link: `${sim.url}/api/now/table/sys_user/${target.owned_by}`,
            value: target.owned_by,
          },
          due_in: { display_value: null, value: "" },
          due: { display_value: "UNKNOWN", value: "" },
          operational_status: {
            display_value: { "1": "Operational", "2": "Non-Operational", "3": "Repair in Progress", "6": "Retired" }[
              target.operational_status as string
            ],
            value: target.operational_status,
          },
        },
      }),
    );
    const noLinks = await sim.json<{ result: Record<string, Ref> }>(
      `${LIST}/${target.sys_id}?sysparm_display_value=all&sysparm_exclude_reference_link=true&${fields}`,
    );
    expect(noLinks.body.result.owned_by).toEqual({ display_value: ownerName, value: target.owned_by });
  });

  it("the integration user's sys_user record names the time zone display values are rendered in", async () => {
    const reply = await sim.json<{ result: Row[] }>(
      "/api/now/table/sys_user?sysparm_query=user_name%3Dempreinte.integration&sysparm_fields=user_name,time_zone,active",
    );
    expect(reply.body.result).toEqual([
      { user_name: "empreinte.integration", time_zone: "Europe/Paris", active: "true" },
    ]);
  });

  it("stores datetimes in UTC and displays them in the user's time zone (Europe/Paris, DST-aware)", async () => {
    const summer = catalogue.find((r) => /^\d{4}-0[6-8]-/.test(r.sys_updated_on ?? "")) as Row;
    const winter = catalogue.find((r) => /^\d{4}-(12|01)-/.test(r.sys_updated_on ?? "")) as Row;
    const shift = (utc: string, hours: number) =>
      new Date(Date.parse(`${utc.replace(" ", "T")}Z`) + hours * 3_600_000)
        .toISOString()
        .slice(0, 19)
        .replace("T", " ");
    for (const [record, offsetH] of [
      [summer, 2],
      [winter, 1],
    ] as const) {
      expect(record.sys_updated_on).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const reply = await sim.json<{ result: { sys_updated_on: Ref } }>(
        `${LIST}/${record.sys_id}?sysparm_display_value=all&sysparm_fields=sys_updated_on`,
      );
      expect(reply.body.result.sys_updated_on).toEqual({
        display_value: shift(record.sys_updated_on as string, offsetH),
        value: record.sys_updated_on,
      });
    }
  });
});

describe("sysparm_fields (§0 fact 10, §1.2)", () => {
  it("returns only the named fields, in the order asked, ignoring unknown names", async () => {
    const reply = await sim.json(
      `${LIST}?sysparm_query=ORDERBYsys_id&sysparm_limit=2&sysparm_fields=name,no_such_field,sys_id`,
    );
    expect(reply.text).toBe(
      JSON.stringify({ result: catalogue.slice(0, 2).map((r) => ({ name: r.name, sys_id: r.sys_id })) }),
    );
  });

  it("dot-walks through a reference and returns the value flat under the dotted key", async () => {
    const target = catalogue.find((r) => r.owned_by !== "") as Row;
    const owner = await sim.json<{ result: Row }>(`/api/now/table/sys_user/${target.owned_by}`);
    const reply = await sim.json(`${LIST}/${target.sys_id}?sysparm_fields=owned_by.user_name,owned_by.name`);
    expect(reply.text).toBe(
      JSON.stringify({
        result: { "owned_by.user_name": owner.body.result.user_name, "owned_by.name": owner.body.result.name },
      }),
    );
  });
});

describe("table inheritance (§0 fact 21, §6)", () => {
  it("a query on cmdb_ci_service returns the cmdb_ci_service_business records, with their sys_class_name", async () => {
    expect(catalogue).toHaveLength(200);
    expect(new Set(catalogue.map((r) => r.sys_class_name))).toEqual(new Set(["cmdb_ci_service_business"]));
    const child = await sim.api("/api/now/table/cmdb_ci_service_business?sysparm_limit=1");
    expect(child.headers.get("x-total-count")).toBe("200");
    const grandparent = await sim.api("/api/now/table/cmdb_ci?sysparm_limit=1");
    expect(grandparent.headers.get("x-total-count")).toBe("200");
    const unrelated = await sim.json(`/api/now/table/sys_user/${(catalogue[0] as Row).sys_id}`);
    expect(unrelated.status).toBe(404);
  });
});
