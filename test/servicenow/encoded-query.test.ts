import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/lib/connector-error.js";
import {
  baseFilter,
  escapeQueryValue,
  inTerm,
  joinQuery,
  keysetQuery,
  orderBy,
  queryField,
  queryTerm,
  sysIdScanQuery,
  unaryTerm,
} from "../../src/servicenow/encoded-query.js";
// Tests may use the dev instance's parser as an independent reading of what we build (connector code never does).
import { parseEncodedQuery } from "../../src/simulator/query/parse-encoded-query.js";

const S = "0123456789abcdef0123456789abcdef";
const T = "2026-02-28 23:59:59";
const B = "2026-02-28 23:54:59";

function configError(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error("expected a ConnectorError");
}

describe("keysetQuery (servicenow-api.md §6.1)", () => {
  it("first page with a lower bound", () => {
    expect(keysetQuery({ cursor: undefined, since: B })).toBe(
      `sys_updated_on>=${B}^ORDERBYsys_updated_on^ORDERBYsys_id`,
    );
  });

  it("first page without any bound orders only", () => {
    expect(keysetQuery({ cursor: undefined })).toBe("ORDERBYsys_updated_on^ORDERBYsys_id");
  });

  it("next page: exactly the tap-servicenow pattern", () => {
    expect(keysetQuery({ cursor: { updatedOn: T, sysId: S }, since: B })).toBe(
      `sys_updated_on>=${B}^sys_updated_on>${T}^NQsys_updated_on>=${B}^sys_updated_on=${T}^sys_id>${S}` +
        "^ORDERBYsys_updated_on^ORDERBYsys_id",
    );
  });

  it("repeats the base filter in each ^NQ group", () => {
    const base = "operational_status=1^ORoperational_status=2";
    expect(keysetQuery({ base, cursor: { updatedOn: T, sysId: S }, since: B })).toBe(
      `${base}^sys_updated_on>=${B}^sys_updated_on>${T}^NQ${base}^sys_updated_on>=${B}^sys_updated_on=${T}^sys_id>${S}` +
        "^ORDERBYsys_updated_on^ORDERBYsys_id",
    );
    expect(keysetQuery({ base, cursor: { updatedOn: T, sysId: S } })).toBe(
      `${base}^sys_updated_on>${T}^NQ${base}^sys_updated_on=${T}^sys_id>${S}^ORDERBYsys_updated_on^ORDERBYsys_id`,
    );
    expect(keysetQuery({ base, cursor: undefined })).toBe(`${base}^ORDERBYsys_updated_on^ORDERBYsys_id`);
  });

  it("parses as two groups with the base in both, ordered by (sys_updated_on, sys_id)", () => {
    const parsed = parseEncodedQuery(
      keysetQuery({ base: "active=true", cursor: { updatedOn: T, sysId: S }, since: B }),
    );
    expect(parsed.groups).toHaveLength(2);
    for (const group of parsed.groups) expect(JSON.stringify(group)).toContain("active");
    expect(parsed.orderBy).toEqual([
      { field: "sys_updated_on", descending: false },
      { field: "sys_id", descending: false },
    ]);
  });

  it("refuses ISO-8601 bounds and malformed cursors", () => {
    expect(configError(() => keysetQuery({ cursor: undefined, since: "2026-02-28T23:59:59Z" })).message).toMatch(
      /never ISO-8601/,
    );
    expect(configError(() => keysetQuery({ cursor: { updatedOn: "2026-02-30 00:00:00", sysId: S } })).kind).toBe(
      "data",
    );
    expect(configError(() => keysetQuery({ cursor: { updatedOn: T, sysId: `${S}^NQactive=false` } })).kind).toBe(
      "data",
    );
  });

  it("refuses a base filter that would escape its group or reorder the result", () => {
    expect(configError(() => keysetQuery({ base: "a=1^NQb=2", cursor: undefined })).kind).toBe("config");
    expect(configError(() => keysetQuery({ base: "a=1^ORDERBYDESCname", cursor: undefined })).kind).toBe("config");
    expect(configError(() => baseFilter("a=1^\nb=2")).kind).toBe("config");
    expect(configError(() => baseFilter("a=1^")).kind).toBe("config");
    expect(baseFilter("a=1^EQ")).toBe("a=1");
    expect(baseFilter("name=x^^NQy")).toBe("name=x^^NQy"); // an escaped caret is not ^NQ
    expect(baseFilter(undefined)).toBe("");
  });
});

