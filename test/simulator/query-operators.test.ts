import { describe, expect, it } from "vitest";
import type { SimRecord } from "../../src/simulator/schema/types.js";
import { compile, matchingIds } from "./query-test-context.js";

const ALICE = "a0000000000000000000000000000001";
const BOB = "b0000000000000000000000000000002";
const NAMES = { [ALICE]: "Alice Martin", [BOB]: "bob Durand" };

const RECORDS: SimRecord[] = [
  {
    sys_id: "r1",
    name: "Library",
    alias: "Library",
    u_visits: "9",
    u_pue: "1.50",
    active: "true",
    owned_by: ALICE,
    sys_updated_on: "2024-06-15 08:00:00",
    u_period: "2024-06-01",
  },
  {
    sys_id: "r2",
    name: "library card",
    alias: "card",
    u_visits: "10",
    u_pue: "1.5",
    active: "false",
    owned_by: BOB,
    sys_updated_on: "2024-06-14 23:59:59",
    u_period: "2024-05-01",
  },
  {
    sys_id: "r3",
    name: "Transport^Bus",
    alias: "",
    u_visits: "100",
    u_pue: "2",
    active: "true",
    owned_by: "",
    sys_updated_on: "2024-01-01 00:00:00",
    u_period: "2024-01-01",
  },
  {
    sys_id: "r4",
    name: "",
    alias: "",
    u_visits: "",
    u_pue: "",
    active: "",
    owned_by: "",
    sys_updated_on: "",
    u_period: "",
  },
];

const ids = (query: string): string[] => matchingIds(query, RECORDS, { displayValues: NAMES });
const idsWithoutDisplayValues = (query: string): string[] => matchingIds(query, RECORDS);

describe("equality operators", () => {
  it("= and != compare strings case-sensitively; != also matches empty values", () => {
    expect(ids("name=Library")).toEqual(["r1"]);
    expect(ids("name=library")).toEqual([]);
    expect(ids("name!=Library")).toEqual(["r2", "r3", "r4"]);
    expect(ids("name=")).toEqual(["r4"]);
  });

  it("= compares numbers numerically on numeric columns, not as strings", () => {
    expect(ids("u_pue=1.5")).toEqual(["r1", "r2"]);
    expect(ids("u_pue!=1.5")).toEqual(["r3", "r4"]);
    expect(ids("u_visits=9.0")).toEqual(["r1"]);
    // On a string column the same literal is text.
    expect(ids("alias=9.0")).toEqual([]);
  });

  it("IN and NOT IN take a comma list", () => {
    expect(ids("u_visitsIN9,100")).toEqual(["r1", "r3"]);
    expect(ids("nameINLibrary,Transport^^Bus")).toEqual(["r1", "r3"]);
    expect(ids("u_visitsNOT IN9,100")).toEqual(["r2", "r4"]);
    expect(ids("nameINlibrary")).toEqual([]);
  });

  it("booleans accept true/false/1/0", () => {
    expect(ids("active=true")).toEqual(["r1", "r3"]);
    expect(ids("active=1")).toEqual(["r1", "r3"]);
    expect(ids("active=0")).toEqual(["r2"]);
    expect(ids("active!=true")).toEqual(["r2", "r4"]);
    expect(ids("activeIN0,1")).toEqual(["r1", "r2", "r3"]);
  });

  it("references compare their sys_id with = / != / IN, never the display value", () => {
    expect(ids(`owned_by=${ALICE}`)).toEqual(["r1"]);
    expect(ids("owned_by=Alice Martin")).toEqual([]);
    expect(ids(`owned_by!=${ALICE}`)).toEqual(["r2", "r3", "r4"]);
    expect(ids(`owned_byIN${ALICE},${BOB}`)).toEqual(["r1", "r2"]);
  });

  it("DYNAMIC is treated as = on the literal sys_id", () => {
    expect(ids(`owned_byDYNAMIC${BOB}`)).toEqual(["r2"]);
  });

  it("SAMEAS / NSAMEAS compare two columns of the same record; empty never counts as the same", () => {
    expect(ids("nameSAMEASalias")).toEqual(["r1"]);
    expect(ids("nameNSAMEASalias")).toEqual(["r2", "r3", "r4"]);
  });

  it("SAMEAS naming an unknown column is invalid and dropped", () => {
    const q = compile("nameSAMEASu_nope");
    expect(q.invalidFields).toEqual(["u_nope"]);
    expect(RECORDS.filter((r) => q.matches(r))).toHaveLength(4);
  });
});

