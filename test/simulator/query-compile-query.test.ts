import { describe, expect, it } from "vitest";
import { compareRecords } from "../../src/simulator/query/compare-records.js";
import type { SimRecord } from "../../src/simulator/schema/types.js";
import { compile, matchingIds, testContext } from "./query-test-context.js";

// Every combination of three flags: name=A, alias=B, u_visits=1.
const TRUTH_TABLE: SimRecord[] = [];
for (let i = 0; i < 8; i++) {
  TRUTH_TABLE.push({
    sys_id: `t${i}`,
    name: i & 4 ? "A" : "x",
    alias: i & 2 ? "B" : "x",
    u_visits: i & 1 ? "1" : "0",
  });
}
const truth = (query: string, options: { invalidQueryReturnsNoRows?: boolean } = {}): string[] =>
  matchingIds(query, TRUTH_TABLE, options);
const where = (predicate: (a: boolean, b: boolean, c: boolean) => boolean): string[] =>
  TRUTH_TABLE.filter((r) => predicate(r.name === "A", r.alias === "B", r.u_visits === "1")).map((r) => r.sys_id ?? "");

describe("precedence of ^, ^OR and ^NQ", () => {
  it("an empty query matches everything", () => {
    expect(truth("")).toEqual(where(() => true));
    expect(compile("").invalidFields).toEqual([]);
  });

  it("a^b^ORc is a AND (b OR c), not (a AND b) OR c", () => {
    const q = "name=A^alias=B^ORu_visits=1";
    expect(truth(q)).toEqual(where((a, b, c) => a && (b || c)));
    expect(truth(q)).not.toEqual(where((a, b, c) => (a && b) || c));
  });

  it("a^ORb^c is (a OR b) AND c", () => {
    expect(truth("name=A^ORalias=B^u_visits=1")).toEqual(where((a, b, c) => (a || b) && c));
  });

  it("^NQ unions independent groups: a^b^NQc = (a AND b) OR c", () => {
    const q = "name=A^alias=B^NQu_visits=1";
    expect(truth(q)).toEqual(where((a, b, c) => (a && b) || c));
    expect(truth(q)).not.toEqual(where((a, b, c) => a && (b || c)));
  });

  it("combines OR chains inside groups", () => {
    expect(truth("name=A^ORalias=B^NQname!=A^u_visits=1")).toEqual(where((a, b, c) => a || b || (!a && c)));
  });
});

describe("invalid fields (§2.5)", () => {
  it("drops a term on an unknown field and runs the rest", () => {
    const q = compile("name=A^u_nope=1");
    expect(q.invalidFields).toEqual(["u_nope"]);
    expect(q.invalidTerms).toEqual([{ text: "u_nope=1", reason: "unknown-field" }]);
    expect(q.returnsNoRows).toBe(false);
    expect(truth("name=A^u_nope=1")).toEqual(where((a) => a));
  });

  it("returns the whole table when the only term is invalid (the typo pitfall)", () => {
    expect(truth("u_footprint_kgISEMPTY")).toEqual(where(() => true));
  });

  it("removes an invalid term from its OR chain, leaving the rest of the chain", () => {
    expect(truth("name=A^ORu_nope=1")).toEqual(where((a) => a));
    expect(truth("u_visits=1^name=A^ORu_nope=1^ORalias=B")).toEqual(where((a, b, c) => c && (a || b)));
  });

  it("drops a chain made only of invalid terms", () => {
    expect(truth("name=A^u_nope=1^ORu_other=2")).toEqual(where((a) => a));
  });

  it("lets a group emptied by invalid terms match everything", () => {
    expect(truth("name=A^NQu_nope=1")).toEqual(where(() => true));
  });

  it("returns no rows for any invalid part when glide.invalid_query.returns_no_rows is true", () => {
    for (const query of ["name=A^u_nope=1", "name=A^ORu_nope=1", "u_nope=1", "name=A^NQu_nope=1"]) {
      const q = compile(query, { invalidQueryReturnsNoRows: true });
      expect(q.returnsNoRows, query).toBe(true);
      expect(truth(query, { invalidQueryReturnsNoRows: true }), query).toEqual([]);
    }
    const valid = compile("name=A^ORalias=B", { invalidQueryReturnsNoRows: true });
    expect(valid.returnsNoRows).toBe(false);
    expect(truth("name=A^ORalias=B", { invalidQueryReturnsNoRows: true })).toEqual(where((a, b) => a || b));
  });

  it("lists each unknown field once, in order of appearance", () => {
    expect(compile("u_b=1^u_a=1^ORu_b=2^NQu_c.x=1").invalidFields).toEqual(["u_b", "u_a", "u_c.x"]);
  });

  it("reports a term without an operator on a known field as malformed, not as an unknown field", () => {
    const q = compile("active^name=A");
    expect(q.invalidFields).toEqual([]);
    expect(q.invalidTerms).toEqual([{ text: "active", reason: "malformed-term" }]);
  });
});

describe("ORDERBY", () => {
  it("keeps valid order terms in order, drops unknown fields and repeated columns", () => {
    const q = compile("ORDERBYname^ORDERBYu_nope^name=A^ORDERBYDESCu_visits^ORDERBYDESCname");
    expect(q.orderBy).toEqual([
      { field: "name", descending: false },
      { field: "u_visits", descending: true },
    ]);
    expect(q.invalidFields).toEqual(["u_nope"]);
    expect(q.invalidTerms).toEqual([{ text: "ORDERBYu_nope", reason: "unknown-field" }]);
  });

  it("counts an ORDERBY on an unknown field as invalid for returns_no_rows", () => {
    expect(compile("ORDERBYu_nope", { invalidQueryReturnsNoRows: true }).returnsNoRows).toBe(true);
    expect(compile("ORDERBYu_nope").returnsNoRows).toBe(false);
  });
});

describe("compareRecords", () => {
  const ctx = testContext();
  const rows: SimRecord[] = [
    { sys_id: "a", u_visits: "100", name: "b" },
    { sys_id: "b", u_visits: "9", name: "a" },
    { sys_id: "c", u_visits: "", name: "a" },
    { sys_id: "d", u_visits: "9.0", name: "B" },
  ];
  const sorted = (orderBy: { field: string; descending: boolean }[]): string[] =>
    [...rows]
      .sort((x, y) => compareRecords(x, y, orderBy, ctx) || (x.sys_id ?? "").localeCompare(y.sys_id ?? ""))
      .map((r) => r.sys_id ?? "");

  it("sorts numbers numerically with empty first, and applies terms in turn", () => {
    expect(sorted([{ field: "u_visits", descending: false }])).toEqual(["c", "b", "d", "a"]);
    expect(sorted([{ field: "u_visits", descending: true }])).toEqual(["a", "b", "d", "c"]);
    expect(
      sorted([
        { field: "u_visits", descending: true },
        { field: "name", descending: false },
      ]),
    ).toEqual(["a", "d", "b", "c"]);
  });

  it("sorts strings case-sensitively, like the > operator", () => {
    expect(sorted([{ field: "name", descending: false }])).toEqual(["d", "b", "c", "a"]);
  });
});
