import { describe, expect, it } from "vitest";
import { escapeQueryValue } from "../../src/simulator/query/escape-query-value.js";
import { parseEncodedQuery } from "../../src/simulator/query/parse-encoded-query.js";
import { parseQueryTerm } from "../../src/simulator/query/parse-query-term.js";
import type { ParsedQuery } from "../../src/simulator/query/parsed-query.js";
import { splitQueryTerms } from "../../src/simulator/query/split-query-terms.js";

/** Groups as arrays of chains of `field|OP|value` strings, for compact assertions. */
function shape(parsed: ParsedQuery): string[][][] {
  return parsed.groups.map((g) =>
    g.chains.map((chain) =>
      chain.map((t) => (t.kind === "condition" ? `${t.field}|${t.operator}|${t.value}` : `!malformed:${t.text}`)),
    ),
  );
}

describe("splitQueryTerms", () => {
  it("splits on single carets and unescapes ^^", () => {
    expect(splitQueryTerms("a=x^^y^b=1")).toEqual(["a=x^y", "b=1"]);
    expect(splitQueryTerms("a=1^ORb=2^NQc=3")).toEqual(["a=1", "ORb=2", "NQc=3"]);
  });

  it("pairs carets greedily from the left: ^^^OR is a literal caret then a separator", () => {
    expect(splitQueryTerms("a=x^^^ORb=1")).toEqual(["a=x^", "ORb=1"]);
    expect(splitQueryTerms("a=x^^^^b=1")).toEqual(["a=x^^b=1"]);
    expect(splitQueryTerms("a=x^^^^^b=1")).toEqual(["a=x^^", "b=1"]);
  });
});

describe("parseEncodedQuery", () => {
  it("parses an empty query as no groups (match everything)", () => {
    expect(parseEncodedQuery("")).toEqual({ groups: [], orderBy: [] });
    expect(parseEncodedQuery("^EQ")).toEqual({ groups: [], orderBy: [] });
  });

  it("binds ^OR to the neighbouring condition only: a^b^ORc = a AND (b OR c)", () => {
    expect(shape(parseEncodedQuery("a=1^b=2^ORc=3"))).toEqual([[["a|=|1"], ["b|=|2", "c|=|3"]]]);
    expect(shape(parseEncodedQuery("a=1^ORb=2^c=3"))).toEqual([[["a|=|1", "b|=|2"], ["c|=|3"]]]);
    expect(shape(parseEncodedQuery("a=1^ORb=2^ORc=3"))).toEqual([[["a|=|1", "b|=|2", "c|=|3"]]]);
  });

  it("starts a new group at ^NQ", () => {
    expect(shape(parseEncodedQuery("a=1^b=2^NQc=3^ORd=4"))).toEqual([[["a|=|1"], ["b|=|2"]], [["c|=|3", "d|=|4"]]]);
  });

  it("drops syntactically empty groups and ignores ^EQ and empty terms", () => {
    expect(shape(parseEncodedQuery("a=1^NQ"))).toEqual([[["a|=|1"]]]);
    expect(shape(parseEncodedQuery("^NQa=1^NQ^NQb=2^EQ"))).toEqual([[["a|=|1"]], [["b|=|2"]]]);
    // `^^EQ` is an escaped caret followed by "EQ", part of the value, not a terminator.
    expect(shape(parseEncodedQuery("^a=1^^EQ"))).toEqual([[["a|=|1^EQ"]]]);
  });

  it("treats an ^OR with nothing before it in its group as the start of a chain", () => {
    expect(shape(parseEncodedQuery("a=1^NQ^ORb=2^c=3"))).toEqual([[["a|=|1"]], [["b|=|2"], ["c|=|3"]]]);
  });

  it("keeps a literal caret inside a value: a=x^^y^b=1 is a = 'x^y' AND b = 1", () => {
    expect(shape(parseEncodedQuery("a=x^^y^b=1"))).toEqual([[["a|=|x^y"], ["b|=|1"]]]);
    expect(shape(parseEncodedQuery("a=x^^^ORb=1"))).toEqual([[["a|=|x^", "b|=|1"]]]);
    expect(shape(parseEncodedQuery("a=x^^ORb=1"))).toEqual([[["a|=|x^ORb=1"]]]);
  });

  it("collects ORDERBY and ORDERBYDESC terms in order, wherever they are", () => {
    const parsed = parseEncodedQuery("ORDERBYname^active=true^ORDERBYDESCsys_updated_on^NQORDERBYdescription^a=1");
    expect(parsed.orderBy).toEqual([
      { field: "name", descending: false },
      { field: "sys_updated_on", descending: true },
      { field: "description", descending: false },
    ]);
    expect(shape(parsed)).toEqual([[["active|=|true"]], [["a|=|1"]]]);
  });

  it("does not let an ORDERBY term break an OR chain", () => {
    expect(shape(parseEncodedQuery("a=1^ORDERBYa^ORb=2"))).toEqual([[["a|=|1", "b|=|2"]]]);
  });

  it("reports terms without an operator as malformed", () => {
    expect(shape(parseEncodedQuery("active^=x"))).toEqual([[["!malformed:active"], ["!malformed:=x"]]]);
  });

  it("round-trips any value through escapeQueryValue", () => {
    const alphabet = ["^", "a", "O", "R", "N", "Q", "=", "@", ",", " ", "é"];
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let i = 0; i < 500; i++) {
      const value = Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join("");
      const parsed = parseEncodedQuery(
        `name=${escapeQueryValue(value)}^ORshort_description=${escapeQueryValue(value)}^active=true`,
      );
      expect(shape(parsed)).toEqual([[[`name|=|${value}`, `short_description|=|${value}`], ["active|=|true"]]]);
    }
  });
});

