import { describe, expect, it } from "vitest";
import { compareFieldValues } from "../../src/simulator/query/compare-field-values.js";
import { escapeQueryValue } from "../../src/simulator/query/escape-query-value.js";
import type { SimRecord } from "../../src/simulator/schema/types.js";
import { compile, matchingIds, SCHEMA, testContext } from "./query-test-context.js";

const bound = (query: string, field: string) => compile(query).lowerBound(field);

describe("lowerBound", () => {
  it("gives > as exclusive and >=, =, BETWEEN, IN as inclusive", () => {
    expect(bound("u_visits>5", "u_visits")).toEqual({ field: "u_visits", value: "5", inclusive: false });
    expect(bound("u_visits>=5", "u_visits")).toEqual({ field: "u_visits", value: "5", inclusive: true });
    expect(bound("u_visits=7", "u_visits")).toEqual({ field: "u_visits", value: "7", inclusive: true });
    expect(bound("u_visitsBETWEEN3@8", "u_visits")).toEqual({ field: "u_visits", value: "3", inclusive: true });
    expect(bound("u_visitsIN10,9,100", "u_visits")).toEqual({ field: "u_visits", value: "9", inclusive: true });
  });

  it("gives nothing for operators that do not bound from below", () => {
    for (const query of [
      "u_visits<5",
      "u_visits!=5",
      "u_visitsISEMPTY",
      "u_visitsNOT IN1,2",
      "nameLIKEa",
      "nameENDSWITHa",
    ]) {
      expect(bound(query, query.startsWith("name") ? "name" : "u_visits"), query).toBeUndefined();
    }
  });

  it("takes the tightest conjunct (exclusive wins a tie) and the weakest group (inclusive wins a tie)", () => {
    expect(bound("u_visits>=5^u_visits>5^u_visits>2", "u_visits")).toMatchObject({ value: "5", inclusive: false });
    expect(bound("u_visits>5^NQu_visits>=5", "u_visits")).toMatchObject({ value: "5", inclusive: true });
  });

  it("compares candidates with the column's type: 9 < 10 on numbers, '10' < '9' on strings", () => {
    expect(bound("u_visits>9^NQu_visits>10", "u_visits")).toMatchObject({ value: "9" });
    expect(bound("u_visits>9^u_visits>10", "u_visits")).toMatchObject({ value: "10" });
    expect(bound("name>9^NQname>10", "name")).toMatchObject({ value: "10" });
  });

  it("is open when any group leaves the field open, or an OR chain mixes in another field", () => {
    expect(bound("u_visits>5^NQname=a", "u_visits")).toBeUndefined();
    expect(bound("u_visits>5^ORname=a", "u_visits")).toBeUndefined();
    expect(bound("", "u_visits")).toBeUndefined();
  });

  it("bounds an OR chain on the field by its weakest branch", () => {
    expect(bound("u_visits>5^ORu_visits>=3", "u_visits")).toMatchObject({ value: "3", inclusive: true });
    expect(bound("name=a^u_visits>5^ORu_visits>=3", "u_visits")).toMatchObject({ value: "3", inclusive: true });
  });

  it("ignores dropped terms: an emptied group matches everything, so the bound is open", () => {
    expect(bound("u_visits>5^NQu_nope=1", "u_visits")).toBeUndefined();
    expect(bound("u_visits>5^ORu_nope=1", "u_visits")).toMatchObject({ value: "5" });
    expect(bound("u_nope>5", "u_nope")).toBeUndefined();
  });

  it("normalises dates and evaluates helpers", () => {
    expect(bound("sys_updated_on>=2024-01-01", "sys_updated_on")).toMatchObject({ value: "2024-01-01 00:00:00" });
    expect(bound("sys_updated_on>javascript:gs.daysAgoStart(1)", "sys_updated_on")).toMatchObject({
      value: "2024-06-14 00:00:00",
      inclusive: false,
    });
    expect(
      bound("sys_updated_onONToday@javascript:gs.beginningOfToday()@javascript:gs.endOfToday()", "sys_updated_on"),
    ).toMatchObject({ value: "2024-06-15 00:00:00", inclusive: true });
  });

  it("bounds case-insensitive STARTSWITH by the uppercased ASCII prefix, on text columns only", () => {
    expect(bound("nameSTARTSWITHlib", "name")).toEqual({ field: "name", value: "LIB", inclusive: true });
    expect(bound("nameSTARTSWITHé", "name")).toBeUndefined();
    expect(bound("owned_bySTARTSWITHa", "owned_by")).toBeUndefined();
    expect(bound("u_visitsSTARTSWITH1", "u_visits")).toBeUndefined();
  });
});

