import { describe, expect, it } from "vitest";
import { linkHeader } from "../../src/simulator/server/link-header.js";

const base = "https://dev.example/api/now/table/incident";

function offsets(header: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? "").split(",")) {
    const m = /^<([^>]+)>;rel="(\w+)"$/.exec(part);
    if (!m) throw new Error(`malformed Link part: ${part}`);
    out[m[2] as string] = Number(new URL(m[1] as string).searchParams.get("sysparm_offset"));
  }
  return out;
}

describe("linkHeader", () => {
  it("reproduces the 2026 PDI capture: 77 rows, limit 1, first page (prev at -1, last at 76)", () => {
    const h = linkHeader({
      baseUrl: base,
      params: [],
      offset: 0,
      limit: 1,
      total: 77,
      pageRows: 1,
      prevOnFirstPage: true,
    });
    expect(h).toBe(
      `<${base}?sysparm_offset=0&sysparm_limit=1>;rel="first",<${base}?sysparm_offset=-1&sysparm_limit=1>;rel="prev",` +
        `<${base}?sysparm_offset=1&sysparm_limit=1>;rel="next",<${base}?sysparm_offset=76&sysparm_limit=1>;rel="last"`,
    );
  });

  it("computes last = floor((total-1)/limit)*limit (28124/10000 → 20000, 2000/1000 → 1000)", () => {
    expect(
      offsets(
        linkHeader({
          baseUrl: base,
          params: [],
          offset: 0,
          limit: 10000,
          total: 28124,
          pageRows: 10000,
          prevOnFirstPage: false,
        }),
      ).last,
    ).toBe(20000);
    expect(
      offsets(
        linkHeader({
          baseUrl: base,
          params: [],
          offset: 0,
          limit: 1000,
          total: 2000,
          pageRows: 1000,
          prevOnFirstPage: false,
        }),
      ).last,
    ).toBe(1000);
    expect(
      offsets(
        linkHeader({
          baseUrl: base,
          params: [],
          offset: 0,
          limit: 1000,
          total: 2001,
          pageRows: 1000,
          prevOnFirstPage: false,
        }),
      ).last,
    ).toBe(2000);
  });

  it("omits prev on the first page in the 2019 behaviour, and next on the last page", () => {
    const first = offsets(
      linkHeader({ baseUrl: base, params: [], offset: 0, limit: 10, total: 25, pageRows: 10, prevOnFirstPage: false }),
    );
    expect(first).toEqual({ first: 0, next: 10, last: 20 });
    const lastPage = offsets(
      linkHeader({ baseUrl: base, params: [], offset: 20, limit: 10, total: 25, pageRows: 5, prevOnFirstPage: false }),
    );
    expect(lastPage).toEqual({ first: 0, prev: 10, last: 20 });
  });

  it("omits the header for a single page or an empty result", () => {
    expect(
      linkHeader({ baseUrl: base, params: [], offset: 0, limit: 10, total: 10, pageRows: 10, prevOnFirstPage: true }),
    ).toBeUndefined();
    expect(
      linkHeader({ baseUrl: base, params: [], offset: 0, limit: 10, total: 0, pageRows: 0, prevOnFirstPage: true }),
    ).toBeUndefined();
  });

  it("echoes the request's parameters URL-encoded, then offset and limit", () => {
    const h = linkHeader({
      baseUrl: base,
      params: [
        ["sysparm_query", "active=true^ORDERBYnumber"],
        ["sysparm_fields", "sys_id,number"],
      ],
      offset: 0,
      limit: 5,
      total: 12,
      pageRows: 5,
      prevOnFirstPage: false,
    });
    expect(h?.split(",<")[0]).toBe(
      `<${base}?sysparm_query=active%3Dtrue%5EORDERBYnumber&sysparm_fields=sys_id%2Cnumber&sysparm_offset=0&sysparm_limit=5>;rel="first"`,
    );
  });

  it("without a count (sysparm_no_count) offers next only after a full page and never last", () => {
    expect(
      offsets(
        linkHeader({
          baseUrl: base,
          params: [],
          offset: 0,
          limit: 10,
          total: undefined,
          pageRows: 10,
          prevOnFirstPage: false,
        }),
      ),
    ).toEqual({ first: 0, next: 10 });
    expect(
      offsets(
        linkHeader({
          baseUrl: base,
          params: [],
          offset: 10,
          limit: 10,
          total: undefined,
          pageRows: 3,
          prevOnFirstPage: false,
        }),
      ),
    ).toEqual({ first: 0, prev: 0 });
  });
});
