import { describe, expect, it } from "vitest";
import { compileQuery } from "../../src/simulator/query/compile-query.js";
import { evaluateJavascriptValue } from "../../src/simulator/query/evaluate-javascript-value.js";
import { parseEncodedQuery } from "../../src/simulator/query/parse-encoded-query.js";
import type { SimRecord } from "../../src/simulator/schema/types.js";
import { compile, FIXED_NOW, matchingIds, testContext } from "./query-test-context.js";

// FIXED_NOW = 2024-06-15 10:30:45 UTC; the integration user's time zone is GMT, so helpers compute in UTC.
const js = (expression: string, now: Date = FIXED_NOW): string | undefined =>
  evaluateJavascriptValue(`javascript:${expression}`, now);

describe("whitelisted gs date helpers", () => {
  it("computes day helpers from the injected clock in UTC", () => {
    expect(js("gs.daysAgoStart(0)")).toBe("2024-06-15 00:00:00");
    expect(js("gs.daysAgoEnd(0)")).toBe("2024-06-15 23:59:59");
    expect(js("gs.daysAgoStart(1)")).toBe("2024-06-14 00:00:00");
    expect(js("gs.daysAgoEnd(31)")).toBe("2024-05-15 23:59:59");
    expect(js("gs.daysAgo(2)")).toBe("2024-06-13 10:30:45");
    expect(js("gs.daysAgo(-1)")).toBe("2024-06-16 10:30:45");
    expect(js("gs.beginningOfToday()")).toBe("2024-06-15 00:00:00");
    expect(js("gs.endOfToday()")).toBe("2024-06-15 23:59:59");
    expect(js("gs.beginningOfYesterday()")).toBe("2024-06-14 00:00:00");
  });

  it("computes minute, hour, month and year helpers", () => {
    expect(js("gs.minutesAgo(30)")).toBe("2024-06-15 10:00:45");
    expect(js("gs.hoursAgo(11)")).toBe("2024-06-14 23:30:45");
    expect(js("gs.hoursAgoStart(1)")).toBe("2024-06-15 09:00:00");
    expect(js("gs.monthsAgoStart(1)")).toBe("2024-05-01 00:00:00");
    expect(js("gs.monthsAgoEnd(1)")).toBe("2024-05-31 23:59:59");
    expect(js("gs.beginningOfLastMonth()")).toBe("2024-05-01 00:00:00");
    expect(js("gs.endOfLastMonth()")).toBe("2024-05-31 23:59:59");
    expect(js("gs.endOfThisMonth()")).toBe("2024-06-30 23:59:59");
    expect(js("gs.beginningOfThisYear()")).toBe("2024-01-01 00:00:00");
    expect(js("gs.endOfLastYear()")).toBe("2023-12-31 23:59:59");
    // Calendar months clamp the day, as Java's Calendar does: 31 March - 1 month = 29 February (leap year).
    expect(js("gs.monthsAgo(1)", new Date("2024-03-31T12:00:00Z"))).toBe("2024-02-29 12:00:00");
  });

  it("generates dates with a time, 'start' or 'end'", () => {
    expect(js("gs.dateGenerate('2015-10-07','00:00:00')")).toBe("2015-10-07 00:00:00");
    expect(js("gs.dateGenerate('2023-07-18', '15:00:00')")).toBe("2023-07-18 15:00:00");
    expect(js(`gs.dateGenerate("2024-02-29","end")`)).toBe("2024-02-29 23:59:59");
    expect(js("gs.dateGenerate('2024-02-29','start');")).toBe("2024-02-29 00:00:00");
    expect(evaluateJavascriptValue("JavaScript: gs.daysAgoStart(0)", FIXED_NOW)).toBe("2024-06-15 00:00:00");
  });

  it("rejects impossible dates and times", () => {
    expect(js("gs.dateGenerate('2023-02-29','00:00:00')")).toBeUndefined();
    expect(js("gs.dateGenerate('2024-01-01','24:00:00')")).toBeUndefined();
    expect(js("gs.dateGenerate('2024-01-01','noon')")).toBeUndefined();
    expect(js("gs.dateGenerate('2024-01-01')")).toBeUndefined();
  });
});

describe("anything else after javascript: is rejected, never run", () => {
  const attempts = [
    "gs.getUser().deleteRecord()",
    "require('fs')",
    "require('fs').readFileSync('/etc/passwd')",
    "gs.daysAgoStart(0);require('child_process').execSync('id')",
    "gs.daysAgoStart(0)+gs.getUserID()",
    "gs.daysAgoStart(process.exit(1))",
    "gs.daysAgoStart('1')",
    "gs.daysAgoStart(1e3)",
    "gs.dateGenerate('2024-01-01','00:00:00'.concat(x))",
    "gs.constructor()",
    "gs.__proto__()",
    "gs.toString()",
    "GS.daysAgoStart(0)",
    "gs.DAYSAGOSTART(0)",
    "gs.beginningOfToday(1)",
    "this.constructor.constructor('return process')()",
    "globalThis.__queryEnginePwned=1",
    "getMyGroups()",
    "",
  ];

  it("returns no value for each attempt", () => {
    for (const attempt of attempts) expect(js(attempt), attempt).toBeUndefined();
  });

  it("drops such terms from a query (invalid, not an unknown field) and has no side effect", () => {
    for (const attempt of attempts) {
      const q = compile(`sys_updated_on>javascript:${attempt}^name=Library`);
      expect(q.invalidTerms, attempt).toEqual([
        { text: `sys_updated_on>javascript:${attempt}`, reason: "unsupported-javascript" },
      ]);
      expect(q.invalidFields).toEqual([]);
      expect(q.matches({ sys_id: "x", name: "Library", sys_updated_on: "2000-01-01 00:00:00" })).toBe(true);
      expect(compile(`nameINa,javascript:${attempt}`, { invalidQueryReturnsNoRows: true }).returnsNoRows).toBe(true);
    }
    expect(Object.hasOwn(globalThis, "__queryEnginePwned")).toBe(false);
  });

  it("treats the javascript: prefix case-insensitively, so a variant is rejected rather than compared as text", () => {
    const q = compile("name=JavaScript:require('fs')");
    expect(q.invalidTerms.map((t) => t.reason)).toEqual(["unsupported-javascript"]);
  });
});