describe("range operators", () => {
  it("compares numbers numerically (string order would put 100 < 9)", () => {
    expect(ids("u_visits>9")).toEqual(["r2", "r3"]);
    expect(ids("u_visits>=10")).toEqual(["r2", "r3"]);
    expect(ids("u_visits<10")).toEqual(["r1"]);
    expect(ids("u_visits<=10")).toEqual(["r1", "r2"]);
    // As strings, "100" < "9": the string column `alias` shows the contrast with the same kind of data.
    expect(matchingIds("alias<9", [{ sys_id: "x", alias: "100" }])).toEqual(["x"]);
    expect(matchingIds("u_visits<9", [{ sys_id: "x", u_visits: "100" }])).toEqual([]);
  });

  it("never matches an empty value, nor a non-numeric literal on a numeric column", () => {
    expect(ids("u_visits<1000")).toEqual(["r1", "r2", "r3"]);
    expect(ids("u_visits>")).toEqual([]);
    expect(ids("u_visits<abc")).toEqual([]);
    expect(ids("name>")).toEqual(["r1", "r2", "r3"]);
  });

  it("compares GUIDs as strings (keyset paging on sys_id relies on it)", () => {
    const rows: SimRecord[] = ["0fa1", "9b00", "a001", "ff00"].map((sys_id) => ({ sys_id }));
    expect(matchingIds("sys_id>9b00", rows)).toEqual(["a001", "ff00"]);
    expect(matchingIds("sys_id>=9b00", rows)).toEqual(["9b00", "a001", "ff00"]);
  });

  it("compares decimal and float columns numerically, including exponent notation", () => {
    const rows: SimRecord[] = [
      { sys_id: "x", u_ratio: "1e2" },
      { sys_id: "y", u_ratio: "0.25" },
      { sys_id: "z", u_ratio: "" },
    ];
    expect(matchingIds("u_ratio>50", rows)).toEqual(["x"]);
    expect(matchingIds("u_ratio=100", rows)).toEqual(["x"]);
    expect(matchingIds("u_ratio<=.25", rows)).toEqual(["y"]);
  });

  it("compares strings case-sensitively in code-unit order", () => {
    // "L" < "T" < "l"
    expect(ids("name>M")).toEqual(["r2", "r3"]);
    expect(ids("name<M")).toEqual(["r1"]);
  });

  it("BETWEEN is inclusive at both ends", () => {
    expect(ids("u_visitsBETWEEN9@10")).toEqual(["r1", "r2"]);
    expect(ids("u_visitsBETWEEN10@100")).toEqual(["r2", "r3"]);
    expect(ids("sys_updated_onBETWEEN2024-06-14 23:59:59@2024-06-15 08:00:00")).toEqual(["r1", "r2"]);
  });

  it("a BETWEEN without exactly one @ is malformed and dropped", () => {
    const q = compile("u_visitsBETWEEN9");
    expect(q.invalidTerms).toEqual([{ text: "u_visitsBETWEEN9", reason: "malformed-value" }]);
    expect(q.invalidFields).toEqual([]);
  });

  it("compares datetimes chronologically and accepts a date-only literal as midnight", () => {
    expect(ids("sys_updated_on>2024-06-14 23:59:58")).toEqual(["r1", "r2"]);
    expect(ids("sys_updated_on>=2024-06-15")).toEqual(["r1"]);
    expect(ids("sys_updated_on<2024-06-15")).toEqual(["r2", "r3"]);
    expect(ids("sys_updated_on=2024-01-01")).toEqual(["r3"]);
  });

  it("compares glide_date columns against datetimes as midnight of that day", () => {
    expect(ids("u_period>=2024-05-01 00:00:00")).toEqual(["r1", "r2"]);
    expect(ids("u_period>2024-05-01")).toEqual(["r1"]);
    expect(ids("u_period=2024-06-01")).toEqual(["r1"]);
  });
});

