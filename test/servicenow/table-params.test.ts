import { describe, expect, it } from "vitest";
import {
  checkPageSize,
  DEFAULT_PAGE_SIZE,
  encodeQueryString,
  fieldList,
  listParams,
} from "../../src/servicenow/table-params.js";

describe("listParams", () => {
  it("asks for stored values of the mapped fields plus the system fields, no count, no Link header", () => {
    expect(listParams({ query: "ORDERBYsys_id", fields: ["name", "u_visits", "sys_id"] })).toEqual({
      sysparm_query: "ORDERBYsys_id",
      sysparm_fields: "sys_id,sys_updated_on,sys_mod_count,name,u_visits",
      sysparm_limit: String(DEFAULT_PAGE_SIZE),
      sysparm_display_value: "false",
      sysparm_exclude_reference_link: "true",
      sysparm_no_count: "true",
      sysparm_suppress_pagination_header: "true",
    });
    expect(DEFAULT_PAGE_SIZE).toBe(1000);
  });

  it("can ask for sys_id alone (the deletion-reconciliation scan)", () => {
    expect(listParams({ query: "", fields: [], systemFields: ["sys_id"], limit: 5000 })).toMatchObject({
      sysparm_fields: "sys_id",
      sysparm_limit: "5000",
    });
  });

  it("validates field names and page sizes", () => {
    expect(() => fieldList(["name,sys_password"])).toThrow(/Invalid field name/);
    expect(() => checkPageSize(0)).toThrow(/page size/);
    expect(() => checkPageSize(10_001)).toThrow(/page size/);
    expect(() => checkPageSize(2.5)).toThrow(/page size/);
    expect(checkPageSize(10_000)).toBe(10_000);
  });
});

describe("encodeQueryString", () => {
  it("percent-encodes each value once (spaces as %20, carets as %5E)", () => {
    const qs = encodeQueryString({ sysparm_query: "sys_updated_on>=2026-01-01 00:00:00^name=a&b", sysparm_limit: "1" });
    expect(qs).toBe("sysparm_query=sys_updated_on%3E%3D2026-01-01%2000%3A00%3A00%5Ename%3Da%26b&sysparm_limit=1");
    expect(new URLSearchParams(qs).get("sysparm_query")).toBe("sys_updated_on>=2026-01-01 00:00:00^name=a&b");
  });
});
