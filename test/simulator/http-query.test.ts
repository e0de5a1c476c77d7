// The encoded-query engine over real HTTP (shared/reference/servicenow-api.md §0 facts 10-11, §2): each operator,
// `^OR`/`^NQ` precedence, ORDERBY with ties, the `^^` escape and invalid field names. Expected results are computed
// here, independently, from a plain dump of the catalogue.
import { beforeAll, describe, expect, it } from "vitest";
import { jsonBody, useDevInstance } from "../helpers/dev-instance.js";

const sim = useDevInstance();

type Row = Record<string, string>;
let catalogue: Row[] = [];

beforeAll(async () => {
  const reply = await sim.json<{ result: Row[] }>(
    "/api/now/table/cmdb_ci_service?sysparm_query=ORDERBYsys_id&sysparm_exclude_reference_link=true",
  );
  catalogue = reply.body.result;
});

/** X-Total-Count and sys_ids (in sys_id order) of a query on the catalogue. */
async function run(query: string): Promise<{ total: number; ids: string[] }> {
  const q = encodeURIComponent(`${query}^ORDERBYsys_id`);
  const res = await sim.api(`/api/now/table/cmdb_ci_service?sysparm_query=${q}&sysparm_fields=sys_id`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: Row[] };
  return { total: Number(res.headers.get("x-total-count")), ids: body.result.map((r) => r.sys_id as string) };
}

async function expectQuery(query: string, predicate: (r: Row) => boolean): Promise<number> {
  const expected = catalogue.filter(predicate).map((r) => r.sys_id as string);
  const got = await run(query);
  expect({ query, ...got }).toEqual({ query, total: expected.length, ids: expected });
  return expected.length;
}

const num = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));

describe("operators (§2.2), each over HTTP", () => {
  it("= and != (a negative operator also matches empty values)", async () => {
    expect(await expectQuery("u_hosting_mode=server", (r) => r.u_hosting_mode === "server")).toBeGreaterThan(0);
    await expectQuery("u_hosting_mode!=server", (r) => r.u_hosting_mode !== "server");
    await expectQuery("u_host_country!=FRA", (r) => r.u_host_country !== "FRA");
  });

  it("a reference compares by sys_id", async () => {
    const owner = catalogue.find((r) => r.owned_by !== "")?.owned_by as string;
    expect(await expectQuery(`owned_by=${owner}`, (r) => r.owned_by === owner)).toBeGreaterThan(0);
  });

  it(">, >=, <, <= compare integer columns as numbers and never match an empty value", async () => {
    const v = (r: Row) => num(r.u_vcpu_count);
    // Compared as text, "16" > "4" would be false: the numeric count differs from the lexicographic one.
    const gt = await expectQuery("u_vcpu_count>4", (r) => (v(r) ?? -1) > 4);
    const lexicographic = catalogue.filter((r) => r.u_vcpu_count !== "" && (r.u_vcpu_count as string) > "4").length;
    expect(gt).not.toBe(lexicographic);
    await expectQuery("u_vcpu_count>=4", (r) => (v(r) ?? -1) >= 4);
    await expectQuery("u_vcpu_count<4", (r) => v(r) !== undefined && (v(r) as number) < 4);
    await expectQuery("u_vcpu_count<=4", (r) => v(r) !== undefined && (v(r) as number) <= 4);
  });

  it("compares UTC datetimes", async () => {
    const t = "2025-01-01 00:00:00";
    const n = await expectQuery(`sys_updated_on>=${t}`, (r) => (r.sys_updated_on as string) >= t);
    expect(n).toBeGreaterThan(0);
    await expectQuery(`sys_updated_on<${t}`, (r) => (r.sys_updated_on as string) < t);
  });

  it("IN and NOT IN", async () => {
    const set = ["IRL", "DEU"];
    expect(await expectQuery("u_host_countryINIRL,DEU", (r) => set.includes(r.u_host_country as string))).toBe(
      catalogue.filter((r) => r.u_host_country === "IRL").length +
        catalogue.filter((r) => r.u_host_country === "DEU").length,
    );
    await expectQuery("u_host_countryNOT INIRL,DEU", (r) => !set.includes(r.u_host_country as string));
  });

  it("LIKE and NOT LIKE (contains, case-insensitive)", async () => {
    const has = (r: Row) => (r.name as string).toLowerCase().includes("portail web");
    expect(await expectQuery("nameLIKEportail web", has)).toBeGreaterThan(0);
    await expectQuery("nameLIKEPORTAIL WEB", has);
    await expectQuery("nameNOT LIKEportail web", (r) => !has(r));
  });

  it("STARTSWITH and ENDSWITH", async () => {
    const prefix = (catalogue[0]?.name ?? "").split(" ")[0] ?? "";
    expect(await expectQuery(`nameSTARTSWITH${prefix}`, (r) => (r.name as string).startsWith(prefix))).toBeGreaterThan(
      0,
    );
    expect(
      await expectQuery("nameENDSWITH(appli mobile)", (r) => (r.name as string).endsWith("(appli mobile)")),
    ).toBeGreaterThan(0);
  });

  it("ISEMPTY and ISNOTEMPTY", async () => {
    const empty = await expectQuery("u_vcpu_countISEMPTY", (r) => r.u_vcpu_count === "");
    const filled = await expectQuery("u_vcpu_countISNOTEMPTY", (r) => r.u_vcpu_count !== "");
    expect(empty + filled).toBe(catalogue.length);
    expect(empty * filled).toBeGreaterThan(0);
  });

  it("BETWEEN is inclusive at both ends", async () => {
    const n = await expectQuery("u_vcpu_countBETWEEN2@8", (r) => {
      const v = num(r.u_vcpu_count);
      return v !== undefined && v >= 2 && v <= 8;
    });
    expect(n).toBe(catalogue.filter((r) => ["2", "4", "8"].includes(r.u_vcpu_count as string)).length);
  });
});

