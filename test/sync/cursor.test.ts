// Where an incremental read starts (pure): the lookback window before the cursor is re-read every run (DESIGN.md §4
// invariant 2), unless the read is full or starts from --since.
import { describe, expect, it } from "vitest";
import { readStart } from "../../src/sync/cursor.js";

const cursor = { stream: "services" as const, updatedOn: "2026-11-20 10:00:00", sysId: "a".repeat(32) };

describe("readStart", () => {
  it("full, --since and a first run", () => {
    expect(readStart(cursor, { full: true, lookbackS: 300 })).toEqual({ since: undefined, reason: "full" });
    expect(readStart(cursor, { full: false, lookbackS: 300, since: "2026-01-01 00:00:00" })).toEqual({
      since: "2026-01-01 00:00:00",
      reason: "since-flag",
    });
    expect(readStart(undefined, { full: false, lookbackS: 300 }).reason).toBe("first-run");
  });

  it("re-reads the lookback window before the cursor", () => {
    expect(readStart(cursor, { full: false, lookbackS: 300 }).since).toBe("2026-11-20 09:55:00");
  });
});
