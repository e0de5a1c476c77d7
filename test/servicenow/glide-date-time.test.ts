import { describe, expect, it } from "vitest";
import { isGlideDateTime, parseGlideDateTime, toGlideDateTime } from "../../src/servicenow/glide-date-time.js";

describe("glide datetimes (UTC YYYY-MM-DD HH:mm:ss, §2.3)", () => {
  it("formats in UTC without T or Z, truncated to the second", () => {
    expect(toGlideDateTime(Date.UTC(2026, 2, 29, 1, 30, 5, 999))).toBe("2026-03-29 01:30:05");
  });

  it("validates real datetimes only", () => {
    expect(isGlideDateTime("2024-02-29 23:59:59")).toBe(true);
    expect(isGlideDateTime("2026-02-29 00:00:00")).toBe(false);
    expect(isGlideDateTime("2026-01-01T00:00:00Z")).toBe(false);
    expect(isGlideDateTime("2026-01-01 24:00:00")).toBe(false);
    expect(isGlideDateTime(20260101)).toBe(false);
  });

  it("parses back to epoch ms", () => {
    expect(parseGlideDateTime("2026-03-01 10:00:00")).toBe(Date.UTC(2026, 2, 1, 10));
    expect(parseGlideDateTime("yesterday")).toBeUndefined();
  });
});