describe("keyset pagination on (sys_updated_on, sys_id) (§6.1)", () => {
  const B = "2024-01-01 00:00:00";
  const T = "2024-06-01 12:00:00";
  const S = "5";
  const keysetQuery = `sys_updated_on>=${B}^sys_updated_on>${T}^NQsys_updated_on>=${B}^sys_updated_on=${T}^sys_id>${S}^ORDERBYsys_updated_on^ORDERBYsys_id`;
  const records: SimRecord[] = [
    ["1", "2023-12-31 23:59:59"],
    ["2", B],
    ["3", "2024-06-01 11:59:59"],
    ["4", T],
    ["5", T],
    ["6", T],
    ["7", "2024-06-01 12:00:01"],
    ["0", "2024-07-01 00:00:00"],
  ].map(([sys_id, sys_updated_on]) => ({ sys_id: sys_id ?? "", sys_updated_on: sys_updated_on ?? "" }));

  it("matches exactly the rows after the cursor (T, S)", () => {
    expect(matchingIds(keysetQuery, records)).toEqual(["6", "7", "0"]);
  });

  it("bounds sys_updated_on at T inclusive (not at B), and leaves sys_id open", () => {
    const q = compile(keysetQuery);
    expect(q.lowerBound("sys_updated_on")).toEqual({ field: "sys_updated_on", value: T, inclusive: true });
    expect(q.lowerBound("sys_id")).toBeUndefined();
    expect(q.orderBy).toEqual([
      { field: "sys_updated_on", descending: false },
      { field: "sys_id", descending: false },
    ]);
  });

  it("bounds the first page at B and a full-table page at the last sys_id", () => {
    expect(bound(`sys_updated_on>=${B}^ORDERBYsys_updated_on^ORDERBYsys_id`, "sys_updated_on")).toEqual({
      field: "sys_updated_on",
      value: B,
      inclusive: true,
    });
    expect(bound("active=true^sys_id>abc^ORDERBYsys_id", "sys_id")).toEqual({
      field: "sys_id",
      value: "abc",
      inclusive: false,
    });
  });
});