const RECORDS: SimRecord[] = [
  { sys_id: "today", sys_updated_on: "2024-06-15 08:00:00", sys_created_on: "2015-10-07 00:00:00" },
  { sys_id: "yesterday", sys_updated_on: "2024-06-14 23:59:59", sys_created_on: "2015-10-06 23:59:59" },
  { sys_id: "january", sys_updated_on: "2024-01-01 00:00:00", sys_created_on: "2024-01-01 00:00:00" },
  { sys_id: "empty", sys_updated_on: "", sys_created_on: "" },
];
const ids = (query: string): string[] => matchingIds(query, RECORDS);

describe("date operators with helpers", () => {
  it("ON uses the start and end after the label; NOTON negates it and matches empty values", () => {
    const today = "Today@javascript:gs.daysAgoStart(0)@javascript:gs.daysAgoEnd(0)";
    expect(ids(`sys_updated_onON${today}`)).toEqual(["today"]);
    expect(ids(`sys_updated_onNOTON${today}`)).toEqual(["yesterday", "january", "empty"]);
    expect(ids("sys_updated_onONLast 2 days@javascript:gs.daysAgoStart(1)@javascript:gs.daysAgoEnd(0)")).toEqual([
      "today",
      "yesterday",
    ]);
    expect(ids("sys_updated_onON2024-06-14")).toEqual(["yesterday"]);
  });

  it("drops a malformed ON value", () => {
    expect(compile("sys_updated_onONToday@x").invalidTerms.map((t) => t.reason)).toEqual(["malformed-value"]);
  });

  it("BETWEEN and comparisons accept helpers", () => {
    expect(
      ids("sys_created_onBETWEENjavascript:gs.dateGenerate('2015-10-07','00:00:00')@javascript:gs.daysAgoEnd(0)"),
    ).toEqual(["today", "january"]);
    expect(ids("sys_updated_on>javascript:gs.dateGenerate('2024-06-14','23:59:59')")).toEqual(["today"]);
    expect(ids("sys_updated_on>=javascript:gs.beginningOfToday()")).toEqual(["today"]);
    expect(ids("sys_updated_on<javascript:gs.monthsAgoStart(1)")).toEqual(["january"]);
  });

  it("RELATIVEGT / RELATIVELT move the clock by n units ago or ahead", () => {
    expect(ids("sys_updated_onRELATIVEGT@hour@ago@3")).toEqual(["today"]);
    expect(ids("sys_updated_onRELATIVEGT@dayofweek@ago@1")).toEqual(["today", "yesterday"]);
    expect(ids("sys_updated_onRELATIVELT@day@ago@1")).toEqual(["january"]);
    expect(ids("sys_updated_onRELATIVELT@month@ago@5")).toEqual(["january"]);
    expect(ids("sys_updated_onRELATIVEGT@year@ago@1")).toEqual(["today", "yesterday", "january"]);
    expect(ids("sys_updated_onRELATIVELT@minute@ahead@1")).toEqual(["today", "yesterday", "january"]);
    expect(ids("sys_updated_onRELATIVEGE@hour@ago@0")).toEqual([]);
    expect(ids("sys_updated_onRELATIVELE@hour@ago@0")).toEqual(["today", "yesterday", "january"]);
    expect(ids("sys_updated_onRELATIVELE@week@ago@1")).toEqual(["january"]);
  });

  it("drops a malformed RELATIVE value", () => {
    expect(compile("sys_updated_onRELATIVEGT@fortnight@ago@1").invalidTerms.map((t) => t.reason)).toEqual([
      "malformed-value",
    ]);
    expect(compile("sys_updated_onRELATIVEGT@hour@ago@x").invalidTerms).toHaveLength(1);
  });

  it("reads the clock once per compiled query and uses the injected instant", () => {
    const ctx = testContext({ now: new Date("2024-06-16T00:00:10Z") });
    const q = compileQuery(
      parseEncodedQuery(
        "sys_updated_on>=javascript:gs.daysAgoStart(1)^sys_updated_on<=javascript:gs.daysAgoEnd(1)^ORsys_updated_onRELATIVEGT@minute@ago@1",
      ),
      ctx,
      { invalidQueryReturnsNoRows: false },
    );
    expect(ctx.nowCalls).toBe(1);
    expect(RECORDS.filter((r) => q.matches(r)).map((r) => r.sys_id)).toEqual(["today"]);
  });
});