describe("^, ^OR and ^NQ precedence (§2.1)", () => {
  it("^OR binds tighter than ^: a^b^ORc = a AND (b OR c)", async () => {
    const right = (r: Row) =>
      r.u_hosting_mode === "server" && (r.u_host_country === "IRL" || r.u_host_country === "DEU");
    const wrong = (r: Row) =>
      (r.u_hosting_mode === "server" && r.u_host_country === "IRL") || r.u_host_country === "DEU";
    expect(catalogue.filter(right).length).not.toBe(catalogue.filter(wrong).length);
    await expectQuery("u_hosting_mode=server^u_host_country=IRL^ORu_host_country=DEU", right);
  });

  it("^NQ starts a new AND-group; the result is the union of the groups", async () => {
    const is = (r: Row, field: string, value: string) => r[field] === value;
    const right = (r: Row) =>
      (is(r, "u_hosting_mode", "server") && is(r, "u_host_country", "FRA")) ||
      (is(r, "u_hosting_mode", "unknown") && is(r, "u_host_country", "IRL"));
    // Read as if ^NQ were ^OR: server AND (FRA OR unknown) AND IRL.
    const wrong = (r: Row) =>
      is(r, "u_hosting_mode", "server") &&
      (is(r, "u_host_country", "FRA") || is(r, "u_hosting_mode", "unknown")) &&
      is(r, "u_host_country", "IRL");
    expect(catalogue.filter(right).length).not.toBe(catalogue.filter(wrong).length);
    await expectQuery("u_hosting_mode=server^u_host_country=FRA^NQu_hosting_mode=unknown^u_host_country=IRL", right);
  });
});