describe("lowerBoundRow", () => {
  const row = (query: string, fields: string[]) => compile(query).lowerBoundRow(fields);
  const T = "2024-06-01 12:00:00";

  it("gives (T, S) exclusive for the keyset page, so a seek skips the rows tied on T", () => {
    const q = `sys_updated_on>=2024-01-01 00:00:00^sys_updated_on>${T}^NQsys_updated_on>=2024-01-01 00:00:00^sys_updated_on=${T}^sys_id>abc^ORDERBYsys_updated_on^ORDERBYsys_id`;
    expect(row(q, ["sys_updated_on", "sys_id"])).toEqual({ values: [T, "abc"], inclusive: false });
    expect(row(q.replace("sys_id>abc", "sys_id>=abc"), ["sys_updated_on", "sys_id"])).toEqual({
      values: [T, "abc"],
      inclusive: true,
    });
  });

  it("takes the lowest group: a group pinned to an earlier value wins", () => {
    const q = `sys_updated_on>${T}^NQsys_updated_on=2024-05-01 00:00:00^sys_id>abc`;
    expect(row(q, ["sys_updated_on", "sys_id"])).toEqual({ values: ["2024-05-01 00:00:00", "abc"], inclusive: false });
  });

  it("combines any inclusive bound on the first field with a bound on the second in the same group", () => {
    expect(row(`sys_updated_on>=${T}^sys_id>=abc`, ["sys_updated_on", "sys_id"])).toEqual({
      values: [T, "abc"],
      inclusive: true,
    });
    expect(row(`sys_updated_onIN${T},2024-07-01 00:00:00^sys_id>abc`, ["sys_updated_on", "sys_id"])).toEqual({
      values: [T, "abc"],
      inclusive: false,
    });
  });

  it("is undefined when it would add nothing to lowerBound on the first field, or a group is open", () => {
    expect(row(`sys_updated_on>${T}`, ["sys_updated_on", "sys_id"])).toBeUndefined();
    expect(row(`sys_updated_on=${T}`, ["sys_updated_on", "sys_id"])).toBeUndefined();
    // The first group allows (T, anything) below S, so the pair bound degrades to sys_updated_on>=T.
    expect(row(`sys_updated_on>=${T}^NQsys_updated_on=${T}^sys_id>abc`, ["sys_updated_on", "sys_id"])).toBeUndefined();
    expect(row(`sys_updated_on>${T}^NQsys_id>abc`, ["sys_updated_on", "sys_id"])).toBeUndefined();
    expect(row(`sys_updated_on=${T}^ORname=a^sys_id>abc`, ["sys_updated_on", "sys_id"])).toBeUndefined();
    expect(row(`sys_updated_on=${T}^sys_id>abc`, ["sys_updated_on"])).toBeUndefined();
    expect(row(`sys_updated_on=${T}^sys_id>abc`, ["sys_updated_on", "u_nope"])).toBeUndefined();
  });

  it("uses the column types: numbers compare numerically in both positions", () => {
    expect(row("u_visits>10^NQu_visits=9^u_limit>5", ["u_visits", "u_limit"])).toEqual({
      values: ["9", "5"],
      inclusive: false,
    });
    expect(row("u_visits>9^NQu_visits=10^u_limit>5", ["u_visits", "u_limit"])).toBeUndefined();
  });
});

// --- Soundness property: every record a random query matches satisfies the bound it reports on every field. ---

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALICE = "a0000000000000000000000000000001";
const BOB = "b0000000000000000000000000000002";
const STORED: Record<string, string[]> = {
  sys_id: ["0f", "1a", "1b", "9c", "a0", "af", "ff"],
  name: [
    "",
    "a",
    "A",
    "ab",
    "AB",
    "Ab",
    "b",
    "B",
    "lib",
    "Lib",
    "LIBRARY",
    "İx",
    "\u212Ak",
    "z",
    "é",
    "x^y",
    "10",
    "9",
  ],
  alias: ["", "a", "ab", "B", "lib", "9"],
  u_visits: ["", "0", "1", "5", "9", "10", "100", "-3", "007"],
  u_limit: ["", "1", "5", "10"],
  u_pue: ["", "0.5", "1.5", "1.50", "2", "10"],
  u_ratio: ["", "0.25", "1e2", "3"],
  active: ["", "true", "false"],
  sys_updated_on: [
    "",
    "2023-12-31 23:59:59",
    "2024-01-01 00:00:00",
    "2024-01-01 12:00:00",
    "2024-06-14 23:59:59",
    "2024-06-15 08:00:00",
  ],
  sys_created_on: ["", "2024-01-01 00:00:00", "2024-06-15 08:00:00"],
  u_period: ["", "2023-12-01", "2024-01-01", "2024-06-01", "2024-06-15"],
  owned_by: ["", ALICE, BOB],
  operational_status: ["", "1", "2", "10"],
};
const EXTRA_LITERALS: Record<string, string[]> = {
  u_visits: ["5.0", "9.5", "abc", ""],
  u_pue: ["1.500", "abc"],
  active: ["1", "0"],
  sys_updated_on: ["2024-01-01", "2024-06-15", "javascript:gs.daysAgoStart(1)", "javascript:gs.hoursAgo(3)"],
  u_period: ["2024-06-01 00:00:00", "2024-01-01 00:00:01", "javascript:gs.beginningOfThisMonth()"],
  name: ["LI", "li", "i", "k", "K"],
};
const DIRECT_FIELDS = [...SCHEMA.keys()].filter((f) => !f.includes("."));
const OPERATORS = [
  ">",
  ">=",
  "=",
  "BETWEEN",
  "STARTSWITH",
  "IN",
  "ON",
  "RELATIVEGT",
  "RELATIVEGE",
  "<",
  "<=",
  "!=",
  "NOT IN",
  "LIKE",
  "NOT LIKE",
  "ENDSWITH",
  "ISEMPTY",
  "ISNOTEMPTY",
  "EMPTYSTRING",
  "ANYTHING",
  "SAMEAS",
  "NSAMEAS",
  "NOTON",
  "RELATIVELT",
  "DYNAMIC",
];