describe("sysIdScanQuery", () => {
  it("scans by sys_id after the last one seen, with the base filter", () => {
    expect(sysIdScanQuery(undefined, undefined)).toBe("ORDERBYsys_id");
    expect(sysIdScanQuery("active=true", S)).toBe(`active=true^sys_id>${S}^ORDERBYsys_id`);
    expect(configError(() => sysIdScanQuery(undefined, "x^ORa=1")).kind).toBe("data");
  });
});

describe("escaping values (§2.4) and injection attempts", () => {
  const attempts = [
    "Library^registration",
    "x^ORactive=false",
    "x^NQsys_id!=0",
    "x^ORDERBYDESCname",
    "trailing^",
    "^^",
    "semi;colon, comma @at",
  ];

  it.each(attempts)("%j stays one term with the literal value", (value) => {
    const query = joinQuery(queryTerm("name", "=", value), "active=true");
    const parsed = parseEncodedQuery(query);
    expect(parsed.groups).toHaveLength(1);
    expect(parsed.orderBy).toEqual([]);
    const chains = parsed.groups[0]?.chains ?? [];
    expect(chains).toHaveLength(2);
    expect(JSON.stringify(chains[0])).toContain(JSON.stringify(value).slice(1, -1));
  });

  it("doubles every caret", () => {
    expect(escapeQueryValue("a^b^^c")).toBe("a^^b^^^^c");
    expect(queryTerm("name", "STARTSWITH", "x^ORa")).toBe("nameSTARTSWITHx^^ORa");
  });

  it("refuses javascript: values (the instance would evaluate them) and line breaks", () => {
    expect(configError(() => queryTerm("name", "=", "javascript:gs.getUserID()")).message).toMatch(/evaluate/);
    expect(configError(() => queryTerm("name", "=", "  JavaScript:x")).kind).toBe("config");
    expect(configError(() => queryTerm("name", "=", "a\nb")).kind).toBe("config");
    expect(queryTerm("name", "LIKE", "see javascript: the good parts")).toBe("nameLIKEsee javascript: the good parts");
  });

  it("refuses , and @ inside IN lists, where they cannot be escaped", () => {
    expect(inTerm("sys_id", ["a", "b^c"])).toBe("sys_idINa,b^^c");
    expect(inTerm("state", ["1"], true)).toBe("stateNOT IN1");
    expect(configError(() => inTerm("name", ["a,b"])).kind).toBe("config");
    expect(configError(() => inTerm("name", ["a@b"])).kind).toBe("config");
    expect(configError(() => inTerm("name", [])).kind).toBe("config");
  });
});

describe("field names", () => {
  it.each(["name", "u_co2e_kg_month", "owned_by.name", "_x", "x_acme_app_field2"])("accepts %s", (name) => {
    expect(queryField(name)).toBe(name);
  });

  it.each(["Name", "name^ORactive", "name=1", "1abc", "", "a..b", "a.", "na me", "name\n", "sys_id>0"])(
    "rejects %j with a config error naming it",
    (name) => {
      const err = configError(() => queryTerm(name, "=", "x"));
      expect(err.kind).toBe("config");
      expect(err.message).toContain(JSON.stringify(name));
    },
  );

  it("validates names in every builder", () => {
    expect(() => orderBy("a^NQb")).toThrow(ConnectorError);
    expect(() => unaryTerm("A", "ISEMPTY")).toThrow(ConnectorError);
    expect(unaryTerm("u_co2e_kg", "ISEMPTY")).toBe("u_co2e_kgISEMPTY");
  });
});
