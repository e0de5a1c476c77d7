// The chaos suite's write figures from ledger entries (test/chaos/ledger-figures.ts): duplicate and non-idempotent
// writes, human edits overwritten, and the race window between a record's read and its PATCH.
import { describe, expect, it } from "vitest";
import type { LedgerRequest, LedgerWrite } from "../../src/simulator/store/ledger.js";
import { humanEditFigures, keysetLowKey, percentile, raceWindowsMs, writeFigures } from "./ledger-figures.js";

const F = { user: "bot", table: "svc" };
const A = "a".repeat(32);
const B = "b".repeat(32);
let nextId = 0;

function write(
  sysId: string,
  user: string,
  changed: string[],
  requestId = 0,
  before = "2026-10-01 00:00:00",
): LedgerWrite {
  return {
    id: ++nextId,
    requestId,
    op: "update",
    table: "svc",
    sysId,
    user,
    before: { sys_id: sysId, sys_updated_on: before },
    after: null,
    changedFields: changed,
  };
}

function request(id: number, at: string, method: string, query: string, rows = 50): LedgerRequest {
  return {
    id,
    at,
    method,
    path: method === "GET" ? "/api/now/table/svc" : `/api/now/table/svc/${A}`,
    query: new URLSearchParams({ sysparm_query: query }).toString(),
    user: "bot",
    status: 200,
    durationMs: 1,
    rows,
    fault: null,
    batchId: null,
  };
}

describe("writeFigures", () => {
  it("counts a replay that changed nothing as a duplicate, a second change as non-idempotent", () => {
    const f = writeFigures(
      [
        write(A, "bot", ["u_x"]),
        write(A, "bot", []), // replayed, values already there
        write(B, "bot", []), // a no-op on a record never written: not a duplicate of anything
        write(B, "bot", ["u_x"]),
        write(B, "bot", ["u_x", "u_stamp"]), // written again with other values
        write(A, "someone", ["u_x"]), // not the connector
      ],
      F,
    );
    expect(f).toEqual({
      applied: 5,
      valueChanging: 3,
      duplicateWrites: 1,
      nonIdempotentDuplicates: 1,
      nonIdempotentSysIds: [B],
    });
  });
});

describe("humanEditFigures", () => {
  it("counts a (record, field) a person set that a later connector write changed again", () => {
    const f = humanEditFigures(
      [
        write(A, "bot", ["u_x", "u_y"]),
        write(A, "marie", ["u_x"]),
        write(B, "marie", ["u_y", "short_description"]),
        write(A, "bot", ["u_y"]), // another field: the edit of u_x stands
        write(B, "bot", ["u_y"]), // overwrites the person's u_y
      ],
      "marie",
      F,
      new Set(["u_x", "u_y"]),
    );
    expect(f).toEqual({ edits: 2, overwritten: 1, overwrittenPairs: [`${B} u_y`] });
  });
});

describe("keysetLowKey", () => {
  it("reads the lowest key of a keyset query, its ^NQ groups and its lower bound", () => {
    expect(keysetLowKey("ORDERBYsys_updated_on^ORDERBYsys_id")).toBe("");
    expect(keysetLowKey("sys_updated_on>=2026-10-01 00:00:00^ORDERBYsys_updated_on")).toBe("2026-10-01 00:00:00|");
    expect(
      keysetLowKey(
        `sys_updated_on<=2026-12-01 00:00:00^sys_updated_on>2026-10-01 00:00:00^NQsys_updated_on<=2026-12-01 00:00:00^sys_updated_on=2026-10-01 00:00:00^sys_id>${A}^ORDERBYsys_updated_on`,
      ),
    ).toBe(`2026-10-01 00:00:00|${A}`);
  });
});

describe("raceWindowsMs", () => {
  it("measures from the page that read the record (highest lower bound below its key) to its PATCH", () => {
    const requests = [
      request(1, "2026-11-29T10:00:00.000Z", "GET", "ORDERBYsys_updated_on^ORDERBYsys_id"),
      request(
        2,
        "2026-11-29T10:00:01.000Z",
        "GET",
        `sys_updated_on>2026-10-01 00:00:00^NQsys_updated_on=2026-10-01 00:00:00^sys_id>${A}^ORDERBYsys_updated_on`,
      ),
      request(3, "2026-11-29T10:00:05.500Z", "PATCH", ""),
      request(4, "2026-11-29T10:00:06.000Z", "PATCH", ""),
      request(5, "2026-11-29T10:00:07.000Z", "GET", `sys_idIN${B}`, 1),
      request(6, "2026-11-29T10:00:07.250Z", "PATCH", ""),
    ];
    const writes = [
      write(A, "bot", ["u_x"], 3, "2026-10-01 00:00:00"), // on the first page (its key is the second page's bound)
      write(B, "marie", ["u_x"], 0, "2026-10-02 00:00:00"), // a person's edit: B was read as of before it
      write(B, "bot", ["u_x"], 4, "2026-10-03 00:00:00"),
      write(B, "bot", ["u_y"], 6, "2026-10-04 00:00:00"), // read again directly just before
    ];
    expect(raceWindowsMs(requests, writes, F)).toEqual([5500, 5000, 250]);
  });

  it("percentile is nearest-rank", () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(19);
    expect(percentile([7], 100)).toBe(7);
  });
});