const pickWith =
  (rand: () => number) =>
  <T>(items: readonly T[]): T =>
    items[Math.floor(rand() * items.length)] as T;

function randomLiteral(rand: () => number, field: string): string {
  return pickWith(rand)([...(STORED[field] ?? [""]), ...(EXTRA_LITERALS[field] ?? [])]);
}

/** A random query mixing every operator, biased towards `focus` and lower-bounding operators. */
function randomFreeQuery(rand: () => number, focus: string): string {
  const pick = pickWith(rand);
  const literal = (field: string): string => randomLiteral(rand, field);
  const term = (): string => {
    if (rand() < 0.05) return `u_nope=${literal("name")}`;
    const field = rand() < 0.6 ? focus : pick(DIRECT_FIELDS);
    // Lower-bounding operators (the first 9) are drawn more often.
    const operator = rand() < 0.6 ? pick(OPERATORS.slice(0, 9)) : pick(OPERATORS);
    switch (operator) {
      case "BETWEEN":
        return `${field}BETWEEN${literal(field)}@${literal(field)}`;
      case "IN":
      case "NOT IN":
        return `${field}${operator}${[literal(field), literal(field)].join(",")}`;
      case "ON":
      case "NOTON":
        return rand() < 0.5
          ? `${field}${operator}2024-06-15`
          : `${field}${operator}Last 2 days@javascript:gs.daysAgoStart(1)@javascript:gs.daysAgoEnd(0)`;
      case "RELATIVEGT":
      case "RELATIVEGE":
      case "RELATIVELT":
        return `${field}${operator}@${pick(["hour", "day", "month"])}@${pick(["ago", "ahead"])}@${pick(["0", "1", "7"])}`;
      case "SAMEAS":
      case "NSAMEAS":
        return `${field}${operator}${pick(DIRECT_FIELDS)}`;
      default:
        return `${field}${operator}${escapeQueryValue(literal(field))}`;
    }
  };
  const groups = Array.from({ length: rand() < 0.5 ? 1 : 2 + Math.floor(rand() * 2) }, () =>
    Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
      Array.from({ length: rand() < 0.7 ? 1 : 2 + Math.floor(rand() * 2) }, term).join("^OR"),
    ).join("^"),
  );
  return groups.join("^NQ") + (rand() < 0.3 ? `^ORDERBY${focus}` : "");
}

/** The keyset page shape of §6.1 on (a, b), with random cursor values, base filters and extra groups. */
function randomKeysetQuery(rand: () => number, a: string, b: string): string {
  const pick = pickWith(rand);
  const base =
    rand() < 0.5
      ? `${pick(DIRECT_FIELDS)}${pick([">=", "!=", "ISNOTEMPTY", "LIKE"])}${escapeQueryValue(randomLiteral(rand, a))}^`
      : "";
  const t = escapeQueryValue(randomLiteral(rand, a));
  const s = escapeQueryValue(randomLiteral(rand, b));
  const groups = [
    `${base}${a}${pick([">", ">="])}${t}`,
    `${base}${a}${pick(["=", "=", "IN", `IN${randomLiteral(rand, a)},`])}${t}^${b}${pick([">", ">="])}${s}`,
  ];
  if (rand() < 0.3) groups.push(`${a}${pick(["=", ">"])}${escapeQueryValue(randomLiteral(rand, a))}^${b}>${s}`);
  if (rand() < 0.5) groups.reverse();
  return groups.join("^NQ");
}