describe("ORDERBY / ORDERBYDESC with ties (§0 fact 18)", () => {
  it("orders usage rows by (sys_updated_on, sys_id) across pages, although many share one second", async () => {
    const all: Row[] = [];
    for (let offset = 0; ; offset += 1000) {
      const reply = await sim.json<{ result: Row[] }>(
        `/api/now/table/u_digital_service_usage?sysparm_query=ORDERBYsys_updated_on&sysparm_fields=sys_id,sys_updated_on&sysparm_limit=1000&sysparm_offset=${offset}`,
      );
      all.push(...reply.body.result);
      if (reply.body.result.length < 1000) break;
    }
    const distinct = new Set(all.map((r) => r.sys_updated_on)).size;
    expect(distinct).toBeLessThan(all.length / 10); // ties are the rule, not the exception
    const sorted = [...all].sort((a, b) =>
      a.sys_updated_on === b.sys_updated_on
        ? (a.sys_id as string) < (b.sys_id as string)
          ? -1
          : 1
        : (a.sys_updated_on as string) < (b.sys_updated_on as string)
          ? -1
          : 1,
    );
    expect(all.map((r) => r.sys_id)).toEqual(sorted.map((r) => r.sys_id));
    expect(new Set(all.map((r) => r.sys_id)).size).toBe(all.length);
  });

  it("ORDERBYDESC sorts descending, ties by sys_id; a second ORDERBY term breaks ties first", async () => {
    const reply = await sim.json<{ result: Row[] }>(
      "/api/now/table/cmdb_ci_service?sysparm_query=ORDERBYDESCsys_updated_on&sysparm_fields=sys_id,sys_updated_on",
    );
    const expected = [...catalogue].sort((a, b) =>
      a.sys_updated_on === b.sys_updated_on
        ? (a.sys_id as string) < (b.sys_id as string)
          ? -1
          : 1
        : (a.sys_updated_on as string) > (b.sys_updated_on as string)
          ? -1
          : 1,
    );
    expect(reply.body.result.map((r) => r.sys_id)).toEqual(expected.map((r) => r.sys_id));

    const two = await sim.json<{ result: Row[] }>(
      "/api/now/table/cmdb_ci_service?sysparm_query=ORDERBYu_hosting_mode^ORDERBYDESCname&sysparm_fields=sys_id",
    );
    const byTwo = [...catalogue].sort((a, b) =>
      a.u_hosting_mode !== b.u_hosting_mode
        ? (a.u_hosting_mode as string) < (b.u_hosting_mode as string)
          ? -1
          : 1
        : a.name !== b.name
          ? (a.name as string) > (b.name as string)
            ? -1
            : 1
          : (a.sys_id as string) < (b.sys_id as string)
            ? -1
            : 1,
    );
    expect(two.body.result.map((r) => r.sys_id)).toEqual(byTwo.map((r) => r.sys_id));
  });

  it("ORDERBY on a dot-walk sorts by the referenced record's value", async () => {
    const users = await sim.json<{ result: Row[] }>("/api/now/table/sys_user?sysparm_fields=sys_id,name");
    const nameOf = new Map(users.body.result.map((u) => [u.sys_id, u.name as string]));
    const reply = await sim.json<{ result: Row[] }>(
      "/api/now/table/cmdb_ci_service?sysparm_query=ORDERBYowned_by.name&sysparm_fields=sys_id,owned_by.name",
    );
    const key = (r: Row) => nameOf.get(r.owned_by) ?? "";
    const expected = [...catalogue].sort((a, b) =>
      key(a) !== key(b) ? (key(a) < key(b) ? -1 : 1) : (a.sys_id as string) < (b.sys_id as string) ? -1 : 1,
    );
    expect(reply.body.result).toEqual(expected.map((r) => ({ sys_id: r.sys_id, "owned_by.name": key(r) })));
  });

  it("without ORDERBY the order is sys_id ascending (a documented decision of the dev instance)", async () => {
    const reply = await sim.json<{ result: Row[] }>("/api/now/table/cmdb_ci_service?sysparm_fields=sys_id");
    expect(reply.body.result.map((r) => r.sys_id)).toEqual(catalogue.map((r) => r.sys_id));
  });
});

describe("invalid field names (§2.5)", () => {
  it("drops a term on an unknown field: alone it returns the whole table, with others it is ignored", async () => {
    await expectQuery("u_footprint_kgISEMPTY", () => true);
    await expectQuery("u_hosting_mode=server^no_such_field=1", (r) => r.u_hosting_mode === "server");
  });

  it("returns no rows once glide.invalid_query.returns_no_rows is on (PATCH /_sim/settings)", async () => {
    const on = await sim.raw("/_sim/settings", jsonBody("PATCH", { invalidQueryReturnsNoRows: true }));
    expect(on.status).toBe(200);
    try {
      const reply = await sim.json(
        `/api/now/table/cmdb_ci_service?sysparm_query=${encodeURIComponent("u_footprint_kgISEMPTY")}`,
      );
      expect([reply.status, reply.text, reply.headers.get("x-total-count")]).toEqual([200, '{"result":[]}', "0"]);
      await expectQuery("u_hosting_mode=server", (r) => r.u_hosting_mode === "server"); // valid queries unaffected
    } finally {
      await sim.raw("/_sim/settings", jsonBody("PATCH", { invalidQueryReturnsNoRows: false }));
    }
    await expectQuery("u_footprint_kgISEMPTY", () => true);
  });
});

describe("^^ escapes a literal caret (§2.4)", () => {
  it("finds a record whose name contains ^ with =, LIKE and inside an ^OR chain", async () => {
    const name = "Test ^ caret ^^ double";
    const created = await sim.json<{ result: Row }>(
      "/api/now/table/cmdb_ci_service_business",
      jsonBody("POST", { name }),
    );
    expect(created.status).toBe(201);
    const id = created.body.result.sys_id as string;
    try {
      const escaped = name.replaceAll("^", "^^");
      expect(await run(`name=${escaped}`)).toEqual({ total: 1, ids: [id] });
      expect(await run("nameLIKEcaret ^^^^ dou")).toEqual({ total: 1, ids: [id] });
      expect(await run(`name=nothing^ORname=${escaped}`)).toEqual({ total: 1, ids: [id] });
      // Unescaped, the caret splits the term: `name=Test ` matches nothing and ` caret …` is no valid term.
      expect((await run(`name=${name}`)).total).toBe(0);
    } finally {
      const del = await sim.api(`/api/now/table/cmdb_ci_service_business/${id}`, { method: "DELETE" });
      expect(del.status).toBe(204);
    }
  });
});