describe("parseQueryTerm", () => {
  it("picks the longest operator right after the field name", () => {
    const cases: [string, string, string, string][] = [
      ["u_visits>=10", "u_visits", ">=", "10"],
      ["u_visits>10", "u_visits", ">", "10"],
      ["u_visits<=10", "u_visits", "<=", "10"],
      ["name!=x", "name", "!=", "x"],
      ["nameNOT LIKEfoo", "name", "NOT LIKE", "foo"],
      ["nameNOT INa,b", "name", "NOT IN", "a,b"],
      ["nameINa,b", "name", "IN", "a,b"],
      ["sys_class_nameINSTANCEOFcmdb_ci", "sys_class_name", "INSTANCEOF", "cmdb_ci"],
      ["nameISNOTEMPTY", "name", "ISNOTEMPTY", ""],
      ["nameEMPTYSTRING", "name", "EMPTYSTRING", ""],
      ["nameENDSWITHx", "name", "ENDSWITH", "x"],
      ["sys_updated_onONToday@a@b", "sys_updated_on", "ON", "Today@a@b"],
      ["sys_updated_onNOTONToday@a@b", "sys_updated_on", "NOTON", "Today@a@b"],
      ["sys_updated_onRELATIVEGT@hour@ago@1", "sys_updated_on", "RELATIVEGT", "@hour@ago@1"],
      ["nameNSAMEASalias", "name", "NSAMEAS", "alias"],
      ["owned_by.name=Bob", "owned_by.name", "=", "Bob"],
      ["name=a=b", "name", "=", "a=b"],
      ["nameLIKEx=y", "name", "LIKE", "x=y"],
      ["u_visitsBETWEEN1@5", "u_visits", "BETWEEN", "1@5"],
      ["owned_byDYNAMIC90d1921e5f510100a9ad2572f2b477fe", "owned_by", "DYNAMIC", "90d1921e5f510100a9ad2572f2b477fe"],
    ];
    for (const [text, field, operator, value] of cases) {
      expect(parseQueryTerm(text)).toEqual({ kind: "condition", field, operator, value, text });
    }
  });

  it("does not read lowercase words as operators (field names are lowercase, operators uppercase)", () => {
    expect(parseQueryTerm("descriptionLIKEon")).toMatchObject({ field: "description", operator: "LIKE", value: "on" });
    expect(parseQueryTerm("u_isemptyISEMPTY")).toMatchObject({ field: "u_isempty", operator: "ISEMPTY" });
  });
});