function randomQuery(rand: () => number): { query: string; pair: [string, string] } {
  const pick = pickWith(rand);
  const focus = pick(DIRECT_FIELDS);
  if (rand() < 0.35) {
    const second = rand() < 0.7 && focus !== "sys_id" ? "sys_id" : pick(DIRECT_FIELDS.filter((f) => f !== focus));
    return { query: randomKeysetQuery(rand, focus, second), pair: [focus, second] };
  }
  return { query: randomFreeQuery(rand, focus), pair: [focus, pick(DIRECT_FIELDS)] };
}

function randomRecord(rand: () => number, index: number): SimRecord {
  const record: SimRecord = {};
  for (const [field, values] of Object.entries(STORED)) {
    record[field] = values[Math.floor(rand() * values.length)] ?? "";
  }
  record.sys_id = `${record.sys_id}${index}`;
  return record;
}

describe("lowerBound soundness (seeded property test)", () => {
  it("never excludes a matching record, for lowerBound and lowerBoundRow", () => {
    const rand = mulberry32(20240615);
    const ctx = testContext();
    let boundsChecked = 0;
    let matchesChecked = 0;
    let boundaryHits = 0;
    let rowBoundsChecked = 0;
    let rowMatchesChecked = 0;
    const typeOf = (field: string) => {
      const type = SCHEMA.get(field);
      if (type === undefined) throw new Error(field);
      return type;
    };
    for (let caseIndex = 0; caseIndex < 3000; caseIndex++) {
      const { query, pair } = randomQuery(rand);
      const records = Array.from({ length: 40 }, (_, i) => randomRecord(rand, i));
      const compiled = compile(query);
      const matching = records.filter((r) => compiled.matches(r));
      for (const field of DIRECT_FIELDS) {
        const lower = compiled.lowerBound(field);
        if (lower === undefined) continue;
        boundsChecked++;
        const type = typeOf(field);
        for (const record of matching) {
          matchesChecked++;
          const c = compareFieldValues(type, ctx.value(record, field) ?? "", lower.value);
          if (c === 0) boundaryHits++;
          const ok = c > 0 || (c === 0 && lower.inclusive);
          if (!ok) {
            throw new Error(`unsound bound ${JSON.stringify(lower)} for ${query} on ${JSON.stringify(record)}`);
          }
        }
      }
      const row = compiled.lowerBoundRow(pair);
      if (row !== undefined) {
        rowBoundsChecked++;
        const [a, b] = pair;
        for (const record of matching) {
          rowMatchesChecked++;
          const c =
            compareFieldValues(typeOf(a), ctx.value(record, a) ?? "", row.values[0] ?? "") ||
            compareFieldValues(typeOf(b), ctx.value(record, b) ?? "", row.values[1] ?? "");
          if (!(c > 0 || (c === 0 && row.inclusive))) {
            throw new Error(`unsound row bound ${JSON.stringify(row)} for ${query} on ${JSON.stringify(record)}`);
          }
        }
      }
    }
    // Guard against a vacuous run: bounds were produced and checked against real matches.
    expect(boundsChecked).toBeGreaterThan(1600);
    expect(matchesChecked).toBeGreaterThan(20000);
    // Records sitting exactly on the bound exercise the inclusive/exclusive logic.
    expect(boundaryHits).toBeGreaterThan(6000);
    expect(rowBoundsChecked).toBeGreaterThan(400);
    expect(rowMatchesChecked).toBeGreaterThan(6000);
  });
});
