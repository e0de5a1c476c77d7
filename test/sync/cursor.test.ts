// Where an incremental read starts (pure): the lookback window before the cursor, narrowed by the horizon of the
// last complete read so that a quiet catalogue is not re-read (issue #8: a no-op run costs one request per table).
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

  it("without a horizon, re-reads the lookback before the cursor", () => {
    expect(readStart(cursor, { full: false, lookbackS: 300 }).since).toBe("2026-11-20 09:55:00");
  });

  it("a read that began long after the cursor leaves nothing before the cursor to re-read", () => {
    const r = readStart(cursor, { full: false, lookbackS: 300, horizon: "2026-11-21 02:30:00" });
    expect(r.since).toBe("2026-11-20 10:00:00");
  });

  it("a read that began within the lookback of the cursor re-reads from horizon − lookback", () => {
    const r = readStart(cursor, { full: false, lookbackS: 300, horizon: "2026-11-20 10:02:00" });
    expect(r.since).toBe("2026-11-20 09:57:00");
  });

  it("never wider than cursor − lookback (a horizon before the cursor), and ignores a malformed one", () => {
    expect(readStart(cursor, { full: false, lookbackS: 300, horizon: "2026-11-19 00:00:00" }).since).toBe(
      "2026-11-20 09:55:00",
    );
    expect(readStart(cursor, { full: false, lookbackS: 300, horizon: "yesterday" }).since).toBe("2026-11-20 09:55:00");
  });
});