describe("text operators", () => {
  it("LIKE / NOT LIKE are case-insensitive contains; NOT LIKE matches empty values", () => {
    expect(ids("nameLIKElibrary")).toEqual(["r1", "r2"]);
    expect(ids("nameLIKECARD")).toEqual(["r2"]);
    expect(ids("nameNOT LIKElibrary")).toEqual(["r3", "r4"]);
    expect(ids("nameLIKEt^^b")).toEqual(["r3"]);
  });

  it("STARTSWITH / ENDSWITH are case-insensitive", () => {
    expect(ids("nameSTARTSWITHLIB")).toEqual(["r1", "r2"]);
    expect(ids("nameENDSWITHCARD")).toEqual(["r2"]);
    expect(ids("nameENDSWITHbus")).toEqual(["r3"]);
  });

  it("treats % and _ literally", () => {
    expect(ids("nameLIKE%")).toEqual([]);
    expect(ids("nameLIKElib_ary")).toEqual([]);
  });

  it("matches references on their display value with LIKE / STARTSWITH / ENDSWITH", () => {
    expect(ids("owned_byLIKEmartin")).toEqual(["r1"]);
    expect(ids("owned_bySTARTSWITHBOB")).toEqual(["r2"]);
    expect(ids("owned_byENDSWITHdurand")).toEqual(["r2"]);
    expect(ids("owned_byNOT LIKEalice")).toEqual(["r2", "r3", "r4"]);
  });

  it("falls back to the sys_id when the context has no display values", () => {
    expect(idsWithoutDisplayValues("owned_bySTARTSWITHa000")).toEqual(["r1"]);
    expect(idsWithoutDisplayValues("owned_byLIKEalice")).toEqual([]);
  });

  it("matches dot-walked columns", () => {
    expect(ids("owned_by.name=bob Durand")).toEqual(["r2"]);
    expect(ids("owned_by.nameLIKEmartin")).toEqual(["r1"]);
  });
});

describe("presence operators", () => {
  it("ISEMPTY / ISNOTEMPTY / ANYTHING", () => {
    expect(ids("aliasISEMPTY")).toEqual(["r3", "r4"]);
    expect(ids("aliasISNOTEMPTY")).toEqual(["r1", "r2"]);
    expect(ids("u_visitsISEMPTY")).toEqual(["r4"]);
    expect(ids("owned_byISEMPTY")).toEqual(["r3", "r4"]);
    expect(ids("nameANYTHING")).toEqual(["r1", "r2", "r3", "r4"]);
  });

  it("ISEMPTY also matches an unresolvable value; EMPTYSTRING only an exact empty string", () => {
    // owned_by.name cannot be walked through an empty reference: value undefined.
    expect(ids("owned_by.nameISEMPTY")).toEqual(["r3", "r4"]);
    expect(ids("owned_by.nameEMPTYSTRING")).toEqual([]);
    expect(ids("aliasEMPTYSTRING")).toEqual(["r3", "r4"]);
  });

  it("ignores a value written after a presence operator", () => {
    expect(ids("aliasISEMPTYwhatever")).toEqual(["r3", "r4"]);
  });
});

describe("unsupported operators", () => {
  it("drops MORETHAN / INSTANCEOF terms as invalid, without calling the field unknown", () => {
    const q = compile("sys_updated_onMORETHANsys_created_on@hour@ago@1^name=Library");
    expect(q.invalidTerms).toEqual([
      { text: "sys_updated_onMORETHANsys_created_on@hour@ago@1", reason: "unsupported-operator" },
    ]);
    expect(q.invalidFields).toEqual([]);
    expect(RECORDS.filter((r) => q.matches(r)).map((r) => r.sys_id)).toEqual(["r1"]);
    expect(compile("nameINSTANCEOFx", { invalidQueryReturnsNoRows: true }).returnsNoRows).toBe(true);
  });
});
